//! The page's state: one simulated cluster plus what the panels show, changed only by `Action`s.
//!
//! This is the single place where the UI touches the engine. Each action calls one `Cluster`
//! verb and then refreshes the view data (the objects table and the revision), so the panels
//! are always a rendering of the cluster as it is after the action.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Reducible;

use crate::view::ObjectRow;
use crate::{Cluster, CommandOutput};

/// The seed of a new page's cluster (fixed, so that a fresh page always behaves the same).
const DEFAULT_SEED: u64 = 0;

/// How many terminal entries are kept; older ones scroll away for good.
const TERMINAL_LIMIT: usize = 500;

/// The manifest a new page's editor holds: the talk's ConfigMap (slide 38).
pub const STARTER_MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: special-config
  namespace: default
data:
  special.how: very
";

/// A shared handle to the engine. Two handles are equal only when they are the same cluster,
/// which keeps comparing states cheap (the cluster itself is never compared).
#[derive(Clone)]
pub struct ClusterHandle(Rc<RefCell<Cluster>>);

impl PartialEq for ClusterHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// One command typed in the terminal and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct TerminalEntry {
    /// The line as typed.
    pub command: String,
    /// Its output and exit status.
    pub output: CommandOutput,
}

/// Everything the page shows.
#[derive(Clone, PartialEq)]
pub struct Playground {
    cluster: ClusterHandle,
    /// The editor's text.
    pub manifest: String,
    /// What the last Apply printed, if anything was applied yet.
    pub apply_output: Option<CommandOutput>,
    /// The terminal's history, oldest first.
    pub terminal: Rc<Vec<TerminalEntry>>,
    /// Every stored object, as of `revision`.
    pub objects: Rc<Vec<ObjectRow>>,
    /// The store revision the view data was read at.
    pub revision: u64,
    /// Whether simulated time runs on its own (a timer sends `Action::Tick`).
    pub playing: bool,
}

/// Everything the user (or the timer) can do to the page.
#[derive(Clone, Debug)]
pub enum Action {
    /// The editor's text changed.
    EditManifest(String),
    /// Apply the editor's text, as `kubectl apply -f -`.
    Apply,
    /// Run one terminal line.
    Run(String),
    /// Let `ms` milliseconds of simulated time pass.
    Tick {
        /// Simulated milliseconds.
        ms: u64,
    },
    /// Start or stop the timer that advances simulated time.
    SetPlaying(bool),
}

impl Playground {
    /// A fresh page: a new cluster, the starter manifest, time playing.
    pub fn new() -> Self {
        let cluster = Cluster::builder().seed(DEFAULT_SEED).build();
        let objects = Rc::new(cluster.view_objects());
        let revision = cluster.revision();
        Playground {
            cluster: ClusterHandle(Rc::new(RefCell::new(cluster))),
            manifest: STARTER_MANIFEST.to_string(),
            apply_output: None,
            terminal: Rc::new(Vec::new()),
            objects,
            revision,
            playing: true,
        }
    }

    /// Re-reads the view data from the cluster.
    fn refresh(&mut self, cluster: &Cluster) {
        self.revision = cluster.revision();
        self.objects = Rc::new(cluster.view_objects());
    }
}

impl Default for Playground {
    fn default() -> Self {
        Self::new()
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let handle = self.cluster.0.clone();
        // The engine never calls back into the UI, so the cluster is never borrowed here; if it
        // somehow were, the action is dropped rather than panicking the page.
        let Ok(mut cluster) = handle.try_borrow_mut() else {
            return self;
        };
        let mut next = (*self).clone();
        match action {
            Action::EditManifest(text) => {
                next.manifest = text;
                return Rc::new(next);
            }
            Action::Apply => {
                next.apply_output = Some(cluster.apply_yaml(&next.manifest));
            }
            Action::Run(command) => {
                let output = cluster.run_script(&command);
                let terminal = Rc::make_mut(&mut next.terminal);
                terminal.push(TerminalEntry { command, output });
                if terminal.len() > TERMINAL_LIMIT {
                    terminal.drain(..terminal.len() - TERMINAL_LIMIT);
                }
            }
            Action::Tick { ms } => {
                cluster.advance_ms(ms);
                if cluster.revision() == self.revision {
                    // Nothing was written: keep the same state so nothing re-renders.
                    return self;
                }
            }
            Action::SetPlaying(playing) => {
                next.playing = playing;
            }
        }
        next.refresh(&cluster);
        Rc::new(next)
    }
}

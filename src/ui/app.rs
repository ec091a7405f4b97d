//! The root component: the page layout, the state, and the timer that moves simulated time.

use gloo::timers::callback::Interval;
use yew::prelude::*;

use super::editor::Editor;
use super::objects::Objects;
use super::state::{Action, Playground};
use super::terminal::Terminal;

/// How often the timer fires while playing, in wall-clock milliseconds; each tick advances
/// simulated time by the same amount (1x speed).
const TICK_MS: u32 = 100;

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer_eq(Playground::new);

    {
        // While playing, an interval advances simulated time; dropping it (on pause or unmount)
        // stops it.
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let interval = playing.then(|| {
                Interval::new(TICK_MS, move || {
                    dispatcher.dispatch(Action::Tick {
                        ms: u64::from(TICK_MS),
                    })
                })
            });
            move || drop(interval)
        });
    }

    let dispatch = |make: fn(String) -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(make(text)))
    };
    let on_edit = dispatch(Action::EditManifest);
    let on_run = dispatch(Action::Run);
    let on_apply = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Apply))
    };
    let on_toggle_play = {
        let dispatcher = state.dispatcher();
        let playing = state.playing;
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::SetPlaying(!playing)))
    };

    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{ "kubeniwa" }</h1>
                <span class="tagline">{ "a Kubernetes v1.32 cluster, simulated in your browser" }</span>
                <div class="clock">
                    <button
                        type="button"
                        data-testid="play"
                        aria-pressed={ state.playing.to_string() }
                        onclick={on_toggle_play}
                    >
                        { if state.playing { "Pause" } else { "Play" } }
                    </button>
                    <span class="revision" data-testid="revision">
                        { format!("revision {}", state.revision) }
                    </span>
                </div>
            </header>
            <main class="panels">
                <Editor
                    manifest={state.manifest.clone()}
                    output={state.apply_output.clone()}
                    {on_edit}
                    {on_apply}
                />
                <Terminal entries={state.terminal.clone()} {on_run} />
                <Objects objects={state.objects.clone()} />
            </main>
        </div>
    }
}

//! Tests of the `kubectl describe` command itself (upstream v1.32
//! `pkg/cmd/describe/describe.go` and the resource Builder it drives): what the
//! arguments select, the separators between descriptions, the name-prefix fallback, and
//! kubectl's errors.

use serde_json::json;

use super::Harness;
use crate::cluster::CommandOutput;
use crate::shell::Files;

fn run(h: &mut Harness, args: &str) -> CommandOutput {
    let mut argv: Vec<String> = vec!["describe".to_string()];
    argv.extend(args.split_whitespace().map(String::from));
    crate::kubectl::run(&mut h.cluster, &argv, None, &crate::shell::NoFiles)
}

fn config_maps(h: &mut Harness) {
    for name in ["web-a", "web-b", "db"] {
        h.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default", "labels": {"tier": if name == "db" { "data" } else { "web" }}}}));
    }
}

/// The description of a data-less ConfigMap (upstream `ConfigMapDescriber`).
fn cm(name: &str, namespace: &str, labels: &str) -> String {
    format!(
        "Name:         {name}\nNamespace:    {namespace}\nLabels:       {labels}\nAnnotations:  <none>\n\nData\n====\n\nBinaryData\n====\n\nEvents:  <none>\n"
    )
}

/// Several objects are separated by two blank lines (`"\n\n"` before each further one).
#[test]
fn several_objects_are_separated_by_blank_lines() {
    let mut h = Harness::new();
    config_maps(&mut h);
    let out = run(&mut h, "cm web-a web-b");
    let (first, second) = (
        cm("web-a", "default", "tier=web"),
        cm("web-b", "default", "tier=web"),
    );
    assert_eq!(out.stdout, format!("{first}\n\n{second}"));
    assert_eq!(out.exit_code, 0);
}

/// `TYPE NAME` with no object of that name describes every object whose name starts
/// with it, each followed by a blank line (`DescribeMatchingResources`); with none, the
/// original NotFound error.
#[test]
fn name_prefix_fallback() {
    let mut h = Harness::new();
    config_maps(&mut h);
    let out = run(&mut h, "cm web");
    assert_eq!(out.exit_code, 0);
    assert_eq!(out.stdout.matches("Name:         web-").count(), 2);
    let (first, second) = (
        cm("web-a", "default", "tier=web"),
        cm("web-b", "default", "tier=web"),
    );
    assert_eq!(out.stdout, format!("{first}\n{second}\n"));
    let out = run(&mut h, "cm nothing");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): configmaps \"nothing\" not found\n"
    );
    assert_eq!(out.exit_code, 1);
    // With more than one name, there is no fallback: found objects print, misses fail.
    let out = run(&mut h, "cm db web");
    assert!(
        out.stdout.starts_with("Name:         db\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): configmaps \"web\" not found\n"
    );
    assert_eq!(out.exit_code, 1);
}

/// `TYPE` alone describes everything in the namespace, `-l` filters, `-A` spans
/// namespaces, and nothing found is `No resources found ...` on stderr with status 0.
#[test]
fn listing_selectors_and_namespaces() {
    let mut h = Harness::new();
    config_maps(&mut h);
    let out = run(&mut h, "cm -l tier=web");
    let (first, second) = (
        cm("web-a", "default", "tier=web"),
        cm("web-b", "default", "tier=web"),
    );
    assert_eq!(out.stdout, format!("{first}\n\n{second}"));
    let out = run(&mut h, "cm -l tier=nothing");
    assert_eq!(
        out,
        CommandOutput {
            stdout: String::new(),
            stderr: "No resources found in default namespace.\n".into(),
            exit_code: 0
        }
    );
    let out = run(&mut h, "cm -A -l tier=nothing");
    assert_eq!(out.stderr, "No resources found\n");
    let out = run(&mut h, "cm -n kube-public");
    assert!(
        out.stdout
            .starts_with("Name:         kube-root-ca.crt\nNamespace:    kube-public\n"),
        "{}",
        out.stdout
    );
    let out = run(&mut h, "configmaps -A");
    assert_eq!(
        out.stdout.matches("Name:         kube-root-ca.crt").count(),
        4
    );
    // Cluster-scoped kinds ignore the namespace.
    let out = run(&mut h, "ns kube-public -n default");
    assert!(
        out.stdout.starts_with("Name:         kube-public\n"),
        "{}",
        out.stdout
    );
}

/// kubectl's errors: no type, unknown type, names with a selector or across all
/// namespaces, several types with a name, resource/name with a selector, a bad flag.
#[test]
fn errors_as_kubectl_prints_them() {
    let mut h = Harness::new();
    let cases = [
        ("", "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n"),
        ("foo bar", "error: the server doesn't have a resource type \"foo\"\n"),
        ("cm x -l a=b", "error: name cannot be provided when a selector is specified\n"),
        ("cm/x -l a=b", "error: selectors and the all flag cannot be used when passing resource/name arguments\n"),
        ("cm x -A", "error: a resource cannot be retrieved by name across all namespaces\n"),
        ("cm,secret x", "error: you must specify only one resource\n"),
        ("cm cm/x", "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl describe resource/<resource_name>' instead of 'kubectl describe resource resource/<resource_name>'\n"),
        ("cm --bogus", "Error: unknown flag: --bogus\nSee 'kubectl describe --help' for usage.\n"),
        ("po -l 'a in (b'", ""),
    ];
    for (args, expected) in cases {
        let out = run(&mut h, args);
        if !expected.is_empty() {
            assert_eq!(out.stderr, expected, "kubectl describe {args}");
        }
        assert_eq!(out.exit_code, 1, "kubectl describe {args}");
        assert_eq!(out.stdout, "", "kubectl describe {args}");
    }
}

/// Files for `-f`.
struct OneFile(&'static str);

impl Files for OneFile {
    fn read(&self, path: &str) -> Result<String, String> {
        if path == "cm.yaml" {
            Ok(self.0.to_string())
        } else {
            Err("No such file or directory".to_string())
        }
    }

    fn read_dir(&self, _path: &str) -> Option<Vec<String>> {
        None
    }
}

/// `-f FILE` describes the objects the file names, read back from the server.
#[test]
fn from_a_file() {
    let mut h = Harness::new();
    config_maps(&mut h);
    let file = OneFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n");
    let argv: Vec<String> = ["describe", "-f", "cm.yaml"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let out = crate::kubectl::run(&mut h.cluster, &argv, None, &file);
    assert!(
        out.stdout.starts_with("Name:         db\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): configmaps \"gone\" not found\n"
    );
    assert_eq!(out.exit_code, 1);
    let argv: Vec<String> = ["describe", "-f", "cm.yaml", "cm"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let out = crate::kubectl::run(&mut h.cluster, &argv, None, &file);
    assert_eq!(out.stderr, "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n");
}

/// Every describer copes with a bare object (only a name; every optional field absent,
/// as an object decoded from sparse JSON may be), and `describe TYPE -A` of every kind
/// runs: no input panics the engine.
#[test]
fn every_kind_describes_without_panicking() {
    let mut h = Harness::new();
    let env = super::super::Env {
        api: &h.cluster.api,
        now: h.cluster.now.to_datetime(),
        show_events: true,
    };
    for kind in crate::model::Kind::ALL {
        let bare = json!({"metadata": {"name": "bare", "namespace": "default"}});
        let Ok(obj) = crate::model::Object::from_value(*kind, bare) else {
            continue;
        };
        let text = super::super::describe_object(&env, &obj);
        assert!(text.starts_with("Name:"), "{kind:?}: {text}");
    }
    for kind in crate::model::Kind::ALL {
        let out = run(&mut h, &format!("{} -A", kind.info().plural));
        assert!(out.exit_code == 0 || !out.stderr.is_empty(), "{kind:?}");
    }
}

//! The `-o` formats shared by get, apply, create and friends: yaml, json, name; and the
//! List wrapper kubectl prints around several objects.

use std::rc::Rc;

use serde_json::{json, Value};

use crate::model::codec::{to_json, to_yaml};
use crate::model::Object;

/// An `-o` format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// The default table.
    Table,
    /// `-o wide`.
    Wide,
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o name`.
    Name,
}

/// Every format kubectl v1.32 lists in its "unable to match a printer" error.
const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// Parses `-o`. `table_ok` is false for commands with no table (apply, create).
pub(crate) fn parse_format(o: Option<&str>, table_ok: bool) -> Result<Format, String> {
    match o {
        None | Some("") => Ok(Format::Table),
        Some("wide") if table_ok => Ok(Format::Wide),
        Some("yaml") => Ok(Format::Yaml),
        Some("json") => Ok(Format::Json),
        Some("name") => Ok(Format::Name),
        Some(other) => {
            let allowed = if table_ok {
                ALLOWED.to_string()
            } else {
                ALLOWED.replace(",wide", "")
            };
            Err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: {allowed}\n"
            ))
        }
    }
}

/// `deployment.apps/web`: how `-o name` and action messages name an object.
pub(crate) fn name_of(obj: &Object) -> String {
    format!("{}/{}", obj.kind().info().qualified_singular(), obj.name())
}

/// Prints objects as yaml or json: one object alone when `single`, else a `List`.
pub(crate) fn print_objects(format: &Format, objects: &[Rc<Object>], single: bool) -> String {
    match format {
        Format::Name => objects
            .iter()
            .map(|o| format!("{}\n", name_of(o)))
            .collect(),
        Format::Yaml | Format::Json => {
            let value = if single && objects.len() == 1 {
                objects[0].to_value()
            } else {
                list_value(objects)
            };
            if *format == Format::Yaml {
                to_yaml(&value)
            } else {
                to_json(&value)
            }
        }
        Format::Table | Format::Wide => String::new(),
    }
}

/// kubectl's client-side List: `{apiVersion: v1, items, kind: List, metadata: {resourceVersion: ""}}`.
pub(crate) fn list_value(objects: &[Rc<Object>]) -> Value {
    json!({
        "apiVersion": "v1",
        "items": objects.iter().map(|o| o.to_value()).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

//! The objects panel: every stored object, one row each, refreshed after every change.

use std::rc::Rc;

use yew::prelude::*;

use crate::view::ObjectRow;

/// The objects panel's input.
#[derive(Properties, PartialEq)]
pub struct ObjectsProps {
    /// The rows, in the order the view gives them.
    pub objects: Rc<Vec<ObjectRow>>,
}

/// The objects table.
#[function_component(Objects)]
pub fn objects(props: &ObjectsProps) -> Html {
    let rows = props.objects.iter().map(|row| {
        let id = format!("object-{}-{}-{}", row.kind, row.namespace, row.name);
        html! {
            <tr key={id.clone()} data-testid={id}>
                <td>{ row.kind.clone() }</td>
                <td>{ row.namespace.clone() }</td>
                <td>{ row.name.clone() }</td>
                <td class="number">{ row.revision }</td>
            </tr>
        }
    });

    html! {
        <section class="panel objects" aria-labelledby="objects-title">
            <div class="panel-head">
                <h2 id="objects-title">{ "Objects" }</h2>
                <span class="count">{ format!("{} stored", props.objects.len()) }</span>
            </div>
            <div class="table-scroll">
                <table data-testid="objects">
                    <thead>
                        <tr>
                            <th scope="col">{ "KIND" }</th>
                            <th scope="col">{ "NAMESPACE" }</th>
                            <th scope="col">{ "NAME" }</th>
                            <th scope="col" class="number">{ "REVISION" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if props.objects.is_empty() {
                    <p class="empty">{ "No objects yet: apply a manifest or run kubectl." }</p>
                }
            </div>
        </section>
    }
}

//! The editor panel: a YAML textarea, the Apply button, and what Apply printed.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::CommandOutput;

/// The editor's inputs.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The manifest text.
    pub manifest: String,
    /// What the last Apply printed, if any.
    pub output: Option<CommandOutput>,
    /// Called with the new text on every edit.
    pub on_edit: Callback<String>,
    /// Called when Apply is pressed.
    pub on_apply: Callback<()>,
}

/// The editor panel.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            on_edit.emit(event.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let onclick = props.on_apply.reform(|_: MouseEvent| ());
    // Ctrl+Enter (Cmd+Enter on a Mac) applies without leaving the keyboard.
    let onkeydown = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                on_apply.emit(());
            }
        })
    };

    html! {
        <section class="panel editor" aria-labelledby="editor-title">
            <div class="panel-head">
                <h2 id="editor-title">{ "Manifest" }</h2>
                <button
                    type="button"
                    class="primary"
                    data-testid="apply"
                    title="Apply (Ctrl+Enter)"
                    {onclick}
                >
                    { "Apply" }
                </button>
            </div>
            <textarea
                data-testid="editor"
                aria-label="YAML manifest"
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                value={props.manifest.clone()}
                {oninput}
                {onkeydown}
            />
            <pre class="output" data-testid="apply-output" aria-live="polite">
                { output_text(props.output.as_ref()) }
            </pre>
        </section>
    }
}

/// Renders a command's stdout and stderr as text, stderr marked so that errors stand out.
pub fn output_text(output: Option<&CommandOutput>) -> Html {
    match output {
        None => Html::default(),
        Some(output) => html! {
            <>
                <span class="stdout">{ output.stdout.clone() }</span>
                <span class="stderr">{ output.stderr.clone() }</span>
            </>
        },
    }
}

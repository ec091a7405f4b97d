//! The terminal panel: a prompt that runs one line on Enter, and the scrollback.
//!
//! Up and Down walk through earlier commands, as in a shell. The scrollback keeps the newest
//! output in view.

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use super::editor::output_text;
use super::state::TerminalEntry;

/// The terminal's inputs.
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// Every command run so far, oldest first.
    pub entries: Rc<Vec<TerminalEntry>>,
    /// Called with a line when Enter is pressed.
    pub on_run: Callback<String>,
}

/// The terminal panel.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let input = use_node_ref();
    let scrollback = use_node_ref();
    // How many commands back the prompt shows while walking the history (0 = a new line).
    let history_back = use_mut_ref(|| 0_usize);

    {
        let scrollback = scrollback.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(element) = scrollback.cast::<Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }

    let onkeydown = {
        let input = input.clone();
        let entries = props.entries.clone();
        let on_run = props.on_run.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let mut back = history_back.borrow_mut();
            match event.key().as_str() {
                "Enter" => {
                    event.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    *back = 0;
                    on_run.emit(line);
                }
                "ArrowUp" | "ArrowDown" => {
                    event.prevent_default();
                    *back = match event.key().as_str() {
                        "ArrowUp" => (*back + 1).min(entries.len()),
                        _ => back.saturating_sub(1),
                    };
                    let recalled = entries
                        .len()
                        .checked_sub(*back)
                        .filter(|_| *back > 0)
                        .and_then(|index| entries.get(index))
                        .map(|entry| entry.command.as_str())
                        .unwrap_or("");
                    field.set_value(recalled);
                }
                _ => {}
            }
        })
    };

    let focus_prompt = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };

    let lines = props.entries.iter().map(|entry| {
        html! {
            <div class="entry">
                <div class="command"><span class="prompt">{ "$ " }</span>{ entry.command.clone() }</div>
                { output_text(Some(&entry.output)) }
            </div>
        }
    });

    html! {
        <section class="panel terminal" aria-labelledby="terminal-title">
            <div class="panel-head">
                <h2 id="terminal-title">{ "Terminal" }</h2>
            </div>
            <div class="screen" onclick={focus_prompt}>
                <pre class="scrollback" data-testid="terminal-output" ref={scrollback} aria-live="polite">
                    { for lines }
                </pre>
                <label class="prompt-line">
                    <span class="prompt">{ "$ " }</span>
                    <input
                        type="text"
                        ref={input}
                        data-testid="terminal-input"
                        aria-label="command"
                        placeholder="kubectl get pods -A"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        {onkeydown}
                    />
                </label>
            </div>
        </section>
    }
}

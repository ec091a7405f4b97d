//! The panic hook: a bug shows a visible error banner instead of a blank or frozen page.
//!
//! A panic in Wasm ends the module (it cannot unwind on `wasm32-unknown-unknown`), so the hook
//! is the last Rust code that runs. It logs the message to the console and prepends a banner
//! (`data-testid="error-banner"`) to `<body>` with plain DOM calls, because Yew can no longer
//! render after this point. The message is set as text, never parsed as HTML.

/// Installs the hook; called once, before the app is mounted.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("kubeniwa panicked: {message}"));
        show_banner(&message);
    }));
}

/// Prepends the error banner to `<body>`; does nothing if the DOM is unavailable.
fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let (Ok(banner), Some(body)) = (document.create_element("div"), document.body()) else {
        return;
    };
    banner.set_class_name("error-banner");
    // Attribute failures only lose the test hook and the role, never the message itself.
    let _ = banner.set_attribute("data-testid", "error-banner");
    let _ = banner.set_attribute("role", "alert");
    banner.set_text_content(Some(&format!(
        "kubeniwa stopped because of a bug, sorry. Reload the page to start again. Details: {message}"
    )));
    let _ = body.prepend_with_node_1(&banner);
}

// Starts kubeniwa: loads the Wasm through the wasm-bindgen glue. The Wasm's start function
// mounts the page on <div id="app">. If loading fails (an old browser, a missing file), say so
// on the page instead of leaving "Loading…" forever. Text is set with textContent only.
import init from './kubeniwa.js';

init().catch((error) => {
  console.error('kubeniwa failed to start:', error);
  if (document.querySelector('[data-testid="error-banner"]')) {
    return; // The Rust panic hook has already explained what happened.
  }
  const banner = document.createElement('div');
  banner.className = 'error-banner';
  banner.setAttribute('data-testid', 'error-banner');
  banner.setAttribute('role', 'alert');
  banner.textContent = `kubeniwa could not start: ${error}`;
  document.body.prepend(banner);
});

//! Entry point of the Patchbay web app: installs the panic hook and mounts the UI.
//! Natively there is no browser, so the binary only points at the right tools.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(patchbay::ui::App);
    // The app is drawn: the static "loading" placeholder in index.html goes.
    patchbay::ui::browser::remove_placeholder();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("Patchbay's app runs in the browser: start it with `scripts/dev serve`.");
    println!("To run the engine headless, use `cargo run --release --bin patchbay-sim -- --help`.");
}

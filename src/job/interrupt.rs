//! Ctrl-C and SIGTERM: jobs stop between chunks, keeping what they finished.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the Ctrl-C / SIGTERM handler; jobs stop after the current chunk.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether an interrupt has been received.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Installs the handler: the first Ctrl-C or SIGTERM lets the current chunk finish (jobs then
/// stop and say how to resume); a second one exits at once with code 130.
pub fn install_handler() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "partnersim: interrupt received; finishing the current chunk (press again to stop at once)"
        );
    });
}

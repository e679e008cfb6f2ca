//! Decoders run on hostile input, partly in third-party code (PDF fonts, HTML layout). A
//! panic there must end as that input's error, not as a crash of a batch of a hundred files.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

thread_local! {
    /// Set while a decoder runs on this thread: its panics are reported as errors, so the
    /// default "thread panicked at…" message is not printed.
    static DECODING: Cell<bool> = const { Cell::new(false) };
}
static HOOK: Once = Once::new();

pub fn catch<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    // Under cargo-fuzz a panic must stay a panic: that is what the fuzzer looks for.
    if cfg!(fuzzing) {
        return f();
    }
    contain(what, f)
}

/// Like [`catch`], also under cargo-fuzz: for third-party code that is known to panic on
/// damaged input and whose panic ava deliberately turns into a partial result (pdf-extract on
/// a damaged page costs that page). The fuzzer then measures what a user gets; a panic in
/// ava's own code or in any other decoder still stops it.
pub fn contain<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !DECODING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = DECODING.with(|d| d.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    DECODING.with(|d| d.set(was));
    match r {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!(
                "the {what} reader failed on this file (damaged or unusual input){}",
                if msg.is_empty() {
                    String::new()
                } else {
                    format!(": {}", msg.chars().take(200).collect::<String>())
                }
            ))
        }
    }
}

/// Run `f` on a thread of its own with a large stack, and give up after `limit`: a hostile
/// file must not hang a batch. On timeout the thread is left behind (it ends with the
/// process) and this input fails.
pub fn timed<T: Send + 'static>(
    what: &'static str,
    limit: Duration,
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(format!("ava-{what}"))
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(catch(what, f));
        })
        .map_err(|e| format!("cannot start the {what} reader: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(r) => r,
        Err(RecvTimeoutError::Timeout) => Err(format!(
            "gave up reading the {what} after {} s (damaged, or built to stall readers)",
            limit.as_secs()
        )),
        Err(RecvTimeoutError::Disconnected) => {
            Err(format!("the {what} reader stopped without an answer"))
        }
    }
}

/// Stack for decoder threads: font programs, nested form objects and element trees are
/// walked recursively, and deep but finite nesting must not overflow the stack (only
/// address space is reserved; pages are used as touched).
const STACK: usize = 256 * 1024 * 1024;

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), String> = super::catch("test", || panic!("boom"));
        assert!(r.unwrap_err().contains("boom"));
    }
}

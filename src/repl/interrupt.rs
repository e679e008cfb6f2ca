//! Ctrl-C while an answer is generated: it cancels that answer, not the session.

use crate::error::{Error, Result};

/// Run `work` until it ends or, on a terminal, the analyst presses Ctrl-C, which drops it
/// (closing its connection) and leaves the session as it was.
pub(super) async fn interruptible<T>(
    interrupts: &mut Option<Interrupts>,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match interrupts {
        Some(i) => {
            i.clear();
            tokio::select! {
                r = work => r,
                () = i.recv() => Err(Error::Interrupted),
            }
        }
        None => work.await,
    }
}

/// SIGINT while an answer is being generated. The handler is installed once, when the
/// interactive loop starts; at the prompt rustyline reads Ctrl-C as a key instead.
#[cfg(unix)]
pub(super) struct Interrupts(tokio::signal::unix::Signal);

#[cfg(unix)]
impl Interrupts {
    pub(super) fn new() -> Result<Self> {
        let sig = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        Ok(Self(sig))
    }

    /// Forget a Ctrl-C pressed while no answer was running, so it cannot cancel the next one.
    pub(super) fn clear(&mut self) {
        use futures_util::FutureExt;
        while let Some(Some(())) = self.0.recv().now_or_never() {}
    }

    pub(super) async fn recv(&mut self) {
        if self.0.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
pub(super) struct Interrupts;

#[cfg(not(unix))]
impl Interrupts {
    pub(super) fn new() -> Result<Self> {
        Ok(Self)
    }

    pub(super) fn clear(&mut self) {}

    pub(super) async fn recv(&mut self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

//! Reading a server's answer: SSE chunks turned into engine events, with an idle limit on
//! the body and a size cap on bodies read whole.

use super::*;

#[derive(Default)]
pub(super) struct StreamState {
    pub(super) sent_text: bool,
    pub(super) finish_reason: Option<String>,
    pub(super) usage: Option<(u64, u64, u64)>,
}

impl StreamState {
    pub(super) async fn send_text(&mut self, tx: &EventSender, text: String) -> Result<()> {
        tx.send(Event::Text(text))
            .await
            .map_err(|_| Error::Interrupted)?;
        self.sent_text = true;
        Ok(())
    }

    /// Usage is held back to the end: some servers repeat it in every chunk, and sinks want
    /// one figure.
    pub(super) async fn finish(self, tx: &EventSender) -> Result<()> {
        if let Some((prompt_tokens, completion_tokens, cached_tokens)) = self.usage {
            tx.send(Event::Usage {
                prompt_tokens,
                completion_tokens,
                cached_tokens,
            })
            .await
            .map_err(|_| Error::Interrupted)?;
        }
        tx.send(Event::Done {
            finish_reason: self.finish_reason,
        })
        .await
        .map_err(|_| Error::Interrupted)
    }

    pub(super) fn malformed(&self, got: &str) -> Error {
        // Garbage is the server's fault, not a cut connection: say what it sent, and that
        // what was printed before it is incomplete.
        let incomplete = if self.sent_text {
            "; the answer printed before it is incomplete"
        } else {
            ""
        };
        Error::Engine(format!(
            "server sent data that is not a chat-completion chunk: {got}{incomplete}"
        ))
    }
}

pub(super) enum ReadError {
    Idle,
    Http(reqwest::Error),
}

/// Wrap a body stream so that a gap of more than `idle` between chunks ends it with
/// [`ReadError::Idle`]. Measured on bytes, not SSE events, so keep-alive comments count.
pub(super) fn idle_limited<S, B>(
    body: S,
    idle: Duration,
) -> impl Stream<Item = std::result::Result<B, ReadError>>
where
    S: Stream<Item = reqwest::Result<B>>,
{
    futures_util::stream::unfold(Some(Box::pin(body)), move |body| async move {
        let mut body = body?;
        match tokio::time::timeout(idle, body.next()).await {
            Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(body))),
            Ok(Some(Err(e))) => Some((Err(ReadError::Http(e)), None)),
            Ok(None) => None,
            Err(_) => Some((Err(ReadError::Idle), None)),
        }
    })
}

pub(super) async fn read_capped(
    resp: Response,
    limit: usize,
    idle: Duration,
) -> std::result::Result<String, ReadError> {
    let mut body = std::pin::pin!(idle_limited(resp.bytes_stream(), idle));
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = body.next().await {
        buf.extend_from_slice(&chunk?);
        if buf.len() >= limit {
            buf.truncate(limit);
            break;
        }
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Run `fut` unless the event receiver goes away first (Ctrl-C, closed pipe); then drop it,
/// which closes the connection so the server stops generating.
pub(super) async fn unless_closed<F: Future>(
    tx: Option<&EventSender>,
    fut: F,
) -> Result<F::Output> {
    match tx {
        Some(tx) => tokio::select! {
            biased;
            _ = tx.closed() => Err(Error::Interrupted),
            out = fut => Ok(out),
        },
        None => Ok(fut.await),
    }
}

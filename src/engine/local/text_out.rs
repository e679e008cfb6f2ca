//! Token bytes to `Event::Text`: whole UTF-8 characters only, and text that might begin a
//! stop string held back until it is known not to.

use crate::engine::{Event, EventSender};
use crate::error::{Error, Result};

/// Takes the complete UTF-8 characters off the front of `buf`, leaving an incomplete
/// trailing sequence for the next token to finish; invalid bytes become U+FFFD.
fn take_utf8(buf: &mut Vec<u8>) -> String {
    let mut out = String::new();
    loop {
        match std::str::from_utf8(buf) {
            Ok(s) => {
                out.push_str(s);
                buf.clear();
                return out;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.push_str(&String::from_utf8_lossy(&buf[..valid]));
                match e.error_len() {
                    None => {
                        buf.drain(..valid);
                        return out;
                    }
                    Some(bad) => {
                        out.push('\u{FFFD}');
                        buf.drain(..valid + bad);
                    }
                }
            }
        }
    }
}

/// Turns token bytes into `Event::Text`: whole UTF-8 characters only, leading whitespace
/// dropped, and text that might be the start of a stop string held back until it is not.
pub(super) struct TextOut {
    /// Owned: the request's sender lives as long as its sequence, not a stack frame.
    tx: EventSender,
    bytes: Vec<u8>,
    pending: String,
    stops: Vec<String>,
    started: bool,
    /// Everything sent so far, to check structured output once the model stops.
    pub(super) full: String,
}

impl TextOut {
    pub(super) fn new(tx: EventSender, stops: Vec<String>) -> Self {
        Self {
            tx,
            bytes: Vec::new(),
            pending: String::new(),
            stops: stops.into_iter().filter(|s| !s.is_empty()).collect(),
            started: false,
            full: String::new(),
        }
    }

    /// Returns true when a stop string was reached.
    pub(super) fn push_bytes(&mut self, piece: &[u8]) -> Result<bool> {
        self.bytes.extend_from_slice(piece);
        let text = take_utf8(&mut self.bytes);
        self.push_text(&text)
    }

    fn push_text(&mut self, mut text: &str) -> Result<bool> {
        if !self.started {
            text = text.trim_start();
            if text.is_empty() {
                return Ok(false);
            }
            self.started = true;
        }
        self.pending.push_str(text);
        let hit = self
            .stops
            .iter()
            .filter_map(|s| self.pending.find(s.as_str()))
            .min();
        if let Some(i) = hit {
            let emit = self.pending[..i].to_string();
            self.pending.clear();
            self.send(emit)?;
            return Ok(true);
        }
        let hold = self
            .stops
            .iter()
            .map(|s| held_prefix(&self.pending, s))
            .max()
            .unwrap_or(0);
        let cut = self.pending.len() - hold;
        let emit: String = self.pending.drain(..cut).collect();
        self.send(emit)?;
        Ok(false)
    }

    pub(super) fn finish(&mut self) -> Result<()> {
        if !self.bytes.is_empty() {
            let rest = String::from_utf8_lossy(&self.bytes).into_owned();
            self.bytes.clear();
            if self.push_text(&rest)? {
                return Ok(());
            }
        }
        let rest = std::mem::take(&mut self.pending);
        self.send(rest)
    }

    fn send(&mut self, s: String) -> Result<()> {
        if s.is_empty() {
            return Ok(());
        }
        self.full.push_str(&s);
        self.send_event(Event::Text(s))
    }

    /// Any event for this request's caller.
    pub(super) fn send_event(&self, ev: Event) -> Result<()> {
        // A closed channel means the consumer is gone (Ctrl-C, broken pipe): stop now.
        self.tx.blocking_send(ev).map_err(|_| Error::Interrupted)
    }
}

/// Length of the longest suffix of `text` that is a proper prefix of `stop`.
fn held_prefix(text: &str, stop: &str) -> usize {
    let max = stop.len().saturating_sub(1).min(text.len());
    (1..=max)
        .rev()
        .find(|&n| {
            text.is_char_boundary(text.len() - n)
                && stop.is_char_boundary(n)
                && stop.starts_with(&text[text.len() - n..])
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_across_tokens() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&"zaż".as_bytes()[..3]);
        assert_eq!(take_utf8(&mut buf), "za");
        buf.extend_from_slice(&"ż".as_bytes()[1..]);
        assert_eq!(take_utf8(&mut buf), "ż");
        buf.extend_from_slice(b"a\xFFb");
        assert_eq!(take_utf8(&mut buf), "a\u{FFFD}b");
        assert!(buf.is_empty());
    }

    #[test]
    fn stop_strings_are_held_back_and_cut() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let mut out = TextOut::new(tx.clone(), vec!["\n\n".into(), "END".into()]);
        assert!(!out.push_text("  Hello\n").unwrap());
        assert!(!out.push_text("world E").unwrap());
        assert!(!out.push_text("N").unwrap());
        assert!(out.push_text("D and more").unwrap());
        drop(tx);
        let mut got = String::new();
        while let Ok(Event::Text(t)) = rx.try_recv() {
            got.push_str(&t);
        }
        assert_eq!(got, "Hello\nworld ");
    }

    #[test]
    fn held_prefix_respects_char_boundaries() {
        assert_eq!(held_prefix("abc\n", "\n\n"), 1);
        assert_eq!(held_prefix("abcE", "END"), 1);
        assert_eq!(held_prefix("abcEN", "END"), 2);
        assert_eq!(held_prefix("żż", "żółw"), 2);
        assert_eq!(held_prefix("abc", "xyz"), 0);
    }
}

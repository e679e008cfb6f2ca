//! Chat exports: WhatsApp's "Export chat" text file and Telegram Desktop's JSON export.
//! Every line of the result carries the message's timestamp and sender, so a line quoted
//! or cited on its own still says who wrote it and when.

use super::{Extracted, Options, Origin};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// A WhatsApp message line, Android (`31.12.23, 21:41 - Anna: hi`, `12/31/23, 9:41 PM - …`)
/// or iOS (`[31.12.23, 21:41:05] Anna: hi`); group 1 is the stamp, group 2 the rest.
static WHATSAPP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\u{200e}\u{200f}]?\[?(\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s\d{1,2}:\d{2}(?::\d{2})?(?:[\s\u{202f}]?[AaPp]\.?\s?[Mm]\.?)?)\]?(?:\s-\s|\s)(.*)$",
    )
    .expect("constant regex")
});

pub fn looks_like_whatsapp(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).take(5);
    let Some(first) = lines.next() else {
        return false;
    };
    // The message part must name a sender, or be one of WhatsApp's notices (no colon).
    WHATSAPP.is_match(first.trim_end()) && lines.filter(|l| WHATSAPP.is_match(l)).count() >= 1
}

/// WhatsApp: message lines exactly as exported (so offsets into the text are offsets into
/// the file), and each continuation line of a multi-line message prefixed with its message's
/// stamp and sender as WhatsApp wrote them.
pub fn read_whatsapp(bytes: &[u8], opts: &Options) -> Result<Extracted, String> {
    let d = super::text::decode(bytes, opts);
    let mut out = Extracted {
        warnings: d.warnings.clone(),
        encoding: Some(super::text::describe(&d)),
        ..Extracted::default()
    };
    let mut current: Option<String> = None;
    for (i, line) in d.text.lines().enumerate() {
        let origin = Origin {
            page: None,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        if let Some(rest) = WHATSAPP.captures(line).and_then(|c| c.get(2)) {
            let head = match rest.as_str().split_once(": ") {
                Some((who, _)) => rest.start() + who.len() + 2,
                None => rest.start(),
            };
            current = Some(line[..head].to_string());
            out.push_line(line, origin);
        } else if line.trim().is_empty() {
            out.push_line("", origin);
        } else {
            match &current {
                Some(prefix) => out.push_line(&format!("{prefix}{line}"), origin),
                None => out.push_line(line, origin),
            }
        }
    }
    Ok(out)
}

/// A Telegram export: a JSON object with a `messages` array (one chat), or `chats.list`.
pub fn looks_like_telegram(head: &[u8]) -> bool {
    let has = |s: &[u8]| head.windows(s.len()).any(|w| w == s);
    has(b"\"messages\"") && (has(b"\"from\"") || has(b"\"date\"") || has(b"\"chats\""))
}

pub fn read_telegram(bytes: &[u8]) -> Result<Extracted, String> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("not a readable Telegram JSON export: {e}"))?;
    let chats: Vec<&Value> = match v.pointer("/chats/list").and_then(Value::as_array) {
        Some(list) => list.iter().collect(),
        None => vec![&v],
    };
    let mut out = Extracted::default();
    let mut n = 0u32;
    let mut push = |out: &mut Extracted, line: &str| {
        for part in line.split('\n') {
            n += 1;
            out.push_line(
                part,
                Origin {
                    page: None,
                    line: n,
                },
            );
        }
    };
    let mut messages = 0;
    for chat in chats {
        let Some(list) = chat.get("messages").and_then(Value::as_array) else {
            continue;
        };
        if let Some(name) = chat.get("name").and_then(Value::as_str) {
            if !out.text.is_empty() {
                push(&mut out, "");
            }
            push(&mut out, &format!("Chat: {name}"));
        }
        for m in list {
            let date = m
                .get("date")
                .and_then(Value::as_str)
                .unwrap_or("")
                .replace('T', " ");
            let who = m
                .get("from")
                .or_else(|| m.get("actor"))
                .and_then(Value::as_str)
                .unwrap_or("(unknown)");
            let mut text = flatten(m.get("text"));
            if let Some(file) = m.get("file").and_then(Value::as_str) {
                text.push_str(&format!(" [file: {file}]"));
            } else if m.get("photo").is_some() {
                text.push_str(" [photo]");
            }
            if let Some(action) = m.get("action").and_then(Value::as_str) {
                text = format!("({action}) {text}");
            }
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            messages += 1;
            // Multi-line messages: every line keeps stamp and sender.
            for line in text.lines() {
                push(&mut out, &format!("[{date}] {who}: {line}"));
            }
        }
    }
    if messages == 0 {
        return Err("a Telegram export without messages".into());
    }
    Ok(out)
}

/// Telegram's `text`: a string, or an array of strings and `{type, text}` entities.
fn flatten(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            })
            .collect(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_lines_keep_stamp_and_sender() {
        let chat =
            "31.12.23, 21:41 - Anna: Meet at 8\nbring the money\n31.12.23, 21:42 - Piotr: ok\n";
        assert!(looks_like_whatsapp(chat.as_bytes()));
        let out = read_whatsapp(chat.as_bytes(), &Options::default()).unwrap();
        assert_eq!(
            out.text,
            "31.12.23, 21:41 - Anna: Meet at 8\n31.12.23, 21:41 - Anna: bring the money\n31.12.23, 21:42 - Piotr: ok\n"
        );
        let ios = "[12/31/23, 9:41:05 PM] Anna: hi\n[12/31/23, 9:42:00 PM] Bob: yo\n";
        assert!(looks_like_whatsapp(ios.as_bytes()));
        assert!(!looks_like_whatsapp(
            b"Report 12.03.2024, 10:00 - nothing\nmore text\n"
        ));
    }

    #[test]
    fn telegram_messages_become_lines() {
        let json = r#"{"name":"Anna","type":"personal_chat","messages":[
            {"id":1,"type":"message","date":"2024-03-01T10:00:00","from":"Anna","text":"Call +48 601 234 567"},
            {"id":2,"type":"message","date":"2024-03-01T10:01:00","from":"Bob","text":["see ",{"type":"link","text":"http://x.example"}]}]}"#;
        assert!(looks_like_telegram(json.as_bytes()));
        let out = read_telegram(json.as_bytes()).unwrap();
        assert!(
            out.text
                .contains("[2024-03-01 10:00:00] Anna: Call +48 601 234 567\n"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("Bob: see http://x.example"),
            "{}",
            out.text
        );
    }
}

//! E-mail (.eml) and mailboxes (mbox): a header block (From, To, Cc, Date, Subject,
//! Message-ID), the text body decoded from base64/quoted-printable and its charset (an
//! HTML-only body converted to text), and the list of attachments. mail-parser does the MIME
//! work; `--attachments` hands attachments back to be read as documents of their own.

use super::{Extracted, Format};
use mail_parser::{Address, Message, MessageParser, MimeHeaders};

/// Messages read from one mailbox at most.
const MAX_MESSAGES: usize = 100_000;

/// Header names that open an e-mail as saved by clients and servers.
const HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "delivered-to",
    "reply-to",
    "content-type",
    "x-mailer",
    "user-agent",
    "dkim-signature",
    "authentication-results",
    "x-original-to",
    "in-reply-to",
    "references",
    "sender",
    "thread-topic",
    "x-received",
    "arc-seal",
];

/// The first lines are RFC 5322 header fields, at least two of them well-known ones.
pub fn looks_like_email(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(16 * 1024)]);
    let mut known = 0;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        if HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            known += 1;
        } else if i == 0 {
            return false;
        }
        if known >= 2 {
            return true;
        }
    }
    false
}

/// An mbox starts with a "From " separator line followed by a message.
pub fn looks_like_mbox(head: &[u8]) -> bool {
    head.starts_with(b"From ")
        && head
            .iter()
            .position(|&b| b == b'\n')
            .is_some_and(|nl| looks_like_email(&head[nl + 1..]))
}

type Attachments = Vec<(String, Vec<u8>)>;

pub fn read(bytes: &[u8], format: Format, keep: bool) -> Result<(Extracted, Attachments), String> {
    let parser = MessageParser::default();
    let mut out = Extracted::default();
    let mut attachments = Vec::new();
    if format == Format::Mbox {
        let mut n = 0;
        for item in mail_parser::mailbox::mbox::MessageIterator::new(std::io::Cursor::new(bytes)) {
            let raw = item.map_err(|e| format!("mbox: {e}"))?;
            n += 1;
            if n > MAX_MESSAGES {
                out.warnings.push(format!(
                    "more than {MAX_MESSAGES} messages; the rest were not read"
                ));
                break;
            }
            let Some(msg) = parser.parse(raw.contents()) else {
                out.warnings
                    .push(format!("message {n}: not a readable e-mail; skipped"));
                continue;
            };
            if n > 1 {
                out.text.push('\n');
            }
            out.text.push_str(&format!("----- message {n} -----\n"));
            render(
                &msg,
                &mut out.text,
                &mut attachments,
                keep,
                &format!("message{n}-"),
            )?;
        }
        if n == 0 {
            return Err("no messages in the mailbox".into());
        }
    } else {
        let msg = parser.parse(bytes).ok_or("not a readable e-mail message")?;
        render(&msg, &mut out.text, &mut attachments, keep, "")?;
    }
    Ok((out, attachments))
}

fn render(
    msg: &Message<'_>,
    out: &mut String,
    attachments: &mut Attachments,
    keep: bool,
    prefix: &str,
) -> Result<(), String> {
    let mut header = |name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            // Folded or hostile header values stay on their line.
            let v: String = v
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            out.push_str(&format!("{name}: {}\n", v.trim()));
        }
    };
    header("From", msg.from().map(addresses));
    header("To", msg.to().map(addresses));
    header("Cc", msg.cc().map(addresses));
    header("Date", msg.date().map(|d| d.to_rfc822()));
    header("Subject", msg.subject().map(str::to_string));
    header("Message-ID", msg.message_id().map(|id| format!("<{id}>")));
    out.push('\n');
    let mut bodies = 0;
    for i in 0..msg.text_body_count() {
        let Some(part) = msg.text_part(i as u32) else {
            continue;
        };
        let text = match part.text_contents() {
            Some(t) if part.is_text_html() => super::html::to_text(t)?,
            Some(t) => t.replace("\r\n", "\n"),
            None => continue,
        };
        if bodies > 0 {
            out.push('\n');
        }
        out.push_str(text.trim_end());
        out.push('\n');
        bodies += 1;
    }
    let mut listed = Vec::new();
    for part in msg.attachments() {
        let name = part
            .attachment_name()
            .map(safe_name)
            .unwrap_or_else(|| format!("attachment{}", listed.len() + 1));
        let ctype = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{s}", c.ctype()),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let bytes: &[u8] = part.contents();
        listed.push(format!(
            "- {name} ({ctype}, {})",
            super::human_bytes(bytes.len() as u64)
        ));
        if keep {
            let raw = match part.message() {
                Some(inner) => inner.raw_message().to_vec(),
                None => bytes.to_vec(),
            };
            attachments.push((format!("{prefix}{name}"), raw));
        }
    }
    if !listed.is_empty() {
        out.push_str("\nAttachments:\n");
        for l in listed {
            out.push_str(&l);
            out.push('\n');
        }
    }
    Ok(())
}

fn addresses(a: &Address<'_>) -> String {
    a.iter()
        .map(|addr| match (&addr.name, &addr.address) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Attachment names become parts of document names: no path separators or control
/// characters, and not endless.
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    if s.trim().is_empty() || s == "." || s == ".." {
        "attachment".into()
    } else {
        s
    }
}

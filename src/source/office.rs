//! DOCX and ODT: zip archives of XML. Paragraphs and headings become lines, table rows
//! become one line each (cells joined with " | "), footnotes are marked `[n]` in the text
//! and listed at the end. The archive is treated as hostile: entry sizes and compression
//! ratios are checked before and while inflating (zip bombs), and the XML is read as a
//! stream of events (no recursion, so no stack overflow on deep nesting).

use super::xml::{Flow, attr, entity};
use super::{Extracted, Format, Origin};
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Largest XML part inflated from an archive.
const MAX_ENTRY: u64 = 64 * 1024 * 1024;
/// Largest compression ratio accepted for parts above `RATIO_FLOOR` (XML compresses about
/// 10:1; a bomb 1000:1).
const MAX_RATIO: u64 = 200;
const RATIO_FLOOR: u64 = 1024 * 1024;
const MAX_ENTRIES: usize = 20_000;

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn open(bytes: &[u8]) -> Result<Archive<'_>, String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("damaged zip archive: {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "zip archive with {} entries (a zip bomb?)",
            zip.len()
        ));
    }
    Ok(zip)
}

/// What kind of zip this is: DOCX, ODT, or `Err(what)` for others.
pub fn zip_kind(bytes: &[u8]) -> Result<Format, String> {
    let mut zip = open(bytes).map_err(|e| format!("a {e}"))?;
    let has = |zip: &Archive<'_>, n: &str| zip.index_for_name(n).is_some();
    if has(&zip, "word/document.xml") {
        return Ok(Format::Docx);
    }
    if has(&zip, "content.xml") {
        let mime = entry(&mut zip, "mimetype").unwrap_or_default();
        if mime.starts_with(b"application/vnd.oasis.opendocument.text") {
            return Ok(Format::Odt);
        }
        return Err(format!(
            "an OpenDocument file of type {:?} (only text documents, .odt, are read)",
            String::from_utf8_lossy(&mime[..mime.len().min(80)])
        ));
    }
    if has(&zip, "xl/workbook.xml") {
        return Err("an Excel spreadsheet (XLSX); save it as CSV or PDF".into());
    }
    if has(&zip, "ppt/presentation.xml") {
        return Err("a PowerPoint presentation (PPTX); save it as PDF".into());
    }
    Err("a zip archive (extract it first)".into())
}

/// One part of the archive, inflated within the limits.
fn entry(zip: &mut Archive<'_>, name: &str) -> Result<Vec<u8>, String> {
    let f = zip.by_name(name).map_err(|e| format!("{name}: {e}"))?;
    let (size, packed) = (f.size(), f.compressed_size());
    if size > MAX_ENTRY || (size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO) {
        return Err(format!(
            "{name}: {} inflated from {} (a zip bomb?); refused",
            super::human_bytes(size),
            super::human_bytes(packed)
        ));
    }
    let mut buf = Vec::new();
    // The declared size may lie: never inflate more than the limit.
    f.take(MAX_ENTRY + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("{name}: {e}"))?;
    if buf.len() as u64 > MAX_ENTRY || buf.len() as u64 > RATIO_FLOOR.max(packed * MAX_RATIO) {
        return Err(format!(
            "{name}: inflates beyond its declared size (a zip bomb?); refused"
        ));
    }
    Ok(buf)
}

fn finish(lines: Vec<String>, notes: BTreeMap<String, String>) -> Extracted {
    let mut out = Extracted::default();
    let push = |out: &mut Extracted, l: &str| {
        let n = out.origins.len() as u32 + 1;
        out.push_line(
            l,
            Origin {
                page: None,
                line: n,
            },
        );
    };
    for l in &lines {
        push(&mut out, l);
    }
    if !notes.is_empty() {
        push(&mut out, "");
        push(&mut out, "Footnotes:");
        for (id, text) in notes {
            push(&mut out, &format!("[{id}] {text}"));
        }
    }
    out
}

fn too_big(flow: &Flow) -> Result<(), String> {
    if flow.size() > super::MAX_TEXT_BYTES {
        return Err("the document's text is too large".into());
    }
    Ok(())
}

pub fn read_docx(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = open(bytes)?;
    let body = entry(&mut zip, "word/document.xml")?;
    let notes = match zip.index_for_name("word/footnotes.xml") {
        Some(_) => docx_notes(&entry(&mut zip, "word/footnotes.xml")?)?,
        None => BTreeMap::new(),
    };
    let lines = docx_flow(&body, "word/document.xml")?.finish();
    Ok(finish(lines, notes))
}

/// The body of a DOCX part: `w:p` paragraphs (`w:pStyle` Heading*/Title), `w:t` text,
/// `w:tab`, `w:br`, `w:tbl`/`w:tr`/`w:tc` tables, `w:footnoteReference` marks. Deleted
/// text (`w:delText`) and field codes (`w:instrText`) are not part of what a reader sees.
fn docx_flow(xml: &[u8], part: &str) -> Result<Flow, String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut flow = Flow::default();
    let mut in_text = false;
    let mut heading = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("{part}: invalid XML at byte {}: {e}", r.buffer_position()))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"w:t" => in_text = true,
                b"w:tab" => flow.text("\t"),
                b"w:br" | b"w:cr" => flow.text("\n"),
                b"w:tbl" => flow.start_table(),
                b"w:pStyle" => {
                    let style = attr(&e, b"w:val").unwrap_or_default().to_ascii_lowercase();
                    heading = style.starts_with("heading") || style == "title";
                }
                b"w:footnoteReference" => {
                    if let Some(id) = attr(&e, b"w:id") {
                        flow.text(&format!("[{id}]"));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => {
                    flow.end_para(heading);
                    heading = false;
                }
                b"w:tc" => flow.end_cell(),
                b"w:tr" => flow.end_row(),
                b"w:tbl" => flow.end_table(),
                _ => {}
            },
            Event::Text(t) if in_text => {
                flow.text(&t.decode().map_err(|e| format!("{part}: {e}"))?);
                too_big(&flow)?;
            }
            Event::GeneralRef(r) if in_text => flow.text(&entity(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(flow)
}

/// `word/footnotes.xml`: id → text, without Word's separator pseudo-notes.
fn docx_notes(xml: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut notes = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    let mut in_text = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("word/footnotes.xml: invalid XML: {e}"))?;
        match ev {
            Event::Start(e) if e.name().as_ref() == b"w:footnote" => {
                let kind = attr(&e, b"w:type").unwrap_or_default();
                current = match attr(&e, b"w:id") {
                    Some(id) if kind.is_empty() || kind == "normal" => Some((id, String::new())),
                    _ => None,
                };
            }
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => {
                    if let Some((_, t)) = &mut current
                        && !t.ends_with(' ')
                        && !t.is_empty()
                    {
                        t.push(' ');
                    }
                }
                b"w:footnote" => {
                    if let Some((id, t)) = current.take() {
                        notes.insert(id, t.trim().to_string());
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some((_, s)) = &mut current {
                    s.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(g) if in_text => {
                if let Some((_, s)) = &mut current {
                    s.push_str(&entity(&g));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(notes)
}

fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

pub fn read_odt(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = open(bytes)?;
    let xml = entry(&mut zip, "content.xml")?;
    let (lines, notes) = odt_flow(&xml)?;
    Ok(finish(lines, notes))
}

/// `content.xml` of an ODT: `text:p`/`text:h`, `text:s` (runs of spaces), `text:tab`,
/// `text:line-break`, `table:*` tables, `text:note` (citation inline, body at the end).
/// Annotations (comments) are left out.
fn odt_flow(xml: &[u8]) -> Result<(Vec<String>, BTreeMap<String, String>), String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut flow = Flow::default();
    let mut notes = BTreeMap::new();
    // Inside a note body, text goes to the note, not the flow.
    let mut note: Option<(String, String)> = None;
    let mut in_citation = false;
    let mut citation = String::new();
    let mut skip = 0usize;
    let mut in_body = false;
    loop {
        let ev = r.read_event().map_err(|e| {
            format!(
                "content.xml: invalid XML at byte {}: {e}",
                r.buffer_position()
            )
        })?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"office:body" => in_body = true,
                b"office:annotation" if !empty => skip += 1,
                _ if skip > 0 || !in_body => {}
                b"text:s" => {
                    let n: usize = attr(&e, b"text:c")
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(1);
                    let spaces = " ".repeat(n.min(100));
                    match &mut note {
                        Some((_, t)) => t.push_str(&spaces),
                        None => flow.text(&spaces),
                    }
                }
                b"text:tab" => flow.text("\t"),
                b"text:line-break" => flow.text("\n"),
                b"table:table" if !empty => flow.start_table(),
                b"text:note" if !empty => note = Some((String::new(), String::new())),
                b"text:note-citation" if !empty => {
                    in_citation = true;
                    citation.clear();
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"office:annotation" => skip = skip.saturating_sub(1),
                _ if skip > 0 || !in_body => {}
                b"text:note-citation" => {
                    in_citation = false;
                    if let Some((id, _)) = &mut note {
                        *id = citation.trim().to_string();
                    }
                    flow.text(&format!("[{}]", citation.trim()));
                }
                b"text:note" => {
                    if let Some((id, t)) = note.take() {
                        notes.insert(id, t.trim().to_string());
                    }
                }
                b"text:p" | b"text:h" => match &mut note {
                    Some((_, t)) => t.push(' '),
                    None => flow.end_para(e.name().as_ref() == b"text:h"),
                },
                b"table:table-cell" => flow.end_cell(),
                b"table:table-row" => flow.end_row(),
                b"table:table" => flow.end_table(),
                _ => {}
            },
            Event::Text(t) if skip == 0 && in_body => {
                let t = t.decode().map_err(|e| format!("content.xml: {e}"))?;
                // ODF collapses white space in text; spaces that count are `text:s`.
                let t = collapse(&t);
                if in_citation {
                    citation.push_str(&t);
                } else if let Some((_, n)) = &mut note {
                    n.push_str(&t);
                } else {
                    flow.text(&t);
                    too_big(&flow)?;
                }
            }
            Event::GeneralRef(g) if skip == 0 && in_body => {
                let t = entity(&g);
                match &mut note {
                    Some((_, n)) if !in_citation => n.push_str(&t),
                    _ => flow.text(&t),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((flow.finish(), notes))
}

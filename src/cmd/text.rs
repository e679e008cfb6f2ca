//! `ava text FILE…` (alias `extract-text`): the text each input is read as, which is what
//! every task works on — a way to check PDF, DOCX or e-mail decoding without a model.
//! With `--locations` each line says where it came from; `--json` gives one record per
//! document with format, encoding and per-line origins.

use crate::context::Context;
use crate::error::{Error, Result, exit};
use crate::source::{Document, Input};
use serde_json::json;
use std::io::Write;

pub fn run(ctx: &Context, inputs: Vec<Input>, locations: bool) -> Result<i32> {
    let inputs = ctx.expand_inputs(inputs)?;
    let many = inputs.len() > 1;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed: Vec<Error> = Vec::new();
    for input in &inputs {
        let docs = match ctx.read_documents(input) {
            Ok(d) => d,
            Err(e) if many => {
                ctx.status.error(&e.to_string());
                failed.push(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        for doc in &docs {
            for w in &doc.warnings {
                ctx.status.warn(w);
            }
            let r = if ctx.global.json {
                write_json(&mut out, doc)
            } else {
                write_text(&mut out, doc, locations, many || docs.len() > 1)
            };
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(exit::OK),
                r => r?,
            }
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(exit::OK),
        r => r?,
    }
    Ok(match failed.len() {
        0 => exit::OK,
        n if n == inputs.len() => failed[0].exit_code(),
        _ => exit::PARTIAL,
    })
}

fn write_text(
    out: &mut impl Write,
    doc: &Document,
    locations: bool,
    heading: bool,
) -> std::io::Result<()> {
    if heading {
        writeln!(out, "==> {} <==", doc.name)?;
    }
    for (i, line) in doc.text.lines().enumerate() {
        if locations {
            writeln!(out, "{}\t{line}", doc.origin(i + 1).cite())?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn write_json(out: &mut impl Write, doc: &Document) -> std::io::Result<()> {
    let lines: Vec<serde_json::Value> = doc
        .text
        .lines()
        .enumerate()
        .map(|(i, text)| {
            let o = doc.origin(i + 1);
            let mut v = json!({ "text": text, "line": o.line, "cite": o.cite() });
            if let Some(p) = o.page {
                v["page"] = p.into();
            }
            v
        })
        .collect();
    let rec = json!({
        "file": doc.name,
        "format": doc.format,
        "encoding": doc.encoding,
        "warnings": doc.warnings,
        "text": &*doc.text,
        "lines": lines,
    });
    writeln!(out, "{rec}")
}

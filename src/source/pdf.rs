//! PDF: the text layer, page by page in reading order (pdf-extract lays out glyphs using the
//! fonts' encodings and ToUnicode maps; lopdf parses). Each line keeps its page and its line
//! on that page (counting lines with text, as a reader counts on paper). A PDF without any
//! text layer is a scan: it needs OCR, which ava does not do, and says so.

use super::pdf_layout::PageGlyphs;
use super::{Extracted, Origin};
use pdf_extract::{Document as Pdf, ObjectId, PageReader};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Pages beyond this are not read (a hostile page tree can claim millions).
const MAX_PAGES: usize = 20_000;

/// A PDF that takes longer than this is given up on (text extraction of a normal 1000-page
/// report takes seconds; a hostile one can loop through its object graph).
const TIME_LIMIT: Duration = Duration::from_secs(300);

/// Read on a thread of its own so that the time limit holds.
pub fn read(bytes: &[u8]) -> Result<Extracted, String> {
    let owned = bytes.to_vec();
    super::guard::timed("pdf", TIME_LIMIT, move || read_now(&owned))
}

pub(super) fn read_now(bytes: &[u8]) -> Result<Extracted, String> {
    // After the time limit nobody waits for this thread any more: it stops at the next page
    // or glyph instead of running on until the process ends.
    let deadline = Instant::now() + TIME_LIMIT;
    let mut doc = Pdf::load_mem(bytes)
        .map_err(|e| format!("not a readable PDF (truncated or damaged?): {e}"))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("the PDF is encrypted with a password; ava cannot read it".into());
    }
    let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    if pages.is_empty() {
        return Err("the PDF has no pages".into());
    }
    let mut out = Extracted::default();
    if pages.len() > MAX_PAGES {
        out.warnings.push(format!(
            "{} pages; only the first {MAX_PAGES} were read",
            pages.len()
        ));
    }
    let pages = &pages[..pages.len().min(MAX_PAGES)];
    let mut no_text = Vec::new();
    let mut failed: Vec<(u32, String)> = Vec::new();
    for (&(n, _), result) in pages.iter().zip(read_pages(&doc, pages, deadline)) {
        let text = match result {
            Ok(text) => text,
            Err(e) => {
                failed.push((n, e));
                String::new()
            }
        };
        if !add_page(&mut out, n, &text) {
            no_text.push(n);
        }
        if out.text.len() > super::MAX_TEXT_BYTES {
            return Err("the PDF's text is too large".into());
        }
    }
    if out.text.trim().is_empty() {
        if let Some((n, e)) = failed.first() {
            return Err(format!("page {n}: {e}"));
        }
        return Err(format!(
            "no text layer on any of its {} page(s): a scanned document needs OCR, which ava \
             does not do; run it through an OCR tool (e.g. ocrmypdf) and give ava the result",
            pages.len()
        ));
    }
    // The last page's closing blank line ends nothing.
    while out.text.ends_with("\n\n") {
        out.text.pop();
        out.origins.pop();
    }
    for (n, e) in &failed {
        out.warnings.push(format!(
            "page {n}: {e}; text of this page may be incomplete"
        ));
    }
    let blank: Vec<u32> = no_text
        .into_iter()
        .filter(|n| !failed.iter().any(|(f, _)| f == n))
        .collect();
    if !blank.is_empty() {
        out.warnings.push(format!(
            "page(s) {} have no text layer (scanned? they need OCR); their content is missing",
            list(&blank)
        ));
    }
    Ok(out)
}

/// Threads reading pages side by side: text extraction is CPU-bound per page, and pages are
/// independent (each thread parses the fonts it meets once, for all its pages).
const MAX_THREADS: usize = 4;

/// Each page's text, in page order; pages are shared out over a few threads.
fn read_pages(
    doc: &Pdf,
    pages: &[(u32, ObjectId)],
    deadline: Instant,
) -> Vec<Result<String, String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(pages.len().div_ceil(8).max(1));
    if threads == 1 {
        let mut reader = PageReader::new(doc);
        return pages
            .iter()
            .map(|&(n, id)| read_page(doc, &mut reader, n, id, deadline))
            .collect();
    }
    let mut results: Vec<Option<Result<String, String>>> = (0..pages.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut reader = PageReader::new(doc);
                    // Interleaved, so that a slow stretch of pages is shared too.
                    (t..pages.len())
                        .step_by(threads)
                        .map(|i| {
                            let (n, id) = pages[i];
                            (i, read_page(doc, &mut reader, n, id, deadline))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for w in workers {
            // A worker only ends early by a panic outside the contained page reader.
            if let Ok(done) = w.join() {
                for (i, r) in done {
                    results[i] = Some(r);
                }
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("the PDF reader failed on this page".into())))
        .collect()
}

/// One page's text. One damaged page (pdf-extract panics on some) costs that page, not the
/// document: the reader only keeps fonts that were parsed whole, so it goes on to the next.
fn read_page(
    doc: &Pdf,
    reader: &mut PageReader,
    n: u32,
    id: ObjectId,
    deadline: Instant,
) -> Result<String, String> {
    if Instant::now() > deadline {
        return Err("not read: out of time".into());
    }
    if !page_tree_ends(doc, id) {
        // pdf-extract would follow the loop for ever looking for inherited resources.
        return Err("its page tree loops back on itself (damaged PDF)".into());
    }
    let mut glyphs = PageGlyphs::until(deadline);
    super::guard::contain("pdf", || {
        reader
            .output_page(&mut glyphs, n)
            .map_err(|e| e.to_string())
    })?;
    Ok(glyphs.text())
}

/// Whether the chain of /Parent links from a page ends (a damaged or hostile file can make it
/// loop; resources and the media box are inherited along it).
fn page_tree_ends(doc: &Pdf, page: ObjectId) -> bool {
    let mut seen = HashSet::new();
    let mut id = page;
    loop {
        if !seen.insert(id) || seen.len() > MAX_TREE_DEPTH {
            return false;
        }
        let Ok(dict) = doc.get_dictionary(id) else {
            return true;
        };
        match dict.get(b"Parent").and_then(|p| p.as_reference()) {
            Ok(parent) => id = parent,
            Err(_) => return true,
        }
    }
}

/// Page tree levels followed (real files have a handful).
const MAX_TREE_DEPTH: usize = 256;

/// Append page `n`'s lines; runs of blank lines become one, a blank line ends the page.
/// Returns whether the page had any text.
fn add_page(out: &mut Extracted, n: u32, text: &str) -> bool {
    let mut line_no = 0u32;
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank = line_no > 0;
            continue;
        }
        if blank {
            out.push_line(
                "",
                Origin {
                    page: Some(n),
                    line: line_no,
                },
            );
            blank = false;
        }
        line_no += 1;
        out.push_line(
            line,
            Origin {
                page: Some(n),
                line: line_no,
            },
        );
    }
    if line_no > 0 {
        out.push_line(
            "",
            Origin {
                page: Some(n),
                line: line_no,
            },
        );
    }
    line_no > 0
}

/// "3, 5, 7-9"
fn list(pages: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        parts.push(if j > i + 1 {
            format!("{}-{}", pages[i], pages[j])
        } else if j == i + 1 {
            format!("{}, {}", pages[i], pages[j])
        } else {
            pages[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_lists_are_compact() {
        assert_eq!(super::list(&[3, 5, 7, 8, 9]), "3, 5, 7-9");
        assert_eq!(super::list(&[1, 2]), "1, 2");
    }
}

//! PDF: the text layer, page by page in reading order (pdf-extract lays out glyphs using the
//! fonts' encodings and ToUnicode maps; lopdf parses). Each line keeps its page and its line
//! on that page (counting lines with text, as a reader counts on paper). A PDF without any
//! text layer is a scan: it needs OCR, which ava does not do, and says so.

use super::{Extracted, Origin};
use pdf_extract::{Document as Pdf, PlainTextOutput, output_doc_page};
use std::time::Duration;

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
    let mut doc = Pdf::load_mem(bytes)
        .map_err(|e| format!("not a readable PDF (truncated or damaged?): {e}"))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("the PDF is encrypted with a password; ava cannot read it".into());
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
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
    let mut no_text = Vec::new();
    let mut failed: Vec<(u32, String)> = Vec::new();
    for &n in pages.iter().take(MAX_PAGES) {
        let mut text = String::new();
        // One damaged page (pdf-extract panics on some) costs that page, not the document.
        let result = super::guard::catch("pdf", || {
            let mut sink = PlainTextOutput::new(&mut text);
            output_doc_page(&doc, &mut sink, n).map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            failed.push((n, e));
        }
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

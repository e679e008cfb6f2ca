//! `--side-by-side`: each piece of a translation beside its source, with the source's line
//! numbers, so an officer can check one against the other line by line. Two columns on a
//! wide terminal, alternating blocks elsewhere (narrow terminals, pipes, files), a Markdown
//! table with `--format markdown`. Rendering only: the pairs come from the task.

use crate::task::report::Segment;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Terminals at least this wide get two columns; below, a column would hold a few words.
pub const MIN_COLUMNS_WIDTH: usize = 100;
/// The line-number column of the two-column layout ("1234–1240").
const GUTTER: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Two columns filling this many terminal columns.
    Columns(usize),
    Blocks,
    Markdown,
}

impl Layout {
    /// Markdown when asked for; otherwise columns when stdout is a terminal at least
    /// [`MIN_COLUMNS_WIDTH`] wide (`width`: `None` when it is not a terminal), else blocks.
    pub fn choose(markdown: bool, width: Option<usize>) -> Self {
        match width {
            _ if markdown => Layout::Markdown,
            Some(w) if w >= MIN_COLUMNS_WIDTH => Layout::Columns(w),
            _ => Layout::Blocks,
        }
    }
}

/// Renders the pairs of one document, the header before the first.
pub struct SideBySide {
    layout: Layout,
    rows: usize,
}

impl SideBySide {
    pub fn new(layout: Layout) -> Self {
        Self { layout, rows: 0 }
    }

    /// The text to print for `seg` (ending in a line break).
    pub fn segment(&mut self, seg: &Segment) -> String {
        let first = self.rows == 0;
        self.rows += 1;
        let from = seg.from.map_or("source".to_string(), str::to_uppercase);
        let to = seg.to.to_uppercase();
        match self.layout {
            Layout::Markdown => markdown(seg, first, &from, &to),
            Layout::Blocks => blocks(seg, first, &from, &to),
            Layout::Columns(w) => columns(seg, first, &from, &to, w),
        }
    }
}

fn not_verified(seg: &Segment) -> Option<String> {
    (!seg.verified).then(|| {
        format!(
            "NOT VERIFIED: {}",
            seg.reason.as_deref().unwrap_or("see above")
        )
    })
}

/// ```text
/// line 3
/// PL  1) Starsza kobieta przekazała im 30 tys. zł.
/// EN  1) An elderly woman handed them 30 thousand zlotys.
/// ```
fn blocks(seg: &Segment, first: bool, from: &str, to: &str) -> String {
    let label_width = from.width().max(to.width()).max(2);
    let mut out = String::new();
    if !first {
        out.push('\n');
    }
    let what = if seg.lines.0 == seg.lines.1 {
        "line"
    } else {
        "lines"
    };
    out.push_str(&format!("{what} {}\n", seg.lines_label()));
    let mut labelled = |label: &str, text: &str| {
        for (i, line) in text.split('\n').enumerate() {
            let l = if i == 0 { label } else { "" };
            let pad = " ".repeat(label_width - l.width());
            out.push_str(format!("{l}{pad}  {line}").trim_end());
            out.push('\n');
        }
    };
    labelled(from, &seg.source);
    labelled(to, &seg.translation);
    if let Some(n) = not_verified(seg) {
        labelled("!!", &n);
    }
    out
}

/// A Markdown table: lines, source, translation, whether it was verified.
fn markdown(seg: &Segment, first: bool, from: &str, to: &str) -> String {
    let cell = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace("\r\n", "\n")
            .replace('\n', "<br>")
    };
    let mut out = String::new();
    if first {
        out.push_str(&format!(
            "| Lines | {} | {} | Verified |\n|---|---|---|---|\n",
            cell(from),
            cell(to)
        ));
    }
    let verified = match &seg.reason {
        _ if seg.verified => "yes".to_string(),
        Some(r) => format!("**no**: {}", cell(r)),
        None => "**no**".to_string(),
    };
    out.push_str(&format!(
        "| {} | {} | {} | {verified} |\n",
        seg.lines_label(),
        cell(&seg.source),
        cell(&seg.translation)
    ));
    out
}

/// Two columns, each wrapped to its width, the line numbers in a gutter on the left.
fn columns(seg: &Segment, first: bool, from: &str, to: &str, width: usize) -> String {
    // gutter │ left │ right
    let col = (width.saturating_sub(GUTTER + 6) / 2).max(10);
    let mut out = String::new();
    let row = |out: &mut String, gutter: &str, left: &str, right: &str| {
        let line = format!("{} │ {} │ {}", pad(gutter, GUTTER), pad(left, col), right);
        out.push_str(line.trim_end());
        out.push('\n');
    };
    if first {
        row(&mut out, "lines", from, to);
        out.push_str(&format!(
            "{}─┼─{}─┼─{}\n",
            "─".repeat(GUTTER),
            "─".repeat(col),
            "─".repeat(col)
        ));
    }
    let left = wrap(&seg.source, col);
    let mut right = wrap(&seg.translation, col);
    if let Some(n) = not_verified(seg) {
        right.extend(wrap(&format!("!! {n}"), col));
    }
    let label = seg.lines_label();
    for i in 0..left.len().max(right.len()) {
        row(
            &mut out,
            if i == 0 { &label } else { "" },
            left.get(i).map_or("", String::as_str),
            right.get(i).map_or("", String::as_str),
        );
    }
    out
}

/// `s` padded with spaces to `width` terminal columns.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// `text` wrapped to `width` terminal columns: its own line breaks kept, lines broken between
/// words, a word longer than a line broken inside.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        let mut cur = String::new();
        let mut cur_w = 0;
        for word in line.split(' ') {
            let w = word.width();
            let sep = usize::from(!cur.is_empty());
            if cur_w + sep + w <= width {
                if sep == 1 {
                    cur.push(' ');
                }
                cur.push_str(word);
                cur_w += sep + w;
                continue;
            }
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if cur_w + cw > width {
                    out.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(
        lines: (usize, usize),
        source: &str,
        translation: &str,
        reason: Option<&str>,
    ) -> Segment {
        Segment {
            lines,
            source: source.into(),
            translation: translation.into(),
            verified: reason.is_none(),
            reason: reason.map(Into::into),
            from: Some("pl"),
            to: "en",
        }
    }

    #[test]
    fn wrapping_keeps_every_word_and_fits_the_width() {
        let t = "Policjanci zatrzymali dwóch mężczyzn podejrzanych o oszustwo\nDrugi wiersz";
        let lines = wrap(t, 20);
        assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), t.replace('\n', " "));
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
    }

    #[test]
    fn columns_put_source_and_translation_side_by_side() {
        let mut r = SideBySide::new(Layout::Columns(100));
        let a = r.segment(&seg((1, 1), "Ala ma kota.", "Alice has a cat.", None));
        let b = r.segment(&seg(
            (3, 4),
            "Kot ma Alę.",
            "The cat has Ala.",
            Some("number(s) changed"),
        ));
        let rows: Vec<&str> = a.lines().chain(b.lines()).collect();
        assert!(
            rows[0].starts_with("lines") && rows[0].contains("│ PL") && rows[0].ends_with("│ EN")
        );
        assert!(
            rows[2].starts_with("1 ")
                && rows[2].contains("Ala ma kota.")
                && rows[2].ends_with("Alice has a cat.")
        );
        assert!(rows[3].starts_with("3–4") && rows[3].contains("│ Kot ma Alę."));
        assert!(
            rows[4].contains("!! NOT VERIFIED: number(s) changed"),
            "{rows:?}"
        );
        assert!(rows.iter().all(|r| r.width() <= 100), "{rows:?}");
    }

    #[test]
    fn markdown_escapes_pipes_and_line_breaks() {
        let mut r = SideBySide::new(Layout::Markdown);
        let t = r.segment(&seg((2, 3), "a | b\nc", "x | y\nz", Some("not translated")));
        assert_eq!(
            t,
            "| Lines | PL | EN | Verified |\n|---|---|---|---|\n\
             | 2–3 | a \\| b<br>c | x \\| y<br>z | **no**: not translated |\n"
        );
    }

    #[test]
    fn the_layout_follows_the_terminal() {
        assert_eq!(Layout::choose(false, Some(160)), Layout::Columns(160));
        assert_eq!(Layout::choose(false, Some(80)), Layout::Blocks);
        assert_eq!(Layout::choose(false, None), Layout::Blocks);
        assert_eq!(Layout::choose(true, Some(160)), Layout::Markdown);
    }
}

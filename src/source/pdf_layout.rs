//! Lines of one PDF page from its glyphs (pdf-extract interprets the content stream and hands
//! over each glyph with its position). The order is the content stream's — producers write
//! body text in reading order, columns one after the other — with two corrections that
//! pdf-extract's own plain-text output lacks and that readers (and pdftotext) make:
//! - pieces of text on one baseline form one line, left to right, with a space between
//!   separate pieces (a footer drawn as "Page 3" at the right, then "Public document" at the
//!   left, is not glued into "Page 3Public document");
//! - page furniture drawn out of order — a footer written before the body, a header written
//!   after it — goes to the end (or the start) of the page, where it stands on paper.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use std::time::Instant;

/// One glyph as placed on the page (y grows downwards).
struct Glyph {
    x: f64,
    y: f64,
    /// Where the glyph's advance ends.
    end: f64,
    size: f64,
    /// First glyph of a text-showing operator: a gap before it may be a word space.
    run_start: bool,
    text: std::ops::Range<usize>,
}

/// Collects a page's glyphs; `lines` lays them out.
pub struct PageGlyphs {
    glyphs: Vec<Glyph>,
    chars: String,
    run_start: bool,
    /// A page still being drawn after this is abandoned (a content stream built to stall).
    deadline: Instant,
}

impl PageGlyphs {
    pub fn until(deadline: Instant) -> Self {
        Self {
            glyphs: Vec::new(),
            chars: String::new(),
            run_start: false,
            deadline,
        }
    }
}

impl OutputDev for PageGlyphs {
    fn begin_page(
        &mut self,
        _: u32,
        _: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // The font size as rendered: the side of the square with the area the text matrix
        // gives a font_size × font_size square (as pdf-extract measures it).
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt();
        let (x, y) = (trm.m31, -trm.m32);
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        if self.glyphs.len() % 4096 == 4095 && Instant::now() > self.deadline {
            return Err(OutputError::IoError(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "out of time",
            )));
        }
        let start = self.chars.len();
        self.chars.push_str(char);
        self.glyphs.push(Glyph {
            x,
            y,
            end: x + width * size,
            size,
            run_start: std::mem::take(&mut self.run_start),
            text: start..self.chars.len(),
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.run_start = true;
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A run of text on one baseline, in drawing order.
struct Piece {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
}

/// A line on the page: pieces on one baseline, left to right.
struct Line {
    y: f64,
    size: f64,
    text: String,
}

/// Whether a gap of `gap` between two pieces of text of this size is a word space.
fn is_space(gap: f64, size: f64) -> bool {
    gap > size * 0.1
}

impl PageGlyphs {
    /// The page's text: lines in reading order, a blank line where the text jumps by more
    /// than one and a half lines (a paragraph, a column, a table cell).
    pub fn text(&self) -> String {
        let lines = order(self.lines());
        let mut out = String::new();
        let mut prev: Option<&Line> = None;
        for line in &lines {
            if let Some(p) = prev {
                out.push('\n');
                if (line.y - p.y).abs() > 1.5 * p.size.max(line.size) {
                    out.push('\n');
                }
            }
            out.push_str(&line.text);
            prev = Some(line);
        }
        out
    }

    fn pieces(&self) -> Vec<Piece> {
        let mut pieces: Vec<Piece> = Vec::new();
        for g in &self.glyphs {
            let text = &self.chars[g.text.clone()];
            if let Some(p) = pieces.last_mut() {
                let same_line = (g.y - p.y).abs() <= 0.5 * p.size.max(g.size);
                // Inside one text operator the producer's order is kept (a width from a broken
                // font must not split a word); a new operator that starts to the left of
                // where the last one ended is a separate piece.
                let forward = !g.run_start || g.x >= p.end - 0.5 * g.size;
                if same_line && forward {
                    if g.run_start
                        && is_space(g.x - p.end, g.size)
                        && !p.text.ends_with(char::is_whitespace)
                        && !text.starts_with(char::is_whitespace)
                    {
                        p.text.push(' ');
                    }
                    p.text.push_str(text);
                    p.end = g.end.max(p.end);
                    continue;
                }
            }
            pieces.push(Piece {
                x: g.x,
                y: g.y,
                end: g.end,
                size: g.size,
                text: text.to_string(),
            });
        }
        pieces
    }

    /// Consecutive pieces on one baseline become one line, sorted left to right.
    fn lines(&self) -> Vec<Line> {
        let mut lines: Vec<(Line, Vec<Piece>)> = Vec::new();
        for piece in self.pieces() {
            if let Some((line, parts)) = lines.last_mut()
                && (piece.y - line.y).abs() <= 0.5 * line.size.max(piece.size)
            {
                line.size = line.size.max(piece.size);
                parts.push(piece);
                continue;
            }
            let line = Line {
                y: piece.y,
                size: piece.size,
                text: String::new(),
            };
            lines.push((line, vec![piece]));
        }
        lines
            .into_iter()
            .map(|(mut line, mut parts)| {
                parts.sort_by(|a, b| a.x.total_cmp(&b.x));
                let mut end = f64::NEG_INFINITY;
                for p in parts {
                    let text = p.text.trim_end();
                    if !line.text.is_empty()
                        && (is_space(p.x - end, p.size) || p.x < end)
                        && !line.text.ends_with(char::is_whitespace)
                        && !text.starts_with(char::is_whitespace)
                    {
                        line.text.push(' ');
                    }
                    line.text.push_str(text);
                    end = end.max(p.end);
                }
                line
            })
            .filter(|l| !l.text.trim().is_empty())
            .collect()
    }
}

/// Page furniture a producer drew out of order is put where it stands: a line below all
/// others, clear of them by more than one and a half lines, that is not drawn last (a
/// footer written first) goes last; one above all others, clear of them, that is not drawn
/// first (a header written last) goes first. Up to three lines each way.
fn order(mut lines: Vec<Line>) -> Vec<Line> {
    let mut tail: Vec<Line> = Vec::new();
    let mut head: Vec<Line> = Vec::new();
    for _ in 0..3 {
        let Some(i) = extreme(&lines, |a, b| a > b) else {
            break;
        };
        if i + 1 == lines.len() || !clear(&lines, i) {
            break;
        }
        tail.push(lines.remove(i));
    }
    for _ in 0..3 {
        let Some(i) = extreme(&lines, |a, b| a < b) else {
            break;
        };
        if i == 0 || !clear(&lines, i) {
            break;
        }
        head.push(lines.remove(i));
    }
    // Furniture in page order: headers top-down first, footers top-down last.
    head.reverse();
    tail.reverse();
    head.into_iter().chain(lines).chain(tail).collect()
}

/// The index of the line with the most extreme `y` (first of equals).
fn extreme(lines: &[Line], beyond: impl Fn(f64, f64) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        if best.is_none_or(|b| beyond(l.y, lines[b].y)) {
            best = Some(i);
        }
    }
    best
}

/// Whether line `i` stands apart from every other line by more than one and a half lines.
fn clear(lines: &[Line], i: usize) -> bool {
    let l = &lines[i];
    lines
        .iter()
        .enumerate()
        .all(|(j, o)| j == i || (o.y - l.y).abs() > 1.5 * l.size.max(o.size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(y: f64, text: &str) -> Line {
        Line {
            y,
            size: 10.0,
            text: text.into(),
        }
    }

    fn texts(lines: Vec<Line>) -> Vec<String> {
        lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn a_footer_drawn_first_goes_last_and_a_late_header_first() {
        let page = vec![
            line(800.0, "Page 3"),
            line(100.0, "Body one"),
            line(112.0, "Body two"),
            line(40.0, "Running head"),
        ];
        assert_eq!(
            texts(order(page)),
            ["Running head", "Body one", "Body two", "Page 3"]
        );
    }

    #[test]
    fn columns_are_not_reordered() {
        // Left column ends lower than the right one: its last line is lowest but close to
        // the line above it, so it is body text, not a footer.
        let page = vec![
            line(100.0, "left 1"),
            line(112.0, "left 2"),
            line(124.0, "left 3"),
            line(100.0, "right 1"),
        ];
        assert_eq!(
            texts(order(page)),
            ["left 1", "left 2", "left 3", "right 1"]
        );
    }
}

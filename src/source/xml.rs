//! Shared by the DOCX and ODT readers: the text of XML events, and `Flow`, which lays out
//! paragraphs, headings and table rows as lines.

use quick_xml::events::{BytesRef, BytesStart};

/// Text of a character or predefined entity reference (`&amp;`, `&#261;`).
pub fn entity(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match r.decode().as_deref() {
        Ok("amp") => "&",
        Ok("lt") => "<",
        Ok("gt") => ">",
        Ok("quot") => "\"",
        Ok("apos") => "'",
        _ => "",
    }
    .into()
}

/// Value of attribute `name` (qualified, e.g. `w:val`), unescaped.
pub fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Lines of a word-processor document: one per paragraph, one per table row (cells joined
/// with " | "), a blank line before headings and around tables.
#[derive(Default)]
pub struct Flow {
    pub lines: Vec<String>,
    para: String,
    /// Cells of the current row of the outermost table.
    row: Vec<String>,
    cell: String,
    table_depth: usize,
    /// Text bytes seen so far.
    total: usize,
}

impl Flow {
    pub fn text(&mut self, s: &str) {
        self.total += s.len();
        self.para.push_str(s);
    }

    /// The end of a paragraph (or heading).
    pub fn end_para(&mut self, heading: bool) {
        let p = std::mem::take(&mut self.para);
        let p = p.trim();
        if self.table_depth > 0 {
            if !p.trim().is_empty() {
                if !self.cell.is_empty() {
                    self.cell.push(' ');
                }
                self.cell.push_str(p.trim());
            }
            return;
        }
        if heading {
            self.blank();
        }
        if !p.trim().is_empty() {
            for line in p.split('\n') {
                self.lines.push(line.trim_end().to_string());
            }
        }
        if heading {
            self.blank();
        }
    }

    pub fn start_table(&mut self) {
        self.table_depth += 1;
        if self.table_depth == 1 {
            self.flush_para();
            self.blank();
        }
    }

    pub fn end_table(&mut self) {
        if self.table_depth == 1 {
            self.end_row();
            self.blank();
        }
        self.table_depth = self.table_depth.saturating_sub(1);
    }

    pub fn end_cell(&mut self) {
        self.flush_para();
        if self.table_depth == 1 {
            let c = std::mem::take(&mut self.cell);
            self.row.push(c);
        }
    }

    pub fn end_row(&mut self) {
        if self.table_depth == 1 && !self.row.is_empty() {
            let row = std::mem::take(&mut self.row);
            if row.iter().any(|c| !c.is_empty()) {
                self.lines.push(row.join(" | "));
            }
        }
    }

    fn flush_para(&mut self) {
        if !self.para.trim().is_empty() {
            self.end_para(false);
        } else {
            self.para.clear();
        }
    }

    pub fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    pub fn finish(mut self) -> Vec<String> {
        self.flush_para();
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        self.lines
    }

    /// Bytes produced so far, to stop a hostile document early.
    pub fn size(&self) -> usize {
        self.total
    }
}

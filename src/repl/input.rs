//! Turning typed lines into entries: `"""` blocks and backslash continuation. Kept free of
//! terminal code so the same rules apply to the editor and to piped stdin.

const FENCE: &str = "\"\"\"";

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Idle,
    /// Inside a `"""` block.
    Block,
    /// The previous line ended with a backslash.
    Continued,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// A complete entry.
    Done(String),
    /// More lines are needed.
    More,
}

#[derive(Debug, Default)]
pub struct LineAssembler {
    buf: String,
    mode: Mode,
}

impl LineAssembler {
    /// True while a block or continuation is open (the prompt should say so).
    pub fn pending(&self) -> bool {
        self.mode != Mode::Idle
    }

    /// Drop whatever was collected (Ctrl-C inside a block).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.mode = Mode::Idle;
    }

    pub fn push(&mut self, line: &str) -> Step {
        match self.mode {
            Mode::Idle => {
                if let Some(rest) = line.trim_start().strip_prefix(FENCE) {
                    // `"""one line"""` is complete at once.
                    if let Some(inner) = rest.trim_end().strip_suffix(FENCE) {
                        return Step::Done(inner.to_string());
                    }
                    self.mode = Mode::Block;
                    if !rest.trim().is_empty() {
                        self.buf.push_str(rest);
                        self.buf.push('\n');
                    }
                    return Step::More;
                }
                self.continued(line)
            }
            Mode::Block => match line.trim_end().strip_suffix(FENCE) {
                Some(last) => {
                    self.buf.push_str(last);
                    let text = std::mem::take(&mut self.buf);
                    self.mode = Mode::Idle;
                    Step::Done(text.trim_end_matches('\n').to_string())
                }
                None => {
                    self.buf.push_str(line);
                    self.buf.push('\n');
                    Step::More
                }
            },
            Mode::Continued => self.continued(line),
        }
    }

    fn continued(&mut self, line: &str) -> Step {
        match line.strip_suffix('\\') {
            // `\\` at the end is an escaped backslash, not a continuation.
            Some(head) if !head.ends_with('\\') => {
                self.buf.push_str(head);
                self.buf.push('\n');
                self.mode = Mode::Continued;
                Step::More
            }
            _ => {
                self.buf.push_str(line);
                self.mode = Mode::Idle;
                Step::Done(std::mem::take(&mut self.buf))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(lines: &[&str]) -> Vec<Step> {
        let mut a = LineAssembler::default();
        lines.iter().map(|l| a.push(l)).collect()
    }

    #[test]
    fn plain_lines_are_entries() {
        assert_eq!(feed(&["hello"]), [Step::Done("hello".into())]);
    }

    #[test]
    fn fenced_blocks_keep_their_lines() {
        let steps = feed(&["\"\"\"", "first", "", "  second", "\"\"\""]);
        assert_eq!(steps.last(), Some(&Step::Done("first\n\n  second".into())));
        assert!(steps[..4].iter().all(|s| *s == Step::More));
        let steps = feed(&["\"\"\"Translate:", "text here\"\"\""]);
        assert_eq!(
            steps.last(),
            Some(&Step::Done("Translate:\ntext here".into()))
        );
        assert_eq!(feed(&["\"\"\"short\"\"\""]), [Step::Done("short".into())]);
    }

    #[test]
    fn backslash_continues() {
        let steps = feed(&["one \\", "two\\", "three"]);
        assert_eq!(steps.last(), Some(&Step::Done("one \ntwo\nthree".into())));
        assert_eq!(feed(&["C:\\\\"]), [Step::Done("C:\\\\".into())]);
    }

    #[test]
    fn reset_discards_an_open_block() {
        let mut a = LineAssembler::default();
        assert_eq!(a.push("\"\"\""), Step::More);
        assert!(a.pending());
        a.reset();
        assert!(!a.pending());
        assert_eq!(a.push("next"), Step::Done("next".into()));
    }
}

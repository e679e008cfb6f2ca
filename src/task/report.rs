//! What a task tells its front end while it works: notices for stderr and progress over the
//! parts of a long document. Tasks never draw anything themselves; the front end decides how
//! (lines on stderr, progress bars, nothing at all).

pub trait Reporter: Sync {
    /// Something the user must know about the answer (shown even with `-q`).
    fn warn(&self, msg: &str);
    /// Informational (hidden by `-q`).
    fn note(&self, msg: &str);
    /// Detail for `-v`.
    fn verbose(&self, msg: &str);
    /// Count `total` parts of document `doc` as they finish; `what` says what is being done
    /// to them ("summarizing", "translating"…).
    /// Progress over `total` pieces of `doc`; `unit` names one piece ("part", "sentence",
    /// "segment") in what the user sees.
    fn parts(&self, what: &str, unit: &str, doc: &str, total: usize) -> Box<dyn PartsDone>;
}

/// Progress over the parts of one document.
pub trait PartsDone: Send + Sync {
    /// Part number `part` (1-based) is finished.
    fn done(&self, part: usize);
    /// No more parts will finish (all done, or the work stopped).
    fn finish(&self);
}

/// A reporter that tells nobody anything, for callers that only want the answer.
pub struct Silent;

impl Reporter for Silent {
    fn warn(&self, _: &str) {}
    fn note(&self, _: &str) {}
    fn verbose(&self, _: &str) {}
    fn parts(&self, _: &str, _: &str, _: &str, _: usize) -> Box<dyn PartsDone> {
        Box::new(Silent)
    }
}

impl PartsDone for Silent {
    fn done(&self, _: usize) {}
    fn finish(&self) {}
}

/// Receives each [`Segment`] of a translation as soon as it is done.
pub type OnSegment<'a> = &'a mut (dyn FnMut(&Segment) -> crate::error::Result<()> + Send);

/// One piece of a translation beside its source, for side-by-side output and `--json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Segment {
    /// 1-based first and last line of the source the piece covers.
    pub lines: (usize, usize),
    pub source: String,
    pub translation: String,
    /// Whether every check passed (or the piece was copied: layout, numbers alone, text
    /// already in the target language).
    pub verified: bool,
    /// What is wrong with the translation, when it is not verified.
    pub reason: Option<String>,
    /// Language codes, for labels ("pl", "en"); the source's when known.
    #[serde(skip)]
    pub from: Option<&'static str>,
    #[serde(skip)]
    pub to: &'static str,
}

impl Segment {
    /// "1" or "3–5".
    pub fn lines_label(&self) -> String {
        if self.lines.0 == self.lines.1 {
            self.lines.0.to_string()
        } else {
            format!("{}–{}", self.lines.0, self.lines.1)
        }
    }
}

//! How tasks' notices and progress reach a person: lines on stderr through [`Status`], and
//! progress bars when stderr is a terminal (indicatif draws them between status lines).

use super::Status;
use crate::task::report::{PartsDone, Reporter};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// Status lines plus, on a terminal without `-q`, progress bars.
#[derive(Clone)]
pub struct Feedback {
    pub status: Status,
    bars: Option<MultiProgress>,
}

impl Feedback {
    pub fn new(status: Status, stderr_tty: bool) -> Self {
        let bars = (!status.quiet && stderr_tty).then(MultiProgress::new);
        Self { status, bars }
    }

    /// A spinner with `msg` on stderr until dropped or stopped — only where bars are shown
    /// (a terminal, no `-q`). For the seconds before anything else is visible: a model
    /// loading, a first token being computed.
    pub fn spinner(&self, msg: &str) -> Spinner {
        let Some(multi) = &self.bars else {
            return Spinner(None);
        };
        let bar = multi.add(ProgressBar::new_spinner());
        if let Ok(style) = ProgressStyle::with_template("ava: {spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(msg.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Spinner(Some(bar))
    }

    /// A bar counting the files of a batch; hidden when there are no bars.
    pub fn files_bar(&self, total: usize) -> ProgressBar {
        let Some(multi) = &self.bars else {
            return ProgressBar::hidden();
        };
        let bar = multi.add(ProgressBar::new(total as u64));
        if let Ok(style) = ProgressStyle::with_template(
            "ava: files [{bar:30}] {pos}/{len}, {elapsed} elapsed, ETA {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    }
}

impl Reporter for Feedback {
    fn warn(&self, msg: &str) {
        self.status.warn(msg);
    }

    fn note(&self, msg: &str) {
        self.status.note(msg);
    }

    fn verbose(&self, msg: &str) {
        self.status.verbose(msg);
    }

    fn parts(&self, what: &str, unit: &str, doc: &str, total: usize) -> Box<dyn PartsDone> {
        let Some(multi) = &self.bars else {
            // No bar: with --verbose, a line per finished part instead.
            return Box::new(PartLines {
                status: self.status.clone(),
                doc: doc.to_string(),
                unit: unit.to_string(),
                total,
            });
        };
        let bar = multi.add(ProgressBar::new(total as u64));
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "ava: {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit}s, {{elapsed}} elapsed, ETA {{eta}}"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("{what} {doc}"));
        Box::new(PartsBar(bar))
    }
}

/// See [`Feedback::spinner`]. Gone from the screen once stopped or dropped.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    pub fn stop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}

struct PartsBar(ProgressBar);

impl PartsDone for PartsBar {
    fn done(&self, _: usize) {
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

struct PartLines {
    status: Status,
    doc: String,
    unit: String,
    total: usize,
}

impl PartsDone for PartLines {
    fn done(&self, part: usize) {
        if self.status.verbose {
            self.status.note(&format!(
                "{}: {} {part}/{} done",
                self.doc, self.unit, self.total
            ));
        }
    }

    fn finish(&self) {}
}

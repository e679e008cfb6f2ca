//! `ava summarize|translate|process FILE…`: each input goes through the task pipeline once;
//! this module only decides which inputs run, how many at a time, and where answers go.
//! Inputs are independent: one failing does not stop the others, and the exit code says so.

use crate::cli::{ProcessFormat, TranslateFormat};
use crate::context::Context;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::sink::side::{Layout, SideBySide};
use crate::sink::{Record, Sink, Target};
use crate::source::Input;
use crate::task::Job;
use crate::task::answer::{Answer, Pipeline};
use futures_util::stream::{self, StreamExt};
use std::sync::Arc;

/// Run `job` over every input and return the exit code. `side`: `--side-by-side` and its
/// format, for translations.
pub async fn run(
    ctx: Context,
    job: Job,
    inputs: Vec<Input>,
    format: Option<ProcessFormat>,
    side: Option<TranslateFormat>,
) -> Result<i32> {
    let inputs = ctx.expand_inputs(inputs)?;
    let choice = ctx.choose_engine()?;
    let engine = choice.engine.clone();
    match choice.notice() {
        Some(notice) => ctx.status.note(&notice),
        None => ctx.status.verbose(&format!(
            "engine: {} model {} ({})",
            engine.name(),
            engine.model(),
            choice.reason
        )),
    }
    let target = Target::from_arg(ctx.global.output.as_deref());
    if ctx.global.resume && !matches!(target, Target::Dir(_)) {
        return Err(Error::Usage(
            "--resume needs -o DIR/ (one output file per input) to know what is done".into(),
        ));
    }
    let mut sink = Sink::new(
        ctx.global.json,
        !ctx.global.no_stream,
        target,
        inputs.len() > 1,
        ctx.term.stdout_color(),
    )?;
    sink.plan_outputs(&inputs.iter().map(Input::name).collect::<Vec<_>>());
    // Entity reports: readable text for a person at a terminal, JSON for everything else.
    let format = format.unwrap_or(if ctx.global.output.is_none() && ctx.term.stdout {
        ProcessFormat::Text
    } else {
        ProcessFormat::Json
    });
    // Columns only where a person reads them on a wide enough terminal; files get blocks.
    let side = side.map(|f| {
        let width = if ctx.global.output.is_none() {
            ctx.term.stdout_width()
        } else {
            None
        };
        Layout::choose(f == TranslateFormat::Markdown, width)
    });

    let mut todo = Vec::new();
    for input in &inputs {
        let name = input.name();
        match sink.existing_output(&name, job.kind()) {
            Some(done) if ctx.global.resume => ctx.status.note(&format!(
                "{name}: skipped, {} exists (--resume)",
                done.display()
            )),
            _ => todo.push(input),
        }
    }
    let skipped = inputs.len() - todo.len();
    let jobs = ctx.jobs_for(engine.as_ref());
    // Files run side by side when asked to, or when nobody is watching answers stream.
    let live = sink.streams() && ctx.global.output.is_none() && ctx.term.stdout;
    let parallel = todo.len() > 1 && jobs > 1 && (ctx.global.jobs.is_some() || !live);
    let engine: Arc<dyn Engine> = if parallel {
        // Files and their parts together keep at most `jobs` requests in flight.
        Arc::new(crate::engine::limited::Limited::new(engine, jobs))
    } else {
        engine
    };
    let pipeline = ctx.pipeline(engine, jobs);
    let files_bar = if parallel {
        ctx.feedback.files_bar(todo.len())
    } else {
        indicatif::ProgressBar::hidden()
    };

    let mut failures: Vec<Error> = Vec::new();
    let mut unverified = 0;
    let many = inputs.len() > 1;
    // One input's failure is reported and the others go on. `Some(code)`: stop now.
    let mut settle = |name: &str, r: Result<usize>| -> Result<Option<i32>> {
        match r {
            Ok(n) => {
                unverified += n;
                Ok(None)
            }
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                // Exit 0 by shell convention (`| head`), but the audit log says it was cut.
                crate::audit::interrupted("stdout closed by its reader");
                Ok(Some(0))
            }
            Err(e) if !many || matches!(e, Error::Interrupted) => Err(e),
            Err(e) => {
                // Most errors about an input already start with its name.
                let msg = e.to_string();
                if msg.starts_with(name) {
                    ctx.status.error(&msg);
                } else {
                    ctx.status.error(&format!("{name}: {msg}"));
                }
                failures.push(e);
                Ok(None)
            }
        }
    };
    if parallel {
        let (ctx, pipeline, job) = (&ctx, &pipeline, &job);
        let captures: Vec<_> = (0..todo.len()).map(|i| sink.capture(i)).collect();
        let runs = stream::iter(todo.iter().zip(captures).map(
            |(input, (mut part_sink, captured))| async move {
                let r = run_one(ctx, pipeline, job, input, (format, side), &mut part_sink).await;
                let r = recorded(r, &input.name(), &mut part_sink);
                (input.name(), r, captured)
            },
        ))
        // More files open than requests allowed, so one slow file does not hold up the
        // next ones; the limiter keeps requests to `jobs`.
        .buffered(jobs * 2);
        let mut runs = std::pin::pin!(runs);
        // In input order, each as soon as it and all before it are done.
        while let Some((name, r, captured)) = runs.next().await {
            files_bar.inc(1);
            if let Err(e) = sink.write_captured(&captured)
                && let Some(code) = settle(&name, Err(e))?
            {
                return Ok(code);
            }
            if let Some(code) = settle(&name, r)? {
                return Ok(code);
            }
        }
        files_bar.finish_and_clear();
    } else {
        for input in todo {
            let name = input.name();
            let r = run_one(&ctx, &pipeline, &job, input, (format, side), &mut sink).await;
            let r = recorded(r, &name, &mut sink);
            if let Some(code) = settle(&name, r)? {
                return Ok(code);
            }
        }
    }
    if skipped > 0 && inputs.len() > 1 {
        ctx.status.note(&format!(
            "{skipped} of {} input(s) were already done and skipped",
            inputs.len()
        ));
    }
    let failed = failures.len();
    if unverified > 0 {
        ctx.status.warn(&format!(
            "{unverified} part(s) of the answer(s) could not be verified against the source (flagged above){}",
            if ctx.config.settings.best_effort {
                "; --best-effort: exit 0"
            } else {
                "; exit 3 (--best-effort accepts them)"
            }
        ));
    }
    Ok(match failed {
        0 if unverified > 0 && !ctx.config.settings.best_effort => crate::error::exit::UNVERIFIED,
        0 => 0,
        n if n == inputs.len() => failures[0].exit_code(),
        _ => crate::error::exit::PARTIAL,
    })
}

/// An input's failure, also recorded where its answer would have gone (an error record with
/// `--json`); if recording fails too, that error is the one to report.
fn recorded<T>(r: Result<T>, name: &str, sink: &mut Sink) -> Result<T> {
    match r {
        Err(e) if !matches!(e, Error::Interrupted) => Err(sink.fail(name, &e).err().unwrap_or(e)),
        r => r,
    }
}

/// One input: read it, answer it through the pipeline, hand the answer to the sink. Returns
/// how many parts of the answer could not be verified.
async fn run_one(
    ctx: &Context,
    pipeline: &Pipeline<'_>,
    job: &Job,
    input: &Input,
    format: (ProcessFormat, Option<Layout>),
    sink: &mut Sink,
) -> Result<usize> {
    let docs = ctx.read_documents(input)?;
    let mut unverified = 0;
    for doc in &docs {
        unverified += answer_doc(ctx, pipeline, job, doc, format, sink).await?;
    }
    Ok(unverified)
}

/// "tokens: 1,204 read (3,310 kept from earlier requests), 212 written" for `--verbose`: where
/// a long document's time went, and whether the local engine's prompt cache was used.
fn usage_line(o: &crate::task::Outcome) -> Option<String> {
    let prompt = o.prompt_tokens?;
    let cached = o.cached_tokens.unwrap_or(0).min(prompt);
    let kept = if cached > 0 {
        format!(" ({cached} kept from earlier requests)")
    } else {
        String::new()
    };
    Some(format!(
        "tokens: {} read{kept}, {} written",
        prompt - cached,
        o.completion_tokens.unwrap_or(0)
    ))
}

/// One document (an input, or an attachment of one) through the pipeline to the sink.
async fn answer_doc(
    ctx: &Context,
    pipeline: &Pipeline<'_>,
    job: &Job,
    doc: &crate::source::Document,
    (format, side): (ProcessFormat, Option<Layout>),
    sink: &mut Sink,
) -> Result<usize> {
    for w in &doc.warnings {
        ctx.status.warn(w);
    }
    sink.begin(&doc.name);
    let stream = sink.streams();
    // Until the first words arrive (a model reading the document), a spinner says so.
    let mut waiting = ctx.feedback.spinner(&format!("{}: reading…", doc.name));
    // Side by side: the pairs are the answer on stdout (the plain translation still goes into
    // `--json`'s "output").
    let pairs = side.filter(|_| !ctx.global.json);
    let sink = std::sync::Mutex::new(sink);
    let write = |t: &str, live: bool| -> Result<()> {
        let mut sink = sink.lock().unwrap_or_else(|p| p.into_inner());
        if stream && live {
            sink.text(t)
        } else {
            sink.text_quiet(t)
        }
    };
    let mut on_text = |t: &str, live: bool| {
        waiting.stop();
        if pairs.is_some() {
            return Ok(());
        }
        write(t, live)
    };
    let mut renderer = pairs.map(SideBySide::new);
    let mut on_segment = |s: &crate::task::report::Segment| match renderer.as_mut() {
        Some(r) => write(&r.segment(s), true),
        None => Ok(()),
    };
    let answer = pipeline
        .answer_paired(job, doc, &mut on_text, Some(&mut on_segment), &ctx.feedback)
        .await;
    waiting.stop();
    let sink = sink.into_inner().unwrap_or_else(|p| p.into_inner());
    let answer = answer?;
    if let Some(line) = usage_line(&answer.outcome) {
        ctx.status.verbose(&format!("{}: {line}", doc.name));
    }
    let shown = shown(&answer, &doc.name, format, sink.is_first())?;
    let value = match &answer.report {
        Some(report) => {
            let mut v = serde_json::to_value(report)
                .map_err(|e| Error::Engine(format!("encoding the entity report: {e}")))?;
            // Page and line in the original (PDF pages, chat and document lines).
            crate::source::cite::annotate(doc, &mut v);
            Some(v)
        }
        None => answer.value.clone(),
    };
    let engine = pipeline.engine.as_ref();
    let rec = Record {
        file: doc.name.clone(),
        task: job.kind().into(),
        engine: engine.name().into(),
        model: engine.model(),
        template: answer.template.name.clone(),
        template_hash: answer.template.hash.clone(),
        finish_reason: answer.outcome.finish_reason.clone(),
        prompt_tokens: answer.outcome.prompt_tokens,
        completion_tokens: answer.outcome.completion_tokens,
        cached_tokens: answer.outcome.cached_tokens,
        warnings: answer.warnings,
        unverified: answer.unverified,
        segments: side.map(|_| answer.segments),
    };
    let unverified = rec.unverified.len();
    let shown = shown.as_ref().map(|(t, ext)| (t.as_str(), *ext));
    if let Some(path) = sink.finish(&rec, value.as_ref(), shown)? {
        ctx.status.note(&format!("wrote {}", path.display()));
    }
    Ok(unverified)
}

/// How an entity report is presented outside `--json`, and the output file's extension;
/// `None` for everything else (text as it came, JSON pretty-printed).
fn shown(
    answer: &Answer,
    name: &str,
    format: ProcessFormat,
    first: bool,
) -> Result<Option<(String, &'static str)>> {
    let Some(report) = &answer.report else {
        return Ok(None);
    };
    Ok(match format {
        ProcessFormat::Json => None,
        ProcessFormat::Text => Some((crate::extract::render::text(report), "txt")),
        ProcessFormat::Ndjson => Some((crate::extract::render::ndjson(name, report), "ndjson")),
        ProcessFormat::Csv => Some((
            crate::extract::render::csv(name, report, first)
                .map_err(|e| Error::Engine(format!("writing CSV: {e}")))?,
            "csv",
        )),
    })
}

//! The one-shot front end: pick an engine, read inputs, run the task, hand answers to sinks.
//! The REPL reuses `choose_engine` and the task layer; it has no logic of its own.

use crate::cli::{Cli, Command, ConfigCmd, GlobalOpts, ModelsCmd, ProcessFormat, TemplatesCmd};
use crate::config::{self, Resolved};
use crate::engine::{Engine, GenParams};
use crate::error::{Error, Result};
use crate::longdoc;
use crate::sink::{Record, Sink, Status, Target};
use crate::source::Input;
use crate::task::{self, Job, TemplateRef};
use crate::template::{TemplateStore, parse_var};
use futures_util::stream::{self, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use is_terminal::IsTerminal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything resolved once at start-up.
pub struct Context {
    pub config: Resolved,
    pub status: Status,
    pub store: TemplateStore,
    pub global: GlobalOpts,
    /// Progress bars on stderr (files, parts of each file); `None` when stderr is not a
    /// terminal or with `-q`.
    pub progress: Option<MultiProgress>,
}

impl Context {
    pub fn new(global: GlobalOpts) -> Result<Self> {
        let config = config::resolve(&global)?;
        let status = Status::new(global.quiet, global.verbose);
        let store = TemplateStore::new(global.template_dir.clone());
        let progress = (!global.quiet && std::io::stderr().is_terminal()).then(MultiProgress::new);
        Ok(Self {
            config,
            status,
            store,
            global,
            progress,
        })
    }

    pub fn base_params(&self) -> GenParams {
        let s = &self.config.settings;
        GenParams {
            model: s.model.clone(),
            temperature: s.temperature,
            top_p: s.top_p,
            max_tokens: s.max_tokens,
            seed: s.seed,
            stop: Vec::new(),
        }
    }
}

/// Why an engine was chosen, for the one-line notice on stderr.
pub struct Choice {
    pub engine: Arc<dyn Engine>,
    pub reason: String,
    /// True when ava fell back rather than running what the user named.
    pub fallback: bool,
}

/// Reads one input and records its fingerprint in the audit log: every document a run
/// reads, on the command line or in the REPL, comes through here. The bytes are hashed as
/// read, before decoding, and only when the log is on.
pub(crate) fn read_input(input: &Input, max_bytes: u64) -> Result<crate::source::Document> {
    let raw = crate::source::read_input(input, max_bytes)?;
    let print = crate::audit::log().map(|_| crate::audit::fingerprint(&raw.bytes));
    let doc = crate::source::decode(&raw.name, raw.path, raw.bytes)?;
    if let Some(print) = print {
        crate::audit::record_input(&doc, print);
    }
    Ok(doc)
}

/// The engine to run, wrapped so that every request it answers is in the audit log.
pub fn choose_engine(ctx: &Context) -> Result<Choice> {
    let mut choice = pick_engine(ctx)?;
    if let Some(log) = crate::audit::log() {
        choice.engine = Arc::new(crate::engine::audited::Audited::new(choice.engine, log));
    }
    Ok(choice)
}

fn pick_engine(ctx: &Context) -> Result<Choice> {
    let s = &ctx.config.settings;
    match s.provider.as_deref() {
        Some("openai") => Ok(Choice {
            engine: Arc::new(openai_engine(ctx)?),
            reason: format!("provider set by {}", ctx.config.source_of("provider")),
            fallback: false,
        }),
        Some("local") => local_choice(ctx, true),
        Some("builtin") => Ok(Choice {
            engine: Arc::new(crate::engine::builtin::BuiltinEngine::with_region(
                &s.region,
            )?),
            reason: format!("provider set by {}", ctx.config.source_of("provider")),
            fallback: false,
        }),
        _ if s.base_url.is_some() => Ok(Choice {
            engine: Arc::new(openai_engine(ctx)?),
            reason: format!("server configured by {}", ctx.config.source_of("base_url")),
            fallback: false,
        }),
        _ => match local_choice(ctx, false) {
            Ok(c) => Ok(c),
            Err(why) => Ok(Choice {
                engine: Arc::new(crate::engine::builtin::BuiltinEngine::with_region(
                    &s.region,
                )?),
                reason: format!("{why}; using the built-in engine (no model)"),
                fallback: true,
            }),
        },
    }
}

const DEFAULT_OPENAI_URL: &str = "https://api.openai.com/v1";

fn openai_engine(ctx: &Context) -> Result<crate::engine::openai::OpenAiEngine> {
    use crate::engine::openai::{OpenAiConfig, OpenAiEngine};
    let s = &ctx.config.settings;
    let base_url = s
        .base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_OPENAI_URL.into());
    let model = s.model.clone().unwrap_or_else(|| {
        if base_url == DEFAULT_OPENAI_URL {
            "gpt-4o-mini".into()
        } else {
            "default".into()
        }
    });
    let key_source = s.api_key.as_ref().map(|_| {
        ctx.config
            .source_of("api_key")
            .trim_start_matches("env ")
            .to_string()
    });
    let cfg = OpenAiConfig {
        base_url,
        api_key: s.api_key.clone(),
        key_source,
        model,
        connect_timeout: std::time::Duration::from_secs_f64(s.connect_timeout.max(0.001)),
        idle_timeout: std::time::Duration::from_secs_f64(s.timeout.max(0.001)),
        max_retries: s.retries,
        allow_insecure_http: s.allow_insecure_http,
        retry_base_delay: std::time::Duration::from_millis(500),
    };
    OpenAiEngine::new(cfg)
}

#[cfg(feature = "local")]
fn local_choice(ctx: &Context, explicit: bool) -> std::result::Result<Choice, Error> {
    use crate::engine::local::{LocalEngine, LocalOptions};
    let s = &ctx.config.settings;
    let path = match s.model.as_deref() {
        Some(m) if explicit || ctx.config.source_of("model") != "default" => {
            match crate::models::resolve(m) {
                Ok(p) => p,
                Err(e) if explicit => return Err(e),
                Err(_) => {
                    return Err(Error::EngineUnavailable(format!(
                        "no local model named {m:?}"
                    )));
                }
            }
        }
        _ => match crate::models::default_model()? {
            Some(entry) => crate::models::resolve(&entry.name)?,
            None => {
                return Err(Error::EngineUnavailable(
                    "no local model is installed (ava models import FILE.gguf)".into(),
                ));
            }
        },
    };
    let engine = LocalEngine::load(
        &path,
        LocalOptions {
            ctx_size: s.ctx_size,
            threads: s.threads,
            verbose: ctx.status.verbose,
        },
    )?;
    for note in engine.notes() {
        ctx.status.warn(&note);
    }
    Ok(Choice {
        engine: Arc::new(engine),
        reason: if explicit {
            "provider local".into()
        } else {
            "no server configured; local model installed".into()
        },
        fallback: false,
    })
}

#[cfg(not(feature = "local"))]
fn local_choice(_ctx: &Context, _explicit: bool) -> std::result::Result<Choice, Error> {
    Err(Error::EngineUnavailable(
        "this ava was built without the local engine (cargo feature `local`)".into(),
    ))
}

/// `ava chat [FILE…]`, or `ava` alone with a terminal on stdin, runs the REPL; these are the
/// files to attach first.
pub fn repl_files(cli: &Cli) -> Option<Vec<String>> {
    match &cli.command {
        Some(Command::Chat(a)) => Some(a.files.clone()),
        None if std::io::stdin().is_terminal() => Some(Vec::new()),
        _ => None,
    }
}

/// Parse, dispatch, and return the exit code.
pub async fn run(cli: Cli) -> Result<i32> {
    let Some(command) = cli.command else {
        return Err(Error::Usage(
            "no command given and stdin is not a terminal; try `ava summarize FILE`, `ava chat` or `ava --help`".into(),
        ));
    };
    match command {
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "ava", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
            Ok(0)
        }
        // main runs the REPL outside the runtime (see `repl_files`); this arm is never reached.
        Command::Chat(_) => Err(Error::Usage("`ava chat` cannot run here".into())),
        Command::Config(c) => config_command(&cli.global, c),
        Command::Templates(t) => {
            let ctx = Context::new(cli.global)?;
            templates_command(&ctx, t)
        }
        Command::Models(m) => models_command(m).await,
        Command::Tokens(a) => tokens_command(cli.global, a).await,
        Command::Doctor => {
            let ctx = Context::new(cli.global)?;
            doctor(&ctx).await
        }
        Command::Summarize(a) => {
            let job = Job::Summarize {
                length: a.length,
                format: a.format.as_str().into(),
                lang: a.lang,
            };
            run_job(cli.global, job, a.files, None).await
        }
        Command::Translate(a) => {
            let glossary = match &a.glossary {
                Some(p) => Some(std::fs::read_to_string(p).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Error::InputNotFound { path: p.clone() },
                    _ => Error::InputUnreadable {
                        path: p.clone(),
                        source: e,
                    },
                })?),
                None => None,
            };
            let job = Job::Translate {
                to: a.to,
                from: a.from,
                glossary,
            };
            run_job(cli.global, job, a.files, None).await
        }
        Command::Process(a) => {
            let mut vars = BTreeMap::new();
            for v in &a.vars {
                let (k, val) = parse_var(v)?;
                vars.insert(k, val);
            }
            let template = match (a.template, a.prompt) {
                (Some(t), _) => TemplateRef::Named(t),
                (None, Some(p)) => TemplateRef::Inline(p),
                (None, None) => {
                    return Err(Error::Usage("give --template NAME or --prompt TEXT".into()));
                }
            };
            let job = Job::Process {
                template,
                vars,
                unmask_cards: a.unmask_cards,
            };
            run_job(cli.global, job, a.files, a.format).await
        }
    }
}

fn inputs_from(files: &[String]) -> Result<Vec<Input>> {
    if files.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(Error::Usage(
                "no input: give a FILE, `-` for stdin, or pipe text into ava".into(),
            ));
        }
        return Ok(vec![Input::Stdin]);
    }
    if files.iter().filter(|f| *f == "-").count() > 1 {
        return Err(Error::Usage("stdin (`-`) can be given only once".into()));
    }
    Ok(files.iter().map(|f| Input::parse(f)).collect())
}

/// Run a job over every input. Inputs are independent: one failing does not stop the others,
/// and the exit code reports it.
async fn run_job(
    global: GlobalOpts,
    job: Job,
    files: Vec<String>,
    format: Option<ProcessFormat>,
) -> Result<i32> {
    let inputs = inputs_from(&files)?;
    let ctx = Context::new(global)?;
    let choice = choose_engine(&ctx)?;
    let engine = choice.engine.clone();
    if choice.fallback {
        ctx.status
            .note(&format!("engine: {} ({})", engine.name(), choice.reason));
    } else {
        ctx.status.verbose(&format!(
            "engine: {} model {} ({})",
            engine.name(),
            engine.model(),
            choice.reason
        ));
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
    )?;
    let base = ctx.base_params();
    // Entity reports: readable text for a person at a terminal, JSON for everything else.
    let format = format.unwrap_or(
        if ctx.global.output.is_none() && std::io::stdout().is_terminal() {
            ProcessFormat::Text
        } else {
            ProcessFormat::Json
        },
    );

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
    let jobs = jobs_for(&ctx, engine.as_ref());
    // Files run side by side when asked to, or when nobody is watching answers stream.
    let live = sink.streams() && ctx.global.output.is_none() && std::io::stdout().is_terminal();
    let parallel = todo.len() > 1 && jobs > 1 && (ctx.global.jobs.is_some() || !live);
    let engine: Arc<dyn Engine> = if parallel {
        // Files and their parts together keep at most `jobs` requests in flight.
        Arc::new(crate::engine::limited::Limited::new(engine, jobs))
    } else {
        engine
    };
    let files_bar = match (&ctx.progress, parallel) {
        (Some(multi), true) => {
            let bar = multi.add(ProgressBar::new(todo.len() as u64));
            if let Ok(style) = ProgressStyle::with_template(
                "ava: files [{bar:30}] {pos}/{len}, {elapsed} elapsed, ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        }
        _ => ProgressBar::hidden(),
    };

    let mut failures: Vec<Error> = Vec::new();
    let many = inputs.len() > 1;
    // One input's failure is reported and the others go on. `Some(code)`: stop now.
    let mut settle = |name: &str, r: Result<()>| -> Result<Option<i32>> {
        match r {
            Ok(()) => Ok(None),
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Some(0)),
            Err(e) if !many || matches!(e, Error::Interrupted) => Err(e),
            Err(e) => {
                ctx.status.error(&format!("{name}: {e}"));
                failures.push(e);
                Ok(None)
            }
        }
    };
    if parallel {
        let (ctx, engine, job, base) = (&ctx, &engine, &job, &base);
        let captures: Vec<_> = (0..todo.len()).map(|i| sink.capture(i)).collect();
        let runs = stream::iter(todo.iter().zip(captures).map(
            |(input, (mut part_sink, captured))| async move {
                let r = run_one(ctx, engine, job, input, base, format, &mut part_sink).await;
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
            let r = run_one(&ctx, &engine, &job, input, &base, format, &mut sink).await;
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
    Ok(match failures.len() {
        0 => 0,
        n if n == inputs.len() => failures[0].exit_code(),
        _ => crate::error::exit::PARTIAL,
    })
}

/// The token budget when `doc` needs the long-document path (too long for one request, or
/// capped by `--max-input-tokens`); `None` when it is sent whole.
async fn long_document_budget(
    ctx: &Context,
    engine: &Arc<dyn Engine>,
    prepared: &task::Prepared,
    doc: &crate::source::Document,
) -> Option<crate::budget::Budget> {
    let cap = ctx.global.max_input_tokens;
    if !longdoc::may_need(engine.as_ref(), prepared, doc, cap) {
        return None;
    }
    let budget =
        crate::budget::for_engine(engine.clone(), ctx.config.settings.ctx_size, &doc.text).await;
    ctx.status
        .verbose(&format!("{}: {}", doc.name, budget.describe()));
    longdoc::needed(&budget, prepared, doc, cap).then_some(budget)
}

/// How long documents are run, from the global options.
pub(crate) fn long_settings(ctx: &Context, engine: &dyn Engine) -> longdoc::Settings {
    longdoc::Settings {
        jobs: jobs_for(ctx, engine),
        overlap: ctx.global.overlap,
        max_input_tokens: ctx.global.max_input_tokens,
        progress: ctx.progress.clone(),
        verbose: ctx.global.verbose,
    }
}

/// Parallel requests for parts of long documents: what the user asked, else what the engine
/// is good at (a server has slots; the in-process model runs one request at a time).
fn jobs_for(ctx: &Context, engine: &dyn Engine) -> usize {
    match (ctx.global.jobs, engine.name()) {
        (Some(n), "local") if n > 1 => {
            ctx.status
                .note("the local engine runs one request at a time; --jobs is ignored");
            1
        }
        (Some(n), _) => n.max(1),
        (None, "local") => 1,
        (None, _) => 4,
    }
}

/// An input's failure, also recorded where its answer would have gone (an error record with
/// `--json`); if recording fails too, that error is the one to report.
fn recorded(r: Result<()>, name: &str, sink: &mut Sink) -> Result<()> {
    match r {
        Err(e) if !matches!(e, Error::Interrupted) => Err(sink.fail(name, &e).err().unwrap_or(e)),
        r => r,
    }
}

async fn run_one(
    ctx: &Context,
    engine: &Arc<dyn Engine>,
    job: &Job,
    input: &Input,
    base: &GenParams,
    format: ProcessFormat,
    sink: &mut Sink,
) -> Result<()> {
    let doc = read_input(input, ctx.config.settings.max_input_bytes)?;
    for w in &doc.warnings {
        ctx.status.warn(w);
    }
    let prepared = task::prepare(job, &doc, &ctx.store, engine.as_ref(), base)?;
    for n in &prepared.notes {
        ctx.status.warn(n);
    }
    ctx.status.verbose(&format!(
        "{}: template {} ({}) sha256 {}",
        doc.name,
        prepared.template.name,
        prepared.template.origin,
        &prepared.template.hash[..12.min(prepared.template.hash.len())]
    ));
    sink.begin(&doc.name)?;
    let structured = prepared.structured;
    let mut warnings: Vec<String> = doc.warnings.clone();
    warnings.extend(prepared.notes.iter().cloned());
    let stream = sink.streams() && !structured;
    let mut on_text = |t: &str| {
        if stream {
            sink.text(t)
        } else {
            sink.text_quiet(t)
        }
    };
    let long = match long_document_budget(ctx, engine, &prepared, &doc).await {
        Some(budget) => {
            let status = &ctx.status;
            let on_status = |m: &str| status.note(m);
            let runner = longdoc::Runner {
                engine: engine.clone(),
                budget: &budget,
                store: &ctx.store,
                base,
                settings: long_settings(ctx, engine.as_ref()),
                on_status: &on_status,
            };
            Some(runner.run(job, &prepared, &doc, &mut on_text).await?)
        }
        None => None,
    };
    let (value, outcome) = match long {
        Some(l) => {
            for n in &l.notes {
                if n.starts_with("--max-input-tokens") {
                    ctx.status.warn(&format!("{}: {n}", doc.name));
                }
            }
            warnings.extend(l.notes);
            (l.value, l.outcome)
        }
        None => {
            let outcome = if prepared.model_call {
                task::execute(engine.as_ref(), prepared.request.clone(), &mut on_text).await?
            } else {
                task::Outcome::default()
            };
            if outcome.finish_reason.as_deref() == Some("length") {
                return Err(Error::Truncated(format!(
                    "{}: the answer reached the token limit{} and is incomplete; raise --max-tokens",
                    doc.name,
                    prepared
                        .request
                        .params
                        .max_tokens
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default()
                )));
            }
            if structured && prepared.model_call {
                let (v, o) =
                    task::checked_answer(engine.as_ref(), &prepared.request, outcome, |m| {
                        ctx.status.warn(m)
                    })
                    .await?;
                (Some(v), o)
            } else {
                (None, outcome)
            }
        }
    };
    let mut shown = None;
    let unmask_cards = matches!(
        job,
        Job::Process {
            unmask_cards: true,
            ..
        }
    );
    let report = prepared.entity_report(
        &doc,
        &ctx.config.settings.region,
        unmask_cards,
        value.as_ref(),
    );
    let value = match report {
        None => value.map(|mut v| {
            let region = &ctx.config.settings.region;
            if let Some(note) = prepared.ground_records(&doc, region, &mut v) {
                ctx.status.warn(&format!("{}: {note}", doc.name));
                warnings.push(note);
            }
            v
        }),
        Some(report) => {
            let ungrounded = report.entities.iter().filter(|e| !e.grounded).count();
            if ungrounded > 0 {
                warnings.push(format!(
                    "{ungrounded} item(s) the model reported do not occur in the document; they are marked \"grounded\": false"
                ));
                ctx.status
                    .warn(&format!("{}: {}", doc.name, warnings[warnings.len() - 1]));
            }
            shown = match format {
                ProcessFormat::Json => None,
                ProcessFormat::Text => Some((crate::extract::render::text(&report), "txt")),
                ProcessFormat::Ndjson => {
                    Some((crate::extract::render::ndjson(&doc.name, &report), "ndjson"))
                }
                ProcessFormat::Csv => Some((
                    crate::extract::render::csv(&doc.name, &report, sink.is_first())
                        .map_err(|e| Error::Engine(format!("writing CSV: {e}")))?,
                    "csv",
                )),
            };
            Some(
                serde_json::to_value(&report)
                    .map_err(|e| Error::Engine(format!("encoding the entity report: {e}")))?,
            )
        }
    };
    let rec = Record {
        file: doc.name.clone(),
        task: job.kind().into(),
        engine: engine.name().into(),
        model: engine.model(),
        template: prepared.template.name.clone(),
        template_hash: prepared.template.hash.clone(),
        finish_reason: outcome.finish_reason.clone(),
        prompt_tokens: outcome.prompt_tokens,
        completion_tokens: outcome.completion_tokens,
        warnings,
    };
    let shown = shown.as_ref().map(|(t, ext)| (t.as_str(), *ext));
    if let Some(path) = sink.finish(&rec, value.as_ref(), shown)? {
        ctx.status.note(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// `ava tokens`: what each input costs for the chosen model, and how it would be split.
async fn tokens_command(global: GlobalOpts, a: crate::cli::TokensArgs) -> Result<i32> {
    let inputs = inputs_from(&a.files)?;
    let ctx = Context::new(global)?;
    let mut out = String::new();
    let mut total = 0usize;
    let mut first_budget = None;
    enum Counting {
        Model(Arc<dyn Engine>),
        Encoding(crate::tokens::Encoding),
    }
    let counting = match a.encoding.as_deref() {
        Some("o200k_base") => Counting::Encoding(crate::tokens::Encoding::O200kBase),
        Some(_) => Counting::Encoding(crate::tokens::Encoding::Cl100kBase),
        None => Counting::Model(choose_engine(&ctx)?.engine),
    };
    for input in &inputs {
        let doc = read_input(input, ctx.config.settings.max_input_bytes)?;
        let (count, parts, how) = match &counting {
            Counting::Model(engine) => {
                let budget = crate::budget::for_engine(
                    engine.clone(),
                    ctx.config.settings.ctx_size,
                    &doc.text,
                )
                .await;
                let n = budget.counter.count(&doc.text);
                let reserve = budget.reserve(ctx.config.settings.max_tokens);
                // A summary prompt costs a few hundred tokens around the text.
                let room = budget.window.saturating_sub(reserve + 600).max(1);
                let parts = n.div_ceil(room).max(1);
                let how = budget.describe();
                first_budget.get_or_insert(how.clone());
                (n, Some(parts), how)
            }
            Counting::Encoding(enc) => {
                let c = crate::tokens::tiktoken_counter(*enc);
                (c.count(&doc.text), None, c.describe())
            }
        };
        total += count;
        ctx.status.verbose(&format!("{}: {how}", doc.name));
        out.push_str(&match parts {
            Some(p) => format!("{count:>10}  {p:>3} part(s)  {}\n", doc.name),
            None => format!("{count:>10}  {}\n", doc.name),
        });
    }
    if inputs.len() > 1 {
        out.push_str(&format!("{total:>10}  total\n"));
    }
    print!("{out}");
    if let Some(how) = first_budget {
        ctx.status.note(&how);
    }
    Ok(0)
}

fn config_command(global: &GlobalOpts, c: ConfigCmd) -> Result<i32> {
    match c {
        ConfigCmd::Path => {
            let r = config::resolve(global)?;
            println!("{}", r.config_file.display());
        }
        ConfigCmd::Show => {
            let r = config::resolve(global)?;
            let state = if r.config_file_exists {
                ""
            } else {
                " (not present)"
            };
            eprintln!("# config file: {}{state}", r.config_file.display());
            if let Some(p) = &r.profile {
                eprintln!("# profile: {p}");
            }
            let rows = r.show();
            let w = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
            let vw = rows
                .iter()
                .map(|(_, v, _)| v.len())
                .max()
                .unwrap_or(0)
                .min(48);
            for (k, v, src) in rows {
                println!("{k:<w$}  {v:<vw$}  # {src}");
            }
        }
        ConfigCmd::Init => {
            let path = global
                .config
                .clone()
                .unwrap_or_else(crate::paths::config_file);
            if path.exists() {
                return Err(Error::Usage(format!(
                    "{} already exists; not overwriting it",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| Error::Output {
                    path: dir.into(),
                    source,
                })?;
            }
            std::fs::write(&path, config::STARTER_CONFIG).map_err(|source| Error::Output {
                path: path.clone(),
                source,
            })?;
            println!("{}", path.display());
        }
    }
    Ok(0)
}

fn templates_command(ctx: &Context, t: TemplatesCmd) -> Result<i32> {
    match t {
        TemplatesCmd::List => {
            let list = ctx.store.list()?;
            let w = list.iter().map(|i| i.name.len()).max().unwrap_or(0);
            for i in list {
                let shadow = if i.overrides.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (overrides {})",
                        i.overrides
                            .iter()
                            .map(|o| o.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                println!(
                    "{:<w$}  {}  [{}{}]",
                    i.name, i.description, i.origin, shadow
                );
            }
        }
        TemplatesCmd::Show { name } => {
            let t = ctx.store.load(&name)?;
            eprintln!("# {} ({}) sha256 {}", t.file, t.origin, t.hash);
            print!("{}", t.source);
        }
        TemplatesCmd::Path => {
            for (dir, origin, exists) in ctx.store.search_dirs() {
                let mark = if exists { "" } else { "  (missing)" };
                println!("{}  [{}]{}", dir.display(), origin, mark);
            }
        }
    }
    Ok(0)
}

async fn models_command(m: ModelsCmd) -> Result<i32> {
    crate::cmd::models::run(m).await
}

async fn doctor(ctx: &Context) -> Result<i32> {
    let s = &ctx.config.settings;
    println!(
        "config file:   {}{}",
        ctx.config.config_file.display(),
        if ctx.config.config_file_exists {
            ""
        } else {
            " (not present)"
        }
    );
    println!(
        "provider:      {} [{}]",
        s.provider.as_deref().unwrap_or("(auto)"),
        ctx.config.source_of("provider")
    );
    println!(
        "base_url:      {} [{}]",
        s.base_url.as_deref().unwrap_or("(none)"),
        ctx.config.source_of("base_url")
    );
    println!(
        "api key:       {}",
        if s.api_key.is_some() {
            format!("set [{}]", ctx.config.source_of("api_key"))
        } else {
            "not set".into()
        }
    );
    println!(
        "local engine:  {}",
        if cfg!(feature = "local") {
            "built in"
        } else {
            "not built (cargo feature `local`)"
        }
    );
    match crate::models::default_model().ok().flatten() {
        Some(m) => println!("default model: {}", m.name),
        None => println!("default model: none installed"),
    }
    match crate::paths::audit_log() {
        Some(p) => println!("audit log:     {}", p.display()),
        None => println!("audit log:     off (AVA_AUDIT_LOG=off)"),
    }
    match choose_engine(ctx) {
        Ok(c) => {
            println!(
                "engine:        {} model {} ({})",
                c.engine.name(),
                c.engine.model(),
                c.reason
            );
            let model_free = c.engine.name() == "builtin";
            println!(
                "  summarize:   {}",
                if model_free {
                    "built-in extractive summary"
                } else {
                    "model"
                }
            );
            println!(
                "  translate:   {}",
                if model_free {
                    "unavailable (needs a model)"
                } else {
                    "model"
                }
            );
            println!(
                "  process:     {}",
                if model_free {
                    "deterministic templates only (entities, iocs)"
                } else {
                    "all templates"
                }
            );
        }
        Err(e) => println!("engine:        unavailable: {e}"),
    }
    Ok(0)
}

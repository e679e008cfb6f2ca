//! The one-shot front end: pick an engine, read inputs, run the task, hand answers to sinks.
//! The REPL reuses `choose_engine` and the task layer; it has no logic of its own.

use crate::cli::{Cli, Command, ConfigCmd, GlobalOpts, ModelsCmd, TemplatesCmd};
use crate::config::{self, Resolved};
use crate::engine::{Engine, GenParams};
use crate::error::{Error, Result};
use crate::sink::{Record, Sink, Status, Target};
use crate::source::{Input, load_document};
use crate::task::{self, Job, TemplateRef};
use crate::template::{TemplateStore, parse_var};
use is_terminal::IsTerminal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything resolved once at start-up.
pub struct Context {
    pub config: Resolved,
    pub status: Status,
    pub store: TemplateStore,
    pub global: GlobalOpts,
}

impl Context {
    pub fn new(global: GlobalOpts) -> Result<Self> {
        let config = config::resolve(&global)?;
        let status = Status::new(global.quiet, global.verbose);
        let store = TemplateStore::new(global.template_dir.clone());
        Ok(Self {
            config,
            status,
            store,
            global,
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

pub fn choose_engine(ctx: &Context) -> Result<Choice> {
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
            run_job(cli.global, job, a.files).await
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
            run_job(cli.global, job, a.files).await
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
            run_job(cli.global, Job::Process { template, vars }, a.files).await
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
async fn run_job(global: GlobalOpts, job: Job, files: Vec<String>) -> Result<i32> {
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
    let mut sink = Sink::new(
        ctx.global.json,
        !ctx.global.no_stream,
        target,
        inputs.len() > 1,
    )?;
    let base = ctx.base_params();

    let mut failures: Vec<Error> = Vec::new();
    for input in &inputs {
        let name = input.name();
        match run_one(&ctx, engine.as_ref(), &job, input, &base, &mut sink).await {
            Ok(()) => {}
            Err(Error::Interrupted) => return Err(Error::Interrupted),
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
            Err(e) => {
                sink.fail(&name, &e)?;
                if inputs.len() == 1 {
                    return Err(e);
                }
                ctx.status.error(&format!("{name}: {e}"));
                failures.push(e);
            }
        }
    }
    Ok(match failures.len() {
        0 => 0,
        n if n == inputs.len() => failures[0].exit_code(),
        _ => crate::error::exit::PARTIAL,
    })
}

async fn run_one(
    ctx: &Context,
    engine: &dyn Engine,
    job: &Job,
    input: &Input,
    base: &GenParams,
    sink: &mut Sink,
) -> Result<()> {
    let doc = load_document(input, ctx.config.settings.max_input_bytes)?;
    for w in &doc.warnings {
        ctx.status.warn(w);
    }
    let prepared = task::prepare(job, &doc, &ctx.store, engine, base)?;
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
    let outcome = {
        let stream = sink.streams() && !structured;
        task::execute(engine, prepared.request.clone(), |t| {
            if stream {
                sink.text(t)
            } else {
                sink.text_quiet(t)
            }
        })
        .await?
    };
    let mut warnings: Vec<String> = doc.warnings.clone();
    warnings.extend(prepared.notes.iter().cloned());
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
    let (value, outcome) = if structured {
        let (v, o) = checked_answer(ctx, engine, &prepared.request, outcome).await?;
        (Some(v), o)
    } else {
        (None, outcome)
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
    if let Some(path) = sink.finish(&rec, value.as_ref())? {
        ctx.status.note(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// How many times a model is asked to repair JSON that fails its schema.
const SCHEMA_REPAIRS: usize = 2;

/// Validate a structured answer; ask the model to repair it (with the validation errors) a
/// bounded number of times; never pass invalid JSON off as a result.
async fn checked_answer(
    ctx: &Context,
    engine: &dyn Engine,
    req: &crate::engine::ChatRequest,
    mut outcome: task::Outcome,
) -> Result<(serde_json::Value, task::Outcome)> {
    let mut req = req.clone();
    let mut attempt = 0;
    loop {
        match task::check_answer(&outcome.text, req.schema.as_ref()) {
            Ok(v) => return Ok((v, outcome)),
            Err(problems) if attempt < SCHEMA_REPAIRS && engine.name() != "builtin" => {
                ctx.status.warn(&format!(
                    "the answer does not match the template's schema ({}); asking the model to correct it",
                    problems.first().map(String::as_str).unwrap_or("invalid")
                ));
                req = task::repair_messages(&req, &outcome.text, &problems);
                outcome = task::execute(engine, req.clone(), |_| Ok(())).await?;
                attempt += 1;
            }
            Err(problems) => {
                return Err(Error::InvalidOutput(format!(
                    "the answer is not valid JSON for the template's schema after {} attempt(s): {}; nothing was written as a result",
                    attempt + 1,
                    problems.join("; ")
                )));
            }
        }
    }
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
    use crate::models;
    match m {
        ModelsCmd::List => models::cmd_list()?,
        ModelsCmd::Import { file, name } => models::cmd_import(&file, name.as_deref())?,
        ModelsCmd::Pull { spec, sha256 } => models::cmd_pull(&spec, sha256.as_deref()).await?,
        ModelsCmd::Rm { name } => models::cmd_rm(&name)?,
        ModelsCmd::Default { name } => models::cmd_default(&name)?,
    }
    Ok(0)
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

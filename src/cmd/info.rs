//! Commands that report rather than answer: `ava tokens`, `config`, `templates`, `doctor`,
//! `completions` and `man`.

use crate::cli::{Cli, ConfigCmd, GlobalOpts, TemplatesCmd};
use crate::config;
use crate::context::Context;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::source::Input;
use std::sync::Arc;

/// `println!` into a buffer. Commands print once, at the end, through [`print_text`], so a
/// closed stdout is an error the caller handles (quietly) rather than a panic.
macro_rules! outln {
    ($buf:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($buf, $($arg)*);
    }};
}

fn print_text(text: &str) -> Result<()> {
    print_bytes(text.as_bytes())
}

fn print_bytes(bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}

// Both generators are written into memory first: clap_complete panics when its writer
// fails, and a closed stdout (`| head -1`) must end the command quietly, not with a panic.
pub fn completions(shell: clap_complete::Shell) -> Result<i32> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ava", &mut script);
    print_bytes(&script)?;
    Ok(0)
}

pub fn man() -> Result<i32> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page)?;
    print_bytes(&page)?;
    Ok(0)
}

/// `ava tokens`: what each input costs for the chosen model, and how it would be split.
pub async fn tokens(ctx: &Context, inputs: Vec<Input>, encoding: Option<String>) -> Result<i32> {
    enum Counting {
        /// The model's own window and counting; parts as a long document would be split.
        Model(Arc<dyn Engine>),
        /// No model (the built-in engine): nothing to fit, so tokens by o200k only.
        NoModel,
        Encoding(crate::tokens::Encoding),
    }
    let counting = match encoding.as_deref() {
        Some("o200k_base") => Counting::Encoding(crate::tokens::Encoding::O200kBase),
        Some(_) => Counting::Encoding(crate::tokens::Encoding::Cl100kBase),
        None => {
            let engine = ctx.choose_engine()?.engine;
            if engine.capabilities().language_model {
                Counting::Model(engine)
            } else {
                Counting::NoModel
            }
        }
    };
    let inputs = ctx.expand_inputs(inputs)?;
    let mut out = String::new();
    let mut total = 0usize;
    let mut first_budget = None;
    for input in &inputs {
        let doc = ctx.read_input(input)?;
        let (count, fit, how) = match &counting {
            Counting::Model(engine) => {
                let budget = crate::task::budget::for_engine(
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
                (n, Some((parts, budget.window)), how)
            }
            Counting::NoModel | Counting::Encoding(_) => {
                let enc = match &counting {
                    Counting::Encoding(e) => *e,
                    _ => crate::tokens::Encoding::O200kBase,
                };
                let c = crate::tokens::tiktoken_counter(enc);
                (c.count(&doc.text), None, c.describe())
            }
        };
        total += count;
        ctx.status.verbose(&format!("{}: {how}", doc.name));
        if ctx.global.json {
            let mut rec = serde_json::json!({"file": doc.name, "tokens": count, "counting": how});
            if let Some((parts, window)) = fit {
                rec["parts"] = parts.into();
                rec["window"] = window.into();
            }
            outln!(out, "{rec}");
        } else {
            out.push_str(&match fit {
                Some((p, _)) => format!("{count:>10}  {p:>3} part(s)  {}\n", doc.name),
                None => format!("{count:>10}  {}\n", doc.name),
            });
        }
    }
    if inputs.len() > 1 && !ctx.global.json {
        out.push_str(&format!("{total:>10}  total\n"));
    }
    print_text(&out)?;
    match (first_budget, &counting) {
        (Some(how), _) => ctx.status.note(&how),
        (None, Counting::NoModel) => ctx.status.note(
            "the built-in engine has no model and no window: documents are read whole; tokens counted with o200k_base",
        ),
        _ => {}
    }
    Ok(0)
}

pub fn config(global: &GlobalOpts, c: ConfigCmd) -> Result<i32> {
    let mut out = String::new();
    match c {
        ConfigCmd::Path => {
            let r = config::resolve(global)?;
            outln!(out, "{}", r.config_file.display());
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
                outln!(out, "{k:<w$}  {v:<vw$}  # {src}");
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
            outln!(out, "{}", path.display());
        }
    }
    print_text(&out)?;
    Ok(0)
}

pub fn templates(ctx: &Context, t: TemplatesCmd) -> Result<i32> {
    let mut out = String::new();
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
                outln!(
                    out,
                    "{:<w$}  {}  [{}{}]",
                    i.name,
                    i.description,
                    i.origin,
                    shadow
                );
            }
        }
        TemplatesCmd::Show { name } => {
            let t = ctx.store.load(&name)?;
            eprintln!("# {} ({}) sha256 {}", t.file, t.origin, t.hash);
            print_text(&t.source)?;
        }
        TemplatesCmd::Path => {
            for (dir, origin, exists) in ctx.store.search_dirs() {
                let mark = if exists { "" } else { "  (missing)" };
                outln!(out, "{}  [{}]{}", dir.display(), origin, mark);
            }
        }
    }
    print_text(&out)?;
    Ok(0)
}

pub async fn doctor(ctx: &Context) -> Result<i32> {
    let mut out = String::new();
    let s = &ctx.config.settings;
    outln!(
        out,
        "config file:   {}{}",
        ctx.config.config_file.display(),
        if ctx.config.config_file_exists {
            ""
        } else {
            " (not present)"
        }
    );
    outln!(
        out,
        "provider:      {} [{}]",
        s.provider.as_deref().unwrap_or("(auto)"),
        ctx.config.source_of("provider")
    );
    outln!(
        out,
        "base_url:      {} [{}]",
        s.base_url.as_deref().unwrap_or("(none)"),
        ctx.config.source_of("base_url")
    );
    outln!(
        out,
        "api key:       {}",
        if s.api_key.is_some() {
            format!("set [{}]", ctx.config.source_of("api_key"))
        } else {
            "not set".into()
        }
    );
    #[cfg(feature = "local")]
    outln!(
        out,
        "local engine:  built in; {}",
        crate::engine::local::cpu::describe()
    );
    #[cfg(not(feature = "local"))]
    outln!(out, "local engine:  not built (cargo feature `local`)");
    match crate::models::default_model().ok().flatten() {
        Some(m) => outln!(out, "default model: {}", m.name),
        None => outln!(out, "default model: none installed"),
    }
    match crate::audit::log() {
        Some(log) => outln!(out, "audit log:     {}", log.path().display()),
        None => outln!(
            out,
            "audit log:     off (AVA_AUDIT_LOG=off, allowed by the config)"
        ),
    }
    outln!(out, "network:       {}", ctx.config.policy.describe());
    for f in &ctx.config.policy.files {
        outln!(out, "  policy file: {}", f.display());
    }
    match ctx.choose_engine() {
        Ok(c) => {
            outln!(
                out,
                "engine:        {} model {} ({})",
                c.engine.name(),
                c.engine.model(),
                c.reason
            );
            let model_free = !c.engine.capabilities().language_model;
            outln!(
                out,
                "  summarize:   {}",
                if model_free {
                    "built-in extractive summary"
                } else {
                    "model"
                }
            );
            outln!(
                out,
                "  translate:   {}",
                if model_free {
                    "unavailable (needs a model)"
                } else {
                    "model"
                }
            );
            outln!(
                out,
                "  process:     {}",
                if model_free {
                    "deterministic templates only (entities, iocs)"
                } else {
                    "all templates"
                }
            );
        }
        Err(e) => outln!(out, "engine:        unavailable: {e}"),
    }
    print_text(&out)?;
    Ok(0)
}

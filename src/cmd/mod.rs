//! The one-shot front end: parse, dispatch, return the exit code. `batch` runs the three jobs
//! over their inputs through the task pipeline; `info` holds the commands that only report
//! (tokens, config, templates, doctor); `models` manages local models.

mod audit;
mod batch;
mod info;
pub mod models;
mod text;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::sink::Terminal;
use crate::source::Input;
use crate::task::{Job, TemplateRef};
use crate::template::parse_var;
use std::collections::BTreeMap;

/// `ava chat [FILE…]`, or `ava` alone with a terminal on stdin, runs the REPL; these are the
/// files to attach first.
pub fn repl_files(cli: &Cli, term: &Terminal) -> Option<Vec<String>> {
    match &cli.command {
        Some(Command::Chat(a)) => Some(a.files.clone()),
        None if term.stdin => Some(Vec::new()),
        _ => None,
    }
}

/// Parse, dispatch, and return the exit code.
pub async fn run(cli: Cli, term: Terminal) -> Result<i32> {
    let Some(command) = cli.command else {
        return Err(Error::Usage(
            "no command given and stdin is not a terminal; try `ava summarize FILE`, `ava chat` or `ava --help`".into(),
        ));
    };
    match command {
        Command::Completions { shell } => info::completions(shell),
        Command::Man => info::man(),
        // main runs the REPL outside the runtime (see `repl_files`); this arm is never reached.
        Command::Chat(_) => Err(Error::Usage("`ava chat` cannot run here".into())),
        Command::Config(c) => info::config(&cli.global, c),
        Command::Templates(t) => info::templates(&Context::new(cli.global, term)?, t),
        Command::Models(m) => {
            // A download is network traffic too: `network = "off"` or `local-only` means none.
            if let crate::cli::ModelsCmd::Pull { .. } = &m {
                let config = crate::config::resolve(&cli.global)?;
                config
                    .policy
                    .check_endpoint(&crate::models::download::hub_url())?;
            }
            models::run(m).await
        }
        Command::Tokens(a) => {
            let inputs = inputs_from(&a.files, &term)?;
            info::tokens(&Context::new(cli.global, term)?, inputs, a.tokenizer).await
        }
        Command::Text(a) => {
            let inputs = inputs_from(&a.files, &term)?;
            text::run(&Context::new(cli.global, term)?, inputs, a.locations)
        }
        Command::Doctor => info::doctor(&Context::new(cli.global, term)?).await,
        Command::Audit(a) => audit::run(&Context::new(cli.global, term)?, a),
        Command::Summarize(a) => {
            let job = Job::Summarize {
                length: a.length,
                format: a.format.as_str().into(),
                lang: a.lang,
            };
            let inputs = inputs_from(&a.files, &term)?;
            batch::run(Context::new(cli.global, term)?, job, inputs, None, None).await
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
            let inputs = inputs_from(&a.files, &term)?;
            let side = a.side_by_side.then_some(a.format);
            batch::run(Context::new(cli.global, term)?, job, inputs, None, side).await
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
            let inputs = inputs_from(&a.files, &term)?;
            batch::run(Context::new(cli.global, term)?, job, inputs, a.format, None).await
        }
    }
}

/// The inputs named on the command line, or stdin when it is piped and none are.
fn inputs_from(files: &[String], term: &Terminal) -> Result<Vec<Input>> {
    if files.is_empty() {
        if term.stdin {
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

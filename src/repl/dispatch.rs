//! The slash commands: what each one does with the session.

use super::*;

impl Repl<'_> {
    pub(super) fn command(&mut self, name: &str, rest: &str) -> Result<Flow> {
        let Some(spec) = commands::find(name) else {
            return Err(commands::unknown(name));
        };
        let args = commands::split_args(rest)?;
        let usage = || Error::Usage(format!("usage: {}", spec.usage));
        match spec.name {
            "help" => out(&commands::help_text())?,
            "exit" => return Ok(Flow::Exit),
            "file" => {
                if args.is_empty() {
                    return Err(usage());
                }
                let mut first_err = None;
                for a in &args {
                    if let Err(e) = self.attach(a) {
                        if first_err.is_some() {
                            self.fail(e);
                        } else {
                            first_err = Some(e);
                        }
                    }
                }
                if let Some(e) = first_err {
                    return Err(e);
                }
            }
            "files" => self.list_files()?,
            "drop" => match args.as_slice() {
                [] => {
                    let n = self.session.docs.len();
                    self.session.docs.clear();
                    self.status.note(&format!("detached {n} document(s)"));
                }
                [name] => match self.session.detach(name) {
                    Some(a) => self.status.note(&format!("detached {}", a.doc.name)),
                    None => {
                        return Err(Error::Usage(format!(
                            "{name} is not attached (/files lists what is)"
                        )));
                    }
                },
                _ => return Err(usage()),
            },
            "summarize" => {
                let job = Job::Summarize {
                    length: Length::Medium,
                    format: "text".into(),
                    lang: None,
                };
                let docs = self.task_docs(&args)?;
                self.run_job(&job, docs, "/summarize")?;
            }
            "translate" => {
                let Some(lang) = args.first() else {
                    return Err(usage());
                };
                let job = Job::Translate {
                    to: lang.clone(),
                    from: None,
                    glossary: None,
                };
                let docs = match &args[1..] {
                    [] => self.task_docs(&[])?,
                    [one] if looks_like_path(one) => self.task_docs(&args[1..])?,
                    _ => {
                        let text = rest
                            .split_once(char::is_whitespace)
                            .map_or("", |(_, t)| t.trim());
                        vec![Document::from_text("text", text)]
                    }
                };
                self.run_job(&job, docs, &format!("/translate {lang}"))?;
            }
            "process" => {
                let Some(template) = args.first() else {
                    return Err(usage());
                };
                let mut vars = BTreeMap::new();
                let mut paths = Vec::new();
                let mut unmask_cards = false;
                for a in &args[1..] {
                    if a == "--unmask-cards" {
                        unmask_cards = true;
                    } else if a.contains('=') && !Path::new(a).exists() {
                        let (k, v) = crate::template::parse_var(a)?;
                        vars.insert(k, v);
                    } else {
                        paths.push(a.clone());
                    }
                }
                let job = Job::Process {
                    template: TemplateRef::Named(template.clone()),
                    vars,
                    unmask_cards,
                };
                let docs = self.task_docs(&paths)?;
                self.run_job(&job, docs, &format!("/process {template}"))?;
            }
            "templates" => {
                let list = self.ctx.store.list()?;
                let w = list.iter().map(|t| t.name.len()).max().unwrap_or(0);
                let mut s = String::new();
                for t in list {
                    s.push_str(&format!("{:<w$}  {}\n", t.name, t.description));
                }
                out(&s)?;
            }
            "model" => match args.as_slice() {
                [m] => self.set_model(m)?,
                _ => return Err(usage()),
            },
            "engine" => match args.as_slice() {
                [e] => self.set_engine(e, None)?,
                [e, m] => self.set_engine(e, Some(m))?,
                _ => return Err(usage()),
            },
            "set" => match args.as_slice() {
                [] => self.show_settings()?,
                [k, v] => self.set(k, v)?,
                _ => return Err(usage()),
            },
            "clear" => {
                self.session.memory.clear();
                self.status.note(&format!(
                    "conversation forgotten; {} document(s) still attached; the transcript for /save is kept",
                    self.session.docs.len()
                ));
            }
            "save" => {
                let (last, path) = match args.as_slice() {
                    [p] => (false, p),
                    [f, p] if f == "-l" || f == "--last" => (true, p),
                    _ => return Err(usage()),
                };
                let mut body = if last {
                    self.session
                        .last_answer
                        .clone()
                        .ok_or_else(|| Error::Usage("no answer yet to save".into()))?
                } else {
                    self.session.transcript_markdown(&self.transcript_header())
                };
                if !body.ends_with('\n') {
                    body.push('\n');
                }
                let path = expand_home(path);
                crate::sink::write_atomically(&path, body.as_bytes())?;
                self.status.note(&format!("wrote {}", path.display()));
            }
            "session" => match args.as_slice() {
                [a] if a == "list" => {
                    let names = session::list_sessions();
                    if names.is_empty() {
                        self.status.note(&format!(
                            "no saved sessions in {}",
                            session::sessions_dir().display()
                        ));
                    } else {
                        out(&(names.join("\n") + "\n"))?;
                    }
                }
                [a, name] if a == "save" => {
                    let path = session::session_file(name)?;
                    Saved::new(
                        self.engine.name().into(),
                        self.engine.model(),
                        &self.session,
                    )
                    .write(&path)?;
                    self.status.note(&format!(
                        "saved session {name} ({} turn(s), {} document(s)) to {}",
                        self.session.memory.len(),
                        self.session.docs.len(),
                        path.display()
                    ));
                }
                [a, name] if a == "load" => self.load_session(name)?,
                _ => return Err(usage()),
            },
            "tokens" => self.show_tokens()?,
            _ => return Err(commands::unknown(name)),
        }
        Ok(Flow::Continue)
    }
}

/// `/translate en report.txt` names a file; `/translate en Dzień dobry` is text. A single
/// word is taken as a path when it exists or looks like one, so a mistyped file name is
/// reported as missing instead of being translated.
fn looks_like_path(s: &str) -> bool {
    let p = Path::new(s);
    p.exists()
        || s.contains('/')
        || s.starts_with('~')
        || p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            (1..=5).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn words_that_look_like_files_are_paths() {
        assert!(looks_like_path("report.txt"));
        assert!(looks_like_path("cases/a"));
        assert!(!looks_like_path("Dzień"));
        assert!(!looks_like_path("hello"));
    }
}

//! In-process GGUF inference through llama.cpp (the `llama-cpp-2` crate).
//!
//! llama.cpp aborts the whole process on internal assertion failures, so everything it would
//! assert on is checked here first: the file header (with the pure-Rust reader in
//! [`crate::models::gguf`]), prompt length against the context, batch sizes, and grammars.

pub mod sampling;

use super::{ChatRequest, Engine, Event, EventSender, GenParams, Message, Role};
use crate::error::{Error, Result};
use crate::models::gguf::{self, GgufInfo};
use futures_util::future::BoxFuture;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use sampling::{Sampler, TOP_K, is_greedy, usable_top_p};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Answers longer than this need an explicit `max_tokens`; it keeps a runaway base model from
/// filling the whole context.
pub const DEFAULT_MAX_TOKENS: usize = 512;
/// Low but not zero: a little variety helps small models out of repetition loops, and the
/// fixed default seed keeps runs reproducible anyway.
pub const DEFAULT_TEMPERATURE: f32 = 0.2;
pub const DEFAULT_TOP_P: f32 = 0.95;
pub const DEFAULT_SEED: u64 = 42;
/// Context used when neither the caller nor the model says otherwise, and the cap on the
/// model's trained context by default (a 128k KV cache would not fit in RAM on a laptop).
pub const DEFAULT_MAX_CTX: u32 = 8192;
/// The plain prompt format (models without a chat template) ends a turn with a blank line.
const PLAIN_STOPS: [&str; 2] = ["\n\n", "\nUser:"];
/// llama-cpp-2 sizes its template buffer from the message length as an i32; refuse long
/// before that (no real context holds 256 MiB of text anyway).
const MAX_PROMPT_BYTES: usize = 256 << 20;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalOptions {
    /// Context size in tokens; default: the model's trained context, at most 8192.
    pub ctx_size: Option<u32>,
    /// CPU threads; default: all available cores.
    pub threads: Option<i32>,
    /// Let llama.cpp log to stderr. Decided by the first engine loaded in the process:
    /// llama.cpp's logger is global.
    pub verbose: bool,
}

/// llama.cpp allows one backend per process; every engine shares it.
fn backend(verbose: bool) -> Result<&'static LlamaBackend> {
    static BACKEND: OnceLock<std::result::Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            let mut b = LlamaBackend::init().map_err(|e| e.to_string())?;
            if !verbose {
                b.void_logs();
            }
            Ok(b)
        })
        .as_ref()
        .map_err(|e| Error::EngineUnavailable(format!("llama.cpp backend: {e}")))
}

/// The loaded model, shared by every request (loading is the slow part).
struct Shared {
    model: LlamaModel,
    template: Option<LlamaChatTemplate>,
    /// Texts of control tokens (`<|im_end|>`…), neutralised in message contents so a document
    /// cannot close the turn and inject instructions.
    specials: Vec<String>,
}

/// One request for the model thread, and where its result goes.
struct Job {
    req: ChatRequest,
    tx: EventSender,
    done: tokio::sync::oneshot::Sender<Result<()>>,
}

pub struct LocalEngine {
    shared: Arc<Shared>,
    /// Requests for the model thread, which keeps one context for all of them.
    jobs: std::sync::mpsc::Sender<Job>,
    /// The context size llama.cpp settled on (it may round the requested one up).
    n_ctx: u32,
    model_name: String,
    path: PathBuf,
    info: GgufInfo,
    notes: Vec<String>,
}

impl std::fmt::Debug for LocalEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalEngine")
            .field("model", &self.model_name)
            .field("path", &self.path)
            .field("n_ctx", &self.n_ctx)
            .finish()
    }
}

impl LocalEngine {
    /// Loads a GGUF model. The header is checked in Rust first, so a damaged or non-GGUF
    /// file is a [`Error::BadInput`], never a llama.cpp abort.
    pub fn load(path: &Path, opts: LocalOptions) -> Result<Self> {
        let info = gguf::inspect(path)?;
        let backend = backend(opts.verbose)?;
        let hint = if opts.verbose {
            ""
        } else {
            "; --verbose shows llama.cpp's log"
        };
        let model = LlamaModel::load_from_file(backend, path, &LlamaModelParams::default())
            .map_err(|e| {
                Error::EngineUnavailable(format!(
                    "{}: llama.cpp could not load this {} model ({e}): the architecture may not \
                     be supported by this build, or the file is damaged{hint}",
                    path.display(),
                    info.architecture
                ))
            })?;

        let mut notes = Vec::new();
        let trained = model.n_ctx_train();
        let n_ctx = match opts.ctx_size {
            Some(0) => return Err(Error::Usage("context size must be at least 1 token".into())),
            Some(n) => {
                if trained > 0 && n > trained {
                    notes.push(format!(
                        "context size {n} is larger than the {trained} tokens the model was \
                         trained for; quality may suffer"
                    ));
                }
                n
            }
            None if trained == 0 => DEFAULT_MAX_CTX,
            None => trained.min(DEFAULT_MAX_CTX),
        };
        let threads = opts.threads.filter(|t| *t > 0).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| i32::try_from(n.get()).unwrap_or(4))
                .unwrap_or(4)
        });

        let template = match model.chat_template(None) {
            Ok(t) => {
                if template_works(&model, &t) {
                    Some(t)
                } else {
                    notes.push(
                        "model's chat template is not one llama.cpp can apply; using a plain \
                         prompt format"
                            .into(),
                    );
                    None
                }
            }
            Err(_) => {
                notes.push("model has no chat template; using a plain prompt format".into());
                None
            }
        };

        let specials = {
            let vocab = model.vocab();
            vocab
                .tokens()
                .filter(|t| vocab.is_control(*t) || vocab.is_eog(*t))
                .filter_map(|t| vocab.text(t).map(|c| c.to_string_lossy().into_owned()))
                .filter(|s| s.len() >= 3)
                .collect()
        };

        let model_name = info
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "local".into());

        let shared = Arc::new(Shared {
            model,
            template,
            specials,
        });
        let (jobs, queue) = std::sync::mpsc::channel();
        let (ready, created) = std::sync::mpsc::sync_channel(1);
        let worker = Arc::clone(&shared);
        let sizes = (n_ctx, n_ctx.min(512), threads);
        std::thread::Builder::new()
            .name("ava-llama".into())
            .spawn(move || run_jobs(&worker, sizes, &ready, queue))
            .map_err(|e| Error::EngineUnavailable(format!("cannot start the model thread: {e}")))?;
        // The model thread's one context is created before load returns: a context size the
        // machine cannot hold fails here, and llama.cpp tells us the size it actually uses.
        let n_ctx = created
            .recv()
            .unwrap_or_else(|_| Err("the model thread stopped".into()))
            .map_err(|e| {
                Error::EngineUnavailable(format!(
                    "{}: cannot create a {n_ctx}-token context ({e}); try a smaller context \
                     size",
                    path.display()
                ))
            })?;

        Ok(Self {
            shared,
            jobs,
            n_ctx,
            model_name,
            path: path.to_path_buf(),
            info,
            notes,
        })
    }

    /// Things the user should know about how this model is run (no chat template, context
    /// larger than trained…), for the CLI to print on stderr.
    pub fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// True when the model has a usable chat template.
    pub fn has_chat_template(&self) -> bool {
        self.shared.template.is_some()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn info(&self) -> &GgufInfo {
        &self.info
    }

    /// Tokens the prompt for `messages` takes once formatted, as [`Engine::stream`] would
    /// send it to the model.
    pub fn prompt_tokens(&self, messages: &[Message]) -> Result<usize> {
        let prompt = self.shared.render(messages)?;
        Ok(self.shared.tokenize_prompt(&prompt).len())
    }
}

/// One throw-away decode at load, as llama.cpp's own tools do: the first pass over the
/// weights pays for page faults and starting the thread pool, and that belongs to loading,
/// not to the first prompt (it was 5–15 % of a short prompt's time on a 270M model).
fn warm_up(model: &LlamaModel, ctx: &mut LlamaContext<'_>) -> Result<()> {
    let vocab = model.vocab();
    let n_vocab = vocab.n_tokens();
    // A model may lack BOS or EOS (id -1); an out-of-range id must never reach decode.
    let mut tokens: Vec<LlamaToken> = [vocab.bos(), vocab.eos()]
        .into_iter()
        .filter(|t| (0..n_vocab).contains(&t.0))
        .collect();
    if tokens.is_empty() {
        tokens.push(LlamaToken(0));
    }
    tokens.truncate((ctx.n_ctx() as usize).max(1));
    let mut batch = LlamaBatch::new(tokens.len(), 1);
    let last = tokens.len() - 1;
    for (pos, token) in tokens.into_iter().enumerate() {
        batch
            .add(token, pos as i32, &[0], pos == last)
            .map_err(decode_err)?;
    }
    ctx.decode(&mut batch).map_err(decode_err)
}

fn context_params(n_ctx: u32, n_batch: u32, threads: i32) -> LlamaContextParams {
    LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(n_ctx))
        .with_n_batch(n_batch)
        .with_n_ubatch(n_batch)
        .with_n_threads(threads)
        .with_n_threads_batch(threads)
}

/// llama.cpp applies only the templates it recognises; probe once at load.
fn template_works(model: &LlamaModel, t: &LlamaChatTemplate) -> bool {
    let probe = [("system", "s"), ("user", "u")]
        .iter()
        .filter_map(|(r, c)| LlamaChatMessage::new((*r).into(), (*c).into()).ok())
        .collect::<Vec<_>>();
    model.apply_chat_template(t, &probe, true).is_ok()
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

impl Shared {
    fn neutralise(&self, content: &str) -> String {
        let mut out = content.replace('\0', "");
        for s in &self.specials {
            if out.contains(s.as_str()) {
                // A zero-width space after the first character keeps the text readable but
                // stops the tokenizer from matching the control token.
                let mut chars = s.chars();
                let first = chars.next().map(String::from).unwrap_or_default();
                let broken = format!("{first}\u{200B}{}", chars.as_str());
                out = out.replace(s.as_str(), &broken);
            }
        }
        out
    }

    /// The prompt text: the model's chat template, or the plain format for base models.
    fn render(&self, messages: &[Message]) -> Result<String> {
        let total: usize = messages.iter().map(|m| m.content.len()).sum();
        if total > MAX_PROMPT_BYTES {
            return Err(Error::BadInput {
                name: "prompt".into(),
                reason: format!("{total} bytes is more than any model context holds"),
            });
        }
        let messages: Vec<(Role, String)> = messages
            .iter()
            .map(|m| (m.role, self.neutralise(&m.content)))
            .collect();
        let Some(template) = &self.template else {
            return Ok(plain_prompt(&messages));
        };
        let to_chat = |msgs: &[(Role, String)]| -> Result<Vec<LlamaChatMessage>> {
            msgs.iter()
                .map(|(r, c)| {
                    LlamaChatMessage::new(role_name(*r).into(), c.clone()).map_err(|e| {
                        Error::BadInput {
                            name: "prompt".into(),
                            reason: e.to_string(),
                        }
                    })
                })
                .collect()
        };
        match self
            .model
            .apply_chat_template(template, &to_chat(&messages)?, true)
        {
            Ok(p) => Ok(p),
            Err(first) => {
                // Some templates (Gemma's) have no system role: fold it into the first user turn.
                let merged = merge_system(&messages);
                self.model
                    .apply_chat_template(template, &to_chat(&merged)?, true)
                    .map_err(|_| {
                        Error::Engine(format!("applying the model's chat template: {first}"))
                    })
            }
        }
    }

    fn tokenize_prompt(&self, prompt: &str) -> Vec<LlamaToken> {
        // parse_special only for template output: its control tokens must become tokens.
        // Message contents were neutralised, so documents cannot smuggle any in.
        let parse_special = self.template.is_some();
        self.model
            .vocab()
            .tokenize(prompt.as_bytes(), true, parse_special)
    }
}

fn plain_prompt(messages: &[(Role, String)]) -> String {
    let mut p = String::new();
    for (role, content) in messages {
        let label = match role {
            Role::System => "System",
            Role::User => "User",
            Role::Assistant => "Assistant",
        };
        p.push_str(label);
        p.push_str(": ");
        p.push_str(content.trim());
        p.push_str("\n\n");
    }
    p.push_str("Assistant:");
    p
}

fn merge_system(messages: &[(Role, String)]) -> Vec<(Role, String)> {
    let system: Vec<&str> = messages
        .iter()
        .filter(|(r, _)| *r == Role::System)
        .map(|(_, c)| c.as_str())
        .collect();
    let mut out: Vec<(Role, String)> = messages
        .iter()
        .filter(|(r, _)| *r != Role::System)
        .cloned()
        .collect();
    if system.is_empty() {
        return out;
    }
    let sys = system.join("\n\n");
    match out.iter_mut().find(|(r, _)| *r == Role::User) {
        Some((_, c)) => *c = format!("{sys}\n\n{c}"),
        None => out.insert(0, (Role::User, sys)),
    }
    out
}

/// Folds a u64 seed into llama.cpp's u32, avoiding its "random seed" sentinel.
fn seed32(seed: u64) -> u32 {
    let s = (seed ^ (seed >> 32)) as u32;
    if s == u32::MAX { s - 1 } else { s }
}

/// How the next token is chosen: llama.cpp's sampler chain when a grammar constrains the
/// output (its grammar sampler needs the whole vocabulary), ava's one-pass top-k otherwise.
enum Picker {
    Grammar(LlamaSampler),
    Plain(Sampler),
}

impl Picker {
    fn new(model: &LlamaModel, p: &GenParams, grammar: Option<&str>) -> Result<Self> {
        let temp = p.temperature.unwrap_or(DEFAULT_TEMPERATURE);
        let top_p = p
            .top_p
            .filter(|v| usable_top_p(*v))
            .unwrap_or(DEFAULT_TOP_P);
        let seed = p.seed.unwrap_or(DEFAULT_SEED);
        let Some(g) = grammar else {
            return Ok(Self::Plain(Sampler::new(temp, top_p, seed)));
        };
        // The grammar goes first so the others only see tokens it allows. `sample()` also
        // accepts the token into every sampler; accepting again would corrupt the grammar
        // state (llama.cpp then aborts on `!stacks.empty()`).
        let grammar = LlamaSampler::grammar(model, g, "root").map_err(|e| Error::BadInput {
            name: "schema".into(),
            reason: format!("llama.cpp rejected the grammar built from the JSON Schema: {e}"),
        })?;
        let mut chain = vec![grammar];
        if is_greedy(temp) {
            chain.push(LlamaSampler::greedy());
        } else {
            chain.push(LlamaSampler::top_k(TOP_K as i32));
            chain.push(LlamaSampler::top_p(top_p, 1));
            chain.push(LlamaSampler::temp(temp));
            chain.push(LlamaSampler::dist(seed32(seed)));
        }
        Ok(Self::Grammar(LlamaSampler::chain_simple(chain)))
    }

    /// The token after batch entry `idx`, whose logits the last decode computed.
    fn next(&mut self, ctx: &LlamaContext<'_>, idx: i32) -> Result<LlamaToken> {
        match self {
            Self::Grammar(s) => Ok(s.sample(ctx, idx)),
            Self::Plain(s) => s
                .pick(ctx.get_logits_ith(idx))
                .map(|t| LlamaToken::new(t as i32))
                .ok_or_else(|| Error::Engine("the model produced no usable logits".into())),
        }
    }
}

/// GBNF for a JSON Schema, via llama.cpp's own converter (the `common` feature).
pub fn schema_to_grammar(schema: &serde_json::Value) -> Result<String> {
    llama_cpp_2::json_schema_to_grammar(&schema.to_string()).map_err(|e| Error::BadInput {
        name: "schema".into(),
        reason: format!("cannot turn the JSON Schema into a grammar: {e}"),
    })
}

/// Takes the complete UTF-8 characters off the front of `buf`, leaving an incomplete
/// trailing sequence for the next token to finish; invalid bytes become U+FFFD.
fn take_utf8(buf: &mut Vec<u8>) -> String {
    let mut out = String::new();
    loop {
        match std::str::from_utf8(buf) {
            Ok(s) => {
                out.push_str(s);
                buf.clear();
                return out;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.push_str(&String::from_utf8_lossy(&buf[..valid]));
                match e.error_len() {
                    None => {
                        buf.drain(..valid);
                        return out;
                    }
                    Some(bad) => {
                        out.push('\u{FFFD}');
                        buf.drain(..valid + bad);
                    }
                }
            }
        }
    }
}

/// Turns token bytes into `Event::Text`: whole UTF-8 characters only, leading whitespace
/// dropped, and text that might be the start of a stop string held back until it is not.
struct TextOut<'a> {
    tx: &'a EventSender,
    bytes: Vec<u8>,
    pending: String,
    stops: Vec<String>,
    started: bool,
    full: String,
}

impl<'a> TextOut<'a> {
    fn new(tx: &'a EventSender, stops: Vec<String>) -> Self {
        Self {
            tx,
            bytes: Vec::new(),
            pending: String::new(),
            stops: stops.into_iter().filter(|s| !s.is_empty()).collect(),
            started: false,
            full: String::new(),
        }
    }

    /// Returns true when a stop string was reached.
    fn push_bytes(&mut self, piece: &[u8]) -> Result<bool> {
        self.bytes.extend_from_slice(piece);
        let text = take_utf8(&mut self.bytes);
        self.push_text(&text)
    }

    fn push_text(&mut self, mut text: &str) -> Result<bool> {
        if !self.started {
            text = text.trim_start();
            if text.is_empty() {
                return Ok(false);
            }
            self.started = true;
        }
        self.pending.push_str(text);
        let hit = self
            .stops
            .iter()
            .filter_map(|s| self.pending.find(s.as_str()))
            .min();
        if let Some(i) = hit {
            let emit = self.pending[..i].to_string();
            self.pending.clear();
            self.send(emit)?;
            return Ok(true);
        }
        let hold = self
            .stops
            .iter()
            .map(|s| held_prefix(&self.pending, s))
            .max()
            .unwrap_or(0);
        let cut = self.pending.len() - hold;
        let emit: String = self.pending.drain(..cut).collect();
        self.send(emit)?;
        Ok(false)
    }

    fn finish(&mut self) -> Result<()> {
        if !self.bytes.is_empty() {
            let rest = String::from_utf8_lossy(&self.bytes).into_owned();
            self.bytes.clear();
            if self.push_text(&rest)? {
                return Ok(());
            }
        }
        let rest = std::mem::take(&mut self.pending);
        self.send(rest)
    }

    fn send(&mut self, s: String) -> Result<()> {
        if s.is_empty() {
            return Ok(());
        }
        self.full.push_str(&s);
        // A closed channel means the consumer is gone (Ctrl-C, broken pipe): stop now.
        self.tx
            .blocking_send(Event::Text(s))
            .map_err(|_| Error::Interrupted)
    }
}

/// Length of the longest suffix of `text` that is a proper prefix of `stop`.
fn held_prefix(text: &str, stop: &str) -> usize {
    let max = stop.len().saturating_sub(1).min(text.len());
    (1..=max)
        .rev()
        .find(|&n| {
            text.is_char_boundary(text.len() - n)
                && stop.is_char_boundary(n)
                && stop.starts_with(&text[text.len() - n..])
        })
        .unwrap_or(0)
}

fn decode_err(e: impl std::fmt::Display) -> Error {
    Error::Engine(format!("llama.cpp decode failed: {e}"))
}

/// The model thread: the engine's one context, created once (its size, or why it could not
/// be created, goes to `ready`), warmed up, and cleared between requests, instead of a new
/// context per request (30–40 ms each, paid by every part of a long document). With one
/// context per model, contexts are never created concurrently, which llama-cpp-2 notes is
/// unsound. Requests run one after another, as two sets of threads on the same cores would
/// only slow each other down. Ends when the engine is dropped.
fn run_jobs(
    sh: &Shared,
    (n_ctx, n_batch, threads): (u32, u32, i32),
    ready: &std::sync::mpsc::SyncSender<std::result::Result<u32, String>>,
    queue: std::sync::mpsc::Receiver<Job>,
) {
    let created = backend(false).and_then(|backend| {
        sh.model
            .new_context(backend, context_params(n_ctx, n_batch, threads))
            .map_err(|e| Error::EngineUnavailable(e.to_string()))
    });
    let mut ctx = match created {
        Ok(ctx) => ctx,
        Err(e) => {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    };
    let _ = ready.send(Ok(ctx.n_ctx()));
    let warmed = warm_up(&sh.model, &mut ctx).map_err(|e| e.to_string());
    for job in queue {
        let result = match &warmed {
            Ok(()) => {
                ctx.clear_kv_cache();
                generate(sh, &mut ctx, job.req, &job.tx)
            }
            Err(e) => Err(Error::EngineUnavailable(e.clone())),
        };
        // The caller may be gone (Ctrl-C); there is nobody left to tell.
        let _ = job.done.send(result);
    }
}

fn generate(
    sh: &Shared,
    ctx: &mut LlamaContext<'_>,
    req: ChatRequest,
    tx: &EventSender,
) -> Result<()> {
    let prompt = sh.render(&req.messages)?;
    let tokens = sh.tokenize_prompt(&prompt);
    if tokens.is_empty() {
        return Err(Error::BadInput {
            name: "prompt".into(),
            reason: "empty prompt".into(),
        });
    }
    let n_ctx = ctx.n_ctx() as usize;
    if tokens.len() >= n_ctx {
        return Err(Error::BadInput {
            name: "prompt".into(),
            reason: format!(
                "prompt is {} tokens, model context is {n_ctx}; shorten the input or raise \
                 the context size",
                tokens.len()
            ),
        });
    }
    let room = n_ctx - tokens.len();
    let max_new = match req.params.max_tokens {
        Some(0) => {
            return Err(Error::Usage("max_tokens must be at least 1".into()));
        }
        Some(m) => (m as usize).min(room),
        None => DEFAULT_MAX_TOKENS.min(room),
    };

    let grammar = req.schema.as_ref().map(schema_to_grammar).transpose()?;
    let mut picker = Picker::new(&sh.model, &req.params, grammar.as_deref())?;
    let mut stops = req.params.stop.clone();
    if sh.template.is_none() && grammar.is_none() {
        stops.extend(PLAIN_STOPS.iter().map(|s| s.to_string()));
    }

    // The prompt goes in n_batch-sized pieces; a batch larger than n_batch trips an assert.
    let n_batch = ctx.n_batch().min(ctx.n_ubatch()).max(1) as usize;
    let mut batch = LlamaBatch::new(n_batch, 1);
    let last = tokens.len() - 1;
    for (ci, chunk) in tokens.chunks(n_batch).enumerate() {
        batch.clear();
        for (j, t) in chunk.iter().enumerate() {
            let pos = ci * n_batch + j;
            batch
                .add(*t, pos as i32, &[0], pos == last)
                .map_err(decode_err)?;
        }
        ctx.decode(&mut batch).map_err(decode_err)?;
    }

    let vocab = sh.model.vocab();
    let mut out = TextOut::new(tx, stops);
    let mut pos = tokens.len();
    let mut n_gen = 0usize;
    let finish = loop {
        let token = picker.next(ctx, batch.n_tokens() - 1)?;
        if vocab.is_eog(token) {
            break "stop";
        }
        n_gen += 1;
        let piece = vocab.token_to_piece(token, false, None);
        if out.push_bytes(&piece)? {
            break "stop";
        }
        if n_gen >= max_new || pos >= n_ctx {
            break "length";
        }
        batch.clear();
        batch
            .add(token, pos as i32, &[0], true)
            .map_err(decode_err)?;
        ctx.decode(&mut batch).map_err(decode_err)?;
        pos += 1;
    };
    out.finish()?;

    let usage = Event::Usage {
        prompt_tokens: tokens.len() as u64,
        completion_tokens: n_gen as u64,
    };
    tx.blocking_send(usage).map_err(|_| Error::Interrupted)?;

    if req.schema.is_some() {
        if finish == "length" {
            return Err(Error::Truncated(format!(
                "structured output stopped at the {max_new}-token limit before the JSON was \
                 complete; raise max_tokens"
            )));
        }
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&out.full) {
            return Err(Error::InvalidOutput(format!(
                "model output is not valid JSON despite the grammar: {e}"
            )));
        }
    }
    tx.blocking_send(Event::Done {
        finish_reason: Some(finish.to_string()),
    })
    .map_err(|_| Error::Interrupted)
}

impl Engine for LocalEngine {
    fn name(&self) -> &str {
        "local"
    }

    fn model(&self) -> String {
        self.model_name.clone()
    }

    fn stream<'a>(&'a self, req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let (done, result) = tokio::sync::oneshot::channel();
            self.jobs
                .send(Job { req, tx, done })
                .map_err(|_| Error::Engine("the model thread has stopped".into()))?;
            result
                .await
                .map_err(|_| Error::Engine("the model thread stopped mid-request".into()))?
        })
    }

    fn count_tokens(&self, text: &str) -> Option<usize> {
        Some(
            self.shared
                .model
                .vocab()
                .tokenize(text.as_bytes(), false, false)
                .len(),
        )
    }

    fn context_window(&self) -> Option<usize> {
        Some(self.n_ctx as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_across_tokens() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&"zaż".as_bytes()[..3]);
        assert_eq!(take_utf8(&mut buf), "za");
        buf.extend_from_slice(&"ż".as_bytes()[1..]);
        assert_eq!(take_utf8(&mut buf), "ż");
        buf.extend_from_slice(b"a\xFFb");
        assert_eq!(take_utf8(&mut buf), "a\u{FFFD}b");
        assert!(buf.is_empty());
    }

    #[test]
    fn stop_strings_are_held_back_and_cut() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let mut out = TextOut::new(&tx, vec!["\n\n".into(), "END".into()]);
        assert!(!out.push_text("  Hello\n").unwrap());
        assert!(!out.push_text("world E").unwrap());
        assert!(!out.push_text("N").unwrap());
        assert!(out.push_text("D and more").unwrap());
        drop(tx);
        let mut got = String::new();
        while let Ok(Event::Text(t)) = rx.try_recv() {
            got.push_str(&t);
        }
        assert_eq!(got, "Hello\nworld ");
    }

    #[test]
    fn held_prefix_respects_char_boundaries() {
        assert_eq!(held_prefix("abc\n", "\n\n"), 1);
        assert_eq!(held_prefix("abcE", "END"), 1);
        assert_eq!(held_prefix("abcEN", "END"), 2);
        assert_eq!(held_prefix("żż", "żółw"), 2);
        assert_eq!(held_prefix("abc", "xyz"), 0);
    }

    #[test]
    fn plain_prompt_and_system_merge() {
        let msgs = vec![
            (Role::System, "Be brief.".to_string()),
            (Role::User, "Hi".to_string()),
        ];
        assert_eq!(
            plain_prompt(&msgs),
            "System: Be brief.\n\nUser: Hi\n\nAssistant:"
        );
        assert_eq!(
            merge_system(&msgs),
            vec![(Role::User, "Be brief.\n\nHi".to_string())]
        );
        assert_eq!(seed32(u64::from(u32::MAX)), u32::MAX - 1);
    }
}

//! In-process GGUF inference through llama.cpp (the `llama-cpp-2` crate).
//!
//! llama.cpp aborts the whole process on internal assertion failures, so everything it would
//! assert on is checked here first: the file header (with the pure-Rust reader in
//! [`crate::models::gguf`]), prompt length against the context, batch sizes, and grammars.
//!
//! Here: loading a model and the [`Engine`] face of it. The model thread and its decode loop
//! are in `generate`, the prompt text in `prompt`, streamed text and stop strings in
//! `text_out`, next-token choice in [`sampling`].

pub mod cpu;
mod generate;
mod prompt;
pub mod sampling;
mod seqs;
mod text_out;

pub use generate::schema_to_grammar;

use super::{Capabilities, ChatRequest, Engine, EventSender, Message, Provider};
use crate::error::{Error, Result};
use crate::models::gguf::{self, GgufInfo};
use futures_util::future::BoxFuture;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatTemplate, LlamaModel};
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
/// Requests decoded together in the one context. Decoding is bound by reading the weights,
/// so on a CPU four answers per pass cost little more than one; beyond that the batch starts
/// to cost arithmetic, and the parts of a document rarely wait in larger numbers. Also the
/// default `--jobs` for this engine, so that the parts are there to be batched.
pub const PARALLEL_SEQUENCES: usize = 4;

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
    /// Most answers one decode has advanced together, for tests and benchmarks to see that
    /// requests really ran together.
    most_together: std::sync::atomic::AtomicUsize,
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
    /// Requests the model thread decodes together.
    n_seq: usize,
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
                if prompt::template_works(&model, &t) {
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

        // A recurrent model's state cannot be shared or cut back like a KV cache, and each
        // sequence needs a state of its own: those run one request at a time, as before.
        let n_seq = if model.is_recurrent() || model.is_hybrid() {
            1
        } else {
            PARALLEL_SEQUENCES
        };
        let shared = Arc::new(Shared {
            model,
            template,
            specials,
            most_together: Default::default(),
        });
        let (jobs, queue) = std::sync::mpsc::channel();
        let (ready, created) = std::sync::mpsc::sync_channel(1);
        let worker = Arc::clone(&shared);
        let sizes = generate::Sizes {
            n_ctx,
            n_batch: n_ctx.min(512),
            threads,
            n_seq,
        };
        std::thread::Builder::new()
            .name("ava-llama".into())
            .spawn(move || generate::run_jobs(&worker, sizes, &ready, queue))
            .map_err(|e| Error::EngineUnavailable(format!("cannot start the model thread: {e}")))?;
        // The model thread's one context is created before load returns: a context size the
        // machine cannot hold fails here, and llama.cpp tells us the size it actually uses.
        let (n_ctx, n_seq) = created
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
            n_seq,
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

    /// The most answers one decode step has advanced together so far (1 when requests never
    /// overlapped).
    pub fn most_decoded_together(&self) -> usize {
        self.shared
            .most_together
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Tokens the prompt for `messages` takes once formatted, as [`Engine::stream`] would
    /// send it to the model.
    pub fn prompt_tokens(&self, messages: &[Message]) -> Result<usize> {
        let prompt = self.shared.render(messages)?;
        Ok(self.shared.tokenize_prompt(&prompt).len())
    }
}

impl Engine for LocalEngine {
    fn provider(&self) -> Provider {
        Provider::Local
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            language_model: true,
            in_process: true,
            // One context on one model thread, which decodes the requests waiting at the same
            // time together: enough in flight for it to batch.
            parallel_requests: self.n_seq,
            own_tokenizer: true,
            constrained_output: true,
        }
    }

    fn model(&self) -> String {
        self.model_name.clone()
    }

    fn model_file(&self) -> Option<std::path::PathBuf> {
        Some(self.path.clone())
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

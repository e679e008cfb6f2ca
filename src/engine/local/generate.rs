//! The model thread: the engine's one llama.cpp context, and the decode loop that turns each
//! request into tokens, then events.

use super::prompt::PLAIN_STOPS;
use super::sampling::{Sampler, TOP_K, is_greedy, usable_top_p};
use super::seqs::Seqs;
use super::{
    DEFAULT_MAX_TOKENS, DEFAULT_SEED, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, Job, Shared, backend,
};
use crate::engine::{ChatRequest, GenParams};
use crate::error::{Error, Result};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};

/// The model thread: the engine's one context, created once (its size, or why it could not
/// be created, goes to `ready`), warmed up, and kept between requests, instead of a new
/// context per request (30–40 ms each, paid by every part of a long document). With one
/// context per model, contexts are never created concurrently, which llama-cpp-2 notes is
/// unsound. Requests waiting at the same time are decoded together, each in a sequence of
/// that context ([`Seqs`]): two sets of threads on the same cores would only slow each other
/// down, while one batch with the next token of several answers costs little more than one
/// with a single token. Between requests the context keeps what it has read: the next
/// request reads only what differs from it. Ends when the engine is dropped.
pub(super) fn run_jobs(
    sh: &Shared,
    sizes: Sizes,
    ready: &std::sync::mpsc::SyncSender<std::result::Result<(u32, usize), String>>,
    queue: std::sync::mpsc::Receiver<Job>,
) {
    let (mut ctx, sizes) = match create_context(sh, sizes) {
        Ok(made) => made,
        Err(e) => {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    };
    // The engine's context window is one request's share: what a lone request always gets.
    let n_ctx = (sizes.n_ctx as usize).min(ctx.n_ctx() as usize);
    let _ = ready.send(Ok((n_ctx as u32, sizes.n_seq)));
    let warmed = warm_up(&sh.model, &mut ctx).map_err(|e| e.to_string());
    let n_batch = ctx.n_batch().min(ctx.n_ubatch()).max(1) as usize;
    let can_copy = sizes.n_seq > 1 && !has_sliding_window(&sh.model);
    let pool = ctx.n_ctx() as usize;
    let mut seqs = Seqs::new(
        sizes.n_seq,
        (n_ctx, pool),
        n_batch,
        can_copy,
        prefix_cache_enabled(),
    );
    let mut waiting: VecDeque<(Job, Prepared)> = VecDeque::new();
    let mut open = true;
    // Whether the last step ended an answer: its caller's next request is about to come.
    let mut ended = false;
    loop {
        let mut gather = None;
        if seqs.active() == 0 && waiting.is_empty() {
            // Nothing to do: sleep until a request comes, or end with the engine.
            match queue.recv() {
                Ok(job) => take(sh, n_ctx, &warmed, job, &mut waiting),
                Err(_) => return,
            }
            gather = Some(GATHER_START);
        } else if ended {
            gather = Some(GATHER_NEXT);
        }
        // Which requests share a step decides the arithmetic each answer gets (and so, at
        // a temperature, its words). Requests sent together, and the request a caller
        // sends when its previous answer ends, are waited for briefly so that they join at
        // the same step in every run, not whenever the scheduler delivered them: the same
        // command gives the same answers.
        if let Some(wait) = gather.filter(|_| sizes.n_seq > 1) {
            let until = std::time::Instant::now() + wait;
            while open && waiting.len() < sizes.n_seq.saturating_sub(seqs.active()) {
                let left = until.saturating_duration_since(std::time::Instant::now());
                match queue.recv_timeout(left) {
                    Ok(job) => take(sh, n_ctx, &warmed, job, &mut waiting),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => open = false,
                }
            }
        }
        // Everything else already queued joins this round, up to the free sequences.
        while open && waiting.len() < sizes.n_seq {
            match queue.try_recv() {
                Ok(job) => take(sh, n_ctx, &warmed, job, &mut waiting),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => open = false,
            }
        }
        // In order of arrival: a later request never overtakes one that waits for room.
        while let Some((job, prep)) = waiting.pop_front() {
            if let Some(back) = seqs.admit(&mut ctx, job, prep) {
                waiting.push_front(back);
                break;
            }
        }
        let before = seqs.active();
        seqs.step(sh, &mut ctx);
        ended = seqs.active() < before;
    }
}

/// How long the model thread waits for company when a request arrives to an idle engine:
/// the parts of a document are sent within microseconds of each other, so this only has to
/// cover the scheduler. A lone request pays it once.
const GATHER_START: std::time::Duration = std::time::Duration::from_millis(20);
/// How long it waits, after an answer ends, for the request its caller sends next (the next
/// segment, or a retry after the answer failed its checks: checking takes milliseconds).
/// Paid in full only by the last answers of a job, when nothing more comes.
const GATHER_NEXT: std::time::Duration = std::time::Duration::from_millis(100);

/// The KV pool is one request's context times the sequences, up to this many cells (or one
/// request's context when that is larger): llama.cpp allocates the whole pool up front (12 KB
/// a cell for Qwen2.5-0.5B, 28 KB for 1.5B), so at the default 8192 the pool is twice one
/// request's, not four times (+96 MB and +230 MB). Segments of a translation and a grounded
/// summary's sentences are short and four fit; two long parts of a document fit at a time.
const MAX_POOL: u32 = 16_384;

/// The context and the sizes it was made with: a pool for several sequences, or, when the
/// machine cannot hold that, one sequence as before (then requests run one at a time).
fn create_context(sh: &Shared, mut sizes: Sizes) -> Result<(LlamaContext<'_>, Sizes)> {
    // llama.cpp rounds a context up to a multiple of 256; one request's share stays that.
    sizes.n_ctx = sizes.n_ctx.div_ceil(256).saturating_mul(256);
    let backend = backend(false)?;
    let make = |s: &Sizes| {
        sh.model
            .new_context(backend, context_params(s))
            .map_err(|e| Error::EngineUnavailable(e.to_string()))
    };
    if sizes.n_seq > 1 {
        if let Ok(ctx) = make(&sizes) {
            return Ok((ctx, sizes));
        }
        sizes.n_seq = 1;
    }
    make(&sizes).map(|ctx| (ctx, sizes))
}

/// The model thread's sizes: one request's context tokens, batch tokens, threads, sequences
/// at once.
pub(super) struct Sizes {
    pub(super) n_ctx: u32,
    pub(super) n_batch: u32,
    pub(super) threads: i32,
    pub(super) n_seq: usize,
}

/// A new request, checked and turned into tokens, or its error sent back at once: a bad
/// request must not hold up the others.
fn take(
    sh: &Shared,
    n_ctx: usize,
    warmed: &std::result::Result<(), String>,
    job: Job,
    waiting: &mut VecDeque<(Job, Prepared)>,
) {
    let prepared = match warmed {
        Ok(()) => prepare(sh, n_ctx, &job.req),
        Err(e) => Err(Error::EngineUnavailable(e.clone())),
    };
    match prepared {
        Ok(p) => waiting.push_back((job, p)),
        // The caller may be gone (Ctrl-C); there is nobody left to tell.
        Err(e) => {
            let _ = job.done.send(Err(e));
        }
    }
}

/// A sliding-window model's cache drops early positions as a sequence grows, so a copy of
/// another sequence's prefix could lack part of it: such models read every prompt in full
/// when several run at once. The GGUF key is `<arch>.attention.sliding_window`.
fn has_sliding_window(model: &LlamaModel) -> bool {
    let arch = model
        .meta_val_str("general.architecture")
        .unwrap_or_default();
    model
        .meta_val_str(&format!("{arch}.attention.sliding_window"))
        .is_ok()
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

fn pool_size(s: &Sizes) -> u32 {
    let n_seq = u32::try_from(s.n_seq).unwrap_or(1);
    s.n_ctx.saturating_mul(n_seq).min(MAX_POOL.max(s.n_ctx))
}

/// A unified KV cache: one pool of cells for every sequence, so a request alone can use the
/// whole context as before (split caches would give each sequence a fixed 1/n), and a
/// shared prefix is the same cells for all the sequences that start with it.
fn context_params(s: &Sizes) -> LlamaContextParams {
    LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(pool_size(s)))
        .with_n_batch(s.n_batch)
        .with_n_ubatch(s.n_batch)
        .with_n_threads(s.threads)
        .with_n_threads_batch(s.threads)
        .with_n_seq_max(u32::try_from(s.n_seq).unwrap_or(1))
        .with_kv_unified(true)
}

/// `AVA_PREFIX_CACHE=off` reads every prompt from the start: the benchmark's "fresh requests"
/// side, and a way to rule the cache out when investigating an answer.
fn prefix_cache_enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        !matches!(
            std::env::var("AVA_PREFIX_CACHE").as_deref(),
            Ok("off" | "0" | "false" | "no")
        )
    })
}

/// A request made ready for a sequence: its prompt tokens, its limits, how its tokens are
/// chosen and where its answer stops.
pub(super) struct Prepared {
    pub(super) tokens: Vec<LlamaToken>,
    pub(super) max_new: usize,
    pub(super) picker: Picker,
    pub(super) stops: Vec<String>,
    pub(super) schema: bool,
}

impl Prepared {
    /// Cells of the cache this request may fill, prompt and answer.
    pub(super) fn final_len(&self) -> usize {
        self.tokens.len() + self.max_new
    }
}

fn prepare(sh: &Shared, n_ctx: usize, req: &ChatRequest) -> Result<Prepared> {
    let prompt = sh.render(&req.messages)?;
    let tokens = sh.tokenize_prompt(&prompt);
    if tokens.is_empty() {
        return Err(Error::BadInput {
            name: "prompt".into(),
            reason: "empty prompt".into(),
        });
    }
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
    let picker = Picker::new(&sh.model, &req.params, grammar.as_deref())?;
    let mut stops = req.params.stop.clone();
    if sh.template.is_none() && grammar.is_none() {
        stops.extend(PLAIN_STOPS.iter().map(|s| s.to_string()));
    }
    Ok(Prepared {
        tokens,
        max_new,
        picker,
        stops,
        schema: req.schema.is_some(),
    })
}

/// Folds a u64 seed into llama.cpp's u32, avoiding its "random seed" sentinel.
fn seed32(seed: u64) -> u32 {
    let s = (seed ^ (seed >> 32)) as u32;
    if s == u32::MAX { s - 1 } else { s }
}

/// How the next token is chosen: llama.cpp's sampler chain when a grammar constrains the
/// output (its grammar sampler needs the whole vocabulary), ava's one-pass top-k otherwise.
pub(super) enum Picker {
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
    pub(super) fn next(&mut self, ctx: &LlamaContext<'_>, idx: i32) -> Result<LlamaToken> {
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

pub(super) fn decode_err(e: impl std::fmt::Display) -> Error {
    Error::Engine(format!("llama.cpp decode failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_avoids_the_random_sentinel() {
        assert_eq!(seed32(u64::from(u32::MAX)), u32::MAX - 1);
    }
}

//! The model thread: the engine's one llama.cpp context, and the decode loop that turns each
//! request into tokens, then events.

use super::prompt::PLAIN_STOPS;
use super::sampling::{Sampler, TOP_K, is_greedy, usable_top_p};
use super::text_out::TextOut;
use super::{
    DEFAULT_MAX_TOKENS, DEFAULT_SEED, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, Job, Shared, backend,
};
use crate::engine::{ChatRequest, Event, EventSender, GenParams};
use crate::error::{Error, Result};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use std::num::NonZeroU32;

/// The model thread: the engine's one context, created once (its size, or why it could not
/// be created, goes to `ready`), warmed up, and cleared between requests, instead of a new
/// context per request (30–40 ms each, paid by every part of a long document). With one
/// context per model, contexts are never created concurrently, which llama-cpp-2 notes is
/// unsound. Requests run one after another, as two sets of threads on the same cores would
/// only slow each other down. Between requests the context keeps what it has read: the next
/// request reads only what differs from it ([`PrefixCache`]). Ends when the engine is dropped.
pub(super) fn run_jobs(
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
    let mut cache = PrefixCache::default();
    for job in queue {
        let result = match &warmed {
            Ok(()) => generate(sh, &mut ctx, &mut cache, job.req, &job.tx),
            Err(e) => Err(Error::EngineUnavailable(e.clone())),
        };
        // The caller may be gone (Ctrl-C); there is nobody left to tell.
        let _ = job.done.send(result);
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

/// What the context's KV cache holds: the tokens of the last request (prompt and the answer's
/// tokens that were decoded). Every part of a long document and every segment of a
/// translation starts with the same system prompt and instructions; keeping their KV and
/// reading only the part after the shared prefix is what llama.cpp's server calls prompt
/// caching (`cache_prompt`). Empty means "unknown": the next request clears everything.
#[derive(Default)]
struct PrefixCache {
    tokens: Vec<LlamaToken>,
}

impl PrefixCache {
    /// Makes the context hold a prefix of `prompt` and returns its length. At least the last
    /// prompt token is always read again: its logits start the answer.
    fn reuse(&mut self, ctx: &mut LlamaContext<'_>, prompt: &[LlamaToken]) -> usize {
        let keep = if prefix_cache_enabled() {
            self.tokens
                .iter()
                .zip(prompt)
                .take_while(|(a, b)| a == b)
                .count()
                .min(prompt.len().saturating_sub(1))
        } else {
            0
        };
        // Until this request has finished, the cache's contents are not known here.
        self.tokens.clear();
        // Removing a tail can fail for models whose memory is not a plain KV cache
        // (recurrent or sliding-window layers): then everything is read again.
        let kept = keep > 0
            && u32::try_from(keep)
                .ok()
                .and_then(|p0| ctx.clear_kv_cache_seq(Some(0), Some(p0), None).ok())
                .unwrap_or(false);
        if kept {
            keep
        } else {
            ctx.clear_kv_cache();
            0
        }
    }
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

fn generate(
    sh: &Shared,
    ctx: &mut LlamaContext<'_>,
    cache: &mut PrefixCache,
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

    let reused = cache.reuse(ctx, &tokens);

    // The prompt goes in n_batch-sized pieces; a batch larger than n_batch trips an assert.
    let n_batch = ctx.n_batch().min(ctx.n_ubatch()).max(1) as usize;
    let mut batch = LlamaBatch::new(n_batch, 1);
    let last = tokens.len() - 1;
    for (ci, chunk) in tokens[reused..].chunks(n_batch).enumerate() {
        batch.clear();
        for (j, t) in chunk.iter().enumerate() {
            let pos = reused + ci * n_batch + j;
            batch
                .add(*t, pos as i32, &[0], pos == last)
                .map_err(decode_err)?;
        }
        ctx.decode(&mut batch).map_err(decode_err)?;
    }
    // From here on the cache knows what the context holds, also when the answer is cut short
    // (a repetition stopped by the caller, Ctrl-C): the retry that follows shares the prefix.
    cache.tokens.clone_from(&tokens);

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
        cache.tokens.push(token);
        pos += 1;
    };
    out.finish()?;

    let usage = Event::Usage {
        prompt_tokens: tokens.len() as u64,
        completion_tokens: n_gen as u64,
        cached_tokens: reused as u64,
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

fn decode_err(e: impl std::fmt::Display) -> Error {
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

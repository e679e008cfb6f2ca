//! Several requests decoded together in the model thread's one context (issue 18).
//!
//! Writing an answer costs one pass over the weights per token, and on a CPU that pass is
//! bound by memory traffic, not arithmetic: a batch holding the next token of four answers
//! costs little more than a batch holding one. So requests that wait at the same time (the
//! segments of a translation, the parts of a long document) each get a sequence of the same
//! context, and every step decodes one batch with the next token of each, plus as much of the
//! prompts still being read as fits — what llama.cpp's server does with parallel slots.
//!
//! The KV cache is unified (one pool of cells for all sequences), so a request alone can use
//! the whole context as before, and a prompt prefix another sequence already read (the
//! system prompt and instructions every part shares) is copied to the new sequence instead
//! of read again: copying marks the same cells as belonging to both.
//!
//! A request alone runs exactly as before: in the sequence whose cache shares most with it,
//! reading only what differs from what that sequence holds (the prefix cache).

use super::generate::{Picker, Prepared, decode_err};
use super::text_out::TextOut;
use super::{Job, Shared};
use crate::engine::Event;
use crate::error::{Error, Result};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::token::LlamaToken;
use std::sync::atomic::Ordering;

/// A request being answered in one sequence.
struct Active {
    done: tokio::sync::oneshot::Sender<Result<()>>,
    out: TextOut,
    picker: Picker,
    prompt_len: usize,
    /// Prompt tokens this sequence found already in the cache.
    reused: usize,
    max_new: usize,
    n_gen: usize,
    schema: bool,
    /// Where the last decode put this sequence's logits, when it asked for them.
    logits_at: Option<i32>,
}

impl Active {
    /// Cells this request may still need, counted as if nothing were shared.
    fn final_len(&self) -> usize {
        self.prompt_len + self.max_new
    }

    fn stats(&self) -> Stats {
        Stats {
            prompt_tokens: self.prompt_len,
            cached_tokens: self.reused,
            completion_tokens: self.n_gen,
            max_new: self.max_new,
            schema: self.schema,
        }
    }
}

/// One sequence of the context: what its KV holds and, while it answers, its request.
#[derive(Default)]
struct Seq {
    /// The prompt and the answer's tokens so far; the KV holds the first `fed` of them.
    tokens: Vec<LlamaToken>,
    fed: usize,
    job: Option<Active>,
}

impl Seq {
    fn held(&self) -> &[LlamaToken] {
        &self.tokens[..self.fed]
    }

    fn forget(&mut self) {
        self.tokens.clear();
        self.fed = 0;
    }
}

pub(super) struct Seqs<'b> {
    seqs: Vec<Seq>,
    /// One request's context: the most tokens a sequence may hold.
    n_ctx: usize,
    /// Cells of the KV pool all sequences share.
    pool: usize,
    /// Tokens per decode: llama.cpp asserts on batches larger than n_batch.
    n_batch: usize,
    /// Whether a prefix may be copied from one sequence to another. Not for models whose
    /// memory is not a plain KV cache (a recurrent state, a sliding window that has already
    /// dropped early positions): a copy would not be the prefix's state.
    can_copy: bool,
    reuse_prefix: bool,
    batch: LlamaBatch<'b>,
}

impl Seqs<'_> {
    pub(super) fn new(
        n_seq: usize,
        (n_ctx, pool): (usize, usize),
        n_batch: usize,
        can_copy: bool,
        reuse_prefix: bool,
    ) -> Self {
        let n_batch = n_batch.max(1);
        Self {
            seqs: (0..n_seq.max(1)).map(|_| Seq::default()).collect(),
            n_ctx,
            pool,
            n_batch,
            can_copy,
            reuse_prefix,
            batch: LlamaBatch::new(n_batch, 1),
        }
    }

    pub(super) fn active(&self) -> usize {
        self.seqs.iter().filter(|s| s.job.is_some()).count()
    }

    /// Starts `job` in a sequence if one is free and the cache has room for it next to the
    /// requests already running; otherwise hands it back to wait. A request never waits
    /// when nothing else runs: alone it always fits (its size was checked against n_ctx).
    pub(super) fn admit(
        &mut self,
        ctx: &mut LlamaContext<'_>,
        job: Job,
        prep: Prepared,
    ) -> Option<(Job, Prepared)> {
        if self.prefix_being_read(&prep.tokens) {
            // Requests that arrive together share their instructions: the first reads them,
            // the others copy them one step later instead of reading them too.
            return Some((job, prep));
        }
        let (source, keep) = self.best_prefix(&prep.tokens);
        let Some(target) = self.target(source, keep) else {
            return Some((job, prep));
        };
        let need = prep.final_len();
        let keep = if self.make_room(ctx, target, source, need) {
            keep
        } else if self.make_room(ctx, target, target, need) {
            0
        } else {
            return Some((job, prep));
        };
        let keep = if target == source {
            self.keep_own(ctx, target, keep)
        } else {
            self.copy_prefix(ctx, source, target, keep)
        };
        self.start(target, keep, job, prep);
        None
    }

    fn start(&mut self, target: usize, keep: usize, job: Job, prep: Prepared) {
        let Prepared {
            tokens,
            max_new,
            picker,
            stops,
            schema,
        } = prep;
        let seq = &mut self.seqs[target];
        seq.job = Some(Active {
            done: job.done,
            out: TextOut::new(job.tx, stops),
            picker,
            prompt_len: tokens.len(),
            reused: keep,
            max_new,
            n_gen: 0,
            schema,
            logits_at: None,
        });
        seq.tokens = tokens;
        seq.fed = keep;
    }

    /// True when a sequence still reading its prompt will, after this step, hold a prefix of
    /// `prompt` longer by a worthwhile amount than any sequence holds now (every chat prompt
    /// shares the template's few opening tokens; waiting a step for those is not worth it).
    fn prefix_being_read(&self, prompt: &[LlamaToken]) -> bool {
        const WORTH_WAITING: usize = 16;
        if !self.reuse_prefix || !self.can_copy {
            return false;
        }
        let cap = prompt.len().saturating_sub(1);
        let now = self.best_prefix(prompt).1;
        self.seqs.iter().any(|s| {
            s.job.as_ref().is_some_and(|job| {
                s.fed < job.prompt_len
                    && common_prefix(&s.tokens[..job.prompt_len], prompt).min(cap)
                        >= now.max(s.fed) + WORTH_WAITING
            })
        })
    }

    /// The sequence whose cache shares the longest prefix with `prompt`, and how long it is.
    /// At least the last prompt token is always read again: its logits start the answer.
    /// Sequences still answering can lend their prefix only when copying is possible.
    fn best_prefix(&self, prompt: &[LlamaToken]) -> (usize, usize) {
        let mut best = (self.first_idle().unwrap_or(0), 0);
        if !self.reuse_prefix {
            return best;
        }
        for (i, seq) in self.seqs.iter().enumerate() {
            if seq.job.is_some() && !self.can_copy {
                continue;
            }
            let n = common_prefix(seq.held(), prompt).min(prompt.len().saturating_sub(1));
            if n > best.1 {
                best = (i, n);
            }
        }
        best
    }

    fn first_idle(&self) -> Option<usize> {
        self.seqs.iter().position(|s| s.job.is_none())
    }

    /// The sequence a new request runs in: the one holding its prefix when that one is free
    /// (nothing to copy, and a lone request behaves exactly as before), else the free one
    /// holding least, whose cache is the cheapest to lose.
    fn target(&self, source: usize, keep: usize) -> Option<usize> {
        if keep > 0 && self.seqs[source].job.is_none() {
            return Some(source);
        }
        self.seqs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.job.is_none())
            .min_by_key(|(_, s)| s.fed)
            .map(|(i, _)| i)
    }

    /// Whether `need` more cells fit next to what the others hold or may still need,
    /// dropping the caches of idle sequences (other than `target` and `lender`) to make
    /// room. Shared prefix cells are counted once per sequence, so this errs on the side of
    /// waiting: a decode must never find the cache full halfway through four answers.
    fn make_room(
        &mut self,
        ctx: &mut LlamaContext<'_>,
        target: usize,
        lender: usize,
        need: usize,
    ) -> bool {
        if self.cells_used_besides(target) + need <= self.pool {
            return true;
        }
        // Idle caches only hold cells; their KV would stay until a request overwrote it.
        for i in 0..self.seqs.len() {
            if i != target && i != lender && self.seqs[i].job.is_none() && self.seqs[i].fed > 0 {
                clear_seq(ctx, &mut self.seqs[i], i);
            }
        }
        self.cells_used_besides(target) + need <= self.pool
    }

    fn cells_used_besides(&self, target: usize) -> usize {
        self.seqs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != target)
            .map(|(_, s)| s.job.as_ref().map_or(s.fed, Active::final_len))
            .sum()
    }

    /// The target keeps the first `keep` tokens of its own cache and drops the rest; returns
    /// how many it kept. Removing a tail can fail for models whose memory is not a plain KV
    /// cache: then the sequence is cleared and the prompt read in full.
    fn keep_own(&mut self, ctx: &mut LlamaContext<'_>, target: usize, keep: usize) -> usize {
        let kept = keep > 0
            && u32::try_from(keep)
                .ok()
                .zip(u32::try_from(target).ok())
                .and_then(|(p0, s)| ctx.clear_kv_cache_seq(Some(s), Some(p0), None).ok())
                .unwrap_or(false);
        if kept {
            keep
        } else {
            clear_seq(ctx, &mut self.seqs[target], target);
            0
        }
    }

    /// The target's cache is cleared and given the first `keep` cells of `source`'s (the
    /// same cells, now also the target's); returns how many it got.
    fn copy_prefix(
        &mut self,
        ctx: &mut LlamaContext<'_>,
        source: usize,
        target: usize,
        keep: usize,
    ) -> usize {
        clear_seq(ctx, &mut self.seqs[target], target);
        if keep == 0 || !self.can_copy {
            return 0;
        }
        let ids = i32::try_from(source).ok().zip(i32::try_from(target).ok());
        let end = u32::try_from(keep).ok();
        match (ids, end) {
            (Some((src, dst)), Some(p1))
                if ctx.copy_kv_cache_seq(src, dst, None, Some(p1)).is_ok() =>
            {
                keep
            }
            _ => 0,
        }
    }

    /// One decode for every sequence at work: the next token of each answer, then as much
    /// of the prompts still being read as the batch holds. Afterwards every sequence whose
    /// logits came back gets its next token; those that are done report to their caller.
    pub(super) fn step(&mut self, sh: &Shared, ctx: &mut LlamaContext<'_>) {
        let fed = match self.fill_batch() {
            Ok(fed) => fed,
            Err(e) => return self.fail_all(ctx, &e),
        };
        if fed.is_empty() {
            return;
        }
        if let Err(e) = ctx.decode(&mut self.batch).map_err(decode_err) {
            return self.fail_all(ctx, &e);
        }
        let answering = fed
            .iter()
            .filter(|(i, _)| {
                self.seqs[*i]
                    .job
                    .as_ref()
                    .is_some_and(|j| j.logits_at.is_some())
            })
            .count();
        sh.most_together.fetch_max(answering, Ordering::Relaxed);
        for (i, n) in fed {
            self.seqs[i].fed += n;
        }
        for i in 0..self.seqs.len() {
            self.advance(sh, ctx, i);
        }
    }

    /// Puts the next tokens of every active sequence into the batch; returns (sequence,
    /// tokens added) for each. Answers go first, one token each: they are what the caller
    /// waits for, and a prompt can always wait for the next step.
    fn fill_batch(&mut self) -> Result<Vec<(usize, usize)>> {
        self.batch.clear();
        let mut fed = Vec::new();
        for answering in [true, false] {
            for (i, seq) in self.seqs.iter_mut().enumerate() {
                let Some(job) = seq.job.as_mut() else {
                    continue;
                };
                if (seq.fed >= job.prompt_len) != answering {
                    continue;
                }
                job.logits_at = None;
                let room = self.n_batch - self.batch.n_tokens() as usize;
                let end = if answering {
                    seq.fed + 1
                } else {
                    job.prompt_len
                };
                let end = end.min(seq.fed + room).min(seq.tokens.len());
                if end <= seq.fed {
                    continue;
                }
                let seq_id = i32::try_from(i).map_err(decode_err)?;
                for pos in seq.fed..end {
                    // Logits only where the next token is chosen: the last prompt token, or
                    // the answer's latest.
                    let wants = pos + 1 == seq.tokens.len();
                    let p = i32::try_from(pos).map_err(decode_err)?;
                    self.batch
                        .add(seq.tokens[pos], p, &[seq_id], wants)
                        .map_err(decode_err)?;
                    if wants {
                        job.logits_at = Some(self.batch.n_tokens() - 1);
                    }
                }
                fed.push((i, end - seq.fed));
            }
        }
        Ok(fed)
    }

    /// Chooses sequence `i`'s next token when the last decode gave it logits, and ends its
    /// request when that was the last one (end of text, stop string, token limit) or when
    /// something failed — that request alone.
    fn advance(&mut self, sh: &Shared, ctx: &LlamaContext<'_>, i: usize) {
        let n_ctx = self.n_ctx;
        let seq = &mut self.seqs[i];
        let Some(job) = seq.job.as_mut() else { return };
        let Some(idx) = job.logits_at.take() else {
            return;
        };
        let end = match next_token(sh, ctx, job, idx, seq.tokens.len(), n_ctx) {
            Ok(Next::Token(token)) => {
                seq.tokens.push(token);
                return;
            }
            Ok(Next::End(finish)) => Ok(finish),
            Err(e) => Err(e),
        };
        let Some(job) = seq.job.take() else { return };
        let stats = job.stats();
        let result = end.and_then(|finish| conclude(job.out, &stats, finish));
        // The caller may be gone (Ctrl-C); there is nobody left to tell.
        let _ = job.done.send(result);
    }

    /// A decode failed: which sequence caused it is unknown, so every request in it ends
    /// with the error and the cache, whose state is now unknown, is cleared.
    fn fail_all(&mut self, ctx: &mut LlamaContext<'_>, e: &Error) {
        ctx.clear_kv_cache();
        for seq in &mut self.seqs {
            seq.forget();
            if let Some(job) = seq.job.take() {
                let _ = job.done.send(Err(Error::Engine(e.to_string())));
            }
        }
    }
}

fn clear_seq(ctx: &mut LlamaContext<'_>, seq: &mut Seq, i: usize) {
    // Removing a whole sequence always succeeds; an id that does not fit u32 cannot occur
    // (there are at most a handful), and would only leave cells unused.
    if let Ok(id) = u32::try_from(i) {
        let _ = ctx.clear_kv_cache_seq(Some(id), None, None);
    }
    seq.forget();
}

enum Next {
    Token(LlamaToken),
    /// The answer is complete; the finish reason.
    End(&'static str),
}

/// The token after batch entry `idx`, or the end of the answer. `pos` is where that token
/// would go in the sequence.
fn next_token(
    sh: &Shared,
    ctx: &LlamaContext<'_>,
    job: &mut Active,
    idx: i32,
    pos: usize,
    n_ctx: usize,
) -> Result<Next> {
    let vocab = sh.model.vocab();
    let token = job.picker.next(ctx, idx)?;
    if vocab.is_eog(token) {
        return Ok(Next::End("stop"));
    }
    job.n_gen += 1;
    let piece = vocab.token_to_piece(token, false, None);
    if job.out.push_bytes(&piece)? {
        return Ok(Next::End("stop"));
    }
    if job.n_gen >= job.max_new || pos >= n_ctx {
        return Ok(Next::End("length"));
    }
    Ok(Next::Token(token))
}

/// What the caller is told once an answer is complete.
struct Stats {
    prompt_tokens: usize,
    cached_tokens: usize,
    completion_tokens: usize,
    max_new: usize,
    schema: bool,
}

/// Ends a complete answer: the held-back text, the usage, a check that structured output is
/// JSON, then Done.
fn conclude(mut out: TextOut, st: &Stats, finish: &str) -> Result<()> {
    out.finish()?;
    let usage = Event::Usage {
        prompt_tokens: st.prompt_tokens as u64,
        completion_tokens: st.completion_tokens as u64,
        cached_tokens: st.cached_tokens as u64,
    };
    out.send_event(usage)?;
    if st.schema {
        if finish == "length" {
            return Err(Error::Truncated(format!(
                "structured output stopped at the {}-token limit before the JSON was \
                 complete; raise max_tokens",
                st.max_new
            )));
        }
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&out.full) {
            return Err(Error::InvalidOutput(format!(
                "model output is not valid JSON despite the grammar: {e}"
            )));
        }
    }
    out.send_event(Event::Done {
        finish_reason: Some(finish.to_string()),
    })
}

fn common_prefix(a: &[LlamaToken], b: &[LlamaToken]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

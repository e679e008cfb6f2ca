//! Next-token choice from raw logits, for the local engine's unconstrained output.
//!
//! llama.cpp's sampler chain copies the whole vocabulary (150–260 k entries for current models)
//! into a candidate array and partially sorts it for every token: about 1 ms per token on
//! two cores, 2–5 % of decode time for the small models ava runs. Only the best few dozen
//! candidates can ever be drawn, so one pass over the logits that keeps the top k does the same
//! job. Grammar-constrained output still goes through llama.cpp, whose grammar sampler needs
//! the full array.

use rand::SeedableRng;
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::rngs::StdRng;

/// Candidates kept before top-p, as llama.cpp's common defaults do.
pub const TOP_K: usize = 40;

/// A temperature of 0 (or less, or NaN) means: always the most likely token.
pub fn is_greedy(temp: f32) -> bool {
    temp.is_nan() || temp <= 0.0
}

/// Top-p outside (0, 1] means nothing; callers fall back to their default.
pub fn usable_top_p(top_p: f32) -> bool {
    top_p > 0.0 && top_p <= 1.0
}

#[derive(Debug)]
pub struct Sampler {
    mode: Mode,
    /// Reused between tokens: (logit, token id), at most TOP_K long.
    top: Vec<(f32, u32)>,
}

#[derive(Debug)]
enum Mode {
    Greedy,
    Random {
        top_p: f32,
        temp: f32,
        // Boxed: the generator is 300+ bytes, the greedy variant nothing.
        rng: Box<StdRng>,
    },
}

impl Sampler {
    /// Greedy for a temperature of 0 (or less, or NaN); otherwise top-k, then top-p on the
    /// untempered distribution, then temperature, then a draw from `seed`'s stream — the order
    /// of llama.cpp's chain, so a given setting behaves as users of llama.cpp expect.
    pub fn new(temp: f32, top_p: f32, seed: u64) -> Self {
        let mode = if is_greedy(temp) {
            Mode::Greedy
        } else {
            Mode::Random {
                top_p: if usable_top_p(top_p) { top_p } else { 1.0 },
                temp,
                rng: Box::new(StdRng::seed_from_u64(seed)),
            }
        };
        Self {
            mode,
            top: Vec::with_capacity(TOP_K),
        }
    }

    /// The chosen token id, or None when no logit is a number.
    pub fn pick(&mut self, logits: &[f32]) -> Option<u32> {
        match &mut self.mode {
            Mode::Greedy => argmax(logits),
            Mode::Random { top_p, temp, rng } => {
                top_k(logits, TOP_K, &mut self.top);
                let weights = nucleus_weights(&self.top, *top_p, *temp);
                let dist = WeightedIndex::new(&weights).ok()?;
                Some(self.top[dist.sample(rng)].1)
            }
        }
    }
}

fn argmax(logits: &[f32]) -> Option<u32> {
    let mut best: Option<(f32, usize)> = None;
    for (i, &l) in logits.iter().enumerate() {
        if l.is_nan() {
            continue;
        }
        if best.is_none_or(|(b, _)| l > b) {
            best = Some((l, i));
        }
    }
    best.map(|(_, i)| i as u32)
}

/// Fills `top` with the k largest (logit, id) pairs, best first. Ties keep the lower id, as
/// a stable sort would.
fn top_k(logits: &[f32], k: usize, top: &mut Vec<(f32, u32)>) {
    top.clear();
    // Index of the smallest kept logit, so most logits cost one comparison.
    let mut floor = 0usize;
    for (i, &l) in logits.iter().enumerate() {
        if l.is_nan() {
            continue;
        }
        if top.len() < k {
            top.push((l, i as u32));
            if top.len() == k {
                floor = min_index(top);
            }
        } else if l > top[floor].0 {
            top[floor] = (l, i as u32);
            floor = min_index(top);
        }
    }
    top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
}

/// The weakest kept entry: lowest logit, and of equal logits the highest id, so that an
/// earlier token is never displaced by a later one of the same logit.
fn min_index(top: &[(f32, u32)]) -> usize {
    let mut m = 0;
    for (i, e) in top.iter().enumerate().skip(1) {
        let w = top[m];
        if e.0 < w.0 || (e.0 == w.0 && e.1 > w.1) {
            m = i;
        }
    }
    m
}

/// Draw weights for `top` (sorted best first): the smallest prefix whose probability reaches
/// `top_p` (at least one), re-weighted at temperature `temp`.
fn nucleus_weights(top: &[(f32, u32)], top_p: f32, temp: f32) -> Vec<f64> {
    let Some(&(max, _)) = top.first() else {
        return Vec::new();
    };
    let max = f64::from(max);
    let plain: Vec<f64> = top
        .iter()
        .map(|(l, _)| (f64::from(*l) - max).exp())
        .collect();
    let total: f64 = plain.iter().sum();
    let mut kept = 0;
    let mut mass = 0.0;
    for p in &plain {
        kept += 1;
        mass += p / total;
        if mass >= f64::from(top_p) {
            break;
        }
    }
    let t = f64::from(temp);
    top[..kept]
        .iter()
        .map(|(l, _)| ((f64::from(*l) - max) / t).exp())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logits(n: usize, seed: u64) -> Vec<f32> {
        use rand::Rng;
        let mut rng = StdRng::seed_from_u64(seed);
        (0..n).map(|_| rng.random_range(-10.0..10.0)).collect()
    }

    #[test]
    fn greedy_takes_the_largest_logit_and_ignores_nan() {
        let mut s = Sampler::new(0.0, 0.95, 1);
        assert_eq!(s.pick(&[0.1, f32::NAN, 3.0, -1.0, 2.9]), Some(2));
        assert_eq!(s.pick(&[f32::NAN, f32::NAN]), None);
        assert_eq!(s.pick(&[]), None);
    }

    #[test]
    fn top_k_matches_a_full_sort() {
        for seed in 0..20 {
            let l = logits(5_000, seed);
            let mut top = Vec::new();
            top_k(&l, TOP_K, &mut top);
            let mut all: Vec<(f32, u32)> = l.iter().zip(0u32..).map(|(&v, i)| (v, i)).collect();
            all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            assert_eq!(top, all[..TOP_K].to_vec());
        }
    }

    #[test]
    fn top_k_of_fewer_logits_than_k_keeps_them_all_in_order() {
        let mut top = Vec::new();
        top_k(&[1.0, 3.0, 2.0], TOP_K, &mut top);
        assert_eq!(top, vec![(3.0, 1), (2.0, 2), (1.0, 0)]);
    }

    #[test]
    fn draws_only_among_the_top_candidates() {
        let l = logits(20_000, 3);
        let mut top = Vec::new();
        top_k(&l, TOP_K, &mut top);
        let allowed: Vec<u32> = top.iter().map(|t| t.1).collect();
        // A high temperature flattens the distribution, so the draw really spreads.
        let mut s = Sampler::new(5.0, 1.0, 9);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2_000 {
            let t = s.pick(&l).unwrap();
            assert!(allowed.contains(&t), "token {t} is outside the top {TOP_K}");
            seen.insert(t);
        }
        assert!(seen.len() > TOP_K / 2, "only {} distinct draws", seen.len());
    }

    #[test]
    fn a_small_top_p_leaves_only_the_most_likely_token() {
        let mut l = vec![0.0f32; 1_000];
        l[417] = 5.0;
        let mut s = Sampler::new(1.0, 0.1, 4);
        for _ in 0..200 {
            assert_eq!(s.pick(&l), Some(417));
        }
    }

    #[test]
    fn low_temperature_concentrates_on_the_best_token() {
        let mut l = vec![0.0f32; 100];
        l[7] = 2.0;
        l[8] = 1.5;
        let count = |temp: f32| {
            let mut s = Sampler::new(temp, 1.0, 11);
            (0..2_000).filter(|_| s.pick(&l) == Some(7)).count()
        };
        let (cold, warm) = (count(0.1), count(1.0));
        assert!(
            cold > 1_950,
            "temperature 0.1 chose the best token {cold}/2000 times"
        );
        assert!(
            warm < 1_000,
            "temperature 1.0 chose the best token {warm}/2000 times"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_tokens() {
        let l = logits(30_000, 5);
        let run = |seed| {
            let mut s = Sampler::new(0.8, 0.95, seed);
            (0..50).map(|_| s.pick(&l).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }
}

//! Token counting throughput (one thread) and chunk planning time on a long text.
//!
//! ```text
//! cargo bench --no-default-features --bench tokens            # generated ~10 MB text
//! AVA_BENCH_TEXT=case.txt cargo bench --no-default-features --bench tokens
//! AVA_BENCH_DUMP=/tmp/tokens.txt cargo bench ... && python3 bench/tokens_py.py /tmp/tokens.txt
//! ```
//!
//! The generated text is mixed English and Polish case prose with headings, wrapped and
//! unwrapped paragraphs, dates and addresses; the same bytes on every run, so the Python
//! reference (bench/tokens_py.py) can read the identical text from AVA_BENCH_DUMP.

use ava::task::chunk;
use ava::tokens::{Encoding, Tiktoken, TokenCounter};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TARGET_BYTES: usize = 10_000_000;
const REPEATS: usize = 3;

fn main() {
    let text = match std::env::var_os("AVA_BENCH_TEXT") {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {e}", path.to_string_lossy());
                std::process::exit(66);
            }
        },
        None => generate(TARGET_BYTES),
    };
    if let Some(path) = std::env::var_os("AVA_BENCH_DUMP")
        && let Err(e) = std::fs::write(&path, &text)
    {
        eprintln!("{}: {e}", path.to_string_lossy());
        std::process::exit(73);
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "ava tokens bench: {mb:.1} MB, best of {REPEATS}; counting on one thread, split estimating on all cores"
    );

    println!(
        "\n{:<14} {:>10} {:>8} {:>7} {:>9}",
        "encoding", "tokens", "seconds", "MB/s", "load ms"
    );
    for encoding in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let counter = Tiktoken::new(encoding);
        let load = Instant::now();
        counter.count("warm up: the encoding is loaded on first use");
        let load = load.elapsed();
        let (best, tokens) = best_of(|| counter.count(&text));
        println!(
            "{:<14} {:>10} {:>8.3} {:>7.2} {:>9.0}",
            encoding.name(),
            tokens,
            best.as_secs_f64(),
            mb / best.as_secs_f64(),
            load.as_secs_f64() * 1e3
        );
    }

    println!(
        "\n{:<28} {:>7} {:>8} {:>7} {:>9} {:>7}",
        "chunk::split (o200k_base)", "chunks", "seconds", "MB/s", "counted", "counts"
    );
    let counter = Metered::new(Tiktoken::new(Encoding::O200kBase));
    for (budget, overlap) in [(4000, 0), (4000, 200), (1000, 100)] {
        counter.reset();
        let (best, chunks) = best_of(|| match chunk::split(&text, budget, overlap, &counter) {
            Ok(chunks) => chunks.len(),
            Err(e) => {
                eprintln!("split: {e}");
                std::process::exit(70);
            }
        });
        let (calls, bytes) = counter.take();
        println!(
            "{:<28} {:>7} {:>8.3} {:>7.2} {:>8.2}x {:>7}",
            format!("budget {budget}, overlap {overlap}"),
            chunks,
            best.as_secs_f64(),
            mb / best.as_secs_f64(),
            bytes as f64 / REPEATS as f64 / text.len() as f64,
            calls / REPEATS
        );
    }
}

/// Counts how much text a split has the tokenizer read, to see where its time goes.
struct Metered<C> {
    inner: C,
    calls: AtomicUsize,
    bytes: AtomicUsize,
}

impl<C: TokenCounter> Metered<C> {
    fn new(inner: C) -> Self {
        Metered {
            inner,
            calls: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        }
    }

    fn reset(&self) {
        self.take();
    }

    fn take(&self) -> (usize, usize) {
        (
            self.calls.swap(0, Ordering::Relaxed),
            self.bytes.swap(0, Ordering::Relaxed),
        )
    }
}

impl<C: TokenCounter> TokenCounter for Metered<C> {
    fn count(&self, text: &str) -> usize {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(text.len(), Ordering::Relaxed);
        self.inner.count(text)
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

fn best_of<T>(mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..REPEATS {
        let t = Instant::now();
        let value = std::hint::black_box(run());
        best = best.min(t.elapsed());
        out = Some(value);
    }
    match out {
        Some(v) => (best, v),
        None => unreachable!("REPEATS > 0"),
    }
}

/// xorshift64*: deterministic on every platform, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}

const ENGLISH: &[&str] = &[
    "the",
    "suspect",
    "was",
    "seen",
    "near",
    "station",
    "at",
    "around",
    "evening",
    "witness",
    "stated",
    "that",
    "he",
    "she",
    "they",
    "vehicle",
    "dark",
    "blue",
    "left",
    "towards",
    "city",
    "centre",
    "officers",
    "arrived",
    "shortly",
    "after",
    "report",
    "phone",
    "number",
    "bank",
    "account",
    "transfer",
    "money",
    "of",
    "and",
    "in",
    "to",
    "with",
    "from",
    "on",
    "by",
    "his",
    "her",
    "apartment",
    "building",
    "entrance",
    "camera",
    "recorded",
    "police",
    "investigation",
    "evidence",
    "statement",
    "interview",
    "complainant",
    "alleged",
    "fraud",
    "theft",
    "court",
    "prosecutor",
    "decision",
    "previously",
    "unknown",
    "person",
    "approximately",
    "minutes",
    "later",
    "returned",
    "because",
    "however",
    "which",
    "not",
    "could",
    "identify",
    "documents",
];

const POLISH: &[&str] = &[
    "sprawca",
    "został",
    "zatrzymany",
    "przez",
    "funkcjonariuszy",
    "policji",
    "w",
    "na",
    "do",
    "z",
    "że",
    "się",
    "nie",
    "jest",
    "był",
    "była",
    "świadek",
    "zeznał",
    "pokrzywdzony",
    "mieszkanie",
    "samochód",
    "koloru",
    "ciemnego",
    "odjechał",
    "kierunku",
    "centrum",
    "miasta",
    "około",
    "godzinie",
    "wieczornej",
    "telefon",
    "komórkowy",
    "rachunek",
    "bankowy",
    "przelew",
    "pieniędzy",
    "kradzież",
    "oszustwo",
    "postępowanie",
    "przygotowawcze",
    "prokurator",
    "postanowienie",
    "dowody",
    "nagranie",
    "monitoringu",
    "budynku",
    "wejścia",
    "klatki",
    "schodowej",
    "ustalono",
    "następnie",
    "wcześniej",
    "nieznany",
    "mężczyzna",
    "kobieta",
    "dokumenty",
    "przesłuchanie",
    "protokół",
    "zawiadomienie",
    "żółty",
    "łódź",
    "źródło",
    "gęsty",
    "ślad",
    "ręką",
    "między",
    "dzień",
    "później",
    "wrócił",
    "ponieważ",
    "jednak",
];

const HEADINGS_EN: &[&str] = &["Findings", "Background", "Witness statements", "Evidence"];
const HEADINGS_PL: &[&str] = &[
    "Ustalenia",
    "Przebieg zdarzenia",
    "Zeznania świadków",
    "Dowody",
];

fn sentence(rng: &mut Rng, words: &[&str], out: &mut String) {
    let n = 6 + rng.below(15);
    for i in 0..n {
        let w = rng.pick(words);
        if i == 0 {
            let mut cs = w.chars();
            if let Some(c) = cs.next() {
                out.extend(c.to_uppercase());
                out.push_str(cs.as_str());
            }
        } else {
            out.push(' ');
            match rng.below(40) {
                0 => out.push_str(&format!(
                    "{:02}.{:02}.20{:02} r.",
                    1 + rng.below(28),
                    1 + rng.below(12),
                    10 + rng.below(16)
                )),
                1 => out.push_str(&format!("ul. Marszałkowska {}", 1 + rng.below(200))),
                2 => out.push_str(&format!(
                    "+48 {} {:03} {:03}",
                    500 + rng.below(300),
                    rng.below(1000),
                    rng.below(1000)
                )),
                3 => out.push_str(&format!("{},{:02} zł", rng.below(100_000), rng.below(100))),
                _ => out.push_str(w),
            }
            if rng.below(12) == 0 {
                out.push(',');
            }
        }
    }
    out.push('.');
}

fn generate(target: usize) -> String {
    let mut rng = Rng(0x5EED_2026_1129);
    let mut out = String::with_capacity(target + 4096);
    let mut section = 0;
    while out.len() < target {
        section += 1;
        let polish = rng.below(2) == 0;
        let (words, headings) = if polish {
            (POLISH, HEADINGS_PL)
        } else {
            (ENGLISH, HEADINGS_EN)
        };
        out.push_str(&format!("## {section}. {}\n\n", rng.pick(headings)));
        for _ in 0..(4 + rng.below(12)) {
            let mut para = String::new();
            for i in 0..(2 + rng.below(7)) {
                if i > 0 {
                    para.push(' ');
                }
                sentence(&mut rng, words, &mut para);
            }
            // Half the paragraphs come wrapped (plain-text reports), half on one line (DOCX).
            if rng.below(2) == 0 {
                out.push_str(&wrap(&para, 90));
            } else {
                out.push_str(&para);
            }
            out.push_str("\n\n");
        }
    }
    out
}

fn wrap(para: &str, width: usize) -> String {
    let mut out = String::with_capacity(para.len() + para.len() / width);
    let mut line = 0;
    for word in para.split(' ') {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

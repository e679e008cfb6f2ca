//! Token counting for planning requests: exact for OpenAI models (their tiktoken encodings ship
//! inside tiktoken-rs, so counting works offline), an estimate with a safety margin for models
//! whose vocabulary we do not have, and the context windows of well-known models.

use std::sync::{Arc, LazyLock};
use tiktoken_rs::CoreBPE;

/// Counts tokens of plain text, as the model would see it inside a message.
pub trait TokenCounter: Send + Sync {
    fn count(&self, text: &str) -> usize;
    /// How the count is made, for `--verbose` and `ava tokens`.
    fn describe(&self) -> String;
}

/// The tiktoken encodings ava counts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GPT-4o, 4.1, 4.5, 5, the o-series and gpt-oss.
    O200kBase,
    /// GPT-4, GPT-3.5 Turbo, text-embedding-3 and ada-002.
    Cl100kBase,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// The encoding an OpenAI model tokenizes with; `None` for other models (Llama, Qwen,
    /// Mistral, …), whose vocabularies differ.
    pub fn for_model(model: &str) -> Option<Encoding> {
        let name = bare_name(model);
        let name = name.as_str();
        if O200K_PREFIXES.iter().any(|p| name.starts_with(p)) {
            Some(Encoding::O200kBase)
        } else if CL100K_PREFIXES.iter().any(|p| name.starts_with(p)) {
            Some(Encoding::Cl100kBase)
        } else {
            None
        }
    }

    /// Loading an encoding parses a few MB of ranks (~100 ms), so each is built once per
    /// process and only when first used.
    fn bpe(self) -> &'static CoreBPE {
        match self {
            Encoding::O200kBase => &O200K,
            Encoding::Cl100kBase => &CL100K,
        }
    }
}

// The rank files are compiled into tiktoken-rs and parsed with its own constant pattern, so
// these cannot fail at run time short of a broken build of that crate.
static O200K: LazyLock<CoreBPE> =
    LazyLock::new(|| tiktoken_rs::o200k_base().expect("o200k_base ships inside tiktoken-rs"));
static CL100K: LazyLock<CoreBPE> =
    LazyLock::new(|| tiktoken_rs::cl100k_base().expect("cl100k_base ships inside tiktoken-rs"));

/// Model-name prefixes (after [`bare_name`]) per encoding. gpt-oss uses o200k_harmony, which
/// differs from o200k_base only in special tokens, never in how document text is split.
const O200K_PREFIXES: &[&str] = &[
    "gpt-4o",
    "chatgpt-4o",
    "gpt-4.1",
    "gpt-4.5",
    "gpt-5",
    "o1",
    "o3",
    "o4",
    "gpt-oss",
    "codex-mini",
    "omni-moderation",
    "gpt-realtime",
    "gpt-audio",
];
const CL100K_PREFIXES: &[&str] = &[
    "gpt-4",
    "gpt-3.5",
    "gpt-35",
    "text-embedding-3",
    "text-embedding-ada-002",
    "davinci-002",
    "babbage-002",
];

/// Exact counts in one tiktoken encoding. Special-token text in a document ("<|endoftext|>")
/// is counted as the ordinary text it is when sent inside a message.
#[derive(Debug, Clone, Copy)]
pub struct Tiktoken {
    encoding: Encoding,
}

impl Tiktoken {
    pub fn new(encoding: Encoding) -> Self {
        Tiktoken { encoding }
    }
}

impl TokenCounter for Tiktoken {
    fn count(&self, text: &str) -> usize {
        self.encoding.bpe().count_ordinary(text)
    }

    fn describe(&self) -> String {
        format!("tiktoken {}", self.encoding.name())
    }
}

/// Extra share added to cl100k_base counts for models whose tokenizer we do not have.
///
/// Other vocabularies split the same text into more tokens than cl100k_base, most of all for
/// Polish and German: Mistral's and Llama 2's 32k SentencePiece vocabularies, for instance,
/// have few whole words outside English and fall back to short pieces. Llama 3, Qwen 2.5 and
/// Gemma 3 have larger vocabularies and count close to or below cl100k_base. A quarter on top
/// covers the common local models; when a server exposes its tokenizer the budget is
/// calibrated against it instead (see `budget`).
pub const APPROXIMATION_MARGIN_PERCENT: usize = 25;

/// cl100k_base count plus [`APPROXIMATION_MARGIN_PERCENT`], rounded up: an estimate that
/// errs on the side of smaller requests.
#[derive(Debug, Clone)]
pub struct Approximate {
    model: String,
}

impl Approximate {
    pub fn new(model: &str) -> Self {
        Approximate {
            model: model.to_string(),
        }
    }
}

impl TokenCounter for Approximate {
    fn count(&self, text: &str) -> usize {
        let base = Encoding::Cl100kBase.bpe().count_ordinary(text);
        (base * (100 + APPROXIMATION_MARGIN_PERCENT)).div_ceil(100)
    }

    fn describe(&self) -> String {
        format!(
            "tiktoken cl100k_base + {APPROXIMATION_MARGIN_PERCENT}% margin (approximation for {})",
            self.model
        )
    }
}

/// One token per `n` bytes, rounded up: a cheap, deterministic counter for tests and for
/// callers that only need an order of magnitude.
#[derive(Debug, Clone, Copy)]
pub struct BytesPerToken(pub usize);

impl TokenCounter for BytesPerToken {
    fn count(&self, text: &str) -> usize {
        text.len().div_ceil(self.0.max(1))
    }

    fn describe(&self) -> String {
        format!("estimate of one token per {} bytes", self.0.max(1))
    }
}

/// An exact counter for `encoding`.
pub fn tiktoken_counter(encoding: Encoding) -> Arc<dyn TokenCounter> {
    Arc::new(Tiktoken::new(encoding))
}

/// The best counter available without asking a server, and whether its counts are exact in
/// the model's own vocabulary.
pub fn counter_for_model(model: &str) -> (Arc<dyn TokenCounter>, bool) {
    match Encoding::for_model(model) {
        Some(encoding) => (tiktoken_counter(encoding), true),
        None => (Arc::new(Approximate::new(model)), false),
    }
}

/// The context window of a well-known model, in tokens. Matches case-insensitively on the
/// model name without a provider prefix ("openai/", "meta-llama/") and ignoring separators, so
/// "llama3.1:8b" (Ollama), "Meta-Llama-3.1-8B-Instruct" (Hugging Face) and
/// "llama-3.1-8b-instruct-q4_k_m.gguf" all find Llama 3.1.
pub fn known_context_window(model: &str) -> Option<u32> {
    let name = bare_name(model);
    let squashed: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ':' | ' '))
        .collect();
    WINDOWS
        .iter()
        .find(|(pattern, _)| match pattern {
            Match::Prefix(p) => squashed.starts_with(p),
            Match::Contains(p) => squashed.contains(p),
        })
        .map(|&(_, window)| window)
}

enum Match {
    /// For short OpenAI names ("o1") that would match inside unrelated names.
    Prefix(&'static str),
    Contains(&'static str),
}

/// First match wins, so specific names come before the families they belong to. Patterns are
/// written without separators (see [`known_context_window`]). Where a family's sizes differ,
/// the smaller window is listed: overestimating makes servers reject requests.
const WINDOWS: &[(Match, u32)] = &[
    (Match::Contains("gpt4omini"), 128_000),
    (Match::Contains("gpt4o"), 128_000),
    (Match::Contains("gpt4.1"), 1_047_576),
    (Match::Contains("gpt4.5"), 128_000),
    (Match::Contains("gpt4turbo"), 128_000),
    (Match::Contains("gpt41106"), 128_000),
    (Match::Contains("gpt40125"), 128_000),
    (Match::Contains("gpt432k"), 32_768),
    (Match::Contains("gpt5"), 400_000),
    (Match::Contains("gptoss"), 131_072),
    (Match::Contains("gpt4"), 8_192),
    (Match::Contains("gpt3.5turboinstruct"), 4_096),
    (Match::Contains("gpt3.5turbo"), 16_385),
    (Match::Contains("gpt35turbo"), 16_385),
    (Match::Prefix("o1mini"), 128_000),
    (Match::Prefix("o1preview"), 128_000),
    (Match::Prefix("o1"), 200_000),
    (Match::Prefix("o3"), 200_000),
    (Match::Prefix("o4mini"), 200_000),
    (Match::Contains("llama3.1"), 131_072),
    (Match::Contains("llama3.2"), 131_072),
    (Match::Contains("llama3.3"), 131_072),
    (Match::Contains("llama3"), 8_192),
    (Match::Contains("llama2"), 4_096),
    (Match::Contains("qwen2.5"), 32_768),
    (Match::Contains("qwen3"), 32_768),
    (Match::Contains("mistralnemo"), 131_072),
    (Match::Contains("mistral7b"), 32_768),
    (Match::Contains("mistral"), 32_768),
    (Match::Contains("mixtral"), 32_768),
    (Match::Contains("gemma3270m"), 32_768),
    (Match::Contains("gemma31b"), 32_768),
    (Match::Contains("gemma3"), 131_072),
    (Match::Contains("gemma2"), 8_192),
    (Match::Contains("phi3mini128k"), 131_072),
    (Match::Contains("phi3.5"), 131_072),
    (Match::Contains("phi3mini"), 4_096),
    (Match::Contains("phi4"), 16_384),
];

/// Lowercase model name without a provider prefix ("openai/gpt-4o" → "gpt-4o"), an OpenAI
/// fine-tune prefix ("ft:gpt-4o-mini:org::id") or an Ollama tag's colon kept only as text.
fn bare_name(model: &str) -> String {
    let lower = model.trim().to_lowercase();
    let lower = lower.strip_prefix("ft:").unwrap_or(&lower);
    let name = lower.rsplit('/').next().unwrap_or(lower);
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected counts come from Python tiktoken 0.14 with the same rank files
    // (bench/tokens_py.py's `load_encoding`).
    const SAMPLES: &[(&str, usize, usize)] = &[
        // (text, o200k_base, cl100k_base)
        ("hello world", 2, 2),
        ("", 0, 0),
        ("Zażółć gęślą jaźń. Łódź — źdźbło.", 22, 25),
        ("Der Beschuldigte wurde gestern festgenommen.", 9, 11),
        (
            "W dniu 27.11.2025 r. około godz. 14:30 na ul. Marszałkowskiej nr 12",
            31,
            35,
        ),
        ("   \n\n\r\n  x", 4, 4),
        ("警察が到着した。", 7, 10),
        ("<|endoftext|>", 7, 7),
    ];

    #[test]
    fn tiktoken_counts_match_the_reference_implementation() {
        let o200k = Tiktoken::new(Encoding::O200kBase);
        let cl100k = Tiktoken::new(Encoding::Cl100kBase);
        for &(text, o, c) in SAMPLES {
            assert_eq!(o200k.count(text), o, "o200k_base: {text:?}");
            assert_eq!(cl100k.count(text), c, "cl100k_base: {text:?}");
        }
    }

    #[test]
    fn encoding_follows_the_model_family() {
        for model in [
            "gpt-4o-mini",
            "gpt-4o",
            "chatgpt-4o-latest",
            "gpt-4.1",
            "gpt-4.1-nano",
            "gpt-4.5-preview",
            "gpt-5",
            "gpt-5-mini",
            "o1",
            "o3-mini",
            "o4-mini",
            "openai/gpt-4o",
            "GPT-4O-MINI",
            "ft:gpt-4o-mini:acme::abc123",
            "gpt-oss:20b",
        ] {
            assert_eq!(
                Encoding::for_model(model),
                Some(Encoding::O200kBase),
                "{model}"
            );
        }
        for model in [
            "gpt-4",
            "gpt-4-turbo",
            "gpt-4-0613",
            "gpt-3.5-turbo",
            "gpt-35-turbo",
            "text-embedding-3-small",
            "text-embedding-ada-002",
        ] {
            assert_eq!(
                Encoding::for_model(model),
                Some(Encoding::Cl100kBase),
                "{model}"
            );
        }
        for model in [
            "llama3.1:8b",
            "qwen2.5-7b-instruct",
            "mistral",
            "gemma3:4b",
            "",
        ] {
            assert_eq!(Encoding::for_model(model), None, "{model}");
        }
    }

    #[test]
    fn counter_for_model_is_exact_only_for_openai_vocabularies() {
        let (c, exact) = counter_for_model("gpt-4o-mini");
        assert!(exact);
        assert_eq!(c.describe(), "tiktoken o200k_base");
        let (c, exact) = counter_for_model("gpt-4");
        assert!(exact);
        assert_eq!(c.describe(), "tiktoken cl100k_base");
        let (c, exact) = counter_for_model("llama3.1:8b");
        assert!(!exact);
        assert!(c.describe().contains("cl100k_base + 25% margin"));
        assert!(c.describe().contains("llama3.1:8b"));
    }

    #[test]
    fn approximation_never_counts_below_cl100k() {
        let approx = Approximate::new("mistral");
        let exact = Tiktoken::new(Encoding::Cl100kBase);
        for &(text, _, c) in SAMPLES {
            assert!(approx.count(text) >= exact.count(text), "{text:?}");
            assert_eq!(approx.count(text), (c * 5).div_ceil(4), "{text:?}");
        }
        assert_eq!(approx.count("hello world"), 3);
    }

    #[test]
    fn bytes_per_token_rounds_up() {
        assert_eq!(BytesPerToken(4).count(""), 0);
        assert_eq!(BytesPerToken(4).count("abcde"), 2);
        assert_eq!(BytesPerToken(0).count("abc"), 3);
    }

    #[test]
    fn context_windows_of_known_models() {
        let cases = [
            ("gpt-4o", Some(128_000)),
            ("gpt-4o-mini", Some(128_000)),
            ("openai/gpt-4o-mini", Some(128_000)),
            ("gpt-4.1", Some(1_047_576)),
            ("gpt-4.1-mini", Some(1_047_576)),
            ("gpt-4", Some(8_192)),
            ("gpt-4-0613", Some(8_192)),
            ("gpt-4-turbo", Some(128_000)),
            ("gpt-3.5-turbo", Some(16_385)),
            ("o1", Some(200_000)),
            ("o3-mini", Some(200_000)),
            ("o4-mini", Some(200_000)),
            ("gpt-5", Some(400_000)),
            ("llama3.1:8b", Some(131_072)),
            ("meta-llama/Meta-Llama-3.1-8B-Instruct", Some(131_072)),
            ("llama3.2", Some(131_072)),
            ("Llama-3.3-70B-Instruct-Q4_K_M.gguf", Some(131_072)),
            ("qwen2.5:7b", Some(32_768)),
            ("Qwen/Qwen2.5-7B-Instruct", Some(32_768)),
            ("mistral-7b-instruct-v0.3", Some(32_768)),
            ("gemma3:4b", Some(131_072)),
            ("google/gemma-3-12b-it", Some(131_072)),
            ("gemma3:270m", Some(32_768)),
            ("gemma-3-270m-it", Some(32_768)),
            ("phi-3-mini-4k-instruct", Some(4_096)),
            ("phi-3-mini-128k-instruct", Some(131_072)),
            ("my-own-model", None),
            ("", None),
            ("solo1", None),
        ];
        for (model, window) in cases {
            assert_eq!(known_context_window(model), window, "{model}");
        }
    }
}

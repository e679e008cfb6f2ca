//! Command-line types only: parsing, no behaviour.

use crate::engine::Length;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    some inputs of a batch failed (the others were written)
  3    answers were written, but parts could not be verified against the source
       (flagged on stderr and in --json; --best-effort exits 0 instead)
  4    `ava audit verify`: the audit log's chain is broken (first broken record named)
  5    refused by the network policy (nothing was sent, no connection made)
  2    usage error: bad option, unknown template, bad --var
  65   bad input data (empty, binary, too large), a document that cannot fit the
       model's window even in parts, or invalid model output
  66   input file not found or unreadable
  69   engine unavailable (server unreachable, model missing, task needs a model)
  73   cannot write the output file
  75   temporary failure after retries, or the answer was cut off
  77   credentials rejected by the server
  78   configuration file is malformed
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM)";

const AVA_EXAMPLES: &str = "\
Examples:
  ava summarize report.txt                          faithful summary, with source lines
  ava translate --to en statement_pl.txt            translation keeping names and numbers
  ava process --template entities chat.txt          phones, e-mails, wallets… with line numbers
  cat statement_pl.txt | ava translate --to en | ava summarize
  ava                                               interactive session (/help inside)
  ava doctor                                        what is configured and which engine runs";

const SUMMARIZE_EXAMPLES: &str = "\
Examples:
  ava summarize report.txt                      medium length, each line with its source [L12]
  ava summarize --length short *.txt            several files, one summary each
  ava summarize --lang en statement_pl.txt      the summary in English (needs a model)
  ava summarize cases/*.txt -o out/ --resume    one file per input; skip finished ones
  ava summarize --json report.txt | jq -r .output";

const TRANSLATE_EXAMPLES: &str = "\
Examples:
  ava translate --to en statement_pl.txt
  ava translate --to English --from pl --glossary terms.txt statement.txt
  cat message.txt | ava translate --to en
  ava translate --to en --json *.txt > translations.ndjson
  ava translate --to en --side-by-side judgment.txt          source and translation, line by line
  ava translate --to en --side-by-side --format markdown chat.txt > check.md";

const PROCESS_EXAMPLES: &str = "\
Examples:
  ava process --template entities chat.txt                 grouped, with line numbers
  ava process --template entities --format csv *.txt > e.csv
  ava process --template iocs --json report.txt            indicators as JSON
  ava process --template timeline statement.txt            dated events (needs a model)
  ava process --prompt \"List every vehicle mentioned\" report.txt";

const CHAT_EXAMPLES: &str = "\
Examples:
  ava chat report.txt            attach a document, then ask or use /summarize, /process
  printf '/summarize\\n' | ava chat report.txt    scripted: one entry per line";

const TOKENS_EXAMPLES: &str = "\
Examples:
  ava tokens cases/*.txt
  ava tokens --encoding cl100k_base report.txt";

#[derive(Debug, Parser)]
#[command(
    name = "ava",
    version,
    about = "Summarize, translate and extract from case material — offline by default",
    long_about = "ava summarizes, translates and extracts structured data from case material \
(reports, statements, chats). With nothing configured it runs offline on the built-in engine or \
an installed local model; it talks to a server only when one is configured.",
    after_help = format!("{AVA_EXAMPLES}\n\n{EXIT_CODES_HELP}")
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Option<Command>,
}

pub use crate::engine::Provider;

/// Options every command takes, before or after its name. They are listed under their own
/// heading, after the command's own options.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOpts {
    /// Engine: openai, local or builtin [default: configured server, else installed local model, else builtin]
    #[arg(long, global = true, value_enum)]
    pub provider: Option<Provider>,
    /// Model name (server) or installed model name / GGUF path (local)
    #[arg(long, short = 'm', global = true)]
    pub model: Option<String>,
    /// Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// Named profile from the config file
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Config file [default: $AVA_CONFIG_DIR/config.toml or ~/.config/ava/config.toml]
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Sampling temperature
    #[arg(long, global = true)]
    pub temperature: Option<f32>,
    /// Nucleus sampling
    #[arg(long, global = true)]
    pub top_p: Option<f32>,
    /// Random seed (same seed, same input → same output on the local engine)
    #[arg(long, global = true)]
    pub seed: Option<u64>,
    /// Maximum tokens to generate per answer
    #[arg(long, global = true)]
    pub max_tokens: Option<u32>,
    /// Directory searched first for prompt templates
    #[arg(long, global = true)]
    pub template_dir: Option<PathBuf>,
    /// Machine-readable output: one JSON object per input (NDJSON)
    #[arg(long, global = true)]
    pub json: bool,
    /// Write the answer to FILE instead of stdout (a directory: one file per input)
    #[arg(long, short = 'o', global = true)]
    pub output: Option<PathBuf>,
    /// No status messages on stderr (errors are still printed)
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// More detail on stderr: engine choice, token counts, requests
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// Colour: on a terminal unless NO_COLOR is set (auto), always, or never
    #[arg(long, global = true, value_enum, default_value_t = crate::sink::ColorChoice::Auto)]
    pub color: crate::sink::ColorChoice,
    /// Print the answer only when complete
    #[arg(long, global = true)]
    pub no_stream: bool,
    /// Idle timeout in seconds: give up when the server sends nothing for this long
    #[arg(long, global = true)]
    pub timeout: Option<f64>,
    /// Allow plain http:// to a host other than this machine (case data would cross the network unencrypted)
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// Exit 0 even when parts of an answer could not be verified against the source (they are
    /// still flagged on stderr and in --json)
    #[arg(long, global = true)]
    pub best_effort: bool,
    /// Network policy local-only for this run: in-process engines and servers on this machine
    /// only; any other endpoint is refused before a connection is made (exit 5)
    #[arg(long, global = true)]
    pub offline: bool,
    /// Replace phones, e-mails, IBANs, cards, IPs, wallets (and --redact-terms) with
    /// placeholders before text goes to a server, and restore them in the answer
    #[arg(long, global = true)]
    pub redact: bool,
    /// File of extra terms to redact (names, places), one per line; implies --redact
    #[arg(long, global = true, value_name = "FILE")]
    pub redact_terms: Option<PathBuf>,
    /// How summarize uses a model: grounded (key sentences shortened one by one, each checked),
    /// whole (the model reads the whole document), auto (grounded on the local engine)
    #[arg(long, global = true, value_enum)]
    pub summary_mode: Option<crate::task::summary::Mode>,
    /// Translation: size of the segments sent to the model one at a time, in tokens
    /// [default: 100, less when --ctx-size is very small]
    #[arg(long, global = true, value_name = "N")]
    pub segment_tokens: Option<u32>,
    /// Context size in tokens (local engine; overrides the model's own)
    #[arg(long, global = true)]
    pub ctx_size: Option<u32>,
    /// CPU threads for the local engine
    #[arg(long, global = true)]
    pub threads: Option<i32>,
    /// Refuse inputs larger than this many bytes
    #[arg(long, global = true)]
    pub max_input_bytes: Option<u64>,
    /// Country whose conventions read national phone numbers and dates such as 03/04/2025:
    /// a two-letter code (US, GB, PL…), auto (inferred per document) or none [default: auto]
    #[arg(long, global = true, value_name = "CC|auto|none")]
    pub region: Option<String>,
    /// Read at most this many tokens of each input (a deliberate cost cap; the output says
    /// what was left out)
    #[arg(long, global = true)]
    pub max_input_tokens: Option<usize>,
    /// Requests in flight at once for the parts of long documents [default: 4 for a server,
    /// 1 for the local engine]
    #[arg(long, short = 'j', global = true)]
    pub jobs: Option<usize>,
    /// Tokens each part of a long document repeats from the end of the previous one
    #[arg(long, global = true, default_value_t = 100)]
    pub overlap: usize,
    /// Character encoding of text inputs, e.g. windows-1250, iso-8859-2, koi8-r, utf-16le
    /// [default: detected per file; --verbose says which]
    #[arg(long, global = true, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Also read e-mail attachments in supported formats (PDF, DOCX, text…) as documents
    /// of their own
    #[arg(long, global = true)]
    pub attachments: bool,
    /// Directories given as inputs: also read their subdirectories
    #[arg(long, short = 'r', global = true)]
    pub recursive: bool,
    /// With -o DIR: skip inputs whose output file already exists (outputs are written
    /// atomically, so an existing file is complete)
    #[arg(long, global = true)]
    pub resume: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarize each input
    Summarize(SummarizeArgs),
    /// Translate each input, keeping names, numbers and layout
    Translate(TranslateArgs),
    /// Apply a template or an ad-hoc instruction to each input
    Process(ProcessArgs),
    /// Talk about documents; /summarize, /translate, /process inside (the default on a terminal).
    /// With stdin not a terminal, reads one entry per line and answers each.
    Chat(ChatArgs),
    /// List, show and locate prompt templates
    #[command(subcommand)]
    Templates(TemplatesCmd),
    /// Show, locate or create the configuration
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Manage local GGUF models
    #[command(subcommand)]
    Models(ModelsCmd),
    /// Print the text ava reads from each input — what a model is given — to check the
    /// input side (PDF, DOCX, e-mail…); --locations shows where each line came from
    #[command(visible_alias = "extract-text")]
    Text(TextArgs),
    /// Tokens per input for the chosen model, its context window, and how many parts each
    /// input would need
    Tokens(TokensArgs),
    /// What is configured, what is installed, and which engine each command would use
    Doctor,
    /// The audit log: verify its chain, list runs, show or export one for a case file
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SummaryFormat {
    #[default]
    Text,
    Markdown,
    Bullets,
}

impl SummaryFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryFormat::Text => "text",
            SummaryFormat::Markdown => "markdown",
            SummaryFormat::Bullets => "bullets",
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = SUMMARIZE_EXAMPLES)]
pub struct SummarizeArgs {
    /// Input files; `-` or nothing for stdin
    pub files: Vec<String>,
    /// How long: short (a few lines), medium, long
    #[arg(long, value_enum, default_value_t = Length::Medium)]
    pub length: Length,
    /// Layout of a model's summary: plain text, Markdown, or bullet points (the built-in
    /// engine always writes one sentence per line with its source lines)
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// Language of the summary [default: the document's]
    #[arg(long)]
    pub lang: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = TRANSLATE_EXAMPLES)]
pub struct TranslateArgs {
    /// Input files; `-` or nothing for stdin
    pub files: Vec<String>,
    /// Target language, e.g. en, English, pl
    #[arg(long)]
    pub to: String,
    /// Source language, a code or name [default: detected by ava for each document]
    #[arg(long)]
    pub from: Option<String>,
    /// File of term pairs (`source = target`, one per line) the translation must use
    #[arg(long)]
    pub glossary: Option<PathBuf>,
    /// Print each piece of the translation beside its source with its line numbers: two
    /// columns on a wide terminal, alternating blocks otherwise; with --json, a `segments`
    /// list in each record
    #[arg(long)]
    pub side_by_side: bool,
    /// How --side-by-side is printed: text (columns or blocks) or markdown (a table)
    #[arg(long, value_enum, default_value_t = TranslateFormat::Text, requires = "side_by_side")]
    pub format: TranslateFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranslateFormat {
    Text,
    Markdown,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["template", "prompt"])))]
#[command(after_help = PROCESS_EXAMPLES)]
pub struct ProcessArgs {
    /// Input files; `-` or nothing for stdin
    pub files: Vec<String>,
    /// Template name (see `ava templates list`)
    #[arg(long, short = 't')]
    pub template: Option<String>,
    /// Ad-hoc instruction applied to the input
    #[arg(long, short = 'p')]
    pub prompt: Option<String>,
    /// Template variable, `key=value` (repeatable)
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// Output of extraction templates: grouped text, JSON report, or one row per occurrence
    /// (ndjson, csv) [default: text on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub format: Option<ProcessFormat>,
    /// Show payment card numbers in full (masked by default)
    #[arg(long)]
    pub unmask_cards: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProcessFormat {
    Text,
    Json,
    Ndjson,
    Csv,
}

#[derive(Debug, Args)]
#[command(after_help = TOKENS_EXAMPLES)]
pub struct TokensArgs {
    /// Input files; `-` or nothing for stdin
    pub files: Vec<String>,
    /// Count with this tiktoken encoding instead of the model's tokenizer (`--encoding` is
    /// the inputs' character encoding)
    #[arg(long, value_parser = ["o200k_base", "cl100k_base"])]
    pub tokenizer: Option<String>,
}

const TEXT_EXAMPLES: &str = "\
Examples:
  ava text statement.pdf                     the text layer, page by page
  ava text --locations statement.pdf         each line with its page and line: p. 3, l. 12
  ava text --attachments mail.eml            the message, then each attachment
  ava text --json cases/ | jq -r .format     format and encoding of each file";

#[derive(Debug, Args)]
#[command(after_help = TEXT_EXAMPLES)]
pub struct TextArgs {
    /// Input files or directories; `-` or nothing for stdin
    pub files: Vec<String>,
    /// Prefix each line with where it came from in the original (`p. 3, l. 12`, or `l. 12`)
    #[arg(long)]
    pub locations: bool,
}

#[derive(Debug, Args)]
#[command(after_help = CHAT_EXAMPLES)]
pub struct ChatArgs {
    /// Documents to attach at the start
    pub files: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCmd {
    /// Every available template and where it comes from
    List,
    /// Print a template's source
    Show { name: String },
    /// The directories searched, in order
    Path,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Effective configuration with the source of each value (secrets masked)
    Show,
    /// Path of the config file
    Path,
    /// Write a commented starter config file (refuses to overwrite)
    Init,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Walk the hash chain (and signatures) through every file of the log; exit 4 and name
    /// the first broken record if it does not hold
    Verify {
        /// Log file [default: the configured audit log, with its rotated files]
        file: Option<PathBuf>,
        /// Public key to check signatures with [default: audit.pub in the config dir]
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Runs in the log: time, user, host, command, exit, where text went (--json: NDJSON)
    List {
        /// Only runs started at or after this time (RFC 3339 or a date, e.g. 2026-12-01)
        #[arg(long)]
        since: Option<String>,
    },
    /// Every record of one run (JSON lines); RUN is its id, a unique prefix, or `last`
    Show { run: String },
    /// One run as a JSON bundle for a case file: records as written, chain state, public key
    Export { run: String },
    /// The signing key for audit records
    #[command(subcommand)]
    Key(AuditKeyCmd),
}

#[derive(Debug, Subcommand)]
pub enum AuditKeyCmd {
    /// Create an ed25519 key pair (audit.key, mode 600, and audit.pub in the config dir);
    /// from then on every record is signed
    Init,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCmd {
    /// Installed models with architecture, size and context length
    List,
    /// Install a GGUF file into the model store
    Import {
        file: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
    /// Download REPO/FILE.gguf from a model hub ($AVA_HUB_URL)
    Pull {
        spec: String,
        /// Expected sha256 of the file
        #[arg(long)]
        sha256: Option<String>,
    },
    /// Remove an installed model
    Rm { name: String },
    /// Make an installed model the default for the local engine
    Default { name: String },
}

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
  2    usage error: bad option, unknown template, bad --var
  65   bad input data (empty, binary, too large), a document that cannot fit the
       model's window even in parts, or invalid model output
  66   input file not found or unreadable
  69   engine unavailable (server unreachable, model missing, task needs a model)
  73   cannot write the output file
  75   temporary failure after retries, or the answer was cut off
  77   credentials rejected by the server
  78   configuration file is malformed
  130  interrupted (Ctrl-C)";

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
  ava translate --to en --json *.txt > translations.ndjson";

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
    /// How summarize uses a model: grounded (key sentences shortened one by one, each checked),
    /// whole (the model reads the whole document), auto (grounded on the local engine)
    #[arg(long, global = true, value_enum)]
    pub summary_mode: Option<crate::task::summary::Mode>,
    /// Context size in tokens (local engine; overrides the model's own)
    #[arg(long, global = true)]
    pub ctx_size: Option<u32>,
    /// CPU threads for the local engine
    #[arg(long, global = true)]
    pub threads: Option<i32>,
    /// Refuse inputs larger than this many bytes
    #[arg(long, global = true)]
    pub max_input_bytes: Option<u64>,
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
    /// Tokens per input for the chosen model, its context window, and how many parts each
    /// input would need
    Tokens(TokensArgs),
    /// What is configured, what is installed, and which engine each command would use
    Doctor,
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
    /// Source language [default: detected by the model]
    #[arg(long)]
    pub from: Option<String>,
    /// File of term pairs (`source = target`, one per line) the translation must use
    #[arg(long)]
    pub glossary: Option<PathBuf>,
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
    /// Count with this tiktoken encoding instead of the model's tokenizer
    #[arg(long, value_parser = ["o200k_base", "cl100k_base"])]
    pub encoding: Option<String>,
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

//! ava: a terminal assistant for case material. Data flows one way:
//! source → task → engine → sink.

pub mod audit;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod context;
pub mod engine;
pub mod error;
pub mod extract;
pub mod models;
pub mod paths;
pub mod policy;
pub mod repl;
pub mod sink;
pub mod source;
pub mod suggest;
pub mod task;
pub mod template;
pub mod text;
pub mod time;
pub mod tokens;

pub use error::{Error, Result};

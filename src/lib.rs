//! ava: a terminal assistant for case material. Data flows one way:
//! source → task → engine → sink.

pub mod app;
pub mod audit;
pub mod budget;
pub mod chunk;
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod extract;
pub mod longdoc;
pub mod models;
pub mod paths;
pub mod repl;
pub mod sink;
pub mod source;
pub mod task;
pub mod template;
pub mod text;
pub mod tokens;

pub use error::{Error, Result};

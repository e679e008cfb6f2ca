//! Model-free text analysis used by the built-in engine: extractive summaries and
//! deterministic pattern extraction. Everything here is a pure function of its input.

pub mod patterns;
pub mod sentences;
pub mod summarizer;

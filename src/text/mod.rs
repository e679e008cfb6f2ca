//! Model-free text analysis used by the built-in engine: extractive summaries and
//! deterministic pattern extraction. Everything here is a pure function of its input.

pub mod amounts;
pub mod dates;
pub mod entity;
pub mod patterns;
pub mod phones {
    //! Phone numbers; the finding moves here from patterns.rs next.
    pub mod validity;
}
pub mod network {
    //! Network indicators; the finders move here from patterns.rs next.
    pub mod tlds;
}
pub mod plates;
pub mod scan;
pub mod sentences;
pub mod summarizer;

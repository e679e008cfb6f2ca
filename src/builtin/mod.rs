//! Model-free text analysis used by the built-in engine.

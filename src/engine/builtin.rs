//! The built-in engine: no model, deterministic.

//! Shared test support. Each test binary uses a different part of it.
#![allow(dead_code, unused_imports)]

pub mod mock_openai;

pub use mock_openai::{MockServer, Recorded, Reply};

//! Model-free text analysis: extractive summaries and deterministic entity extraction, used by
//! the built-in engine and by the extraction checks of the other engines. Everything here is a
//! pure function of its input, and nothing here knows about engines, tasks or terminals.
//!
//! - [`patterns`]: the extraction API. It runs the finders, decides between overlapping
//!   readings and reports [`entity::Entity`]s with their place in the text.
//! - The finders, one per domain, all a `scan::Finder`: `network` (URLs, domains, e-mail,
//!   IP addresses), `phones`, `finance` (IBANs, cards), `crypto` (Bitcoin, Ethereum, Monero,
//!   hashes), `coins` (Litecoin, Bitcoin Cash, Dash, Tron, Solana), `handles` (Telegram,
//!   Signal), `devices` (IMEI, MAC), `dates` (and times), `amounts`, `plates`.
//! - [`entity`]: what is found; `scan`: the toolkit the finders share.
//! - [`summarizer`] and the [`sentences`] it works on; [`chat`]: what opens a chat message.
//! - [`legal`]: case signatures and legal references, which translation copies verbatim;
//!   [`addresses`]: street addresses and postcodes, likewise.
//! - [`lang`]: which language a text is in, and language codes and names.
//! - [`region`]: which country a document's national numbers and dates belong to.

pub mod addresses;
mod amounts;
pub mod chat;
mod coins;
mod crypto;
mod dates;
mod devices;
pub use amounts::split_decimals;
pub use dates::ENGLISH_MONTHS;
pub use in_english::value_in_english;
pub mod entity;
mod finance;
mod handles;
mod in_english;
pub mod lang;
pub mod legal;
mod network;
pub mod patterns;
mod phones;
mod plates;
pub mod redact;
pub mod region;
mod scan;
pub mod sentences;
pub mod summarizer;
#[cfg(test)]
mod testing;

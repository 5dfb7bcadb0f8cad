//! statuslint: catch wrong HTTP status codes in route handlers and server config.
//!
//! The flow of data, one stage per module:
//! walk → classify → prefilter and extract (facts, summaries) → index (joins them across
//! files) → rules (findings) → suppress → report,
//! with `config`/`settings` deciding what runs per file, and `git`, `baseline` and `fix`
//! acting on the findings after they exist.

pub mod baseline;
pub mod cache;
pub mod check;
pub mod classify;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod explain;
pub mod extract;
pub mod fix;
pub mod git;
pub mod ignores;
pub mod index;
pub mod knowledge;
pub mod lint;
pub mod report;
pub mod rules;
pub mod server;
pub mod settings;
pub mod summary;
pub mod suppress;
pub mod usage;
pub mod walk;

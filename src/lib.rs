//! statuslint: catch wrong HTTP status codes in route handlers and server config.
//!
//! The flow of data, one stage per module:
//! walk → classify → prefilter and extract (facts) → rules (findings) → report.

pub mod classify;
pub mod diagnostic;
pub mod explain;
pub mod extract;
pub mod knowledge;
pub mod lint;
pub mod report;
pub mod rules;
pub mod settings;
pub mod usage;
pub mod walk;

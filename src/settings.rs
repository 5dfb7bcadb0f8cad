//! Settings: which rules run, at what severity, and what fails the run.

use crate::rules::{self, RuleEntry, RuleOptions, Severity};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Rule ids that run.
    pub enabled: Vec<&'static str>,
    /// Severities changed from the rule's default, by id.
    pub severity: HashMap<&'static str, Severity>,
    /// Findings at or above this severity make the run fail (exit 1).
    pub fail_on: Severity,
    pub options: RuleOptions,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: rules::all()
                .iter()
                .filter(|r| r.meta.enabled_by_default)
                .map(|r| r.meta.id.as_str())
                .collect(),
            severity: HashMap::new(),
            fail_on: Severity::Warning,
            options: RuleOptions::default(),
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, rule: &RuleEntry) -> bool {
        self.enabled.contains(&rule.meta.id.as_str())
    }

    pub fn severity_of(&self, rule: &RuleEntry) -> Severity {
        self.severity
            .get(rule.meta.id.as_str())
            .copied()
            .unwrap_or(rule.meta.severity)
    }
}

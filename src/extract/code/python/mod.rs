//! Python handlers.

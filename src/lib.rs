//! `integrate`: add a third-party integration to an application repo in one step.
//!
//! Data flows one way: inputs → kit → render → plan → apply. Only [`apply`] writes the
//! repo's files, all or nothing; [`session`] takes the [`lock`] and recovers an interrupted
//! change from its [`journal`] before a command starts.

pub mod apply;
pub mod catalog;
pub mod checks;
pub mod choices;
pub mod cli;
pub mod commands;
pub mod context;
pub mod durable;
pub mod editors;
pub mod error;
pub mod inputs;
pub mod journal;
pub mod kit;
pub mod lock;
pub mod names;
pub mod output;
pub mod plan;
pub mod presence;
pub mod profile;
pub mod prompt;
pub mod prune;
pub mod record;
pub mod render;
pub mod repo;
pub mod segments;
pub mod session;
pub mod signals;
pub mod tables;
pub mod webhooks;
pub mod wire;

//! The shop's HTTP API, served by the `server` crate.

pub mod router;

//! The subcommands of the `zeroskip` binary, one module each; `main.rs` only dispatches.
//! Each module parses into a typed `Args`, validates it once, and calls the library.

pub mod bench;
pub mod bench_model;
pub mod calibrate;
pub mod eval;
pub mod features;
pub mod golden_args;
pub mod image;
pub mod inspect;
pub mod lm;
pub mod report;
pub mod transcribe;

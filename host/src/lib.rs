//! `zeroskip`, the host: everything between audio and text. It packs weights for the sparse
//! engine, runs the bit-exact golden model and its cycle model, drives the backends
//! (`golden`, `sim` in Verilator, `xrt` on a card), and holds the CLI's subcommands.

pub mod audio;
pub mod backend;
pub mod cli;
pub mod ctc;
pub mod dense_baseline;
pub mod features;
pub mod golden;
pub mod golden_net;
pub mod lm;
pub mod matrix_file;
pub mod metrics;
pub mod model;
pub mod quant;
pub mod random_matrix;
pub mod spmv;
pub mod study;

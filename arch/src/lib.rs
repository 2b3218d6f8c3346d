//! `zeroskip-arch`: the contract between the zeroskip hardware and its host.
//!
//! Everything both sides must agree on lives here, once: the hardware configuration and its
//! limits ([`config`]), the fixed-point arithmetic the datapath implements ([`fixed`]), the
//! activation tables ([`act`]) and the LSTM cell update ([`cell`]), the
//! compressed weight-stream format and how rows are dealt to processing elements ([`stream`]),
//! the engine's port protocol ([`ports`]) and its timing, from which the cycle model is
//! computed ([`timing`]); the device image that carries a whole packed network to the
//! hardware ([`image`]) with its checksum ([`checksum`]).
//! The crate has no heavy dependencies so that every other crate, the hardware generator
//! included, can use it.
#![deny(missing_docs)]

pub mod act;
pub mod cell;
pub mod checksum;
pub mod config;
pub mod fixed;
pub mod image;
pub mod ports;
pub mod stream;
pub mod timing;

pub use config::{ConfigError, HwConfig};
pub use stream::{Entry, PackError, PackedMatrix};

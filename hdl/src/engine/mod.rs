//! The sparse engine in Rust-HDL: a [`StreamReader`] and a [`Pe`] per lane, the [`Lane`] that
//! joins them to the shared load and result buses, the run [`Controller`], and the top
//! [`Engine`].

pub mod controller;
pub mod engine;
pub mod lane;
pub mod pe;
pub mod reader;

pub use controller::Controller;
pub use engine::Engine;
pub use lane::Lane;
pub use pe::Pe;
pub use reader::StreamReader;

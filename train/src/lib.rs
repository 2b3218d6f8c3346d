//! `zeroskip-train`: everything before the model reaches the host. The synthetic speech corpus
//! ([`corpus`]); the host's model in burn ([`model`]) with its data pipeline ([`data`]); CTC
//! training with checkpoints and resume ([`train`]); magnitude pruning ([`prune`]). Models go in
//! and out in the host's own format (`zeroskip::model::Model`).

pub mod corpus;
pub mod data;
pub mod iterative;
pub mod lstm_op;
pub mod model;
pub mod prune;
pub mod train;

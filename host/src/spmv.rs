//! Sparse matrix-vector backends behind one trait: `golden` (the bit-exact software model and
//! its cycle model) and `sim` (the RTL in Verilator, when built with the `sim` feature). Every
//! backend takes the same packed matrix and vector and must return the same words.

use crate::golden::{self, GoldenError};
use thiserror::Error;
use zeroskip_arch::{HwConfig, PackedMatrix};

/// Which backend runs the sparse product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpmvBackendKind {
    /// The bit-exact software model; cycles from the cycle model.
    Golden,
    /// The generated RTL in Verilator; cycles measured.
    Sim,
}

impl SpmvBackendKind {
    /// The name given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SpmvBackendKind::Golden => "golden",
            SpmvBackendKind::Sim => "sim",
        }
    }
}

/// The result of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpmvRun {
    /// One result per matrix row.
    pub y: Vec<i64>,
    /// Cycles the run took (modelled or measured).
    pub cycles: u64,
}

/// Why a backend cannot run.
#[derive(Debug, Error)]
pub enum BackendError {
    /// Bad inputs or malformed streams.
    #[error(transparent)]
    Golden(#[from] GoldenError),
    /// Run before any matrix was loaded.
    #[error("no matrix loaded: call load() before run()")]
    NotLoaded,
    /// The matrix was packed for another configuration.
    #[error("matrix was packed for {found:?}, the backend is configured for {expected:?}")]
    ConfigMismatch {
        /// The backend's configuration.
        expected: Box<HwConfig>,
        /// The matrix's configuration.
        found: Box<HwConfig>,
    },
    /// The backend was compiled out.
    #[error("backend `{0}` is not part of this build (rebuild with `--features {0}`)")]
    NotBuilt(&'static str),
    /// The simulator failed.
    #[cfg(feature = "sim")]
    #[error(transparent)]
    Sim(#[from] zeroskip_sim::SimError),
}

/// A sparse matrix-vector engine: load a packed matrix once, then run vectors through it.
pub trait SpmvBackend {
    /// The backend's name, as given on the command line.
    fn name(&self) -> &'static str;
    /// Loads a matrix (streams and counts); it stays loaded across runs.
    fn load(&mut self, m: &PackedMatrix) -> Result<(), BackendError>;
    /// Computes `requantize(W x, shift)` for the loaded matrix.
    fn run(&mut self, x: &[i64], shift: u32) -> Result<SpmvRun, BackendError>;
}

/// Opens a backend for a configuration.
pub fn open(kind: SpmvBackendKind, cfg: &HwConfig) -> Result<Box<dyn SpmvBackend>, BackendError> {
    match kind {
        SpmvBackendKind::Golden => Ok(Box::new(GoldenSpmv {
            cfg: *cfg,
            matrix: None,
        })),
        #[cfg(feature = "sim")]
        SpmvBackendKind::Sim => Ok(Box::new(SimSpmv {
            cfg: *cfg,
            engine: zeroskip_sim::EngineSim::new(cfg)?,
            matrix: None,
        })),
        #[cfg(not(feature = "sim"))]
        SpmvBackendKind::Sim => Err(BackendError::NotBuilt("sim")),
    }
}

fn check_config(expected: &HwConfig, m: &PackedMatrix) -> Result<(), BackendError> {
    if &m.cfg != expected {
        return Err(BackendError::ConfigMismatch {
            expected: Box::new(*expected),
            found: Box::new(m.cfg),
        });
    }
    Ok(())
}

/// The golden backend.
struct GoldenSpmv {
    cfg: HwConfig,
    matrix: Option<PackedMatrix>,
}

impl SpmvBackend for GoldenSpmv {
    fn name(&self) -> &'static str {
        SpmvBackendKind::Golden.name()
    }
    fn load(&mut self, m: &PackedMatrix) -> Result<(), BackendError> {
        check_config(&self.cfg, m)?;
        self.matrix = Some(m.clone());
        Ok(())
    }
    fn run(&mut self, x: &[i64], shift: u32) -> Result<SpmvRun, BackendError> {
        let m = self.matrix.as_ref().ok_or(BackendError::NotLoaded)?;
        Ok(SpmvRun {
            y: golden::spmv(m, x, shift)?,
            cycles: golden::cycles(m),
        })
    }
}

/// The Verilator backend.
#[cfg(feature = "sim")]
struct SimSpmv {
    cfg: HwConfig,
    engine: zeroskip_sim::EngineSim,
    matrix: Option<PackedMatrix>,
}

#[cfg(feature = "sim")]
impl SpmvBackend for SimSpmv {
    fn name(&self) -> &'static str {
        SpmvBackendKind::Sim.name()
    }
    fn load(&mut self, m: &PackedMatrix) -> Result<(), BackendError> {
        check_config(&self.cfg, m)?;
        self.engine.load(m)?;
        self.matrix = Some(m.clone());
        Ok(())
    }
    fn run(&mut self, x: &[i64], shift: u32) -> Result<SpmvRun, BackendError> {
        let m = self.matrix.as_ref().ok_or(BackendError::NotLoaded)?;
        golden::check_inputs(m, x, shift)?;
        let run = self.engine.run(x, shift)?;
        Ok(SpmvRun {
            y: run.results,
            cycles: run.cycles,
        })
    }
}

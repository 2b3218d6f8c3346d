//! `zeroskip bench`: benchmark figures, printed as text or one JSON object.

use crate::golden::{self, PackStats};
use crate::matrix_file::{read_matrix, DenseMatrix};
use crate::random_matrix::{random_sparse, random_vector, typical_shift};
use crate::spmv::{self, SpmvBackendKind};
use anyhow::{bail, Context};
use rand::SeedableRng;
use std::path::PathBuf;
use std::time::Instant;
use zeroskip_arch::{HwConfig, PackedMatrix};

/// Benchmarks.
#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// One sparse matrix-vector product on the engine: PE utilisation, bits per non-zero,
    /// cycles, mismatches against the golden model and simulator speed.
    ///
    /// Example: zeroskip bench spmv --pes 16 --rows 1024 --cols 512 --density 0.1 --backend sim --json
    Spmv(SpmvArgs),
    /// The whole network on one CPU core: golden fixed-point sparse model, float model and a
    /// dense f32 baseline (frames/s, real-time factor), with the cycle model's figures; a
    /// random pruned model, or a trained one with --model.
    ///
    /// Examples: zeroskip bench model --json;
    /// zeroskip bench model --model host/models/default --pes 64
    Model(super::bench_model::ModelArgs),
}

/// Arguments of `zeroskip bench spmv`.
#[derive(clap::Args, Debug)]
pub struct SpmvArgs {
    /// Number of processing elements.
    #[arg(long, default_value_t = HwConfig::default().pes)]
    pub pes: usize,
    /// Rows of the random matrix.
    #[arg(long, default_value_t = 1024)]
    pub rows: usize,
    /// Columns of the random matrix.
    #[arg(long, default_value_t = 512)]
    pub cols: usize,
    /// Fraction of non-zero weights in the random matrix, 0..=1.
    #[arg(long, default_value_t = 0.1)]
    pub density: f64,
    /// Read the matrix from a text file (one row per line) instead of generating one.
    #[arg(long, conflicts_with_all = ["rows", "cols", "density"])]
    pub matrix: Option<PathBuf>,
    /// `golden`: figures from the cycle model; `sim`: run the RTL in Verilator and compare.
    #[arg(long, value_enum, default_value_t = SpmvBackendKind::Golden)]
    pub backend: SpmvBackendKind,
    /// Random vectors to run through the loaded matrix.
    #[arg(long, default_value_t = 3)]
    pub vectors: usize,
    /// Seed of the random matrix and vectors.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Requantising shift (default: one that keeps typical results in range).
    #[arg(long)]
    pub shift: Option<u32>,
    /// Weight width in bits.
    #[arg(long, default_value_t = HwConfig::default().weight_bits)]
    pub weight_bits: u32,
    /// Relative column index width in bits.
    #[arg(long, default_value_t = HwConfig::default().index_bits)]
    pub index_bits: u32,
    /// Stream memory depth per PE, in entries (a power of two).
    #[arg(long, default_value_t = HwConfig::default().stream_depth)]
    pub stream_depth: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What `bench spmv` prints.
#[derive(serde::Serialize)]
struct SpmvReport {
    backend: SpmvBackendKind,
    pes: usize,
    rows: usize,
    cols: usize,
    density: f64,
    shift: u32,
    vectors: usize,
    #[serde(flatten)]
    stats: PackStats,
    cycles_model: u64,
    mismatches: usize,
    first_mismatch: Option<String>,
    saturated_results: usize,
    sim_cycles_per_second: Option<f64>,
    wall_seconds: f64,
}

/// Runs a benchmark.
pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Spmv(args) => bench_spmv(args),
        BenchCommand::Model(args) => super::bench_model::run(args),
    }
}

fn bench_spmv(a: SpmvArgs) -> anyhow::Result<()> {
    let cfg = HwConfig {
        pes: a.pes,
        weight_bits: a.weight_bits,
        index_bits: a.index_bits,
        stream_depth: a.stream_depth,
        ..HwConfig::default()
    };
    cfg.validate().context("invalid hardware configuration")?;
    if !(0.0..=1.0).contains(&a.density) {
        bail!("--density {} is outside 0..=1", a.density);
    }
    if a.vectors == 0 {
        bail!("--vectors must be at least 1");
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(a.seed);
    let matrix: DenseMatrix = match &a.matrix {
        Some(path) => read_matrix(path)?,
        None => random_sparse(&mut rng, a.rows, a.cols, a.density, cfg.weight_bits),
    };
    let packed = PackedMatrix::from_dense(&cfg, matrix.rows, matrix.cols, &matrix.data, 1)
        .with_context(|| format!("cannot pack the {}x{} matrix", matrix.rows, matrix.cols))?;
    let stats = PackStats::of(&packed);
    let shift = match a.shift {
        Some(s) => s,
        None => typical_shift(
            stats.nnz as f64 / matrix.rows as f64,
            cfg.weight_bits,
            cfg.act_bits,
            cfg.max_shift(),
        ),
    };

    let started = Instant::now();
    let mut backend = spmv::open(a.backend, &cfg)?;
    backend.load(&packed)?;
    let (mut mismatches, mut first_mismatch, mut saturated) = (0usize, None, 0usize);
    let (mut run_cycles, mut run_seconds) = (0u64, 0f64);
    let mut cycles = 0;
    for v in 0..a.vectors {
        let x = random_vector(&mut rng, matrix.cols, cfg.act_bits);
        let expect = golden::spmv(&packed, &x, shift)?;
        let t = Instant::now();
        let got = backend.run(&x, shift)?;
        run_seconds += t.elapsed().as_secs_f64();
        run_cycles += got.cycles;
        cycles = got.cycles;
        if got.cycles != stats.cycles {
            mismatches += 1;
            first_mismatch.get_or_insert(format!(
                "vector {v}: cycles {} vs model {}",
                got.cycles, stats.cycles
            ));
        }
        for (row, (g, e)) in got.y.iter().zip(&expect).enumerate() {
            if g != e {
                mismatches += 1;
                first_mismatch.get_or_insert(format!(
                    "vector {v}, row {row}: {} got {g}, golden {e}",
                    backend.name()
                ));
            }
        }
        let lim = (1i64 << (cfg.act_bits - 1)) - 1;
        saturated += expect
            .iter()
            .filter(|&&y| y == lim || y == -lim - 1)
            .count();
    }
    let report = SpmvReport {
        backend: a.backend,
        pes: cfg.pes,
        rows: matrix.rows,
        cols: matrix.cols,
        density: stats.nnz as f64 / (matrix.rows * matrix.cols) as f64,
        shift,
        vectors: a.vectors,
        stats: PackStats {
            cycles,
            pe_utilization: stats.nnz as f64 / (cfg.pes as f64 * cycles as f64),
            ..stats.clone()
        },
        cycles_model: stats.cycles,
        mismatches,
        first_mismatch,
        saturated_results: saturated,
        sim_cycles_per_second: (a.backend == SpmvBackendKind::Sim)
            .then(|| run_cycles as f64 / run_seconds),
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&report);
    }
    if report.mismatches > 0 {
        bail!(
            "{} mismatches against the golden model; first: {}",
            report.mismatches,
            report.first_mismatch.unwrap_or_default()
        );
    }
    Ok(())
}

fn print_text(r: &SpmvReport) {
    println!(
        "spmv on {}: {} PEs, {}x{} matrix, density {:.4}, shift {}",
        r.backend.name(),
        r.pes,
        r.rows,
        r.cols,
        r.density,
        r.shift
    );
    println!("  non-zeros        {}", r.stats.nnz);
    println!(
        "  entries          {} ({} padding / empty-row)",
        r.stats.entries, r.stats.filler_entries
    );
    println!(
        "  bits per nnz     {:.3} ({}-bit entries; {:.2}x smaller than dense)",
        r.stats.bits_per_nnz, r.stats.entry_bits, r.stats.compression_vs_dense
    );
    println!(
        "  cycles           {} (model {})",
        r.stats.cycles, r.cycles_model
    );
    println!(
        "  PE utilisation   {:.4} (imbalance {:.4})",
        r.stats.pe_utilization, r.stats.imbalance
    );
    println!("  mismatches       {}", r.mismatches);
    if let Some(s) = r.sim_cycles_per_second {
        println!("  sim speed        {:.0} cycles/s", s);
    }
}

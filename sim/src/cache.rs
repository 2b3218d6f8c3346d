//! Builds a verilated model as a shared library and caches it by content.
//!
//! The key is a SHA-256 of the top name, the Verilog, the shim template, Verilator's version
//! line and every flag, so a changed design, tool or option is a different entry and an
//! unchanged one is never rebuilt (modification times play no part). An entry is built in a
//! private temporary directory and renamed into place only when complete, under a file lock so
//! that parallel tests wait for one build instead of repeating it; a failed build is moved to
//! `failed/` for inspection and leaves no entry. Verilator's run-time objects (`verilated.o`,
//! …), which cost several seconds to compile, are cached once per Verilator version and flag
//! set and copied into every new design's build.
//!
//! Layout of the cache directory: `<top>-<key>/` (the entries: `libV<top>.so`,
//! `warnings.txt`, `<top>.v`), `runtime-<key>/`, `locks/`, `tmp/`, `failed/`.

use crate::error::{io, SimError};
use crate::{ports, shim};
use fs2::FileExt;
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

/// Environment variable that overrides the cache directory.
pub const CACHE_ENV: &str = "ZEROSKIP_SIM_CACHE";

/// Bumped when the layout or the build recipe changes.
const CACHE_FORMAT: &str = "zeroskip-sim cache v1";

/// Arguments every Verilator run gets (the top module, trace and extra flags come after).
pub const VERILATOR_ARGS: &[&str] = &[
    "--cc",
    "--exe",
    "-Wno-fatal",
    "--x-assign",
    "fast",
    "--x-initial",
    "fast",
    "-CFLAGS",
    "-fPIC",
    "-LDFLAGS",
    "-shared",
];

/// Variables every `make -f V<top>.mk` run gets. `CFG_CXXFLAGS_PCH_I` is empty in the PyPI
/// wheel's `verilated.mk`; setting it is harmless for the Debian package.
pub const MAKE_VARS: &[&str] = &[
    "OPT_FAST=-Os",
    "OPT_GLOBAL=-Os",
    "CFG_CXXFLAGS_PCH_I=-include",
];

/// The default cache directory: `$ZEROSKIP_SIM_CACHE`, else `<target dir>/verilator-cache`
/// where the target directory is `$CARGO_TARGET_DIR` (at run time, then at compile time) or the
/// workspace's `target/`.
pub fn default_cache_dir() -> PathBuf {
    if let Some(p) = std::env::var_os(CACHE_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| option_env!("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
        });
    target.join("verilator-cache")
}

/// What a build request produced.
#[derive(Clone, Debug)]
pub struct Built {
    /// The shared library to load.
    pub lib: PathBuf,
    /// The cache entry directory.
    pub dir: PathBuf,
    /// The content key (hex).
    pub key: String,
    /// Verilator's `%Warning` messages, one string per warning (with its context lines).
    pub warnings: Vec<String>,
    /// True when the entry was already in the cache.
    pub cached: bool,
    /// Time spent (looking up, or building).
    pub elapsed: Duration,
}

/// A build request.
pub(crate) struct Request<'a> {
    pub verilog: &'a str,
    pub top: &'a str,
    pub trace: bool,
    pub extra_args: &'a [String],
    pub cache_dir: &'a Path,
}

impl Request<'_> {
    fn verilator_args(&self) -> Vec<String> {
        let mut a: Vec<String> = VERILATOR_ARGS.iter().map(|s| s.to_string()).collect();
        if self.trace {
            a.push("--trace".into());
        }
        a.extend(self.extra_args.iter().cloned());
        a
    }
}

/// Checks that `top` is a plain identifier (it names files and a C++ class).
pub(crate) fn check_top(top: &str) -> Result<(), SimError> {
    let mut c = top.chars();
    let ok = c
        .next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if ok {
        Ok(())
    } else {
        Err(SimError::TopName(top.to_string()))
    }
}

/// Verilator's path and version line, looked up once per process.
fn verilator() -> Result<&'static zeroskip_tools::Found, SimError> {
    static FOUND: OnceLock<zeroskip_tools::Found> = OnceLock::new();
    if let Some(f) = FOUND.get() {
        return Ok(f);
    }
    let f = zeroskip_tools::VERILATOR.find()?;
    Ok(FOUND.get_or_init(|| f))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex(&h.finalize())
}

/// The content key of a request.
pub(crate) fn key(req: &Request, version_line: &str) -> String {
    let args = req.verilator_args().join("\u{0}");
    let shim_version = shim::SHIM_VERSION.to_string();
    hash(&[
        CACHE_FORMAT,
        req.top,
        req.verilog,
        shim::TEMPLATE,
        &shim_version,
        version_line,
        &args,
        &MAKE_VARS.join("\u{0}"),
    ])
}

fn mkdir(p: &Path) -> Result<(), SimError> {
    fs::create_dir_all(p).map_err(io("create directory", p))
}

fn lock(cache: &Path, name: &str) -> Result<fs::File, SimError> {
    let dir = cache.join("locks");
    mkdir(&dir)?;
    let path = dir.join(format!("{name}.lock"));
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("open lock file", &path))?;
    f.lock_exclusive().map_err(io("lock", &path))?;
    Ok(f)
}

/// Splits Verilator's diagnostics into one string per `%Warning` (with its context lines).
pub fn parse_warnings(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_warning = false;
    for line in stderr.lines() {
        if line.starts_with('%') {
            in_warning = line.starts_with("%Warning");
            if in_warning {
                out.push(line.to_string());
            }
        } else if in_warning {
            if let Some(last) = out.last_mut() {
                last.push('\n');
                last.push_str(line);
            }
        }
    }
    out
}

/// The name of the cache entry for a key.
fn entry_name(top: &str, key: &str) -> String {
    format!("{top}-{}", &key[..24])
}

fn read_entry(dir: &Path, top: &str, key: &str, start: Instant) -> Option<Built> {
    let lib = dir.join(format!("libV{top}.so"));
    if !lib.is_file() {
        return None;
    }
    let warnings = fs::read_to_string(dir.join("warnings.txt")).ok()?;
    Some(Built {
        lib,
        dir: dir.to_path_buf(),
        key: key.to_string(),
        warnings: parse_warnings(&warnings),
        cached: true,
        elapsed: start.elapsed(),
    })
}

/// Builds (or finds in the cache) the shared library for a request.
pub(crate) fn build(req: &Request) -> Result<Built, SimError> {
    let start = Instant::now();
    check_top(req.top)?;
    let tool = verilator()?;
    let key = key(req, &tool.version_line);
    let name = entry_name(req.top, &key);
    let entry = req.cache_dir.join(&name);
    if let Some(b) = read_entry(&entry, req.top, &key, start) {
        return Ok(b);
    }
    mkdir(req.cache_dir)?;
    let _guard = lock(req.cache_dir, &name)?;
    if let Some(b) = read_entry(&entry, req.top, &key, start) {
        return Ok(b);
    }
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let work = req.cache_dir.join("tmp").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&work);
    mkdir(&work)?;
    match build_in(req, &tool.path, &tool.version_line, &work) {
        Ok(warnings_text) => {
            let staged = work.join("entry");
            fs::rename(&staged, &entry).map_err(io("move into cache", &entry))?;
            let _ = fs::remove_dir_all(&work);
            let mut b = read_entry(&entry, req.top, &key, start).ok_or_else(|| SimError::Io {
                what: "read back cache entry",
                path: entry.clone(),
                source: std::io::Error::other("entry incomplete after build"),
            })?;
            b.cached = false;
            b.warnings = parse_warnings(&warnings_text);
            Ok(b)
        }
        Err(SimError::Build { step, top, log, .. }) => {
            let failed = req.cache_dir.join("failed").join(&name);
            let _ = fs::remove_dir_all(&failed);
            let dir = match mkdir(&req.cache_dir.join("failed"))
                .and_then(|_| fs::rename(&work, &failed).map_err(io("keep failed build", &failed)))
            {
                Ok(()) => failed,
                Err(_) => work,
            };
            Err(SimError::Build {
                step,
                top,
                dir,
                log,
            })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&work);
            Err(e)
        }
    }
}

/// The last `n` lines of a tool's output.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn run(cmd: &mut Command, step: &'static str, top: &str, dir: &Path) -> Result<String, SimError> {
    let out = cmd.output().map_err(io("run", PathBuf::from(step)))?;
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let _ = fs::write(dir.join(format!("{step}.log")), &text);
    if !out.status.success() {
        return Err(SimError::Build {
            step,
            top: top.to_string(),
            dir: dir.to_path_buf(),
            log: tail(&text, 40),
        });
    }
    Ok(text)
}

fn make(obj: &Path, top: &str, targets: &[&str], dir: &Path) -> Result<String, SimError> {
    let jobs = std::env::var("ZEROSKIP_SIM_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .unwrap_or(2)
        .max(1);
    let mut cmd = Command::new("make");
    cmd.current_dir(obj)
        .arg("-f")
        .arg(format!("V{top}.mk"))
        .arg(format!("-j{jobs}"))
        .args(MAKE_VARS)
        .args(targets)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS");
    run(&mut cmd, "make", top, dir)
}

/// Runs Verilator and make in `work`; on success `work/entry` holds the finished entry and the
/// returned string is Verilator's diagnostics.
fn build_in(
    req: &Request,
    verilator: &Path,
    version_line: &str,
    work: &Path,
) -> Result<String, SimError> {
    let top = req.top;
    let vfile = work.join(format!("{top}.v"));
    fs::write(&vfile, req.verilog).map_err(io("write", &vfile))?;
    let obj = work.join("obj");
    mkdir(&obj)?;
    // Verilator only records the shim's name; the real shim is written once the ports are known.
    let shim_path = obj.join("zs_shim.cpp");
    fs::write(&shim_path, "").map_err(io("write", &shim_path))?;
    let args = req.verilator_args();
    let mut cmd = Command::new(verilator);
    cmd.current_dir(work)
        .args(&args)
        .arg("--top-module")
        .arg(top)
        .arg("--Mdir")
        .arg("obj")
        .arg(format!("{top}.v"))
        .arg("obj/zs_shim.cpp");
    let diag = run(&mut cmd, "verilator", top, work)?;
    let warnings = parse_warnings(&diag);

    let header = obj.join(format!("V{top}.h"));
    let text = fs::read_to_string(&header).map_err(io("read", &header))?;
    let ports = ports::parse_header(&text).map_err(|reason| SimError::Header {
        top: top.to_string(),
        header: header.clone(),
        reason,
    })?;
    fs::write(&shim_path, shim::generate(top, &ports)).map_err(io("write", &shim_path))?;

    runtime_objects(req, version_line, &obj, work)?;
    make(&obj, top, &[], work)?;

    let entry = work.join("entry");
    mkdir(&entry)?;
    let lib = entry.join(format!("libV{top}.so"));
    fs::rename(obj.join(format!("V{top}")), &lib).map_err(io("move", &lib))?;
    let warnings_text = warnings.join("\n");
    let wpath = entry.join("warnings.txt");
    fs::write(&wpath, &warnings_text).map_err(io("write", &wpath))?;
    let _ = fs::copy(&vfile, entry.join(format!("{top}.v")));
    Ok(warnings_text)
}

/// Reads `VM_GLOBAL_*` object names and the `VM_*` switches from `V<top>_classes.mk`.
fn classes_mk(text: &str) -> (Vec<String>, String) {
    let mut globals = Vec::new();
    let mut switches = String::new();
    let mut in_globals = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("VM_GLOBAL_FAST +=") || t.starts_with("VM_GLOBAL_SLOW +=") {
            in_globals = true;
            continue;
        }
        if in_globals {
            let name = t.trim_end_matches('\\').trim();
            if name.is_empty() {
                in_globals = t.ends_with('\\');
                continue;
            }
            globals.push(name.to_string());
            in_globals = t.ends_with('\\');
            continue;
        }
        if t.starts_with("VM_") && t.contains(" = ") {
            switches.push_str(t);
            switches.push('\n');
        }
    }
    (globals, switches)
}

/// The Verilator arguments that can change how the run-time objects compile: all but
/// parameters (`-G`), warning switches (`-W`), Verilog defines and include directories.
fn runtime_args(args: &[String]) -> Vec<&str> {
    args.iter()
        .map(String::as_str)
        .filter(|a| {
            !["-G", "-W", "+define+", "+incdir+", "-D", "-I"]
                .iter()
                .any(|p| a.starts_with(p))
        })
        .collect()
}

/// Puts Verilator's run-time objects into `obj`: copied from the runtime cache, or compiled
/// once (under a lock) and added to it.
fn runtime_objects(
    req: &Request,
    version_line: &str,
    obj: &Path,
    work: &Path,
) -> Result<(), SimError> {
    let mk = obj.join(format!("V{}_classes.mk", req.top));
    let text = fs::read_to_string(&mk).map_err(io("read", &mk))?;
    let (globals, switches) = classes_mk(&text);
    if globals.is_empty() {
        return Ok(());
    }
    let args = runtime_args(&req.verilator_args()).join("\u{0}");
    let rkey = hash(&[
        CACHE_FORMAT,
        version_line,
        &switches,
        &globals.join(" "),
        &args,
        &MAKE_VARS.join("\u{0}"),
    ]);
    let rname = format!("runtime-{}", &rkey[..24]);
    let rdir = req.cache_dir.join(&rname);
    let objs: Vec<String> = globals.iter().map(|g| format!("{g}.o")).collect();
    let complete = |d: &Path| objs.iter().all(|o| d.join(o).is_file());
    if !complete(&rdir) {
        let _guard = lock(req.cache_dir, &rname)?;
        if !complete(&rdir) {
            let targets: Vec<&str> = objs.iter().map(String::as_str).collect();
            make(obj, req.top, &targets, work)?;
            let staged = work.join(&rname);
            mkdir(&staged)?;
            for o in &objs {
                fs::copy(obj.join(o), staged.join(o)).map_err(io("copy", staged.join(o)))?;
            }
            let _ = fs::remove_dir_all(&rdir);
            fs::rename(&staged, &rdir).map_err(io("move into cache", &rdir))?;
            return Ok(());
        }
    }
    let now = SystemTime::now();
    for o in &objs {
        let dst = obj.join(o);
        fs::copy(rdir.join(o), &dst).map_err(io("copy", &dst))?;
        // Newer than the generated makefile, so make takes it as up to date.
        let f = fs::File::options()
            .write(true)
            .open(&dst)
            .map_err(io("open", &dst))?;
        f.set_modified(now).map_err(io("set time of", &dst))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_split_per_message() {
        let s = "%Warning-WIDTH: a.v:2:70: Operator ADD expects 32 bits\n    : ... In instance counter\n\
                 %Warning-UNUSED: a.v:3:1: Signal is not used: 'x'\n%Error: Exiting due to 1 warning(s)\n  x\n";
        let w = parse_warnings(s);
        assert_eq!(w.len(), 2);
        assert!(w[0].starts_with("%Warning-WIDTH") && w[0].ends_with("In instance counter"));
        assert_eq!(w[1], "%Warning-UNUSED: a.v:3:1: Signal is not used: 'x'");
    }

    #[test]
    fn classes_mk_lists_globals_and_switches() {
        let t = "VM_TRACE = 1\nVM_GLOBAL_FAST += \\\n\tverilated \\\n\tverilated_threads \\\n\n\
                 VM_GLOBAL_SLOW += \\\n\n";
        let (g, s) = classes_mk(t);
        assert_eq!(g, vec!["verilated", "verilated_threads"]);
        assert_eq!(s, "VM_TRACE = 1\n");
    }

    #[test]
    fn parameters_and_warning_flags_do_not_change_the_runtime() {
        let a: Vec<String> = ["--cc", "-GPES=4", "-Wno-WIDTH", "-CFLAGS", "-O3"]
            .map(String::from)
            .to_vec();
        assert_eq!(runtime_args(&a), vec!["--cc", "-CFLAGS", "-O3"]);
    }

    #[test]
    fn top_names_are_checked() {
        assert!(check_top("zeroskip_engine").is_ok());
        for bad in ["", "1x", "a$b", "a b", "../x"] {
            assert!(matches!(check_top(bad), Err(SimError::TopName(_))), "{bad}");
        }
    }
}

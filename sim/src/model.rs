//! A verilated design loaded into this process: build (or fetch from the cache), load the
//! shared library, resolve every port pointer once, then drive it with plain loads and stores.
//!
//! Inputs written with [`Model::set`] take effect at the next evaluation; [`Model::get`]
//! evaluates first when an input changed since the last evaluation, so reads always see a
//! settled design. [`Model::tick`] drives one clock cycle: clock low, evaluate, clock high,
//! evaluate. A model is not `Send`: Verilator requires it to be evaluated on the thread that
//! created it.
//!
//! ```compile_fail
//! fn needs_send<T: Send>() {}
//! needs_send::<zeroskip_sim::Model>();
//! ```

use crate::cache::{self, Built, Request};
use crate::error::{io, SimError};
use crate::ports::{CType, Direction, PortInfo};
use libloading::Library;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Environment variable naming a VCD file to write (turns tracing on for every model built
/// without an explicit [`BuildOptions::vcd`]). The first model of a process writes that file,
/// later ones `<stem>-<n>.<ext>` beside it.
pub const VCD_ENV: &str = "ZEROSKIP_VCD";

/// How to build and open a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// Write a VCD waveform here (builds a traced variant, a separate cache entry). When `None`,
    /// `$ZEROSKIP_VCD` is consulted.
    pub vcd: Option<PathBuf>,
    /// The clock input that [`Model::tick`] toggles; `None` for a design without a clock.
    pub clock: Option<String>,
    /// The cache directory; `None` for [`cache::default_cache_dir`].
    pub cache_dir: Option<PathBuf>,
    /// More Verilator arguments (e.g. `-Wno-UNUSED`); they are part of the cache key.
    pub extra_args: Vec<String>,
}

impl Default for BuildOptions {
    /// No VCD unless `$ZEROSKIP_VCD` says so, clock named `clock`, the default cache.
    fn default() -> Self {
        BuildOptions {
            vcd: None,
            clock: Some("clock".into()),
            cache_dir: None,
            extra_args: Vec::new(),
        }
    }
}

/// A handle to one port of one model: resolve a name once with [`Model::port`] or
/// [`Model::input`], then read and write through it without a name lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Port {
    idx: u32,
    model: u64,
}

struct Slot {
    info: PortInfo,
    ptr: *mut c_void,
}

type NewFn = unsafe extern "C" fn(*const c_char) -> *mut c_void;
type HandleFn = unsafe extern "C" fn(*mut c_void);
type PortFn = unsafe extern "C" fn(*mut c_void, u32) -> *mut c_void;
type TicksFn = unsafe extern "C" fn(*mut c_void, *mut u8, u64);
type CountFn = unsafe extern "C" fn() -> u32;
type NameFn = unsafe extern "C" fn(u32) -> *const c_char;
type BitsFn = unsafe extern "C" fn(u32) -> u32;

/// The shim's functions, copied out of a library that stays loaded for the process's life.
#[derive(Clone, Copy)]
struct Shim {
    new: NewFn,
    free: HandleFn,
    eval: HandleFn,
    flush: HandleFn,
    port: PortFn,
    ticks: TicksFn,
    port_count: CountFn,
    port_name: NameFn,
    port_code: NameFn,
    port_bits: BitsFn,
}

/// Loads a library once per process and never unloads it (unloading a library with Verilator's
/// run time and thread-local state is not safe), returning its shim functions.
fn load_shim(path: &Path) -> Result<Shim, SimError> {
    static LIBS: Mutex<Option<HashMap<PathBuf, Shim>>> = Mutex::new(None);
    let mut libs = LIBS.lock().unwrap_or_else(|e| e.into_inner());
    let libs = libs.get_or_insert_with(HashMap::new);
    if let Some(s) = libs.get(path) {
        return Ok(*s);
    }
    let err = |source| SimError::Load {
        path: path.to_path_buf(),
        source,
    };
    // SAFETY: the library is one this crate built from its own shim; its initialisers are
    // Verilator's run time and the generated model, which have no unusual load-time effects.
    let lib: &'static Library = Box::leak(Box::new(unsafe { Library::new(path) }.map_err(err)?));
    // SAFETY: each symbol is looked up with the signature the shim defines (see shim.rs).
    let shim = unsafe {
        Shim {
            new: *lib.get::<NewFn>(b"zs_new\0").map_err(err)?,
            free: *lib.get::<HandleFn>(b"zs_free\0").map_err(err)?,
            eval: *lib.get::<HandleFn>(b"zs_eval\0").map_err(err)?,
            flush: *lib.get::<HandleFn>(b"zs_flush\0").map_err(err)?,
            port: *lib.get::<PortFn>(b"zs_port\0").map_err(err)?,
            ticks: *lib.get::<TicksFn>(b"zs_ticks\0").map_err(err)?,
            port_count: *lib.get::<CountFn>(b"zs_port_count\0").map_err(err)?,
            port_name: *lib.get::<NameFn>(b"zs_port_name\0").map_err(err)?,
            port_code: *lib.get::<NameFn>(b"zs_port_code\0").map_err(err)?,
            port_bits: *lib.get::<BitsFn>(b"zs_port_bits\0").map_err(err)?,
        }
    };
    libs.insert(path.to_path_buf(), shim);
    Ok(shim)
}

/// The VCD file for a model built with `explicit` (or `$ZEROSKIP_VCD`).
fn vcd_path(explicit: &Option<PathBuf>) -> Option<PathBuf> {
    if explicit.is_some() {
        return explicit.clone();
    }
    let p = PathBuf::from(std::env::var_os(VCD_ENV).filter(|p| !p.is_empty())?);
    static USES: AtomicU64 = AtomicU64::new(0);
    let n = USES.fetch_add(1, Ordering::Relaxed);
    if n == 0 {
        return Some(p);
    }
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let name = match p.extension() {
        Some(e) => format!("{stem}-{n}.{}", e.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    Some(p.with_file_name(name))
}

/// Prints a design's warnings to stderr the first time it is built or loaded in this process.
fn report_warnings(top: &str, built: &Built) {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    if built.warnings.is_empty() {
        return;
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen
        .get_or_insert_with(HashSet::new)
        .insert(built.key.clone())
    {
        eprintln!(
            "zeroskip-sim: Verilator reported {} warning(s) for `{top}` (cache entry {}):\n{}",
            built.warnings.len(),
            built.dir.display(),
            built.warnings.join("\n")
        );
    }
}

/// A verilated design, loaded and ready to drive.
pub struct Model {
    top: String,
    handle: *mut c_void,
    shim: Shim,
    ports: Vec<Slot>,
    index: HashMap<String, u32>,
    clock: Option<*mut u8>,
    serial: u64,
    dirty: bool,
    ticks: u64,
    built: Built,
    vcd: Option<PathBuf>,
}

impl Model {
    /// Builds (or takes from the cache) the design `top` of `verilog` and creates a model.
    pub fn build(verilog: &str, top: &str, opts: &BuildOptions) -> Result<Model, SimError> {
        let vcd = vcd_path(&opts.vcd);
        let cache_dir = opts
            .cache_dir
            .clone()
            .unwrap_or_else(cache::default_cache_dir);
        let built = cache::build(&Request {
            verilog,
            top,
            trace: vcd.is_some(),
            extra_args: &opts.extra_args,
            cache_dir: &cache_dir,
        })?;
        report_warnings(top, &built);
        let shim = load_shim(&built.lib)?;
        let cpath = match &vcd {
            Some(p) => {
                // Create it here so that a bad path is an error naming it.
                std::fs::File::create(p).map_err(io("create VCD file", p))?;
                Some(CString::new(p.as_os_str().as_encoded_bytes()).map_err(|_| {
                    SimError::Create {
                        top: top.to_string(),
                        vcd: Some(p.clone()),
                    }
                })?)
            }
            None => None,
        };
        // SAFETY: zs_new takes a NUL-terminated path or null and returns an owned handle or null.
        let handle = unsafe { (shim.new)(cpath.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())) };
        if handle.is_null() {
            return Err(SimError::Create {
                top: top.to_string(),
                vcd,
            });
        }
        static SERIAL: AtomicU64 = AtomicU64::new(1);
        let mut m = Model {
            top: top.to_string(),
            handle,
            shim,
            ports: Vec::new(),
            index: HashMap::new(),
            clock: None,
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
            dirty: true,
            ticks: 0,
            built,
            vcd,
        };
        m.resolve_ports()?;
        if let Some(c) = &opts.clock {
            let p = m.input(c)?;
            let slot = &m.ports[p.idx as usize];
            if slot.info.bits != 1 {
                return Err(SimError::ClockWidth {
                    port: c.clone(),
                    bits: slot.info.bits,
                });
            }
            m.clock = Some(slot.ptr.cast());
        }
        Ok(m)
    }

    fn resolve_ports(&mut self) -> Result<(), SimError> {
        let s = self.shim;
        // SAFETY: the table functions take any index and return null / 0 past the end; the
        // strings they return are static in the library, which is never unloaded.
        let n = unsafe { (s.port_count)() };
        for i in 0..n {
            let (name, code, bits, ptr) = unsafe {
                let name = (s.port_name)(i);
                let code = (s.port_code)(i);
                if name.is_null() || code.is_null() {
                    break;
                }
                (
                    CStr::from_ptr(name).to_string_lossy().to_string(),
                    CStr::from_ptr(code).to_string_lossy().to_string(),
                    (s.port_bits)(i),
                    (s.port)(self.handle, i),
                )
            };
            let info = PortInfo::from_code(&name, &code, bits).ok_or_else(|| SimError::Header {
                top: self.top.clone(),
                header: self.built.lib.clone(),
                reason: format!("port `{name}` has unknown type code `{code}`"),
            })?;
            if ptr.is_null() {
                return Err(SimError::Header {
                    top: self.top.clone(),
                    header: self.built.lib.clone(),
                    reason: format!("no pointer for port `{name}`"),
                });
            }
            self.index.insert(name, i);
            self.ports.push(Slot { info, ptr });
        }
        Ok(())
    }

    /// Resolves a port by name, for reading (any direction).
    pub fn port(&self, name: &str) -> Result<Port, SimError> {
        let idx = *self.index.get(name).ok_or_else(|| SimError::UnknownPort {
            top: self.top.clone(),
            port: name.to_string(),
            available: self
                .ports
                .iter()
                .map(|s| s.info.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        let info = &self.ports[idx as usize].info;
        if info.ctype == CType::W {
            return Err(SimError::WidePort {
                port: name.to_string(),
                bits: info.bits,
            });
        }
        Ok(Port {
            idx,
            model: self.serial,
        })
    }

    /// Resolves an input (or inout) port by name, for writing.
    pub fn input(&self, name: &str) -> Result<Port, SimError> {
        let p = self.port(name)?;
        if self.ports[p.idx as usize].info.dir == Direction::Output {
            return Err(SimError::NotAnInput {
                top: self.top.clone(),
                port: name.to_string(),
            });
        }
        Ok(p)
    }

    /// Writes an input by name; the value must fit the port.
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), SimError> {
        let p = self.input(name)?;
        let bits = self.ports[p.idx as usize].info.bits;
        if bits < 64 && value >> bits != 0 {
            return Err(SimError::ValueTooWide {
                port: name.to_string(),
                bits,
                value,
            });
        }
        self.set_port(p, value);
        Ok(())
    }

    /// Reads a port by name (evaluating first if an input changed).
    pub fn get(&mut self, name: &str) -> Result<u64, SimError> {
        let p = self.port(name)?;
        Ok(self.get_port(p))
    }

    /// Writes an input through a handle; bits above the port's width are dropped.
    /// A handle from another model is ignored (and asserts in debug builds).
    #[inline]
    pub fn set_port(&mut self, p: Port, value: u64) {
        debug_assert_eq!(p.model, self.serial, "port handle from another model");
        let Some(s) = self
            .ports
            .get(p.idx as usize)
            .filter(|_| p.model == self.serial)
        else {
            return;
        };
        let v = value & zeroskip_arch::fixed::mask(s.info.bits);
        // SAFETY: ptr points at the port's storage in the live model, of the C type recorded.
        unsafe {
            match s.info.ctype {
                CType::C => *s.ptr.cast::<u8>() = v as u8,
                CType::S => *s.ptr.cast::<u16>() = v as u16,
                CType::I => *s.ptr.cast::<u32>() = v as u32,
                CType::Q => *s.ptr.cast::<u64>() = v,
                CType::W => return,
            }
        }
        self.dirty = true;
    }

    /// Reads a port through a handle (evaluating first if an input changed). A handle from
    /// another model reads 0 (and asserts in debug builds).
    #[inline]
    pub fn get_port(&mut self, p: Port) -> u64 {
        debug_assert_eq!(p.model, self.serial, "port handle from another model");
        if self.dirty {
            self.eval();
        }
        let Some(s) = self
            .ports
            .get(p.idx as usize)
            .filter(|_| p.model == self.serial)
        else {
            return 0;
        };
        // SAFETY: as in set_port.
        unsafe {
            match s.info.ctype {
                CType::C => *s.ptr.cast::<u8>() as u64,
                CType::S => *s.ptr.cast::<u16>() as u64,
                CType::I => *s.ptr.cast::<u32>() as u64,
                CType::Q => *s.ptr.cast::<u64>(),
                CType::W => 0,
            }
        }
    }

    /// Reads a port as a two's complement number of the port's width.
    pub fn get_signed(&mut self, p: Port) -> i64 {
        let bits = self.ports.get(p.idx as usize).map_or(64, |s| s.info.bits);
        zeroskip_arch::fixed::sign_extend(self.get_port(p), bits)
    }

    /// Evaluates the design (settles combinational logic after inputs changed).
    pub fn eval(&mut self) {
        // SAFETY: handle is live until drop.
        unsafe { (self.shim.eval)(self.handle) };
        self.dirty = false;
    }

    /// One clock cycle: clock low, evaluate, clock high, evaluate (a VCD sample after each).
    /// Without a clock (built with `clock: None`) it only evaluates.
    #[inline]
    pub fn tick(&mut self) {
        self.ticks_n(1);
    }

    /// `n` clock cycles in one call into the model.
    pub fn ticks_n(&mut self, n: u64) {
        match self.clock {
            // SAFETY: the clock pointer is a CData input of the live model.
            Some(clk) => unsafe { (self.shim.ticks)(self.handle, clk, n) },
            None => self.eval(),
        }
        self.dirty = false;
        self.ticks += n;
    }

    /// Clock cycles driven so far.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// The top module's name.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// The top module's ports, in declaration order.
    pub fn ports(&self) -> impl Iterator<Item = &PortInfo> {
        self.ports.iter().map(|s| &s.info)
    }

    /// One port's description.
    pub fn port_info(&self, name: &str) -> Option<&PortInfo> {
        self.index.get(name).map(|&i| &self.ports[i as usize].info)
    }

    /// Verilator's `%Warning` messages for this design, one string per warning.
    pub fn warnings(&self) -> &[String] {
        &self.built.warnings
    }

    /// How the model was built: cache entry, key, whether it was cached, time taken.
    pub fn build_info(&self) -> &Built {
        &self.built
    }

    /// The VCD file being written, if any.
    pub fn vcd(&self) -> Option<&Path> {
        self.vcd.as_deref()
    }

    /// Flushes the VCD file (it is also flushed and closed when the model is dropped).
    pub fn flush_vcd(&mut self) {
        // SAFETY: handle is live until drop.
        unsafe { (self.shim.flush)(self.handle) };
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: handle came from zs_new and is freed exactly once.
        unsafe { (self.shim.free)(self.handle) };
    }
}

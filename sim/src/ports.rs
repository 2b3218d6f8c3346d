//! The top module's ports, read from the header Verilator generates (`V<top>.h`): each
//! `VL_IN8(&name,msb,lsb);`-style declaration gives the port's direction, width and C type, so
//! the shim and the Rust side agree with Verilator by construction rather than by a second
//! Verilog parser.

/// Direction of a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Driven by the testbench.
    Input,
    /// Driven by the design.
    Output,
    /// Bidirectional (accessed like an input).
    Inout,
}

/// The C type Verilator stores a port in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CType {
    /// `CData`, `u8`: 1 to 8 bits.
    C,
    /// `SData`, `u16`: 9 to 16 bits.
    S,
    /// `IData`, `u32`: 17 to 32 bits.
    I,
    /// `QData`, `u64`: 33 to 64 bits.
    Q,
    /// `VlWide<words>`: more than 64 bits (not accessible through this crate).
    W,
}

/// One port of the top module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortInfo {
    /// The Verilog name (Verilator's `__0HH` escapes undone).
    pub name: String,
    /// The C++ member name in `V<top>`.
    pub member: String,
    /// Direction.
    pub dir: Direction,
    /// Width in bits (`msb - lsb + 1`).
    pub bits: u32,
    /// Storage type.
    pub ctype: CType,
}

impl PortInfo {
    /// The short code the shim's port table uses for direction and type, e.g. `"IC"`.
    pub(crate) fn code(&self) -> String {
        let d = match self.dir {
            Direction::Input => 'I',
            Direction::Output => 'O',
            Direction::Inout => 'B',
        };
        let t = match self.ctype {
            CType::C => 'C',
            CType::S => 'S',
            CType::I => 'I',
            CType::Q => 'Q',
            CType::W => 'W',
        };
        format!("{d}{t}")
    }

    /// Inverse of [`PortInfo::code`].
    pub(crate) fn from_code(name: &str, code: &str, bits: u32) -> Option<PortInfo> {
        let mut c = code.chars();
        let dir = match c.next()? {
            'I' => Direction::Input,
            'O' => Direction::Output,
            'B' => Direction::Inout,
            _ => return None,
        };
        let ctype = match c.next()? {
            'C' => CType::C,
            'S' => CType::S,
            'I' => CType::I,
            'Q' => CType::Q,
            'W' => CType::W,
            _ => return None,
        };
        Some(PortInfo {
            name: name.to_string(),
            member: String::new(),
            dir,
            bits,
            ctype,
        })
    }
}

/// Reads the port declarations of a Verilator 5 model header, in declaration order.
/// Returns an error message for a declaration it cannot understand.
pub fn parse_header(text: &str) -> Result<Vec<PortInfo>, String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(open) = line.find('(') else { continue };
        let mac = &line[..open];
        let (dir, rest) = if let Some(r) = mac.strip_prefix("VL_INOUT") {
            (Direction::Inout, r)
        } else if let Some(r) = mac.strip_prefix("VL_IN") {
            (Direction::Input, r)
        } else if let Some(r) = mac.strip_prefix("VL_OUT") {
            (Direction::Output, r)
        } else {
            continue;
        };
        let ctype = match rest {
            "8" => CType::C,
            "16" => CType::S,
            "" => CType::I,
            "64" => CType::Q,
            "W" => CType::W,
            _ => continue,
        };
        let args = line[open + 1..]
            .strip_suffix(");")
            .ok_or_else(|| format!("unterminated declaration `{line}`"))?;
        let parts: Vec<&str> = args.split(',').map(str::trim).collect();
        if parts.len() < 3 {
            return Err(format!("too few arguments in `{line}`"));
        }
        let member = parts[0].trim_start_matches('&').to_string();
        let msb: u32 = parts[1]
            .parse()
            .map_err(|_| format!("msb `{}` in `{line}` is not a number", parts[1]))?;
        let lsb: u32 = parts[2]
            .parse()
            .map_err(|_| format!("lsb `{}` in `{line}` is not a number", parts[2]))?;
        if lsb > msb || member.is_empty() {
            return Err(format!("bad declaration `{line}`"));
        }
        out.push(PortInfo {
            name: unmangle(&member),
            member,
            dir,
            bits: msb - lsb + 1,
            ctype,
        });
    }
    if out.is_empty() {
        return Err("no port declarations (VL_IN…/VL_OUT…) found".into());
    }
    Ok(out)
}

/// Undoes Verilator's escaping of characters that are not legal in C++ identifiers
/// (`__024` for `$`, in general `__0` followed by two hex digits).
pub fn unmangle(member: &str) -> String {
    let b = member.as_bytes();
    let mut out = String::with_capacity(member.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"__0") && i + 5 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&member[i + 3..i + 5], 16) {
                out.push(v as char);
                i += 5;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_declarations_parse() {
        let h = "    VL_IN8(&clock,0,0);\n    VL_OUT16(&mid,15,0);\n    VL_OUT(&count,31,0);\n    \
                 VL_IN64(&wide,40,0);\n    VL_OUTW(&huge,99,0,4);\n    VL_INOUT8(&pad,3,0);\n    \
                 VL_IN8(&a__024b,0,0);\n    Vx___024root* const rootp;\n";
        let p = parse_header(h).unwrap();
        let short: Vec<(&str, u32, CType, Direction)> = p
            .iter()
            .map(|p| (p.name.as_str(), p.bits, p.ctype, p.dir))
            .collect();
        assert_eq!(
            short,
            vec![
                ("clock", 1, CType::C, Direction::Input),
                ("mid", 16, CType::S, Direction::Output),
                ("count", 32, CType::I, Direction::Output),
                ("wide", 41, CType::Q, Direction::Input),
                ("huge", 100, CType::W, Direction::Output),
                ("pad", 4, CType::C, Direction::Inout),
                ("a$b", 1, CType::C, Direction::Input),
            ]
        );
        assert_eq!(p[6].member, "a__024b");
    }

    #[test]
    fn codes_round_trip() {
        let h = "VL_IN8(&a,0,0);\nVL_OUT64(&b,63,0);\nVL_INOUT16(&c,9,0);\n";
        for p in parse_header(h).unwrap() {
            let back = PortInfo::from_code(&p.name, &p.code(), p.bits).unwrap();
            assert_eq!((back.dir, back.ctype), (p.dir, p.ctype));
        }
    }

    #[test]
    fn header_without_ports_is_an_error() {
        assert!(parse_header("class Vx {};").is_err());
        assert!(parse_header("VL_IN8(&a,x,0);")
            .unwrap_err()
            .contains("msb `x`"));
    }
}

//! ARPA files: the text format of back-off n-gram models that KenLM, SRILM and IRSTLM read and
//! write. A `\data\` header with `ngram N=COUNT` lines, then one `\N-grams:` section per order
//! with `log10_prob<TAB>w1 … wN[<TAB>log10_backoff]` lines, then `\end\`. A file whose name
//! ends in `.gz` is gzipped (written as `gzip -9 -n` would, so equal models give equal files).

use super::ngram::{Entry, NgramLm, MAX_ORDER};
use super::LmError;
use crate::model::gzip::{gunzip_if_gzip, gzip};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// The model as ARPA text; n-grams sorted by their words, so equal models give equal text.
pub fn to_string(lm: &NgramLm) -> String {
    let words = lm.words();
    let mut out = String::from("\n\\data\\\n");
    for (n, count) in lm.counts().iter().enumerate() {
        let _ = writeln!(out, "ngram {}={count}", n + 1);
    }
    for n in 1..=lm.order() {
        let _ = write!(out, "\n\\{n}-grams:\n");
        let mut lines: Vec<(Vec<&str>, &Entry)> = lm
            .grams(n)
            .map(|(g, e)| (g.iter().map(|&i| words[i as usize].as_str()).collect(), e))
            .collect();
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        for (gram, e) in lines {
            let _ = write!(out, "{}\t{}", e.log10_prob, gram.join(" "));
            if n < lm.order() {
                let _ = write!(out, "\t{}", e.log10_backoff);
            }
            out.push('\n');
        }
    }
    out.push_str("\n\\end\\\n");
    out
}

/// Writes the model to `path` (gzipped if the name ends in `.gz`).
pub fn save(lm: &NgramLm, path: &Path) -> Result<(), LmError> {
    let text = to_string(lm);
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        gzip(text.as_bytes())
    } else {
        text.into_bytes()
    };
    std::fs::write(path, bytes).map_err(|source| LmError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a model from `path` (gzipped or not, whatever its name).
pub fn load(path: &Path) -> Result<NgramLm, LmError> {
    let bytes = std::fs::read(path).map_err(|source| LmError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = gunzip_if_gzip(&bytes, path).map_err(|e| LmError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
    })?;
    let text = std::str::from_utf8(&text).map_err(|e| LmError::Parse {
        path: path.to_path_buf(),
        line: 0,
        problem: format!("not UTF-8 text ({e})"),
    })?;
    parse(text, path)
}

/// Parses ARPA text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<NgramLm, LmError> {
    let err = |line: usize, problem: String| LmError::Parse {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    // Header.
    let mut declared: Vec<usize> = Vec::new();
    let mut in_data = false;
    let mut section = None;
    for (no, line) in lines.by_ref() {
        if line.is_empty() {
            continue;
        }
        if line == "\\data\\" {
            in_data = true;
            continue;
        }
        if !in_data {
            continue; // text before \data\ is a comment
        }
        if let Some(rest) = line.strip_prefix("ngram ") {
            let (n, count) = rest
                .split_once('=')
                .ok_or_else(|| err(no, format!("expected `ngram N=COUNT`, found {line:?}")))?;
            let n: usize = n
                .trim()
                .parse()
                .map_err(|_| err(no, format!("bad order in {line:?}")))?;
            let count: usize = count
                .trim()
                .parse()
                .map_err(|_| err(no, format!("bad count in {line:?}")))?;
            if n != declared.len() + 1 {
                return Err(err(
                    no,
                    format!(
                        "expected the count of order {}, found {line:?}",
                        declared.len() + 1
                    ),
                ));
            }
            if n > MAX_ORDER {
                return Err(err(
                    no,
                    format!("order {n} is above the largest supported, {MAX_ORDER}"),
                ));
            }
            declared.push(count);
            continue;
        }
        section = Some((no, line));
        break;
    }
    if declared.is_empty() {
        return Err(err(
            0,
            "no `\\data\\` header with `ngram N=COUNT` lines (not an ARPA file?)".to_string(),
        ));
    }
    let order = declared.len();
    let mut words: Vec<String> = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut grams: Vec<HashMap<Box<[u32]>, Entry>> = vec![HashMap::new(); order];
    let mut current: Option<usize> = None;
    let mut ended = false;
    let mut handle = |no: usize, line: &str| -> Result<(), LmError> {
        if line.is_empty() {
            return Ok(());
        }
        if line == "\\end\\" {
            ended = true;
            current = None;
            return Ok(());
        }
        if ended {
            return Err(err(no, format!("text after \\end\\: {line:?}")));
        }
        if let Some(n) = line
            .strip_prefix('\\')
            .and_then(|l| l.strip_suffix("-grams:"))
        {
            let n: usize = n
                .parse()
                .map_err(|_| err(no, format!("bad section header {line:?}")))?;
            let expected = current.map_or(1, |c| c + 2);
            if n != expected {
                return Err(err(
                    no,
                    format!("expected the section of order {expected}, found {line:?}"),
                ));
            }
            if n > order {
                return Err(err(
                    no,
                    format!("section of order {n}, but the header declares {order} orders"),
                ));
            }
            if let Some(c) = current {
                if grams[c].len() != declared[c] {
                    return Err(err(
                        no,
                        format!(
                            "the header declares {} {}-grams, the section holds {}",
                            declared[c],
                            c + 1,
                            grams[c].len()
                        ),
                    ));
                }
            }
            current = Some(n - 1);
            return Ok(());
        }
        let Some(c) = current else {
            return Err(err(
                no,
                format!("expected a `\\N-grams:` section header, found {line:?}"),
            ));
        };
        let n = c + 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() != n + 1 && fields.len() != n + 2 {
            return Err(err(no, format!("a {n}-gram line has a probability, {n} words and perhaps a back-off weight; found {} fields", fields.len())));
        }
        let number = |s: &str| -> Result<f32, LmError> {
            s.parse::<f32>()
                .ok()
                .filter(|x| !x.is_nan())
                .ok_or_else(|| err(no, format!("{s:?} is not a number")))
        };
        let log10_prob = number(fields[0])?;
        let log10_backoff = match fields.get(n + 1) {
            Some(b) => number(b)?,
            None => 0.0,
        };
        let mut key = Vec::with_capacity(n);
        for w in &fields[1..=n] {
            let id = match ids.get(*w) {
                Some(&id) => id,
                None if n == 1 => {
                    let id = words.len() as u32;
                    words.push(w.to_string());
                    ids.insert(w.to_string(), id);
                    id
                }
                None => {
                    return Err(err(no, format!("the word {w:?} has no 1-gram")));
                }
            };
            key.push(id);
        }
        if grams[c]
            .insert(
                key.into(),
                Entry {
                    log10_prob,
                    log10_backoff,
                },
            )
            .is_some()
        {
            return Err(err(
                no,
                format!("the {n}-gram {:?} is listed twice", fields[1..=n].join(" ")),
            ));
        }
        Ok(())
    };
    if let Some((no, line)) = section {
        handle(no, line)?;
    }
    for (no, line) in lines {
        handle(no, line)?;
    }
    if !ended {
        return Err(err(0, "no `\\end\\` line (truncated?)".to_string()));
    }
    for (c, (g, &d)) in grams.iter().zip(&declared).enumerate() {
        if g.len() != d {
            return Err(err(
                0,
                format!(
                    "the header declares {d} {}-grams, the file holds {}",
                    c + 1,
                    g.len()
                ),
            ));
        }
    }
    NgramLm::from_parts(words, grams).map_err(|problem| err(0, problem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::build;

    #[test]
    fn round_trip_keeps_every_probability() {
        let (lm, _) = build(["a b c", "a c b", "b b a", "c a"], 3).unwrap();
        let text = to_string(&lm);
        let back = parse(&text, Path::new("x.arpa")).unwrap();
        assert_eq!(back.counts(), lm.counts());
        for w in lm.words() {
            let (a, b) = (lm.id(w).unwrap(), back.id(w).unwrap());
            for ctx in [vec![], vec!["a"], vec!["b", "a"], vec!["<s>", "c"]] {
                let c1: Vec<u32> = ctx.iter().map(|w| lm.id(w).unwrap()).collect();
                let c2: Vec<u32> = ctx.iter().map(|w| back.id(w).unwrap()).collect();
                assert_eq!(
                    lm.log10_prob(&c1, a),
                    back.log10_prob(&c2, b),
                    "{ctx:?} {w}"
                );
            }
        }
        // Written again, the text is the same.
        assert_eq!(to_string(&back), text);
    }

    #[test]
    fn malformed_files_name_the_line() {
        let good = to_string(&build(["a b"], 2).unwrap().0);
        let cases = [
            (good.replace("ngram 2=", "ngram 2=x"), "bad count"),
            (good.replace("\\end\\", ""), "no `\\end\\`"),
            (good.replacen("\ta b", "\ta zz", 1), "has no 1-gram"),
            ("hello\n".to_string(), "not an ARPA file"),
            (good.replacen("-0", "minus", 1), "is not a number"),
        ];
        for (text, want) in cases {
            let e = parse(&text, Path::new("m.arpa")).unwrap_err().to_string();
            assert!(e.contains("m.arpa") && e.contains(want), "{e}");
        }
    }
}

//! Integer matrices in a plain text file, for packing matrices that did not come from a model:
//! one row per line, values separated by whitespace or commas, `#` starts a comment, blank lines
//! are ignored. Every row must have the same number of values.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// A dense row-major integer matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseMatrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Values, row-major.
    pub data: Vec<i64>,
}

/// Why a matrix file cannot be read; every variant names the file.
#[derive(Debug, Error)]
pub enum MatrixFileError {
    /// The file cannot be opened or read.
    #[error("cannot read matrix file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A value is not an integer.
    #[error("{path}:{line}: {value:?} is not an integer")]
    Value {
        /// The file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// The text found.
        value: String,
    },
    /// A row's length differs from the first row's.
    #[error("{path}:{line}: row has {found} values, the first row has {expected}")]
    Ragged {
        /// The file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// Values on this line.
        found: usize,
        /// Values on the first row.
        expected: usize,
    },
    /// No rows at all.
    #[error("{path}: the file holds no matrix rows")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// Reads a matrix file.
pub fn read_matrix(path: &Path) -> Result<DenseMatrix, MatrixFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| MatrixFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_matrix(&text, path)
}

/// Parses the text of a matrix file; `path` is used in error messages only.
pub fn parse_matrix(text: &str, path: &Path) -> Result<DenseMatrix, MatrixFileError> {
    let mut data = Vec::new();
    let (mut rows, mut cols) = (0usize, 0usize);
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let body = line.split('#').next().unwrap_or("");
        let values: Vec<&str> = body
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .collect();
        if values.is_empty() {
            continue;
        }
        if rows == 0 {
            cols = values.len();
        } else if values.len() != cols {
            return Err(MatrixFileError::Ragged {
                path: path.to_owned(),
                line: line_no,
                found: values.len(),
                expected: cols,
            });
        }
        for v in values {
            let parsed = v.parse::<i64>().map_err(|_| MatrixFileError::Value {
                path: path.to_owned(),
                line: line_no,
                value: v.to_string(),
            })?;
            data.push(parsed);
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(MatrixFileError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(DenseMatrix { rows, cols, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_errors_with_line_numbers() {
        let p = Path::new("m.txt");
        let m = parse_matrix("# a comment\n1, 0 -3\n\n0 0 7 # tail\n", p).unwrap();
        assert_eq!((m.rows, m.cols, m.data), (2, 3, vec![1, 0, -3, 0, 0, 7]));
        let e = parse_matrix("1 2\n3\n", p).unwrap_err().to_string();
        assert_eq!(e, "m.txt:2: row has 1 values, the first row has 2");
        let e = parse_matrix("1 x\n", p).unwrap_err().to_string();
        assert_eq!(e, "m.txt:1: \"x\" is not an integer");
        assert!(parse_matrix("# nothing\n", p)
            .unwrap_err()
            .to_string()
            .contains("no matrix rows"));
        let e = read_matrix(Path::new("/nonexistent/m.txt"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read matrix file /nonexistent/m.txt"),
            "{e}"
        );
    }
}

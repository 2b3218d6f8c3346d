//! Gzipped weights: a pruned model's safetensors file is mostly zero bytes, so `gzip -9`
//! shrinks it several times over (about 8× at 90 % zeros), small enough to commit and to
//! compile into the binary. A weights buffer that starts with the gzip magic `1f 8b` is
//! decompressed in memory; anything else is taken as plain safetensors. (A safetensors file
//! starts with its header's length as a little-endian u64; for the first bytes to read
//! `1f 8b 08` the header would have to be over half a megabyte, which a model's 16 tensors
//! never need.)

use super::ModelError;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::borrow::Cow;
use std::io::{Read, Write};
use std::path::Path;

/// The first two bytes of every gzip stream (RFC 1952).
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// True if `bytes` starts with [`GZIP_MAGIC`].
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// `bytes` decompressed if they are gzip, else `bytes` themselves; `path` names the file in
/// the error for a corrupt or truncated stream (the CRC and length in the gzip trailer are
/// checked).
pub fn gunzip_if_gzip<'a>(bytes: &'a [u8], path: &Path) -> Result<Cow<'a, [u8]>, ModelError> {
    if !is_gzip(bytes) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4));
    GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|source| ModelError::Gzip {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(Cow::Owned(out))
}

/// `bytes` gzipped at the best compression, with no file name and a zero time stamp in the
/// header (as `gzip -9 -n`), so equal inputs give equal files.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let written = encoder.write_all(bytes).and_then(|()| encoder.finish());
    match written {
        Ok(v) => v,
        Err(e) => unreachable!("gzip into memory failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_passthrough() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 7 == 0) as u8).collect();
        let z = gzip(&data);
        assert!(is_gzip(&z) && z.len() < data.len() / 4, "{}", z.len());
        assert_eq!(z, gzip(&data), "deterministic");
        assert_eq!(&*gunzip_if_gzip(&z, Path::new("w.gz")).unwrap(), &data[..]);
        let plain = gunzip_if_gzip(&data, Path::new("w")).unwrap();
        assert!(matches!(plain, Cow::Borrowed(_)));
    }

    #[test]
    fn truncated_and_corrupt_streams_name_the_file() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 % 251) as u8).collect();
        let z = gzip(&data);
        let mut flipped = z.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        for bad in [&z[..z.len() - 5], &z[..20], &flipped[..], &GZIP_MAGIC[..]] {
            let e = gunzip_if_gzip(bad, Path::new("/m/model.safetensors.gz")).unwrap_err();
            assert!(matches!(e, ModelError::Gzip { .. }), "{e:?}");
            assert!(e.to_string().contains("/m/model.safetensors.gz"), "{e}");
        }
    }
}

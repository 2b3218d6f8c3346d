//! Fixed-point arithmetic of the datapath, specified once: both the golden model and the
//! hardware generator's tests use these functions, so the two cannot drift apart.
//!
//! * A product `w * x` of a `weight_bits` weight and an `act_bits` activation is exact.
//! * The accumulator adds products exactly; [`crate::HwConfig::validate`] guarantees it is wide
//!   enough that no sum of a row can overflow it.
//! * A result leaves the accumulator through [`requantize`]: an arithmetic right shift by
//!   `shift` that rounds half up (adds `2^(shift-1)` first), then saturates to `act_bits`.

/// Smallest value of a `bits`-wide two's complement number.
#[inline]
pub fn min_value(bits: u32) -> i64 {
    -(1i64 << (bits - 1))
}

/// Largest value of a `bits`-wide two's complement number.
#[inline]
pub fn max_value(bits: u32) -> i64 {
    (1i64 << (bits - 1)) - 1
}

/// True when `v` fits in `bits` bits, two's complement.
#[inline]
pub fn fits(v: i64, bits: u32) -> bool {
    (min_value(bits)..=max_value(bits)).contains(&v)
}

/// Clamps `v` to the range of a `bits`-wide two's complement number.
///
/// ```
/// use zeroskip_arch::fixed::saturate;
/// assert_eq!(saturate(40000, 16), 32767);
/// assert_eq!(saturate(-40000, 16), -32768);
/// assert_eq!(saturate(-5, 16), -5);
/// ```
#[inline]
pub fn saturate(v: i64, bits: u32) -> i64 {
    v.clamp(min_value(bits), max_value(bits))
}

/// Arithmetic right shift by `shift` with rounding half up (toward +infinity on ties).
///
/// ```
/// use zeroskip_arch::fixed::round_shift;
/// assert_eq!(round_shift(5, 1), 3);   // 2.5 -> 3
/// assert_eq!(round_shift(-5, 1), -2); // -2.5 -> -2
/// assert_eq!(round_shift(-6, 2), -1); // -1.5 -> -1
/// assert_eq!(round_shift(7, 0), 7);
/// ```
#[inline]
pub fn round_shift(v: i64, shift: u32) -> i64 {
    if shift == 0 {
        v
    } else {
        (v + (1i64 << (shift - 1))) >> shift
    }
}

/// The engine's output stage: round-shift the accumulator, then saturate to `out_bits`.
///
/// ```
/// use zeroskip_arch::fixed::requantize;
/// assert_eq!(requantize(1 << 20, 4, 16), 32767);
/// assert_eq!(requantize(-(1 << 20), 4, 16), -32768);
/// assert_eq!(requantize(24, 4, 16), 2); // 1.5 -> 2
/// ```
#[inline]
pub fn requantize(acc: i64, shift: u32, out_bits: u32) -> i64 {
    saturate(round_shift(acc, shift), out_bits)
}

/// The exact product of a weight and an activation.
#[inline]
pub fn mul(weight: i64, act: i64) -> i64 {
    weight * act
}

/// Sign-extends the low `bits` bits of `raw` to an `i64`.
///
/// ```
/// use zeroskip_arch::fixed::sign_extend;
/// assert_eq!(sign_extend(0xffff, 16), -1);
/// assert_eq!(sign_extend(0x7fff, 16), 32767);
/// ```
pub fn sign_extend(raw: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((raw << shift) as i64) >> shift
}

/// The low `bits` bits of the two's complement of `v`.
pub fn to_bits(v: i64, bits: u32) -> u64 {
    (v as u64) & mask(bits)
}

/// A mask of the low `bits` bits.
pub fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_shift_matches_rational_rounding() {
        for v in -300i64..300 {
            for s in 0..6u32 {
                let exact = v as f64 / (1u64 << s) as f64;
                assert_eq!(
                    round_shift(v, s),
                    (exact + 0.5).floor() as i64,
                    "v={v} s={s}"
                );
            }
        }
    }

    #[test]
    fn sign_extend_round_trips() {
        for bits in [2u32, 6, 16, 18, 48] {
            for v in [min_value(bits), -1, 0, 1, max_value(bits)] {
                assert_eq!(sign_extend(to_bits(v, bits), bits), v);
            }
        }
    }

    #[test]
    fn extremes_saturate() {
        let most = mul(min_value(16), min_value(16)) * 1024;
        assert_eq!(requantize(most, 0, 16), max_value(16));
        assert_eq!(requantize(-most, 0, 16), min_value(16));
        assert_eq!(requantize(most, 47, 16), 0);
        assert_eq!(requantize(most, 30, 16), 1024);
    }
}

//! A streaming, band-limited sample-rate converter: a Kaiser-windowed sinc evaluated at the
//! exact rational position of every output sample (polyphase).
//!
//! The ratio `to / from` is reduced to `L / M`; output sample `n` sits at input position
//! `n·M / L`. The filter's cutoff is [`ROLLOFF`] × the lower of the two Nyquist frequencies,
//! its half-width [`ZERO_CROSSINGS`] zero crossings of the sinc, its window a Kaiser with
//! β = [`KAISER_BETA`] (about −85 dB stop band). With `L ≤` [`MAX_PHASES`] (every common rate:
//! 8, 11.025, 22.05, 44.1, 48, 96 kHz → 16 kHz) each phase has its own exact filter; odd ratios
//! interpolate linearly between [`MAX_PHASES`] tabulated phases (error below −100 dB).
//! Input arrives in chunks ([`Resampler::push`]) and only the filter's span is kept, so a long
//! file never has to sit in memory at its original rate. Output length is `ceil(n_in·L/M)`,
//! aligned with the input (no delay).

use std::num::NonZeroU32;

/// Cutoff as a fraction of the lower Nyquist frequency (0.92 × 8 kHz = 7.36 kHz for 16 kHz out).
pub const ROLLOFF: f64 = 0.92;
/// Zero crossings of the sinc on each side of the centre.
pub const ZERO_CROSSINGS: f64 = 32.0;
/// Kaiser window shape parameter.
pub const KAISER_BETA: f64 = 8.6;
/// Most filter phases tabulated.
pub const MAX_PHASES: u64 = 1024;

/// Converts a mono stream from one sample rate to another.
#[derive(Clone, Debug)]
pub struct Resampler {
    up: u64,
    down: u64,
    /// Taps on each side: an output uses inputs `i0 - half + 1 ..= i0 + half`.
    half: usize,
    /// Number of tabulated phases; equal to `up` when exact.
    phases: u64,
    /// `(phases + 1) × 2·half` coefficients, row `r` for the fractional position `r / phases`.
    table: Vec<f32>,
    /// Buffered input; `buf[0]` is absolute input index `base` (negative indices are zeros).
    buf: Vec<f32>,
    base: i64,
    pushed: u64,
    next_out: u64,
}

impl Resampler {
    /// A converter from `from` Hz to `to` Hz.
    pub fn new(from: NonZeroU32, to: NonZeroU32) -> Resampler {
        let (from, to) = (from.get() as u64, to.get() as u64);
        let g = gcd(from, to);
        let (up, down) = (to / g, from / g);
        // Cutoff in cycles per input sample, times two (1.0 = the input's Nyquist frequency).
        let fc2 = ROLLOFF * (up as f64 / down as f64).min(1.0);
        let width = ZERO_CROSSINGS / fc2;
        let half = width.ceil() as usize;
        let exact = up <= MAX_PHASES;
        let phases = if exact { up } else { MAX_PHASES };
        let taps = 2 * half;
        let mut table = vec![0f32; (phases as usize + 1) * taps];
        for r in 0..=phases as usize {
            let frac = r as f64 / phases as f64;
            let row = &mut table[r * taps..(r + 1) * taps];
            let mut coeffs = vec![0f64; taps];
            for (j, c) in coeffs.iter_mut().enumerate() {
                // Input index i0 + k, k = j - half + 1; distance from the output position.
                let x = frac - (j as f64 - half as f64 + 1.0);
                *c = kernel(x, fc2, width);
            }
            let sum: f64 = coeffs.iter().sum();
            for (dst, c) in row.iter_mut().zip(&coeffs) {
                *dst = (c / sum) as f32; // unit gain at DC for every phase
            }
        }
        let lead = half.saturating_sub(1);
        Resampler {
            up,
            down,
            half,
            phases,
            table,
            buf: vec![0.0; lead],
            base: -(lead as i64),
            pushed: 0,
            next_out: 0,
        }
    }

    /// Number of output samples `n_in` input samples turn into: `ceil(n_in · to / from)`.
    pub fn output_len(&self, n_in: u64) -> u64 {
        (n_in as u128 * self.up as u128).div_ceil(self.down as u128) as u64
    }

    /// True when input and output rates are equal (samples pass through unchanged).
    pub fn is_identity(&self) -> bool {
        self.up == self.down
    }

    /// Feeds input samples; appends every output sample that is now fully determined.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        self.pushed += input.len() as u64;
        if self.is_identity() {
            out.extend_from_slice(input);
            self.next_out = self.pushed;
            return;
        }
        self.buf.extend_from_slice(input);
        self.produce(self.pushed, u64::MAX, out);
    }

    /// Ends the stream: appends the remaining output samples (the input is taken as zero past
    /// its end) and returns the converter to its initial state.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        if !self.is_identity() {
            let total = self.output_len(self.pushed);
            self.buf.extend(std::iter::repeat_n(0.0, 2 * self.half + 1));
            self.produce(u64::MAX, total, out);
        }
        let lead = self.half.saturating_sub(1);
        self.buf.clear();
        self.buf.resize(lead, 0.0);
        self.base = -(lead as i64);
        self.pushed = 0;
        self.next_out = 0;
    }

    /// Produces outputs while their last tap is below `available` and their index below `limit`.
    fn produce(&mut self, available: u64, limit: u64, out: &mut Vec<f32>) {
        let taps = 2 * self.half;
        while self.next_out < limit {
            let pos = self.next_out as u128 * self.down as u128;
            let i0 = (pos / self.up as u128) as u64;
            let phase = (pos % self.up as u128) as u64;
            if available != u64::MAX && i0 + self.half as u64 >= available {
                break;
            }
            let start = (i0 as i64 - self.half as i64 + 1 - self.base) as usize;
            let x = &self.buf[start..start + taps];
            let y = if self.phases == self.up {
                dot(x, self.row(phase as usize))
            } else {
                let num = phase * self.phases;
                let r = (num / self.up) as usize;
                let a = (num % self.up) as f32 / self.up as f32;
                let y0 = dot(x, self.row(r));
                let y1 = dot(x, self.row(r + 1));
                y0 + a * (y1 - y0)
            };
            out.push(y);
            self.next_out += 1;
        }
        // Drop input no later output needs.
        let next_i0 = (self.next_out as u128 * self.down as u128 / self.up as u128) as i64;
        let keep_from = next_i0 - self.half as i64 + 1;
        let drop = (keep_from - self.base).clamp(0, self.buf.len() as i64) as usize;
        if drop >= 1 << 14 || drop == self.buf.len() {
            self.buf.drain(..drop);
            self.base += drop as i64;
        }
    }

    fn row(&self, r: usize) -> &[f32] {
        let taps = 2 * self.half;
        &self.table[r * taps..(r + 1) * taps]
    }
}

/// Resamples a whole mono signal from `from` Hz to `to` Hz.
pub fn resample(samples: &[f32], from: NonZeroU32, to: NonZeroU32) -> Vec<f32> {
    let mut r = Resampler::new(from, to);
    let mut out = Vec::with_capacity(r.output_len(samples.len() as u64) as usize);
    r.push(samples, &mut out);
    r.finish(&mut out);
    out
}

/// The windowed sinc at distance `x` input samples: `fc2·sinc(fc2·x)·kaiser(x / width)`.
fn kernel(x: f64, fc2: f64, width: f64) -> f64 {
    if x.abs() >= width {
        return 0.0;
    }
    let t = fc2 * x;
    let sinc = if t == 0.0 {
        1.0
    } else {
        (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t)
    };
    let r = x / width;
    let kaiser = bessel_i0(KAISER_BETA * (1.0 - r * r).sqrt()) / bessel_i0(KAISER_BETA);
    fc2 * sinc * kaiser
}

/// Modified Bessel function of the first kind, order 0 (power series).
fn bessel_i0(x: f64) -> f64 {
    let q = x * x / 4.0;
    let (mut sum, mut term, mut k) = (1.0, 1.0, 1.0);
    while term > sum * 1e-17 {
        term *= q / (k * k);
        sum += term;
        k += 1.0;
    }
    sum
}

/// Dot product with eight independent accumulators, so the compiler can vectorise it.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hz(v: u32) -> NonZeroU32 {
        NonZeroU32::new(v).unwrap()
    }

    #[test]
    fn lengths_follow_the_ratio() {
        for (from, n_in, n_out) in [(44_100, 44_100, 16_000), (8_000, 3, 6), (48_000, 1, 1)] {
            let out = resample(&vec![0.1; n_in], hz(from), hz(16_000));
            assert_eq!(out.len(), n_out, "{from} Hz, {n_in} samples");
        }
    }

    #[test]
    fn dc_is_kept() {
        for from in [8_000, 22_050, 44_100, 48_000, 44_099] {
            let out = resample(&vec![0.5; from as usize], hz(from), hz(16_000));
            for (i, v) in out[2000..14000].iter().enumerate() {
                assert!((v - 0.5).abs() < 1e-4, "{from} Hz: sample {i} is {v}");
            }
        }
    }

    #[test]
    fn chunked_equals_whole() {
        let x: Vec<f32> = (0..10_000)
            .map(|i| ((i * 7919) % 201) as f32 / 100.0 - 1.0)
            .collect();
        let whole = resample(&x, hz(44_100), hz(16_000));
        let mut r = Resampler::new(hz(44_100), hz(16_000));
        let mut out = Vec::new();
        for chunk in x.chunks(333) {
            r.push(chunk, &mut out);
        }
        r.finish(&mut out);
        assert_eq!(out, whole);
    }
}

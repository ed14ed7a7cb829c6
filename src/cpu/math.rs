//! Branch-free float32 `exp`, `sigmoid` and `tanh` that the compiler vectorizes when they are
//! mapped over a slice (libm's are calls, one element at a time). The recurrent layers' gates
//! spend most of their elementwise time here.
//!
//! `exp`: Cody–Waite reduction `x = n·ln2 + r`, `|r| <= ln2/2`, then Cephes' degree-7
//! polynomial for `e^r` and `2^n` built in the exponent bits; arguments are clamped to
//! [-87.3, 88.3] (results between 1.2e-38 and 2.1e38, never subnormal or infinite), NaN stays
//! NaN. `tanh`: an odd Taylor polynomial below |x| = 0.55, `1 - 2 / (e^{2|x|} + 1)` above (no
//! cancellation there). Errors against the exact values, measured over the whole f32 range
//! by the tests below: `exp` within 2 ulp (inside the clamp), `sigmoid` and `tanh` within 3.

/// `e^x`, see the module doc.
/// The Cephes coefficients are written as published (more digits than f32 holds).
#[allow(clippy::excessive_precision)]
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    // Comparisons rather than min/max, so NaN passes through.
    let x = if x < -87.3 { -87.3 } else { x };
    let x = if x > 88.3 { 88.3 } else { x };
    // Round x·log2(e) to the nearest integer by adding 1.5·2^23 (no rounding instruction).
    const MAGIC: f32 = 12_582_912.0;
    let t = x * std::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let ni = (t.to_bits() as i32).wrapping_sub(MAGIC.to_bits() as i32);
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1) * r + 5.000_000_1e-1;
    let e = p * r * r + r + 1.0;
    e * f32::from_bits((ni.wrapping_add(127) << 23) as u32)
}

/// `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-x))
}

/// `tanh(x)`, see the module doc; ±0 keep their sign, ±inf give ±1.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let small = x
        * (1.0
            + z * (-1.0 / 3.0
                + z * (2.0 / 15.0 + z * (-17.0 / 315.0 + z * (62.0 / 2835.0 + z * (-1382.0 / 155_925.0 + z * (21844.0 / 6_081_075.0 + z * (-929_569.0 / 638_512_875.0))))))));
    let large = (1.0 - 2.0 / (exp_f32(2.0 * a) + 1.0)).copysign(x);
    if a < 0.55 {
        small
    } else {
        large
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place (0 for equal values, including both zeros).
    fn ulps(a: f32, b: f32) -> u64 {
        if a == b {
            return 0;
        }
        let key = |v: f32| {
            let b = v.to_bits() as i64;
            if b < 0x8000_0000 {
                b
            } else {
                0x8000_0000 - b
            }
        };
        (key(a) - key(b)).unsigned_abs()
    }

    /// The worst error of `f` against `exact` over every 61st bit pattern of finite f32.
    fn worst(f: impl Fn(f32) -> f32, exact: impl Fn(f64) -> f64, lo: f32, hi: f32) -> (u64, f32) {
        let mut w = (0, 0.0);
        let mut bits = 0u32;
        while bits < 0x7f80_0000 {
            for x in [f32::from_bits(bits), -f32::from_bits(bits)] {
                if x >= lo && x <= hi {
                    let e = ulps(f(x), exact(x as f64) as f32);
                    if e > w.0 {
                        w = (e, x);
                    }
                }
            }
            bits += 61;
        }
        w
    }

    #[test]
    fn exp_is_within_two_ulps_inside_its_clamp() {
        let w = worst(exp_f32, f64::exp, -87.3, 88.3);
        assert!(w.0 <= 2, "exp: {} ulp at {}", w.0, w.1);
        assert!(exp_f32(f32::NAN).is_nan());
        assert!(exp_f32(f32::NEG_INFINITY) < 1.3e-38 && exp_f32(f32::INFINITY) > 2e38);
    }

    #[test]
    fn sigmoid_and_tanh_are_within_three_ulps() {
        let w = worst(sigmoid_f32, |x| 1.0 / (1.0 + (-x).exp()), -87.0, f32::MAX);
        assert!(w.0 <= 3, "sigmoid: {} ulp at {}", w.0, w.1);
        let w = worst(tanh_f32, f64::tanh, f32::MIN, f32::MAX);
        assert!(w.0 <= 3, "tanh: {} ulp at {}", w.0, w.1);
        assert_eq!((tanh_f32(f32::INFINITY), tanh_f32(f32::NEG_INFINITY)), (1.0, -1.0));
        assert_eq!((sigmoid_f32(f32::INFINITY), sigmoid_f32(f32::NEG_INFINITY) < 1e-37), (1.0, true));
        assert!(tanh_f32(f32::NAN).is_nan() && sigmoid_f32(f32::NAN).is_nan());
        assert_eq!(tanh_f32(-0.0).to_bits(), (-0.0f32).to_bits());
    }
}

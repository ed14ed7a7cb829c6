//! RMSProp as MXNet 1.9.1 has it: Tieleman & Hinton's version (`rmsprop_update`) and
//! Graves's centered version (`rmspropalex_update`).
//!
//! ```text
//! G = clip(rescale_grad * grad + wd * w)
//! n = gamma1 * n + (1 - gamma1) * G^2
//! plain:     w -= lr * G / sqrt(n + epsilon)
//! centered:  g = gamma1 * g + (1 - gamma1) * G
//!            delta = gamma2 * delta - lr * G / sqrt(n - g^2 + epsilon)
//!            w += delta
//! then, with clip_weights: w = clip(w, clip_weights)
//! ```

use super::{apply, bound, clip, Hyper, HyperT, Real, Rule};
use crate::error::Result;
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsProp {
    pub hyper: Hyper,
    /// Decay of the moving averages of `G^2` (and of `G`, centered).
    pub gamma1: f64,
    /// The momentum of the centered version.
    pub gamma2: f64,
    pub epsilon: f64,
    /// Clip the updated weight to `[-c, c]`; `None` or a negative `c` does not clip.
    pub clip_weights: Option<f64>,
}

impl RmsProp {
    /// Updates `weight` and `n` in place; with `centered = Some((g, delta))`, the centered
    /// version, which updates those two states too.
    pub fn update(&self, weight: &Tensor, grad: &Tensor, n: &Tensor, centered: Option<(&Tensor, &Tensor)>) -> Result<()> {
        match centered {
            None => apply(self, [weight, grad, n]),
            Some((g, delta)) => apply(self, [weight, grad, n, g, delta]),
        }
    }
}

/// The constants both versions use, as elements.
#[derive(Clone, Copy)]
struct Consts<T> {
    h: HyperT<T>,
    gamma1: T,
    /// `1 - gamma1`, taken in f64 (see `adam.rs`).
    one_minus_gamma1: T,
    gamma2: T,
    epsilon: T,
    clip_weights: T,
}

impl RmsProp {
    fn consts<T: Real>(&self) -> Consts<T> {
        Consts {
            h: self.hyper.to::<T>(),
            gamma1: T::from_f64(self.gamma1),
            one_minus_gamma1: T::from_f64(1.0 - self.gamma1),
            gamma2: T::from_f64(self.gamma2),
            epsilon: T::from_f64(self.epsilon),
            clip_weights: bound::<T>(self.clip_weights),
        }
    }
}

impl<T: Real> Consts<T> {
    /// The preprocessed gradient and the updated `n`.
    #[inline(always)]
    fn grad_and_n(&self, w: T, g: T, n: &mut T) -> T {
        let g = clip(self.h.rescale * g + self.h.wd * w, self.h.clip);
        *n = self.one_minus_gamma1 * g * g + self.gamma1 * *n;
        g
    }
}

impl Rule<3> for RmsProp {
    const NAME: &'static str = "rmsprop_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.gamma1, self.epsilon, self.clip_weights.unwrap_or(-1.0)])
    }
    const OPERANDS: [&'static str; 3] = ["weight", "grad", "n"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 3]) + Sync {
        let c = self.consts::<T>();
        move |[w, g, n]: &mut [T; 3]| {
            let g = c.grad_and_n(*w, *g, n);
            *w = clip(*w - c.h.lr * (g / (*n + c.epsilon).sqrt()), c.clip_weights);
        }
    }
}

impl Rule<5> for RmsProp {
    const NAME: &'static str = "rmspropalex_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.gamma1, self.gamma2, self.epsilon, self.clip_weights.unwrap_or(-1.0)])
    }
    const OPERANDS: [&'static str; 5] = ["weight", "grad", "n", "g", "delta"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 5]) + Sync {
        let c = self.consts::<T>();
        move |[w, g, n, avg, delta]: &mut [T; 5]| {
            let g = c.grad_and_n(*w, *g, n);
            *avg = c.one_minus_gamma1 * g + c.gamma1 * *avg;
            *delta = c.gamma2 * *delta - c.h.lr * (g / (*n - *avg * *avg + c.epsilon).sqrt());
            *w = clip(*w + *delta, c.clip_weights);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_close, data, tensor, values};
    use super::*;
    use crate::DType;

    #[test]
    fn both_versions_match_the_formulas_over_steps() {
        for centered in [false, true] {
            for dtype in [DType::F32, DType::F64] {
                let h = Hyper { lr: 0.01, wd: 0.05, rescale_grad: 2.0, clip_gradient: Some(1.5) };
                let rule = RmsProp { hyper: h, gamma1: 0.9, gamma2: 0.8, epsilon: 1e-8, clip_weights: Some(0.9) };
                let k = 24;
                let mut wr = data(k, 7);
                let (mut nr, mut gr, mut dr) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
                let w = tensor(&wr, &[k], dtype);
                let (n, g, d) = (tensor(&nr, &[k], dtype), tensor(&gr, &[k], dtype), tensor(&dr, &[k], dtype));
                for step in 0..5 {
                    let g0 = data(k, 50 + step);
                    let grad = tensor(&g0, &[k], dtype);
                    rule.update(&w, &grad, &n, centered.then_some((&g, &d))).unwrap();
                    for i in 0..k {
                        let gg = (2.0 * g0[i] + 0.05 * wr[i]).clamp(-1.5, 1.5);
                        nr[i] = 0.1 * gg * gg + 0.9 * nr[i];
                        if centered {
                            gr[i] = 0.1 * gg + 0.9 * gr[i];
                            dr[i] = 0.8 * dr[i] - 0.01 * gg / (nr[i] - gr[i] * gr[i] + 1e-8).sqrt();
                            wr[i] += dr[i];
                        } else {
                            wr[i] -= 0.01 * gg / (nr[i] + 1e-8).sqrt();
                        }
                        wr[i] = wr[i].clamp(-0.9, 0.9);
                    }
                }
                let tol = if dtype == DType::F32 { 1e-5 } else { 1e-12 };
                assert_close(&values(&w), &wr, tol);
                assert_close(&values(&n), &nr, tol);
                if centered {
                    assert_close(&values(&g), &gr, tol);
                    assert_close(&values(&d), &dr, tol);
                }
            }
        }
    }
}

//! Adam (MXNet 1.9.1's `adam_update`) and AdamW with decoupled weight decay (MXNet 2.0's
//! `AdamW`, the contrib `adamw_update` kernel).
//!
//! ```text
//! Adam:   G = clip(rescale_grad * grad + wd * w)
//!         m = beta1 * m + (1 - beta1) * G
//!         v = beta2 * v + (1 - beta2) * G^2
//!         w -= lr * m / (sqrt(v) + epsilon)
//!
//! AdamW:  G = clip(rescale_grad * grad)
//!         m, v as above
//!         w -= lr * (m / (sqrt(v) + epsilon) + wd * w)
//! ```
//!
//! `lr` is the step's learning rate with the bias correction already applied, as MXNet's
//! optimizers pass it to the kernels: [`bias_corrected_lr`]. MXNet corrects the learning
//! rate rather than the moments, so `epsilon` is added to `sqrt(v)`, not to `sqrt(v_hat)`,
//! and AdamW's decay is scaled by the corrected rate. Both are kept here: results match
//! MXNet's, not PyTorch's (which differ in the last digits for small `v`).

use super::{apply, clip, Hyper, Real, Rule};
use crate::error::Result;
use crate::tensor::Tensor;

/// The learning rate of step `t` (1-based) with Adam's bias correction:
/// `lr * sqrt(1 - beta2^t) / (1 - beta1^t)`.
pub fn bias_corrected_lr(lr: f64, beta1: f64, beta2: f64, t: u64) -> f64 {
    let t = t.min(i32::MAX as u64) as i32;
    lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t))
}

/// Adam with L2 weight decay added to the gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    pub hyper: Hyper,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
}

/// Adam with weight decay applied to the weight directly (decoupled).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamW {
    pub hyper: Hyper,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
}

impl Adam {
    /// Updates `weight`, the first moment `mean` and the second moment `var` in place.
    pub fn update(&self, weight: &Tensor, grad: &Tensor, mean: &Tensor, var: &Tensor) -> Result<()> {
        apply(self, [weight, grad, mean, var])
    }
}

impl AdamW {
    /// Updates `weight`, the first moment `mean` and the second moment `var` in place.
    pub fn update(&self, weight: &Tensor, grad: &Tensor, mean: &Tensor, var: &Tensor) -> Result<()> {
        apply(self, [weight, grad, mean, var])
    }
}

/// The moment decays as elements. `1 - beta` is taken in f64 first: in f32, `1 - 0.999f32`
/// is off by 1e-5 relative, which would skew `v`.
#[derive(Clone, Copy)]
struct Moments<T> {
    beta1: T,
    beta2: T,
    one_minus_beta1: T,
    one_minus_beta2: T,
    epsilon: T,
}

impl<T: Real> Moments<T> {
    fn new(beta1: f64, beta2: f64, epsilon: f64) -> Moments<T> {
        Moments {
            beta1: T::from_f64(beta1),
            beta2: T::from_f64(beta2),
            one_minus_beta1: T::from_f64(1.0 - beta1),
            one_minus_beta2: T::from_f64(1.0 - beta2),
            epsilon: T::from_f64(epsilon),
        }
    }

    /// Updates `m` and `v` with the preprocessed gradient; returns the step direction
    /// `m / (sqrt(v) + epsilon)`.
    #[inline(always)]
    fn step(&self, g: T, m: &mut T, v: &mut T) -> T {
        *m = self.beta1 * *m + self.one_minus_beta1 * g;
        *v = self.beta2 * *v + self.one_minus_beta2 * g * g;
        *m / ((*v).sqrt() + self.epsilon)
    }
}

impl Rule<4> for Adam {
    const NAME: &'static str = "adam_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.beta1, self.beta2, self.epsilon])
    }
    const OPERANDS: [&'static str; 4] = ["weight", "grad", "mean", "var"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 4]) + Sync {
        let h = self.hyper.to::<T>();
        let mo = Moments::<T>::new(self.beta1, self.beta2, self.epsilon);
        move |[w, g, m, v]: &mut [T; 4]| {
            let g = clip(h.rescale * *g + h.wd * *w, h.clip);
            *w = *w - h.lr * mo.step(g, m, v);
        }
    }
}

impl Rule<4> for AdamW {
    const NAME: &'static str = "adamw_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.beta1, self.beta2, self.epsilon])
    }
    const OPERANDS: [&'static str; 4] = ["weight", "grad", "mean", "var"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 4]) + Sync {
        let h = self.hyper.to::<T>();
        let mo = Moments::<T>::new(self.beta1, self.beta2, self.epsilon);
        move |[w, g, m, v]: &mut [T; 4]| {
            let g = clip(h.rescale * *g, h.clip);
            *w = *w - h.lr * (mo.step(g, m, v) + h.wd * *w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_close, data, tensor, values};
    use super::*;
    use crate::DType;

    /// Adam or AdamW on one element, straight from the formulas above.
    fn reference(decoupled: bool, h: &Hyper, w: &mut f64, g: f64, m: &mut f64, v: &mut f64, t: u64) {
        let (b1, b2, eps) = (0.9, 0.999, 1e-8);
        let c = h.clip_gradient.unwrap_or(f64::INFINITY);
        let g = if decoupled { h.rescale_grad * g } else { h.rescale_grad * g + h.wd * *w };
        let g = g.clamp(-c, c);
        *m = b1 * *m + (1.0 - b1) * g;
        *v = b2 * *v + (1.0 - b2) * g * g;
        let lr = h.lr * (1.0 - b2.powi(t as i32)).sqrt() / (1.0 - b1.powi(t as i32));
        let d = *m / (v.sqrt() + eps);
        *w -= if decoupled { lr * (d + h.wd * *w) } else { lr * d };
    }

    #[test]
    fn adam_and_adamw_match_the_formulas_over_steps() {
        for decoupled in [false, true] {
            for dtype in [DType::F32, DType::F64] {
                for clip in [None, Some(0.2)] {
                    let h = Hyper { lr: 0.01, wd: 0.1, rescale_grad: 0.5, clip_gradient: clip };
                    let n = 40;
                    let mut wr = data(n, 1);
                    let (mut mr, mut vr) = (vec![0.0; n], vec![0.0; n]);
                    let w = tensor(&wr, &[4, 10], dtype);
                    let (m, v) = (tensor(&mr, &[4, 10], dtype), tensor(&vr, &[4, 10], dtype));
                    for t in 1..=5u64 {
                        let g0 = data(n, 100 + t);
                        let g = tensor(&g0, &[4, 10], dtype);
                        let step = Hyper { lr: bias_corrected_lr(h.lr, 0.9, 0.999, t), ..h };
                        if decoupled {
                            AdamW { hyper: step, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }.update(&w, &g, &m, &v).unwrap();
                        } else {
                            Adam { hyper: step, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }.update(&w, &g, &m, &v).unwrap();
                        }
                        for i in 0..n {
                            reference(decoupled, &h, &mut wr[i], g0[i], &mut mr[i], &mut vr[i], t);
                        }
                    }
                    let tol = if dtype == DType::F32 { 1e-5 } else { 1e-12 };
                    assert_close(&values(&w), &wr, tol);
                    assert_close(&values(&m), &mr, tol);
                    assert_close(&values(&v), &vr, tol);
                }
            }
        }
    }

    #[test]
    fn bias_correction_of_the_first_step() {
        let lr = bias_corrected_lr(0.001, 0.9, 0.999, 1);
        assert!((lr - 0.001 * 0.001f64.sqrt() / 0.1).abs() < 1e-15);
    }
}

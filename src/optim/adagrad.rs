//! AdaGrad as MXNet 1.9.1's `AdaGrad` optimizer applies it to dense arrays:
//!
//! ```text
//! G = clip(rescale_grad * grad)
//! history += G^2
//! w -= lr * (G / sqrt(history + epsilon) + wd * w)
//! ```

use super::{apply, clip, Hyper, Real, Rule};
use crate::error::Result;
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaGrad {
    pub hyper: Hyper,
    /// Added to the history under the square root (MXNet's `eps`, default 1e-7).
    pub epsilon: f64,
}

impl AdaGrad {
    /// Updates `weight` and the squared-gradient sum `history` in place.
    pub fn update(&self, weight: &Tensor, grad: &Tensor, history: &Tensor) -> Result<()> {
        apply(self, [weight, grad, history])
    }
}

impl Rule<3> for AdaGrad {
    const NAME: &'static str = "adagrad_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.epsilon])
    }
    const OPERANDS: [&'static str; 3] = ["weight", "grad", "history"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 3]) + Sync {
        let h = self.hyper.to::<T>();
        let eps = T::from_f64(self.epsilon);
        move |[w, g, hist]: &mut [T; 3]| {
            let g = clip(h.rescale * *g, h.clip);
            *hist = *hist + g * g;
            *w = *w - h.lr * (g / (*hist + eps).sqrt() + h.wd * *w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_close, data, tensor, values};
    use super::*;
    use crate::DType;

    #[test]
    fn matches_the_formula_over_steps() {
        for dtype in [DType::F32, DType::F64] {
            let h = Hyper { lr: 0.1, wd: 0.02, rescale_grad: 3.0, clip_gradient: Some(2.0) };
            let rule = AdaGrad { hyper: h, epsilon: 1e-7 };
            let k = 33;
            let mut wr = data(k, 9);
            let mut hr = vec![0.0; k];
            let (w, hist) = (tensor(&wr, &[3, 11], dtype), tensor(&hr, &[3, 11], dtype));
            for step in 0..4 {
                let g0 = data(k, 70 + step);
                rule.update(&w, &tensor(&g0, &[3, 11], dtype), &hist).unwrap();
                for i in 0..k {
                    let g = (3.0 * g0[i]).clamp(-2.0, 2.0);
                    hr[i] += g * g;
                    wr[i] -= 0.1 * (g / (hr[i] + 1e-7).sqrt() + 0.02 * wr[i]);
                }
            }
            let tol = if dtype == DType::F32 { 1e-5 } else { 1e-12 };
            assert_close(&values(&w), &wr, tol);
            assert_close(&values(&hist), &hr, tol);
        }
    }
}

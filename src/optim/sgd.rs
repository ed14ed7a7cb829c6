//! Stochastic gradient descent: plain, with momentum (MXNet's `sgd_update` and
//! `sgd_mom_update`), and Nesterov's accelerated gradient (`nag_mom_update`).
//!
//! With `g = clip(rescale_grad * grad)` and `G = g + wd * w`:
//!
//! ```text
//! SGD, no momentum:  w -= lr * G
//! SGD, momentum:     mom = momentum * mom - lr * G;        w += mom
//! NAG:               mom = momentum * mom - lr * G;        w += momentum * mom - lr * G
//! ```
//!
//! NAG keeps the learning rate inside the momentum, as MXNet's kernel does (so SGD and NAG
//! states mean the same thing). With a constant learning rate this is MXNet's documented
//! form `mom = momentum * mom + G; w -= lr * (G + momentum * mom)` with its `mom` scaled by
//! `-lr`; without momentum NAG is plain SGD.

use super::{apply, clip, Hyper, Real, Rule};
use crate::error::Result;
use crate::tensor::Tensor;

/// SGD with optional momentum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    pub hyper: Hyper,
    /// Used when a momentum state is passed to `update`.
    pub momentum: f64,
}

/// Nesterov's accelerated gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nag {
    pub hyper: Hyper,
    pub momentum: f64,
}

impl Sgd {
    /// Updates `weight` in place; with `mom`, the momentum rule (updating `mom` too).
    pub fn update(&self, weight: &Tensor, grad: &Tensor, mom: Option<&Tensor>) -> Result<()> {
        match mom {
            None => apply(self, [weight, grad]),
            Some(m) => apply(self, [weight, grad, m]),
        }
    }
}

impl Nag {
    /// Updates `weight` in place; with `mom`, Nesterov's rule, otherwise plain SGD.
    pub fn update(&self, weight: &Tensor, grad: &Tensor, mom: Option<&Tensor>) -> Result<()> {
        match mom {
            None => apply(&Sgd { hyper: self.hyper, momentum: 0.0 }, [weight, grad]),
            Some(m) => apply(self, [weight, grad, m]),
        }
    }
}

impl Rule<2> for Sgd {
    const NAME: &'static str = "sgd_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![])
    }
    const OPERANDS: [&'static str; 2] = ["weight", "grad"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 2]) + Sync {
        let h = self.hyper.to::<T>();
        move |[w, g]: &mut [T; 2]| {
            let g = clip(h.rescale * *g, h.clip);
            *w = *w - h.lr * (g + h.wd * *w);
        }
    }
}

impl Rule<3> for Sgd {
    const NAME: &'static str = "sgd_mom_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.momentum])
    }
    const OPERANDS: [&'static str; 3] = ["weight", "grad", "mom"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 3]) + Sync {
        let h = self.hyper.to::<T>();
        let momentum = T::from_f64(self.momentum);
        move |[w, g, m]: &mut [T; 3]| {
            let g = clip(h.rescale * *g, h.clip);
            *m = momentum * *m - h.lr * (g + h.wd * *w);
            *w = *w + *m;
        }
    }
}

impl Rule<3> for Nag {
    const NAME: &'static str = "nag_mom_update";
    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        (self.hyper, vec![self.momentum])
    }
    const OPERANDS: [&'static str; 3] = ["weight", "grad", "mom"];
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; 3]) + Sync {
        let h = self.hyper.to::<T>();
        let momentum = T::from_f64(self.momentum);
        move |[w, g, m]: &mut [T; 3]| {
            let step = h.lr * (clip(h.rescale * *g, h.clip) + h.wd * *w);
            *m = momentum * *m - step;
            *w = *w + momentum * *m - step;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_close, data, tensor, values};
    use super::*;
    use crate::DType;

    fn hyper() -> Hyper {
        Hyper { lr: 0.1, wd: 0.01, rescale_grad: 0.5, clip_gradient: Some(0.3) }
    }

    fn g_of(g: f64, h: &Hyper) -> f64 {
        (h.rescale_grad * g).clamp(-h.clip_gradient.unwrap(), h.clip_gradient.unwrap())
    }

    #[test]
    fn plain_sgd_matches_the_formula() {
        for dtype in [DType::F32, DType::F64] {
            let (w0, g0) = (data(37, 1), data(37, 2));
            let (w, g) = (tensor(&w0, &[37], dtype), tensor(&g0, &[37], dtype));
            let h = hyper();
            Sgd { hyper: h, momentum: 0.9 }.update(&w, &g, None).unwrap();
            let want: Vec<f64> = w0.iter().zip(&g0).map(|(&w, &g)| w - h.lr * (g_of(g, &h) + h.wd * w)).collect();
            assert_close(&values(&w), &want, if dtype == DType::F32 { 1e-6 } else { 1e-14 });
        }
    }

    #[test]
    fn momentum_and_nesterov_match_the_formulas_over_steps() {
        for dtype in [DType::F32, DType::F64] {
            let h = hyper();
            let shape = [5, 7];
            let mut w_ref = data(35, 3);
            let (mut ms, mut mn) = (vec![0.0; 35], vec![0.0; 35]);
            let mut wn_ref = w_ref.clone();
            let (w, wn) = (tensor(&w_ref, &shape, dtype), tensor(&w_ref, &shape, dtype));
            let (mom, momn) = (tensor(&ms, &shape, dtype), tensor(&mn, &shape, dtype));
            for step in 0..4 {
                let g0 = data(35, 10 + step);
                let g = tensor(&g0, &shape, dtype);
                Sgd { hyper: h, momentum: 0.9 }.update(&w, &g, Some(&mom)).unwrap();
                Nag { hyper: h, momentum: 0.9 }.update(&wn, &g, Some(&momn)).unwrap();
                for i in 0..35 {
                    let gg = g_of(g0[i], &h);
                    ms[i] = 0.9 * ms[i] - h.lr * (gg + h.wd * w_ref[i]);
                    w_ref[i] += ms[i];
                    // MXNet's documented NAG form, its momentum kept without the lr.
                    let big_g = gg + h.wd * wn_ref[i];
                    mn[i] = 0.9 * mn[i] + big_g;
                    wn_ref[i] -= h.lr * (big_g + 0.9 * mn[i]);
                }
            }
            let tol = if dtype == DType::F32 { 1e-5 } else { 1e-13 };
            assert_close(&values(&w), &w_ref, tol);
            assert_close(&values(&mom), &ms, tol);
            assert_close(&values(&wn), &wn_ref, tol);
            let scaled: Vec<f64> = mn.iter().map(|m| -h.lr * m).collect();
            assert_close(&values(&momn), &scaled, tol);
        }
    }

    #[test]
    fn nag_without_momentum_is_sgd() {
        let (w0, g0) = (data(9, 4), data(9, 5));
        let (a, b, g) = (tensor(&w0, &[9], DType::F64), tensor(&w0, &[9], DType::F64), tensor(&g0, &[9], DType::F64));
        Nag { hyper: hyper(), momentum: 0.0 }.update(&a, &g, None).unwrap();
        Sgd { hyper: hyper(), momentum: 0.0 }.update(&b, &g, None).unwrap();
        assert_eq!(values(&a), values(&b));
    }
}

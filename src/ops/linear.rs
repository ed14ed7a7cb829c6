//! The fully connected layer as one op: `act(x @ wᵀ + b)`.
//!
//! A Gluon `Dense` forward would otherwise be three ops (product, bias, activation): three
//! calls from Python, three graph nodes and two extra passes over the output. Here the bias
//! and the ReLU are applied in the product's own fresh buffer, and one node carries the whole
//! gradient.

use super::unary::{fused_grad, UnaryOp};
use super::{with_mut_ptr, with_ptr};
use crate::autograd::graph::{BackwardFn, Saver};
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::storage::StorageElement;
use crate::tensor::Tensor;

/// The activation fused into `linear`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinearAct {
    Identity,
    Relu,
}

impl Tensor {
    /// `act(self @ weight.T + bias)` for `self` of shape (n, k), `weight` (m, k) and `bias` (m,).
    pub fn linear(&self, weight: &Tensor, bias: Option<&Tensor>, act: LinearAct) -> Result<Tensor> {
        let (xs, ws) = (self.shape(), weight.shape());
        if xs.len() != 2 || ws.len() != 2 || xs[1] != ws[1] {
            return Err(Error::Shape(format!(
                "linear: input shape {} does not fit weight shape {} (expected (batch, {}))",
                fmt_shape(xs),
                fmt_shape(ws),
                ws.get(1).map_or("k".to_string(), |k| k.to_string())
            )));
        }
        self.same_device(weight, "linear")?;
        if let Some(b) = bias {
            if b.shape() != [ws[0]] {
                return Err(Error::Shape(format!(
                    "linear: bias shape {} does not fit weight shape {} (expected ({},))",
                    fmt_shape(b.shape()),
                    fmt_shape(ws),
                    ws[0]
                )));
            }
            self.same_device(b, "linear")?;
        }
        let dtype = self.dtype();
        let fused = dtype.is_float() && weight.dtype() == dtype && bias.map_or(true, |b| b.dtype() == dtype);
        if !fused {
            // Mixed or integer dtypes: the general ops promote as NumPy does.
            let mut out = self.matmul(&weight.swapaxes(0, 1)?)?;
            if let Some(b) = bias {
                out = out.add(b)?;
            }
            return if act == LinearAct::Relu { out.unary(UnaryOp::Relu) } else { Ok(out) };
        }
        let mut inputs = vec![self, weight];
        inputs.extend(bias);
        crate::autograd::track(
            "linear",
            &inputs,
            || forward(self, weight, bias, act),
            |s| rule(s, self, weight, bias.is_some(), act),
        )
    }
}

fn forward(x: &Tensor, w: &Tensor, b: Option<&Tensor>, act: LinearAct) -> Result<Tensor> {
    let out = x.matmul(&w.swapaxes(0, 1)?)?;
    if b.is_none() && act == LinearAct::Identity {
        return Ok(out);
    }
    crate::ops::backend::on(out.device())?.epilogue(&out, b, act == LinearAct::Relu)?;
    Ok(out)
}

/// The fused layer's primitive of a backend.
pub(crate) trait LinearKernels {
    /// `out = act(out + bias)` in place, row by row, for a fresh dense (rows, cols) `out`.
    fn epilogue(&self, out: &Tensor, bias: Option<&Tensor>, relu: bool) -> Result<()>;
}

impl LinearKernels for crate::cpu::Cpu {
    fn epilogue(&self, out: &Tensor, bias: Option<&Tensor>, relu: bool) -> Result<()> {
        let act = if relu { LinearAct::Relu } else { LinearAct::Identity };
        match out.dtype() {
            DType::F32 => epilogue::<f32>(out, bias, act),
            DType::F64 => epilogue::<f64>(out, bias, act),
            d => Err(Error::Value(format!("linear: unsupported dtype {d}"))),
        }
    }
}

/// Adds the bias to each row and applies the activation, in place. `out` is the product's
/// fresh, dense (n, m) buffer, which nothing else references yet.
fn epilogue<T: StorageElement + num_like::Float>(out: &Tensor, b: Option<&Tensor>, act: LinearAct) -> Result<()> {
    let m = out.shape()[1];
    let n = out.numel();
    let relu = act == LinearAct::Relu;
    let b = match b {
        Some(b) => Some(b.contiguous()?),
        None => None,
    };
    let apply = |bias: Option<&[T]>| {
        with_mut_ptr::<T, _>(out, |po| {
            // SAFETY: `out` is dense with `n` elements from its storage offset.
            let data = unsafe { std::slice::from_raw_parts_mut(po.add(out.layout().offset()), n) };
            for row in data.chunks_mut(m.max(1)) {
                if let Some(bias) = bias {
                    for (v, b) in row.iter_mut().zip(bias) {
                        *v = v.add(*b);
                    }
                }
                if relu {
                    for v in row.iter_mut() {
                        *v = v.max0();
                    }
                }
            }
            Ok(())
        })
    };
    match &b {
        // SAFETY: a contiguous bias holds `m` elements from its storage offset.
        Some(b) => with_ptr::<T, _>(b, |pb| apply(Some(unsafe { std::slice::from_raw_parts(pb.add(b.layout().offset()), m) }))),
        None => apply(None),
    }
}

/// Gradients: with `g' = g * act'(out)`, `dx = g' @ w`, `dw = g'ᵀ @ x`, `db = sum(g', 0)`.
fn rule(s: &mut Saver, x: &Tensor, w: &Tensor, has_bias: bool, act: LinearAct) -> BackwardFn {
    let need_x = s.needs(0);
    let need_w = s.needs(1);
    let need_b = has_bias && s.needs(2);
    let xs = need_w.then(|| s.keep(x));
    let ws = need_x.then(|| s.keep(w));
    let out = (act == LinearAct::Relu).then(|| s.output());
    Box::new(move |g, _| {
        let g = match &out {
            Some(y) => match fused_grad(UnaryOp::Relu, g, y)? {
                Some(t) => t,
                None => g.mul(&y.binary_scalar(crate::tensor::Scalar::Float(0.0), crate::BinaryOp::Gt, false)?.astype(g.dtype())?)?,
            },
            None => g.clone(),
        };
        let gx = match &ws {
            Some(w) => Some(g.matmul(w)?),
            None => None,
        };
        let gw = match &xs {
            Some(x) => Some(g.swapaxes(0, 1)?.matmul(x)?),
            None => None,
        };
        let gb = if need_b { Some(g.sum(Some(&[0]), false)?) } else { None };
        let mut grads = vec![gx, gw];
        if has_bias {
            grads.push(gb);
        }
        Ok(grads)
    })
}

/// The two float operations the epilogue needs, for f32 and f64.
mod num_like {
    pub trait Float: Copy {
        fn add(self, o: Self) -> Self;
        fn max0(self) -> Self;
    }
    macro_rules! float {
        ($t:ty) => {
            impl Float for $t {
                #[inline]
                fn add(self, o: Self) -> Self {
                    self + o
                }
                #[inline]
                fn max0(self) -> Self {
                    // NaN stays NaN, as in the unary relu.
                    if self < 0.0 {
                        0.0
                    } else {
                        self
                    }
                }
            }
        };
    }
    float!(f32);
    float!(f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<f64>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }

    #[test]
    fn bias_and_relu_are_applied_to_each_row() {
        let x = t(vec![1.0, 2.0, -1.0, -2.0], &[2, 2]);
        let w = t(vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
        let b = t(vec![0.5, -0.5, 0.0], &[3]);
        let y = x.linear(&w, Some(&b), LinearAct::Identity).unwrap();
        assert_eq!(y.to_vec::<f64>().unwrap(), vec![1.5, 1.5, 3.0, -0.5, -2.5, -3.0]);
        let r = x.linear(&w, Some(&b), LinearAct::Relu).unwrap();
        assert_eq!(r.to_vec::<f64>().unwrap(), vec![1.5, 1.5, 3.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn gradients_follow_the_relu_mask() {
        let x = t(vec![1.0, -1.0], &[1, 2]);
        let w = t(vec![1.0, 1.0, 2.0, 1.0], &[2, 2]);
        let b = t(vec![0.0, 0.0], &[2]);
        for v in [&x, &w, &b] {
            v.attach_grad(crate::autograd::GradReq::Write).unwrap();
        }
        let y = crate::autograd::record(|| x.linear(&w, Some(&b), LinearAct::Relu).unwrap().sum(None, false).unwrap());
        crate::autograd::backward(&[y], &[None], false).unwrap();
        // Pre-activations: [0, 1]; only the second unit passes the gradient.
        assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), vec![2.0, 1.0]);
        assert_eq!(w.grad().unwrap().to_vec::<f64>().unwrap(), vec![0.0, 0.0, 1.0, -1.0]);
        assert_eq!(b.grad().unwrap().to_vec::<f64>().unwrap(), vec![0.0, 1.0]);
    }

    #[test]
    fn mismatched_shapes_are_errors() {
        let x = t(vec![1.0; 6], &[2, 3]);
        let w = t(vec![1.0; 8], &[2, 4]);
        let msg = x.linear(&w, None, LinearAct::Identity).unwrap_err().to_string();
        assert!(msg.contains("(2, 3)") && msg.contains("(2, 4)"), "{msg}");
        let w = t(vec![1.0; 6], &[2, 3]);
        let b = t(vec![1.0; 3], &[3]);
        assert!(x.linear(&w, Some(&b), LinearAct::Identity).is_err());
    }
}

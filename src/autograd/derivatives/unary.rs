//! Gradients of the elementwise math functions. Rules that are cheapest in terms of the
//! output (exp, sqrt, tanh, sigmoid, ...) use the saved output for first derivatives and
//! recompute it from the recorded input when the backward pass is itself recorded.

use super::{output_or, scalar_like, scale};
use crate::autograd::graph::{BackwardFn, Saver};
use crate::ops::binary::BinaryOp;
use crate::ops::unary::{fused_grad, UnaryOp};
use crate::tensor::{Scalar, Tensor};
use crate::error::Result;

fn rsub1(t: &Tensor) -> Result<Tensor> {
    t.binary_scalar(Scalar::Float(1.0), BinaryOp::Sub, true)
}

fn add1(t: &Tensor) -> Result<Tensor> {
    t.binary_scalar(Scalar::Float(1.0), BinaryOp::Add, false)
}

/// `x op' (x, y)`: the derivative of `op` at `x`, where `y = op(x)`.
fn derivative(op: UnaryOp, x: &Tensor, y: &Tensor) -> Result<Tensor> {
    use UnaryOp::*;
    let u = |o: UnaryOp, t: &Tensor| t.unary(o);
    Ok(match op {
        Neg => scalar_like(-1.0, x)?,
        Abs => u(Sign, x)?,
        Square => scale(x, 2.0)?,
        // 1 above 0, 0 below, NaN at NaN (MXNet propagates a NaN input into the gradient)
        Relu => Tensor::where_(
            &u(IsNan, x)?,
            x,
            &x.binary_scalar(Scalar::Float(0.0), BinaryOp::Gt, false)?.astype(x.dtype())?,
        )?,
        Exp => y.clone(),
        Exp2 => scale(y, std::f64::consts::LN_2)?,
        Log => u(Reciprocal, x)?,
        Log2 => u(Reciprocal, &scale(x, std::f64::consts::LN_2)?)?,
        Log10 => u(Reciprocal, &scale(x, std::f64::consts::LN_10)?)?,
        Log1p => u(Reciprocal, &add1(x)?)?,
        Expm1 => add1(y)?,
        Sqrt => u(Reciprocal, &scale(y, 2.0)?)?,
        Cbrt => u(Reciprocal, &scale(&u(Square, y)?, 3.0)?)?,
        Reciprocal => u(Neg, &u(Square, y)?)?,
        Sin => u(Cos, x)?,
        Cos => u(Neg, &u(Sin, x)?)?,
        Tan => add1(&u(Square, y)?)?,
        Arcsin => u(Reciprocal, &u(Sqrt, &rsub1(&u(Square, x)?)?)?)?,
        Arccos => u(Neg, &u(Reciprocal, &u(Sqrt, &rsub1(&u(Square, x)?)?)?)?)?,
        Arctan => u(Reciprocal, &add1(&u(Square, x)?)?)?,
        Sinh => u(Cosh, x)?,
        Cosh => u(Sinh, x)?,
        Tanh => rsub1(&u(Square, y)?)?,
        Arcsinh => u(Reciprocal, &u(Sqrt, &add1(&u(Square, x)?)?)?)?,
        Arccosh => u(Reciprocal, &u(Sqrt, &x.binary_scalar(Scalar::Float(1.0), BinaryOp::Sub, false)?.mul(&add1(x)?)?)?)?,
        Arctanh => u(Reciprocal, &rsub1(&u(Square, x)?)?)?,
        Sigmoid => y.mul(&rsub1(y)?)?,
        Deg2rad => scalar_like(std::f64::consts::PI / 180.0, x)?,
        Rad2deg => scalar_like(180.0 / std::f64::consts::PI, x)?,
        // 2/√π · exp(-x²)
        Erf => scale(&u(Exp, &u(Neg, &u(Square, x)?)?)?, std::f64::consts::FRAC_2_SQRT_PI)?,
        // √π/2 · exp(erfinv(x)²)
        Erfinv => scale(&u(Exp, &u(Square, y)?)?, std::f64::consts::PI.sqrt() / 2.0)?,
        Gamma => y.mul(&u(Digamma, x)?)?,
        Gammaln => u(Digamma, x)?,
        Digamma => u(Trigamma, x)?,
        Trigamma | Sign | Floor | Ceil | Trunc | Round | LogicalNot | Invert | IsNan | IsInf | IsFinite => scalar_like(0.0, x)?,
    })
}

/// Whether the derivative reads the output.
fn uses_output(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(op, Exp | Exp2 | Expm1 | Sqrt | Cbrt | Reciprocal | Tan | Tanh | Sigmoid | Erfinv | Gamma)
}

pub(crate) fn rule(op: UnaryOp, s: &mut Saver, x: &Tensor) -> BackwardFn {
    let x = s.keep(x);
    let y = if uses_output(op) { Some(s.output()) } else { None };
    Box::new(move |g, _| {
        if !crate::autograd::is_recording() {
            // First derivatives of the common activations: one fused pass.
            let v = if op.spec().grad_from_output { y.as_ref().unwrap_or(&x) } else { &x };
            if let Some(r) = fused_grad(op, g, v)? {
                return Ok(vec![Some(r)]);
            }
        }
        let y = match &y {
            Some(saved) => output_or(saved, || x.unary(op))?,
            None => x.clone(),
        };
        Ok(vec![Some(g.mul(&derivative(op, &x, &y)?)?)])
    })
}

//! Backward rules, one file per family of `ops/`. Each rule is written with the public
//! (recorded) tensor operations, so that with `create_graph` the backward pass is itself
//! recorded and can be differentiated again.

pub(crate) mod binary;
pub(crate) mod conv;
pub(crate) mod copy;
pub(crate) mod index;
pub(crate) mod matmul;
pub(crate) mod norm;
pub(crate) mod pool;
pub(crate) mod reduce;
pub(crate) mod shape;
pub(crate) mod sort;
pub(crate) mod unary;
pub(crate) mod where_clip;

use super::graph::BackwardFn;
use crate::error::Result;
use crate::tensor::{Scalar, Tensor};

/// A 0-d tensor holding `v` in `like`'s dtype and device.
pub(crate) fn scalar_like(v: f64, like: &Tensor) -> Result<Tensor> {
    Tensor::from_scalar(Scalar::Float(v), like.dtype(), like.device())
}

/// `t * c` for a Python-style float `c` (keeps `t`'s float dtype).
pub(crate) fn scale(t: &Tensor, c: f64) -> Result<Tensor> {
    t.binary_scalar(Scalar::Float(c), crate::BinaryOp::Mul, false)
}

/// A saved output for first derivatives, or the output computed again from recorded inputs
/// when the backward pass is being recorded (the saved copy has no graph).
pub(crate) fn output_or(saved: &Tensor, recompute: impl FnOnce() -> Result<Tensor>) -> Result<Tensor> {
    if super::is_recording() {
        recompute()
    } else {
        Ok(saved.clone())
    }
}

/// The rule of operations that pass the gradient through unchanged (copies, casts,
/// broadcasting: `fit` in the engine sums and casts it back to the input).
pub(crate) fn identity() -> BackwardFn {
    Box::new(|g, needs| Ok(needs.iter().map(|&n| n.then(|| g.clone())).collect()))
}

/// The gradient of a reduction over `axes` brought back to `shape`: reshaped with the
/// reduced axes kept, then broadcast (a view, no copy).
pub(crate) fn expand_reduced(g: &Tensor, shape: &[usize], axes: &[usize]) -> Result<Tensor> {
    let kept: Vec<usize> = shape.iter().enumerate().map(|(i, &d)| if axes.contains(&i) { 1 } else { d }).collect();
    g.reshape(&kept)?.broadcast_to(shape)
}

//! Gradient of the batched matrix product of two operands of at least two dimensions
//! (`matmul` adds and removes the axes of 1-D operands with recorded shape operations, and
//! `dot`, `outer` and `batch_dot` are built from `matmul`). Broadcast batch axes are summed
//! back by the engine.

use crate::autograd::graph::{BackwardFn, Saver};
use crate::tensor::Tensor;

pub(crate) fn rule(s: &mut Saver, a: &Tensor, b: &Tensor) -> BackwardFn {
    let a = s.needs(1).then(|| s.keep(a));
    let b = s.needs(0).then(|| s.keep(b));
    Box::new(move |g, _| {
        let ga = match &b {
            Some(b) => Some(g.matmul(&b.swapaxes(-1, -2)?)?),
            None => None,
        };
        let gb = match &a {
            Some(a) => Some(a.swapaxes(-1, -2)?.matmul(g)?),
            None => None,
        };
        Ok(vec![ga, gb])
    })
}

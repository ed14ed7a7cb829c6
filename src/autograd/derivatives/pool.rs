//! Gradient of pooling (`ops/pool.rs`): the backend's `pool_backward` primitive, which finds
//! each max-pooling window's first maximum again from the saved input.

use crate::autograd::graph::{BackwardFn, Saver};
use crate::ops::pool::PoolGeom;
use crate::tensor::Tensor;

/// The gradient: max pooling needs the input to find each window's maximum again.
pub(crate) fn rule(s: &mut Saver, x: &Tensor, g: &PoolGeom) -> BackwardFn {
    let x = s.keep(x);
    let g = g.clone();
    Box::new(move |gy, _| Ok(vec![Some(crate::ops::backend::on(gy.device())?.pool_backward(&x, gy, &g)?)]))
}

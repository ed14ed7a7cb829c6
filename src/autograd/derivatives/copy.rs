//! Casts and copies pass the gradient through (the engine casts it back to the input's
//! dtype); a copy to another device sends it back to the input's device.

use crate::autograd::graph::BackwardFn;
use crate::tensor::Tensor;

pub(crate) use super::identity as rule;

pub(crate) fn to_device(x: &Tensor) -> BackwardFn {
    let device = x.device();
    Box::new(move |g, _| Ok(vec![Some(if g.device() == device { g.clone() } else { g.to_device(device)? })]))
}

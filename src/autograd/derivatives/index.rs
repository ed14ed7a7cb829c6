//! Gradients of indexing. Reading `x[key]` sends the gradient back to the positions it
//! read, adding where an integer array reads a position more than once; the scatter is a
//! recorded operation whose own gradient is the gather again. Writing `x[key] = v` while
//! recording gives `v` the gradient at `key` and the old `x` the gradient elsewhere.

use super::scalar_like;
use crate::autograd::graph::{BackwardFn, Saver};
use crate::layout::Dims;
use crate::ops::index::Index;
use crate::error::Result;
use crate::tensor::{Scalar, Tensor};
use crate::DType;

/// For `y = x[items]`.
pub(crate) fn index(x: &Tensor, items: &[Index]) -> BackwardFn {
    let (shape, items): (Dims, Vec<Index>) = (x.shape().into(), items.to_vec());
    Box::new(move |g, _| Ok(vec![Some(g.index_scatter(&shape, &items)?)]))
}

/// For `z = zeros(shape); z[items] += g` (the gradient of indexing).
pub(crate) fn scatter(items: &[Index]) -> BackwardFn {
    let items = items.to_vec();
    Box::new(move |gg, _| Ok(vec![Some(gg.index(&items)?)]))
}

/// For `y = x.copy(); y[items] = v`.
pub(crate) fn update(s: &mut Saver, items: &[Index]) -> BackwardFn {
    let _ = s;
    let items = items.to_vec();
    Box::new(move |g, n| {
        let gx = if n[0] {
            // `g` with zeros at `items`, through a constant mask rather than by writing into a
            // copy of `g`: with `create_graph` that copy is recorded, and modifying it in
            // place would invalidate its graph.
            let keep = crate::autograd::paused(|| -> Result<Tensor> {
                let mask = Tensor::full(g.shape(), Scalar::Bool(true), DType::Bool, g.device())?;
                mask.index_set(&items, &Tensor::from_scalar(Scalar::Bool(false), DType::Bool, g.device())?)?;
                Ok(mask)
            })?;
            Some(Tensor::where_(&keep, g, &scalar_like(0.0, g)?)?)
        } else {
            None
        };
        let gv = if n[1] { Some(g.index(&items)?) } else { None };
        Ok(vec![gx, gv])
    })
}

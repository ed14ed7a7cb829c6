//! Gradients of sorting (`sort`, `topk`): the sorted values are elements of the input read
//! at positions the sort chose, so their gradient goes back to those positions, through the
//! scatter of indexing (whose own gradient is the gather, for `create_graph`). The positions
//! are constants: a small change of the input that keeps the order keeps them.

use crate::autograd::graph::BackwardFn;
use crate::tensor::Tensor;

/// For `values`, the lanes of an `x` of `shape` along `axis` read at `indices` (int64, the
/// shape of `values`).
pub(crate) fn gathered(shape: &[usize], axis: usize, indices: Tensor) -> BackwardFn {
    let shape = shape.to_vec();
    Box::new(move |g, _| Ok(vec![Some(g.scatter_along(&shape, axis, &indices)?)]))
}

//! Gradients of sorting (`sort`, `topk`): the sorted values are elements of the input read
//! at positions the sort chose, so their gradient goes back to those positions, through the
//! scatter of indexing (whose own gradient is the gather, for `create_graph`). The positions
//! are constants: a small change of the input that keeps the order keeps them.

use crate::autograd::graph::BackwardFn;
use crate::error::Result;
use crate::ops::index::Index;
use crate::tensor::Tensor;

/// For `values`, the lanes of an `x` of `shape` along `axis` read at `indices` (int64, the
/// shape of `values`).
pub(crate) fn gathered(shape: &[usize], axis: usize, indices: Tensor) -> BackwardFn {
    let shape = shape.to_vec();
    Box::new(move |g, _| Ok(vec![Some(scatter_along(g, &shape, axis, &indices)?)]))
}

/// Zeros of `shape` with `g` added at `indices` along `axis`: both seen as (outer, lane,
/// inner), so that three index arrays (outer and inner positions broadcast against the
/// indices) name every position, whatever the number of axes.
fn scatter_along(g: &Tensor, shape: &[usize], axis: usize, indices: &Tensor) -> Result<Tensor> {
    let (outer, n, inner) = (shape[..axis].iter().product::<usize>(), shape[axis], shape[axis + 1..].iter().product::<usize>());
    let k = indices.shape()[axis];
    let positions = |len: usize, at: &[usize]| -> Result<Tensor> { Tensor::from_vec((0..len as i64).collect::<Vec<_>>(), at) };
    let items = [
        Index::Array(positions(outer, &[outer, 1, 1])?),
        Index::Array(indices.reshape(&[outer, k, inner])?),
        Index::Array(positions(inner, &[1, 1, inner])?),
    ];
    g.reshape(&[outer, k, inner])?.index_scatter(&[outer, n, inner], &items)?.reshape(shape)
}

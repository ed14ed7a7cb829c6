//! Gradients of shape operations: each undoes its operation on the gradient (reshape back,
//! inverse permutation, flip again), and the copying ones (concatenate, tile, repeat) add up
//! the pieces each input element was copied to.

use crate::autograd::graph::BackwardFn;
use crate::layout::Dims;
use crate::ops::index::Index;
use crate::tensor::Tensor;

/// For operations that keep the element order (reshape, ravel, flatten, expand_dims, squeeze).
pub(crate) fn reshape(x: &Tensor) -> BackwardFn {
    let shape: Dims = x.shape().into();
    Box::new(move |g, _| Ok(vec![Some(g.reshape(&shape)?)]))
}

/// For `transpose` by `perm` (and swapaxes and moveaxis, which are permutations too).
pub(crate) fn permute(perm: &[usize]) -> BackwardFn {
    let mut inverse = vec![0isize; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p] = i as isize;
    }
    Box::new(move |g, _| Ok(vec![Some(g.transpose(Some(&inverse))?)]))
}

pub(crate) fn flip(axes: &[usize]) -> BackwardFn {
    let axes: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
    Box::new(move |g, _| Ok(vec![Some(g.flip(Some(&axes))?)]))
}

/// Each input gets its slice of the gradient along `axis`.
pub(crate) fn concatenate(inputs: &[Tensor], axis: usize) -> BackwardFn {
    let lens: Vec<usize> = inputs.iter().map(|t| t.shape()[axis]).collect();
    Box::new(move |g, needs| {
        let mut start = 0isize;
        let mut out = Vec::with_capacity(lens.len());
        for (&len, &need) in lens.iter().zip(needs) {
            let stop = start + len as isize;
            out.push(if need {
                let mut items = vec![Index::Slice { start: None, stop: None, step: None }; axis];
                items.push(Index::Slice { start: Some(start), stop: Some(stop), step: None });
                Some(g.index(&items)?)
            } else {
                None
            });
            start = stop;
        }
        Ok(out)
    })
}

/// `np.tile`: the input (padded with leading ones to `shape`) was repeated `reps` times
/// along each axis; the gradient sums the copies.
pub(crate) fn tile(x: &Tensor, shape: &[usize], reps: &[usize]) -> BackwardFn {
    let (x_shape, shape, reps): (Dims, Vec<usize>, Vec<usize>) = (x.shape().into(), shape.to_vec(), reps.to_vec());
    Box::new(move |g, _| {
        let wide: Vec<usize> = reps.iter().zip(&shape).flat_map(|(&r, &d)| [r, d]).collect();
        let copies: Vec<isize> = (0..reps.len()).map(|i| 2 * i as isize).collect();
        Ok(vec![Some(g.reshape(&wide)?.sum(Some(&copies), false)?.reshape(&x_shape)?)])
    })
}

/// `np.repeat` along `axis` of `shape` (the flattened input when the call had no axis).
pub(crate) fn repeat(x: &Tensor, shape: &[usize], axis: usize, repeats: usize) -> BackwardFn {
    let x_shape: Dims = x.shape().into();
    let mut wide: Vec<usize> = shape[..=axis].to_vec();
    wide.push(repeats);
    wide.extend_from_slice(&shape[axis + 1..]);
    Box::new(move |g, _| Ok(vec![Some(g.reshape(&wide)?.sum(Some(&[axis as isize + 1]), false)?.reshape(&x_shape)?)]))
}

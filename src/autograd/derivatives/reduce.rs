//! Gradients of reductions: sum and mean spread the gradient back over the reduced axes;
//! prod divides out each element (with exact handling of zeros); max and min share the
//! gradient evenly among tied extremes (the subgradient PyTorch's `amax` uses); cumsum's
//! gradient is a reversed cumulative sum.

use super::{expand_reduced, scalar_like, scale};
use crate::autograd::graph::{BackwardFn, Saver};
use crate::layout::Dims;
use crate::ops::binary::BinaryOp;
use crate::ops::reduce::ReduceOp;
use crate::tensor::{Scalar, Tensor};

pub(crate) fn sum(x: &Tensor, axes: &[usize]) -> BackwardFn {
    let (shape, axes): (Dims, Vec<usize>) = (x.shape().into(), axes.to_vec());
    Box::new(move |g, _| Ok(vec![Some(expand_reduced(g, &shape, &axes)?)]))
}

pub(crate) fn mean(x: &Tensor, axes: &[usize]) -> BackwardFn {
    let (shape, axes): (Dims, Vec<usize>) = (x.shape().into(), axes.to_vec());
    let count: usize = axes.iter().map(|&a| shape[a]).product();
    Box::new(move |g, _| Ok(vec![Some(expand_reduced(&scale(g, 1.0 / count as f64)?, &shape, &axes)?)]))
}

pub(crate) fn extreme(s: &mut Saver, x: &Tensor, axes: &[usize]) -> BackwardFn {
    let (shape, axes): (Dims, Vec<usize>) = (x.shape().into(), axes.to_vec());
    let (x, y) = (s.keep(x), s.output());
    Box::new(move |g, _| {
        let hit = x.binary(&expand_reduced(&y, &shape, &axes)?, BinaryOp::Eq)?;
        let iax: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
        let ties = hit.astype(g.dtype())?.sum(Some(&iax), true)?;
        let share = expand_reduced(g, &shape, &axes)?.div(&ties)?;
        Ok(vec![Some(Tensor::where_(&hit, &share, &scalar_like(0.0, g)?)?)])
    })
}

pub(crate) fn prod(s: &mut Saver, x: &Tensor, axes: &[usize]) -> BackwardFn {
    let (shape, axes): (Dims, Vec<usize>) = (x.shape().into(), axes.to_vec());
    let x = s.keep(x);
    Box::new(move |g, _| {
        // d prod / d x_i = product of the others. With no zero in a line that is prod / x_i;
        // with one zero, only the zero's position gets the product of the nonzeros; with
        // more, every derivative is zero.
        let iax: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
        let zero = scalar_like(0.0, &x)?;
        let is_zero = x.binary(&zero, BinaryOp::Eq)?;
        let zeros_in_line = is_zero.astype(crate::DType::I64)?.sum(Some(&iax), true)?;
        let nonzero_x = Tensor::where_(&is_zero, &scalar_like(1.0, &x)?, &x)?;
        let p = nonzero_x.reduce(ReduceOp::Prod, Some(&iax), true)?;
        let none = zeros_in_line.binary_scalar(Scalar::Int(0), BinaryOp::Eq, false)?;
        let one = zeros_in_line.binary_scalar(Scalar::Int(1), BinaryOp::Eq, false)?;
        let others = Tensor::where_(
            &is_zero,
            &Tensor::where_(&one, &p, &zero)?,
            &Tensor::where_(&none, &p.div(&nonzero_x)?, &zero)?,
        )?;
        Ok(vec![Some(expand_reduced(g, &shape, &axes)?.mul(&others)?)])
    })
}

/// `axis` of the (already flattened when `axis` was None) input; `shape` the original shape.
pub(crate) fn cumsum(x_shape: &[usize], axis: usize) -> BackwardFn {
    let shape: Dims = x_shape.into();
    Box::new(move |g, _| {
        let a = [axis as isize];
        let r = g.flip(Some(&a))?.cumsum(Some(axis as isize))?.flip(Some(&a))?;
        Ok(vec![Some(r.reshape(&shape)?)])
    })
}

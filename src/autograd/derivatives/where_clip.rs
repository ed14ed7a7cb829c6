//! Gradient of `where`: each branch gets the gradient where it was chosen. (`clip` is made
//! of `maximum` and `minimum`, whose rules send the gradient to the array at the bounds.)

use super::scalar_like;
use crate::autograd::graph::{BackwardFn, Saver};
use crate::tensor::Tensor;

pub(crate) fn rule(s: &mut Saver, cond: &Tensor) -> BackwardFn {
    let cond = s.keep(cond);
    Box::new(move |g, n| {
        let zero = scalar_like(0.0, g)?;
        Ok(vec![
            if n[0] { Some(Tensor::where_(&cond, g, &zero)?) } else { None },
            if n[1] { Some(Tensor::where_(&cond, &zero, g)?) } else { None },
        ])
    })
}

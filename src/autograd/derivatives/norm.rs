//! Gradient of batch normalization (`ops/norm.rs`): the backend's `batch_norm_backward`
//! primitive gives the data, gamma and beta gradients in one pass; `fix_gamma` drops gamma's.

use crate::autograd::graph::{BackwardFn, Saver};
use crate::ops::norm::{BatchNormOptions, ChannelGeom};
use crate::tensor::Tensor;

pub(crate) fn batch_norm(s: &mut Saver, x: &Tensor, gamma: &Tensor, mean: Tensor, var: Tensor, opts: &BatchNormOptions, geom: ChannelGeom) -> BackwardFn {
    let x = s.keep(x);
    let gamma = gamma.clone();
    let opts = *opts;
    Box::new(move |gy, _| {
        let (gx, dgamma, dbeta) = crate::ops::backend::on(gy.device())?.batch_norm_backward(&x, gy, &gamma, &mean, &var, opts.eps, opts.use_batch_stats, geom)?;
        Ok(vec![Some(gx), (!opts.fix_gamma).then_some(dgamma), Some(dbeta)])
    })
}

//! Gradients of the convolution and the transposed convolution (`ops/conv.rs`): each is the
//! other's data gradient, recorded as a graph node of its own so that higher derivatives flow;
//! the weight gradient is the backend's `conv_backward_weight` primitive and the bias gradient
//! a channel sum.

use crate::autograd::graph::{BackwardFn, Saver};
use crate::error::Result;
use crate::ops::conv::{conv_tracked, deconv_tracked, ConvGeom};
use crate::tensor::Tensor;

/// Sum over every axis but the channel axis 1 of (N, C, ...).
fn channel_sum(g: &Tensor) -> Result<Tensor> {
    let axes: Vec<isize> = (0..g.ndim() as isize).filter(|&a| a != 1).collect();
    g.sum(Some(&axes), false)
}

/// Convolution gradients: data through the transposed convolution (a graph node of its own, so
/// higher derivatives flow), weight through `backward_weight`, bias as a channel sum.
pub(crate) fn convolution(s: &mut Saver, x: &Tensor, w: &Tensor, has_bias: bool, g: ConvGeom) -> BackwardFn {
    let xs = s.needs(1).then(|| s.keep(x));
    let ws = s.needs(0).then(|| s.keep(w));
    let need_b = has_bias && s.needs(2);
    Box::new(move |gy, _| {
        let gx = match &ws {
            Some(w) => Some(deconv_tracked(gy, w, None, &g)?),
            None => None,
        };
        let gw = match &xs {
            Some(x) => Some(crate::ops::backend::on(gy.device())?.conv_backward_weight(gy, x, &g)?),
            None => None,
        };
        let mut grads = vec![gx, gw];
        if has_bias {
            grads.push(if need_b { Some(channel_sum(gy)?) } else { None });
        }
        Ok(grads)
    })
}

/// Transposed-convolution gradients: data through the convolution, weight through
/// `backward_weight` with the roles of data and output gradient exchanged.
pub(crate) fn deconvolution(s: &mut Saver, x: &Tensor, w: &Tensor, has_bias: bool, g: ConvGeom) -> BackwardFn {
    let xs = s.needs(1).then(|| s.keep(x));
    let ws = s.needs(0).then(|| s.keep(w));
    let need_b = has_bias && s.needs(2);
    Box::new(move |gy, _| {
        let gx = match &ws {
            Some(w) => Some(conv_tracked(gy, w, None, &g)?),
            None => None,
        };
        let gw = match &xs {
            Some(x) => Some(crate::ops::backend::on(gy.device())?.conv_backward_weight(x, gy, &g)?),
            None => None,
        };
        let mut grads = vec![gx, gw];
        if has_bias {
            grads.push(if need_b { Some(channel_sum(gy)?) } else { None });
        }
        Ok(grads)
    })
}

//! Batch normalization on a GPU: the composition of device reductions and broadcasting
//! arithmetic in `ops::norm::composed` (each step a kernel of its own; no host round trip).

use crate::cuda::Cuda;
use crate::error::Result;
use crate::ops::norm::{composed, ChannelGeom, NormKernels};
use crate::tensor::Tensor;

impl NormKernels for Cuda {
    fn batch_norm_forward(&self, x: &Tensor, gamma: &Tensor, beta: &Tensor, stats: Option<(&Tensor, &Tensor)>, eps: f64, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
        composed::forward(x, gamma, beta, stats, eps, geom)
    }
    fn batch_norm_backward(&self, x: &Tensor, gy: &Tensor, gamma: &Tensor, mean: &Tensor, var: &Tensor, eps: f64, batch_stats: bool, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
        composed::backward(x, gy, gamma, mean, var, eps, batch_stats, geom)
    }
}

//! Reverse-mode automatic differentiation with Gluon's semantics.
//!
//! Nothing is recorded unless the current thread is recording (`autograd.record()`) and an
//! input of the operation needs a gradient: a variable (`attach_grad`) or the result of a
//! recorded operation. Each recorded operation adds one [`graph::Node`] that holds its
//! backward rule; the rules live in `derivatives/`, one file per family of `ops/`, and are
//! written with the same public tensor operations, so running them while recording
//! (`create_graph`) gives higher derivatives for free.
//!
//! ```
//! use deepblocks::{autograd, Tensor};
//! let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]).unwrap();
//! x.attach_grad(autograd::GradReq::Write).unwrap();
//! let y = autograd::record(|| x.mul(&x)?.sum(None, false)).unwrap();
//! autograd::backward(&[y], &[None], false).unwrap();
//! assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), vec![2.0, 4.0, 6.0]);
//! ```

mod custom;
pub mod derivatives;
mod engine;
pub(crate) mod graph;
mod state;
#[cfg(test)]
mod tests;

pub use custom::{custom, CustomBackward};
pub use engine::{backward, grad};
pub use graph::GradReq;
pub use state::{is_recording, is_training, set_recording, set_training};
pub(crate) use graph::track;
pub(crate) use state::paused;

use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Runs `f` with recording (and training) switched on for this thread, as
/// `with autograd.record():` does, restoring the previous state afterwards.
pub fn record<R>(f: impl FnOnce() -> R) -> R {
    let _rec = state::Switch::recording(true);
    let _train = state::Switch::training(true);
    f()
}

impl Tensor {
    /// Makes this tensor a variable: a leaf of future graphs with a zero gradient buffer
    /// (`x.attach_grad()`). Calling it again gives a fresh buffer; any graph that produced
    /// this tensor is forgotten, as in MXNet.
    pub fn attach_grad(&self, req: GradReq) -> Result<()> {
        let buffer = Tensor::zeros(self.shape(), self.dtype(), self.device())?;
        self.attach_grad_buffer(buffer, req)
    }

    /// Makes this tensor a variable whose gradient goes into `buffer` (`mark_variables`).
    pub fn attach_grad_buffer(&self, buffer: Tensor, req: GradReq) -> Result<()> {
        if !self.dtype().is_float() {
            return Err(Error::DType(format!(
                "attach_grad: only floating-point arrays can have gradients; this one is {}",
                self.dtype()
            )));
        }
        if buffer.dtype() != self.dtype() {
            return Err(Error::DType(format!(
                "mark_variables: gradient buffer of dtype {} does not match the variable's dtype {}",
                buffer.dtype(),
                self.dtype()
            )));
        }
        if buffer.shape() != self.shape() {
            return Err(Error::Shape(format!(
                "mark_variables: gradient buffer of shape {} does not match the variable's shape {}",
                crate::error::fmt_shape(buffer.shape()),
                crate::error::fmt_shape(self.shape())
            )));
        }
        self.meta().set_leaf(buffer, req);
        Ok(())
    }

    /// The gradient buffer of a variable (`None` when no gradient is attached or the
    /// request is `'null'`). It is the live buffer: backward writes into it in place.
    pub fn grad(&self) -> Option<Tensor> {
        self.meta().leaf().filter(|l| l.req != GradReq::Null).map(|l| l.grad.clone())
    }

    /// The gradient request of a variable (`None` when it is not a variable).
    pub fn grad_req(&self) -> Option<GradReq> {
        self.meta().leaf().map(|l| l.req)
    }

    /// The same data with no graph attached: gradients do not flow through it.
    pub fn detach(&self) -> Tensor {
        self.fresh_handle()
    }

    /// True when an operation on this tensor would be recorded (while recording).
    pub fn requires_grad(&self) -> bool {
        matches!(self.edge(), Ok(Some(_)))
    }
}

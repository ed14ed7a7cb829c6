//! Backends: the CPU and the GPU each implement every op family's primitives, and `on`
//! chooses between them by device. This is the only place that does: an operation applies
//! its family's dtype rule, then calls `backend::on(device)?.<primitive>(...)`.
//!
//! Each family file of `ops/` defines its trait (`UnaryKernels` in `unary.rs`, ...) and the
//! CPU implementation beside its kernels; `cuda/ops/<family>.rs` has the GPU one. `Backend`
//! is the union of the family traits, so a backend that lacks a family (or one method of a
//! family) does not compile. A GPU primitive that runs on the host instead is an explicit,
//! listed choice in its `impl` (the list is in `cuda/ops/mod.rs`: empty today).

use super::binary::BinaryKernels;
use super::conv::ConvKernels;
use super::copy::CopyKernels;
use super::creation::CreationKernels;
use super::index::IndexKernels;
use super::linear::LinearKernels;
use super::matmul::MatmulKernels;
use super::norm::NormKernels;
use super::pool::PoolKernels;
use super::random::RandomKernels;
use super::reduce::ReduceKernels;
use super::rnn::RnnKernels;
use super::sort::SortKernels;
use super::unary::UnaryKernels;
use super::where_clip::WhereKernels;
use crate::device::Device;
use crate::error::Result;
use crate::optim::OptimKernels;

/// `Backend`: every primitive of every op family (the traits listed once, here).
macro_rules! backend {
    ($($family:ident),* $(,)?) => {
        /// Every primitive of every op family.
        pub(crate) trait Backend: $($family +)* Sync {}
        impl<B: $($family +)* Sync> Backend for B {}
    };
}

backend!(
    UnaryKernels,
    BinaryKernels,
    WhereKernels,
    ReduceKernels,
    SortKernels,
    IndexKernels,
    MatmulKernels,
    LinearKernels,
    ConvKernels,
    PoolKernels,
    NormKernels,
    RnnKernels,
    CopyKernels,
    CreationKernels,
    RandomKernels,
    OptimKernels,
);

/// The backend that runs operations on `device`'s memory.
pub(crate) fn on(device: Device) -> Result<&'static dyn Backend> {
    match device {
        Device::Cpu(_) => Ok(&crate::cpu::Cpu),
        #[cfg(feature = "cuda")]
        Device::Gpu(_) => Ok(&crate::cuda::Cuda),
        #[cfg(not(feature = "cuda"))]
        Device::Gpu(_) => {
            device.check_available()?;
            Err(crate::error::Error::Device(format!("internal: an array on {device}")))
        }
    }
}

/// The backend of a copy between `from` and `to`: the GPU's when either is a GPU.
pub(crate) fn between(from: Device, to: Device) -> Result<&'static dyn Backend> {
    on(if matches!(to, Device::Gpu(_)) { to } else { from })
}

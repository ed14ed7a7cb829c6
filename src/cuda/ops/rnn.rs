//! Recurrent layers on a GPU (`ops::rnn::RnnKernels`): the products go to cuBLAS, the gate
//! steps to `rnn_forward_<T>` / `rnn_backward_<T>` (kernels/rnn.cu). The time loop itself is
//! `ops/rnn.rs`'s, shared with the CPU.
//!
//! cuDNN's RNN is not used: this is the GEMM + fused-kernel plan the issue allows, which needs
//! no library beyond cuBLAS and NVRTC, and runs unchanged on the host emulator.

use super::{base_ptr, gpu_of};
use crate::cuda::backend::Gemm;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Args, BLOCK};
use crate::cuda::Cuda;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::rnn::{CellGrad, CellStep, Product, RnnKernels, RnnMode, Rows};
use crate::ops::registry::{DTypes, Family};
use crate::tensor::Tensor;

pub const KERNELS: [Family; 2] = [Family::one("rnn_forward", DTypes::FLOAT), Family::one("rnn_backward", DTypes::FLOAT)];
static FORWARD: KernelTable = KernelTable::new(KERNELS[0]);
static BACKWARD: KernelTable = KernelTable::new(KERNELS[1]);

fn mode_code(m: RnnMode) -> u32 {
    match m {
        RnnMode::RnnRelu => 0,
        RnnMode::RnnTanh => 1,
        RnnMode::Lstm => 2,
        RnnMode::Gru => 3,
    }
}

/// The GPU the current call runs on: the one the launcher's tensors live on. The addresses
/// carry no device, so `rnn_addr` records it.
fn current() -> Result<std::sync::Arc<crate::cuda::device::Gpu>> {
    CURRENT.with(|c| c.borrow().clone()).ok_or_else(|| crate::error::Error::Device("internal: a recurrent kernel ran before any of its buffers was placed".into()))
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<std::sync::Arc<crate::cuda::device::Gpu>>> = const { std::cell::RefCell::new(None) };
}

fn rows(a: Rows) -> (u64, usize) {
    (a.addr as u64, a.ld)
}

impl RnnKernels for Cuda {
    fn rnn_addr(&self, t: &Tensor) -> Result<usize> {
        let gpu = gpu_of(t)?;
        CURRENT.with(|c| *c.borrow_mut() = Some(gpu));
        Ok((base_ptr(t)? + (t.layout().offset() * t.dtype().size()) as u64) as usize)
    }

    unsafe fn rnn_product(&self, dtype: DType, p: &Product) -> Result<()> {
        if p.m == 0 || p.n == 0 {
            return Ok(());
        }
        let gpu = current()?;
        // Row-major C = op(A) op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ: B goes first, and a
        // row-major matrix read column-major is its transpose, so the flags carry over.
        gpu.backend.gemm(&Gemm {
            dtype,
            trans_a: p.trans_b,
            trans_b: p.trans_a,
            m: p.n,
            n: p.m,
            k: p.k,
            a: p.b.addr as u64,
            lda: p.b.ld.max(1),
            stride_a: 0,
            b: p.a.addr as u64,
            ldb: p.a.ld.max(1),
            stride_b: 0,
            c: p.c.addr as u64,
            ldc: p.c.ld.max(1),
            stride_c: 0,
            batch: 1,
            accumulate: p.accumulate,
        })
    }

    unsafe fn rnn_cell_forward(&self, dtype: DType, s: &CellStep) -> Result<()> {
        let numel = s.n * s.hidden;
        if numel == 0 {
            return Ok(());
        }
        let gpu = current()?;
        let mut a = Args::new().usize(numel).usize(s.hidden).u32(mode_code(s.mode));
        for r in [s.gx, s.gh] {
            let (p, ld) = rows(r);
            a = a.ptr(p).usize(ld);
        }
        a = a.ptr(s.bias_x as u64).ptr(s.bias_h as u64);
        for r in [s.h_prev, s.c_prev, s.h, s.c, s.keep] {
            let (p, ld) = rows(r);
            a = a.ptr(p).usize(ld);
        }
        let (lo, hi) = s.clip.unwrap_or((0.0, 0.0));
        a.u32(s.clip.is_some() as u32).f64(lo).f64(hi).u32(s.clip_nan as u32).launch(&gpu, FORWARD.require(0, dtype)?, numel, BLOCK)
    }

    unsafe fn rnn_cell_backward(&self, dtype: DType, s: &CellGrad) -> Result<()> {
        let numel = s.n * s.hidden;
        if numel == 0 {
            return Ok(());
        }
        let gpu = current()?;
        let mut a = Args::new().usize(numel).usize(s.hidden).u32(mode_code(s.mode));
        for r in [s.dy, s.dh, s.dc, s.dc_prev, s.keep, s.c_prev, s.c, s.h_prev, s.h, s.dgx, s.dgh, s.dh_prev] {
            let (p, ld) = rows(r);
            a = a.ptr(p).usize(ld);
        }
        let (lo, hi) = s.clip.unwrap_or((0.0, 0.0));
        a.u32(s.clip.is_some() as u32).f64(lo).f64(hi).launch(&gpu, BACKWARD.require(0, dtype)?, numel, BLOCK)
    }
}

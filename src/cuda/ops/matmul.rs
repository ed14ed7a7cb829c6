//! Matrix products on a GPU: float32/float64 through cuBLAS (strided-batched gemm), the
//! other dtypes through the exact `matmul_<T>` kernel. ops/matmul.rs has broadcast the batch
//! axes; here each operand is described to cuBLAS as it lies in memory when it can be (row-
//! or column-major matrices at a uniform batch stride: transposes cost nothing) and copied
//! densely otherwise.

use super::{base_ptr, gpu_of, new_out};
use crate::cuda::backend::Gemm;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{coalesce, Args, Info, BLOCK};
use crate::cuda::Cuda;
use crate::error::Result;
use crate::layout::Layout;
use crate::ops::matmul::MatmulKernels;
use crate::ops::registry::{DTypes, Family};
use crate::tensor::Tensor;

/// One operand as cuBLAS reads it: a device pointer to its first matrix, whether the
/// (row-major) matrix is stored transposed (column-major), its leading dimension, and the
/// distance between consecutive matrices of the batch.
struct Operand {
    ptr: u64,
    transposed: bool,
    ld: usize,
    batch_stride: usize,
    /// Keeps a dense copy alive while the product runs.
    _copy: Option<Tensor>,
}

/// `t` seen through `l` (batch axes, then rows, cols), as a cuBLAS operand.
fn operand(t: &Tensor, l: &Layout, nb: usize) -> Result<Operand> {
    let (rows, cols) = (l.shape()[nb], l.shape()[nb + 1]);
    let st = l.strides();
    // Strides of unit axes do not matter: give them the values a dense layout would have.
    let rs = if rows == 1 { cols.max(1) as isize } else { st[nb] };
    let cs = if cols == 1 { 1 } else { st[nb + 1] };
    let (bdims, bst) = coalesce(&l.shape()[..nb], &[&st[..nb]]);
    let batch_stride = match bdims.len() {
        0 => Some(0),
        1 if bst[0][0] >= 0 => Some(bst[0][0] as usize),
        _ => None,
    };
    let layout = if cs == 1 && rs >= cols.max(1) as isize {
        Some((false, rs as usize))
    } else if rs == 1 && cs >= rows.max(1) as isize {
        Some((true, cs as usize))
    } else {
        None
    };
    let size = t.dtype().size() as u64;
    match (layout, batch_stride) {
        (Some((transposed, ld)), Some(batch_stride)) => Ok(Operand { ptr: base_ptr(t)? + l.offset() as u64 * size, transposed, ld, batch_stride, _copy: None }),
        _ => {
            let dense = super::copy::astype(&t.view(l.clone()), t.dtype())?;
            let ptr = base_ptr(&dense)?;
            Ok(Operand { ptr, transposed: false, ld: cols.max(1), batch_stride: rows * cols, _copy: Some(dense) })
        }
    }
}

/// Exact integer and bool products (floats go to cuBLAS).
pub const KERNELS: [Family; 1] = [Family::one("matmul", DTypes::BITS)];
static MATMUL: KernelTable = KernelTable::new(KERNELS[0]);

impl MatmulKernels for Cuda {
    #[allow(clippy::too_many_arguments)]
    fn batched(&self, a: &Tensor, b: &Tensor, la: &Layout, lb: &Layout, batch: &[usize], m: usize, n: usize, k: usize, out_shape: &[usize]) -> Result<Tensor> {
        let gpu = gpu_of(a)?;
        let (out, o) = new_out(&gpu, a.dtype(), out_shape)?;
        let count: usize = batch.iter().product();
        if out.numel() == 0 {
            return Ok(out);
        }
        if k == 0 {
            gpu.backend.memset_zero(o, out.numel() * a.dtype().size())?;
            return Ok(out);
        }
        let nb = batch.len();
        if a.dtype().is_float() {
            let (pa, pb) = (operand(a, la, nb)?, operand(b, lb, nb)?);
            // Row-major C = A B is column-major Cᵀ = Bᵀ Aᵀ, and a row-major matrix is the
            // column-major matrix of its transpose: so cuBLAS gets B first, then A.
            let g = Gemm {
                dtype: a.dtype(),
                trans_a: pb.transposed,
                trans_b: pa.transposed,
                m: n,
                n: m,
                k,
                a: pb.ptr,
                lda: pb.ld,
                stride_a: pb.batch_stride,
                b: pa.ptr,
                ldb: pa.ld,
                stride_b: pa.batch_stride,
                c: o,
                ldc: n,
                stride_c: m * n,
                batch: count,
                accumulate: false,
            };
            gpu.backend.gemm(&g)?;
            return Ok(out);
        }
        // Exact products: each product's two element offsets, as the CPU computes them.
        let batch_offset = |l: &Layout, mut i: usize| -> i64 {
            let mut off = l.offset() as i64;
            for d in (0..nb).rev() {
                off += (i % batch[d]) as i64 * l.strides()[d] as i64;
                i /= batch[d];
            }
            off
        };
        let offsets: Vec<i64> = (0..count).flat_map(|i| [batch_offset(la, i), batch_offset(lb, i)]).collect();
        let offsets = Info::layout(&gpu, &offsets)?;
        let name = MATMUL.require(0, a.dtype())?;
        Args::new()
            .usize(count)
            .usize(m)
            .usize(n)
            .usize(k)
            .ptr(offsets.ptr())
            .ptr(base_ptr(a)?)
            .i64(la.strides()[nb] as i64)
            .i64(la.strides()[nb + 1] as i64)
            .ptr(base_ptr(b)?)
            .i64(lb.strides()[nb] as i64)
            .i64(lb.strides()[nb + 1] as i64)
            .ptr(o)
            .launch(&gpu, name, out.numel(), BLOCK)?;
        Ok(out)
    }
}

//! Matrix products: `matmul` (NumPy's `@`: 1-D promotion and broadcast batch axes), `dot`
//! and `outer`. Float matrices go to the `gemm` crate, which reads any row and column strides,
//! so transposed and sliced operands are never copied; integer and bool products use a plain
//! loop (rare, and exact).

use super::binary::Arith;
use super::{build, with_ptr};
use crate::cpu::strided::Ptr;
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::layout::{broadcast_shapes, Dims, Layout};
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use crate::with_dtype;

/// One product `out[m, n] = a[m, k] @ b[k, n]` with element strides (row, column).
struct Gemm {
    m: usize,
    n: usize,
    k: usize,
    a_rs: isize,
    a_cs: isize,
    b_rs: isize,
    b_cs: isize,
}

/// Multiplies matrices of the element type `Self`.
trait MatMul: Arith {
    /// # Safety
    /// The pointers must address valid `m x k`, `k x n` and dense `m x n` matrices.
    unsafe fn gemm(g: &Gemm, out: *mut Self, a: *const Self, b: *const Self, threads: usize);
}

macro_rules! float_matmul {
    ($t:ty) => {
        impl MatMul for $t {
            unsafe fn gemm(g: &Gemm, out: *mut Self, a: *const Self, b: *const Self, threads: usize) {
                if g.m * g.n * g.k <= SMALL_DOT && g.a_cs == 1 && g.b_rs == 1 {
                    small_dot::<$t>(g, out, a, b);
                    return;
                }
                let par = if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
                gemm::gemm(
                    g.m, g.n, g.k, out, 1, g.n as isize, false, a, g.a_cs, g.a_rs, b, g.b_cs, g.b_rs, 0.0, 1.0, false,
                    false, false, par,
                );
            }
        }
    };
}
float_matmul!(f32);
float_matmul!(f64);

/// Products from this many multiply-adds up use every thread.
const PARALLEL_MACS: usize = 1 << 21;

/// Batches of at least four products per thread, each of up to this many multiply-adds
/// (a 512^3 product), run one product per task, every product single-threaded.
const BATCH_TASK_MACS: usize = 1 << 27;

/// Products up to this many multiply-adds whose operands run contiguously along `k` (a layer
/// forward `x @ w.T` on a small batch) are plain dot products: the `gemm` crate's packing and
/// dispatch cost more than the arithmetic at this size.
const SMALL_DOT: usize = 1 << 16;

/// `out[i, j] = dot(a[i, :], b[:, j])` where both run with stride 1 along `k`.
///
/// # Safety
/// As `MatMul::gemm`, with `g.a_cs == 1` and `g.b_rs == 1`.
unsafe fn small_dot<T: Copy + Default + std::ops::Add<Output = T> + std::ops::Mul<Output = T>>(
    g: &Gemm,
    out: *mut T,
    a: *const T,
    b: *const T,
) {
    for i in 0..g.m {
        let row = std::slice::from_raw_parts(a.offset(i as isize * g.a_rs), g.k);
        for j in 0..g.n {
            let col = std::slice::from_raw_parts(b.offset(j as isize * g.b_cs), g.k);
            *out.add(i * g.n + j) = dot(row, col);
        }
    }
}

/// A dot product with eight independent accumulators, which the compiler turns into SIMD.
#[inline]
fn dot<T: Copy + Default + std::ops::Add<Output = T> + std::ops::Mul<Output = T>>(x: &[T], y: &[T]) -> T {
    let mut acc = [T::default(); 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (p, q) in xc.zip(yc) {
        for l in 0..8 {
            acc[l] = acc[l] + p[l] * q[l];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (p, q) in xr.iter().zip(yr) {
        s = s + *p * *q;
    }
    s
}

macro_rules! exact_matmul {
    ($t:ty) => {
        impl MatMul for $t {
            unsafe fn gemm(g: &Gemm, out: *mut Self, a: *const Self, b: *const Self, _threads: usize) {
                for i in 0..g.m {
                    for j in 0..g.n {
                        let mut acc = <$t>::zero();
                        for p in 0..g.k {
                            let x = *a.offset(i as isize * g.a_rs + p as isize * g.a_cs);
                            let y = *b.offset(p as isize * g.b_rs + j as isize * g.b_cs);
                            acc = <$t>::add(acc, <$t>::mul(x, y));
                        }
                        *out.add(i * g.n + j) = acc;
                    }
                }
            }
        }
    };
}
exact_matmul!(bool);
exact_matmul!(u8);
exact_matmul!(i32);
exact_matmul!(i64);

use crate::dtype::Element;

/// Batched product of `a` (..., m, k) and `b` (..., k, n), both at least 2-D and of one dtype.
fn batched(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let (na, nb) = (a.ndim(), b.ndim());
    let (m, k, n) = (a.shape()[na - 2], a.shape()[na - 1], b.shape()[nb - 1]);
    let batch = broadcast_shapes(&a.shape()[..na - 2], &b.shape()[..nb - 2]).map_err(|_| {
        Error::Shape(format!(
            "matmul: the batch axes of shapes {} and {} could not be broadcast together",
            fmt_shape(a.shape()),
            fmt_shape(b.shape())
        ))
    })?;
    let mut a_shape: Dims = batch.clone();
    a_shape.extend_from_slice(&[m, k]);
    let mut b_shape: Dims = batch.clone();
    b_shape.extend_from_slice(&[k, n]);
    let (la, lb) = (a.layout().broadcast_to(&a_shape)?, b.layout().broadcast_to(&b_shape)?);
    let mut out_shape = batch.clone();
    out_shape.extend_from_slice(&[m, n]);
    if crate::layout::checked_numel(&out_shape)? == 0 {
        // No product to compute; the kernels' per-batch tables would still be as long as the
        // batch, which an empty matrix axis lets be arbitrarily large.
        return Tensor::zeros(&out_shape, a.dtype(), a.device());
    }
    crate::ops::backend::on(a.device())?.batched(a, b, &la, &lb, &batch, m, n, k, &out_shape)
}

/// The matrix product primitive of a backend.
pub(crate) trait MatmulKernels {
    /// The product of `a` seen through `la` (batch..., m, k) and `b` through `lb` (batch...,
    /// k, n), operands of one dtype: a dense (batch..., m, n) array.
    #[allow(clippy::too_many_arguments)]
    fn batched(&self, a: &Tensor, b: &Tensor, la: &Layout, lb: &Layout, batch: &[usize], m: usize, n: usize, k: usize, out_shape: &[usize]) -> Result<Tensor>;
}

impl MatmulKernels for crate::cpu::Cpu {
    fn batched(&self, a: &Tensor, b: &Tensor, la: &Layout, lb: &Layout, batch: &[usize], m: usize, n: usize, k: usize, out_shape: &[usize]) -> Result<Tensor> {
        with_dtype!(a.dtype(), T => cpu_batched::<T>(a, b, la, lb, batch, m, n, k, out_shape))
    }
}

#[allow(clippy::too_many_arguments)]
fn cpu_batched<T: MatMul + StorageElement>(a: &Tensor, b: &Tensor, la: &Layout, lb: &Layout, batch: &[usize], m: usize, n: usize, k: usize, out_shape: &[usize]) -> Result<Tensor> {
    let count: usize = batch.iter().product();
    let g = Gemm {
        m,
        n,
        k,
        a_rs: la.strides()[batch.len()],
        a_cs: la.strides()[batch.len() + 1],
        b_rs: lb.strides()[batch.len()],
        b_cs: lb.strides()[batch.len() + 1],
    };
    // Storage offsets of each batch's matrices.
    let batch_offset = |l: &Layout, mut i: usize| -> isize {
        let mut off = l.offset() as isize;
        for d in (0..batch.len()).rev() {
            off += (i % batch[d]) as isize * l.strides()[d];
            i /= batch[d];
        }
        off
    };
    let offsets: Vec<(isize, isize)> = (0..count).map(|i| (batch_offset(la, i), batch_offset(lb, i))).collect();
    let threads = crate::cpu::pool::num_threads();
    let flops = m * n * k;
    unsafe {
        build::<T>(out_shape, a.device(), |po| {
            if k == 0 {
                for i in 0..count * m * n {
                    *po.add(i) = T::zero();
                }
                return Ok(());
            }
            with_ptr::<T, _>(a, |pa| {
                with_ptr::<T, _>(b, |pb| {
                    let (o, pa, pb) = (Ptr(po), Ptr(pa as *mut T), Ptr(pb as *mut T));
                    let one = |i: usize, th: usize| {
                        let (oa, ob) = offsets[i];
                        T::gemm(&g, o.at((i * m * n) as isize), pa.at(oa), pb.at(ob), th);
                    };
                    if threads > 1 && count >= threads && (flops < 1 << 20 || (count >= 4 * threads && flops < BATCH_TASK_MACS)) {
                        // Many small products: one per task. (Threads inside each product
                        // cost a fork-join per product, and gemm 0.19 gains nothing from
                        // them when the right operand is transposed, as in attention.)
                        let batches: Vec<usize> = (0..count).collect();
                        crate::cpu::pool::for_each_shared(&batches, |&i| one(i, 1));
                    } else if flops >= PARALLEL_MACS && threads > 1 {
                        crate::cpu::pool::install(|| (0..count).for_each(|i| one(i, threads)));
                    } else {
                        (0..count).for_each(|i| one(i, 1));
                    }
                    Ok(())
                })
            })
        })
    }
}

impl Tensor {
    /// NumPy's `matmul` (`@`).
    pub fn matmul(&self, other: &Tensor) -> Result<Tensor> {
        self.same_device(other, "matmul")?;
        if self.ndim() == 0 || other.ndim() == 0 {
            return Err(Error::Value(format!(
                "matmul: input operands must have at least one dimension, got shapes {} and {}",
                fmt_shape(self.shape()),
                fmt_shape(other.shape())
            )));
        }
        let a = if self.ndim() == 1 { self.expand_dims(&[0])? } else { self.clone() };
        let b = if other.ndim() == 1 { other.expand_dims(&[-1])? } else { other.clone() };
        let (ka, kb) = (a.shape()[a.ndim() - 1], b.shape()[b.ndim() - 2]);
        if ka != kb {
            return Err(Error::Shape(format!(
                "matmul: shapes {} and {} are not aligned: {ka} (last dim of the first) != {kb} (second-to-last dim of the second)",
                fmt_shape(self.shape()),
                fmt_shape(other.shape())
            )));
        }
        let dtype = DType::promote(a.dtype(), b.dtype());
        let (a, b) = (a.to_dtype(dtype)?, b.to_dtype(dtype)?);
        let r = crate::autograd::track(
            "matmul",
            &[&a, &b],
            || batched(&a, &b),
            |s| crate::autograd::derivatives::matmul::rule(s, &a, &b),
        )?;
        let mut drop = vec![];
        if self.ndim() == 1 {
            drop.push(r.ndim() as isize - 2);
        }
        if other.ndim() == 1 {
            drop.push(r.ndim() as isize - 1);
        }
        if drop.is_empty() {
            Ok(r)
        } else {
            r.squeeze(Some(&drop))
        }
    }

    /// NumPy's `dot`: products of scalars, inner products of vectors, matrix products, and for
    /// N-D arrays a sum over the last axis of `self` and the second-to-last of `other`.
    pub fn dot(&self, other: &Tensor) -> Result<Tensor> {
        let (na, nb) = (self.ndim(), other.ndim());
        if na == 0 || nb == 0 {
            return self.mul(other);
        }
        if nb <= 2 {
            return self.matmul(other);
        }
        let k = self.shape()[na - 1];
        let kb = other.shape()[nb - 2];
        if k != kb {
            return Err(Error::Shape(format!(
                "shapes {} and {} not aligned: {k} (dim {}) != {kb} (dim {})",
                fmt_shape(self.shape()),
                fmt_shape(other.shape()),
                na - 1,
                nb - 2
            )));
        }
        // (P, k) @ (k, Q) where Q gathers every axis of `other` except its second-to-last.
        let p: usize = self.shape()[..na - 1].iter().product();
        let a2 = self.reshape(&[p, k])?;
        let b_moved = other.moveaxis(&[nb as isize - 2], &[0])?;
        let q: usize = b_moved.shape()[1..].iter().product();
        let b2 = b_moved.reshape(&[k, q])?;
        let r = a2.matmul(&b2)?;
        let mut shape: Vec<usize> = self.shape()[..na - 1].to_vec();
        shape.extend_from_slice(&b_moved.shape()[1..]);
        r.reshape(&shape)
    }

    /// Outer product of the flattened inputs.
    pub fn outer(&self, other: &Tensor) -> Result<Tensor> {
        let a = self.reshape(&[self.numel(), 1])?;
        let b = other.reshape(&[1, other.numel()])?;
        a.mul(&b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_products_of_huge_batches_allocate_nothing() {
        let cpu = crate::Device::Cpu(0);
        let a = Tensor::zeros(&[1 << 40, 0, 3], DType::F32, cpu).unwrap();
        let b = Tensor::zeros(&[3, 0], DType::F32, cpu).unwrap();
        assert_eq!(a.matmul(&b).unwrap().shape(), [1 << 40, 0, 0]);
        let c = Tensor::zeros(&[1 << 40, 2, 0], DType::I64, cpu).unwrap();
        let d = Tensor::zeros(&[0, 0], DType::I64, cpu).unwrap();
        assert_eq!(c.matmul(&d).unwrap().shape(), [1 << 40, 2, 0]);
    }

    #[test]
    fn matmul_shapes_and_values() {
        let a = Tensor::from_vec((0..6).map(|v| v as f32).collect(), &[2, 3]).unwrap();
        let b = Tensor::from_vec((0..6).map(|v| v as f32).collect(), &[3, 2]).unwrap();
        assert_eq!(a.matmul(&b).unwrap().to_vec::<f32>().unwrap(), vec![10.0, 13.0, 28.0, 40.0]);
        // Transposed operand, no copy.
        let at = a.transpose(None).unwrap();
        assert_eq!(at.matmul(&a).unwrap().shape(), &[3, 3]);
        let v = Tensor::from_vec(vec![1.0f32, 1.0, 1.0], &[3]).unwrap();
        assert_eq!(a.matmul(&v).unwrap().to_vec::<f32>().unwrap(), vec![3.0, 12.0]);
        assert_eq!(v.matmul(&v).unwrap().shape(), &[] as &[usize]);
        assert!(a.matmul(&a).is_err());
        let i = Tensor::from_vec(vec![1i32, 2, 3, 4], &[2, 2]).unwrap();
        assert_eq!(i.matmul(&i).unwrap().to_vec::<i32>().unwrap(), vec![7, 10, 15, 22]);
    }

    #[test]
    fn batched_broadcast_and_dot() {
        let a = Tensor::from_vec(vec![1.0f64; 2 * 3 * 4], &[2, 3, 4]).unwrap();
        let b = Tensor::from_vec(vec![1.0f64; 4 * 5], &[4, 5]).unwrap();
        let r = a.matmul(&b).unwrap();
        assert_eq!(r.shape(), &[2, 3, 5]);
        assert!(r.to_vec::<f64>().unwrap().iter().all(|&v| v == 4.0));
        let c = Tensor::from_vec(vec![1.0f64; 2 * 4 * 5], &[2, 4, 5]).unwrap();
        assert_eq!(a.dot(&c).unwrap().shape(), &[2, 3, 2, 5]);
        // An empty sum axis gives zeros of the full result shape.
        let v = Tensor::from_vec(Vec::<f64>::new(), &[0]).unwrap();
        let e = Tensor::from_vec(Vec::<f64>::new(), &[1, 0, 3]).unwrap();
        assert_eq!(v.dot(&e).unwrap().to_vec::<f64>().unwrap(), vec![0.0; 3]);
        let bad = Tensor::from_vec(vec![1.0f64; 3 * 4 * 5], &[3, 4, 5]).unwrap();
        let msg = a.matmul(&bad).unwrap_err().to_string();
        assert!(msg.contains("(2, 3, 4)") && msg.contains("(3, 4, 5)"), "{msg}");
    }
}

//! Dense linear algebra (`np.linalg`): LU (inverse, solve, determinants), Cholesky, QR, SVD
//! and eigendecompositions of stacks of matrices, by the `faer` crate.
//!
//! Every operation takes an array of shape `(..., m, n)` and works matrix by matrix over the
//! leading (batch) axes, in parallel with rayon when the batch holds enough work. float32
//! stays float32 and float64 float64; every other dtype is computed in float64 (NumPy's rule).
//!
//! These are host kernels: an array on a GPU is copied to the host, factored there and the
//! results copied back to its device (this build links no cuSOLVER). They are not recorded by
//! autograd: the Python front end (`deepblocks.numpy.linalg`) records each differentiable
//! function as one graph node whose backward is built from differentiable operations.
//!
//! A matrix the factorization cannot handle (singular, not positive definite, no convergence,
//! complex eigenvalues) gives a [`LinAlgFailure`], carried as [`Error::Foreign`] so that the
//! bindings raise `deepblocks.np.linalg.LinAlgError` (NumPy's `LinAlgError`).

use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Foreign, Result};
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{MatRef, Side};
use rayon::prelude::*;

/// A matrix that the requested factorization fails on: NumPy's `LinAlgError`.
#[derive(Clone, Debug)]
pub struct LinAlgFailure(pub String);

impl std::fmt::Display for LinAlgFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn failure(msg: impl Into<String>) -> Error {
    Error::Foreign(Foreign::new(LinAlgFailure(msg.into())))
}

/// The three outputs of `qr` (NumPy's `mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QrMode {
    /// Q (m, k) and R (k, n), k = min(m, n).
    Reduced,
    /// Q (m, m) and R (m, n).
    Complete,
    /// R (k, n) alone.
    R,
}

/// The element types the kernels run in.
trait Real: faer::traits::RealField + StorageElement + Copy + Send + Sync + PartialOrd {
    fn f64(self) -> f64;
    fn of(v: f64) -> Self;
}

impl Real for f32 {
    fn f64(self) -> f64 {
        self as f64
    }
    fn of(v: f64) -> Self {
        v as f32
    }
}

impl Real for f64 {
    fn f64(self) -> f64 {
        self
    }
    fn of(v: f64) -> Self {
        v
    }
}

/// Matrices of a batch worth running in parallel: below this many flops (about n³ a matrix)
/// in all, rayon's start-up costs more than it saves.
const PARALLEL_WORK: usize = 1 << 16;

/// One operand: its matrices as a dense host buffer of `T`.
struct Stack {
    t: Tensor,
    batch: Vec<usize>,
    m: usize,
    n: usize,
}

impl Stack {
    fn count(&self) -> usize {
        self.batch.iter().product()
    }
}

/// Checks `x` is a stack of matrices (square when `square`) and brings it to the host as a
/// dense float array (float32 stays, everything else becomes float64).
fn stack(x: &Tensor, name: &str, square: bool) -> Result<Stack> {
    let shape = x.shape();
    if shape.len() < 2 {
        return Err(failure(format!(
            "{name}: {}-dimensional array given. Array must be at least two-dimensional",
            shape.len()
        )));
    }
    let (m, n) = (shape[shape.len() - 2], shape[shape.len() - 1]);
    if square && m != n {
        return Err(failure(format!("{name}: Last 2 dimensions of the array must be square (got shape {shape:?})")));
    }
    let dtype = if x.dtype() == DType::F32 { DType::F32 } else { DType::F64 };
    let host = x.to_host()?;
    let t = if host.dtype() == dtype { host.contiguous()? } else { host.astype(dtype)? };
    Ok(Stack { t, batch: shape[..shape.len() - 2].to_vec(), m, n })
}

/// Runs `f` on every matrix of `s` (with its index in the batch) (in parallel for large batches) and gathers its
/// `outputs` results, each a row-major buffer of the same size for every matrix, into one
/// buffer per output.
fn per_matrix<T: Real>(
    s: &Stack,
    outputs: usize,
    f: impl Fn(usize, MatRef<'_, T>) -> Result<Vec<Vec<T>>> + Sync + Send,
) -> Result<Vec<Vec<T>>> {
    let (m, n, count) = (s.m, s.n, s.count());
    let guard = s.t.storage().read();
    let all = crate::storage::typed::<T>(&guard)?;
    let data = &all[s.t.layout().offset()..s.t.layout().offset() + s.t.numel()];
    let one = |i: usize| f(i, MatRef::from_row_major_slice(&data[i * m * n..(i + 1) * m * n], m, n));
    let work = count.saturating_mul(m * n).saturating_mul(m.max(n));
    let parts: Vec<Vec<Vec<T>>> = if count > 1 && work >= PARALLEL_WORK {
        (0..count).into_par_iter().map(one).collect::<Result<_>>()?
    } else {
        (0..count).map(one).collect::<Result<_>>()?
    };
    let mut out: Vec<Vec<T>> = (0..outputs).map(|k| Vec::with_capacity(parts.first().map_or(0, |p| p[k].len()) * count)).collect();
    for p in parts {
        for (o, v) in out.iter_mut().zip(p) {
            o.extend_from_slice(&v);
        }
    }
    Ok(out)
}

/// A matrix as a row-major buffer.
fn rows<T: Real>(a: MatRef<'_, T>) -> Vec<T> {
    let mut v = Vec::with_capacity(a.nrows() * a.ncols());
    for i in 0..a.nrows() {
        for j in 0..a.ncols() {
            v.push(a[(i, j)]);
        }
    }
    v
}

/// The transpose of `a` as a row-major buffer (its columns, each in order).
fn cols<T: Real>(a: MatRef<'_, T>) -> Vec<T> {
    rows(a.transpose())
}

/// A row-major buffer of the triangle of `a` (lower or upper, the rest 0), transposed
/// when `transpose`.
fn triangle<T: Real>(a: MatRef<'_, T>, lower: bool, transpose: bool) -> Vec<T> {
    let a = if transpose { a.transpose() } else { a };
    let mut v = rows(a);
    let c = a.ncols();
    let keep_lower = lower != transpose;
    for i in 0..a.nrows() {
        for j in 0..c {
            if (keep_lower && j > i) || (!keep_lower && j < i) {
                v[i * c + j] = T::of(0.0);
            }
        }
    }
    v
}

fn identity<T: Real>(n: usize) -> Vec<T> {
    let mut v = vec![T::of(0.0); n * n];
    for i in 0..n {
        v[i * n + i] = T::of(1.0);
    }
    v
}

/// Wraps `data` as an array of `batch + tail` and sends it to `device`.
fn output<T: Real>(data: Vec<T>, batch: &[usize], tail: &[usize], device: Device) -> Result<Tensor> {
    let shape: Vec<usize> = batch.iter().chain(tail).copied().collect();
    Tensor::from_storage(T::wrap(data), &shape, device)
}

/// Dispatches on a stack's dtype: float32 or float64.
macro_rules! by_dtype {
    ($s:expr, $f:ident ( $($arg:expr),* )) => {
        match $s.t.dtype() {
            DType::F32 => $f::<f32>($($arg),*),
            _ => $f::<f64>($($arg),*),
        }
    };
}

fn singular(name: &str) -> Error {
    failure(format!("{name}: Singular matrix"))
}

/// True when the LU factor `u` has an exact zero on its diagonal (LAPACK's singular test).
fn has_zero_pivot<T: Real>(u: MatRef<'_, T>) -> bool {
    (0..u.nrows().min(u.ncols())).any(|i| u[(i, i)].f64() == 0.0)
}

fn inv_impl<T: Real>(s: &Stack, device: Device) -> Result<Tensor> {
    let n = s.n;
    let mut out = per_matrix::<T>(s, 1, |_, a| {
        let lu = a.partial_piv_lu();
        if has_zero_pivot(lu.U()) {
            return Err(singular("inv"));
        }
        Ok(vec![rows(lu.inverse().as_ref())])
    })?;
    output(out.remove(0), &s.batch, &[n, n], device)
}

fn solve_impl<T: Real>(a: &Stack, b: &Stack, device: Device) -> Result<Tensor> {
    let (n, k) = (b.m, b.n);
    let guard = b.t.storage().read();
    let all = crate::storage::typed::<T>(&guard)?;
    let bdata = &all[b.t.layout().offset()..b.t.layout().offset() + b.t.numel()];
    let mut out = per_matrix::<T>(a, 1, |i, m| {
        let lu = m.partial_piv_lu();
        if has_zero_pivot(lu.U()) {
            return Err(singular("solve"));
        }
        let rhs = MatRef::from_row_major_slice(&bdata[i * n * k..(i + 1) * n * k], n, k);
        Ok(vec![rows(lu.solve(rhs).as_ref())])
    })?;
    output(out.remove(0), &a.batch, &[n, k], device)
}

/// (sign, log|det|, det) of every matrix, from its LU factors.
fn lu_det_impl<T: Real>(s: &Stack) -> Result<Vec<Vec<T>>> {
    per_matrix::<T>(s, 3, |_, a| {
        let n = a.nrows();
        let mut factors = a.to_owned();
        let mut fwd = vec![0usize; n];
        let mut bwd = vec![0usize; n];
        let par = faer::get_global_parallelism();
        let scratch = faer::linalg::lu::partial_pivoting::factor::lu_in_place_scratch::<usize, T>(n, n, par, Default::default());
        let mut buf = faer::dyn_stack::MemBuffer::new(scratch);
        let info = faer::linalg::lu::partial_pivoting::factor::lu_in_place(
            factors.as_mut(),
            &mut fwd,
            &mut bwd,
            par,
            faer::dyn_stack::MemStack::new(&mut buf),
            Default::default(),
        )
        .0;
        let mut det = if info.transposition_count % 2 == 1 { T::of(-1.0) } else { T::of(1.0) };
        let mut sign = det.f64();
        let mut logdet = 0.0f64;
        for i in 0..n {
            let d = factors[(i, i)];
            det = T::of(det.f64() * d.f64());
            if d.f64() == 0.0 {
                sign = 0.0;
                logdet = f64::NEG_INFINITY;
            } else if sign != 0.0 {
                sign *= d.f64().signum();
                logdet += d.f64().abs().ln();
            }
        }
        Ok(vec![vec![T::of(sign)], vec![T::of(logdet)], vec![det]])
    })
}

fn det_impl<T: Real>(s: &Stack, device: Device) -> Result<Tensor> {
    let mut out = lu_det_impl::<T>(s)?;
    output(out.remove(2), &s.batch, &[], device)
}

fn slogdet_impl<T: Real>(s: &Stack, device: Device) -> Result<(Tensor, Tensor)> {
    let mut out = lu_det_impl::<T>(s)?;
    let logdet = out.remove(1);
    Ok((output(out.remove(0), &s.batch, &[], device)?, output(logdet, &s.batch, &[], device)?))
}

fn cholesky_impl<T: Real>(s: &Stack, upper: bool, device: Device) -> Result<Tensor> {
    let n = s.n;
    let side = if upper { Side::Upper } else { Side::Lower };
    let mut out = per_matrix::<T>(s, 1, |_, a| {
        let llt = a.llt(side).map_err(|_| failure("cholesky: Matrix is not positive definite"))?;
        Ok(vec![triangle(llt.L(), true, upper)])
    })?;
    output(out.remove(0), &s.batch, &[n, n], device)
}

fn qr_impl<T: Real>(s: &Stack, mode: QrMode, device: Device) -> Result<Vec<Tensor>> {
    let (m, n) = (s.m, s.n);
    let k = m.min(n);
    let (q_cols, r_rows) = if mode == QrMode::Complete { (m, m) } else { (k, k) };
    let outs = per_matrix::<T>(s, 2, |_, a| {
        if k == 0 {
            let q = if mode == QrMode::Complete { identity(m) } else { Vec::new() };
            return Ok(vec![q, vec![T::of(0.0); r_rows * n]]);
        }
        let qr = a.qr();
        let (q, r) = match mode {
            QrMode::Complete => {
                // faer's R has min(m, n) rows; the complete one has m, the rest zeros.
                let mut r = triangle(qr.thin_R(), false, false);
                r.resize(m * n, T::of(0.0));
                (rows(qr.compute_Q().as_ref()), r)
            }
            QrMode::Reduced => (rows(qr.compute_thin_Q().as_ref()), triangle(qr.thin_R(), false, false)),
            QrMode::R => (Vec::new(), triangle(qr.thin_R(), false, false)),
        };
        Ok(vec![q, r])
    })?;
    let mut outs = outs.into_iter();
    let q = outs.next().unwrap();
    let r = output(outs.next().unwrap(), &s.batch, &[r_rows, n], device)?;
    if mode == QrMode::R {
        return Ok(vec![r]);
    }
    Ok(vec![output(q, &s.batch, &[m, q_cols], device)?, r])
}

fn no_convergence(name: &str) -> Error {
    failure(format!("{name}: did not converge"))
}

fn svd_impl<T: Real>(s: &Stack, full: bool, compute_uv: bool, device: Device) -> Result<Vec<Tensor>> {
    let (m, n) = (s.m, s.n);
    let k = m.min(n);
    if !compute_uv {
        let mut out = per_matrix::<T>(s, 1, |_, a| {
            if k == 0 {
                return Ok(vec![Vec::new()]);
            }
            Ok(vec![a.singular_values().map_err(|_| no_convergence("svd"))?])
        })?;
        return Ok(vec![output(out.remove(0), &s.batch, &[k], device)?]);
    }
    let (uc, vr) = if full { (m, n) } else { (k, k) };
    let outs = per_matrix::<T>(s, 3, |_, a| {
        if k == 0 {
            let (u, vh) = if full { (identity(m), identity(n)) } else { (Vec::new(), Vec::new()) };
            return Ok(vec![u, Vec::new(), vh]);
        }
        let svd = if full { a.svd() } else { a.thin_svd() }.map_err(|_| no_convergence("svd"))?;
        let sv: Vec<T> = svd.S().column_vector().iter().copied().collect();
        Ok(vec![rows(svd.U()), sv, cols(svd.V())])
    })?;
    let mut outs = outs.into_iter();
    let u = output(outs.next().unwrap(), &s.batch, &[m, uc], device)?;
    let sv = output(outs.next().unwrap(), &s.batch, &[k], device)?;
    let vh = output(outs.next().unwrap(), &s.batch, &[vr, n], device)?;
    Ok(vec![u, sv, vh])
}

fn eigh_impl<T: Real>(s: &Stack, upper: bool, compute_v: bool, device: Device) -> Result<Vec<Tensor>> {
    let n = s.n;
    let side = if upper { Side::Upper } else { Side::Lower };
    let outs = per_matrix::<T>(s, 2, |_, a| {
        if n == 0 {
            return Ok(vec![Vec::new(), Vec::new()]);
        }
        if !compute_v {
            return Ok(vec![a.self_adjoint_eigenvalues(side).map_err(|_| no_convergence("eigh"))?, Vec::new()]);
        }
        let e = a.self_adjoint_eigen(side).map_err(|_| no_convergence("eigh"))?;
        Ok(vec![e.S().column_vector().iter().copied().collect(), rows(e.U())])
    })?;
    let mut outs = outs.into_iter();
    let w = output(outs.next().unwrap(), &s.batch, &[n], device)?;
    if !compute_v {
        return Ok(vec![w]);
    }
    Ok(vec![w, output(outs.next().unwrap(), &s.batch, &[n, n], device)?])
}

fn complex_eigenvalues() -> Error {
    failure(
        "eig: the matrix has complex eigenvalues, and deepblocks has no complex dtype \
         (complex results are unsupported; eigh/eigvalsh handle symmetric matrices)",
    )
}

fn eig_impl<T: Real>(s: &Stack, compute_v: bool, device: Device) -> Result<Vec<Tensor>> {
    let n = s.n;
    let outs = per_matrix::<T>(s, 2, |_, a| {
        if n == 0 {
            return Ok(vec![Vec::new(), Vec::new()]);
        }
        if !compute_v {
            let w = a.eigenvalues().map_err(|_| no_convergence("eig"))?;
            if w.iter().any(|z| z.im.f64() != 0.0) {
                return Err(complex_eigenvalues());
            }
            return Ok(vec![w.iter().map(|z| z.re).collect(), Vec::new()]);
        }
        let e = a.eigen().map_err(|_| no_convergence("eig"))?;
        let w: Vec<T> = e.S().column_vector().iter().map(|z| z.re).collect();
        if e.S().column_vector().iter().any(|z| z.im.f64() != 0.0) {
            return Err(complex_eigenvalues());
        }
        let u = e.U();
        // Unit-norm eigenvectors, as LAPACK's geev returns them.
        let mut v = vec![T::of(0.0); n * n];
        for j in 0..n {
            let norm = (0..n).map(|i| u[(i, j)].re.f64().powi(2)).sum::<f64>().sqrt();
            let scale = if norm > 0.0 { 1.0 / norm } else { 1.0 };
            for i in 0..n {
                v[i * n + j] = T::of(u[(i, j)].re.f64() * scale);
            }
        }
        Ok(vec![w, v])
    })?;
    let mut outs = outs.into_iter();
    let w = output(outs.next().unwrap(), &s.batch, &[n], device)?;
    if !compute_v {
        return Ok(vec![w]);
    }
    Ok(vec![w, output(outs.next().unwrap(), &s.batch, &[n, n], device)?])
}

impl Tensor {
    /// The inverse of every matrix of a `(..., n, n)` stack.
    ///
    /// ```
    /// use deepblocks::Tensor;
    /// let a = Tensor::from_vec(vec![2.0f64, 0.0, 0.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(a.inv().unwrap().to_vec::<f64>().unwrap(), vec![0.5, 0.0, 0.0, 0.25]);
    /// ```
    pub fn inv(&self) -> Result<Tensor> {
        crate::autograd::paused(|| {
            let s = stack(self, "inv", true)?;
            by_dtype!(s, inv_impl(&s, self.device()))
        })
    }

    /// The solution `x` of `a x = b` for a `(..., n, n)` stack `a` and a `(..., n, k)` stack
    /// `b` with the same leading axes (the caller broadcasts them).
    pub fn solve(&self, b: &Tensor) -> Result<Tensor> {
        crate::autograd::paused(|| {
            self.same_device(b, "solve")?;
            let a = stack(self, "solve", true)?;
            if b.ndim() < 2 || b.shape()[..b.ndim() - 1] != self.shape()[..self.ndim() - 1] {
                return Err(Error::Shape(format!(
                    "solve: b of shape {:?} does not match a of shape {:?} (expected (..., {n}, k) with a's leading axes)",
                    b.shape(),
                    self.shape(),
                    n = a.n
                )));
            }
            let dtype = if a.t.dtype() == DType::F64 || b.dtype() != DType::F32 { DType::F64 } else { DType::F32 };
            let a = if a.t.dtype() == dtype { a } else { stack(&self.astype(DType::F64)?, "solve", true)? };
            let bs = stack(&b.astype(dtype)?, "solve", false)?;
            by_dtype!(a, solve_impl(&a, &bs, self.device()))
        })
    }

    /// The determinant of every matrix of a `(..., n, n)` stack.
    pub fn det(&self) -> Result<Tensor> {
        crate::autograd::paused(|| {
            let s = stack(self, "det", true)?;
            by_dtype!(s, det_impl(&s, self.device()))
        })
    }

    /// `(sign, log|det|)` of every matrix of a `(..., n, n)` stack (sign 0 and log -inf for a
    /// singular one).
    pub fn slogdet(&self) -> Result<(Tensor, Tensor)> {
        crate::autograd::paused(|| {
            let s = stack(self, "slogdet", true)?;
            by_dtype!(s, slogdet_impl(&s, self.device()))
        })
    }

    /// The Cholesky factor of every (symmetric positive definite) matrix: lower `L` with
    /// `a = L Lᵀ` read from the lower triangle, or with `upper` the upper `U = Lᵀ` read from
    /// the upper triangle.
    pub fn cholesky(&self, upper: bool) -> Result<Tensor> {
        crate::autograd::paused(|| {
            let s = stack(self, "cholesky", true)?;
            by_dtype!(s, cholesky_impl(&s, upper, self.device()))
        })
    }

    /// The QR factorization of every matrix: `[Q, R]`, or `[R]` for [`QrMode::R`].
    pub fn qr(&self, mode: QrMode) -> Result<Vec<Tensor>> {
        crate::autograd::paused(|| {
            let s = stack(self, "qr", false)?;
            by_dtype!(s, qr_impl(&s, mode, self.device()))
        })
    }

    /// The SVD of every matrix: `[U, S, Vh]` with singular values in nonincreasing order, or
    /// `[S]` without `compute_uv`.
    pub fn svd(&self, full_matrices: bool, compute_uv: bool) -> Result<Vec<Tensor>> {
        crate::autograd::paused(|| {
            let s = stack(self, "svd", false)?;
            by_dtype!(s, svd_impl(&s, full_matrices, compute_uv, self.device()))
        })
    }

    /// The eigenvalues (ascending) and, with `compute_v`, the eigenvectors (columns) of every
    /// symmetric matrix, read from its lower (or `upper`) triangle.
    pub fn eigh(&self, upper: bool, compute_v: bool) -> Result<Vec<Tensor>> {
        crate::autograd::paused(|| {
            let s = stack(self, "eigh", true)?;
            by_dtype!(s, eigh_impl(&s, upper, compute_v, self.device()))
        })
    }

    /// The eigenvalues and, with `compute_v`, unit eigenvectors (columns) of every general
    /// square matrix; a [`LinAlgFailure`] when one of them has complex eigenvalues.
    pub fn eig(&self, compute_v: bool) -> Result<Vec<Tensor>> {
        crate::autograd::paused(|| {
            let s = stack(self, "eig", true)?;
            by_dtype!(s, eig_impl(&s, compute_v, self.device()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    #[test]
    fn factorizations_of_a_small_matrix() {
        let a = Tensor::from_vec(vec![4.0f64, 2.0, 2.0, 3.0], &[2, 2]).unwrap();
        assert!(close(&a.inv().unwrap().to_vec::<f64>().unwrap(), &[0.375, -0.25, -0.25, 0.5]));
        assert!(close(&a.det().unwrap().to_vec::<f64>().unwrap(), &[8.0]));
        let l = a.cholesky(false).unwrap().to_vec::<f64>().unwrap();
        assert!(close(&l, &[2.0, 0.0, 1.0, 2f64.sqrt()]));
        let w = a.eigh(false, false).unwrap()[0].to_vec::<f64>().unwrap();
        assert!(close(&w, &[(7.0 - 17f64.sqrt()) / 2.0, (7.0 + 17f64.sqrt()) / 2.0]));
        let b = Tensor::from_vec(vec![2.0f64, 1.0], &[2, 1]).unwrap();
        assert!(close(&a.solve(&b).unwrap().to_vec::<f64>().unwrap(), &[0.5, 0.0]));
    }

    #[test]
    fn singular_and_complex_are_linalg_failures() {
        let s = Tensor::from_vec(vec![1.0f32, 2.0, 2.0, 4.0], &[2, 2]).unwrap();
        let is_failure = |e: Error| matches!(&e, Error::Foreign(f) if f.downcast_ref::<LinAlgFailure>().is_some());
        assert!(is_failure(s.inv().unwrap_err()));
        let rot = Tensor::from_vec(vec![0.0f64, -1.0, 1.0, 0.0], &[2, 2]).unwrap();
        assert!(is_failure(rot.eig(true).unwrap_err()));
        assert_eq!(s.det().unwrap().to_vec::<f32>().unwrap(), vec![0.0]);
    }
}

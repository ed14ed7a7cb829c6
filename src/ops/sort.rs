//! Sorting along an axis: `sort`, `argsort` and `topk`.
//!
//! One primitive serves the three: the first `k` elements of every lane of an axis in sorted
//! order, with the positions along the axis they came from. The order is total, so the
//! result is unique whatever the algorithm: ascending (or descending), NaN counting as larger
//! than every number (NumPy puts NaN last in an ascending sort), and equal elements in the
//! order of their positions (a stable sort; descending too keeps the first of equal elements
//! first, as MXNet's `topk` and `sort(is_ascend=False)` do).
//!
//! Sorted values are differentiable: the gradient goes back to the positions the values
//! came from (`autograd::derivatives::sort`), through the scatter of indexing.

use super::backend;
use super::{with_mut_ptr, with_ptr};
use crate::cpu::strided::Ptr;
use crate::cpu::Cpu;
use crate::dtype::{DType, Element};
use crate::error::{fmt_shape, Error, Result};
use crate::ops::index::Index;
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use crate::with_dtype;
use std::cmp::Ordering;

/// The sorting primitive of a backend.
pub(crate) trait SortKernels {
    /// The first `k` (`<= x.shape()[axis]`) elements of every lane of `x` along `axis` in the
    /// order of the module doc, and their positions along `axis` (int64): two dense arrays of
    /// `x`'s shape with axis `axis` of length `k`.
    fn sort_lanes(&self, x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)>;
}

/// The total order of the module doc on one dtype's values, before the tie on positions:
/// NaN is larger than everything and equal to itself.
#[inline]
fn compare<T: Element>(a: T, b: T) -> Ordering {
    a.partial_cmp(&b).unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

/// Work (elements times comparisons) below which the lanes are sorted on the calling thread.
const PARALLEL_WORK: usize = 1 << 16;

/// Lanes at least this long, when there are too few to share among the threads, are each
/// sorted by all of them (rayon's parallel sort).
const PARALLEL_LANE: usize = 1 << 15;

impl SortKernels for Cpu {
    fn sort_lanes(&self, x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)> {
        with_dtype!(x.dtype(), T => sort_lanes_cpu::<T>(x, axis, k, descending))
    }
}

/// The storage offset of the first element of every lane along `axis`, lanes in row-major
/// order of the other axes (which is the order of the dense output's lanes).
fn lane_offsets(x: &Tensor, axis: usize) -> Vec<isize> {
    let (shape, strides) = (x.shape(), x.layout().strides());
    let lanes: usize = shape.iter().enumerate().filter(|&(d, _)| d != axis).map(|(_, &n)| n).product();
    let mut offsets = Vec::with_capacity(lanes);
    let mut at = vec![0usize; shape.len()];
    let mut off = x.layout().offset() as isize;
    for _ in 0..lanes {
        offsets.push(off);
        // The next lane: an odometer over every axis but `axis`, the last one fastest.
        for d in (0..shape.len()).rev().filter(|&d| d != axis) {
            at[d] += 1;
            off += strides[d];
            if at[d] < shape[d] {
                break;
            }
            off -= strides[d] * shape[d] as isize;
            at[d] = 0;
        }
    }
    offsets
}

fn sort_lanes_cpu<T: StorageElement>(x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)> {
    let shape = x.shape();
    let n = shape[axis];
    let inner: usize = shape[axis + 1..].iter().product();
    let mut out_shape = shape.to_vec();
    out_shape[axis] = k;
    let values = Tensor::zeros(&out_shape, x.dtype(), x.device())?;
    let indices = Tensor::zeros(&out_shape, DType::I64, x.device())?;
    if values.numel() == 0 {
        return Ok((values, indices));
    }
    let offsets = lane_offsets(x, axis);
    let stride = x.layout().strides()[axis];
    let order = |a: (T, usize), b: (T, usize)| {
        let by_value = if descending { compare(b.0, a.0) } else { compare(a.0, b.0) };
        by_value.then(a.1.cmp(&b.1))
    };
    with_ptr::<T, _>(x, |px| {
        with_mut_ptr::<T, _>(&values, |pv| {
            with_mut_ptr::<i64, _>(&indices, |pi| {
                let (px, pv, pi) = (Ptr(px as *mut T), Ptr(pv), Ptr(pi));
                // Sorts lane `q` with the caller's buffers: (value, position) pairs, so that the
                // comparisons read contiguous memory, and an unstable sort suffices (the
                // positions make every pair distinct).
                let sort_lane = |q: usize, lane: &mut Vec<(T, usize)>, parallel: bool| {
                    lane.clear();
                    // SAFETY: `offsets[q] + j * stride` (j < n) is an element of x's layout.
                    lane.extend((0..n).map(|j| (unsafe { *px.at(offsets[q] + j as isize * stride) }, j)));
                    let cmp = |a: &(T, usize), b: &(T, usize)| order(*a, *b);
                    if k < n {
                        lane.select_nth_unstable_by(k, cmp);
                        lane.truncate(k);
                    }
                    if parallel {
                        use rayon::prelude::*;
                        crate::cpu::pool::install(|| lane.par_sort_unstable_by(cmp));
                    } else {
                        lane.sort_unstable_by(cmp);
                    }
                    // Lane q = (o, i) of the dense outputs (outer o, inner i) starts at
                    // o * k * inner + i and steps by inner.
                    let base = (q / inner * k * inner + q % inner) as isize;
                    for (j, &(v, p)) in lane.iter().enumerate() {
                        let at = base + (j * inner) as isize;
                        // SAFETY: each lane writes its own k positions of the dense outputs.
                        unsafe {
                            *pv.at(at) = v;
                            *pi.at(at) = p as i64;
                        }
                    }
                };
                let lanes = offsets.len();
                let threads = crate::cpu::pool::num_threads();
                let work = lanes * n * (usize::BITS - n.leading_zeros()) as usize;
                if threads > 1 && lanes >= threads && work >= PARALLEL_WORK {
                    use rayon::prelude::*;
                    crate::cpu::pool::install(|| {
                        (0..lanes).into_par_iter().for_each_init(Vec::new, |lane, q| sort_lane(q, lane, false));
                    });
                } else {
                    let parallel = threads > 1 && n >= PARALLEL_LANE;
                    let mut lane = Vec::with_capacity(n);
                    (0..lanes).for_each(|q| sort_lane(q, &mut lane, parallel));
                }
                Ok(())
            })
        })
    })?;
    Ok((values, indices))
}

impl Tensor {
    /// The array to sort and the axis of its lanes: `self` flattened for `None` (NumPy's
    /// `axis=None`), else `axis` checked against the shape (a ValueError naming it).
    fn sort_axis(&self, op: &str, axis: Option<isize>) -> Result<(Tensor, usize)> {
        let Some(a) = axis else {
            return Ok((self.reshape(&[self.numel()])?, 0));
        };
        let nd = self.ndim() as isize;
        if a < -nd || a >= nd {
            return Err(Error::Value(format!(
                "{op}: axis {a} is out of bounds for an array of shape {} ({} dimensions)",
                fmt_shape(self.shape()),
                nd
            )));
        }
        Ok((self.clone(), if a < 0 { (a + nd) as usize } else { a as usize }))
    }

    /// The first `k` sorted elements of every lane along `axis` (recorded: the values are
    /// differentiable) and their int64 positions.
    fn sorted_lanes(&self, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)> {
        use crate::autograd::{derivatives::sort as d, paused, track};
        let (values, indices) = paused(|| backend::on(self.device())?.sort_lanes(self, axis, k, descending))?;
        let values = track("sort", &[self], || Ok(values), |_| d::gathered(self.shape(), axis, indices.clone()))?;
        Ok((values, indices))
    }

    /// `self` sorted along `axis` (of the flattened array for `None`, as `np.sort`), in
    /// ascending or descending order; stable, NaN sorting as the largest value.
    pub fn sort(&self, axis: Option<isize>, descending: bool) -> Result<Tensor> {
        let (x, axis) = self.sort_axis("sort", axis)?;
        let n = x.shape()[axis];
        Ok(x.sorted_lanes(axis, n, descending)?.0)
    }

    /// The int64 positions that sort `self` along `axis` (`np.argsort`; flattened for
    /// `None`), in the order of `sort`.
    pub fn argsort(&self, axis: Option<isize>, descending: bool) -> Result<Tensor> {
        let (x, axis) = self.sort_axis("argsort", axis)?;
        let n = x.shape()[axis];
        crate::autograd::paused(|| Ok(backend::on(x.device())?.sort_lanes(&x, axis, n, descending)?.1))
    }

    /// The `k` largest (or, with `descending` false, smallest) elements of every lane along
    /// `axis` in that order, and their int64 positions (MXNet's `topk`); `k <= 0` takes the
    /// whole axis, as MXNet does, and a `k` longer than the axis is a ValueError.
    pub fn topk(&self, axis: Option<isize>, k: i64, descending: bool) -> Result<(Tensor, Tensor)> {
        let (x, axis) = self.sort_axis("topk", axis)?;
        let n = x.shape()[axis];
        let k = match usize::try_from(k) {
            Ok(0) | Err(_) => n,
            Ok(k) if k <= n => k,
            Ok(k) => {
                return Err(Error::Value(format!(
                    "topk: k = {k} is larger than the {n} elements along axis {axis} of an array of shape {}",
                    fmt_shape(x.shape())
                )))
            }
        };
        x.sorted_lanes(axis, k, descending)
    }

    /// MXNet's `topk(ret_typ='mask')`: zeros of `self`'s shape and dtype with 1 at the
    /// positions `indices` (as `topk(axis, ..)` gave them) name along `axis`.
    pub fn topk_mask(&self, axis: Option<isize>, indices: &Tensor) -> Result<Tensor> {
        let (x, axis) = self.sort_axis("topk", axis)?;
        // Built by adding ones, which booleans cannot do: uint8 for them.
        let dtype = if self.dtype() == DType::Bool { DType::U8 } else { self.dtype() };
        let ones = Tensor::full(indices.shape(), crate::tensor::Scalar::Int(1), dtype, self.device())?;
        ones.scatter_along(x.shape(), axis, indices)?.to_dtype(self.dtype())?.reshape(self.shape())
    }

    /// Zeros of `shape` with `self` added at `indices` (int64, `self`'s shape) along `axis`:
    /// what reading lanes at `indices` (a sort's values) sends back. Recorded; `indices`
    /// are read on the host (as by any index array).
    pub(crate) fn scatter_along(&self, shape: &[usize], axis: usize, indices: &Tensor) -> Result<Tensor> {
        // Both seen as (outer, lane, inner), so that three index arrays (outer and inner
        // positions broadcast against the indices) name every position, whatever the
        // number of axes.
        let (outer, n, inner) = (shape[..axis].iter().product::<usize>(), shape[axis], shape[axis + 1..].iter().product::<usize>());
        let k = indices.shape()[axis];
        let positions = |len: usize, at: &[usize]| Tensor::from_vec((0..len as i64).collect::<Vec<_>>(), at);
        let items = [
            Index::Array(positions(outer, &[outer, 1, 1])?),
            Index::Array(indices.reshape(&[outer, k, inner])?),
            Index::Array(positions(inner, &[1, 1, inner])?),
        ];
        self.reshape(&[outer, k, inner])?.index_scatter(&[outer, n, inner], &items)?.reshape(shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64s(v: &[f64], shape: &[usize]) -> Tensor {
        Tensor::from_vec(v.to_vec(), shape).unwrap()
    }

    #[test]
    fn sorts_rows_stably_with_nan_last() {
        let x = f64s(&[3.0, f64::NAN, 1.0, 3.0, -0.0, 0.0], &[6]);
        let s = x.sort(Some(0), false).unwrap().to_vec::<f64>().unwrap();
        assert_eq!(&s[..5], &[-0.0, 0.0, 1.0, 3.0, 3.0]);
        assert!(s[5].is_nan());
        // -0.0 and 0.0 are equal: they keep their order.
        assert_eq!(x.argsort(Some(0), false).unwrap().to_vec::<i64>().unwrap(), vec![4, 5, 2, 0, 3, 1]);
        // Descending: NaN first, equal elements still first-come first.
        assert_eq!(x.argsort(Some(-1), true).unwrap().to_vec::<i64>().unwrap(), vec![1, 0, 3, 2, 4, 5]);
    }

    #[test]
    fn sorts_any_axis_of_a_view() {
        // [[5, 1, 4], [2, 6, 0]] transposed: lanes along axis 1 of the (3, 2) view.
        let x = Tensor::from_vec(vec![5i32, 1, 4, 2, 6, 0], &[2, 3]).unwrap();
        let t = x.transpose(None).unwrap();
        assert_eq!(t.sort(Some(1), false).unwrap().to_vec::<i32>().unwrap(), vec![2, 5, 1, 6, 0, 4]);
        assert_eq!(t.sort(Some(0), false).unwrap().to_vec::<i32>().unwrap(), vec![1, 0, 4, 2, 5, 6]);
        assert_eq!(x.sort(None, false).unwrap().to_vec::<i32>().unwrap(), vec![0, 1, 2, 4, 5, 6]);
        let b = Tensor::from_vec(vec![true, false, true, false], &[4]).unwrap();
        assert_eq!(b.argsort(None, false).unwrap().to_vec::<i64>().unwrap(), vec![1, 3, 0, 2]);
    }

    #[test]
    fn topk_takes_a_prefix() {
        let x = f64s(&[3.0, 1.0, 3.0, 2.0, 1.0, 0.0, 5.0, 5.0, 5.0, -1.0], &[2, 5]);
        let (v, i) = x.topk(Some(-1), 2, true).unwrap();
        assert_eq!(v.shape(), &[2, 2]);
        assert_eq!(v.to_vec::<f64>().unwrap(), vec![3.0, 3.0, 5.0, 5.0]);
        assert_eq!(i.to_vec::<i64>().unwrap(), vec![0, 2, 1, 2]);
        let (_, i) = x.topk(Some(1), 3, false).unwrap();
        assert_eq!(i.to_vec::<i64>().unwrap(), vec![1, 4, 3, 4, 0, 1]);
        let (_, i) = x.topk(Some(0), 1, true).unwrap();
        assert_eq!(i.to_vec::<i64>().unwrap(), vec![0, 1, 1, 1, 0]);
        assert_eq!(x.topk(Some(1), 0, true).unwrap().1.shape(), &[2, 5]);
        assert_eq!(x.topk(None, 3, true).unwrap().1.to_vec::<i64>().unwrap(), vec![6, 7, 8]);
        assert!(matches!(x.topk(Some(1), 6, true), Err(Error::Value(_))));
    }

    #[test]
    fn empty_and_zero_d() {
        let e = Tensor::zeros(&[2, 0], DType::F32, crate::Device::Cpu(0)).unwrap();
        assert_eq!(e.sort(Some(1), false).unwrap().shape(), &[2, 0]);
        assert_eq!(e.argsort(Some(0), false).unwrap().shape(), &[2, 0]);
        let s = Tensor::scalar(2.5f32);
        assert_eq!(s.sort(None, false).unwrap().shape(), &[1]);
        let err = s.sort(Some(-1), false).unwrap_err();
        assert!(matches!(err, Error::Value(ref m) if m.contains("()")), "{err}");
    }

    #[test]
    fn gradients_go_back_to_the_sorted_positions() {
        use crate::autograd::{self, backward, record, GradReq};
        autograd::set_recording(false);
        let x = f64s(&[3.0, 1.0, 2.0, 0.0, 5.0, 4.0], &[2, 3]);
        x.attach_grad(GradReq::Write).unwrap();
        let w = f64s(&[1.0, 10.0, 100.0, 1.0, 10.0, 100.0], &[2, 3]);
        let y = record(|| x.sort(Some(1), false)?.mul(&w)?.sum(None, false)).unwrap();
        backward(&[y], &[None], false).unwrap();
        // Row 0 sorts as positions [1, 2, 0], row 1 as [0, 2, 1].
        assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), vec![100.0, 1.0, 10.0, 1.0, 100.0, 10.0]);
        let w2 = f64s(&[1.0, 10.0], &[1, 2]);
        let y = record(|| x.topk(Some(0), 1, true)?.0.index(&[crate::Index::Slice { start: None, stop: None, step: None }, crate::Index::Slice { start: None, stop: Some(2), step: None }])?.mul(&w2)?.sum(None, false)).unwrap();
        backward(&[y], &[None], false).unwrap();
        // Column maxima: rows [0, 1, 1] for the first two columns, [0, 1].
        assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), vec![1.0, 0.0, 0.0, 0.0, 10.0, 0.0]);
    }

    #[test]
    fn long_lanes_in_parallel_match_the_serial_sort() {
        // Enough work for the parallel paths (many lanes, then one long lane).
        let n = 1 << 16;
        let v: Vec<i64> = (0..n as i64).map(|i| (i * 7919) % 1000).collect();
        let x = Tensor::from_vec(v.clone(), &[n]).unwrap();
        let mut expected: Vec<(i64, usize)> = v.iter().copied().zip(0..).collect();
        expected.sort();
        let idx = x.argsort(Some(0), false).unwrap().to_vec::<i64>().unwrap();
        assert!(idx.iter().zip(&expected).all(|(&i, &(_, p))| i == p as i64));
        let rows = x.reshape(&[256, n / 256]).unwrap().sort(Some(1), false).unwrap().to_vec::<i64>().unwrap();
        for (r, row) in rows.chunks(n / 256).enumerate() {
            let mut want = v[r * (n / 256)..(r + 1) * (n / 256)].to_vec();
            want.sort();
            assert_eq!(row, &want[..]);
        }
    }
}

//! Sorting along an axis: `sort`, `argsort` and `topk`.
//!
//! One primitive serves the three: the first `k` elements of every lane of an axis in sorted
//! order, with the positions along the axis they came from. The order is total, so the
//! result is unique whatever the algorithm: ascending (or descending), NaN counting as larger
//! than every number (NumPy puts NaN last in an ascending sort), and equal elements in the
//! order of their positions (a stable sort; descending too keeps the first of equal elements
//! first, as MXNet's `topk` and `sort(is_ascend=False)` do). The CPU sorts with a stable
//! radix sort (`cpu::radix`) on keys that encode this order, short lanes one per task and a
//! long lane with every thread where there are enough of them.
//!
//! Sorted values are differentiable: the gradient goes back to the positions the values
//! came from (`autograd::derivatives::sort`), through the scatter of indexing.

use super::backend;
use super::with_ptr;
use crate::cpu::strided::Ptr;
use crate::cpu::Cpu;
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::ops::index::Index;
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use crate::with_dtype;
use crate::cpu::radix::RadixKey;

/// The sorting primitive of a backend.
pub(crate) trait SortKernels {
    /// The first `k` (`<= x.shape()[axis]`) elements of every lane of `x` along `axis` in the
    /// order of the module doc, and their positions along `axis` (int64): two dense arrays of
    /// `x`'s shape with axis `axis` of length `k`.
    fn sort_lanes(&self, x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)>;

    /// The values of `sort_lanes` over whole lanes alone (`sort` with no gradient to record).
    fn sort_values(&self, x: &Tensor, axis: usize, descending: bool) -> Result<Tensor> {
        Ok(self.sort_lanes(x, axis, x.shape()[axis], descending)?.0)
    }

    /// The positions of `sort_lanes` over whole lanes alone (`argsort`).
    fn argsort_lanes(&self, x: &Tensor, axis: usize, descending: bool) -> Result<Tensor> {
        Ok(self.sort_lanes(x, axis, x.shape()[axis], descending)?.1)
    }
}

/// Work (elements times key bytes) below which the lanes are sorted on the calling thread.
const PARALLEL_WORK: usize = 1 << 16;

/// Lanes at least this long, when there are too few to share among the threads, are each
/// sorted by all of them (the parallel radix sort)...
const PARALLEL_LANE: usize = 1 << 15;

/// ... given at least this many threads. The passes are bound by memory (scattered stores):
/// on the 2-core machine measured, a 16M float32 sort took 270-290 ms with both threads and
/// 207 ms with one.
const PARALLEL_LANE_THREADS: usize = 4;

/// Which outputs a CPU sort writes: leaving out the one nobody reads saves its memory and, for
/// values alone, sorting (key, position) pairs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Values,
    Indices,
    Both,
}

impl SortKernels for Cpu {
    fn sort_lanes(&self, x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)> {
        match with_dtype!(x.dtype(), T => sort_lanes_cpu::<T>(x, axis, k, descending, Want::Both))? {
            (Some(v), Some(i)) => Ok((v, i)),
            _ => unreachable!("Want::Both builds both outputs"),
        }
    }

    fn sort_values(&self, x: &Tensor, axis: usize, descending: bool) -> Result<Tensor> {
        let n = x.shape()[axis];
        match with_dtype!(x.dtype(), T => sort_lanes_cpu::<T>(x, axis, n, descending, Want::Values))? {
            (Some(v), _) => Ok(v),
            _ => unreachable!("Want::Values builds the values"),
        }
    }

    fn argsort_lanes(&self, x: &Tensor, axis: usize, descending: bool) -> Result<Tensor> {
        let n = x.shape()[axis];
        match with_dtype!(x.dtype(), T => sort_lanes_cpu::<T>(x, axis, n, descending, Want::Indices))? {
            (_, Some(i)) => Ok(i),
            _ => unreachable!("Want::Indices builds the indices"),
        }
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

/// A position along a lane, stored next to a key while sorting: u32 for lanes that allow it
/// (less memory traffic than usize), u64 beyond.
trait LaneIndex: Copy + Send + Sync {
    fn new(j: usize) -> Self;
    fn get(self) -> usize;
}

impl LaneIndex for u32 {
    #[inline(always)]
    fn new(j: usize) -> Self {
        j as u32
    }
    #[inline(always)]
    fn get(self) -> usize {
        self as usize
    }
}

impl LaneIndex for u64 {
    #[inline(always)]
    fn new(j: usize) -> Self {
        j as u64
    }
    #[inline(always)]
    fn get(self) -> usize {
        self as usize
    }
}

/// `dst[j] = f(j)` for j < n, in blocks shared among the threads when `parallel`.
///
/// # Safety
/// `dst` must be valid for `n` writes.
unsafe fn fill<I: Copy + Send + Sync>(dst: *mut I, n: usize, parallel: bool, f: impl Fn(usize) -> I + Sync) {
    let dst = Ptr(dst);
    let block = |&(s, e): &(usize, usize)| (s..e).for_each(|j| *dst.at(j as isize) = f(j));
    if parallel {
        let size = n.div_ceil(crate::cpu::pool::num_threads() * 8).max(1);
        let blocks: Vec<(usize, usize)> = (0..n).step_by(size).map(|s| (s, (s + size).min(n))).collect();
        crate::cpu::pool::for_each_shared(&blocks, block);
    } else {
        block(&(0, n));
    }
}

type Sorted = (Option<Tensor>, Option<Tensor>);

fn sort_lanes_cpu<T: StorageElement + RadixKey>(x: &Tensor, axis: usize, k: usize, descending: bool, want: Want) -> Result<Sorted> {
    if x.shape()[axis] <= u32::MAX as usize + 1 {
        sort_lanes_with::<T, u32>(x, axis, k, descending, want)
    } else {
        sort_lanes_with::<T, u64>(x, axis, k, descending, want)
    }
}

/// A worker's buffers, reused from lane to lane.
struct Buffers<T, P> {
    vals: Vec<T>,
    scratch: Vec<std::mem::MaybeUninit<T>>,
    pairs: Vec<P>,
    pair_scratch: Vec<std::mem::MaybeUninit<P>>,
}

impl<T, P> Default for Buffers<T, P> {
    fn default() -> Self {
        Buffers { vals: Vec::new(), scratch: Vec::new(), pairs: Vec::new(), pair_scratch: Vec::new() }
    }
}

/// Every lane gathered into a contiguous buffer and radix sorted (`cpu::radix`): the values
/// themselves when only they are wanted (the sort is stable, so equal values, -0.0 and +0.0
/// or NaNs of different payloads, stay in their input order), else (key, position) pairs.
fn sort_lanes_with<T: StorageElement + RadixKey, Ix: LaneIndex>(x: &Tensor, axis: usize, k: usize, descending: bool, want: Want) -> Result<Sorted> {
    use crate::cpu::radix;
    use std::mem::MaybeUninit;
    let shape = x.shape();
    let n = shape[axis];
    let inner: usize = shape[axis + 1..].iter().product();
    let mut out_shape = shape.to_vec();
    out_shape[axis] = k;
    let total = crate::layout::checked_numel(&out_shape)?;
    let (want_v, want_i) = (want != Want::Indices, want != Want::Values);
    let mut values: Vec<T> = crate::storage::alloc_vec(if want_v { total } else { 0 })?;
    let mut indices: Vec<i64> = crate::storage::alloc_vec(if want_i { total } else { 0 })?;
    if total > 0 {
        let offsets = lane_offsets(x, axis);
        let stride = x.layout().strides()[axis];
        let (pv, pi) = (Ptr(values.as_mut_ptr()), Ptr(indices.as_mut_ptr()));
        // Lane q = (o, i) of the dense outputs (outer o, inner i) starts at
        // o * k * inner + i and steps by inner.
        let base = |q: usize| (q / inner * k * inner + q % inner) as isize;
        // Values alone, whole contiguous output lanes: sorted in the output itself.
        let in_place = want == Want::Values && k == n && inner == 1;
        with_ptr::<T, _>(x, |px| {
            let px = Ptr(px as *mut T);
            let offsets = &offsets;
            let at = move |q: usize, j: usize| -> T {
                // SAFETY: `offsets[q] + j * stride` (j < n) is an element of x's layout.
                unsafe { *px.at(offsets[q] + j as isize * stride) }
            };
            let sort_lane = |q: usize, b: &mut Buffers<T, (T::Key, Ix)>, parallel: bool| -> Result<()> {
                if want_v && !want_i {
                    b.scratch.resize(n, MaybeUninit::uninit());
                    let lane: &mut [T] = if in_place {
                        // SAFETY: lane q of the dense output, written in full by `fill`.
                        unsafe {
                            let dst = pv.at(base(q));
                            fill(dst, n, parallel, |j| at(q, j));
                            std::slice::from_raw_parts_mut(dst, n)
                        }
                    } else {
                        b.vals.clear();
                        b.vals.reserve(n);
                        // SAFETY: capacity n, every element written before set_len.
                        unsafe {
                            fill(b.vals.as_mut_ptr(), n, parallel, |j| at(q, j));
                            b.vals.set_len(n);
                        }
                        &mut b.vals
                    };
                    let key = |v: &T| v.key().into();
                    if parallel {
                        radix::par_sort_by_key(lane, &mut b.scratch, T::BYTES, descending, key);
                    } else {
                        radix::sort_by_key(lane, &mut b.scratch, T::BYTES, descending, key);
                    }
                    if !in_place {
                        for (j, &v) in lane[..k].iter().enumerate() {
                            // SAFETY: each lane writes its own k positions of the dense output.
                            unsafe { *pv.at(base(q) + (j * inner) as isize) = v };
                        }
                    }
                    return Ok(());
                }
                if want_v {
                    b.vals.clear();
                    b.vals.reserve(n);
                    // SAFETY: capacity n, every element written before set_len.
                    unsafe {
                        fill(b.vals.as_mut_ptr(), n, parallel, |j| at(q, j));
                        b.vals.set_len(n);
                    }
                }
                b.pairs.clear();
                b.pairs.reserve(n);
                b.pair_scratch.resize(n, MaybeUninit::uninit());
                // SAFETY: as above.
                unsafe {
                    fill(b.pairs.as_mut_ptr(), n, parallel, |j| (at(q, j).key(), Ix::new(j)));
                    b.pairs.set_len(n);
                }
                let key = |p: &(T::Key, Ix)| p.0.into();
                if parallel {
                    radix::par_sort_by_key(&mut b.pairs, &mut b.pair_scratch, T::BYTES, descending, key);
                } else {
                    radix::sort_by_key(&mut b.pairs, &mut b.pair_scratch, T::BYTES, descending, key);
                }
                for (j, p) in b.pairs[..k].iter().enumerate() {
                    let o = base(q) + (j * inner) as isize;
                    // SAFETY: each lane writes its own k positions of the dense outputs; the
                    // positions are below n = b.vals.len() when the values are wanted.
                    unsafe {
                        *pi.at(o) = p.1.get() as i64;
                        if want_v {
                            *pv.at(o) = *b.vals.get_unchecked(p.1.get());
                        }
                    }
                }
                Ok(())
            };
            let lanes = offsets.len();
            let threads = crate::cpu::pool::num_threads();
            let work = lanes * n * T::BYTES;
            if threads > 1 && lanes >= threads && work >= PARALLEL_WORK {
                use rayon::prelude::*;
                crate::cpu::pool::install(|| (0..lanes).into_par_iter().try_for_each_init(Buffers::default, |b, q| sort_lane(q, b, false)))
            } else {
                let parallel = threads >= PARALLEL_LANE_THREADS && n >= PARALLEL_LANE;
                let mut b = Buffers::default();
                (0..lanes).try_for_each(|q| sort_lane(q, &mut b, parallel))
            }
        })?;
        // SAFETY: every lane wrote its k positions of each wanted output.
        unsafe {
            values.set_len(if want_v { total } else { 0 });
            indices.set_len(if want_i { total } else { 0 });
        }
    }
    let device = x.device();
    let v = if want_v { Some(Tensor::from_storage(T::wrap(values), &out_shape, device)?) } else { None };
    let i = if want_i { Some(Tensor::from_storage(i64::wrap(indices), &out_shape, device)?) } else { None };
    Ok((v, i))
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
        if !crate::autograd::is_recording() {
            // No gradient to record: no positions to compute.
            return backend::on(x.device())?.sort_values(&x, axis, descending);
        }
        let n = x.shape()[axis];
        Ok(x.sorted_lanes(axis, n, descending)?.0)
    }

    /// The int64 positions that sort `self` along `axis` (`np.argsort`; flattened for
    /// `None`), in the order of `sort`.
    pub fn argsort(&self, axis: Option<isize>, descending: bool) -> Result<Tensor> {
        let (x, axis) = self.sort_axis("argsort", axis)?;
        crate::autograd::paused(|| backend::on(x.device())?.argsort_lanes(&x, axis, descending))
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
    fn wide_positions_sort_as_narrow_ones() {
        // Lanes longer than u32 positions allow use u64 ones: the same results.
        let v: Vec<f32> = (0..600).map(|i| ((i * 37) % 11) as f32 - 5.0).collect();
        let x = Tensor::from_vec(v, &[20, 30]).unwrap();
        for want in [Want::Values, Want::Indices, Want::Both] {
            for axis in [0, 1] {
                let k = if axis == 0 { 15 } else { 30 };
                let a = sort_lanes_with::<f32, u32>(&x, axis, k, true, want).unwrap();
                let b = sort_lanes_with::<f32, u64>(&x, axis, k, true, want).unwrap();
                let vals = |t: &Option<Tensor>| t.as_ref().map(|t| t.to_vec::<f32>().unwrap());
                let idx = |t: &Option<Tensor>| t.as_ref().map(|t| t.to_vec::<i64>().unwrap());
                assert_eq!(vals(&a.0), vals(&b.0));
                assert_eq!(idx(&a.1), idx(&b.1));
            }
        }
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

//! NumPy indexing. Integers, slices, `None` and `...` give views; integer and boolean arrays
//! ("advanced" indices) gather into a copy, and assignment scatters through the same plan.

use super::{backend, with_mut_ptr, with_ptr};
use crate::cpu::Cpu;
use crate::cpu::strided::{map1, map2, Plan};
use crate::ops::binary::Arith;
use crate::dtype::{DType, Element};
use crate::error::{fmt_shape, normalize_axis, Error, Result};
use crate::layout::{broadcast_shapes, contiguous_strides, Dims, Layout};
use crate::tensor::Tensor;
use crate::with_dtype;

/// One component of an index expression.
#[derive(Clone, Debug)]
pub enum Index {
    Int(isize),
    Slice { start: Option<isize>, stop: Option<isize>, step: Option<isize> },
    NewAxis,
    Ellipsis,
    /// An integer or boolean array.
    Array(Tensor),
}

/// Python's `slice.indices`: the first index and the length of a slice over `n` elements.
pub fn slice_range(start: Option<isize>, stop: Option<isize>, step: Option<isize>, n: usize) -> Result<(usize, usize, isize)> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(Error::Value("slice step cannot be zero".into()));
    }
    let n = n as isize;
    let clamp = |v: Option<isize>, default: isize| -> isize {
        match v {
            None => default,
            Some(v) if v < 0 => {
                let v = v + n;
                if v < 0 {
                    if step < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    v
                }
            }
            Some(v) if v >= n => {
                if step < 0 {
                    n - 1
                } else {
                    n
                }
            }
            Some(v) => v,
        }
    };
    let (lo, hi) = if step > 0 { (0, n) } else { (n - 1, -1) };
    let s = clamp(start, lo);
    let e = clamp(stop, hi);
    let len = if step > 0 {
        if e > s {
            (e - s + step - 1) / step
        } else {
            0
        }
    } else if s > e {
        (s - e + (-step) - 1) / (-step)
    } else {
        0
    };
    Ok((if len > 0 { s as usize } else { 0 }, len as usize, step))
}

/// The view part of an index plus the advanced (array) parts, by axis of that view.
struct Parsed {
    view: Layout,
    arrays: Vec<(usize, Tensor)>,
    /// How many of the view's other axes come before the index arrays' axes in the result.
    insert_at: usize,
}

impl Parsed {
    /// The number of dimensions of the indexing result.
    fn result_ndim(&self) -> Result<usize> {
        if self.arrays.is_empty() {
            return Ok(self.view.ndim());
        }
        let mut index_shape = Dims::new();
        for (_, a) in &self.arrays {
            index_shape = broadcast_shapes(&index_shape, a.shape())?;
        }
        Ok(index_shape.len() + self.view.ndim() - self.arrays.len())
    }
}

fn parse(t: &Tensor, items: &[Index]) -> Result<Parsed> {
    // Boolean arrays stand for as many integer arrays as they have dimensions. A 0-d boolean
    // adds an axis of length 1 (true) or 0 (false) and indexes it, as in NumPy; `on_new_axis`
    // marks those index arrays, which consume no axis of `t`.
    let mut expanded: Vec<Index> = Vec::with_capacity(items.len());
    let mut on_new_axis: Vec<bool> = Vec::with_capacity(items.len());
    let mut consumed = 0usize;
    for it in items {
        match it {
            Index::Array(a) if a.dtype() == DType::Bool && a.ndim() == 0 => {
                let n = usize::from(a.item::<bool>()?);
                expanded.push(Index::Array(Tensor::from_vec(vec![0i64; n], &[n])?));
                on_new_axis.push(true);
                continue;
            }
            Index::Array(a) if a.dtype() == DType::Bool => {
                for nz in a.nonzero()? {
                    expanded.push(Index::Array(nz));
                }
                consumed += a.ndim();
            }
            Index::Array(a) if a.dtype().is_float() => {
                return Err(Error::Index(format!(
                    "arrays used as indices must be of integer or boolean type, not {}",
                    a.dtype()
                )))
            }
            Index::Int(_) | Index::Slice { .. } | Index::Array(_) => {
                consumed += 1;
                expanded.push(it.clone());
            }
            _ => expanded.push(it.clone()),
        }
        on_new_axis.resize(expanded.len(), false);
    }
    let nd = t.ndim();
    if consumed > nd {
        return Err(Error::Index(format!(
            "too many indices for array: array is {nd}-dimensional, but {consumed} were indexed"
        )));
    }
    if expanded.iter().filter(|i| matches!(i, Index::Ellipsis)).count() > 1 {
        return Err(Error::Index("an index can only have a single ellipsis ('...')".into()));
    }
    // Check boolean masks against the axes they cover.
    let mut axis = 0;
    for it in items {
        match it {
            Index::Array(a) if a.dtype() == DType::Bool => {
                for (k, &d) in a.shape().iter().enumerate() {
                    // NumPy lets a mask axis of length 0 stand for an axis of any length.
                    let lenient = d == 0;
                    if !lenient && axis + k < nd && t.shape()[axis + k] != d {
                        return Err(Error::Index(format!(
                            "boolean index did not match indexed array along axis {}; size of axis is {} but size of corresponding boolean axis is {d}",
                            axis + k,
                            t.shape()[axis + k]
                        )));
                    }
                }
                axis += a.ndim();
            }
            Index::Ellipsis => axis += nd - consumed,
            Index::NewAxis => {}
            _ => axis += 1,
        }
    }

    let mut l = t.layout().clone();
    let mut src_axis = 0; // axis of `t` the next item indexes
    let mut out_axis = 0; // axis of the view being built
    let mut arrays = vec![];
    // NumPy's placement rule: the advanced indices (arrays, and integers when there is an
    // array) put their broadcast axes where the first of them stands when they are
    // consecutive, and in front when a slice, `None` or `...` separates them.
    let has_arrays = expanded.iter().any(|i| matches!(i, Index::Array(_)));
    let (mut insert_at, mut seen_advanced, mut block_ended, mut consecutive) = (0, false, false, true);
    for (it, new_axis) in expanded.into_iter().zip(on_new_axis) {
        let is_advanced = matches!(it, Index::Array(_)) || (has_arrays && matches!(it, Index::Int(_)));
        if is_advanced {
            if !seen_advanced {
                insert_at = out_axis;
                seen_advanced = true;
            } else if block_ended {
                consecutive = false;
            }
        } else if seen_advanced {
            block_ended = true;
        }
        match it {
            Index::Int(i) => {
                let n = t.shape()[src_axis];
                let j = if i < 0 { i + n as isize } else { i };
                if j < 0 || j >= n as isize {
                    return Err(Error::Index(format!("index {i} is out of bounds for axis {src_axis} with size {n}")));
                }
                l = l.select(out_axis, j as usize);
                src_axis += 1;
            }
            Index::Slice { start, stop, step } => {
                let (s, len, st) = slice_range(start, stop, step, t.shape()[src_axis])?;
                l = l.slice(out_axis, s, len, st);
                src_axis += 1;
                out_axis += 1;
            }
            Index::NewAxis => {
                l = l.insert_axis(out_axis);
                out_axis += 1;
            }
            Index::Ellipsis => {
                let skip = nd - consumed;
                src_axis += skip;
                out_axis += skip;
            }
            Index::Array(a) if new_axis => {
                l = l.insert_axis(out_axis);
                arrays.push((out_axis, a));
                out_axis += 1;
            }
            Index::Array(a) => {
                arrays.push((out_axis, a));
                src_axis += 1;
                out_axis += 1;
            }
        }
    }
    Ok(Parsed { view: l, arrays, insert_at: if consecutive { insert_at } else { 0 } })
}

/// The gather/scatter plan of an advanced index: for each position of the broadcast index
/// shape, the storage offset of the sub-block it selects.
pub(crate) struct Advanced {
    /// Broadcast shape of the index arrays.
    index_shape: Dims,
    /// Storage offset of each selected sub-block.
    pub(crate) offsets: Vec<isize>,
    /// Shape and strides of the sub-block (the view axes no array indexes).
    pub(crate) rest_shape: Dims,
    pub(crate) rest_strides: Vec<isize>,
    /// Where the index axes go in the result: at the first array's axis when the arrays are
    /// adjacent, else in front (NumPy's rule).
    insert_at: usize,
}

fn advanced(view: &Layout, arrays: &[(usize, Tensor)], insert_at: usize) -> Result<Advanced> {
    let mut index_shape: Dims = Dims::new();
    for (_, a) in arrays {
        index_shape = broadcast_shapes(&index_shape, a.shape()).map_err(|_| {
            Error::Index(format!(
                "shape mismatch: indexing arrays could not be broadcast together with shapes {}",
                arrays.iter().map(|(_, a)| fmt_shape(a.shape())).collect::<Vec<_>>().join(" ")
            ))
        })?;
    }
    // Index arrays may be broadcast views of any size, so the table is allocated fallibly.
    let count = crate::layout::checked_numel(&index_shape)?;
    let mut offsets = crate::storage::filled_vec(count, view.offset() as isize)?;
    for (axis, a) in arrays {
        let n = view.shape()[*axis] as i64;
        let stride = view.strides()[*axis];
        let idx = a.broadcast_to(&index_shape)?.to_vec::<i64>()?;
        for (o, &i) in offsets.iter_mut().zip(&idx) {
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(Error::Index(format!("index {i} is out of bounds for axis {axis} with size {n}")));
            }
            *o += j as isize * stride;
        }
    }
    let is_indexed = |d: usize| arrays.iter().any(|(a, _)| *a == d);
    let rest: Vec<usize> = (0..view.ndim()).filter(|&d| !is_indexed(d)).collect();
    Ok(Advanced {
        index_shape,
        offsets,
        rest_shape: rest.iter().map(|&d| view.shape()[d]).collect(),
        rest_strides: rest.iter().map(|&d| view.strides()[d]).collect(),
        insert_at,
    })
}

impl Advanced {
    /// Result shape with the index axes in front, and the permutation to NumPy's order.
    fn front_shape_and_perm(&self) -> (Dims, Vec<usize>) {
        let mut shape = self.index_shape.clone();
        shape.extend_from_slice(&self.rest_shape);
        let (k, r) = (self.index_shape.len(), self.rest_shape.len());
        let mut perm: Vec<usize> = (k..k + self.insert_at).collect();
        perm.extend(0..k);
        perm.extend(k + self.insert_at..k + r);
        (shape, perm)
    }

    /// The layout of a value written through this index: broadcast to the result's
    /// NumPy-ordered shape, then seen in front order (the order of `move_blocks`).
    pub(crate) fn value_layout(&self, value: &Tensor) -> Result<Layout> {
        let (front, perm) = self.front_shape_and_perm();
        let target: Dims = perm.iter().map(|&i| front[i]).collect();
        let vb = value.layout().broadcast_to(&target).map_err(|_| {
            Error::Shape(format!(
                "shape mismatch: value array of shape {} could not be broadcast to indexing result of shape {}",
                fmt_shape(value.shape()),
                fmt_shape(&target)
            ))
        })?;
        let mut inverse = vec![0; perm.len()];
        for (i, &p) in perm.iter().enumerate() {
            inverse[p] = i;
        }
        vb.permute(&inverse)
    }
}

/// Copies each selected sub-block of `src` into row `b` of `dst` (gather), or the reverse
/// (scatter) when `scatter`.
///
/// # Safety
/// `src`/`dst` must be valid for the layouts in `adv` and `dense`.
unsafe fn move_blocks<D: Element, S: Element>(adv: &Advanced, tensor_ptr: *mut D, dense_ptr: *mut S, dense: &Layout, scatter: bool) {
    let block: usize = adv.rest_shape.iter().product();
    let dense_rest = &dense.strides()[adv.index_shape.len()..];
    for (b, &off) in adv.offsets.iter().enumerate() {
        let base = dense_base(adv, dense, b);
        if block == 0 {
            continue;
        }
        if scatter {
            let plan = Plan::<2>::new(&adv.rest_shape, [&adv.rest_strides, dense_rest], [off as usize, base as usize]);
            map1(&plan, tensor_ptr, dense_ptr as *const S, |x: S| x.cast::<D>());
        } else {
            let plan = Plan::<2>::new(&adv.rest_shape, [dense_rest, &adv.rest_strides], [base as usize, off as usize]);
            map1(&plan, dense_ptr as *mut D, tensor_ptr as *const D, |x: D| x);
        }
    }
}

/// Storage offset, within the dense operand, of position `b` of the index shape.
fn dense_base(adv: &Advanced, dense: &Layout, b: usize) -> isize {
    let mut rem = b;
    let mut o = dense.offset() as isize;
    for d in (0..adv.index_shape.len()).rev() {
        o += (rem % adv.index_shape[d]) as isize * dense.strides()[d];
        rem /= adv.index_shape[d];
    }
    o
}

/// Adds each row `b` of `dense` into the sub-block it selects, one block after another, so
/// that repeated indices accumulate.
///
/// # Safety
/// As `move_blocks`.
unsafe fn add_blocks<T: Arith>(adv: &Advanced, tensor_ptr: *mut T, dense_ptr: *const T, dense: &Layout) {
    let dense_rest = &dense.strides()[adv.index_shape.len()..];
    if adv.rest_shape.iter().product::<usize>() == 0 {
        return;
    }
    for (b, &off) in adv.offsets.iter().enumerate() {
        let base = dense_base(adv, dense, b);
        let plan = Plan::<3>::new(
            &adv.rest_shape,
            [&adv.rest_strides, &adv.rest_strides, dense_rest],
            [off as usize, off as usize, base as usize],
        );
        map2(&plan, tensor_ptr, tensor_ptr as *const T, dense_ptr, |a: T, v: T| T::add(a, v));
    }
}

/// The advanced-indexing primitives of a backend.
pub(crate) trait IndexKernels {
    /// A dense array of shape `front` (index axes, then the rest's axes) gathered from `src`
    /// at `adv`'s blocks.
    fn gather(&self, src: &Tensor, adv: &Advanced, front: &[usize]) -> Result<Tensor>;
    /// Writes `value` (any dtype, cast to `dst`'s; not overlapping `dst`) into `adv`'s blocks
    /// of `dst`; with `add`, adds instead (repeated positions accumulate; not for bool).
    fn scatter(&self, dst: &Tensor, adv: &Advanced, value: &Tensor, add: bool) -> Result<()>;
}

impl IndexKernels for Cpu {
    fn gather(&self, src: &Tensor, adv: &Advanced, front: &[usize]) -> Result<Tensor> {
        let out = Tensor::zeros(front, src.dtype(), src.device())?;
        with_dtype!(src.dtype(), T => with_ptr::<T, _>(src, |s| {
            with_mut_ptr::<T, _>(&out, |dst| unsafe {
                move_blocks::<T, T>(adv, s as *mut T, dst, out.layout(), false);
                Ok(())
            })
        }))?;
        Ok(out)
    }

    fn scatter(&self, dst: &Tensor, adv: &Advanced, value: &Tensor, add: bool) -> Result<()> {
        if add {
            let v = value.to_dtype(dst.dtype())?;
            let vf = adv.value_layout(&v)?;
            return crate::with_numeric_dtype!(dst.dtype(), T => with_ptr::<T, _>(&v, |src| {
                with_mut_ptr::<T, _>(dst, |d| unsafe {
                    add_blocks::<T>(adv, d, src, &vf);
                    Ok(())
                })
            }), else Err(Error::DType("index_add: boolean arrays cannot be added to".into())));
        }
        // Plain writes convert while they copy.
        let vf = adv.value_layout(value)?;
        with_dtype!(dst.dtype(), D => with_dtype!(value.dtype(), S => with_ptr::<S, _>(value, |src| {
            with_mut_ptr::<D, _>(dst, |d| unsafe {
                move_blocks::<D, S>(adv, d, src as *mut S, &vf, true);
                Ok(())
            })
        })))
    }
}

impl Tensor {
    /// `self[items]`.
    pub fn index(&self, items: &[Index]) -> Result<Tensor> {
        use crate::autograd::{derivatives::index as d, track};
        track("index", &[self], || self.index_raw(items), |_| d::index(self, items))
    }

    fn index_raw(&self, items: &[Index]) -> Result<Tensor> {
        let p = parse(self, items)?;
        if p.arrays.is_empty() {
            return Ok(self.view(p.view));
        }
        let adv = advanced(&p.view, &p.arrays, p.insert_at)?;
        let (front, perm) = adv.front_shape_and_perm();
        let out = backend::on(self.device())?.gather(self, &adv, &front)?;
        Ok(out.view(out.layout().permute(&perm)?))
    }

    /// `self[items] = value`, broadcasting `value` and casting it to this dtype.
    pub fn index_set(&self, items: &[Index], value: &Tensor) -> Result<()> {
        use crate::autograd::{derivatives::index as d, graph, track};
        let value = &self.setitem_value(items, value)?;
        if graph::records_inplace(self, &[value])? {
            // While recording: the result is a recorded copy with the values written in.
            let updated = || {
                let c = self.copy()?;
                c.index_set_raw(items, value)?;
                Ok(c)
            };
            let r = track("setitem", &[self, value], updated, |s| d::update(s, items))?;
            return graph::commit_inplace(self, &r);
        }
        self.index_set_raw(items, value)
    }

    /// `value` as NumPy writes it through `self[items]`: leading size-1 axes beyond the
    /// result's dimensions are dropped (`x[0] = ones((1, 3))`; MXNet also takes a one-element
    /// array for one element, `x[1, 1] = nd.array([5.])`, which NumPy 2 refuses).
    fn setitem_value(&self, items: &[Index], value: &Tensor) -> Result<Tensor> {
        if value.shape().first() != Some(&1) {
            return Ok(value.clone());
        }
        // A bad index is reported by the assignment itself.
        let Ok(n) = parse(self, items).and_then(|p| p.result_ndim()) else { return Ok(value.clone()) };
        let extra = value.ndim().saturating_sub(n);
        let lead = value.shape()[..extra].iter().take_while(|&&d| d == 1).count();
        if lead == 0 {
            return Ok(value.clone());
        }
        value.reshape(&value.shape()[lead..])
    }

    fn index_set_raw(&self, items: &[Index], value: &Tensor) -> Result<()> {
        self.same_device(value, "assignment")?;
        let p = parse(self, items)?;
        if p.arrays.is_empty() {
            return self.view(p.view).assign(value);
        }
        let adv = advanced(&p.view, &p.arrays, p.insert_at)?;
        let v = if value.shares_storage(self) { value.copy()? } else { value.clone() };
        backend::on(self.device())?.scatter(self, &adv, &v, false)
    }

    /// A zero tensor of `shape` with this tensor added at `items`, repeated positions adding
    /// up: the gradient of `x[items]` for an `x` of `shape`.
    pub fn index_scatter(&self, shape: &[usize], items: &[Index]) -> Result<Tensor> {
        use crate::autograd::{derivatives::index as d, track};
        let raw = || {
            let z = Tensor::zeros(shape, self.dtype(), self.device())?;
            z.index_add_raw(items, self)?;
            Ok(z)
        };
        track("index_scatter", &[self], raw, |_| d::scatter(items))
    }

    /// `self[items] += value` where repeated positions accumulate (unlike `x[i] += v`).
    fn index_add_raw(&self, items: &[Index], value: &Tensor) -> Result<()> {
        let p = parse(self, items)?;
        let v = value.to_dtype(self.dtype())?;
        let v = if v.shares_storage(self) { v.copy()? } else { v };
        if p.arrays.is_empty() {
            let dst = self.view(p.view);
            return dst.assign(&dst.binary(&v, crate::BinaryOp::Add)?);
        }
        let adv = advanced(&p.view, &p.arrays, p.insert_at)?;
        if self.dtype() == DType::Bool {
            return Err(Error::DType("index_add: boolean arrays cannot be added to".into()));
        }
        backend::on(self.device())?.scatter(self, &adv, &v, true)
    }

    /// Indices of the nonzero elements, one int64 tensor per axis (`np.nonzero`).
    pub fn nonzero(&self) -> Result<Vec<Tensor>> {
        let mask = self.to_dtype(DType::Bool)?.contiguous()?.to_vec::<bool>()?;
        let nd = self.ndim().max(1);
        let shape: Vec<usize> = if self.ndim() == 0 { vec![1] } else { self.shape().to_vec() };
        let strides = contiguous_strides(&shape);
        let mut cols: Vec<Vec<i64>> = vec![vec![]; nd];
        for (flat, _) in mask.iter().enumerate().filter(|(_, &m)| m) {
            for d in 0..nd {
                cols[d].push(((flat as isize / strides[d]) % shape[d] as isize) as i64);
            }
        }
        cols.into_iter().map(|c| {
            let n = c.len();
            Tensor::from_storage(crate::storage::CpuStorage::I64(c), &[n], self.device())
        }).collect()
    }

    /// Elements at `indices` along `axis` (of the flattened array when `None`), as `np.take`.
    pub fn take(&self, indices: &Tensor, axis: Option<isize>) -> Result<Tensor> {
        let (x, axis) = match axis {
            None => (self.ravel()?, 0),
            Some(a) => (self.clone(), normalize_axis(a, self.ndim())?),
        };
        let mut items: Vec<Index> = vec![Index::Slice { start: None, stop: None, step: None }; axis];
        items.push(Index::Array(indices.clone()));
        x.index(&items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arange(n: usize, shape: &[usize]) -> Tensor {
        Tensor::from_vec((0..n as i64).collect::<Vec<_>>(), shape).unwrap()
    }
    fn full() -> Index {
        Index::Slice { start: None, stop: None, step: None }
    }

    #[test]
    fn huge_broadcast_index_arrays_are_memory_errors() {
        let x = arange(4, &[4]);
        let i = Tensor::from_vec(vec![0i64], &[1]).unwrap().broadcast_to(&[1 << 58]).unwrap();
        assert!(matches!(x.index(&[Index::Array(i.clone())]), Err(Error::Memory(_))));
        let rows = Tensor::from_vec(vec![0i64], &[1, 1]).unwrap().broadcast_to(&[1 << 29, 1]).unwrap();
        let cols = Tensor::from_vec(vec![0i64], &[1, 1]).unwrap().broadcast_to(&[1, 1 << 29]).unwrap();
        let m = arange(4, &[2, 2]);
        assert!(matches!(m.index(&[Index::Array(rows), Index::Array(cols)]), Err(Error::Memory(_))));
    }

    #[test]
    fn any_mask_indexes_an_empty_array() {
        let x = Tensor::from_vec(Vec::<i64>::new(), &[0, 1]).unwrap();
        let mask = Tensor::from_vec(Vec::<bool>::new(), &[0]).unwrap();
        let r = x.index(&[Index::Ellipsis, Index::Array(mask)]).unwrap();
        assert_eq!(r.shape(), &[0, 0]);
        // A non-empty mask must still match the axis it covers, as in NumPy.
        let y = Tensor::from_vec(Vec::<i64>::new(), &[1, 0]).unwrap();
        let one = Tensor::from_vec(vec![false], &[1]).unwrap();
        assert!(y.index(&[Index::Ellipsis, Index::Array(one.clone())]).is_err());
        assert_eq!(y.index(&[Index::Array(one)]).unwrap().shape(), &[0, 0]);
    }

    #[test]
    fn slices_match_python() {
        assert_eq!(slice_range(None, None, Some(-1), 5).unwrap(), (4, 5, -1));
        assert_eq!(slice_range(Some(-2), None, None, 5).unwrap(), (3, 2, 1));
        assert_eq!(slice_range(Some(10), None, None, 5).unwrap().1, 0);
        assert_eq!(slice_range(Some(3), Some(0), Some(-2), 5).unwrap(), (3, 2, -2));
        assert!(slice_range(None, None, Some(0), 5).is_err());
    }

    #[test]
    fn basic_index_is_a_view() {
        let x = arange(12, &[3, 4]);
        let v = x.index(&[Index::Int(-1), Index::Slice { start: None, stop: None, step: Some(-2) }]).unwrap();
        assert_eq!(v.to_vec::<i64>().unwrap(), vec![11, 9]);
        assert!(v.shares_storage(&x));
        assert!(x.index(&[Index::Int(3)]).is_err());
        assert!(x.index(&[Index::Int(0), Index::Int(0), Index::Int(0)]).is_err());
    }

    #[test]
    fn advanced_gather_and_scatter() {
        let x = arange(12, &[3, 4]);
        let rows = Tensor::from_vec(vec![2i64, 0], &[2]).unwrap();
        let r = x.index(&[Index::Array(rows.clone())]).unwrap();
        assert_eq!(r.shape(), &[2, 4]);
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![8, 9, 10, 11, 0, 1, 2, 3]);
        let cols = Tensor::from_vec(vec![1i64, 3], &[2]).unwrap();
        let c = x.index(&[full(), Index::Array(cols)]).unwrap();
        assert_eq!(c.shape(), &[3, 2]);
        assert_eq!(c.to_vec::<i64>().unwrap(), vec![1, 3, 5, 7, 9, 11]);
        let mask = x.binary_scalar(crate::tensor::Scalar::Int(5), crate::ops::binary::BinaryOp::Gt, false).unwrap();
        assert_eq!(x.index(&[Index::Array(mask.clone())]).unwrap().to_vec::<i64>().unwrap(), vec![6, 7, 8, 9, 10, 11]);
        x.index_set(&[Index::Array(mask)], &Tensor::scalar(0i64)).unwrap();
        x.index_set(&[Index::Array(rows)], &Tensor::from_vec(vec![7i64; 4], &[4]).unwrap()).unwrap();
        assert_eq!(x.to_vec::<i64>().unwrap(), vec![7, 7, 7, 7, 4, 5, 0, 0, 7, 7, 7, 7]);
    }

    #[test]
    fn assigned_values_lose_leading_size_one_axes() {
        let x = arange(9, &[3, 3]);
        x.index_set(&[Index::Int(1), Index::Int(1)], &Tensor::from_vec(vec![50i64], &[1, 1]).unwrap()).unwrap();
        x.index_set(&[Index::Int(0)], &Tensor::from_vec(vec![7i64, 8, 9], &[1, 1, 3]).unwrap()).unwrap();
        let rows = Tensor::from_vec(vec![2i64], &[1]).unwrap();
        x.index_set(&[Index::Array(rows)], &Tensor::from_vec(vec![-1i64, -2, -3], &[1, 1, 3]).unwrap()).unwrap();
        assert_eq!(x.to_vec::<i64>().unwrap(), vec![7, 8, 9, 3, 50, 5, -1, -2, -3]);
        // Only size-1 axes go: a longer value is still an error.
        assert!(x.index_set(&[Index::Int(1), Index::Int(1)], &Tensor::from_vec(vec![1i64, 2], &[2]).unwrap()).is_err());
    }

    #[test]
    fn zero_d_boolean_masks_add_an_axis() {
        let x = arange(12, &[3, 4]);
        let yes = x.index(&[Index::Array(Tensor::scalar(true))]).unwrap();
        assert_eq!(yes.shape(), &[1, 3, 4]);
        assert_eq!(yes.to_vec::<i64>().unwrap(), x.to_vec::<i64>().unwrap());
        assert_eq!(x.index(&[Index::Array(Tensor::scalar(false))]).unwrap().shape(), &[0, 3, 4]);
        let s = Tensor::scalar(5i64);
        assert_eq!(s.index(&[Index::Array(Tensor::scalar(true))]).unwrap().to_vec::<i64>().unwrap(), vec![5]);
        s.index_set(&[Index::Array(Tensor::scalar(true))], &Tensor::scalar(7i64)).unwrap();
        assert_eq!(s.item::<i64>().unwrap(), 7);
        let col = x.index(&[full(), Index::Int(1), Index::Array(Tensor::scalar(true))]).unwrap();
        assert_eq!(col.shape(), &[3, 1]);
    }

    #[test]
    fn advanced_axes_go_in_front_when_separated() {
        // NumPy: an integer next to an array index is advanced too; a slice between advanced
        // indices sends the index axes to the front.
        let x = arange(3 * 4 * 5, &[3, 4, 5]);
        let i = Tensor::from_vec(vec![1i64, 2], &[2]).unwrap();
        let sep = x.index(&[Index::Int(0), full(), Index::Array(i.clone())]).unwrap();
        assert_eq!(sep.shape(), &[2, 4]);
        assert_eq!(sep.to_vec::<i64>().unwrap(), vec![1, 6, 11, 16, 2, 7, 12, 17]);
        assert_eq!(x.index(&[full(), Index::Int(0), Index::Array(i.clone())]).unwrap().shape(), &[3, 2]);
        assert_eq!(x.index(&[full(), Index::Array(i.clone()), Index::Int(0)]).unwrap().shape(), &[3, 2]);
        assert_eq!(x.index(&[Index::Array(i.clone()), full(), Index::Int(0)]).unwrap().shape(), &[2, 4]);
        assert_eq!(x.index(&[full(), Index::Array(i.clone()), Index::NewAxis, Index::Array(i.clone())]).unwrap().shape(), &[2, 3, 1]);
        // Without arrays, integers are basic indices (a view).
        assert!(x.index(&[Index::Int(0), full(), Index::Int(1)]).unwrap().shares_storage(&x));
        // Scatter follows the same placement.
        let y = arange(3 * 4 * 5, &[3, 4, 5]);
        let v = Tensor::from_vec((0..8i64).map(|k| -k).collect(), &[2, 4]).unwrap();
        y.index_set(&[Index::Int(0), full(), Index::Array(i)], &v).unwrap();
        assert_eq!(y.index(&[Index::Int(0), Index::Int(1)]).unwrap().to_vec::<i64>().unwrap(), vec![5, -1, -5, 8, 9]);
    }
}

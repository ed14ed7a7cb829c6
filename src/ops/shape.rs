//! Shape manipulation. Views where NumPy gives views (reshape when the strides allow,
//! transpose, swapaxes, moveaxis, expand_dims, squeeze, broadcast_to, ravel, flip, split);
//! copies for the rest (flatten, concatenate, stack, tile, repeat).

use crate::dtype::DType;
use crate::error::{fmt_shape, normalize_axis, Error, Result};
use crate::layout::{checked_numel, normalize_axes, resolve_shape, Dims, Layout};
use crate::autograd::{derivatives as d, track};
use crate::ops::index::Index;
use crate::tensor::Tensor;

/// The least memory one part of a split takes (the tensor and the Python object around it:
/// about 300 bytes measured), which bounds how many parts a split can hand back.
const PART_BYTES: usize = 256;

/// How `split` divides an axis.
#[derive(Clone, Debug, PartialEq)]
pub enum Sections {
    /// `n` equal parts; an error when the axis does not divide (`np.split`).
    Equal(usize),
    /// `n` parts whose sizes differ by at most one (`np.array_split`).
    Nearly(usize),
    /// Split before each of these (possibly negative, clamped) indices.
    Indices(Vec<isize>),
}

impl Tensor {
    /// The same elements in `shape`: a view when the strides allow, a copy otherwise.
    pub fn reshape(&self, shape: &[usize]) -> Result<Tensor> {
        let n = checked_numel(shape)?;
        if n != self.numel() {
            return Err(Error::Shape(format!(
                "cannot reshape array of size {} (shape {}) into shape {}",
                self.numel(),
                fmt_shape(self.shape()),
                fmt_shape(shape)
            )));
        }
        track("reshape", &[self], || match self.layout().reshape(shape) {
            Some(l) => Ok(self.view(l)),
            None => Ok(self.copy()?.view(Layout::contiguous(shape))),
        }, |_| d::shape::reshape(self))
    }

    /// `reshape` with NumPy's `-1` for one inferred dimension.
    pub fn reshape_requested(&self, requested: &[isize]) -> Result<Tensor> {
        let shape = resolve_shape(requested, self.numel(), self.shape())?;
        self.reshape(&shape)
    }

    /// Reorders axes (reverses them when `axes` is `None`), as `np.transpose`.
    pub fn transpose(&self, axes: Option<&[isize]>) -> Result<Tensor> {
        let n = self.ndim();
        let perm: Vec<usize> = match axes {
            None => (0..n).rev().collect(),
            Some(a) => {
                if a.len() != n {
                    return Err(Error::Value(format!(
                        "axes {a:?} don't match array of shape {}",
                        fmt_shape(self.shape())
                    )));
                }
                normalize_axes(a, n)?
            }
        };
        self.permuted(&perm)
    }

    /// The axes reordered by `perm` (a view).
    fn permuted(&self, perm: &[usize]) -> Result<Tensor> {
        track("transpose", &[self], || Ok(self.view(self.layout().permute(perm)?)), |_| d::shape::permute(perm))
    }

    /// The same elements in the order given by `layout` (a view that only adds or removes
    /// size-1 axes).
    fn regrouped(&self, layout: Layout) -> Result<Tensor> {
        track("reshape", &[self], || Ok(self.view(layout)), |_| d::shape::reshape(self))
    }

    pub fn swapaxes(&self, a: isize, b: isize) -> Result<Tensor> {
        let (a, b) = (normalize_axis(a, self.ndim())?, normalize_axis(b, self.ndim())?);
        let mut perm: Vec<usize> = (0..self.ndim()).collect();
        perm.swap(a, b);
        self.permuted(&perm)
    }

    pub fn moveaxis(&self, source: &[isize], destination: &[isize]) -> Result<Tensor> {
        if source.len() != destination.len() {
            return Err(Error::Value(
                "`source` and `destination` arguments must have the same number of elements".into(),
            ));
        }
        let n = self.ndim();
        let src = normalize_axes(source, n)?;
        let dst = normalize_axes(destination, n)?;
        let mut rest = (0..n).filter(|a| !src.contains(a));
        let mut pairs: Vec<(usize, usize)> = dst.iter().copied().zip(src.iter().copied()).collect();
        pairs.sort_unstable();
        let mut perm = Vec::with_capacity(n);
        let mut pi = 0;
        for pos in 0..n {
            if pi < pairs.len() && pairs[pi].0 == pos {
                perm.push(pairs[pi].1);
                pi += 1;
            } else if let Some(a) = rest.next() {
                perm.push(a);
            }
        }
        self.permuted(&perm)
    }

    /// Inserts size-1 axes at `axes` (positions in the result).
    pub fn expand_dims(&self, axes: &[isize]) -> Result<Tensor> {
        let out_ndim = self.ndim() + axes.len();
        let mut pos = normalize_axes(axes, out_ndim)?;
        pos.sort_unstable();
        let mut l = self.layout().clone();
        for p in pos {
            l = l.insert_axis(p);
        }
        self.regrouped(l)
    }

    /// Removes size-1 axes (all of them when `axes` is `None`).
    pub fn squeeze(&self, axes: Option<&[isize]>) -> Result<Tensor> {
        let n = self.ndim();
        if n == 0 {
            // NumPy lets a 0-d array name axis 0 (or -1), which squeezes nothing.
            if let Some(&a) = axes.unwrap_or(&[]).iter().find(|&&a| a != 0 && a != -1) {
                return Err(Error::Index(format!("axis {a} is out of bounds for array of dimension 0")));
            }
            return self.regrouped(self.layout().clone());
        }
        let mut drop: Vec<usize> = match axes {
            None => (0..n).filter(|&a| self.shape()[a] == 1).collect(),
            Some(a) => normalize_axes(a, n)?,
        };
        for &a in &drop {
            if self.shape()[a] != 1 {
                return Err(Error::Value(format!(
                    "cannot select an axis to squeeze out which has size not equal to one (axis {a} of shape {})",
                    fmt_shape(self.shape())
                )));
            }
        }
        drop.sort_unstable();
        let mut l = self.layout().clone();
        for &a in drop.iter().rev() {
            l = l.select(a, 0);
        }
        self.regrouped(l)
    }

    /// A read-only-in-spirit view repeating size-1 axes (stride 0).
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Tensor> {
        track("broadcast_to", &[self], || Ok(self.view(self.layout().broadcast_to(shape)?)), |_| d::identity())
    }

    /// A 1-D view of a contiguous tensor, else a 1-D copy (as NumPy's `ravel`, which copies a
    /// strided 1-D array too, so writes through the result never reach such a base).
    pub fn ravel(&self) -> Result<Tensor> {
        if self.is_contiguous() {
            self.reshape(&[self.numel()])
        } else {
            self.flatten()
        }
    }

    /// A 1-D copy.
    pub fn flatten(&self) -> Result<Tensor> {
        self.copy()?.reshape(&[self.numel()])
    }

    /// Reverses the order of elements along `axes` (all axes when `None`); a view.
    pub fn flip(&self, axes: Option<&[isize]>) -> Result<Tensor> {
        let ax = match axes {
            None => (0..self.ndim()).collect(),
            Some(a) => normalize_axes(a, self.ndim())?,
        };
        let mut l = self.layout().clone();
        for &a in &ax {
            l = l.flip(a);
        }
        track("flip", &[self], || Ok(self.view(l)), |_| d::shape::flip(&ax))
    }

    /// Joins tensors along an existing axis (of the flattened tensors when `axis` is `None`).
    pub fn concatenate(tensors: &[Tensor], axis: Option<isize>) -> Result<Tensor> {
        let first = tensors
            .first()
            .ok_or_else(|| Error::Value("need at least one array to concatenate".into()))?;
        let flat: Vec<Tensor>;
        let (tensors, axis) = match axis {
            None => {
                flat = tensors.iter().map(|t| t.ravel()).collect::<Result<_>>()?;
                (flat.as_slice(), 0usize)
            }
            Some(a) => {
                if first.ndim() == 0 {
                    return Err(Error::Value("zero-dimensional arrays cannot be concatenated".into()));
                }
                (tensors, normalize_axis(a, first.ndim())?)
            }
        };
        let first = &tensors[0];
        let mut dtype = first.dtype();
        let mut total = 0;
        for (i, t) in tensors.iter().enumerate() {
            first.same_device(t, "concatenate")?;
            if t.ndim() != first.ndim() {
                return Err(Error::Value(format!(
                    "all the input arrays must have same number of dimensions, but the array at index 0 has {} dimension(s) and the array at index {i} has {} dimension(s)",
                    first.ndim(),
                    t.ndim()
                )));
            }
            for d in 0..first.ndim() {
                if d != axis && t.shape()[d] != first.shape()[d] {
                    return Err(Error::Value(format!(
                        "all the input array dimensions except for the concatenation axis must match exactly, but along dimension {d}, the array at index 0 has size {} and the array at index {i} has size {}",
                        first.shape()[d],
                        t.shape()[d]
                    )));
                }
            }
            dtype = DType::promote(dtype, t.dtype());
            total += t.shape()[axis];
        }
        let mut shape: Dims = first.shape().into();
        shape[axis] = total;
        let inputs: Vec<&Tensor> = tensors.iter().collect();
        let join = || {
            let out = Tensor::zeros(&shape, dtype, first.device())?;
            let mut start = 0;
            for t in tensors {
                let len = t.shape()[axis];
                out.view(out.layout().slice(axis, start, len, 1)).assign(t)?;
                start += len;
            }
            Ok(out)
        };
        track("concatenate", &inputs, join, |_| d::shape::concatenate(tensors, axis))
    }

    /// Joins same-shape tensors along a new axis.
    pub fn stack(tensors: &[Tensor], axis: isize) -> Result<Tensor> {
        let first = tensors.first().ok_or_else(|| Error::Value("need at least one array to stack".into()))?;
        for t in tensors {
            if t.shape() != first.shape() {
                return Err(Error::Value(format!(
                    "all input arrays must have the same shape, got {} and {}",
                    fmt_shape(first.shape()),
                    fmt_shape(t.shape())
                )));
            }
        }
        let ax = normalize_axis(axis, first.ndim() + 1)? as isize;
        let expanded: Vec<Tensor> = tensors.iter().map(|t| t.expand_dims(&[ax])).collect::<Result<_>>()?;
        Tensor::concatenate(&expanded, Some(ax))
    }

    /// Views of consecutive parts along `axis`.
    pub fn split(&self, sections: &Sections, axis: isize) -> Result<Vec<Tensor>> {
        let axis = normalize_axis(axis, self.ndim())?;
        let n = self.shape()[axis];
        // Each part is an array object of its own, so a count beyond the machine's memory
        // is refused before the first one is made (an empty axis divides into any number).
        let check_parts = |k: usize| crate::storage::check_alloc(k, PART_BYTES, "array parts");
        let bounds: Vec<usize> = match sections {
            Sections::Equal(0) | Sections::Nearly(0) => {
                return Err(Error::Value("number sections must be larger than 0.".into()))
            }
            Sections::Equal(k) => {
                if n % k != 0 {
                    return Err(Error::Value(format!(
                        "array split does not result in an equal division: axis {axis} of size {n} into {k} sections"
                    )));
                }
                check_parts(*k)?;
                (0..=*k).map(|i| i * (n / k)).collect()
            }
            Sections::Nearly(k) => {
                check_parts(*k)?;
                let (q, r) = (n / k, n % k);
                let mut b = vec![0];
                for i in 0..*k {
                    b.push(b[i] + q + usize::from(i < r));
                }
                b
            }
            Sections::Indices(idx) => {
                let clamp = |i: isize| -> usize {
                    let i = if i < 0 { i + n as isize } else { i };
                    i.clamp(0, n as isize) as usize
                };
                let mut b = vec![0];
                b.extend(idx.iter().map(|&i| clamp(i)));
                b.push(n);
                b
            }
        };
        bounds
            .windows(2)
            .map(|w| {
                let (s, e) = (w[0].min(n), w[1].min(n));
                let len = e.saturating_sub(s);
                let start = if len > 0 { s } else { 0 };
                // Through indexing, so that each part is recorded as a slice of the whole.
                let mut items = vec![Index::Slice { start: None, stop: None, step: None }; axis];
                items.push(Index::Slice { start: Some(start as isize), stop: Some((start + len) as isize), step: None });
                self.index(&items)
            })
            .collect()
    }

    /// Repeats the whole array `reps` times along each axis (`np.tile`).
    pub fn tile(&self, reps: &[usize]) -> Result<Tensor> {
        let nd = self.ndim().max(reps.len());
        let mut shape: Vec<usize> = vec![1; nd - self.ndim()];
        shape.extend_from_slice(self.shape());
        let mut r: Vec<usize> = vec![1; nd - reps.len()];
        r.extend_from_slice(reps);
        track("tile", &[self], || self.tile_raw(&shape, &r, nd), |_| d::shape::tile(self, &shape, &r))
    }

    fn tile_raw(&self, shape: &[usize], r: &[usize], nd: usize) -> Result<Tensor> {
        let x = self.reshape(shape)?;
        // View as (1, d0, 1, d1, ...), broadcast to (r0, d0, r1, d1, ...), then merge pairs.
        let mut l = x.layout().clone();
        for i in (0..nd).rev() {
            l = l.insert_axis(i);
        }
        let wide: Vec<usize> = (0..2 * nd).map(|i| if i % 2 == 0 { r[i / 2] } else { shape[i / 2] }).collect();
        let b = x.view(l.broadcast_to(&wide)?).copy()?;
        let out: Vec<usize> = (0..nd).map(|i| r[i] * shape[i]).collect();
        b.reshape(&out)
    }

    /// Repeats each element `repeats` times along `axis` (of the flattened array when `None`).
    pub fn repeat(&self, repeats: usize, axis: Option<isize>) -> Result<Tensor> {
        let (x, axis) = match axis {
            None => (self.ravel()?, 0),
            Some(a) => (self.clone(), normalize_axis(a, self.ndim())?),
        };
        track("repeat", &[&x], || x.repeat_raw(repeats, axis), |_| d::shape::repeat(&x, x.shape(), axis, repeats))
    }

    fn repeat_raw(&self, repeats: usize, axis: usize) -> Result<Tensor> {
        let x = self;
        let l = x.layout().insert_axis(axis + 1);
        let mut wide: Dims = l.shape().into();
        wide[axis + 1] = repeats;
        let b = x.view(l.broadcast_to(&wide)?).copy()?;
        let mut out: Dims = x.shape().into();
        out[axis] *= repeats;
        b.reshape(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arange(n: usize, shape: &[usize]) -> Tensor {
        Tensor::from_vec((0..n as i64).collect::<Vec<_>>(), shape).unwrap()
    }

    #[test]
    fn huge_counts_are_memory_errors() {
        let x = arange(4, &[4]);
        let empty = arange(0, &[0]);
        for sections in [Sections::Nearly(1 << 58), Sections::Equal(1 << 58)] {
            assert!(matches!(empty.split(&sections, 0), Err(Error::Memory(m)) if m.contains("array parts")));
        }
        assert!(matches!(x.split(&Sections::Nearly(1 << 58), 0), Err(Error::Memory(_))));
        // An axis that does not divide is named first, as NumPy does.
        assert!(matches!(x.split(&Sections::Equal(1 << 58), 0), Err(Error::Value(m)) if m.contains("equal division")));
        assert_eq!(empty.split(&Sections::Equal(3), 0).unwrap().len(), 3);
        assert!(matches!(x.repeat(1 << 56, None), Err(Error::Memory(_))));
        assert!(matches!(x.tile(&[1 << 56]), Err(Error::Memory(_))));
        // 2^64 elements do not even have a size.
        assert!(matches!(x.repeat(1 << 62, None), Err(Error::Value(m)) if m.contains("too big")));
        assert_eq!(empty.repeat(1 << 50, None).unwrap().shape(), [0]);
    }

    #[test]
    fn reshape_view_or_copy() {
        let x = arange(6, &[2, 3]);
        let r = x.reshape_requested(&[3, -1]).unwrap();
        assert!(r.shares_storage(&x));
        let strided = x.view(x.layout().slice(1, 0, 2, 2));
        assert!(!strided.ravel().unwrap().shares_storage(&x));
        assert!(x.ravel().unwrap().shares_storage(&x));
        let t = x.transpose(None).unwrap().reshape(&[6]).unwrap();
        assert!(!t.shares_storage(&x));
        assert_eq!(t.to_vec::<i64>().unwrap(), vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn moveaxis_and_squeeze() {
        let x = arange(24, &[2, 3, 4]);
        assert_eq!(x.moveaxis(&[0], &[-1]).unwrap().shape(), &[3, 4, 2]);
        assert_eq!(x.moveaxis(&[2, 0], &[0, 1]).unwrap().shape(), &[4, 2, 3]);
        let e = x.expand_dims(&[0, 3]).unwrap();
        assert_eq!(e.shape(), &[1, 2, 3, 1, 4]);
        assert_eq!(e.squeeze(None).unwrap().shape(), &[2, 3, 4]);
        assert!(x.squeeze(Some(&[0])).is_err());
        let scalar = Tensor::scalar(1.5f32);
        assert_eq!(scalar.squeeze(Some(&[-1])).unwrap().shape(), &[] as &[usize]);
        assert_eq!(scalar.squeeze(Some(&[0])).unwrap().shape(), &[] as &[usize]);
        assert!(scalar.squeeze(Some(&[1])).is_err());
    }

    #[test]
    fn concat_stack_split_tile_repeat() {
        let a = arange(4, &[2, 2]);
        let c = Tensor::concatenate(&[a.clone(), a.clone()], Some(1)).unwrap();
        assert_eq!(c.to_vec::<i64>().unwrap(), vec![0, 1, 0, 1, 2, 3, 2, 3]);
        assert_eq!(Tensor::stack(&[a.clone(), a.clone()], 0).unwrap().shape(), &[2, 2, 2]);
        let parts = arange(7, &[7]).split(&Sections::Nearly(3), 0).unwrap();
        assert_eq!(parts.iter().map(|p| p.numel()).collect::<Vec<_>>(), vec![3, 2, 2]);
        assert!(arange(7, &[7]).split(&Sections::Equal(3), 0).is_err());
        assert_eq!(arange(2, &[2]).tile(&[2, 2]).unwrap().to_vec::<i64>().unwrap(), vec![0, 1, 0, 1, 0, 1, 0, 1]);
        assert_eq!(arange(2, &[2]).repeat(2, None).unwrap().to_vec::<i64>().unwrap(), vec![0, 0, 1, 1]);
        assert_eq!(arange(4, &[4]).flip(None).unwrap().to_vec::<i64>().unwrap(), vec![3, 2, 1, 0]);
    }
}

//! Where a tensor's elements sit in its storage: shape, element strides (negative allowed, as
//! in NumPy) and the offset of element `[0, ..., 0]`. Every view (slice, transpose, broadcast,
//! flip, reshape without copy) is a new `Layout` over the same storage.

use crate::error::{fmt_shape, normalize_axis, Error, Result};
use smallvec::SmallVec;

pub type Dims = SmallVec<[usize; 6]>;
pub type Strides = SmallVec<[isize; 6]>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    shape: Dims,
    strides: Strides,
    offset: usize,
}

/// Row-major strides of a dense array of `shape`.
pub fn contiguous_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = SmallVec::from_elem(0, shape.len());
    let mut acc = 1isize;
    for (s, &d) in strides.iter_mut().zip(shape).rev() {
        *s = acc;
        acc *= d.max(1) as isize;
    }
    strides
}

/// NumPy broadcasting of two shapes; the error names both.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Dims> {
    let n = a.len().max(b.len());
    let mut out: Dims = SmallVec::from_elem(0, n);
    for i in 0..n {
        let da = if i + a.len() >= n { a[i + a.len() - n] } else { 1 };
        let db = if i + b.len() >= n { b[i + b.len() - n] } else { 1 };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(Error::Shape(format!(
                "operands could not be broadcast together with shapes {} {}",
                fmt_shape(a),
                fmt_shape(b)
            )));
        };
    }
    Ok(out)
}

/// Number of elements of `shape`, or an error when it overflows. As in NumPy, a zero
/// dimension does not excuse the others: the product of the nonzero dimensions must fit too
/// (so `(0, 2**62, 2**62)` is refused), because strides and later reshapes are computed
/// from them.
pub fn checked_numel(shape: &[usize]) -> Result<usize> {
    let too_big = || Error::Value(format!("array of shape {} is too big", fmt_shape(shape)));
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize / 8)
        .ok_or_else(too_big)?;
    Ok(if shape.contains(&0) { 0 } else { nonzero })
}

impl Layout {
    /// A dense row-major layout starting at offset 0.
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout { shape: shape.into(), strides: contiguous_strides(shape), offset: 0 }
    }

    /// A layout from explicit parts; `storage_len` bounds every element it can address.
    pub fn new(shape: &[usize], strides: &[isize], offset: usize, storage_len: usize) -> Result<Layout> {
        if shape.len() != strides.len() {
            return Err(Error::Shape(format!(
                "shape {} and strides {:?} have different lengths",
                fmt_shape(shape),
                strides
            )));
        }
        checked_numel(shape)?;
        let layout = Layout { shape: shape.into(), strides: strides.into(), offset };
        if let Some((lo, hi)) = layout.span() {
            if lo < 0 || hi >= storage_len as isize {
                return Err(Error::Value(format!(
                    "layout of shape {} with strides {:?} and offset {offset} reaches outside a storage of {storage_len} elements",
                    fmt_shape(shape),
                    strides
                )));
            }
        }
        Ok(layout)
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Lowest and highest storage index addressed, or `None` for an empty array.
    pub fn span(&self) -> Option<(isize, isize)> {
        if self.shape.contains(&0) {
            return None;
        }
        let (mut lo, mut hi) = (self.offset as isize, self.offset as isize);
        for (&d, &s) in self.shape.iter().zip(&self.strides) {
            let reach = (d as isize - 1) * s;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        Some((lo, hi))
    }

    /// True when the elements are dense and in row-major order (size-1 axes may have any stride).
    pub fn is_contiguous(&self) -> bool {
        let mut expected = 1isize;
        for (&d, &s) in self.shape.iter().zip(&self.strides).rev() {
            if d == 0 {
                return true;
            }
            if d != 1 {
                if s != expected {
                    return false;
                }
                expected *= d as isize;
            }
        }
        true
    }

    /// Storage index of the element at `index` (which must be in range).
    pub fn storage_index(&self, index: &[usize]) -> usize {
        let off = index
            .iter()
            .zip(&self.strides)
            .fold(self.offset as isize, |acc, (&i, &s)| acc + i as isize * s);
        off as usize
    }

    /// Reorders the axes; `axes` must be a permutation of `0..ndim`.
    pub fn permute(&self, axes: &[usize]) -> Result<Layout> {
        let n = self.ndim();
        let mut seen = vec![false; n];
        if axes.len() != n || axes.iter().any(|&a| a >= n || std::mem::replace(&mut seen[a], true)) {
            return Err(Error::Value(format!(
                "axes {axes:?} don't match array of shape {}",
                fmt_shape(&self.shape)
            )));
        }
        Ok(Layout {
            shape: axes.iter().map(|&a| self.shape[a]).collect(),
            strides: axes.iter().map(|&a| self.strides[a]).collect(),
            offset: self.offset,
        })
    }

    /// Broadcasts to `shape` by giving new and size-1 axes stride 0.
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Layout> {
        let n = shape.len();
        let err = || {
            Error::Shape(format!(
                "cannot broadcast array of shape {} to shape {}",
                fmt_shape(&self.shape),
                fmt_shape(shape)
            ))
        };
        if n < self.ndim() {
            return Err(err());
        }
        checked_numel(shape)?;
        let lead = n - self.ndim();
        let mut strides: Strides = SmallVec::from_elem(0, n);
        for i in lead..n {
            let d = self.shape[i - lead];
            if d == shape[i] {
                strides[i] = self.strides[i - lead];
            } else if d != 1 {
                return Err(err());
            }
        }
        Ok(Layout { shape: shape.into(), strides, offset: self.offset })
    }

    /// Inserts a size-1 axis at `pos` (0..=ndim).
    pub fn insert_axis(&self, pos: usize) -> Layout {
        let mut l = self.clone();
        l.shape.insert(pos, 1);
        l.strides.insert(pos, 0);
        l
    }

    /// Removes axis `axis`, keeping the element at index `i` along it.
    pub fn select(&self, axis: usize, i: usize) -> Layout {
        let mut l = self.clone();
        l.offset = (l.offset as isize + i as isize * l.strides[axis]) as usize;
        l.shape.remove(axis);
        l.strides.remove(axis);
        l
    }

    /// Keeps `len` elements along `axis`, starting at `start` and stepping by `step`
    /// (`start` must be a valid index when `len > 0`).
    pub fn slice(&self, axis: usize, start: usize, len: usize, step: isize) -> Layout {
        let mut l = self.clone();
        if len > 0 {
            l.offset = (l.offset as isize + start as isize * l.strides[axis]) as usize;
        }
        l.shape[axis] = len;
        l.strides[axis] *= step;
        l
    }

    /// Reverses `axis` (a view with a negative stride).
    pub fn flip(&self, axis: usize) -> Layout {
        let n = self.shape[axis];
        let mut l = self.clone();
        if n > 0 {
            l.offset = (l.offset as isize + (n as isize - 1) * l.strides[axis]) as usize;
        }
        l.strides[axis] = -l.strides[axis];
        l
    }

    /// The same elements with a new shape, without copying, when the strides allow it
    /// (NumPy's rule: each group of old axes merged into new ones must be dense).
    pub fn reshape(&self, shape: &[usize]) -> Option<Layout> {
        if self.is_contiguous() {
            return Some(Layout { shape: shape.into(), strides: contiguous_strides(shape), offset: self.offset });
        }
        let old: Vec<(usize, isize)> =
            self.shape.iter().copied().zip(self.strides.iter().copied()).filter(|&(d, _)| d != 1).collect();
        let mut strides: Strides = SmallVec::from_elem(0, shape.len());
        let (mut oi, mut ni) = (0usize, 0usize);
        while ni < shape.len() {
            if shape[ni] == 1 {
                ni += 1;
                continue;
            }
            // Grow a group of old axes and new axes until their products match.
            let (o_start, n_start) = (oi, ni);
            let (mut op, mut np) = (old.get(oi)?.0, shape[ni]);
            oi += 1;
            ni += 1;
            while op != np {
                if op < np {
                    op *= old.get(oi)?.0;
                    oi += 1;
                } else {
                    np *= *shape.get(ni)?;
                    ni += 1;
                }
            }
            for k in o_start..oi - 1 {
                if old[k].1 != old[k + 1].1 * old[k + 1].0 as isize {
                    return None;
                }
            }
            let mut s = old[oi - 1].1;
            for k in (n_start..ni).rev() {
                strides[k] = s;
                s *= shape[k] as isize;
            }
        }
        if oi != old.len() {
            return None;
        }
        Some(Layout { shape: shape.into(), strides, offset: self.offset })
    }
}

/// Replaces one `-1` in a requested shape by the size that keeps `numel` elements.
pub fn resolve_shape(requested: &[isize], numel: usize, from: &[usize]) -> Result<Dims> {
    let err = || {
        Error::Shape(format!(
            "cannot reshape array of size {numel} (shape {}) into shape {}",
            fmt_shape(from),
            fmt_requested(requested)
        ))
    };
    let mut unknown = None;
    let mut known = 1usize;
    for (i, &d) in requested.iter().enumerate() {
        if d == -1 {
            if unknown.replace(i).is_some() {
                return Err(Error::Shape("can only specify one unknown dimension (-1)".into()));
            }
        } else if d < 0 {
            return Err(Error::Shape(format!("negative dimension {d} in shape {}", fmt_requested(requested))));
        } else {
            known = known.checked_mul(d as usize).ok_or_else(err)?;
        }
    }
    let mut out: Dims = requested.iter().map(|&d| d.max(0) as usize).collect();
    match unknown {
        Some(i) => {
            if known == 0 || numel % known != 0 {
                return Err(err());
            }
            out[i] = numel / known;
        }
        None if known != numel => return Err(err()),
        None => {}
    }
    Ok(out)
}

fn fmt_requested(shape: &[isize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// Normalizes a list of (possibly negative) axes; duplicates are an error.
pub fn normalize_axes(axes: &[isize], ndim: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(a, ndim)?;
        if out.contains(&a) {
            return Err(Error::Value(format!("repeated axis {a} in {axes:?}")));
        }
        out.push(a);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_counts_check_every_nonzero_dimension() {
        assert_eq!(checked_numel(&[2, 3, 4]).unwrap(), 24);
        assert_eq!(checked_numel(&[]).unwrap(), 1);
        assert_eq!(checked_numel(&[0, 5]).unwrap(), 0);
        assert_eq!(checked_numel(&[0, 1 << 40, 1 << 19]).unwrap(), 0);
        let big = checked_numel(&[0, 1 << 62, 1 << 62]).unwrap_err().to_string();
        assert!(big.contains("(0, 4611686018427387904, 4611686018427387904)") && big.contains("too big"), "{big}");
        assert!(checked_numel(&[1 << 62, 0]).is_err(), "one dimension past isize::MAX / 8");
        assert!(checked_numel(&[usize::MAX, 2]).is_err());
    }

    #[test]
    fn contiguous_and_transpose() {
        let l = Layout::contiguous(&[2, 3, 4]);
        assert_eq!(l.strides(), &[12, 4, 1]);
        assert!(l.is_contiguous());
        let t = l.permute(&[2, 1, 0]).unwrap();
        assert_eq!(t.strides(), &[1, 4, 12]);
        assert!(!t.is_contiguous());
        assert!(l.permute(&[0, 0, 1]).is_err());
    }

    #[test]
    fn broadcast() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]).unwrap().as_slice(), &[3, 4]);
        assert!(broadcast_shapes(&[3], &[4]).is_err());
        let l = Layout::contiguous(&[3, 1]).broadcast_to(&[2, 3, 4]).unwrap();
        assert_eq!(l.strides(), &[0, 1, 0]);
    }

    #[test]
    fn slicing_and_flip() {
        let l = Layout::contiguous(&[10]);
        let s = l.slice(0, 8, 4, -2);
        assert_eq!((s.offset(), s.strides()[0], s.shape()[0]), (8, -2, 4));
        assert_eq!(s.span(), Some((2, 8)));
        let f = l.flip(0);
        assert_eq!((f.offset(), f.strides()[0]), (9, -1));
    }

    #[test]
    fn reshape_views() {
        let l = Layout::contiguous(&[4, 6]);
        let t = l.permute(&[1, 0]).unwrap();
        assert!(t.reshape(&[24]).is_none());
        assert_eq!(t.reshape(&[6, 2, 2]).unwrap().strides(), &[1, 12, 6]);
        let every_other = l.slice(1, 0, 3, 2); // shape (4, 3), strides (6, 2): one run of stride 2
        assert_eq!(every_other.reshape(&[12]).unwrap().strides(), &[2]);
        let head = l.slice(1, 0, 2, 1); // shape (4, 2), strides (6, 1)
        assert_eq!(head.reshape(&[2, 2, 2]).unwrap().strides(), &[12, 6, 1]);
        assert!(head.reshape(&[8]).is_none());
    }

    #[test]
    fn resolve() {
        assert_eq!(resolve_shape(&[-1, 3], 12, &[12]).unwrap().as_slice(), &[4, 3]);
        assert!(resolve_shape(&[-1, 5], 12, &[12]).is_err());
        assert!(resolve_shape(&[-1, -1], 12, &[12]).is_err());
        assert_eq!(resolve_shape(&[0, -1], 0, &[0]).is_err(), true);
    }
}

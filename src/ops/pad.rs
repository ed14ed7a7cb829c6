//! `np.pad` in the modes convolutional code uses: `constant`, `edge`, `reflect` and
//! `symmetric`. A composite, axis by axis: a constant border is a concatenation, the other modes
//! gather the source index of each output position (`take`), so the gradient comes from those
//! two ops and the op runs on every device.
//!
//! ```
//! use deepblocks::{ops::pad::PadMode, Tensor};
//! let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap();
//! let r = x.pad(&[(2, 1)], PadMode::Reflect, 0.0).unwrap();
//! assert_eq!(r.to_vec::<f32>().unwrap(), vec![3.0, 2.0, 1.0, 2.0, 3.0, 2.0]);
//! ```

use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{Scalar, Tensor};

/// How the border is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PadMode {
    Constant,
    /// Repeats the edge value.
    Edge,
    /// Mirrors around the edge value, without repeating it (`3 2 | 1 2 3`).
    Reflect,
    /// Mirrors including the edge value (`2 1 | 1 2 3`).
    Symmetric,
}

impl PadMode {
    pub fn from_name(name: &str) -> Option<PadMode> {
        match name {
            "constant" => Some(PadMode::Constant),
            "edge" => Some(PadMode::Edge),
            "reflect" => Some(PadMode::Reflect),
            "symmetric" => Some(PadMode::Symmetric),
            _ => None,
        }
    }

    /// The source index in `0..n` of output position `i` of an axis padded by `before`.
    fn source(self, i: usize, before: usize, n: usize) -> usize {
        let j = i as i64 - before as i64;
        let n = n as i64;
        let mirrored = |period: i64, edge_twice: bool| {
            let j = j.rem_euclid(period);
            if j < n {
                j
            } else if edge_twice {
                period - 1 - j
            } else {
                period - j
            }
        };
        (match self {
            PadMode::Constant | PadMode::Edge => j.clamp(0, n - 1),
            PadMode::Reflect if n == 1 => 0,
            PadMode::Reflect => mirrored(2 * (n - 1), false),
            PadMode::Symmetric => mirrored(2 * n, true),
        }) as usize
    }
}

impl Tensor {
    /// Pads each axis `a` with `widths[a] = (before, after)` elements.
    pub fn pad(&self, widths: &[(usize, usize)], mode: PadMode, value: f64) -> Result<Tensor> {
        if widths.len() != self.ndim() {
            return Err(Error::Value(format!(
                "pad: {} (before, after) pairs given for an array of shape {}; one per axis is needed",
                widths.len(),
                fmt_shape(self.shape())
            )));
        }
        let padded: Option<Vec<usize>> = self.shape().iter().zip(widths).map(|(&n, &(b, a))| n.checked_add(b)?.checked_add(a)).collect();
        match padded {
            Some(shape) => crate::layout::checked_numel(&shape).map(|_| ())?,
            None => return Err(Error::Value(format!("pad: widths {widths:?} are too large for shape {}", fmt_shape(self.shape())))),
        }
        let mut out = self.clone();
        for (axis, &(before, after)) in widths.iter().enumerate() {
            if before == 0 && after == 0 {
                continue;
            }
            let n = out.shape()[axis];
            out = if mode == PadMode::Constant {
                let side = |len: usize| {
                    let mut shape = out.shape().to_vec();
                    shape[axis] = len;
                    Tensor::full(&shape, Scalar::Float(value), out.dtype(), out.device())
                };
                Tensor::concatenate(&[side(before)?, out.clone(), side(after)?], Some(axis as isize))?
            } else {
                if n == 0 {
                    return Err(Error::Value(format!(
                        "pad: can't extend empty axis {axis} of shape {} in mode {mode:?}; only 'constant' can",
                        fmt_shape(self.shape())
                    )));
                }
                let total = before + n + after;
                let idx: Vec<i64> = crate::storage::collect_vec(total, (0..total).map(|i| mode.source(i, before, n) as i64))?;
                let len = idx.len();
                let idx = Tensor::from_vec(idx, &[len])?.to_device(out.device())?;
                out.take(&idx, Some(axis as isize))?
            };
        }
        // Zero widths still give a new array, as NumPy's.
        if out.same_handle(self) {
            self.copy()
        } else {
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_widths_are_memory_errors() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).unwrap();
        for mode in [PadMode::Constant, PadMode::Edge, PadMode::Reflect, PadMode::Symmetric] {
            assert!(matches!(x.pad(&[(1 << 56, 0)], mode, 0.0), Err(Error::Memory(_))), "{mode:?}");
        }
    }

    #[test]
    fn modes_follow_numpy() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]).unwrap();
        let get = |m, b, a| x.pad(&[(b, a)], m, 9.0).unwrap().to_vec::<f64>().unwrap();
        assert_eq!(get(PadMode::Constant, 1, 2), vec![9.0, 1.0, 2.0, 3.0, 9.0, 9.0]);
        assert_eq!(get(PadMode::Edge, 2, 1), vec![1.0, 1.0, 1.0, 2.0, 3.0, 3.0]);
        // numpy.pad([1, 2, 3], 5, 'reflect') and 'symmetric'.
        assert_eq!(get(PadMode::Reflect, 5, 5), vec![2.0, 1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0, 2.0]);
        assert_eq!(get(PadMode::Symmetric, 5, 5), vec![2.0, 3.0, 3.0, 2.0, 1.0, 1.0, 2.0, 3.0, 3.0, 2.0, 1.0, 1.0, 2.0]);
    }
}

//! Triangles of matrices: `tril` and `triu` (NumPy's), over the last two axes of a stack.
//!
//! A composite of primitives every backend has (a range comparison and `where`), so it
//! needs no kernel of its own, runs on every device, and its gradient (the same triangle of
//! the incoming gradient) comes from `where`'s rule.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::binary::BinaryOp;
use crate::tensor::{Scalar, Tensor};

impl Tensor {
    /// The lower triangle: elements with `col - row <= k` kept, the others 0. A 1-D array is
    /// taken as the rows of a square matrix (NumPy's broadcasting).
    ///
    /// ```
    /// use deepblocks::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(x.tril(0).unwrap().to_vec::<f32>().unwrap(), vec![1.0, 0.0, 3.0, 4.0]);
    /// assert_eq!(x.triu(1).unwrap().to_vec::<f32>().unwrap(), vec![0.0, 2.0, 0.0, 0.0]);
    /// ```
    pub fn tril(&self, k: i64) -> Result<Tensor> {
        self.triangle(k, false)
    }

    /// The upper triangle: elements with `col - row >= k` kept, the others 0.
    pub fn triu(&self, k: i64) -> Result<Tensor> {
        self.triangle(k, true)
    }

    fn triangle(&self, k: i64, upper: bool) -> Result<Tensor> {
        let name = if upper { "triu" } else { "tril" };
        let x = match self.ndim() {
            0 => return Err(Error::Value(format!("{name}: the input must have at least one dimension, got a 0-d array"))),
            1 => self.broadcast_to(&[self.shape()[0], self.shape()[0]])?,
            _ => self.clone(),
        };
        let (mut rows, mut cols) = (x.shape()[x.ndim() - 2], x.shape()[x.ndim() - 1]);
        if x.numel() == 0 {
            // Nothing to keep or clear; a (1, 1) grid broadcasts to any empty matrix, where
            // the full one could be as long as a huge other axis.
            (rows, cols) = (rows.min(1), cols.min(1));
        }
        let device = x.device();
        // col - row for every (row, col), as an int64 (rows, cols) grid made of two ranges.
        let r = Tensor::arange(0.0, rows as f64, 1.0, DType::I64, device)?.reshape(&[rows, 1])?;
        let c = Tensor::arange(0.0, cols as f64, 1.0, DType::I64, device)?.reshape(&[1, cols])?;
        let diagonal = c.binary(&r, BinaryOp::Sub)?;
        let keep = diagonal.binary_scalar(Scalar::Int(k), if upper { BinaryOp::Ge } else { BinaryOp::Le }, false)?;
        let zero = Tensor::from_scalar(Scalar::Int(0), x.dtype(), device)?;
        Tensor::where_(&keep, &x, &zero)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_vectors_and_offsets() {
        let x = Tensor::arange(1.0, 13.0, 1.0, DType::I32, crate::Device::Cpu(0)).unwrap().reshape(&[2, 2, 3]).unwrap();
        assert_eq!(x.tril(0).unwrap().to_vec::<i32>().unwrap(), vec![1, 0, 0, 4, 5, 0, 7, 0, 0, 10, 11, 0]);
        assert_eq!(x.triu(-1).unwrap().to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        let v = Tensor::from_vec(vec![1u8, 2], &[2]).unwrap();
        assert_eq!(v.tril(0).unwrap().shape(), &[2, 2]);
        let tall = Tensor::zeros(&[1 << 40, 0], DType::F32, crate::Device::Cpu(0)).unwrap();
        assert_eq!(tall.tril(0).unwrap().shape(), &[1 << 40, 0]);
        assert_eq!(tall.transpose(None).unwrap().triu(2).unwrap().shape(), &[0, 1 << 40]);
        assert!(Tensor::scalar(1.0f32).tril(0).is_err());
        let b = Tensor::from_vec(vec![true; 4], &[2, 2]).unwrap();
        assert_eq!(b.triu(0).unwrap().to_vec::<bool>().unwrap(), vec![true, true, false, true]);
    }
}

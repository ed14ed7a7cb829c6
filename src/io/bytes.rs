//! Tensors to and from the little-endian bytes of the safetensors format.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use safetensors::Dtype;
use std::borrow::Cow;

/// Element types with a fixed little-endian encoding.
trait Le: StorageElement {
    const WIDTH: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(b: &[u8]) -> Option<Self>;
}

macro_rules! le_number {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const WIDTH: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(b: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(b.try_into().ok()?))
            }
        }
    )*};
}
le_number!(u8, i32, i64, f32, f64);

impl Le for bool {
    const WIDTH: usize = 1;
    fn put(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
    fn get(b: &[u8]) -> Option<Self> {
        match b {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

fn encode<T: Le>(t: &Tensor) -> Result<Vec<u8>> {
    let mut out = crate::storage::alloc_vec(t.numel() * T::WIDTH)?;
    for v in t.to_vec::<T>()? {
        v.put(&mut out);
    }
    Ok(out)
}

fn decode_as<T: Le>(shape: &[usize], data: &[u8]) -> Result<Tensor> {
    let n = crate::layout::checked_numel(shape)?;
    if data.len() != n * T::WIDTH {
        return Err(Error::File(format!("{} bytes of data for {n} elements", data.len())));
    }
    let values: Option<Vec<T>> = data.chunks_exact(T::WIDTH).map(T::get).collect();
    let values = values.ok_or_else(|| Error::File("invalid boolean value".into()))?;
    Tensor::from_vec(values, shape)
}

fn file_dtype(d: DType) -> Dtype {
    match d {
        DType::Bool => Dtype::BOOL,
        DType::U8 => Dtype::U8,
        DType::I32 => Dtype::I32,
        DType::I64 => Dtype::I64,
        DType::F32 => Dtype::F32,
        DType::F64 => Dtype::F64,
    }
}

/// A tensor's encoded bytes, in the form `safetensors::serialize` takes.
pub(super) struct Encoded {
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl Encoded {
    pub(super) fn new(t: &Tensor) -> Result<Encoded> {
        let data = crate::with_dtype!(t.dtype(), T => encode::<T>(t))?;
        Ok(Encoded { dtype: file_dtype(t.dtype()), shape: t.shape().to_vec(), data })
    }
}

impl safetensors::View for Encoded {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// A CPU tensor from a file's bytes.
pub(super) fn decode(dtype: Dtype, shape: &[usize], data: &[u8]) -> Result<Tensor> {
    match dtype {
        Dtype::BOOL => decode_as::<bool>(shape, data),
        Dtype::U8 => decode_as::<u8>(shape, data),
        Dtype::I32 => decode_as::<i32>(shape, data),
        Dtype::I64 => decode_as::<i64>(shape, data),
        Dtype::F32 => decode_as::<f32>(shape, data),
        Dtype::F64 => decode_as::<f64>(shape, data),
        other => Err(Error::File(format!("dtype {other:?} is not supported by deepblocks"))),
    }
}

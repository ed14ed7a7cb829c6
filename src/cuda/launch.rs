//! Launching kernels: kernel names, argument lists packed as cuLaunchKernel takes them, the
//! strided `info` array of kernels/common.cuh (built from coalesced axes, or left out when
//! every operand is contiguous), and grid sizes.

use super::backend::DevicePtr;
use super::buffer::CudaBuffer;
use super::device::Gpu;
use super::kernels::Kernel;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Scalar;
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Arc;

/// Threads per block of elementwise kernels.
pub const BLOCK: u32 = 256;

/// A kernel's arguments, each in an 8-byte slot (little-endian: a 1- or 4-byte argument
/// occupies the start of its slot, which is where cuLaunchKernel reads it).
#[derive(Default)]
pub struct Args {
    slots: SmallVec<[u64; 16]>,
}

impl Args {
    pub fn new() -> Args {
        Args::default()
    }

    pub fn u64(mut self, v: u64) -> Args {
        self.slots.push(v);
        self
    }

    pub fn usize(self, v: usize) -> Args {
        self.u64(v as u64)
    }

    pub fn i64(self, v: i64) -> Args {
        self.u64(v as u64)
    }

    pub fn u32(self, v: u32) -> Args {
        self.u64(v as u64)
    }

    pub fn f64(self, v: f64) -> Args {
        self.u64(v.to_bits())
    }

    /// A device pointer (0 is nullptr).
    pub fn ptr(self, p: DevicePtr) -> Args {
        self.u64(p)
    }

    /// An optional device array: nullptr when absent.
    pub fn opt(self, p: Option<&Info>) -> Args {
        self.u64(p.map_or(0, |i| i.ptr()))
    }

    /// A scalar of an element type, converted as the CPU converts fill values.
    pub fn scalar(mut self, s: Scalar, dtype: DType) -> Args {
        let mut slot = 0u64;
        crate::with_dtype!(dtype, T => {
            let v: T = s.cast::<T>();
            // SAFETY: every element type is at most 8 bytes; the slot is 8 bytes.
            unsafe { std::ptr::write_unaligned(&mut slot as *mut u64 as *mut T, v) };
        });
        self.slots.push(slot);
        self
    }

    /// Launches `kernel` with enough blocks of `block` threads for `work` units (capped by
    /// the device; the kernels loop grid-stride over the rest). Nothing runs for no work.
    pub fn launch(mut self, gpu: &Gpu, kernel: Kernel, work: usize, block: u32) -> Result<()> {
        if work == 0 {
            return Ok(());
        }
        let b = &gpu.backend;
        let block = block.min(b.max_block()).max(1);
        let grid = work.div_ceil(block as usize).clamp(1, b.max_grid() as usize) as u32;
        let mut params: SmallVec<[*mut c_void; 16]> =
            self.slots.iter_mut().map(|s| s as *mut u64 as *mut c_void).collect();
        b.launch(kernel, grid, block, &mut params)
    }
}

/// A small array of i64 on the device (shapes, strides, offsets), freed when dropped.
#[derive(Clone)]
pub struct Info(Arc<CudaBuffer>);

/// Layout arrays already on each device, by content: a training loop repeats the same
/// shapes and strides at every step, and a copy to the device would wait for the queued work.
type LayoutCache = HashMap<(usize, Vec<i64>), Info>;
static LAYOUTS: Mutex<Option<LayoutCache>> = Mutex::new(None);

/// Entries kept before the cache starts over (each is a few hundred bytes of device memory).
const LAYOUT_CACHE_SIZE: usize = 4096;

impl Info {
    /// A fresh device copy of `values` (data-dependent arrays such as gather offsets).
    pub fn upload(gpu: &Arc<Gpu>, values: &[i64]) -> Result<Info> {
        let host = crate::storage::CpuStorage::I64(values.to_vec());
        Ok(Info(Arc::new(CudaBuffer::upload(gpu, &host)?)))
    }

    /// `values` on the device, from the layout cache when they were uploaded before.
    pub fn layout(gpu: &Arc<Gpu>, values: &[i64]) -> Result<Info> {
        let key = (gpu.id, values.to_vec());
        if let Some(i) = LAYOUTS.lock().as_ref().and_then(|c| c.get(&key)) {
            return Ok(i.clone());
        }
        let info = Info::upload(gpu, values)?;
        let mut cache = LAYOUTS.lock();
        let cache = cache.get_or_insert_with(HashMap::new);
        if cache.len() >= LAYOUT_CACHE_SIZE {
            cache.clear();
        }
        cache.insert(key, info.clone());
        Ok(info)
    }

    pub fn ptr(&self) -> DevicePtr {
        self.0.ptr()
    }
}

/// The iteration of an elementwise kernel over `shape`, for its strided operands.
pub struct Strided {
    pub numel: usize,
    pub ndim: usize,
    /// `[dims, strides of each operand]`, or `None` when every operand is contiguous.
    pub info: Option<Info>,
}

/// Drops size-1 axes and merges axes that are contiguous together in every operand (the
/// coalescing of cpu::strided::Plan, for any number of operands). Returns the dims and each
/// operand's strides; a 0-d or single-element iteration gives no axes.
pub fn coalesce(shape: &[usize], strides: &[&[isize]]) -> (Vec<usize>, Vec<Vec<isize>>) {
    let mut dims: Vec<usize> = vec![];
    let mut st: Vec<Vec<isize>> = vec![vec![]; strides.len()];
    for (i, &d) in shape.iter().enumerate() {
        if d == 1 {
            continue;
        }
        let mergeable = !dims.is_empty() && (0..strides.len()).all(|k| *st[k].last().unwrap_or(&0) == strides[k][i] * d as isize);
        if mergeable {
            *dims.last_mut().unwrap_or(&mut 0) *= d;
            for k in 0..strides.len() {
                if let Some(l) = st[k].last_mut() {
                    *l = strides[k][i];
                }
            }
        } else {
            dims.push(d);
            for k in 0..strides.len() {
                st[k].push(strides[k][i]);
            }
        }
    }
    (dims, st)
}

impl Strided {
    /// Plans `shape` for operands with `strides` (in the kernel's parameter order).
    pub fn new(gpu: &Arc<Gpu>, shape: &[usize], strides: &[&[isize]]) -> Result<Strided> {
        let numel: usize = shape.iter().product();
        let (dims, st) = coalesce(shape, strides);
        let dense = dims.len() <= 1 && st.iter().all(|s| s.first().is_none_or(|&x| x == 1));
        if dense || numel == 0 {
            return Ok(Strided { numel, ndim: dims.len(), info: None });
        }
        let mut info: Vec<i64> = dims.iter().map(|&d| d as i64).collect();
        for s in &st {
            info.extend(s.iter().map(|&x| x as i64));
        }
        Ok(Strided { numel, ndim: dims.len(), info: Some(Info::layout(gpu, &info)?) })
    }

    /// The leading `numel, ndim, info` arguments.
    pub fn args(&self) -> Args {
        Args::new().usize(self.numel).usize(self.ndim).opt(self.info.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalescing_merges_dense_axes_and_keeps_broadcast_ones() {
        // A dense (2, 3, 4) array and a (2, 3, 4) broadcast of a (4,) row.
        let (d, s) = coalesce(&[2, 3, 4], &[&[12, 4, 1], &[0, 0, 1]]);
        assert_eq!(d, vec![6, 4]);
        assert_eq!(s, vec![vec![4, 1], vec![0, 1]]);
        let (d, s) = coalesce(&[2, 1, 4], &[&[4, 4, 1]]);
        assert_eq!((d, s), (vec![8], vec![vec![1]]));
        let (d, s) = coalesce(&[1, 1], &[&[1, 1]]);
        assert!(d.is_empty() && s[0].is_empty());
        // A negative step never merges with its neighbour.
        let (d, _) = coalesce(&[3, 4], &[&[-4, 1]]);
        assert_eq!(d, vec![3, 4]);
    }

    #[test]
    fn scalars_sit_at_the_start_of_their_slot() {
        let a = Args::new().scalar(Scalar::Float(1.5), DType::F32).scalar(Scalar::Int(-1), DType::U8).scalar(Scalar::Bool(true), DType::Bool);
        assert_eq!(a.slots[0], 1.5f32.to_bits() as u64);
        assert_eq!(a.slots[1], 255);
        assert_eq!(a.slots[2], 1);
    }
}

//! Devices (MXNet calls them contexts). `cpu(i)` always works (every `cpu(i)` is host
//! memory); `gpu(i)` objects can be made anywhere, and allocating on one fails with a
//! `Device` error naming the reason when that GPU is missing or the build has no CUDA.

use crate::error::{Error, Result};

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Device {
    Cpu(usize),
    Gpu(usize),
}

impl Device {
    pub fn device_type(self) -> &'static str {
        match self {
            Device::Cpu(_) => "cpu",
            Device::Gpu(_) => "gpu",
        }
    }

    pub fn id(self) -> usize {
        match self {
            Device::Cpu(i) | Device::Gpu(i) => i,
        }
    }

    /// Fails unless tensors can be allocated on this device in this build.
    pub fn check_available(self) -> Result<()> {
        match self {
            Device::Cpu(_) => Ok(()),
            Device::Gpu(id) => match gpu_unavailable(id) {
                None => Ok(()),
                Some(why) => Err(Error::Device(format!("cannot use device {self}: {why}"))),
            },
        }
    }

    /// Number of usable GPUs (0 without a driver or a GPU; the emulator's when it is on).
    pub fn num_gpus() -> usize {
        #[cfg(feature = "cuda")]
        {
            crate::cuda::device::count()
        }
        #[cfg(not(feature = "cuda"))]
        {
            0
        }
    }
}

/// Why GPU `id` cannot hold arrays, or `None` when it can.
fn gpu_unavailable(id: usize) -> Option<String> {
    #[cfg(feature = "cuda")]
    {
        let why = crate::cuda::device::unavailable_reason(id)?;
        // "No GPU" only when there is none: with GPUs present the index is what is wrong.
        Some(if crate::cuda::device::count() == 0 { format!("no GPU is available ({why})") } else { why })
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = id;
        Some("no GPU is available (deepblocks was built without its CUDA backend)".to_string())
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.device_type(), self.id())
    }
}

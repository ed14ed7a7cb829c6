//! Devices (MXNet calls them contexts). `cpu(i)` always works; `gpu(i)` objects can be made
//! anywhere, but allocating on one fails with a `Device` error until the CUDA backend exists.

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
            Device::Gpu(id) => Err(Error::Device(format!("cannot use device {self}: {}", gpu_unavailable(id)))),
        }
    }

    /// Number of usable GPUs. Devices the driver reports count once the CUDA storage can
    /// hold arrays; until then code that checks `num_gpus()` first (d2l's `try_gpu`) stays
    /// on the CPU instead of failing.
    pub fn num_gpus() -> usize {
        0
    }
}

/// Why GPU `id` cannot hold arrays in this build.
fn gpu_unavailable(id: usize) -> String {
    #[cfg(feature = "cuda")]
    {
        match crate::cuda::unavailable_reason(id) {
            Some(why) => format!("no GPU is available ({why})"),
            None => format!(
                "CUDA sees gpu({id}), but this build of deepblocks cannot hold arrays on GPUs yet (the CUDA backend's storage is not in place)"
            ),
        }
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = id;
        "no GPU is available (deepblocks was built without its CUDA backend)".to_string()
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.device_type(), self.id())
    }
}

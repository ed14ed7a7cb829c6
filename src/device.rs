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
            Device::Gpu(_) => Err(Error::Device(format!(
                "cannot use device {self}: no GPU is available (deepblocks found 0 GPUs)"
            ))),
        }
    }

    /// Number of usable GPUs.
    pub fn num_gpus() -> usize {
        0
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.device_type(), self.id())
    }
}

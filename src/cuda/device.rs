//! The GPUs this process uses: one backend per device index, opened at first use and kept
//! for the life of the process (a CUDA context is expensive to create).

use super::backend::{Backend, DevicePtr};
use super::{driver::Driver, emulator};
use crate::error::Result;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One GPU: its index, its backend, and the freed blocks kept for reuse.
pub struct Gpu {
    pub id: usize,
    pub backend: Box<dyn Backend>,
    /// Freed blocks by size class. Allocating and freeing device memory synchronizes the
    /// device and costs microseconds, against nanoseconds for a block from this cache; reuse
    /// is safe because all work runs in order on one stream.
    cache: Mutex<HashMap<usize, Vec<DevicePtr>>>,
}

/// The size class of a request: a power of two up to 1 MiB, whole 2 MiB units above.
fn size_class(bytes: usize) -> usize {
    const BIG: usize = 2 << 20;
    if bytes <= 1 << 20 {
        bytes.max(256).next_power_of_two()
    } else {
        bytes.div_ceil(BIG) * BIG
    }
}

impl Gpu {
    /// A block of at least `bytes`, from the cache when one of its class is free.
    pub fn alloc(&self, bytes: usize) -> Result<(DevicePtr, usize)> {
        let class = size_class(bytes);
        if let Some(p) = self.cache.lock().get_mut(&class).and_then(|v| v.pop()) {
            return Ok((p, class));
        }
        match self.backend.alloc(class) {
            Ok(p) => Ok((p, class)),
            Err(_) => {
                // Out of memory, perhaps only because the cache holds it: release and retry.
                self.empty_cache();
                self.backend.alloc(class).map(|p| (p, class))
            }
        }
    }

    /// Returns a block of size class `class` to the cache.
    pub fn free(&self, ptr: DevicePtr, class: usize) {
        self.cache.lock().entry(class).or_default().push(ptr);
    }

    /// Hands every cached block back to the device.
    pub fn empty_cache(&self) {
        let blocks: Vec<DevicePtr> = self.cache.lock().drain().flat_map(|(_, v)| v).collect();
        for p in blocks {
            self.backend.free(p);
        }
    }
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "gpu({})", self.id)
    }
}

/// How many GPUs can hold arrays: the emulator's when `DEEPBLOCKS_CUDA_EMULATOR` is set,
/// else what the driver reports (0 without a driver, never a panic).
pub fn count() -> usize {
    match emulator::library() {
        Some(Ok(_)) => emulator::device_count(),
        Some(Err(_)) => 0,
        None => super::device_count(),
    }
}

/// Why gpu(`id`) cannot hold arrays, or `None` when it can.
pub fn unavailable_reason(id: usize) -> Option<String> {
    match emulator::library() {
        Some(Err(why)) => Some(why),
        Some(Ok(_)) => {
            let n = emulator::device_count();
            (id >= n).then(|| format!("the CUDA emulator presents {n} device(s), so gpu({id}) does not exist"))
        }
        None => super::unavailable_reason(id),
    }
}

/// Waits until every GPU opened so far has finished its queued work (`npx.waitall()`).
pub fn synchronize_all() -> Result<()> {
    let open: Vec<Arc<Gpu>> = OPEN.get().map(|m| m.lock().values().cloned().collect()).unwrap_or_default();
    open.iter().try_for_each(|g| g.backend.synchronize())
}

static OPEN: OnceLock<Mutex<HashMap<usize, Arc<Gpu>>>> = OnceLock::new();

/// GPU `id`, opened at first use. Fails with a `Device` error naming the reason when it is
/// missing.
pub fn gpu(id: usize) -> Result<Arc<Gpu>> {
    let mut open = OPEN.get_or_init(|| Mutex::new(HashMap::new())).lock();
    if let Some(g) = open.get(&id) {
        return Ok(g.clone());
    }
    // The message is the device check's ("no GPU is available (...)", or which index exists).
    crate::Device::Gpu(id).check_available()?;
    let backend: Box<dyn Backend> = match emulator::library() {
        Some(Ok(lib)) => Box::new(emulator::Emulator::new(id, lib)),
        _ => Box::new(Driver::open(id)?),
    };
    let g = Arc::new(Gpu { id, backend, cache: Mutex::new(HashMap::new()) });
    open.insert(id, g.clone());
    Ok(g)
}

#[cfg(test)]
mod tests {
    #[test]
    fn size_classes_round_up() {
        use super::size_class;
        assert_eq!(size_class(1), 256);
        assert_eq!(size_class(300), 512);
        assert_eq!(size_class(1 << 20), 1 << 20);
        assert_eq!(size_class((1 << 20) + 1), 2 << 20);
        assert_eq!(size_class(5 << 20), 6 << 20);
    }
}

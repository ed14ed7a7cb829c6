//! A process-local rayon pool. rayon's global pool does not survive `fork()` (a forked child
//! that touches it hangs), and DataLoader workers fork, so the pool is keyed by process id and
//! rebuilt in a child. It is built on first use, never at import.

use parking_lot::Mutex;
use std::sync::Arc;

static POOL: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = Mutex::new(None);

static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Threads used by parallel kernels: `DEEPBLOCKS_NUM_THREADS`, else `OMP_NUM_THREADS`, else
/// the number of cores. Read once: finding the core count reads cgroup files, far too slow
/// for every small operation.
pub fn num_threads() -> usize {
    *THREADS.get_or_init(detect_threads)
}

fn detect_threads() -> usize {
    ["DEEPBLOCKS_NUM_THREADS", "OMP_NUM_THREADS"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

fn pool() -> Option<Arc<rayon::ThreadPool>> {
    let pid = std::process::id();
    let mut guard = POOL.lock();
    match guard.as_ref() {
        Some((owner, pool)) if *owner == pid => Some(pool.clone()),
        _ => {
            // A pool inherited from the parent process has no threads here; leak it rather
            // than run its destructor, which would wait for threads that do not exist.
            if let Some(old) = guard.take() {
                std::mem::forget(old);
            }
            let pool = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(num_threads()).build().ok()?);
            *guard = Some((pid, pool.clone()));
            Some(pool)
        }
    }
}

/// Runs `f` inside the process's pool (so rayon calls in it, gemm's included, use that pool).
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Calls `f` on every item, spread over the pool's threads *and the calling thread*: the
/// caller starts on the items at once and takes whatever the workers have not claimed,
/// so it never sleeps while the pool wakes up (with `install`, every parallel operation
/// costs two thread wake-ups in a row, a large share of a sub-millisecond kernel).
pub fn for_each_shared<T: Sync>(items: &[T], f: impl Fn(&T) + Sync) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        match items.get(i) {
            Some(item) => f(item),
            None => break,
        }
    };
    let helpers = num_threads().min(items.len()).saturating_sub(1);
    match pool() {
        Some(p) if helpers > 0 => p.in_place_scope(|s| {
            for _ in 0..helpers {
                s.spawn(|_| work());
            }
            work();
        }),
        _ => work(),
    }
}

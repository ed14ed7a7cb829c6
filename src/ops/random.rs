//! Random arrays from one seedable, process-wide generator (`np.random.seed` resets it).

use super::backend;
use crate::cpu::Cpu;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::layout::checked_numel;
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use crate::with_dtype;
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

static RNG: Mutex<Option<StdRng>> = Mutex::new(None);

fn with_rng<R>(f: impl FnOnce(&mut StdRng) -> R) -> R {
    let mut guard = RNG.lock();
    let rng = guard.get_or_insert_with(|| StdRng::from_os_rng());
    f(rng)
}

/// Restarts the generator from `seed`, making every later draw reproducible.
pub fn seed(seed: u64) {
    *RNG.lock() = Some(StdRng::seed_from_u64(seed));
}

fn from_draws<T: StorageElement>(shape: &[usize], device: Device, draw: impl Fn(&mut StdRng) -> T) -> Result<Tensor> {
    device.check_available()?;
    let n = checked_numel(shape)?;
    let mut v: Vec<T> = crate::storage::alloc_vec(n)?;
    with_rng(|r| v.extend((0..n).map(|_| draw(r))));
    Tensor::from_storage(T::wrap(v), shape, device)
}

/// A seed for a device generator, drawn from this generator (so `seed()` governs GPU draws
/// too).
#[cfg_attr(not(feature = "cuda"), allow(dead_code))]
pub(crate) fn draw_seed() -> u64 {
    with_rng(|r| r.random::<u64>())
}

/// The random primitives of a backend (on `device`, one of this backend's; parameters
/// checked by the caller).
pub(crate) trait RandomKernels {
    /// Uniform samples in `[low, high)`.
    fn uniform(&self, low: f64, high: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor>;
    /// Normal samples with mean `loc` and standard deviation `scale`.
    fn normal(&self, loc: f64, scale: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor>;
    /// Integers uniform in `[low, high)` (`low < high`).
    fn randint(&self, low: i64, high: i64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor>;
}

impl RandomKernels for Cpu {
    fn uniform(&self, low: f64, high: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        // Rounding to float32 can carry a draw just below `high` onto or past it; such draws
        // are redrawn so that the interval stays half-open (a few tries: an interval holding
        // no float32 at all gives `low`).
        with_dtype!(dtype, T => from_draws::<T>(shape, device, |r| {
            for _ in 0..64 {
                let v = T::from_f64(low + (high - low) * r.random::<f64>());
                if !(low < high && v.to_f64() >= high) {
                    return v;
                }
            }
            T::from_f64(low)
        }))
    }

    fn normal(&self, loc: f64, scale: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        with_dtype!(dtype, T => from_draws::<T>(shape, device, |r| {
            let z: f64 = StandardNormal.sample(r);
            T::from_f64(loc + scale * z)
        }))
    }

    fn randint(&self, low: i64, high: i64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        with_dtype!(dtype, T => from_draws::<T>(shape, device, |r| T::from_i64(r.random_range(low..high))))
    }
}

fn float_only(dtype: DType, what: &str) -> Result<()> {
    if !dtype.is_float() {
        return Err(Error::DType(format!("{what} needs a float dtype, got {dtype}")));
    }
    Ok(())
}

impl Tensor {
    /// Uniform samples in `[low, high)`.
    pub fn rand_uniform(low: f64, high: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        float_only(dtype, "uniform")?;
        device.check_available()?;
        backend::on(device)?.uniform(low, high, shape, dtype, device)
    }

    /// Normal samples with mean `loc` and standard deviation `scale`.
    pub fn rand_normal(loc: f64, scale: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        float_only(dtype, "normal")?;
        if scale < 0.0 {
            return Err(Error::Value(format!("normal: scale must be non-negative, got {scale}")));
        }
        device.check_available()?;
        backend::on(device)?.normal(loc, scale, shape, dtype, device)
    }

    /// Integers uniform in `[low, high)`.
    pub fn rand_int(low: i64, high: i64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        if !dtype.is_int() {
            return Err(Error::DType(format!("randint needs an integer dtype, got {dtype}")));
        }
        if low >= high {
            return Err(Error::Value(format!("randint: low >= high ({low} >= {high})")));
        }
        let range: Option<(i64, i64)> = match dtype {
            DType::U8 => Some((0, 255)),
            DType::I32 => Some((i32::MIN as i64, i32::MAX as i64)),
            _ => None,
        };
        if let Some((lo, hi)) = range {
            if low < lo || high - 1 > hi {
                return Err(Error::Value(format!("randint: [{low}, {high}) is out of bounds for {dtype}")));
            }
        }
        device.check_available()?;
        backend::on(device)?.randint(low, high, shape, dtype, device)
    }

    /// A random permutation of `0..n` as int64.
    pub fn rand_permutation(n: usize) -> Result<Tensor> {
        let mut v: Vec<i64> = crate::storage::collect_vec(n, 0..n as i64)?;
        with_rng(|r| {
            for i in (1..n).rev() {
                let j = r.random_range(0..=i);
                v.swap(i, j);
            }
        });
        Tensor::from_vec(v, &[n])
    }

    /// `size` indices drawn from `0..n`, with or without replacement, optionally with
    /// probabilities `p` (which must be non-negative and sum to 1).
    pub fn rand_choice(n: usize, size: &[usize], replace: bool, p: Option<&Tensor>) -> Result<Tensor> {
        let count = checked_numel(size)?;
        if n == 0 && count > 0 {
            return Err(Error::Value("a cannot be empty unless no samples are taken".into()));
        }
        let weights = match p {
            None => None,
            Some(p) => {
                let w = p.to_vec::<f64>()?;
                if w.len() != n {
                    return Err(Error::Value(format!("p has {} elements but a has {n}", w.len())));
                }
                if w.iter().any(|&x| !(x >= 0.0)) || (w.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
                    return Err(Error::Value("probabilities are not non-negative or do not sum to 1".into()));
                }
                Some(w)
            }
        };
        let v: Vec<i64> = match (replace, weights) {
            (true, None) => {
                let mut v = crate::storage::alloc_vec(count)?;
                with_rng(|r| v.extend((0..count).map(|_| r.random_range(0..n as i64))));
                v
            }
            (true, Some(w)) => {
                let cdf: Vec<f64> = w.iter().scan(0.0, |acc, &x| { *acc += x; Some(*acc) }).collect();
                let total = cdf[n - 1];
                let mut v = crate::storage::alloc_vec(count)?;
                with_rng(|r| {
                    v.extend((0..count).map(|_| {
                        let u = r.random::<f64>() * total;
                        cdf.partition_point(|&c| c <= u).min(n - 1) as i64
                    }))
                });
                v
            }
            (false, w) => {
                if count > n {
                    return Err(Error::Value(format!(
                        "cannot take a larger sample ({count}) than population ({n}) when replace=False"
                    )));
                }
                if let Some(w) = &w {
                    if w.iter().filter(|&&x| x > 0.0).count() < count {
                        return Err(Error::Value(format!(
                            "fewer non-zero entries in p than size ({count}) when replace=False"
                        )));
                    }
                }
                match w {
                    None => Tensor::rand_permutation(n)?.to_vec::<i64>()?.into_iter().take(count).collect(),
                    Some(mut w) => with_rng(|r| {
                        // Successive draws without replacement, renormalizing each time.
                        let mut out = Vec::with_capacity(count);
                        for _ in 0..count {
                            let total: f64 = w.iter().sum();
                            let mut u = r.random::<f64>() * total;
                            let mut pick = n - 1;
                            for (i, &x) in w.iter().enumerate() {
                                if u < x {
                                    pick = i;
                                    break;
                                }
                                u -= x;
                            }
                            w[pick] = 0.0;
                            out.push(pick as i64);
                        }
                        out
                    }),
                }
            }
        };
        Tensor::from_vec(v, size)
    }

    /// Shuffles the array in place along its first axis.
    pub fn rand_shuffle(&self) -> Result<()> {
        if self.ndim() == 0 {
            return Err(Error::Value("shuffle needs an array of at least one dimension".into()));
        }
        let perm = Tensor::rand_permutation(self.shape()[0])?;
        let shuffled = self.take(&perm, Some(0))?;
        self.assign(&shuffled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_draws_are_memory_errors() {
        let cpu = Device::Cpu(0);
        assert!(matches!(Tensor::rand_permutation(1 << 58), Err(Error::Memory(_))));
        assert!(matches!(Tensor::rand_choice(5, &[1 << 58], true, None), Err(Error::Memory(_))));
        let p = Tensor::from_vec(vec![0.5f64, 0.5], &[2]).unwrap();
        assert!(matches!(Tensor::rand_choice(2, &[1 << 58], true, Some(&p)), Err(Error::Memory(_))));
        assert!(matches!(Tensor::rand_choice(1 << 58, &[3], false, None), Err(Error::Memory(_))));
        assert!(matches!(Tensor::rand_uniform(0.0, 1.0, &[1 << 58], DType::F32, cpu), Err(Error::Memory(_))));
        assert!(matches!(Tensor::rand_int(0, 9, &[1 << 30, 1 << 28], DType::I64, cpu), Err(Error::Memory(_))));
        assert!(matches!(Tensor::rand_normal(0.0, 1.0, &[0, 1 << 62, 1 << 62], DType::F32, cpu), Err(Error::Value(_))));
    }

    #[test]
    fn seeded_draws_repeat() {
        seed(7);
        let a = Tensor::rand_normal(0.0, 1.0, &[5], DType::F32, Device::Cpu(0)).unwrap().to_vec::<f32>().unwrap();
        seed(7);
        let b = Tensor::rand_normal(0.0, 1.0, &[5], DType::F32, Device::Cpu(0)).unwrap().to_vec::<f32>().unwrap();
        assert_eq!(a, b);
        let u = Tensor::rand_uniform(2.0, 3.0, &[1000], DType::F64, Device::Cpu(0)).unwrap().to_vec::<f64>().unwrap();
        assert!(u.iter().all(|&x| (2.0..3.0).contains(&x)));
        let i = Tensor::rand_int(0, 3, &[100], DType::I64, Device::Cpu(0)).unwrap().to_vec::<i64>().unwrap();
        assert!(i.iter().all(|&x| (0..3).contains(&x)));
        let c = Tensor::rand_choice(5, &[5], false, None).unwrap().to_vec::<i64>().unwrap();
        let mut s = c.clone();
        s.sort();
        assert_eq!(s, vec![0, 1, 2, 3, 4]);
        assert!(Tensor::rand_int(3, 3, &[1], DType::I64, Device::Cpu(0)).is_err());
        let p = Tensor::from_vec(vec![0.5f64, 0.5, 0.0], &[3]).unwrap();
        assert!(Tensor::rand_choice(3, &[3], false, Some(&p)).is_err());
        let two = Tensor::rand_choice(3, &[2], false, Some(&p)).unwrap().to_vec::<i64>().unwrap();
        assert!(two == vec![0, 1] || two == vec![1, 0]);
        assert!(Tensor::rand_int(0, 300, &[1], DType::U8, Device::Cpu(0)).is_err());
        assert!(Tensor::rand_int(0, 3, &[1], DType::F32, Device::Cpu(0)).is_err());
        let u = Tensor::rand_int(250, 256, &[64], DType::U8, Device::Cpu(0)).unwrap().to_vec::<u8>().unwrap();
        assert!(u.iter().all(|&v| v >= 250));
        // A float32 interval narrower than float32 spacing: never `high`.
        let tight = Tensor::rand_uniform(1.0, 1.0 + 1e-7, &[1000], DType::F32, Device::Cpu(0)).unwrap();
        assert!(tight.to_vec::<f32>().unwrap().iter().all(|&v| v == 1.0));
    }
}

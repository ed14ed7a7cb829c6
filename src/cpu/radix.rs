//! Stable LSD radix sort, one byte of the key per pass: the sort kernels' (`ops::sort`) fast
//! path for every dtype.
//!
//! A key is an unsigned integer whose order is the sort's order on the values: floats map
//! their bits so that negative numbers come first (sign flipped, or every bit flipped for
//! negative ones), `-0.0` gets `+0.0`'s key and every NaN the largest key (NaN sorts last,
//! its payloads and the signs of zeros keeping their input order, as in a stable comparison
//! sort that finds them equal); signed integers flip their sign bit. A descending sort flips
//! every bit of the key, so that equal elements still come first-come first. Being stable, the
//! sort needs no position tie-break: the result is that of the stable comparison sort, bit for
//! bit, in a fixed number of linear passes (passes whose byte is one value for every element,
//! such as the high bytes of small integers, are skipped).

use super::strided::Ptr;
use std::mem::MaybeUninit;

/// Values with a radix key (see the module doc).
pub(crate) trait RadixKey: Copy + Send + Sync {
    /// The key's unsigned integer type.
    type Key: Copy + Send + Sync + Into<u64>;
    /// The key's width in bytes (the number of passes at most).
    const BYTES: usize;
    /// The ascending order key.
    fn key(self) -> Self::Key;
}

impl RadixKey for bool {
    type Key = u8;
    const BYTES: usize = 1;
    #[inline(always)]
    fn key(self) -> u8 {
        self as u8
    }
}

impl RadixKey for u8 {
    type Key = u8;
    const BYTES: usize = 1;
    #[inline(always)]
    fn key(self) -> u8 {
        self
    }
}

impl RadixKey for i32 {
    type Key = u32;
    const BYTES: usize = 4;
    #[inline(always)]
    fn key(self) -> u32 {
        (self as u32) ^ (1 << 31)
    }
}

impl RadixKey for i64 {
    type Key = u64;
    const BYTES: usize = 8;
    #[inline(always)]
    fn key(self) -> u64 {
        (self as u64) ^ (1 << 63)
    }
}

macro_rules! float_key {
    ($t:ty, $k:ty, $bytes:expr) => {
        impl RadixKey for $t {
            type Key = $k;
            const BYTES: usize = $bytes;
            #[inline(always)]
            fn key(self) -> $k {
                const SIGN: $k = 1 << ($bytes * 8 - 1);
                // `+ 0.0` turns -0.0 into +0.0 and leaves every other value as it is.
                let bits = (self + 0.0).to_bits();
                let k = if bits & SIGN != 0 { !bits } else { bits | SIGN };
                if self.is_nan() {
                    <$k>::MAX
                } else {
                    k
                }
            }
        }
    };
}
float_key!(f32, u32, 4);
float_key!(f64, u64, 8);

/// The byte `pass` of `key`, flipped by `flip` (0, or all ones for a descending sort).
#[inline(always)]
fn byte(key: u64, flip: u64, pass: usize) -> usize {
    (((key ^ flip) >> (8 * pass)) & 0xff) as usize
}

/// Counts of every byte value at each of `bytes` byte positions of the keys of `items`.
fn histograms<I>(items: &[I], bytes: usize, key: &impl Fn(&I) -> u64, flip: u64) -> Vec<[usize; 256]> {
    let mut counts = vec![[0usize; 256]; bytes];
    for x in items {
        let k = key(x);
        for (p, c) in counts.iter_mut().enumerate() {
            c[byte(k, flip, p)] += 1;
        }
    }
    counts
}

/// Moves `src[s..e]` to `dst`, each element to `next[its byte]` (then incremented): one pass
/// of the sort. (Tried: staging a cache line per byte value and writing whole lines, the
/// usual cure for the stores' cache misses; a third slower on the AMD EPYC measured.)
///
/// # Safety
/// `src` must be valid for reads of `s..e`, and `dst` for writes at every position the
/// offsets reach (which the counts guarantee).
#[inline]
unsafe fn scatter<I: Copy>(src: *const I, (s, e): (usize, usize), dst: *mut I, next: &mut [usize; 256], key: &impl Fn(&I) -> u64, flip: u64, pass: usize) {
    for i in s..e {
        let x = *src.add(i);
        let d = byte(key(&x), flip, pass);
        *dst.add(*next.get_unchecked(d)) = x;
        *next.get_unchecked_mut(d) += 1;
    }
}

/// Sorts `a` stably by `key` (ascending, or descending with `descending`) on the calling
/// thread, `b` (as long as `a`, uninitialized) as scratch space. `bytes` is the key width.
pub(crate) fn sort_by_key<I: Copy>(a: &mut [I], b: &mut [MaybeUninit<I>], bytes: usize, descending: bool, key: impl Fn(&I) -> u64) {
    let n = a.len();
    assert_eq!(n, b.len());
    let flip = if descending { u64::MAX } else { 0 };
    let counts = histograms(a, bytes, &key, flip);
    let (pa, pb) = (a.as_mut_ptr(), b.as_mut_ptr() as *mut I);
    let mut in_a = true;
    for (pass, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue; // every key has the same byte here
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (o, &c) in next.iter_mut().zip(c) {
            *o = sum;
            sum += c;
        }
        let (src, dst) = if in_a { (pa, pb) } else { (pb, pa) };
        // SAFETY: both buffers hold n elements, and the offsets of a byte value stay below
        // the start of the next one (they count the elements having it).
        unsafe { scatter(src, (0, n), dst, &mut next, &key, flip, pass) };
        in_a = !in_a;
    }
    if !in_a {
        // SAFETY: the last pass wrote all of b; the buffers are distinct and n long.
        unsafe { std::ptr::copy_nonoverlapping(pb, pa, n) };
    }
}

/// `sort_by_key` with the elements shared among the pool's threads (for one long lane): each
/// pass counts the bytes of blocks of `a` in parallel, then the blocks scatter in parallel,
/// each from its own offsets (the blocks' counts before it), which keeps the sort stable.
pub(crate) fn par_sort_by_key<I: Copy + Send + Sync>(a: &mut [I], b: &mut [MaybeUninit<I>], bytes: usize, descending: bool, key: impl Fn(&I) -> u64 + Sync) {
    let n = a.len();
    assert_eq!(n, b.len());
    let threads = super::pool::num_threads();
    // More blocks than threads, claimed as threads get free, so that a core busy with other
    // work does not hold everything up.
    let blocks = (threads * 8).min(n.max(1));
    let size = n.div_ceil(blocks);
    let ranges: Vec<(usize, usize)> = (0..blocks).map(|j| (j * size, ((j + 1) * size).min(n))).filter(|r| r.0 < r.1).collect();
    let flip = if descending { u64::MAX } else { 0 };
    let (pa, pb) = (Ptr(a.as_mut_ptr()), Ptr(b.as_mut_ptr() as *mut I));
    // Which byte positions vary: counted once over everything.
    let partial: Vec<parking_lot::Mutex<Vec<[usize; 256]>>> = ranges.iter().map(|_| parking_lot::Mutex::new(Vec::new())).collect();
    let jobs: Vec<usize> = (0..ranges.len()).collect();
    super::pool::for_each_shared(&jobs, |&j| {
        let (s, e) = ranges[j];
        // SAFETY: s..e lies within a, and nothing writes a while it is counted.
        let items = unsafe { std::slice::from_raw_parts(pa.at(s as isize) as *const I, e - s) };
        *partial[j].lock() = histograms(items, bytes, &key, flip);
    });
    let mut per_block: Vec<Vec<[usize; 256]>> = partial.into_iter().map(|m| m.into_inner()).collect();
    let varies: Vec<bool> = (0..bytes).map(|p| (0..256).all(|d| per_block.iter().map(|h| h[p][d]).sum::<usize>() != n)).collect();
    let mut in_a = true;
    let mut first = true;
    for pass in (0..bytes).filter(|&p| varies[p]) {
        let (src, dst) = if in_a { (pa, pb) } else { (pb, pa) };
        // The blocks' counts of this byte: from the first count for the first pass (the
        // elements have not moved yet), counted again for later ones.
        let counts: Vec<[usize; 256]> = if first {
            per_block.iter_mut().map(|h| h[pass]).collect()
        } else {
            let cells: Vec<parking_lot::Mutex<[usize; 256]>> = ranges.iter().map(|_| parking_lot::Mutex::new([0; 256])).collect();
            super::pool::for_each_shared(&jobs, |&j| {
                let (s, e) = ranges[j];
                let mut c = [0usize; 256];
                for i in s..e {
                    // SAFETY: i < n; this pass only reads src.
                    c[byte(key(unsafe { &*src.at(i as isize) }), flip, pass)] += 1;
                }
                *cells[j].lock() = c;
            });
            cells.into_iter().map(|m| m.into_inner()).collect()
        };
        first = false;
        // Block j's first position for byte value d: every element of a smaller byte value,
        // then those of value d in the blocks before j.
        let mut starts = vec![[0usize; 256]; counts.len()];
        let mut sum = 0;
        for d in 0..256 {
            for (j, c) in counts.iter().enumerate() {
                starts[j][d] = sum;
                sum += c[d];
            }
        }
        super::pool::for_each_shared(&jobs, |&j| {
            let (s, e) = ranges[j];
            let mut next = starts[j];
            // SAFETY: as in `sort_by_key`; the blocks write disjoint positions of dst.
            unsafe { scatter(src.at(0) as *const I, (s, e), dst.at(0), &mut next, &key, flip, pass) };
        });
        in_a = !in_a;
    }
    if !in_a {
        // SAFETY: the two buffers are distinct and n long.
        super::pool::for_each_shared(&jobs, |&j| {
            let (s, e) = ranges[j];
            unsafe { std::ptr::copy_nonoverlapping(pb.at(s as isize) as *const I, pa.at(s as isize), e - s) };
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stable comparison sort the radix sort must equal, on (value, position) pairs.
    fn reference<T: RadixKey + PartialOrd>(v: &[T], descending: bool) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| {
            let (a, b) = (v[i].key().into(), v[j].key().into());
            if descending {
                b.cmp(&a)
            } else {
                a.cmp(&b)
            }
        });
        idx
    }

    fn check<T: RadixKey + PartialOrd + std::fmt::Debug>(v: Vec<T>) {
        for descending in [false, true] {
            let want = reference(&v, descending);
            let mut pairs: Vec<(T, usize)> = v.iter().copied().zip(0..).collect();
            let mut scratch = vec![MaybeUninit::uninit(); pairs.len()];
            sort_by_key(&mut pairs, &mut scratch, T::BYTES, descending, |p| p.0.key().into());
            assert_eq!(pairs.iter().map(|p| p.1).collect::<Vec<_>>(), want);
            let mut pairs: Vec<(T, usize)> = v.iter().copied().zip(0..).collect();
            let mut scratch = vec![MaybeUninit::uninit(); pairs.len()];
            par_sort_by_key(&mut pairs, &mut scratch, T::BYTES, descending, |p| p.0.key().into());
            assert_eq!(pairs.iter().map(|p| p.1).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn float_keys_order_nan_last_and_zeros_equal() {
        let v = [f32::NEG_INFINITY, -1.5, -0.0, 0.0, 1e-45, 2.0, f32::INFINITY, f32::NAN];
        let keys: Vec<u32> = v.iter().map(|x| x.key()).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:x?}");
        assert_eq!((-0.0f32).key(), 0.0f32.key());
        assert_eq!((-f32::NAN).key(), u32::MAX);
        assert_eq!((-f64::NAN).key(), f64::NAN.key());
        assert!(f64::INFINITY.key() < f64::NAN.key() && (-1e308f64).key() < (-1e-308f64).key());
    }

    #[test]
    fn radix_equals_the_stable_comparison_sort() {
        let mut x = 12345u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let n = 5000;
        check((0..n).map(|_| (rnd() % 7) as f32 - 3.0).chain([f32::NAN, -0.0, 0.0, f32::INFINITY, -f32::NAN]).collect());
        check((0..n).map(|_| f64::from_bits(rnd())).collect());
        check((0..n).map(|_| rnd() as i64 >> (rnd() % 64)).collect());
        check((0..n).map(|_| rnd() as i32 % 300).collect());
        check((0..n).map(|_| rnd() as u8).collect());
        check((0..n).map(|_| rnd() % 2 == 0).collect());
        // Long lanes: the parallel sort with many blocks.
        check((0..40_000).map(|_| (rnd() % 1000) as f32 - 500.0).collect());
        check((0..300_000).map(|_| rnd() as i32).collect());
        check(Vec::<f32>::new());
        check(vec![1.0f32; 100]);
    }
}

//! Loop drivers for strided operands. A `Plan` describes N operands of one shape: it drops
//! size-1 axes and merges axes that are dense together in every operand, so that most loops
//! become one long inner run; kernels then only write the inner loop (unit stride, stride 0
//! for a broadcast scalar, or general) and the driver walks the outer axes and splits big
//! loops over the thread pool.

use crate::layout::{Dims, Strides};
use smallvec::{smallvec, SmallVec};

/// Elements below which a loop runs on the calling thread: waking workers costs more.
pub const PARALLEL_THRESHOLD: usize = 1 << 17;

/// N same-shape strided operands, coalesced. Operand 0 is the output by convention.
#[derive(Clone, Debug)]
pub struct Plan<const N: usize> {
    shape: Dims,
    strides: [Strides; N],
    offsets: [isize; N],
}

impl<const N: usize> Plan<N> {
    pub fn new(shape: &[usize], strides: [&[isize]; N], offsets: [usize; N]) -> Plan<N> {
        let mut dims: Dims = SmallVec::new();
        let mut st: [Strides; N] = std::array::from_fn(|_| SmallVec::new());
        for (i, &d) in shape.iter().enumerate() {
            if d == 1 {
                continue;
            }
            let mergeable = !dims.is_empty()
                && (0..N).all(|k| st[k][st[k].len() - 1] == strides[k][i] * d as isize);
            if mergeable {
                let last = dims.len() - 1;
                dims[last] *= d;
                for k in 0..N {
                    let l = st[k].len() - 1;
                    st[k][l] = strides[k][i];
                }
            } else {
                dims.push(d);
                for k in 0..N {
                    st[k].push(strides[k][i]);
                }
            }
        }
        if dims.is_empty() {
            dims.push(1);
            for s in st.iter_mut() {
                s.push(0);
            }
        }
        Plan { shape: dims, strides: st, offsets: offsets.map(|o| o as isize) }
    }

    /// Reorders the (uncoalesced) axes so that operand `k`'s strides decrease, i.e. the loop
    /// walks operand `k` in memory order. Used by reductions and copies from transposed data.
    pub fn new_in_memory_order(shape: &[usize], strides: [&[isize]; N], offsets: [usize; N], k: usize) -> Plan<N> {
        let mut order: SmallVec<[usize; 6]> = (0..shape.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(strides[k][i].unsigned_abs()));
        let shape2: Dims = order.iter().map(|&i| shape[i]).collect();
        let strides2: [Strides; N] = std::array::from_fn(|o| order.iter().map(|&i| strides[o][i]).collect());
        Plan::new(&shape2, std::array::from_fn(|o| strides2[o].as_slice()), offsets)
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn strides(&self, k: usize) -> &[isize] {
        &self.strides[k]
    }

    pub fn inner_len(&self) -> usize {
        self.shape[self.shape.len() - 1]
    }

    pub fn inner_strides(&self) -> [isize; N] {
        std::array::from_fn(|k| self.strides[k][self.strides[k].len() - 1])
    }

    /// Calls `f` with the operands' offsets at the start of each inner run, in row-major order.
    pub fn for_each_run(&self, mut f: impl FnMut([isize; N])) {
        let outer = self.shape.len() - 1;
        if self.shape.contains(&0) {
            return;
        }
        let mut idx: SmallVec<[usize; 6]> = smallvec![0; outer];
        let mut offs = self.offsets;
        loop {
            f(offs);
            // Odometer over the outer axes, updating offsets incrementally.
            let mut d = outer;
            loop {
                if d == 0 {
                    return;
                }
                d -= 1;
                idx[d] += 1;
                for k in 0..N {
                    offs[k] += self.strides[k][d];
                }
                if idx[d] < self.shape[d] {
                    break;
                }
                for k in 0..N {
                    offs[k] -= self.strides[k][d] * self.shape[d] as isize;
                }
                idx[d] = 0;
            }
        }
    }

    /// Splits axis 0 into at most `parts` contiguous ranges, each a plan of its own.
    pub fn split(&self, parts: usize) -> Vec<Plan<N>> {
        let n0 = self.shape[0];
        let parts = parts.clamp(1, n0.max(1));
        let mut out = Vec::with_capacity(parts);
        let mut start = 0;
        for p in 0..parts {
            let len = n0 / parts + usize::from(p < n0 % parts);
            let mut sub = self.clone();
            sub.shape[0] = len;
            for k in 0..N {
                sub.offsets[k] += start as isize * self.strides[k][0];
            }
            out.push(sub);
            start += len;
        }
        out
    }

    /// Runs `f` over each piece of the plan, in parallel when it is big enough. `f` must only
    /// touch the elements its piece addresses.
    pub fn run(&self, f: impl Fn(&Plan<N>) + Sync) {
        let n = self.numel();
        if n < PARALLEL_THRESHOLD {
            return f(self);
        }
        let threads = crate::cpu::pool::num_threads();
        if threads <= 1 {
            return f(self);
        }
        // Aim for a few pieces per thread, each with enough work to amortize the handoff.
        let parts = (n / (PARALLEL_THRESHOLD / 2)).min(threads * 4);
        let pieces = self.split(parts);
        crate::cpu::pool::for_each_shared(&pieces, |p| f(p));
    }
}

/// A raw pointer that may cross threads. Kernels guarantee that parallel pieces write
/// disjoint elements.
#[derive(Clone, Copy)]
pub struct Ptr<T>(pub *mut T);
unsafe impl<T> Send for Ptr<T> {}
unsafe impl<T> Sync for Ptr<T> {}

impl<T> Ptr<T> {
    #[inline(always)]
    pub fn at(self, off: isize) -> *mut T {
        // SAFETY: callers pass offsets from a Plan built on a validated layout.
        unsafe { self.0.offset(off) }
    }
}

/// Elements per block of the dense loops below.
const BLOCK: usize = 16;

/// `out[i] = f(a[i])` over dense runs. Each block is read into registers before it is written,
/// so the loop vectorizes and stays correct when `out` is `a` (an in-place operation).
#[inline(always)]
unsafe fn dense1<O: Copy, A: Copy>(po: *mut O, pa: *const A, n: usize, f: &impl Fn(A) -> O) {
    let full = n - n % BLOCK;
    let mut i = 0;
    while i < full {
        let x: [A; BLOCK] = std::ptr::read_unaligned(pa.add(i) as *const [A; BLOCK]);
        let r: [O; BLOCK] = std::array::from_fn(|k| f(x[k]));
        std::ptr::write_unaligned(po.add(i) as *mut [O; BLOCK], r);
        i += BLOCK;
    }
    for j in full..n {
        *po.add(j) = f(*pa.add(j));
    }
}

/// `out[i] = f(a[i], b[i])` over dense runs, blockwise as `dense1`.
#[inline(always)]
unsafe fn dense2<O: Copy, A: Copy, B: Copy>(po: *mut O, pa: *const A, pb: *const B, n: usize, f: &impl Fn(A, B) -> O) {
    let full = n - n % BLOCK;
    let mut i = 0;
    while i < full {
        let x: [A; BLOCK] = std::ptr::read_unaligned(pa.add(i) as *const [A; BLOCK]);
        let y: [B; BLOCK] = std::ptr::read_unaligned(pb.add(i) as *const [B; BLOCK]);
        let r: [O; BLOCK] = std::array::from_fn(|k| f(x[k], y[k]));
        std::ptr::write_unaligned(po.add(i) as *mut [O; BLOCK], r);
        i += BLOCK;
    }
    for j in full..n {
        *po.add(j) = f(*pa.add(j), *pb.add(j));
    }
}

/// `out[i] = f(a[i])` for every element of a two-operand plan (out, a).
///
/// # Safety
/// The pointers and the plan's offsets must address valid elements; `out` may alias `a` only
/// with an identical layout.
pub unsafe fn map1<O: Copy, A: Copy>(plan: &Plan<2>, out: *mut O, a: *const A, f: impl Fn(A) -> O + Sync) {
    let (o, a) = (Ptr(out), Ptr(a as *mut A));
    plan.run(|p| {
        let n = p.inner_len();
        let [so, sa] = p.inner_strides();
        p.for_each_run(|[oo, oa]| {
            let (po, pa) = (o.at(oo), a.at(oa) as *const A);
            if so == 1 && sa == 1 {
                dense1(po, pa, n, &f);
            } else if so == 1 && sa == 0 {
                let v = f(*pa);
                for i in 0..n {
                    *po.add(i) = v;
                }
            } else {
                for i in 0..n as isize {
                    *po.offset(i * so) = f(*pa.offset(i * sa));
                }
            }
        });
    });
}

/// `out[i] = f(a[i])` like `map1`, but walking the last two axes in square tiles when no single
/// axis is dense in both operands (a transpose-copy): each tile's reads and writes then stay in
/// cache instead of one side striding through memory.
///
/// # Safety
/// As for `map1`; `out` must not alias `a`.
pub unsafe fn map1_tiled<O: Copy, A: Copy>(plan: &Plan<2>, out: *mut O, a: *const A, f: impl Fn(A) -> O + Sync) {
    const TILE: usize = 32;
    let nd = plan.ndim();
    let [so, sa] = plan.inner_strides();
    if nd < 2 || (so == 1 && sa == 1) || plan.numel() < TILE * TILE {
        return map1(plan, out, a, f);
    }
    let (n0, n1) = (plan.shape[nd - 2], plan.shape[nd - 1]);
    let (o0, a0) = (plan.strides[0][nd - 2], plan.strides[1][nd - 2]);
    // The outer axes, each visited once, as a plan whose inner run has length 1.
    let mut outer = plan.clone();
    outer.shape.truncate(nd - 2);
    outer.shape.push(1);
    for k in 0..2 {
        outer.strides[k].truncate(nd - 2);
        outer.strides[k].push(0);
    }
    let (o, a) = (Ptr(out), Ptr(a as *mut A));
    outer.for_each_run(|[oo, oa]| {
        for i0 in (0..n0).step_by(TILE) {
            for j0 in (0..n1).step_by(TILE) {
                for i in i0..(i0 + TILE).min(n0) {
                    let (ro, ra) = (oo + i as isize * o0, oa + i as isize * a0);
                    for j in j0..(j0 + TILE).min(n1) {
                        *o.at(ro + j as isize * so) = f(*a.at(ra + j as isize * sa));
                    }
                }
            }
        }
    });
}

/// `out[i] = f(a[i], b[i])` for every element of a three-operand plan (out, a, b).
///
/// # Safety
/// As for `map1`; `out` may alias `a` or `b` only with an identical layout.
pub unsafe fn map2<O: Copy, A: Copy, B: Copy>(
    plan: &Plan<3>,
    out: *mut O,
    a: *const A,
    b: *const B,
    f: impl Fn(A, B) -> O + Sync,
) {
    let (o, a, b) = (Ptr(out), Ptr(a as *mut A), Ptr(b as *mut B));
    plan.run(|p| {
        let n = p.inner_len();
        let [so, sa, sb] = p.inner_strides();
        p.for_each_run(|[oo, oa, ob]| {
            let (po, pa, pb) = (o.at(oo), a.at(oa) as *const A, b.at(ob) as *const B);
            // The three common shapes of an inner run get loops LLVM can vectorize.
            if so == 1 && sa == 1 && sb == 1 {
                dense2(po, pa, pb, n, &f);
            } else if so == 1 && sa == 1 && sb == 0 {
                let y = *pb;
                dense1(po, pa, n, &|x| f(x, y));
            } else if so == 1 && sa == 0 && sb == 1 {
                let x = *pa;
                dense1(po, pb, n, &|y| f(x, y));
            } else {
                for i in 0..n as isize {
                    *po.offset(i * so) = f(*pa.offset(i * sa), *pb.offset(i * sb));
                }
            }
        });
    });
}

/// `out[i] = f(c[i], a[i], b[i])` for a four-operand plan (out, c, a, b) — `where` and `clip`.
///
/// # Safety
/// As for `map1`.
pub unsafe fn map3<O: Copy, C: Copy, A: Copy, B: Copy>(
    plan: &Plan<4>,
    out: *mut O,
    c: *const C,
    a: *const A,
    b: *const B,
    f: impl Fn(C, A, B) -> O + Sync,
) {
    let (o, c, a, b) = (Ptr(out), Ptr(c as *mut C), Ptr(a as *mut A), Ptr(b as *mut B));
    plan.run(|p| {
        let n = p.inner_len() as isize;
        let [so, sc, sa, sb] = p.inner_strides();
        p.for_each_run(|[oo, oc, oa, ob]| {
            let (po, pc, pa, pb) = (o.at(oo), c.at(oc), a.at(oa), b.at(ob));
            for i in 0..n {
                *po.offset(i * so) = f(*pc.offset(i * sc), *pa.offset(i * sa), *pb.offset(i * sb));
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalesces_dense_axes() {
        let p = Plan::<2>::new(&[2, 3, 4], [&[12, 4, 1], &[12, 4, 1]], [0, 0]);
        assert_eq!(p.shape(), &[24]);
        let p = Plan::<2>::new(&[2, 3, 4], [&[12, 4, 1], &[0, 4, 1]], [0, 0]);
        assert_eq!(p.shape(), &[2, 12]);
        let p = Plan::<1>::new(&[], [&[]], [5]);
        assert_eq!(p.numel(), 1);
    }

    #[test]
    fn runs_visit_every_element_once() {
        let p = Plan::<1>::new(&[3, 4], [&[1, 3]], [0]);
        let mut seen = vec![];
        p.for_each_run(|[o]| {
            for i in 0..p.inner_len() as isize {
                seen.push(o + i * p.inner_strides()[0]);
            }
        });
        seen.sort();
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
        let parts = p.split(2);
        assert_eq!(parts.iter().map(|q| q.numel()).sum::<usize>(), 12);
    }
}

//! The CPU side: products through the `gemm` crate, gate kernels as passes over contiguous
//! slices (rows in parallel when a step is large), and time steps split across threads by
//! hidden units.

use super::{CellGrad, CellStep, Product, RnnKernels, RnnMode, Rows};
use crate::cpu::Real;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::conv::float_only;
use crate::tensor::Tensor;

impl RnnKernels for crate::cpu::Cpu {
    fn rnn_addr(&self, t: &Tensor) -> Result<usize> {
        // Read access: taking the write lock would count as a modification of the inputs
        // (autograd's version check). The op writes only into buffers it allocated itself.
        float_only!(t, "rnn", T => crate::ops::with_ptr::<T, _>(t, |p| Ok(p.wrapping_add(t.layout().offset()) as usize)))
    }

    unsafe fn rnn_product(&self, dtype: DType, p: &Product) -> Result<()> {
        match dtype {
            DType::F32 => product::<f32>(p),
            DType::F64 => product::<f64>(p),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_cell_forward(&self, dtype: DType, s: &CellStep) -> Result<()> {
        match dtype {
            DType::F32 => cell_forward::<f32>(s),
            DType::F64 => cell_forward::<f64>(s),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_cell_backward(&self, dtype: DType, s: &CellGrad) -> Result<()> {
        match dtype {
            DType::F32 => cell_backward::<f32>(s),
            DType::F64 => cell_backward::<f64>(s),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_step_forward(&self, dtype: DType, p: &Product, s: &CellStep) -> Result<()> {
        match dtype {
            DType::F32 => step_forward::<f32>(p, s),
            DType::F64 => step_forward::<f64>(p, s),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_step_backward(&self, dtype: DType, s: &CellGrad, p: &Product) -> Result<()> {
        match dtype {
            DType::F32 => step_backward::<f32>(s, p),
            DType::F64 => step_backward::<f64>(s, p),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }
}

/// Products from this many multiply-adds up use every thread.
const PARALLEL_MACS: usize = 1 << 20;

/// A time step split by hidden units only from this many multiply-adds up (below it one
/// thread does it all: waking the pool costs more).
const PARALLEL_STEP: usize = 1 << 18;

/// Ranges of hidden units, one per task: whole SIMD widths apart, at most one per thread.
fn unit_chunks(hidden: usize, work: usize) -> Vec<(usize, usize)> {
    let threads = crate::cpu::pool::num_threads();
    if threads < 2 || work < PARALLEL_STEP || hidden < 32 {
        return vec![(0, hidden)];
    }
    let per = hidden.div_ceil(threads).next_multiple_of(16);
    (0..hidden).step_by(per).map(|j0| (j0, (j0 + per).min(hidden))).collect()
}

/// Runs `task(i)` for each chunk, on the pool when there are several.
fn each_chunk(count: usize, task: impl Fn(usize) + Sync + Send) {
    if count == 1 {
        task(0);
    } else {
        use rayon::prelude::*;
        crate::cpu::pool::install(|| (0..count).into_par_iter().for_each(&task));
    }
}

/// Product `p` restricted to the gate columns of units `j0 .. j1` (in every gate block):
/// its `b` operand (transposed) or its `k` axis (plain) runs over gate rows of `W_hh`.
fn gate_columns(p: &Product, hidden: usize, (j0, j1): (usize, usize), block: usize, size: usize) -> Product {
    let first = block * hidden + j0;
    let mut q = *p;
    q.b = Rows { addr: p.b.addr + first * p.b.ld * size, ld: p.b.ld };
    if p.trans_b {
        // Forward: the product's columns are gate rows.
        q.n = j1 - j0;
        q.c = Rows { addr: p.c.addr + first * size, ld: p.c.ld };
    } else {
        // Backward: the product's k axis is gate rows (a's columns).
        q.k = j1 - j0;
        q.a = Rows { addr: p.a.addr + first * size, ld: p.a.ld };
    }
    q
}

/// One step forward, each task taking a range of hidden units: its gate columns of the
/// recurrent product, then its gates, so one fork-join per step and the product's output
/// is still in the task's cache when the gates read it.
unsafe fn step_forward<T: Real>(p: &Product, s: &CellStep) {
    let g = s.mode.gates();
    let chunks = unit_chunks(s.hidden, p.m * p.n * p.k);
    if chunks.len() == 1 {
        product::<T>(p);
        cell_forward::<T>(s);
        return;
    }
    let (sp, ss) = (Shared(*p), Shared(*s));
    each_chunk(chunks.len(), |c| {
        let (p, s) = (&sp.0, &ss.0);
        for b in 0..g {
            product_on::<T>(&gate_columns(p, s.hidden, chunks[c], b, std::mem::size_of::<T>()), gemm::Parallelism::None);
        }
        for r in 0..s.n {
            forward_row::<T>(s, r, chunks[c].0, chunks[c].1);
        }
    });
}

/// One step backward, each task taking a range of hidden units: their gates, then their
/// share of the previous state's gradient (a product over their gate rows) into a buffer
/// of its own; the shares are summed at the end.
unsafe fn step_backward<T: Real>(s: &CellGrad, p: &Product) {
    let g = s.mode.gates();
    let chunks = unit_chunks(s.hidden, p.m * p.n * p.k);
    if chunks.len() == 1 {
        cell_backward::<T>(s);
        product::<T>(p);
        return;
    }
    let (rows, cols) = (p.m, p.n);
    let mut partial = vec![T::zero(); chunks.len() * rows * cols];
    let base = Shared(partial.as_mut_ptr() as usize);
    let (sp, ss) = (Shared(*p), Shared(*s));
    each_chunk(chunks.len(), |c| {
        let (p, s) = (&sp.0, &ss.0);
        for r in 0..s.n {
            backward_row::<T>(s, r, chunks[c].0, chunks[c].1);
        }
        let own = Rows { addr: base.0 + c * rows * cols * std::mem::size_of::<T>(), ld: cols };
        for b in 0..g {
            let mut q = gate_columns(p, s.hidden, chunks[c], b, std::mem::size_of::<T>());
            q.c = own;
            q.accumulate = b > 0;
            product_on::<T>(&q, gemm::Parallelism::None);
        }
    });
    for r in 0..rows {
        let dst = std::slice::from_raw_parts_mut((p.c.addr as *mut T).add(r * p.c.ld), cols);
        for (j, d) in dst.iter_mut().enumerate() {
            let mut v = if p.accumulate { *d } else { T::zero() };
            for c in 0..chunks.len() {
                v += partial[(c * rows + r) * cols + j];
            }
            *d = v;
        }
    }
}

unsafe fn product<T: Real>(p: &Product) {
    let threads = crate::cpu::pool::num_threads();
    if threads > 1 && p.m * p.n * p.k >= PARALLEL_MACS {
        crate::cpu::pool::install(|| product_on::<T>(p, gemm::Parallelism::Rayon(threads)));
    } else {
        product_on::<T>(p, gemm::Parallelism::None);
    }
}

unsafe fn product_on<T: Real>(p: &Product, par: gemm::Parallelism) {
    if p.m == 0 || p.n == 0 {
        return;
    }
    let c = p.c.addr as *mut T;
    if p.k == 0 {
        if !p.accumulate {
            for i in 0..p.m {
                std::slice::from_raw_parts_mut(c.add(i * p.c.ld), p.n).fill(T::zero());
            }
        }
        return;
    }
    // (row stride, column stride) of op(a) and op(b).
    let (a_rs, a_cs) = if p.trans_a { (1, p.a.ld as isize) } else { (p.a.ld as isize, 1) };
    let (b_rs, b_cs) = if p.trans_b { (1, p.b.ld as isize) } else { (p.b.ld as isize, 1) };
    {
        gemm::gemm(
            p.m,
            p.n,
            p.k,
            p.c.addr as *mut T,
            1,
            p.c.ld as isize,
            p.accumulate,
            p.a.addr as *const T,
            a_cs,
            a_rs,
            p.b.addr as *const T,
            b_cs,
            b_rs,
            if p.accumulate { T::one() } else { T::zero() },
            T::one(),
            false,
            false,
            false,
            par,
        )
    }
}

/// Runs `f(r)` for every row, over the thread pool when the step is large.
fn rows_of(n: usize, work: usize, f: impl Fn(usize) + Sync + Send) {
    if n > 1 && work >= 1 << 15 && crate::cpu::pool::num_threads() > 1 {
        use rayon::prelude::*;
        crate::cpu::pool::install(|| (0..n).into_par_iter().for_each(&f));
    } else {
        (0..n).for_each(f);
    }
}

/// Makes a struct of addresses shareable across the pool (the rows are disjoint).
#[derive(Clone, Copy)]
struct Shared<S>(S);
unsafe impl<S> Send for Shared<S> {}
unsafe impl<S> Sync for Shared<S> {}

unsafe fn cell_forward<T: Real>(s: &CellStep) {
    let g = s.mode.gates() * s.hidden;
    let sh = Shared(*s);
    rows_of(s.n, s.n * g, move |r| forward_row::<T>(&sh.0, r, 0, sh.0.hidden));
}

/// `len` elements at element `off` of the buffer at `addr` (which must be present).
#[inline(always)]
unsafe fn at<'a, T>(addr: usize, off: usize, len: usize) -> &'a mut [T] {
    std::slice::from_raw_parts_mut((addr as *mut T).add(off), len)
}

/// Row `r`, hidden units `j0 .. j1`. Written as passes over contiguous slices (sums, then
/// one activation per gate block, then the state update) so that each pass is a plain
/// loop the compiler vectorizes; `Real`'s f32 `exp`/`tanh` are branch-free polynomials.
unsafe fn forward_row<T: Real>(s: &CellStep, r: usize, j0: usize, j1: usize) {
    let (h, gates, w) = (s.hidden, s.mode.gates(), j1 - j0);
    let gru = s.mode == RnnMode::Gru;
    let (gx, gh) = (s.gx.addr + r * s.gx.ld * std::mem::size_of::<T>(), s.gh.addr + r * s.gh.ld * std::mem::size_of::<T>());
    let out = at::<T>(s.h.addr, r * s.h.ld + j0, w);
    crate::cpu::with_scratch::<T, _>((gates + 1) * w, |pre| {
        // Pre-activations, one gate block at a time; the GRU keeps its candidate's
        // recurrent term apart (block `gates`), since the reset gate scales it.
        for b in 0..gates {
            let (o, dst) = (b * h + j0, &mut pre[b * w..(b + 1) * w]);
            let split = gru && b == 2;
            for ((d, &x), &y) in dst.iter_mut().zip(at::<T>(gx, o, w).iter()).zip(at::<T>(gh, o, w).iter()) {
                *d = if split { x } else { x + y };
            }
            if s.bias_x != 0 {
                dst.iter_mut().zip(at::<T>(s.bias_x, o, w).iter()).for_each(|(d, &v)| *d += v);
            }
            if s.bias_h != 0 && !split {
                dst.iter_mut().zip(at::<T>(s.bias_h, o, w).iter()).for_each(|(d, &v)| *d += v);
            }
        }
        let (gates_pre, extra) = pre.split_at_mut(gates * w);
        match s.mode {
            RnnMode::RnnTanh => out.iter_mut().zip(gates_pre.iter()).for_each(|(o, &v)| *o = v.tanh()),
            RnnMode::RnnRelu => out.iter_mut().zip(gates_pre.iter()).for_each(|(o, &v)| *o = if v > T::zero() { v } else { T::zero() }),
            RnnMode::Lstm => {
                let (ig, rest) = gates_pre.split_at_mut(w);
                let (fg, rest) = rest.split_at_mut(w);
                let (gg, og) = rest.split_at_mut(w);
                for block in [&mut *ig, &mut *fg, &mut *og] {
                    block.iter_mut().for_each(|v| *v = v.sigmoid());
                }
                gg.iter_mut().for_each(|v| *v = v.tanh());
                let c = at::<T>(s.c.addr, r * s.c.ld + j0, w);
                let cp = at::<T>(s.c_prev.addr, r * s.c_prev.ld + j0, w);
                for ((((c, &p), &i), &f), &g) in c.iter_mut().zip(cp.iter()).zip(ig.iter()).zip(fg.iter()).zip(gg.iter()) {
                    *c = f * p + i * g;
                }
                if let Some((lo, hi)) = s.clip {
                    let (lo, hi) = (T::from_f64(lo), T::from_f64(hi));
                    for c in c.iter_mut() {
                        if c.is_nan() {
                            if s.clip_nan {
                                *c = lo;
                            }
                        } else if *c < lo {
                            *c = lo;
                        } else if *c > hi {
                            *c = hi;
                        }
                    }
                }
                for ((o, &c), &g) in out.iter_mut().zip(c.iter()).zip(og.iter()) {
                    *o = g * c.tanh();
                }
            }
            RnnMode::Gru => {
                let (rg, rest) = gates_pre.split_at_mut(w);
                let (zg, ng) = rest.split_at_mut(w);
                let hn = &mut extra[..w];
                for (d, &y) in hn.iter_mut().zip(at::<T>(gh, 2 * h + j0, w).iter()) {
                    *d = y;
                }
                if s.bias_h != 0 {
                    hn.iter_mut().zip(at::<T>(s.bias_h, 2 * h + j0, w).iter()).for_each(|(d, &v)| *d += v);
                }
                for block in [&mut *rg, &mut *zg] {
                    block.iter_mut().for_each(|v| *v = v.sigmoid());
                }
                for ((n, &rv), &hv) in ng.iter_mut().zip(rg.iter()).zip(hn.iter()) {
                    *n = (*n + rv * hv).tanh();
                }
                let hp = at::<T>(s.h_prev.addr, r * s.h_prev.ld + j0, w);
                for (((o, &n), &z), &p) in out.iter_mut().zip(ng.iter()).zip(zg.iter()).zip(hp.iter()) {
                    *o = n + z * (p - n);
                }
            }
        }
        if s.keep.present() && s.mode.kept() > 0 {
            for b in 0..4 {
                at::<T>(s.keep.addr, r * s.keep.ld + b * h + j0, w).copy_from_slice(&pre[b * w..(b + 1) * w]);
            }
        }
    });
}

unsafe fn cell_backward<T: Real>(s: &CellGrad) {
    let g = s.mode.gates() * s.hidden;
    let sh = Shared(*s);
    rows_of(s.n, s.n * g, move |r| backward_row::<T>(&sh.0, r, 0, sh.0.hidden));
}

/// Row `r`, hidden units `j0 .. j1`, in passes over contiguous slices as `forward_row`.
unsafe fn backward_row<T: Real>(s: &CellGrad, r: usize, j0: usize, j1: usize) {
    let (h, w) = (s.hidden, j1 - j0);
    let one = T::one();
    let same = s.dgx == s.dgh;
    crate::cpu::with_scratch::<T, _>(5 * w, |buf| {
        let (dh, buf) = buf.split_at_mut(w);
        // The step's hidden-state gradient: what reaches the output plus the next step's.
        dh.fill(T::zero());
        for src in [s.dy, s.dh] {
            if src.present() {
                dh.iter_mut().zip(at::<T>(src.addr, r * src.ld + j0, w).iter()).for_each(|(d, &v)| *d += v);
            }
        }
        let dgx = |b: usize| at::<T>(s.dgx.addr, r * s.dgx.ld + b * h + j0, w);
        let dgh = |b: usize| at::<T>(s.dgh.addr, r * s.dgh.ld + b * h + j0, w);
        // Writes block `b` of both pre-activation gradients (the GRU candidate's differs).
        let put = |b: usize, v: &[T]| {
            dgx(b).copy_from_slice(v);
            if !same {
                dgh(b).copy_from_slice(v);
            }
        };
        match s.mode {
            RnnMode::RnnTanh | RnnMode::RnnRelu => {
                let hv = at::<T>(s.h.addr, r * s.h.ld + j0, w);
                let d = &mut buf[..w];
                if s.mode == RnnMode::RnnTanh {
                    for ((d, &g), &y) in d.iter_mut().zip(dh.iter()).zip(hv.iter()) {
                        *d = g * (one - y * y);
                    }
                } else {
                    for ((d, &g), &y) in d.iter_mut().zip(dh.iter()).zip(hv.iter()) {
                        *d = if y > T::zero() { g } else { T::zero() };
                    }
                }
                put(0, d);
            }
            RnnMode::Lstm => {
                let k = |b: usize| at::<T>(s.keep.addr, r * s.keep.ld + b * h + j0, w);
                let (ig, fg, gg, og) = (k(0), k(1), k(2), k(3));
                let c = at::<T>(s.c.addr, r * s.c.ld + j0, w);
                let cp = at::<T>(s.c_prev.addr, r * s.c_prev.ld + j0, w);
                let (tc, rest) = buf.split_at_mut(w);
                let (dc, rest) = rest.split_at_mut(w);
                let (d1, rest) = rest.split_at_mut(w);
                let d2 = &mut rest[..w];
                tc.iter_mut().zip(c.iter()).for_each(|(t, &v)| *t = v.tanh());
                // The cell state's gradient: from the next step, and through h = o·tanh(c).
                if s.dc.present() {
                    dc.copy_from_slice(at::<T>(s.dc.addr, r * s.dc.ld + j0, w));
                } else {
                    dc.fill(T::zero());
                }
                for (((d, &g), &o), &t) in dc.iter_mut().zip(dh.iter()).zip(og.iter()).zip(tc.iter()) {
                    *d += g * o * (one - t * t);
                }
                if let Some((lo, hi)) = s.clip {
                    // A clipped state does not depend on the step's inputs.
                    for (d, &v) in dc.iter_mut().zip(c.iter()) {
                        let v = v.to_f64();
                        if v <= lo || v >= hi {
                            *d = T::zero();
                        }
                    }
                }
                for (((d, &dc), &g), &i) in d1.iter_mut().zip(dc.iter()).zip(gg.iter()).zip(ig.iter()) {
                    *d = dc * g * i * (one - i);
                }
                put(0, d1);
                for (((d, &dc), &p), &f) in d1.iter_mut().zip(dc.iter()).zip(cp.iter()).zip(fg.iter()) {
                    *d = dc * p * f * (one - f);
                }
                put(1, d1);
                for (((d, &dc), &i), &g) in d1.iter_mut().zip(dc.iter()).zip(ig.iter()).zip(gg.iter()) {
                    *d = dc * i * (one - g * g);
                }
                put(2, d1);
                for (((d, &g), &t), &o) in d2.iter_mut().zip(dh.iter()).zip(tc.iter()).zip(og.iter()) {
                    *d = g * t * o * (one - o);
                }
                put(3, d2);
                if s.dc_prev.present() {
                    let out = at::<T>(s.dc_prev.addr, r * s.dc_prev.ld + j0, w);
                    for ((o, &d), &f) in out.iter_mut().zip(dc.iter()).zip(fg.iter()) {
                        *o = d * f;
                    }
                }
            }
            RnnMode::Gru => {
                let k = |b: usize| at::<T>(s.keep.addr, r * s.keep.ld + b * h + j0, w);
                let (rg, zg, ng, hn) = (k(0), k(1), k(2), k(3));
                let hp = at::<T>(s.h_prev.addr, r * s.h_prev.ld + j0, w);
                let (dn, rest) = buf.split_at_mut(w);
                let d1 = &mut rest[..w];
                for (((d, &g), &z), &n) in dn.iter_mut().zip(dh.iter()).zip(zg.iter()).zip(ng.iter()) {
                    *d = g * (one - z) * (one - n * n);
                }
                for (((d, &dn), &hv), &rv) in d1.iter_mut().zip(dn.iter()).zip(hn.iter()).zip(rg.iter()) {
                    *d = dn * hv * rv * (one - rv);
                }
                put(0, d1);
                for ((((d, &g), &p), &n), &z) in d1.iter_mut().zip(dh.iter()).zip(hp.iter()).zip(ng.iter()).zip(zg.iter()) {
                    *d = g * (p - n) * z * (one - z);
                }
                put(1, d1);
                dgx(2).copy_from_slice(dn);
                for ((d, &dn), &rv) in dgh(2).iter_mut().zip(dn.iter()).zip(rg.iter()) {
                    *d = dn * rv;
                }
                if s.dh_prev.present() {
                    let out = at::<T>(s.dh_prev.addr, r * s.dh_prev.ld + j0, w);
                    for ((o, &g), &z) in out.iter_mut().zip(dh.iter()).zip(zg.iter()) {
                        *o = g * z;
                    }
                }
            }
        }
    });
}

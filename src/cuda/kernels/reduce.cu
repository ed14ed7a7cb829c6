// Reductions and running sums along one axis of a dense array (ops/reduce.rs). The input is
// seen as (outer, len, inner), reduced or scanned along `len`; the launcher makes the
// reduced axes one middle axis first (a dense copy when they are not adjacent).
//
//   reduce_<op>_<T>(u64 outer, u64 len, u64 inner, const T* x, i64 x_off, O* out)
//   out (outer, inner) dense. Any blockDim.x <= 1024; blocks take work grid-stride, and more
//   blocks than work units is harmless.
//   inner == 1: a line is split among P = min(len, blockDim.x) threads, which combine in
//   shared memory; a block takes Q = blockDim.x / P lines at a time (ceil(outer / Q) units).
//   inner > 1: a block takes C = min(32, inner, blockDim.x) adjacent columns of one outer
//   index (outer * ceil(inner / C) units); its threads split each column R = blockDim.x / C
//   ways. Measured on an H200 (f32 sums of 64 MiB): 256 threads a block reach 1.9 TB/s on
//   4096-long lines and 0.7 TB/s on 16-long ones; columns want 1024 threads (R = 32): 1.15
//   TB/s for 4096 x 4096, while few units (e.g. 65536 x 256) stay slow (80 GB/s), as one
//   block walks each group of columns.
//     sum      O = i64 for bool/u8/i32/i64 (wrapping), T for floats; f32 accumulates in f64
//              (the CPU totals blocks in f64 too)
//     prod     O as sum; floats multiply in T
//     maximum, minimum   O = T; NaN wins; len == 0 gives the identity (the launcher raises
//              NumPy's error first)
//     all, any           O = bool, on the truth of each element
//     mean     O = f32 for f32, else f64: the f64 sum divided by len (f32: the sum rounded to
//              f32, then divided in f32, as the CPU's sum / count)
//     argmax, argmin     O = i64, index along len of the first extreme; the first NaN wins;
//              0 when len == 0
//
//   cumsum_<T>(u64 outer, u64 len, u64 inner, const T* x, i64 x_off, O* out)
//   out (outer, len, inner) dense, O as sum; inclusive running sum along len (f32 in f64).
//   inner == 1: lines are split as for reductions (P lanes scan P elements at a time);
//   inner > 1: one thread per column (outer * inner threads in all).

#include "common.cuh"

// How a reduction folds elements of type In into an accumulator: init/step/combine, then
// finish turns the accumulator of a line of `len` elements into the output.
template <class T> struct SumTypes { typedef u64 Acc; typedef i64 Out; };
template <> struct SumTypes<f32> { typedef f64 Acc; typedef f32 Out; };
template <> struct SumTypes<f64> { typedef f64 Acc; typedef f64 Out; };

template <class T> struct SumFold {
    typedef T In;
    typedef typename SumTypes<T>::Acc Acc;
    typedef typename SumTypes<T>::Out Out;
    static DB_DEVICE Acc init() { return Acc(0); }
    static DB_DEVICE Acc step(Acc a, T x, u64) { return a + db_convert<Acc>(x); }
    static DB_DEVICE Acc combine(Acc a, Acc b) { return a + b; }
    static DB_DEVICE Out finish(Acc a, u64) { return (Out)a; }
};

template <class T> struct ProdTypes { typedef u64 Acc; typedef i64 Out; };
template <> struct ProdTypes<f32> { typedef f32 Acc; typedef f32 Out; };
template <> struct ProdTypes<f64> { typedef f64 Acc; typedef f64 Out; };

template <class T> struct ProdFold {
    typedef T In;
    typedef typename ProdTypes<T>::Acc Acc;
    typedef typename ProdTypes<T>::Out Out;
    static DB_DEVICE Acc init() { return Acc(1); }
    static DB_DEVICE Acc step(Acc a, T x, u64) { return a * db_convert<Acc>(x); }
    static DB_DEVICE Acc combine(Acc a, Acc b) { return a * b; }
    static DB_DEVICE Out finish(Acc a, u64) { return (Out)a; }
};

template <class T> struct MaxFold {
    typedef T In;
    typedef T Acc;
    typedef T Out;
    static DB_DEVICE T init() { return db_lowest<T>(); }
    static DB_DEVICE T step(T a, T x, u64) { return db_max(a, x); }
    static DB_DEVICE T combine(T a, T b) { return db_max(a, b); }
    static DB_DEVICE T finish(T a, u64) { return a; }
};

template <class T> struct MinFold {
    typedef T In;
    typedef T Acc;
    typedef T Out;
    static DB_DEVICE T init() { return db_highest<T>(); }
    static DB_DEVICE T step(T a, T x, u64) { return db_min(a, x); }
    static DB_DEVICE T combine(T a, T b) { return db_min(a, b); }
    static DB_DEVICE T finish(T a, u64) { return a; }
};

template <class T> struct AllFold {
    typedef T In;
    typedef bool Acc;
    typedef bool Out;
    static DB_DEVICE bool init() { return true; }
    static DB_DEVICE bool step(bool a, T x, u64) { return a && db_truth(x); }
    static DB_DEVICE bool combine(bool a, bool b) { return a && b; }
    static DB_DEVICE bool finish(bool a, u64) { return a; }
};

template <class T> struct AnyFold {
    typedef T In;
    typedef bool Acc;
    typedef bool Out;
    static DB_DEVICE bool init() { return false; }
    static DB_DEVICE bool step(bool a, T x, u64) { return a || db_truth(x); }
    static DB_DEVICE bool combine(bool a, bool b) { return a || b; }
    static DB_DEVICE bool finish(bool a, u64) { return a; }
};

template <class T> struct MeanOut { typedef f64 type; };
template <> struct MeanOut<f32> { typedef f32 type; };

template <class T> struct MeanFold {
    typedef T In;
    typedef f64 Acc;
    typedef typename MeanOut<T>::type Out;
    static DB_DEVICE f64 init() { return 0.0; }
    static DB_DEVICE f64 step(f64 a, T x, u64) { return a + db_convert<f64>(x); }
    static DB_DEVICE f64 combine(f64 a, f64 b) { return a + b; }
    static DB_DEVICE Out finish(f64 a, u64 len) { return (Out)a / (Out)len; }
};

// The best element seen so far and its index (-1: none yet).
template <class T> struct ValueIndex {
    T v;
    i64 i;
};

template <class T, bool Largest> struct ArgFold {
    typedef T In;
    typedef ValueIndex<T> Acc;
    typedef i64 Out;
    static DB_DEVICE Acc init() {
        Acc a;
        a.v = T(0);
        a.i = -1;
        return a;
    }
    static DB_DEVICE Acc combine(Acc a, Acc b) {
        if (a.i < 0) return b;
        if (b.i < 0) return a;
        const bool an = db_isnan(a.v), bn = db_isnan(b.v);
        if (an || bn) return (an && bn) ? (a.i < b.i ? a : b) : (an ? a : b);
        if (Largest ? a.v > b.v : a.v < b.v) return a;
        if (Largest ? b.v > a.v : b.v < a.v) return b;
        return a.i < b.i ? a : b;
    }
    static DB_DEVICE Acc step(Acc a, T x, u64 j) {
        Acc b;
        b.v = x;
        b.i = (i64)j;
        return combine(a, b);
    }
    static DB_DEVICE i64 finish(Acc a, u64) { return a.i < 0 ? 0 : a.i; }
};

template <class T> using ArgMax = ArgFold<T, true>;
template <class T> using ArgMin = ArgFold<T, false>;

// The threads of a block working on one line (up to len, so short lines share a block) and
// the lines a block takes at a time.
DB_DEVICE void line_split(u64 len, u32& per_line, u32& lines) {
    per_line = (u32)(len == 0 ? 1 : (len < blockDim.x ? len : blockDim.x));
    lines = blockDim.x / per_line;
}

template <class F>
DB_DEVICE void reduce_lines(u64 outer, u64 len, u64 inner, const typename F::In* x, i64 x_off, typename F::Out* out) {
    typedef typename F::Acc Acc;
    __shared__ Acc buf[DB_MAX_BLOCK];
    const u32 t = threadIdx.x;
    if (inner == 1) {
        // Each line is split among P threads (its lanes), Q lines a block at a time.
        u32 P, Q;
        line_split(len, P, Q);
        const u32 lane = t % P, slot = t / P;
        for (u64 first = (u64)blockIdx.x * Q; first < outer; first += (u64)gridDim.x * Q) {
            const u64 r = first + slot;
            const bool active = slot < Q && r < outer;
            Acc acc = F::init();
            if (active) {
                const typename F::In* line = x + x_off + (i64)(r * len);
                for (u64 j = lane; j < len; j += P) acc = F::step(acc, line[j], j);
            }
            acc = db_group_reduce<F>(acc, buf, active ? lane : P, P, 1);
            if (active && lane == 0) out[r] = F::finish(acc, len);
        }
    } else {
        // A block takes C adjacent columns of one outer index (coalesced loads); its threads
        // split each column's line R ways.
        const u64 width = inner < 32 ? inner : 32;
        const u32 C = (u32)(width < blockDim.x ? width : blockDim.x);
        const u32 R = blockDim.x / C, c = t % C, p = t / C;
        const u64 groups = db_divmod(inner + C - 1, C).q;  // per outer index
        for (u64 g = blockIdx.x; g < outer * groups; g += gridDim.x) {
            const DbDivMod og = db_divmod(g, groups);
            const u64 col = og.r * C + c;
            const bool active = p < R && col < inner;
            Acc acc = F::init();
            if (active) {
                const typename F::In* line = x + x_off + (i64)(og.q * len * inner + col);
                for (u64 j = p; j < len; j += R) acc = F::step(acc, line[j * inner], j);
            }
            acc = db_group_reduce<F>(acc, buf, active ? p : R, R, C);
            if (active && p == 0) out[og.q * inner + col] = F::finish(acc, len);
        }
    }
}

// Inclusive scan of each line: Hillis-Steele scans of P elements at a time by the P lanes of
// the line, carried from chunk to chunk (inner == 1), or one thread per column (inner > 1).
template <class T>
DB_DEVICE void cumsum_lines(u64 outer, u64 len, u64 inner, const T* x, i64 x_off, typename SumTypes<T>::Out* out) {
    typedef typename SumTypes<T>::Acc Acc;
    typedef typename SumTypes<T>::Out Out;
    if (inner == 1) {
        __shared__ Acc buf[DB_MAX_BLOCK];
        const u32 t = threadIdx.x;
        u32 P, Q;
        line_split(len, P, Q);
        const u32 lane = t % P, slot = t / P;
        for (u64 first = (u64)blockIdx.x * Q; first < outer; first += (u64)gridDim.x * Q) {
            const u64 r = first + slot;
            const bool active = slot < Q && r < outer;
            Acc carry = Acc(0);
            for (u64 start = 0; start < len; start += P) {
                const u64 j = start + lane;
                const bool here = active && j < len;
                buf[t] = here ? db_convert<Acc>(x[x_off + (i64)(r * len + j)]) : Acc(0);
                __syncthreads();
                for (u32 step = 1; step < P; step <<= 1) {
                    const Acc left = lane >= step ? buf[t - step] : Acc(0);
                    __syncthreads();
                    buf[t] = buf[t] + left;
                    __syncthreads();
                }
                if (here) out[r * len + j] = (Out)(carry + buf[t]);
                if (slot < Q) carry = carry + buf[t - lane + P - 1];
                __syncthreads();
            }
        }
    } else {
        DB_GRID_LOOP(o, outer * inner) {
            const DbDivMod rc = db_divmod(o, inner);
            const i64 base = (i64)(rc.q * len * inner + rc.r);
            Acc acc = Acc(0);
            for (u64 j = 0; j < len; ++j) {
                acc = acc + db_convert<Acc>(x[x_off + base + (i64)(j * inner)]);
                out[base + (i64)(j * inner)] = (Out)acc;
            }
        }
    }
}

#define REDUCE_PARAMS(T, O) u64 outer, u64 len, u64 inner, const T* x, i64 x_off, O* out
#define REDUCE(F) reduce_lines<F>(outer, len, inner, x, x_off, out)
#define CUMSUM cumsum_lines(outer, len, inner, x, x_off, out)

extern "C" __global__ void reduce_sum_bool(REDUCE_PARAMS(bool, i64)) { REDUCE(SumFold<bool>); }
extern "C" __global__ void reduce_sum_u8(REDUCE_PARAMS(u8, i64)) { REDUCE(SumFold<u8>); }
extern "C" __global__ void reduce_sum_i32(REDUCE_PARAMS(i32, i64)) { REDUCE(SumFold<i32>); }
extern "C" __global__ void reduce_sum_i64(REDUCE_PARAMS(i64, i64)) { REDUCE(SumFold<i64>); }
extern "C" __global__ void reduce_sum_f32(REDUCE_PARAMS(f32, f32)) { REDUCE(SumFold<f32>); }
extern "C" __global__ void reduce_sum_f64(REDUCE_PARAMS(f64, f64)) { REDUCE(SumFold<f64>); }

extern "C" __global__ void reduce_prod_bool(REDUCE_PARAMS(bool, i64)) { REDUCE(ProdFold<bool>); }
extern "C" __global__ void reduce_prod_u8(REDUCE_PARAMS(u8, i64)) { REDUCE(ProdFold<u8>); }
extern "C" __global__ void reduce_prod_i32(REDUCE_PARAMS(i32, i64)) { REDUCE(ProdFold<i32>); }
extern "C" __global__ void reduce_prod_i64(REDUCE_PARAMS(i64, i64)) { REDUCE(ProdFold<i64>); }
extern "C" __global__ void reduce_prod_f32(REDUCE_PARAMS(f32, f32)) { REDUCE(ProdFold<f32>); }
extern "C" __global__ void reduce_prod_f64(REDUCE_PARAMS(f64, f64)) { REDUCE(ProdFold<f64>); }

extern "C" __global__ void reduce_maximum_bool(REDUCE_PARAMS(bool, bool)) { REDUCE(MaxFold<bool>); }
extern "C" __global__ void reduce_maximum_u8(REDUCE_PARAMS(u8, u8)) { REDUCE(MaxFold<u8>); }
extern "C" __global__ void reduce_maximum_i32(REDUCE_PARAMS(i32, i32)) { REDUCE(MaxFold<i32>); }
extern "C" __global__ void reduce_maximum_i64(REDUCE_PARAMS(i64, i64)) { REDUCE(MaxFold<i64>); }
extern "C" __global__ void reduce_maximum_f32(REDUCE_PARAMS(f32, f32)) { REDUCE(MaxFold<f32>); }
extern "C" __global__ void reduce_maximum_f64(REDUCE_PARAMS(f64, f64)) { REDUCE(MaxFold<f64>); }

extern "C" __global__ void reduce_minimum_bool(REDUCE_PARAMS(bool, bool)) { REDUCE(MinFold<bool>); }
extern "C" __global__ void reduce_minimum_u8(REDUCE_PARAMS(u8, u8)) { REDUCE(MinFold<u8>); }
extern "C" __global__ void reduce_minimum_i32(REDUCE_PARAMS(i32, i32)) { REDUCE(MinFold<i32>); }
extern "C" __global__ void reduce_minimum_i64(REDUCE_PARAMS(i64, i64)) { REDUCE(MinFold<i64>); }
extern "C" __global__ void reduce_minimum_f32(REDUCE_PARAMS(f32, f32)) { REDUCE(MinFold<f32>); }
extern "C" __global__ void reduce_minimum_f64(REDUCE_PARAMS(f64, f64)) { REDUCE(MinFold<f64>); }

extern "C" __global__ void reduce_all_bool(REDUCE_PARAMS(bool, bool)) { REDUCE(AllFold<bool>); }
extern "C" __global__ void reduce_all_u8(REDUCE_PARAMS(u8, bool)) { REDUCE(AllFold<u8>); }
extern "C" __global__ void reduce_all_i32(REDUCE_PARAMS(i32, bool)) { REDUCE(AllFold<i32>); }
extern "C" __global__ void reduce_all_i64(REDUCE_PARAMS(i64, bool)) { REDUCE(AllFold<i64>); }
extern "C" __global__ void reduce_all_f32(REDUCE_PARAMS(f32, bool)) { REDUCE(AllFold<f32>); }
extern "C" __global__ void reduce_all_f64(REDUCE_PARAMS(f64, bool)) { REDUCE(AllFold<f64>); }

extern "C" __global__ void reduce_any_bool(REDUCE_PARAMS(bool, bool)) { REDUCE(AnyFold<bool>); }
extern "C" __global__ void reduce_any_u8(REDUCE_PARAMS(u8, bool)) { REDUCE(AnyFold<u8>); }
extern "C" __global__ void reduce_any_i32(REDUCE_PARAMS(i32, bool)) { REDUCE(AnyFold<i32>); }
extern "C" __global__ void reduce_any_i64(REDUCE_PARAMS(i64, bool)) { REDUCE(AnyFold<i64>); }
extern "C" __global__ void reduce_any_f32(REDUCE_PARAMS(f32, bool)) { REDUCE(AnyFold<f32>); }
extern "C" __global__ void reduce_any_f64(REDUCE_PARAMS(f64, bool)) { REDUCE(AnyFold<f64>); }

extern "C" __global__ void reduce_mean_bool(REDUCE_PARAMS(bool, f64)) { REDUCE(MeanFold<bool>); }
extern "C" __global__ void reduce_mean_u8(REDUCE_PARAMS(u8, f64)) { REDUCE(MeanFold<u8>); }
extern "C" __global__ void reduce_mean_i32(REDUCE_PARAMS(i32, f64)) { REDUCE(MeanFold<i32>); }
extern "C" __global__ void reduce_mean_i64(REDUCE_PARAMS(i64, f64)) { REDUCE(MeanFold<i64>); }
extern "C" __global__ void reduce_mean_f32(REDUCE_PARAMS(f32, f32)) { REDUCE(MeanFold<f32>); }
extern "C" __global__ void reduce_mean_f64(REDUCE_PARAMS(f64, f64)) { REDUCE(MeanFold<f64>); }

extern "C" __global__ void reduce_argmax_bool(REDUCE_PARAMS(bool, i64)) { REDUCE(ArgMax<bool>); }
extern "C" __global__ void reduce_argmax_u8(REDUCE_PARAMS(u8, i64)) { REDUCE(ArgMax<u8>); }
extern "C" __global__ void reduce_argmax_i32(REDUCE_PARAMS(i32, i64)) { REDUCE(ArgMax<i32>); }
extern "C" __global__ void reduce_argmax_i64(REDUCE_PARAMS(i64, i64)) { REDUCE(ArgMax<i64>); }
extern "C" __global__ void reduce_argmax_f32(REDUCE_PARAMS(f32, i64)) { REDUCE(ArgMax<f32>); }
extern "C" __global__ void reduce_argmax_f64(REDUCE_PARAMS(f64, i64)) { REDUCE(ArgMax<f64>); }

extern "C" __global__ void reduce_argmin_bool(REDUCE_PARAMS(bool, i64)) { REDUCE(ArgMin<bool>); }
extern "C" __global__ void reduce_argmin_u8(REDUCE_PARAMS(u8, i64)) { REDUCE(ArgMin<u8>); }
extern "C" __global__ void reduce_argmin_i32(REDUCE_PARAMS(i32, i64)) { REDUCE(ArgMin<i32>); }
extern "C" __global__ void reduce_argmin_i64(REDUCE_PARAMS(i64, i64)) { REDUCE(ArgMin<i64>); }
extern "C" __global__ void reduce_argmin_f32(REDUCE_PARAMS(f32, i64)) { REDUCE(ArgMin<f32>); }
extern "C" __global__ void reduce_argmin_f64(REDUCE_PARAMS(f64, i64)) { REDUCE(ArgMin<f64>); }

extern "C" __global__ void cumsum_bool(REDUCE_PARAMS(bool, i64)) { CUMSUM; }
extern "C" __global__ void cumsum_u8(REDUCE_PARAMS(u8, i64)) { CUMSUM; }
extern "C" __global__ void cumsum_i32(REDUCE_PARAMS(i32, i64)) { CUMSUM; }
extern "C" __global__ void cumsum_i64(REDUCE_PARAMS(i64, i64)) { CUMSUM; }
extern "C" __global__ void cumsum_f32(REDUCE_PARAMS(f32, f32)) { CUMSUM; }
extern "C" __global__ void cumsum_f64(REDUCE_PARAMS(f64, f64)) { CUMSUM; }

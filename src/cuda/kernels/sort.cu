// Sorting along an axis (ops/sort.rs): the first k elements of every lane in the engine's
// total order, and their positions. The order: ascending (descending when asked), NaN larger
// than every number, equal elements by position (stable, in both directions). Being total,
// it makes the result unique, so a bitonic network (not stable by itself) gives exactly the
// CPU's answer: every comparison breaks ties on the positions.
//
// The network runs over a lane padded to `padded` slots (the least power of two >= len),
// the slots past len standing for elements after every real one (ordered among themselves
// by position), in global scratch: `keys` (T) and `pos` (i64), `padded` slots a lane. x is
// dense from x_off, seen as (outer, len, inner): lane q (< lanes = outer * inner) is
// (q / inner, q % inner), its elements `inner` apart. values and indices are dense
// (outer, k, inner), k <= len: the first k of each sorted lane and their positions along
// len (int64). Two ways to run it:
//
//   sort_block_<T>(u64 lanes, u64 len, u64 inner, u64 k, u64 padded, u32 descending,
//                  const T* x, i64 x_off, T* keys, i64* pos, T* values, i64* indices)
//   For short lanes: one block sorts one lane at a time (blocks take lanes grid-stride),
//   every stage of the network ending with a barrier; any blockDim.x. keys and pos hold
//   gridDim.x * padded slots (block b's at b * padded).
//
//   For long lanes, one launch per stage, every lane at once (keys and pos hold
//   lanes * padded slots, lane q's at q * padded; 1-D grid-stride kernels, any grid):
//   sort_fill_<T>(u64 lanes, u64 len, u64 inner, u64 padded, const T* x, i64 x_off,
//                 T* keys, i64* pos)              slot j of each lane: position j, its element
//   sort_stage_<T>(u64 lanes, u64 len, u64 padded, u64 size, u64 stride, u32 descending,
//                  T* keys, i64* pos)             one stage (size, stride) of the network
//   sort_take_<T>(u64 lanes, u64 inner, u64 k, u64 padded, const T* keys, const i64* pos,
//                 T* values, i64* indices)        the first k slots of each lane
//   for size = 2, 4, ..., padded and stride = size / 2, ..., 1 in between.

#include "common.cuh"

// Whether the element (a, at position pa) comes before (b, pb).
template <class T> DB_DEVICE bool sort_before(T a, i64 pa, T b, i64 pb, bool descending) {
    const bool an = db_isnan(a), bn = db_isnan(b);
    if (an != bn) return descending ? an : bn;
    if (!an) {
        if (a < b) return !descending;
        if (b < a) return descending;
    }
    return pa < pb;
}

// Whether slot i's element comes before slot j's, padding slots (position >= len) last.
template <class T>
DB_DEVICE bool slot_before(const T* key, const i64* pos, u64 i, u64 j, u64 len, bool descending) {
    const i64 pi = pos[i], pj = pos[j];
    const bool ipad = (u64)pi >= len, jpad = (u64)pj >= len;
    if (ipad || jpad) return ipad == jpad ? pi < pj : jpad;
    return sort_before(key[i], pi, key[j], pj, descending);
}

// Stage (size, stride) of the bitonic network on compare-exchange `t` (< padded / 2) of a
// lane: merges of sorted runs of size / 2 into runs of `size`, alternately ascending and
// descending (by bit `size` of the slot); size and stride are powers of two.
template <class T>
DB_DEVICE void bitonic_exchange(T* key, i64* at, u64 t, u64 size, u64 stride, u64 len, bool descending) {
    const u64 i = ((t & ~(stride - 1)) << 1) | (t & (stride - 1));
    const u64 j = i + stride;
    const bool up = (i & size) == 0;
    // The order is strict, so "j before i" is "i not before j": swap when the pair is out
    // of this run's direction.
    if (slot_before(key, at, j, i, len, descending) == up) {
        const T kv = key[i];
        key[i] = key[j];
        key[j] = kv;
        const i64 pv = at[i];
        at[i] = at[j];
        at[j] = pv;
    }
}

template <class T>
DB_DEVICE void sort_block(u64 lanes, u64 len, u64 inner, u64 k, u64 padded, u32 descending, const T* x, i64 x_off,
                          T* keys, i64* pos, T* values, i64* indices) {
    T* key = keys + (u64)blockIdx.x * padded;
    i64* at = pos + (u64)blockIdx.x * padded;
    const bool desc = descending != 0;
    const u64 pairs = padded >> 1;
    for (u64 q = blockIdx.x; q < lanes; q += gridDim.x) {
        const DbDivMod oi = db_divmod(q, inner);
        const i64 src = x_off + (i64)(oi.q * len * inner + oi.r);
        for (u64 j = threadIdx.x; j < padded; j += blockDim.x) {
            at[j] = (i64)j;
            if (j < len) key[j] = x[src + (i64)(j * inner)];
        }
        __syncthreads();
        for (u64 size = 2; size <= padded; size <<= 1) {
            for (u64 stride = size >> 1; stride > 0; stride >>= 1) {
                for (u64 t = threadIdx.x; t < pairs; t += blockDim.x) bitonic_exchange(key, at, t, size, stride, len, desc);
                __syncthreads();
            }
        }
        const u64 dst = oi.q * k * inner + oi.r;
        for (u64 j = threadIdx.x; j < k; j += blockDim.x) {
            values[dst + j * inner] = key[j];
            indices[dst + j * inner] = at[j];
        }
        __syncthreads();  // the scratch is the next lane's
    }
}

template <class T>
DB_DEVICE void sort_fill(u64 lanes, u64 len, u64 inner, u64 padded, const T* x, i64 x_off, T* keys, i64* pos) {
    DB_GRID_LOOP(i, lanes * padded) {
        const DbDivMod qj = db_divmod(i, padded);
        pos[i] = (i64)qj.r;
        if (qj.r < len) {
            const DbDivMod oi = db_divmod(qj.q, inner);
            keys[i] = x[x_off + (i64)((oi.q * len + qj.r) * inner + oi.r)];
        }
    }
}

template <class T>
DB_DEVICE void sort_stage(u64 lanes, u64 len, u64 padded, u64 size, u64 stride, u32 descending, T* keys, i64* pos) {
    const u64 pairs = padded >> 1;
    DB_GRID_LOOP(p, lanes * pairs) {
        const DbDivMod qt = db_divmod(p, pairs);
        bitonic_exchange(keys + qt.q * padded, pos + qt.q * padded, qt.r, size, stride, len, descending != 0);
    }
}

template <class T>
DB_DEVICE void sort_take(u64 lanes, u64 inner, u64 k, u64 padded, const T* keys, const i64* pos, T* values,
                         i64* indices) {
    DB_GRID_LOOP(i, lanes * k) {
        const DbDivMod qj = db_divmod(i, k);
        const DbDivMod oi = db_divmod(qj.q, inner);
        const u64 dst = (oi.q * k + qj.r) * inner + oi.r;
        values[dst] = keys[qj.q * padded + qj.r];
        indices[dst] = pos[qj.q * padded + qj.r];
    }
}

#define SORT_BLOCK_PARAMS(T)                                                                                      \
    u64 lanes, u64 len, u64 inner, u64 k, u64 padded, u32 descending, const T* x, i64 x_off, T* keys, i64* pos, \
        T* values, i64* indices
#define SORT_BLOCK sort_block(lanes, len, inner, k, padded, descending, x, x_off, keys, pos, values, indices)
#define SORT_FILL_PARAMS(T) u64 lanes, u64 len, u64 inner, u64 padded, const T* x, i64 x_off, T* keys, i64* pos
#define SORT_FILL sort_fill(lanes, len, inner, padded, x, x_off, keys, pos)
#define SORT_STAGE_PARAMS(T) u64 lanes, u64 len, u64 padded, u64 size, u64 stride, u32 descending, T* keys, i64* pos
#define SORT_STAGE sort_stage(lanes, len, padded, size, stride, descending, keys, pos)
#define SORT_TAKE_PARAMS(T) \
    u64 lanes, u64 inner, u64 k, u64 padded, const T* keys, const i64* pos, T* values, i64* indices
#define SORT_TAKE sort_take(lanes, inner, k, padded, keys, pos, values, indices)

extern "C" __global__ void sort_block_bool(SORT_BLOCK_PARAMS(bool)) { SORT_BLOCK; }
extern "C" __global__ void sort_block_u8(SORT_BLOCK_PARAMS(u8)) { SORT_BLOCK; }
extern "C" __global__ void sort_block_i32(SORT_BLOCK_PARAMS(i32)) { SORT_BLOCK; }
extern "C" __global__ void sort_block_i64(SORT_BLOCK_PARAMS(i64)) { SORT_BLOCK; }
extern "C" __global__ void sort_block_f32(SORT_BLOCK_PARAMS(f32)) { SORT_BLOCK; }
extern "C" __global__ void sort_block_f64(SORT_BLOCK_PARAMS(f64)) { SORT_BLOCK; }

extern "C" __global__ void sort_fill_bool(SORT_FILL_PARAMS(bool)) { SORT_FILL; }
extern "C" __global__ void sort_fill_u8(SORT_FILL_PARAMS(u8)) { SORT_FILL; }
extern "C" __global__ void sort_fill_i32(SORT_FILL_PARAMS(i32)) { SORT_FILL; }
extern "C" __global__ void sort_fill_i64(SORT_FILL_PARAMS(i64)) { SORT_FILL; }
extern "C" __global__ void sort_fill_f32(SORT_FILL_PARAMS(f32)) { SORT_FILL; }
extern "C" __global__ void sort_fill_f64(SORT_FILL_PARAMS(f64)) { SORT_FILL; }

extern "C" __global__ void sort_stage_bool(SORT_STAGE_PARAMS(bool)) { SORT_STAGE; }
extern "C" __global__ void sort_stage_u8(SORT_STAGE_PARAMS(u8)) { SORT_STAGE; }
extern "C" __global__ void sort_stage_i32(SORT_STAGE_PARAMS(i32)) { SORT_STAGE; }
extern "C" __global__ void sort_stage_i64(SORT_STAGE_PARAMS(i64)) { SORT_STAGE; }
extern "C" __global__ void sort_stage_f32(SORT_STAGE_PARAMS(f32)) { SORT_STAGE; }
extern "C" __global__ void sort_stage_f64(SORT_STAGE_PARAMS(f64)) { SORT_STAGE; }

extern "C" __global__ void sort_take_bool(SORT_TAKE_PARAMS(bool)) { SORT_TAKE; }
extern "C" __global__ void sort_take_u8(SORT_TAKE_PARAMS(u8)) { SORT_TAKE; }
extern "C" __global__ void sort_take_i32(SORT_TAKE_PARAMS(i32)) { SORT_TAKE; }
extern "C" __global__ void sort_take_i64(SORT_TAKE_PARAMS(i64)) { SORT_TAKE; }
extern "C" __global__ void sort_take_f32(SORT_TAKE_PARAMS(f32)) { SORT_TAKE; }
extern "C" __global__ void sort_take_f64(SORT_TAKE_PARAMS(f64)) { SORT_TAKE; }

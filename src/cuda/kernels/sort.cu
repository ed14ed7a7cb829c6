// Sorting along an axis (ops/sort.rs): the first k elements of every lane in the engine's
// total order, and their positions. The order: ascending (descending when asked), NaN larger
// than every number, equal elements by position (stable, in both directions). Being total,
// it makes the result unique, so a bitonic network (not stable by itself) gives exactly the
// CPU's answer: every comparison breaks ties on the positions.
//
//   sort_<T>(u64 lanes, u64 len, u64 inner, u64 k, u64 padded, u32 descending,
//            const T* x, i64 x_off, T* keys, i64* pos, T* values, i64* indices)
//   x dense from x_off, seen as (outer, len, inner); lane q (< lanes = outer * inner) is
//   (q / inner, q % inner), its elements len apart by inner. values and indices are dense
//   (outer, k, inner), k <= len: the first k of each sorted lane and their positions along
//   len (int64). padded is the least power of two >= len; keys and pos are scratch of
//   padded elements per block (gridDim.x * padded in all; the launcher sizes the grid).
//   One block sorts one lane at a time (blocks take lanes grid-stride) with a bitonic
//   network over `padded` slots in its scratch, the slots past len standing for elements
//   after every real one (and ordered among themselves by position). Any blockDim.x; every
//   comparison stage ends with a barrier. Global scratch rather than shared memory, so that
//   a lane may be as long as memory allows.

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

template <class T>
DB_DEVICE void sort_lanes(u64 lanes, u64 len, u64 inner, u64 k, u64 padded, u32 descending, const T* x, i64 x_off,
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
        // Bitonic sort: merges of sorted runs of `size` / 2 into runs of `size`, alternately
        // ascending and descending (by bit `size` of the slot), each merge in stages of
        // compare-exchanges `stride` apart. stride and size are powers of two.
        for (u64 size = 2; size <= padded; size <<= 1) {
            for (u64 stride = size >> 1; stride > 0; stride >>= 1) {
                for (u64 t = threadIdx.x; t < pairs; t += blockDim.x) {
                    const u64 i = ((t & ~(stride - 1)) << 1) | (t & (stride - 1));
                    const u64 j = i + stride;
                    const bool up = (i & size) == 0;
                    // The order is strict, so "j before i" is "i not before j": swap when
                    // the pair is out of this run's direction.
                    if (slot_before(key, at, j, i, len, desc) == up) {
                        const T kv = key[i];
                        key[i] = key[j];
                        key[j] = kv;
                        const i64 pv = at[i];
                        at[i] = at[j];
                        at[j] = pv;
                    }
                }
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

#define SORT_PARAMS(T)                                                                                       \
    u64 lanes, u64 len, u64 inner, u64 k, u64 padded, u32 descending, const T* x, i64 x_off, T* keys, i64* pos, \
        T* values, i64* indices
#define SORT sort_lanes(lanes, len, inner, k, padded, descending, x, x_off, keys, pos, values, indices)

extern "C" __global__ void sort_bool(SORT_PARAMS(bool)) { SORT; }
extern "C" __global__ void sort_u8(SORT_PARAMS(u8)) { SORT; }
extern "C" __global__ void sort_i32(SORT_PARAMS(i32)) { SORT; }
extern "C" __global__ void sort_i64(SORT_PARAMS(i64)) { SORT; }
extern "C" __global__ void sort_f32(SORT_PARAMS(f32)) { SORT; }
extern "C" __global__ void sort_f64(SORT_PARAMS(f64)) { SORT; }

// Advanced indexing (ops/index.rs): gather, scatter and scatter-add through a list of block
// offsets, which is how the CPU engine runs x[idx...], x[idx...] = v and the gradient of
// indexing (index_scatter). With index arrays broadcast to the index shape (count
// positions), position b selects the sub-block of the view's remaining ("rest") axes that
// starts at offsets[b]; results are in "front" order (index axes, then rest axes) as on
// the CPU, which then permutes the view.
//
//   index_offsets_<I>(u64 count, u64 ndim, const i64* info, const I* idx, i64 idx_off,
//                     i64* offsets, u64* bad, i64 axis_len, i64 stride)       I = u8, i32, i64
//   For one index array (broadcast to the index shape: info = [index dims, strides of idx]):
//   offsets[b] += j * stride with j = idx[b], plus axis_len when negative. An index out of
//   [-axis_len, axis_len) leaves offsets[b] alone and lowers *bad to b (atomicMin), so the
//   launcher starts with offsets filled with the view's offset and *bad = u64 max, runs this
//   once per index array, and when *bad moved reads idx at that position for IndexError's
//   message (the first bad position, as the CPU reports).
//
//   gather_<T>(u64 numel, u64 block, u64 rest_ndim, const i64* rest_info,
//              const i64* offsets, const T* src, T* out)
//   out[i] = src[offsets[i / block] + rest(i % block)], out dense (count * block elements);
//   rest_info = [rest dims, rest strides of src], or nullptr when the rest is contiguous
//   (rest(r) = r).
//
//   scatter_<T>(u64 numel, u64 block, u64 rest_ndim, const i64* rest_info, u64 ndim,
//               const i64* info, const i64* offsets, T* dst, const T* val, i64 val_off)
//   dst[offsets[i / block] + rest(i % block)] = val[i], val strided over the front shape:
//   info = [front dims, strides of val] (the CPU's value_layout), or nullptr when val is
//   dense. val has dst's dtype (the launcher casts first). Repeated positions: one write
//   wins, unspecified which.
//   scatter_add_<T>: the same with += (atomicAdd), so repeated positions accumulate; no bool
//   (the CPU refuses it). uint8 adds through a 32-bit compare-and-swap.
//
//   nonzero_bool(u64 numel, u64 ndim, const i64* dims, const bool* x, i64 x_off,
//                const i64* csum, i64* out, u64 count)
//   The coordinates of the true elements of dense x (np.nonzero), given csum = the inclusive
//   running count of x (cumsum_bool over the flat array) and count = its last value:
//   out[d * count + k] = coordinate d of the k-th true element. A 0-d x is passed as shape (1,).

#include "common.cuh"

template <class I>
DB_DEVICE void index_offsets(u64 count, u64 ndim, const i64* info, const I* idx, i64 idx_off, i64* offsets, u64* bad,
                             i64 axis_len, i64 stride) {
    const i64 base[1] = {idx_off};
    db_for_each<1>(count, ndim, info, base, [&](u64 b, const i64* o) {
        i64 j = (i64)idx[o[0]];
        if (j < 0) j += axis_len;
        if (j < 0 || j >= axis_len) atomicMin(bad, b);
        else offsets[b] += j * stride;
    });
}

// The element offset of position r of the rest block.
DB_DEVICE i64 rest_offset(u64 r, u64 rest_ndim, const i64* rest_info) {
    if (rest_info == nullptr) return (i64)r;
    i64 off = 0;
    db_strided_offsets<1>(r, rest_ndim, rest_info, &off);
    return off;
}

template <class T>
DB_DEVICE void gather(u64 numel, u64 block, u64 rest_ndim, const i64* rest_info, const i64* offsets, const T* src,
                      T* out) {
    DB_GRID_LOOP(i, numel) {
        const DbDivMod br = db_divmod(i, block);
        out[i] = src[offsets[br.q] + rest_offset(br.r, rest_ndim, rest_info)];
    }
}

template <class T, class W>
DB_DEVICE void scatter(u64 numel, u64 block, u64 rest_ndim, const i64* rest_info, u64 ndim, const i64* info,
                       const i64* offsets, T* dst, const T* val, i64 val_off, W write) {
    const i64 base[1] = {val_off};
    db_for_each<1>(numel, ndim, info, base, [&](u64 i, const i64* o) {
        const DbDivMod br = db_divmod(i, block);
        write(dst + offsets[br.q] + rest_offset(br.r, rest_ndim, rest_info), val[o[0]]);
    });
}

struct Store { template <class T> DB_DEVICE void operator()(T* p, T v) const { *p = v; } };
struct AtomicAdd { template <class T> DB_DEVICE void operator()(T* p, T v) const { db_atomic_add(p, v); } };

DB_DEVICE void nonzero(u64 numel, u64 ndim, const i64* dims, const bool* x, i64 x_off, const i64* csum, i64* out,
                       u64 count) {
    DB_GRID_LOOP(i, numel) {
        if (!x[x_off + (i64)i]) continue;
        const u64 k = (u64)csum[i] - 1;
        u64 r = i;
        for (u64 d = ndim; d-- > 0;) {
            const DbDivMod qr = db_divmod(r, (u64)dims[d]);
            out[d * count + k] = (i64)qr.r;
            r = qr.q;
        }
    }
}

#define OFFSETS_PARAMS(I) \
    u64 count, u64 ndim, const i64* info, const I* idx, i64 idx_off, i64* offsets, u64* bad, i64 axis_len, i64 stride
#define OFFSETS index_offsets(count, ndim, info, idx, idx_off, offsets, bad, axis_len, stride)
#define GATHER_PARAMS(T) \
    u64 numel, u64 block, u64 rest_ndim, const i64* rest_info, const i64* offsets, const T* src, T* out
#define GATHER gather(numel, block, rest_ndim, rest_info, offsets, src, out)
#define SCATTER_PARAMS(T)                                                                                  \
    u64 numel, u64 block, u64 rest_ndim, const i64* rest_info, u64 ndim, const i64* info, const i64* offsets, \
        T* dst, const T* val, i64 val_off
#define SCATTER(W) scatter(numel, block, rest_ndim, rest_info, ndim, info, offsets, dst, val, val_off, W{})
#define NONZERO_PARAMS \
    u64 numel, u64 ndim, const i64* dims, const bool* x, i64 x_off, const i64* csum, i64* out, u64 count
#define NONZERO nonzero(numel, ndim, dims, x, x_off, csum, out, count)

extern "C" __global__ void index_offsets_u8(OFFSETS_PARAMS(u8)) { OFFSETS; }
extern "C" __global__ void index_offsets_i32(OFFSETS_PARAMS(i32)) { OFFSETS; }
extern "C" __global__ void index_offsets_i64(OFFSETS_PARAMS(i64)) { OFFSETS; }

extern "C" __global__ void gather_bool(GATHER_PARAMS(bool)) { GATHER; }
extern "C" __global__ void gather_u8(GATHER_PARAMS(u8)) { GATHER; }
extern "C" __global__ void gather_i32(GATHER_PARAMS(i32)) { GATHER; }
extern "C" __global__ void gather_i64(GATHER_PARAMS(i64)) { GATHER; }
extern "C" __global__ void gather_f32(GATHER_PARAMS(f32)) { GATHER; }
extern "C" __global__ void gather_f64(GATHER_PARAMS(f64)) { GATHER; }

extern "C" __global__ void scatter_bool(SCATTER_PARAMS(bool)) { SCATTER(Store); }
extern "C" __global__ void scatter_u8(SCATTER_PARAMS(u8)) { SCATTER(Store); }
extern "C" __global__ void scatter_i32(SCATTER_PARAMS(i32)) { SCATTER(Store); }
extern "C" __global__ void scatter_i64(SCATTER_PARAMS(i64)) { SCATTER(Store); }
extern "C" __global__ void scatter_f32(SCATTER_PARAMS(f32)) { SCATTER(Store); }
extern "C" __global__ void scatter_f64(SCATTER_PARAMS(f64)) { SCATTER(Store); }

extern "C" __global__ void scatter_add_u8(SCATTER_PARAMS(u8)) { SCATTER(AtomicAdd); }
extern "C" __global__ void scatter_add_i32(SCATTER_PARAMS(i32)) { SCATTER(AtomicAdd); }
extern "C" __global__ void scatter_add_i64(SCATTER_PARAMS(i64)) { SCATTER(AtomicAdd); }
extern "C" __global__ void scatter_add_f32(SCATTER_PARAMS(f32)) { SCATTER(AtomicAdd); }
extern "C" __global__ void scatter_add_f64(SCATTER_PARAMS(f64)) { SCATTER(AtomicAdd); }

extern "C" __global__ void nonzero_bool(NONZERO_PARAMS) { NONZERO; }

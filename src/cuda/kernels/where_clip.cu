// Selection between arrays (ops/where_clip.rs), all operands broadcast through stride-0 axes.
//
//   where_<T>(u64 numel, u64 ndim, const i64* info, const bool* cond, i64 cond_off,
//             const T* x, i64 x_off, const T* y, i64 y_off, T* out)
//   out = cond ? x : y; info = [dims, strides of cond, of x, of y]. The launcher casts cond
//   to bool and x, y to their promoted dtype first, as the CPU engine does.
//
//   clip_<T>(u64 numel, u64 ndim, const i64* info, const T* x, i64 x_off,
//            const T* lo, i64 lo_off, const T* hi, i64 hi_off, T* out)
//   out = minimum(maximum(x, lo), hi) with NumPy's NaN rules, in one pass (the CPU engine's
//   clip is those two binary ops). lo or hi may be nullptr (no bound); info = [dims, strides
//   of x, of lo, of hi], where the strides of a missing bound are ignored (pass zeros).

#include "common.cuh"

template <class T>
DB_DEVICE void where_map(u64 numel, u64 ndim, const i64* info, const bool* cond, i64 cond_off, const T* x, i64 x_off,
                         const T* y, i64 y_off, T* out) {
    const i64 base[3] = {cond_off, x_off, y_off};
    db_for_each<3>(numel, ndim, info, base, [&](u64 i, const i64* o) { out[i] = cond[o[0]] ? x[o[1]] : y[o[2]]; });
}

template <class T>
DB_DEVICE void clip_map(u64 numel, u64 ndim, const i64* info, const T* x, i64 x_off, const T* lo, i64 lo_off,
                        const T* hi, i64 hi_off, T* out) {
    const i64 base[3] = {x_off, lo_off, hi_off};
    db_for_each<3>(numel, ndim, info, base, [&](u64 i, const i64* o) {
        T v = x[o[0]];
        if (lo != nullptr) v = db_max(v, lo[o[1]]);
        if (hi != nullptr) v = db_min(v, hi[o[2]]);
        out[i] = v;
    });
}

#define WHERE_PARAMS(T)                                                                             \
    u64 numel, u64 ndim, const i64* info, const bool* cond, i64 cond_off, const T* x, i64 x_off, const T* y, \
        i64 y_off, T* out
#define WHERE where_map(numel, ndim, info, cond, cond_off, x, x_off, y, y_off, out)
#define CLIP_PARAMS(T)                                                                                   \
    u64 numel, u64 ndim, const i64* info, const T* x, i64 x_off, const T* lo, i64 lo_off, const T* hi, i64 hi_off, \
        T* out
#define CLIP clip_map(numel, ndim, info, x, x_off, lo, lo_off, hi, hi_off, out)

extern "C" __global__ void where_bool(WHERE_PARAMS(bool)) { WHERE; }
extern "C" __global__ void where_u8(WHERE_PARAMS(u8)) { WHERE; }
extern "C" __global__ void where_i32(WHERE_PARAMS(i32)) { WHERE; }
extern "C" __global__ void where_i64(WHERE_PARAMS(i64)) { WHERE; }
extern "C" __global__ void where_f32(WHERE_PARAMS(f32)) { WHERE; }
extern "C" __global__ void where_f64(WHERE_PARAMS(f64)) { WHERE; }

extern "C" __global__ void clip_bool(CLIP_PARAMS(bool)) { CLIP; }
extern "C" __global__ void clip_u8(CLIP_PARAMS(u8)) { CLIP; }
extern "C" __global__ void clip_i32(CLIP_PARAMS(i32)) { CLIP; }
extern "C" __global__ void clip_i64(CLIP_PARAMS(i64)) { CLIP; }
extern "C" __global__ void clip_f32(CLIP_PARAMS(f32)) { CLIP; }
extern "C" __global__ void clip_f64(CLIP_PARAMS(f64)) { CLIP; }

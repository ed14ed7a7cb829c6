// Copies and conversions (ops/copy.rs), with the CPU engine's element casts (db_convert:
// float to int saturates and NaN gives 0, uint8 wraps through int32, nonzero is true).
//
//   cast_<S>_<D>(u64 numel, u64 ndim, const i64* info, const S* src, i64 src_off, D* out)
//   A strided (or broadcast) gather into a new dense array, converting; S == D is a copy.
//   info = [dims, strides of src].
//
//   set_<S>_<D>(u64 numel, u64 ndim, const i64* info, D* dst, i64 dst_off,
//               const S* src, i64 src_off)
//   Writes src, broadcast to dst's shape, into the strided view dst, converting (assignment
//   into a view: x[...] = y, concatenate, tile...). info = [dims, strides of dst, of src].
//
//   fill_strided_<T>(u64 numel, u64 ndim, const i64* info, T* dst, i64 dst_off, T value)
//   Sets every element of the strided view dst (x[...] = scalar, eye's diagonal).
//   info = [dims, strides of dst].

#include "common.cuh"

template <class S, class D>
DB_DEVICE void cast_map(u64 numel, u64 ndim, const i64* info, const S* src, i64 src_off, D* out) {
    const i64 base[1] = {src_off};
    db_for_each<1>(numel, ndim, info, base, [&](u64 i, const i64* o) { out[i] = db_convert<D>(src[o[0]]); });
}

template <class S, class D>
DB_DEVICE void set_map(u64 numel, u64 ndim, const i64* info, D* dst, i64 dst_off, const S* src, i64 src_off) {
    const i64 base[2] = {dst_off, src_off};
    db_for_each<2>(numel, ndim, info, base, [&](u64, const i64* o) { dst[o[0]] = db_convert<D>(src[o[1]]); });
}

template <class T> DB_DEVICE void fill_strided(u64 numel, u64 ndim, const i64* info, T* dst, i64 dst_off, T value) {
    const i64 base[1] = {dst_off};
    db_for_each<1>(numel, ndim, info, base, [&](u64, const i64* o) { dst[o[0]] = value; });
}

#define CAST_PARAMS(S, D) u64 numel, u64 ndim, const i64* info, const S* src, i64 src_off, D* out
#define CAST cast_map(numel, ndim, info, src, src_off, out)
#define SET_PARAMS(S, D) u64 numel, u64 ndim, const i64* info, D* dst, i64 dst_off, const S* src, i64 src_off
#define SET set_map(numel, ndim, info, dst, dst_off, src, src_off)
#define FILL_PARAMS(T) u64 numel, u64 ndim, const i64* info, T* dst, i64 dst_off, T value
#define FILL fill_strided(numel, ndim, info, dst, dst_off, value)

extern "C" __global__ void cast_bool_bool(CAST_PARAMS(bool, bool)) { CAST; }
extern "C" __global__ void cast_bool_u8(CAST_PARAMS(bool, u8)) { CAST; }
extern "C" __global__ void cast_bool_i32(CAST_PARAMS(bool, i32)) { CAST; }
extern "C" __global__ void cast_bool_i64(CAST_PARAMS(bool, i64)) { CAST; }
extern "C" __global__ void cast_bool_f32(CAST_PARAMS(bool, f32)) { CAST; }
extern "C" __global__ void cast_bool_f64(CAST_PARAMS(bool, f64)) { CAST; }
extern "C" __global__ void cast_u8_bool(CAST_PARAMS(u8, bool)) { CAST; }
extern "C" __global__ void cast_u8_u8(CAST_PARAMS(u8, u8)) { CAST; }
extern "C" __global__ void cast_u8_i32(CAST_PARAMS(u8, i32)) { CAST; }
extern "C" __global__ void cast_u8_i64(CAST_PARAMS(u8, i64)) { CAST; }
extern "C" __global__ void cast_u8_f32(CAST_PARAMS(u8, f32)) { CAST; }
extern "C" __global__ void cast_u8_f64(CAST_PARAMS(u8, f64)) { CAST; }
extern "C" __global__ void cast_i32_bool(CAST_PARAMS(i32, bool)) { CAST; }
extern "C" __global__ void cast_i32_u8(CAST_PARAMS(i32, u8)) { CAST; }
extern "C" __global__ void cast_i32_i32(CAST_PARAMS(i32, i32)) { CAST; }
extern "C" __global__ void cast_i32_i64(CAST_PARAMS(i32, i64)) { CAST; }
extern "C" __global__ void cast_i32_f32(CAST_PARAMS(i32, f32)) { CAST; }
extern "C" __global__ void cast_i32_f64(CAST_PARAMS(i32, f64)) { CAST; }
extern "C" __global__ void cast_i64_bool(CAST_PARAMS(i64, bool)) { CAST; }
extern "C" __global__ void cast_i64_u8(CAST_PARAMS(i64, u8)) { CAST; }
extern "C" __global__ void cast_i64_i32(CAST_PARAMS(i64, i32)) { CAST; }
extern "C" __global__ void cast_i64_i64(CAST_PARAMS(i64, i64)) { CAST; }
extern "C" __global__ void cast_i64_f32(CAST_PARAMS(i64, f32)) { CAST; }
extern "C" __global__ void cast_i64_f64(CAST_PARAMS(i64, f64)) { CAST; }
extern "C" __global__ void cast_f32_bool(CAST_PARAMS(f32, bool)) { CAST; }
extern "C" __global__ void cast_f32_u8(CAST_PARAMS(f32, u8)) { CAST; }
extern "C" __global__ void cast_f32_i32(CAST_PARAMS(f32, i32)) { CAST; }
extern "C" __global__ void cast_f32_i64(CAST_PARAMS(f32, i64)) { CAST; }
extern "C" __global__ void cast_f32_f32(CAST_PARAMS(f32, f32)) { CAST; }
extern "C" __global__ void cast_f32_f64(CAST_PARAMS(f32, f64)) { CAST; }
extern "C" __global__ void cast_f64_bool(CAST_PARAMS(f64, bool)) { CAST; }
extern "C" __global__ void cast_f64_u8(CAST_PARAMS(f64, u8)) { CAST; }
extern "C" __global__ void cast_f64_i32(CAST_PARAMS(f64, i32)) { CAST; }
extern "C" __global__ void cast_f64_i64(CAST_PARAMS(f64, i64)) { CAST; }
extern "C" __global__ void cast_f64_f32(CAST_PARAMS(f64, f32)) { CAST; }
extern "C" __global__ void cast_f64_f64(CAST_PARAMS(f64, f64)) { CAST; }

extern "C" __global__ void set_bool_bool(SET_PARAMS(bool, bool)) { SET; }
extern "C" __global__ void set_bool_u8(SET_PARAMS(bool, u8)) { SET; }
extern "C" __global__ void set_bool_i32(SET_PARAMS(bool, i32)) { SET; }
extern "C" __global__ void set_bool_i64(SET_PARAMS(bool, i64)) { SET; }
extern "C" __global__ void set_bool_f32(SET_PARAMS(bool, f32)) { SET; }
extern "C" __global__ void set_bool_f64(SET_PARAMS(bool, f64)) { SET; }
extern "C" __global__ void set_u8_bool(SET_PARAMS(u8, bool)) { SET; }
extern "C" __global__ void set_u8_u8(SET_PARAMS(u8, u8)) { SET; }
extern "C" __global__ void set_u8_i32(SET_PARAMS(u8, i32)) { SET; }
extern "C" __global__ void set_u8_i64(SET_PARAMS(u8, i64)) { SET; }
extern "C" __global__ void set_u8_f32(SET_PARAMS(u8, f32)) { SET; }
extern "C" __global__ void set_u8_f64(SET_PARAMS(u8, f64)) { SET; }
extern "C" __global__ void set_i32_bool(SET_PARAMS(i32, bool)) { SET; }
extern "C" __global__ void set_i32_u8(SET_PARAMS(i32, u8)) { SET; }
extern "C" __global__ void set_i32_i32(SET_PARAMS(i32, i32)) { SET; }
extern "C" __global__ void set_i32_i64(SET_PARAMS(i32, i64)) { SET; }
extern "C" __global__ void set_i32_f32(SET_PARAMS(i32, f32)) { SET; }
extern "C" __global__ void set_i32_f64(SET_PARAMS(i32, f64)) { SET; }
extern "C" __global__ void set_i64_bool(SET_PARAMS(i64, bool)) { SET; }
extern "C" __global__ void set_i64_u8(SET_PARAMS(i64, u8)) { SET; }
extern "C" __global__ void set_i64_i32(SET_PARAMS(i64, i32)) { SET; }
extern "C" __global__ void set_i64_i64(SET_PARAMS(i64, i64)) { SET; }
extern "C" __global__ void set_i64_f32(SET_PARAMS(i64, f32)) { SET; }
extern "C" __global__ void set_i64_f64(SET_PARAMS(i64, f64)) { SET; }
extern "C" __global__ void set_f32_bool(SET_PARAMS(f32, bool)) { SET; }
extern "C" __global__ void set_f32_u8(SET_PARAMS(f32, u8)) { SET; }
extern "C" __global__ void set_f32_i32(SET_PARAMS(f32, i32)) { SET; }
extern "C" __global__ void set_f32_i64(SET_PARAMS(f32, i64)) { SET; }
extern "C" __global__ void set_f32_f32(SET_PARAMS(f32, f32)) { SET; }
extern "C" __global__ void set_f32_f64(SET_PARAMS(f32, f64)) { SET; }
extern "C" __global__ void set_f64_bool(SET_PARAMS(f64, bool)) { SET; }
extern "C" __global__ void set_f64_u8(SET_PARAMS(f64, u8)) { SET; }
extern "C" __global__ void set_f64_i32(SET_PARAMS(f64, i32)) { SET; }
extern "C" __global__ void set_f64_i64(SET_PARAMS(f64, i64)) { SET; }
extern "C" __global__ void set_f64_f32(SET_PARAMS(f64, f32)) { SET; }
extern "C" __global__ void set_f64_f64(SET_PARAMS(f64, f64)) { SET; }

extern "C" __global__ void fill_strided_bool(FILL_PARAMS(bool)) { FILL; }
extern "C" __global__ void fill_strided_u8(FILL_PARAMS(u8)) { FILL; }
extern "C" __global__ void fill_strided_i32(FILL_PARAMS(i32)) { FILL; }
extern "C" __global__ void fill_strided_i64(FILL_PARAMS(i64)) { FILL; }
extern "C" __global__ void fill_strided_f32(FILL_PARAMS(f32)) { FILL; }
extern "C" __global__ void fill_strided_f64(FILL_PARAMS(f64)) { FILL; }

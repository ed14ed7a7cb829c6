// Arrays made from nothing (ops/creation.rs) and the affine maps that turn cuRAND's raw draws
// into the CPU engine's distributions (ops/random.rs). Outputs are dense.
//
//   fill_<T>(u64 n, T* out, T value)
//   arange_<T>(u64 n, T* out, f64 start, f64 delta)         T = f32, f64:
//       out[i] = T(start + i * delta), computed in f64 (delta = (start + step) - start)
//   arange_<T>(u64 n, T* out, i64 start, i64 step)          T = bool, u8, i32, i64:
//       out[i] = T(start + i * step), exact (wrapping) in i64
//   linspace_<T>(u64 n, T* out, f64 start, f64 step, f64 stop, u32 endpoint)
//       out[i] = T(start + i * step), and exactly T(stop) at i = n - 1 when endpoint != 0
//   uniform_scale_<T>(u64 n, const T* u, T* out, f64 low, f64 high)      T = f32, f64
//       u from curandGenerateUniform[Double], in (0, 1]: out = T(low + (high - low) * (1 - u)),
//       kept below high when rounding to T reaches it (the CPU redraws instead), so the
//       interval stays half-open. u may be out (in place).
//   normal_scale_<T>(u64 n, const T* z, T* out, f64 loc, f64 scale)      T = f32, f64
//       z standard normal (curandGenerateNormal[Double]): out = T(loc + scale * z); z may be out.
//   randint_<T>(u64 n, const u32* bits, T* out, i64 low, u64 span)      T = u8, i32, i64
//       two 32-bit words per element (curandGenerate of 2n words):
//       out[i] = T(low + (bits[2i] << 32 | bits[2i+1]) % span), span = high - low > 0.

#include "common.cuh"

template <class T> DB_DEVICE void fill(u64 n, T* out, T value) {
    DB_GRID_LOOP(i, n) out[i] = value;
}

template <class T> DB_DEVICE void arange_float(u64 n, T* out, f64 start, f64 delta) {
    DB_GRID_LOOP(i, n) out[i] = (T)(start + (f64)i * delta);
}

template <class T> DB_DEVICE void arange_int(u64 n, T* out, i64 start, i64 step) {
    DB_GRID_LOOP(i, n) out[i] = db_from_i64<T>((i64)((u64)start + i * (u64)step));
}

template <class T> DB_DEVICE void linspace(u64 n, T* out, f64 start, f64 step, f64 stop, u32 endpoint) {
    DB_GRID_LOOP(i, n) {
        const f64 v = (endpoint != 0 && n > 1 && i == n - 1) ? stop : start + (f64)i * step;
        out[i] = db_from_f64<T>(v);
    }
}

// The largest T below `high`, or T(low) when [low, high) holds no T.
template <class T> DB_DEVICE T below(f64 high, f64 low) {
    T h = (T)high;
    while ((f64)h >= high) h = db_nextafter(h, -db_inf<T>());
    return (f64)h < low ? (T)low : h;
}

template <class T> DB_DEVICE void uniform_scale(u64 n, const T* u, T* out, f64 low, f64 high) {
    DB_GRID_LOOP(i, n) {
        const f64 r = 1.0 - (f64)u[i];
        T v = (T)(low + (high - low) * r);
        if (low < high && (f64)v >= high) v = below<T>(high, low);
        out[i] = v;
    }
}

template <class T> DB_DEVICE void normal_scale(u64 n, const T* z, T* out, f64 loc, f64 scale) {
    DB_GRID_LOOP(i, n) out[i] = (T)(loc + scale * (f64)z[i]);
}

template <class T> DB_DEVICE void randint(u64 n, const u32* bits, T* out, i64 low, u64 span) {
    DB_GRID_LOOP(i, n) {
        const u64 r = (((u64)bits[2 * i] << 32) | (u64)bits[2 * i + 1]) % span;
        out[i] = db_from_i64<T>((i64)((u64)low + r));
    }
}

#define FILL_PARAMS(T) u64 n, T* out, T value
#define ARANGE_FLOAT_PARAMS(T) u64 n, T* out, f64 start, f64 delta
#define ARANGE_INT_PARAMS(T) u64 n, T* out, i64 start, i64 step
#define LINSPACE_PARAMS(T) u64 n, T* out, f64 start, f64 step, f64 stop, u32 endpoint
#define UNIFORM_PARAMS(T) u64 n, const T* u, T* out, f64 low, f64 high
#define NORMAL_PARAMS(T) u64 n, const T* z, T* out, f64 loc, f64 scale
#define RANDINT_PARAMS(T) u64 n, const u32* bits, T* out, i64 low, u64 span

extern "C" __global__ void fill_bool(FILL_PARAMS(bool)) { fill(n, out, value); }
extern "C" __global__ void fill_u8(FILL_PARAMS(u8)) { fill(n, out, value); }
extern "C" __global__ void fill_i32(FILL_PARAMS(i32)) { fill(n, out, value); }
extern "C" __global__ void fill_i64(FILL_PARAMS(i64)) { fill(n, out, value); }
extern "C" __global__ void fill_f32(FILL_PARAMS(f32)) { fill(n, out, value); }
extern "C" __global__ void fill_f64(FILL_PARAMS(f64)) { fill(n, out, value); }

extern "C" __global__ void arange_bool(ARANGE_INT_PARAMS(bool)) { arange_int(n, out, start, step); }
extern "C" __global__ void arange_u8(ARANGE_INT_PARAMS(u8)) { arange_int(n, out, start, step); }
extern "C" __global__ void arange_i32(ARANGE_INT_PARAMS(i32)) { arange_int(n, out, start, step); }
extern "C" __global__ void arange_i64(ARANGE_INT_PARAMS(i64)) { arange_int(n, out, start, step); }
extern "C" __global__ void arange_f32(ARANGE_FLOAT_PARAMS(f32)) { arange_float(n, out, start, delta); }
extern "C" __global__ void arange_f64(ARANGE_FLOAT_PARAMS(f64)) { arange_float(n, out, start, delta); }

extern "C" __global__ void linspace_bool(LINSPACE_PARAMS(bool)) { linspace(n, out, start, step, stop, endpoint); }
extern "C" __global__ void linspace_u8(LINSPACE_PARAMS(u8)) { linspace(n, out, start, step, stop, endpoint); }
extern "C" __global__ void linspace_i32(LINSPACE_PARAMS(i32)) { linspace(n, out, start, step, stop, endpoint); }
extern "C" __global__ void linspace_i64(LINSPACE_PARAMS(i64)) { linspace(n, out, start, step, stop, endpoint); }
extern "C" __global__ void linspace_f32(LINSPACE_PARAMS(f32)) { linspace(n, out, start, step, stop, endpoint); }
extern "C" __global__ void linspace_f64(LINSPACE_PARAMS(f64)) { linspace(n, out, start, step, stop, endpoint); }

extern "C" __global__ void uniform_scale_f32(UNIFORM_PARAMS(f32)) { uniform_scale(n, u, out, low, high); }
extern "C" __global__ void uniform_scale_f64(UNIFORM_PARAMS(f64)) { uniform_scale(n, u, out, low, high); }
extern "C" __global__ void normal_scale_f32(NORMAL_PARAMS(f32)) { normal_scale(n, z, out, loc, scale); }
extern "C" __global__ void normal_scale_f64(NORMAL_PARAMS(f64)) { normal_scale(n, z, out, loc, scale); }
extern "C" __global__ void randint_u8(RANDINT_PARAMS(u8)) { randint(n, bits, out, low, span); }
extern "C" __global__ void randint_i32(RANDINT_PARAMS(i32)) { randint(n, bits, out, low, span); }
extern "C" __global__ void randint_i64(RANDINT_PARAMS(i64)) { randint(n, bits, out, low, span); }

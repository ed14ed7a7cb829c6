// Convolution and pooling (ops/conv.rs, ops/pool.rs) over 1 to 3 spatial axes, padded in
// front to three with unit axes as ConvGeom and PoolGeom are. The convolution is im2col, a
// cuBLAS product per (image, group), then col2im for the data gradient; pooling is direct.
// Gradients are gathers (each thread sums what reaches its own element), so no kernel here
// uses atomics and every result is deterministic.
//
// A convolution's geometry travels as geom = i64[19]:
//   [channels, in[3], out[3], kernel[3], stride[3], pad[3], dilate[3]]
// (channels = C of the input, channels first; the image count comes from numel). Input
// position i on an axis is read by output o through kernel offset k when
// i = o * stride + k * dilate - pad. Column (im2col) entries are indexed by (image n, input
// channel c, kernel offset kk, output position l), kk and l row-major over their three axes;
// entry (n, c, kk, l) lies at cols[n * col_n + (c * kvol + kk) * col_r + l], so the launcher
// picks the layout: (n, c·kvol, L) with col_n = C·kvol·L, col_r = L for the forward products,
// (c·kvol, n, L) with col_n = L, col_r = batch·L for the weight gradient's.
//
//   im2col_<T>(u64 numel, const i64* geom, const T* x, i64 x_off, T* cols, u64 col_n, u64 col_r)
//   numel = batch·C·kvol·L (batch: the images of the chunk) column entries, 0 where the
//   window reads padding. x is the dense (batch, C, *in) input at x_off.
//
//   col2im_<T>(u64 numel, const i64* geom, const T* cols, u64 col_n, u64 col_r, T* gx, i64 gx_off)
//   The adjoint: numel = batch·C·in elements, gx[gx_off + i] = the sum of the column entries
//   that read input element i (overwritten, not accumulated; kernel offsets in row-major
//   order).
//
//   conv_bias_<T>(u64 numel, u64 len, u64 channels, T* out, const T* bias, i64 bias_off)
//   out[i] += bias[bias_off + (i / len) % channels]: out is dense (N, channels, len).
//
// A pooling's geometry is pgeom = i64[16]:
//   [in[3], out[3], kernel[3], stride[3], pad[3], count_include_pad]
// over planes of (N·C) independent (*in) inputs, the plane count coming from numel.
// The window of output o on an axis starts at o * stride - pad and ends at
// min(start + kernel, in + pad); its elements are the ones inside [0, in). An average divides
// by the product over the axes of end - start (count_include_pad) or of the valid length,
// at least 1. kind: 0 max, 1 avg, 2 sum (ops::pool::PoolKind).
//
//   pool_forward_<T>(u64 numel, const i64* pgeom, u32 kind, const T* x, i64 x_off, T* out)
//   numel = planes·out elements; x dense (planes, *in) at x_off. A max takes the first
//   maximum in scan order, NaN counting as the maximum; a window wholly in the padding gives
//   the lowest finite value (max, as MXNet) or 0.
//
//   pool_argmax_<T>(u64 numel, const i64* pgeom, const T* x, i64 x_off, i64* out)
//   For each output: the position within its plane of the element the max took (the first
//   maximum, as above), or -1 for an empty window.
//
//   pool_backward_<T>(u64 numel, const i64* pgeom, u32 kind, const T* gy, i64 gy_off,
//                     const i64* argmax, T* out)
//   numel = planes·in elements: out[i] = the sum, over the windows that contain element i in
//   row-major order of the outputs, of gy (sum), gy / divisor (avg), or gy where argmax (from
//   pool_argmax_<T>; nullptr for avg and sum) names element i (max). gy dense at gy_off.
//
// T = f32, f64.

#include "common.cuh"

// Sizes and indices below are non-negative and fit in i64; divisions go through db_divmod.

// `v` split into row-major coordinates over dims[3].
DB_DEVICE void conv_split3(u64 v, const i64* dims, i64* at) {
    DbDivMod q = db_divmod(v, (u64)dims[2]);
    at[2] = (i64)q.r;
    q = db_divmod(q.q, (u64)dims[1]);
    at[1] = (i64)q.r;
    at[0] = (i64)q.q;
}

struct ConvShape {
    i64 channels, in[3], out[3], k[3], s[3], p[3], d[3];
    i64 kvol, len, plane;  // kernel volume, output and input positions per channel
};

DB_DEVICE ConvShape conv_shape(const i64* g) {
    ConvShape c;
    c.channels = g[0];
    for (int a = 0; a < 3; ++a) {
        c.in[a] = g[1 + a];
        c.out[a] = g[4 + a];
        c.k[a] = g[7 + a];
        c.s[a] = g[10 + a];
        c.p[a] = g[13 + a];
        c.d[a] = g[16 + a];
    }
    c.kvol = c.k[0] * c.k[1] * c.k[2];
    c.len = c.out[0] * c.out[1] * c.out[2];
    c.plane = c.in[0] * c.in[1] * c.in[2];
    return c;
}

// The output position on axis a that reads input position i through kernel offset k, or -1.
DB_DEVICE i64 conv_target(const ConvShape& c, int a, i64 i, i64 k) {
    const i64 t = i + c.p[a] - k * c.d[a];
    if (t < 0) return -1;
    const DbDivMod q = db_divmod((u64)t, (u64)c.s[a]);
    return (q.r == 0 && (i64)q.q < c.out[a]) ? (i64)q.q : -1;
}

template <class T>
DB_DEVICE void im2col(u64 numel, const i64* geom, const T* x, i64 x_off, T* cols, u64 col_n, u64 col_r) {
    const ConvShape c = conv_shape(geom);
    DB_GRID_LOOP(i, numel) {
        DbDivMod q = db_divmod(i, (u64)c.len);
        const u64 l = q.r;
        q = db_divmod(q.q, (u64)c.kvol);
        const u64 kk = q.r;
        q = db_divmod(q.q, (u64)c.channels);
        const u64 ch = q.r, n = q.q;
        i64 ko[3], oo[3];
        conv_split3(kk, c.k, ko);
        conv_split3(l, c.out, oo);
        bool inside = true;
        i64 at = 0;
        for (int a = 0; a < 3; ++a) {
            const i64 v = oo[a] * c.s[a] + ko[a] * c.d[a] - c.p[a];
            inside = inside && v >= 0 && v < c.in[a];
            at = at * c.in[a] + v;
        }
        const T v = inside ? x[x_off + ((i64)n * c.channels + (i64)ch) * c.plane + at] : T(0);
        cols[n * col_n + (ch * (u64)c.kvol + kk) * col_r + l] = v;
    }
}

template <class T>
DB_DEVICE void col2im(u64 numel, const i64* geom, const T* cols, u64 col_n, u64 col_r, T* gx, i64 gx_off) {
    const ConvShape c = conv_shape(geom);
    DB_GRID_LOOP(i, numel) {
        DbDivMod q = db_divmod(i, (u64)c.plane);
        const u64 pos = q.r;
        q = db_divmod(q.q, (u64)c.channels);
        const u64 ch = q.r, n = q.q;
        i64 ii[3];
        conv_split3(pos, c.in, ii);
        const T* base = cols + n * col_n + ch * (u64)c.kvol * col_r;
        T acc = T(0);
        for (i64 kz = 0; kz < c.k[0]; ++kz) {
            const i64 oz = conv_target(c, 0, ii[0], kz);
            if (oz < 0) continue;
            for (i64 ky = 0; ky < c.k[1]; ++ky) {
                const i64 oy = conv_target(c, 1, ii[1], ky);
                if (oy < 0) continue;
                for (i64 kx = 0; kx < c.k[2]; ++kx) {
                    const i64 ox = conv_target(c, 2, ii[2], kx);
                    if (ox < 0) continue;
                    const i64 kk = (kz * c.k[1] + ky) * c.k[2] + kx;
                    const i64 l = (oz * c.out[1] + oy) * c.out[2] + ox;
                    acc = acc + base[(u64)kk * col_r + (u64)l];
                }
            }
        }
        gx[gx_off + (i64)i] = acc;
    }
}

template <class T> DB_DEVICE void conv_bias(u64 numel, u64 len, u64 channels, T* out, const T* bias, i64 bias_off) {
    DB_GRID_LOOP(i, numel) {
        out[i] = out[i] + bias[bias_off + (i64)db_divmod(db_divmod(i, len).q, channels).r];
    }
}

// ---- Pooling ---------------------------------------------------------------------------------------

struct PoolShape {
    i64 in[3], out[3], k[3], s[3], p[3];
    bool include_pad;
    i64 plane, len;  // input and output positions per plane
};

DB_DEVICE PoolShape pool_shape(const i64* g) {
    PoolShape s;
    for (int a = 0; a < 3; ++a) {
        s.in[a] = g[a];
        s.out[a] = g[3 + a];
        s.k[a] = g[6 + a];
        s.s[a] = g[9 + a];
        s.p[a] = g[12 + a];
    }
    s.include_pad = g[15] != 0;
    s.plane = s.in[0] * s.in[1] * s.in[2];
    s.len = s.out[0] * s.out[1] * s.out[2];
    return s;
}

// The valid input range [lo, hi) of output o's window on axis a, and the length the average
// counts (never negative: an empty window's sum is 0 whatever it divides by).
DB_DEVICE void pool_window(const PoolShape& g, int a, i64 o, i64& lo, i64& hi, i64& counted) {
    const i64 start = o * g.s[a] - g.p[a];
    i64 end = start + g.k[a];
    if (end > g.in[a] + g.p[a]) end = g.in[a] + g.p[a];
    lo = start > 0 ? start : 0;
    hi = end < g.in[a] ? end : g.in[a];
    if (hi < lo) hi = lo;
    counted = g.include_pad ? end - start : hi - lo;
    if (counted < 0) counted = 0;
}

// Output o's window: per-axis ranges, and the average's divisor.
struct PoolWindow {
    i64 lo[3], hi[3], divisor;
};

DB_DEVICE PoolWindow pool_window_of(const PoolShape& g, const i64* oo) {
    PoolWindow w;
    w.divisor = 1;
    for (int a = 0; a < 3; ++a) {
        i64 counted;
        pool_window(g, a, oo[a], w.lo[a], w.hi[a], counted);
        w.divisor *= counted;
    }
    if (w.divisor < 1) w.divisor = 1;
    return w;
}

// The lowest finite value: the max of an empty window.
template <class T> DB_DEVICE T pool_lowest() {
    if constexpr (db_same<T, f32>) return -3.4028234663852886e38f;
    else return -1.7976931348623157e308;
}

// The first maximum of a window in scan order (NaN counts as the maximum), or -1 when empty.
template <class T> DB_DEVICE i64 pool_argmax_in(const T* px, const PoolShape& g, const PoolWindow& w) {
    i64 best = -1;
    T b = T(0);
    for (i64 z = w.lo[0]; z < w.hi[0]; ++z)
        for (i64 y = w.lo[1]; y < w.hi[1]; ++y)
            for (i64 x = w.lo[2]; x < w.hi[2]; ++x) {
                const i64 at = (z * g.in[1] + y) * g.in[2] + x;
                const T v = px[at];
                if (best < 0 || (!db_isnan(b) && (v > b || db_isnan(v)))) {
                    best = at;
                    b = v;
                }
            }
    return best;
}

template <class T> DB_DEVICE void pool_forward(u64 numel, const i64* pgeom, u32 kind, const T* x, i64 x_off, T* out) {
    const PoolShape g = pool_shape(pgeom);
    DB_GRID_LOOP(i, numel) {
        const DbDivMod q = db_divmod(i, (u64)g.len);
        i64 oo[3];
        conv_split3(q.r, g.out, oo);
        const PoolWindow w = pool_window_of(g, oo);
        const T* px = x + x_off + (i64)q.q * g.plane;
        T r;
        if (kind == 0) {
            const i64 at = pool_argmax_in(px, g, w);
            r = at < 0 ? pool_lowest<T>() : px[at];
        } else {
            r = T(0);
            for (i64 z = w.lo[0]; z < w.hi[0]; ++z)
                for (i64 y = w.lo[1]; y < w.hi[1]; ++y)
                    for (i64 xx = w.lo[2]; xx < w.hi[2]; ++xx) r = r + px[(z * g.in[1] + y) * g.in[2] + xx];
            if (kind == 1) r = r / T(w.divisor);
        }
        out[i] = r;
    }
}

template <class T> DB_DEVICE void pool_argmax(u64 numel, const i64* pgeom, const T* x, i64 x_off, i64* out) {
    const PoolShape g = pool_shape(pgeom);
    DB_GRID_LOOP(i, numel) {
        const DbDivMod q = db_divmod(i, (u64)g.len);
        i64 oo[3];
        conv_split3(q.r, g.out, oo);
        out[i] = pool_argmax_in(x + x_off + (i64)q.q * g.plane, g, pool_window_of(g, oo));
    }
}

// The outputs whose windows contain input position i on axis a: [lo, hi).
DB_DEVICE void pool_covering(const PoolShape& g, int a, i64 i, i64& lo, i64& hi) {
    const i64 t = i + g.p[a];  // window o covers i when o * s <= t < o * s + k
    lo = t + 1 > g.k[a] ? (i64)db_divmod((u64)(t + 1 - g.k[a] + g.s[a] - 1), (u64)g.s[a]).q : 0;
    hi = (i64)db_divmod((u64)t, (u64)g.s[a]).q + 1;
    if (hi > g.out[a]) hi = g.out[a];
}

template <class T>
DB_DEVICE void pool_backward(u64 numel, const i64* pgeom, u32 kind, const T* gy, i64 gy_off, const i64* argmax, T* out) {
    const PoolShape g = pool_shape(pgeom);
    DB_GRID_LOOP(i, numel) {
        const DbDivMod q = db_divmod(i, (u64)g.plane);
        const i64 pos = (i64)q.r, first = (i64)q.q * g.len;
        i64 ii[3], lo[3], hi[3];
        conv_split3(q.r, g.in, ii);
        for (int a = 0; a < 3; ++a) pool_covering(g, a, ii[a], lo[a], hi[a]);
        T acc = T(0);
        for (i64 oz = lo[0]; oz < hi[0]; ++oz)
            for (i64 oy = lo[1]; oy < hi[1]; ++oy)
                for (i64 ox = lo[2]; ox < hi[2]; ++ox) {
                    const i64 o = (oz * g.out[1] + oy) * g.out[2] + ox;
                    const T v = gy[gy_off + first + o];
                    if (kind == 0) {
                        if (argmax[first + o] == pos) acc = acc + v;
                    } else if (kind == 1) {
                        const i64 oo[3] = {oz, oy, ox};
                        acc = acc + v / T(pool_window_of(g, oo).divisor);
                    } else {
                        acc = acc + v;
                    }
                }
        out[i] = acc;
    }
}

#define IM2COL_PARAMS(T) u64 numel, const i64* geom, const T* x, i64 x_off, T* cols, u64 col_n, u64 col_r
#define COL2IM_PARAMS(T) u64 numel, const i64* geom, const T* cols, u64 col_n, u64 col_r, T* gx, i64 gx_off
#define BIAS_PARAMS(T) u64 numel, u64 len, u64 channels, T* out, const T* bias, i64 bias_off
#define POOL_FORWARD_PARAMS(T) u64 numel, const i64* pgeom, u32 kind, const T* x, i64 x_off, T* out
#define POOL_ARGMAX_PARAMS(T) u64 numel, const i64* pgeom, const T* x, i64 x_off, i64* out
#define POOL_BACKWARD_PARAMS(T) u64 numel, const i64* pgeom, u32 kind, const T* gy, i64 gy_off, const i64* argmax, T* out

extern "C" __global__ void im2col_f32(IM2COL_PARAMS(f32)) { im2col(numel, geom, x, x_off, cols, col_n, col_r); }
extern "C" __global__ void im2col_f64(IM2COL_PARAMS(f64)) { im2col(numel, geom, x, x_off, cols, col_n, col_r); }
extern "C" __global__ void col2im_f32(COL2IM_PARAMS(f32)) { col2im(numel, geom, cols, col_n, col_r, gx, gx_off); }
extern "C" __global__ void col2im_f64(COL2IM_PARAMS(f64)) { col2im(numel, geom, cols, col_n, col_r, gx, gx_off); }
extern "C" __global__ void conv_bias_f32(BIAS_PARAMS(f32)) { conv_bias(numel, len, channels, out, bias, bias_off); }
extern "C" __global__ void conv_bias_f64(BIAS_PARAMS(f64)) { conv_bias(numel, len, channels, out, bias, bias_off); }
extern "C" __global__ void pool_forward_f32(POOL_FORWARD_PARAMS(f32)) { pool_forward(numel, pgeom, kind, x, x_off, out); }
extern "C" __global__ void pool_forward_f64(POOL_FORWARD_PARAMS(f64)) { pool_forward(numel, pgeom, kind, x, x_off, out); }
extern "C" __global__ void pool_argmax_f32(POOL_ARGMAX_PARAMS(f32)) { pool_argmax(numel, pgeom, x, x_off, out); }
extern "C" __global__ void pool_argmax_f64(POOL_ARGMAX_PARAMS(f64)) { pool_argmax(numel, pgeom, x, x_off, out); }
extern "C" __global__ void pool_backward_f32(POOL_BACKWARD_PARAMS(f32)) { pool_backward(numel, pgeom, kind, gy, gy_off, argmax, out); }
extern "C" __global__ void pool_backward_f64(POOL_BACKWARD_PARAMS(f64)) { pool_backward(numel, pgeom, kind, gy, gy_off, argmax, out); }

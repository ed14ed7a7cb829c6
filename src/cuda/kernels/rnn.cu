// The gate kernels of the fused recurrent layer and the Gluon cells (ops/rnn.rs). The
// matrix products of the layer are cuBLAS calls made by the launcher; these kernels do the
// elementwise part of one time step, one thread per (row, hidden unit).
//
// Unlike the other modules, array arguments point at row 0 of the rows they address (an
// interior address of a larger buffer: a time step of a sequence, one direction's columns of
// a layer's output), and each is followed by its row stride `ld_<name>` in elements. An
// absent operand is nullptr. Gate blocks are stacked along a row: LSTM i, f, g, o; GRU r, z, n,
// each `hidden` wide. mode: 0 rnn_relu, 1 rnn_tanh, 2 lstm, 3 gru (ops::rnn::RnnMode).
//
//   rnn_forward_<T>(u64 numel, u64 hidden, u32 mode,
//                   const T* gx, u64 ld_gx, const T* gh, u64 ld_gh, const T* bias_x, const T* bias_h,
//                   const T* h_prev, u64 ld_hp, const T* c_prev, u64 ld_cp,
//                   T* h, u64 ld_h, T* c, u64 ld_c, T* keep, u64 ld_keep,
//                   u32 clip, f64 lo, f64 hi, u32 clip_nan)
//   numel = rows · hidden. Pre-activations are gx + gh + bias_x + bias_h (the biases may be
//   nullptr); the GRU's candidate is tanh(gx_n + bx_n + r · (gh_n + bh_n)). keep (4·hidden per
//   row, may be nullptr) receives LSTM i, f, g, o or GRU r, z, n, gh_n + bh_n. With clip, the
//   LSTM cell state is clamped to [lo, hi]; a NaN state becomes lo when clip_nan.
//
//   rnn_backward_<T>(u64 numel, u64 hidden, u32 mode,
//                    const T* dy, u64 ld_dy, const T* dh, u64 ld_dh, const T* dc, u64 ld_dc,
//                    T* dc_prev, u64 ld_dcp, const T* keep, u64 ld_keep,
//                    const T* c_prev, u64 ld_cp, const T* c, u64 ld_c, const T* h_prev, u64 ld_hp,
//                    const T* h, u64 ld_h, T* dgx, u64 ld_dgx, T* dgh, u64 ld_dgh, T* dh_prev, u64 ld_dhp,
//                    u32 clip, f64 lo, f64 hi)
//   The hidden state's gradient is dy + dh (either may be nullptr). Writes the gradients of
//   the pre-activations of both projections (dgx, dgh: equal but for the GRU's candidate,
//   may be the same buffer), the LSTM's dc_prev (may alias dc: each thread reads its element
//   before writing it) and the GRU's direct term dh_prev = dh · z. Each thread touches only its
//   own (row, unit) elements, so the kernel is deterministic.

#include "common.cuh"

template <class T> DB_DEVICE T rnn_sigmoid(T x) { return (T)1 / ((T)1 + db_exp(-x)); }

template <class T>
DB_DEVICE T rnn_at(const T* p, u64 ld, u64 r, u64 j) { return p ? p[r * ld + j] : (T)0; }

template <class T>
DB_DEVICE void rnn_forward(u64 numel, u64 hidden, u32 mode, const T* gx, u64 ld_gx, const T* gh, u64 ld_gh,
                           const T* bias_x, const T* bias_h, const T* h_prev, u64 ld_hp, const T* c_prev, u64 ld_cp,
                           T* h, u64 ld_h, T* c, u64 ld_c, T* keep, u64 ld_keep, u32 clip, f64 lo, f64 hi, u32 clip_nan) {
    DB_GRID_LOOP(i, numel) {
        DbDivMod rj = db_divmod(i, hidden);
        const u64 r = rj.q, j = rj.r;
        const T* x = gx + r * ld_gx;
        const T* y = gh + r * ld_gh;
        // The pre-activation of gate block b.
#define RNN_PRE(b) (x[(b) * hidden + j] + y[(b) * hidden + j] + rnn_at(bias_x, 0, 0, (b) * hidden + j) + rnn_at(bias_h, 0, 0, (b) * hidden + j))
        if (mode < 2) {
            T v = RNN_PRE(0);
            h[r * ld_h + j] = mode == 1 ? db_tanh(v) : (v > (T)0 ? v : (T)0);
        } else if (mode == 2) {
            T ig = rnn_sigmoid(RNN_PRE(0)), fg = rnn_sigmoid(RNN_PRE(1)), gg = db_tanh(RNN_PRE(2)), og = rnn_sigmoid(RNN_PRE(3));
            T cv = fg * c_prev[r * ld_cp + j] + ig * gg;
            if (clip) {
                if (cv != cv) {
                    if (clip_nan) cv = (T)lo;
                } else if (cv < (T)lo) {
                    cv = (T)lo;
                } else if (cv > (T)hi) {
                    cv = (T)hi;
                }
            }
            c[r * ld_c + j] = cv;
            h[r * ld_h + j] = og * db_tanh(cv);
            if (keep) {
                T* k = keep + r * ld_keep;
                k[j] = ig;
                k[hidden + j] = fg;
                k[2 * hidden + j] = gg;
                k[3 * hidden + j] = og;
            }
        } else {
            T rg = rnn_sigmoid(RNN_PRE(0)), zg = rnn_sigmoid(RNN_PRE(1));
            T hn = y[2 * hidden + j] + rnn_at(bias_h, 0, 0, 2 * hidden + j);
            T nv = db_tanh(x[2 * hidden + j] + rnn_at(bias_x, 0, 0, 2 * hidden + j) + rg * hn);
            h[r * ld_h + j] = ((T)1 - zg) * nv + zg * h_prev[r * ld_hp + j];
            if (keep) {
                T* k = keep + r * ld_keep;
                k[j] = rg;
                k[hidden + j] = zg;
                k[2 * hidden + j] = nv;
                k[3 * hidden + j] = hn;
            }
        }
#undef RNN_PRE
    }
}

template <class T>
DB_DEVICE void rnn_backward(u64 numel, u64 hidden, u32 mode, const T* dy, u64 ld_dy, const T* dh, u64 ld_dh,
                            const T* dc, u64 ld_dc, T* dc_prev, u64 ld_dcp, const T* keep, u64 ld_keep,
                            const T* c_prev, u64 ld_cp, const T* c, u64 ld_c, const T* h_prev, u64 ld_hp,
                            const T* h, u64 ld_h, T* dgx, u64 ld_dgx, T* dgh, u64 ld_dgh, T* dh_prev, u64 ld_dhp,
                            u32 clip, f64 lo, f64 hi) {
    DB_GRID_LOOP(i, numel) {
        DbDivMod rj = db_divmod(i, hidden);
        const u64 r = rj.q, j = rj.r;
        const T g = rnn_at(dy, ld_dy, r, j) + rnn_at(dh, ld_dh, r, j);
        T* ox = dgx + r * ld_dgx;
        T* oh = dgh + r * ld_dgh;
        if (mode < 2) {
            T hv = h[r * ld_h + j];
            T d = mode == 1 ? g * ((T)1 - hv * hv) : (hv > (T)0 ? g : (T)0);
            ox[j] = d;
            oh[j] = d;
        } else if (mode == 2) {
            const T* k = keep + r * ld_keep;
            T ig = k[j], fg = k[hidden + j], gg = k[2 * hidden + j], og = k[3 * hidden + j];
            T cv = c[r * ld_c + j];
            T tc = db_tanh(cv);
            T d = rnn_at(dc, ld_dc, r, j) + g * og * ((T)1 - tc * tc);
            // A clipped state does not depend on the step's inputs.
            if (clip && ((f64)cv <= lo || (f64)cv >= hi)) d = (T)0;
            T di = d * gg * ig * ((T)1 - ig);
            T df = d * c_prev[r * ld_cp + j] * fg * ((T)1 - fg);
            T dg = d * ig * ((T)1 - gg * gg);
            T dout = g * tc * og * ((T)1 - og);
            ox[j] = di; oh[j] = di;
            ox[hidden + j] = df; oh[hidden + j] = df;
            ox[2 * hidden + j] = dg; oh[2 * hidden + j] = dg;
            ox[3 * hidden + j] = dout; oh[3 * hidden + j] = dout;
            if (dc_prev) dc_prev[r * ld_dcp + j] = d * fg;
        } else {
            const T* k = keep + r * ld_keep;
            T rg = k[j], zg = k[hidden + j], nv = k[2 * hidden + j], hn = k[3 * hidden + j];
            T dn = g * ((T)1 - zg) * ((T)1 - nv * nv);
            T dz = g * (h_prev[r * ld_hp + j] - nv) * zg * ((T)1 - zg);
            T dr = dn * hn * rg * ((T)1 - rg);
            ox[j] = dr; oh[j] = dr;
            ox[hidden + j] = dz; oh[hidden + j] = dz;
            ox[2 * hidden + j] = dn; oh[2 * hidden + j] = dn * rg;
            if (dh_prev) dh_prev[r * ld_dhp + j] = g * zg;
        }
    }
}

#define RNN_FORWARD_PARAMS(T)                                                                                  \
    u64 numel, u64 hidden, u32 mode, const T *gx, u64 ld_gx, const T *gh, u64 ld_gh, const T *bias_x,           \
        const T *bias_h, const T *h_prev, u64 ld_hp, const T *c_prev, u64 ld_cp, T *h, u64 ld_h, T *c, u64 ld_c, \
        T *keep, u64 ld_keep, u32 clip, f64 lo, f64 hi, u32 clip_nan
#define RNN_FORWARD_ARGS numel, hidden, mode, gx, ld_gx, gh, ld_gh, bias_x, bias_h, h_prev, ld_hp, c_prev, ld_cp, h, ld_h, c, ld_c, keep, ld_keep, clip, lo, hi, clip_nan
#define RNN_BACKWARD_PARAMS(T)                                                                                     \
    u64 numel, u64 hidden, u32 mode, const T *dy, u64 ld_dy, const T *dh, u64 ld_dh, const T *dc, u64 ld_dc,        \
        T *dc_prev, u64 ld_dcp, const T *keep, u64 ld_keep, const T *c_prev, u64 ld_cp, const T *c, u64 ld_c,        \
        const T *h_prev, u64 ld_hp, const T *h, u64 ld_h, T *dgx, u64 ld_dgx, T *dgh, u64 ld_dgh, T *dh_prev,        \
        u64 ld_dhp, u32 clip, f64 lo, f64 hi
#define RNN_BACKWARD_ARGS numel, hidden, mode, dy, ld_dy, dh, ld_dh, dc, ld_dc, dc_prev, ld_dcp, keep, ld_keep, c_prev, ld_cp, c, ld_c, h_prev, ld_hp, h, ld_h, dgx, ld_dgx, dgh, ld_dgh, dh_prev, ld_dhp, clip, lo, hi

extern "C" __global__ void rnn_forward_f32(RNN_FORWARD_PARAMS(f32)) { rnn_forward(RNN_FORWARD_ARGS); }
extern "C" __global__ void rnn_forward_f64(RNN_FORWARD_PARAMS(f64)) { rnn_forward(RNN_FORWARD_ARGS); }
extern "C" __global__ void rnn_backward_f32(RNN_BACKWARD_PARAMS(f32)) { rnn_backward(RNN_BACKWARD_ARGS); }
extern "C" __global__ void rnn_backward_f64(RNN_BACKWARD_PARAMS(f64)) { rnn_backward(RNN_BACKWARD_ARGS); }

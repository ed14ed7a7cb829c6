// Optimizer updates in place (optim/*.rs, MXNet 1.9.1's semantics), for f32 and f64. The
// weight, the gradient and the states are strided arrays of one shape:
//
//   optim_<rule>_<T>(u64 numel, u64 ndim, const i64* info, T* weight, i64 weight_off,
//                    const T* grad, i64 grad_off, [T* state, i64 state_off]...,
//                    f64 lr, f64 wd, f64 rescale_grad, f64 clip_gradient, [f64 extra]...)
//   info = [dims, strides of weight, of grad, of each state in order].
//
//   rule                 states              extra
//   sgd_update           -                   -
//   sgd_mom_update       mom                 momentum
//   nag_mom_update       mom                 momentum
//   adam_update          mean, var           beta1, beta2, epsilon
//   adamw_update         mean, var           beta1, beta2, epsilon
//   rmsprop_update       n                   gamma1, epsilon, clip_weights
//   rmspropalex_update   n, g, delta         gamma1, gamma2, epsilon, clip_weights
//   adagrad_update       history             epsilon
//
// lr is the step's rate (schedules, multipliers and Adam's bias correction applied by the
// caller). A negative clip_gradient or clip_weights turns that clipping off (MXNet's rule;
// the CPU's None). Written operands must not overlap; the gradient must not overlap them.

#include "common.cuh"

template <class T> DB_DEVICE T bound(f64 c) { return c >= 0.0 ? (T)c : db_inf<T>(); }

// x limited to [-c, c]; NaN passes through.
template <class T> DB_DEVICE T clip(T x, T c) {
    x = c < x ? c : x;
    return x < -c ? -c : x;
}

template <class T> struct Hyper {
    T lr, wd, rescale, clip;
    DB_DEVICE Hyper(f64 lr_, f64 wd_, f64 rescale_, f64 clip_)
        : lr((T)lr_), wd((T)wd_), rescale((T)rescale_), clip(bound<T>(clip_)) {}
};

template <class T> DB_DEVICE void sgd(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off,
                                      const Hyper<T> h) {
    const i64 base[2] = {w_off, g_off};
    db_for_each<2>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T gg = clip(h.rescale * g[o[1]], h.clip);
        w[o[0]] = w[o[0]] - h.lr * (gg + h.wd * w[o[0]]);
    });
}

template <class T> DB_DEVICE void sgd_mom(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off,
                                          T* m, i64 m_off, const Hyper<T> h, T momentum) {
    const i64 base[3] = {w_off, g_off, m_off};
    db_for_each<3>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T gg = clip(h.rescale * g[o[1]], h.clip);
        const T wv = w[o[0]];
        const T mv = momentum * m[o[2]] - h.lr * (gg + h.wd * wv);
        m[o[2]] = mv;
        w[o[0]] = wv + mv;
    });
}

template <class T> DB_DEVICE void nag_mom(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off,
                                          T* m, i64 m_off, const Hyper<T> h, T momentum) {
    const i64 base[3] = {w_off, g_off, m_off};
    db_for_each<3>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T wv = w[o[0]];
        const T step = h.lr * (clip(h.rescale * g[o[1]], h.clip) + h.wd * wv);
        const T mv = momentum * m[o[2]] - step;
        m[o[2]] = mv;
        w[o[0]] = wv + momentum * mv - step;
    });
}

// Adam's moments; 1 - beta is taken in f64 (in f32, 1 - 0.999f is off by 1e-5 relative).
template <class T> struct Moments {
    T beta1, beta2, one_minus_beta1, one_minus_beta2, epsilon;
    DB_DEVICE Moments(f64 b1, f64 b2, f64 eps)
        : beta1((T)b1), beta2((T)b2), one_minus_beta1((T)(1.0 - b1)), one_minus_beta2((T)(1.0 - b2)), epsilon((T)eps) {}
    // Updates m and v with the preprocessed gradient; returns m / (sqrt(v) + epsilon).
    DB_DEVICE T step(T g, T& m, T& v) const {
        m = beta1 * m + one_minus_beta1 * g;
        v = beta2 * v + one_minus_beta2 * g * g;
        return m / (db_sqrt(v) + epsilon);
    }
};

template <class T, bool Decoupled>
DB_DEVICE void adam(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off, T* mean, i64 mean_off,
                    T* var, i64 var_off, const Hyper<T> h, const Moments<T> mo) {
    const i64 base[4] = {w_off, g_off, mean_off, var_off};
    db_for_each<4>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T wv = w[o[0]];
        T m = mean[o[2]], v = var[o[3]];
        if (Decoupled) {
            const T gg = clip(h.rescale * g[o[1]], h.clip);
            w[o[0]] = wv - h.lr * (mo.step(gg, m, v) + h.wd * wv);
        } else {
            const T gg = clip(h.rescale * g[o[1]] + h.wd * wv, h.clip);
            w[o[0]] = wv - h.lr * mo.step(gg, m, v);
        }
        mean[o[2]] = m;
        var[o[3]] = v;
    });
}

template <class T> struct RmsConsts {
    T gamma1, one_minus_gamma1, gamma2, epsilon, clip_weights;
    DB_DEVICE RmsConsts(f64 g1, f64 g2, f64 eps, f64 cw)
        : gamma1((T)g1), one_minus_gamma1((T)(1.0 - g1)), gamma2((T)g2), epsilon((T)eps), clip_weights(bound<T>(cw)) {}
};

template <class T>
DB_DEVICE void rmsprop(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off, T* n, i64 n_off,
                       const Hyper<T> h, const RmsConsts<T> c) {
    const i64 base[3] = {w_off, g_off, n_off};
    db_for_each<3>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T wv = w[o[0]];
        const T gg = clip(h.rescale * g[o[1]] + h.wd * wv, h.clip);
        const T nv = c.one_minus_gamma1 * gg * gg + c.gamma1 * n[o[2]];
        n[o[2]] = nv;
        w[o[0]] = clip(wv - h.lr * (gg / db_sqrt(nv + c.epsilon)), c.clip_weights);
    });
}

template <class T>
DB_DEVICE void rmspropalex(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off, T* n,
                           i64 n_off, T* avg, i64 avg_off, T* delta, i64 delta_off, const Hyper<T> h,
                           const RmsConsts<T> c) {
    const i64 base[5] = {w_off, g_off, n_off, avg_off, delta_off};
    db_for_each<5>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T wv = w[o[0]];
        const T gg = clip(h.rescale * g[o[1]] + h.wd * wv, h.clip);
        const T nv = c.one_minus_gamma1 * gg * gg + c.gamma1 * n[o[2]];
        const T av = c.one_minus_gamma1 * gg + c.gamma1 * avg[o[3]];
        const T dv = c.gamma2 * delta[o[4]] - h.lr * (gg / db_sqrt(nv - av * av + c.epsilon));
        n[o[2]] = nv;
        avg[o[3]] = av;
        delta[o[4]] = dv;
        w[o[0]] = clip(wv + dv, c.clip_weights);
    });
}

template <class T>
DB_DEVICE void adagrad(u64 numel, u64 ndim, const i64* info, T* w, i64 w_off, const T* g, i64 g_off, T* hist,
                       i64 hist_off, const Hyper<T> h, T eps) {
    const i64 base[3] = {w_off, g_off, hist_off};
    db_for_each<3>(numel, ndim, info, base, [&](u64, const i64* o) {
        const T wv = w[o[0]];
        const T gg = clip(h.rescale * g[o[1]], h.clip);
        const T hv = hist[o[2]] + gg * gg;
        hist[o[2]] = hv;
        w[o[0]] = wv - h.lr * (gg / db_sqrt(hv + eps) + h.wd * wv);
    });
}

#define OPTIM_PARAMS(T) u64 numel, u64 ndim, const i64* info, T* weight, i64 weight_off, const T* grad, i64 grad_off
#define HYPER_PARAMS f64 lr, f64 wd, f64 rescale_grad, f64 clip_gradient
#define SGD_PARAMS(T) OPTIM_PARAMS(T), HYPER_PARAMS
#define MOM_PARAMS(T) OPTIM_PARAMS(T), T* mom, i64 mom_off, HYPER_PARAMS, f64 momentum
#define ADAM_PARAMS(T) \
    OPTIM_PARAMS(T), T* mean, i64 mean_off, T* var, i64 var_off, HYPER_PARAMS, f64 beta1, f64 beta2, f64 epsilon
#define RMSPROP_PARAMS(T) OPTIM_PARAMS(T), T* n, i64 n_off, HYPER_PARAMS, f64 gamma1, f64 epsilon, f64 clip_weights
#define RMSPROPALEX_PARAMS(T)                                                                               \
    OPTIM_PARAMS(T), T* n, i64 n_off, T* g, i64 g_off, T* delta, i64 delta_off, HYPER_PARAMS, f64 gamma1, f64 gamma2, \
        f64 epsilon, f64 clip_weights
#define ADAGRAD_PARAMS(T) OPTIM_PARAMS(T), T* history, i64 history_off, HYPER_PARAMS, f64 epsilon

#define OPERANDS numel, ndim, info, weight, weight_off, grad, grad_off
#define HYPER(T) Hyper<T>(lr, wd, rescale_grad, clip_gradient)
#define SGD(T) sgd(OPERANDS, HYPER(T))
#define MOM(rule, T) rule(OPERANDS, mom, mom_off, HYPER(T), (T)momentum)
#define ADAM(T, decoupled) \
    adam<T, decoupled>(OPERANDS, mean, mean_off, var, var_off, HYPER(T), Moments<T>(beta1, beta2, epsilon))
#define RMSPROP(T) rmsprop(OPERANDS, n, n_off, HYPER(T), RmsConsts<T>(gamma1, 0.0, epsilon, clip_weights))
#define RMSPROPALEX(T)                                                      \
    rmspropalex(OPERANDS, n, n_off, g, g_off, delta, delta_off, HYPER(T), \
                RmsConsts<T>(gamma1, gamma2, epsilon, clip_weights))
#define ADAGRAD(T) adagrad(OPERANDS, history, history_off, HYPER(T), (T)epsilon)

extern "C" __global__ void optim_sgd_update_f32(SGD_PARAMS(f32)) { SGD(f32); }
extern "C" __global__ void optim_sgd_mom_update_f32(MOM_PARAMS(f32)) { MOM(sgd_mom, f32); }
extern "C" __global__ void optim_nag_mom_update_f32(MOM_PARAMS(f32)) { MOM(nag_mom, f32); }
extern "C" __global__ void optim_adam_update_f32(ADAM_PARAMS(f32)) { ADAM(f32, false); }
extern "C" __global__ void optim_adamw_update_f32(ADAM_PARAMS(f32)) { ADAM(f32, true); }
extern "C" __global__ void optim_rmsprop_update_f32(RMSPROP_PARAMS(f32)) { RMSPROP(f32); }
extern "C" __global__ void optim_rmspropalex_update_f32(RMSPROPALEX_PARAMS(f32)) { RMSPROPALEX(f32); }
extern "C" __global__ void optim_adagrad_update_f32(ADAGRAD_PARAMS(f32)) { ADAGRAD(f32); }

extern "C" __global__ void optim_sgd_update_f64(SGD_PARAMS(f64)) { SGD(f64); }
extern "C" __global__ void optim_sgd_mom_update_f64(MOM_PARAMS(f64)) { MOM(sgd_mom, f64); }
extern "C" __global__ void optim_nag_mom_update_f64(MOM_PARAMS(f64)) { MOM(nag_mom, f64); }
extern "C" __global__ void optim_adam_update_f64(ADAM_PARAMS(f64)) { ADAM(f64, false); }
extern "C" __global__ void optim_adamw_update_f64(ADAM_PARAMS(f64)) { ADAM(f64, true); }
extern "C" __global__ void optim_rmsprop_update_f64(RMSPROP_PARAMS(f64)) { RMSPROP(f64); }
extern "C" __global__ void optim_rmspropalex_update_f64(RMSPROPALEX_PARAMS(f64)) { RMSPROPALEX(f64); }
extern "C" __global__ void optim_adagrad_update_f64(ADAGRAD_PARAMS(f64)) { ADAGRAD(f64); }

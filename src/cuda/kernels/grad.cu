// Fused first derivatives of the common activations (ops::unary::fused_grad): out[i] =
// g[i] * op'(v[i]) in one pass, where v is the input x or, for the functions whose
// derivative is cheaper in terms of the output (exp, expm1, sqrt, tanh, sigmoid, reciprocal:
// ops::unary::grad_from_output), the output y = op(x).
//
//   grad_<op>_<T>(u64 numel, u64 ndim, const i64* info, const T* g, i64 g_off,
//                 const T* v, i64 v_off, T* out)
//   info = [dims, strides of g, strides of v]; T is f32 or f64.

#include "common.cuh"

#define DB_GRAD_FN(Name, expr) \
    struct Name { template <class T> DB_DEVICE T operator()(T g, T v) const { return expr; } };
DB_GRAD_FN(GradRelu, v > T(0) ? g : (v != v ? v : T(0)))  // NaN propagates, as MXNet's
DB_GRAD_FN(GradSigmoid, g * v * (T(1) - v))
DB_GRAD_FN(GradTanh, g * (T(1) - v * v))
DB_GRAD_FN(GradExp, g * v)
DB_GRAD_FN(GradExpm1, g * (v + T(1)))
DB_GRAD_FN(GradSqrt, g / (T(2) * v))
DB_GRAD_FN(GradReciprocal, -g * v * v)
DB_GRAD_FN(GradLog, g / v)
DB_GRAD_FN(GradLog1p, g / (T(1) + v))
DB_GRAD_FN(GradSquare, T(2) * g * v)
DB_GRAD_FN(GradNegative, -g)
DB_GRAD_FN(GradSin, g * db_cos(v))
DB_GRAD_FN(GradCos, -g * db_sin(v))

template <class T, class F>
DB_DEVICE void grad_map(u64 numel, u64 ndim, const i64* info, const T* g, i64 g_off, const T* v, i64 v_off, T* out,
                        F f) {
    const i64 base[2] = {g_off, v_off};
    db_for_each<2>(numel, ndim, info, base, [&](u64 i, const i64* o) { out[i] = f(g[o[0]], v[o[1]]); });
}

#define GRAD_PARAMS(T) u64 numel, u64 ndim, const i64* info, const T* g, i64 g_off, const T* v, i64 v_off, T* out
#define GRAD(F) grad_map(numel, ndim, info, g, g_off, v, v_off, out, F{})

extern "C" __global__ void grad_relu_f32(GRAD_PARAMS(f32)) { GRAD(GradRelu); }
extern "C" __global__ void grad_relu_f64(GRAD_PARAMS(f64)) { GRAD(GradRelu); }
extern "C" __global__ void grad_sigmoid_f32(GRAD_PARAMS(f32)) { GRAD(GradSigmoid); }
extern "C" __global__ void grad_sigmoid_f64(GRAD_PARAMS(f64)) { GRAD(GradSigmoid); }
extern "C" __global__ void grad_tanh_f32(GRAD_PARAMS(f32)) { GRAD(GradTanh); }
extern "C" __global__ void grad_tanh_f64(GRAD_PARAMS(f64)) { GRAD(GradTanh); }
extern "C" __global__ void grad_exp_f32(GRAD_PARAMS(f32)) { GRAD(GradExp); }
extern "C" __global__ void grad_exp_f64(GRAD_PARAMS(f64)) { GRAD(GradExp); }
extern "C" __global__ void grad_expm1_f32(GRAD_PARAMS(f32)) { GRAD(GradExpm1); }
extern "C" __global__ void grad_expm1_f64(GRAD_PARAMS(f64)) { GRAD(GradExpm1); }
extern "C" __global__ void grad_sqrt_f32(GRAD_PARAMS(f32)) { GRAD(GradSqrt); }
extern "C" __global__ void grad_sqrt_f64(GRAD_PARAMS(f64)) { GRAD(GradSqrt); }
extern "C" __global__ void grad_reciprocal_f32(GRAD_PARAMS(f32)) { GRAD(GradReciprocal); }
extern "C" __global__ void grad_reciprocal_f64(GRAD_PARAMS(f64)) { GRAD(GradReciprocal); }
extern "C" __global__ void grad_log_f32(GRAD_PARAMS(f32)) { GRAD(GradLog); }
extern "C" __global__ void grad_log_f64(GRAD_PARAMS(f64)) { GRAD(GradLog); }
extern "C" __global__ void grad_log1p_f32(GRAD_PARAMS(f32)) { GRAD(GradLog1p); }
extern "C" __global__ void grad_log1p_f64(GRAD_PARAMS(f64)) { GRAD(GradLog1p); }
extern "C" __global__ void grad_square_f32(GRAD_PARAMS(f32)) { GRAD(GradSquare); }
extern "C" __global__ void grad_square_f64(GRAD_PARAMS(f64)) { GRAD(GradSquare); }
extern "C" __global__ void grad_negative_f32(GRAD_PARAMS(f32)) { GRAD(GradNegative); }
extern "C" __global__ void grad_negative_f64(GRAD_PARAMS(f64)) { GRAD(GradNegative); }
extern "C" __global__ void grad_sin_f32(GRAD_PARAMS(f32)) { GRAD(GradSin); }
extern "C" __global__ void grad_sin_f64(GRAD_PARAMS(f64)) { GRAD(GradSin); }
extern "C" __global__ void grad_cos_f32(GRAD_PARAMS(f32)) { GRAD(GradCos); }
extern "C" __global__ void grad_cos_f64(GRAD_PARAMS(f64)) { GRAD(GradCos); }

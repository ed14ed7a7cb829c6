// Elementwise functions of one array (ops/unary.rs): out[i] = f(x[i]).
//
//   unary_<op>_<T>(u64 numel, u64 ndim, const i64* info, const T* x, i64 x_off, O* out)
//   info = [dims, strides of x]; O = bool for isnan/isinf/isfinite/logical_not, else T.
//
// Float math (exp ... sigmoid, deg2rad, the special functions) exists for f32/f64 only: like the CPU engine, the launcher
// converts integer input first (int32/int64 to f64, bool/uint8 to f32). floor/ceil/trunc/
// round are the identity and isnan/isinf false, isfinite true, on integers; negative and
// sign of bool are errors on the CPU (no kernel); square of bool runs on uint8.

#include "common.cuh"

// Functions that keep the dtype (ops::unary::int_like, used for floats too).
// x * -1 rather than 0 - x: -0.0 for +0.0, as NumPy (integers wrap alike either way).
struct Negative { template <class T> DB_DEVICE T operator()(T x) const { return db_mul(x, db_sub(T(0), T(1))); } };
struct Absolute {
    template <class T> DB_DEVICE T operator()(T x) const {
        if constexpr (db_is_bool<T> || db_same<T, u8>) return x;
        else return x <= T(0) ? db_sub(T(0), x) : x;  // <=: -0.0 becomes +0.0
    }
};
struct Sign {
    template <class T> DB_DEVICE T operator()(T x) const {
        if (x > T(0)) return T(1);
        if constexpr (!db_same<T, u8>) {
            if (x < T(0)) return db_sub(T(0), T(1));
        }
        return x;  // zero (of either sign) and NaN
    }
};
struct Square { template <class T> DB_DEVICE T operator()(T x) const { return db_mul(x, x); } };
struct Relu { template <class T> DB_DEVICE T operator()(T x) const { return db_max(x, T(0)); } };

// Rounding: the identity on integers. round is half to even.
#define DB_ROUNDING(Name, fn)                                     \
    struct Name {                                                 \
        template <class T> DB_DEVICE T operator()(T x) const {    \
            if constexpr (db_is_float<T>) return fn(x);           \
            else return x;                                        \
        }                                                         \
    };
DB_ROUNDING(Floor, db_floor)
DB_ROUNDING(Ceil, db_ceil)
DB_ROUNDING(Trunc, db_trunc)
DB_ROUNDING(Round, db_rint)

// Predicates and logical/bitwise negation.
struct IsNan { template <class T> DB_DEVICE bool operator()(T x) const { return db_isnan(x); } };
struct IsInf { template <class T> DB_DEVICE bool operator()(T x) const { return db_isinf(x); } };
struct IsFinite { template <class T> DB_DEVICE bool operator()(T x) const { return db_isfinite(x); } };
struct LogicalNot { template <class T> DB_DEVICE bool operator()(T x) const { return !db_truth(x); } };
struct Invert {
    template <class T> DB_DEVICE T operator()(T x) const {
        if constexpr (db_is_bool<T>) return !x;
        else return (T)~x;
    }
};

// Float math.
#define DB_FLOAT_FN(Name, expr) \
    struct Name { template <class T> DB_DEVICE T operator()(T x) const { return expr; } };
DB_FLOAT_FN(Exp, db_exp(x))
DB_FLOAT_FN(Exp2, db_exp2(x))
DB_FLOAT_FN(Log, db_log(x))
DB_FLOAT_FN(Log2, db_log2(x))
DB_FLOAT_FN(Log10, db_log10(x))
DB_FLOAT_FN(Log1p, db_log1p(x))
DB_FLOAT_FN(Expm1, db_expm1(x))
DB_FLOAT_FN(Sqrt, db_sqrt(x))
DB_FLOAT_FN(Cbrt, db_cbrt(x))
DB_FLOAT_FN(Reciprocal, T(1) / x)
DB_FLOAT_FN(Sin, db_sin(x))
DB_FLOAT_FN(Cos, db_cos(x))
DB_FLOAT_FN(Tan, db_tan(x))
DB_FLOAT_FN(Arcsin, db_asin(x))
DB_FLOAT_FN(Arccos, db_acos(x))
DB_FLOAT_FN(Arctan, db_atan(x))
DB_FLOAT_FN(Sinh, db_sinh(x))
DB_FLOAT_FN(Cosh, db_cosh(x))
DB_FLOAT_FN(Tanh, db_tanh(x))
DB_FLOAT_FN(Arcsinh, db_asinh(x))
DB_FLOAT_FN(Arccosh, db_acosh(x))
DB_FLOAT_FN(Arctanh, db_atanh(x))
DB_FLOAT_FN(Sigmoid, T(1) / (T(1) + db_exp(-x)))
DB_FLOAT_FN(Deg2rad, x * T(DB_PI / 180.0))
DB_FLOAT_FN(Rad2deg, x * T(180.0 / DB_PI))
DB_FLOAT_FN(Erf, db_erf(x))
DB_FLOAT_FN(Erfinv, db_erfinv(x))
DB_FLOAT_FN(Gamma, db_tgamma(x))
DB_FLOAT_FN(Gammaln, db_lgamma(x))
DB_FLOAT_FN(Digamma, db_digamma(x))
DB_FLOAT_FN(Trigamma, db_trigamma(x))

template <class T, class O, class F>
DB_DEVICE void unary_map(u64 numel, u64 ndim, const i64* info, const T* x, i64 x_off, O* out, F f) {
    const i64 base[1] = {x_off};
    db_for_each<1>(numel, ndim, info, base, [&](u64 i, const i64* o) { out[i] = f(x[o[0]]); });
}

#define UNARY_PARAMS(T, O) u64 numel, u64 ndim, const i64* info, const T* x, i64 x_off, O* out
#define UNARY(F) unary_map(numel, ndim, info, x, x_off, out, F{})

extern "C" __global__ void unary_exp_f32(UNARY_PARAMS(f32, f32)) { UNARY(Exp); }
extern "C" __global__ void unary_exp_f64(UNARY_PARAMS(f64, f64)) { UNARY(Exp); }

extern "C" __global__ void unary_exp2_f32(UNARY_PARAMS(f32, f32)) { UNARY(Exp2); }
extern "C" __global__ void unary_exp2_f64(UNARY_PARAMS(f64, f64)) { UNARY(Exp2); }

extern "C" __global__ void unary_log_f32(UNARY_PARAMS(f32, f32)) { UNARY(Log); }
extern "C" __global__ void unary_log_f64(UNARY_PARAMS(f64, f64)) { UNARY(Log); }

extern "C" __global__ void unary_log2_f32(UNARY_PARAMS(f32, f32)) { UNARY(Log2); }
extern "C" __global__ void unary_log2_f64(UNARY_PARAMS(f64, f64)) { UNARY(Log2); }

extern "C" __global__ void unary_log10_f32(UNARY_PARAMS(f32, f32)) { UNARY(Log10); }
extern "C" __global__ void unary_log10_f64(UNARY_PARAMS(f64, f64)) { UNARY(Log10); }

extern "C" __global__ void unary_log1p_f32(UNARY_PARAMS(f32, f32)) { UNARY(Log1p); }
extern "C" __global__ void unary_log1p_f64(UNARY_PARAMS(f64, f64)) { UNARY(Log1p); }

extern "C" __global__ void unary_expm1_f32(UNARY_PARAMS(f32, f32)) { UNARY(Expm1); }
extern "C" __global__ void unary_expm1_f64(UNARY_PARAMS(f64, f64)) { UNARY(Expm1); }

extern "C" __global__ void unary_sqrt_f32(UNARY_PARAMS(f32, f32)) { UNARY(Sqrt); }
extern "C" __global__ void unary_sqrt_f64(UNARY_PARAMS(f64, f64)) { UNARY(Sqrt); }

extern "C" __global__ void unary_cbrt_f32(UNARY_PARAMS(f32, f32)) { UNARY(Cbrt); }
extern "C" __global__ void unary_cbrt_f64(UNARY_PARAMS(f64, f64)) { UNARY(Cbrt); }

extern "C" __global__ void unary_reciprocal_f32(UNARY_PARAMS(f32, f32)) { UNARY(Reciprocal); }
extern "C" __global__ void unary_reciprocal_f64(UNARY_PARAMS(f64, f64)) { UNARY(Reciprocal); }

extern "C" __global__ void unary_sin_f32(UNARY_PARAMS(f32, f32)) { UNARY(Sin); }
extern "C" __global__ void unary_sin_f64(UNARY_PARAMS(f64, f64)) { UNARY(Sin); }

extern "C" __global__ void unary_cos_f32(UNARY_PARAMS(f32, f32)) { UNARY(Cos); }
extern "C" __global__ void unary_cos_f64(UNARY_PARAMS(f64, f64)) { UNARY(Cos); }

extern "C" __global__ void unary_tan_f32(UNARY_PARAMS(f32, f32)) { UNARY(Tan); }
extern "C" __global__ void unary_tan_f64(UNARY_PARAMS(f64, f64)) { UNARY(Tan); }

extern "C" __global__ void unary_arcsin_f32(UNARY_PARAMS(f32, f32)) { UNARY(Arcsin); }
extern "C" __global__ void unary_arcsin_f64(UNARY_PARAMS(f64, f64)) { UNARY(Arcsin); }

extern "C" __global__ void unary_arccos_f32(UNARY_PARAMS(f32, f32)) { UNARY(Arccos); }
extern "C" __global__ void unary_arccos_f64(UNARY_PARAMS(f64, f64)) { UNARY(Arccos); }

extern "C" __global__ void unary_arctan_f32(UNARY_PARAMS(f32, f32)) { UNARY(Arctan); }
extern "C" __global__ void unary_arctan_f64(UNARY_PARAMS(f64, f64)) { UNARY(Arctan); }

extern "C" __global__ void unary_sinh_f32(UNARY_PARAMS(f32, f32)) { UNARY(Sinh); }
extern "C" __global__ void unary_sinh_f64(UNARY_PARAMS(f64, f64)) { UNARY(Sinh); }

extern "C" __global__ void unary_cosh_f32(UNARY_PARAMS(f32, f32)) { UNARY(Cosh); }
extern "C" __global__ void unary_cosh_f64(UNARY_PARAMS(f64, f64)) { UNARY(Cosh); }

extern "C" __global__ void unary_tanh_f32(UNARY_PARAMS(f32, f32)) { UNARY(Tanh); }
extern "C" __global__ void unary_tanh_f64(UNARY_PARAMS(f64, f64)) { UNARY(Tanh); }

extern "C" __global__ void unary_arcsinh_f32(UNARY_PARAMS(f32, f32)) { UNARY(Arcsinh); }
extern "C" __global__ void unary_arcsinh_f64(UNARY_PARAMS(f64, f64)) { UNARY(Arcsinh); }

extern "C" __global__ void unary_arccosh_f32(UNARY_PARAMS(f32, f32)) { UNARY(Arccosh); }
extern "C" __global__ void unary_arccosh_f64(UNARY_PARAMS(f64, f64)) { UNARY(Arccosh); }

extern "C" __global__ void unary_arctanh_f32(UNARY_PARAMS(f32, f32)) { UNARY(Arctanh); }
extern "C" __global__ void unary_arctanh_f64(UNARY_PARAMS(f64, f64)) { UNARY(Arctanh); }

extern "C" __global__ void unary_sigmoid_f32(UNARY_PARAMS(f32, f32)) { UNARY(Sigmoid); }
extern "C" __global__ void unary_sigmoid_f64(UNARY_PARAMS(f64, f64)) { UNARY(Sigmoid); }

extern "C" __global__ void unary_deg2rad_f32(UNARY_PARAMS(f32, f32)) { UNARY(Deg2rad); }
extern "C" __global__ void unary_deg2rad_f64(UNARY_PARAMS(f64, f64)) { UNARY(Deg2rad); }

extern "C" __global__ void unary_rad2deg_f32(UNARY_PARAMS(f32, f32)) { UNARY(Rad2deg); }
extern "C" __global__ void unary_rad2deg_f64(UNARY_PARAMS(f64, f64)) { UNARY(Rad2deg); }

extern "C" __global__ void unary_erf_f32(UNARY_PARAMS(f32, f32)) { UNARY(Erf); }
extern "C" __global__ void unary_erf_f64(UNARY_PARAMS(f64, f64)) { UNARY(Erf); }

extern "C" __global__ void unary_erfinv_f32(UNARY_PARAMS(f32, f32)) { UNARY(Erfinv); }
extern "C" __global__ void unary_erfinv_f64(UNARY_PARAMS(f64, f64)) { UNARY(Erfinv); }

extern "C" __global__ void unary_gamma_f32(UNARY_PARAMS(f32, f32)) { UNARY(Gamma); }
extern "C" __global__ void unary_gamma_f64(UNARY_PARAMS(f64, f64)) { UNARY(Gamma); }

extern "C" __global__ void unary_gammaln_f32(UNARY_PARAMS(f32, f32)) { UNARY(Gammaln); }
extern "C" __global__ void unary_gammaln_f64(UNARY_PARAMS(f64, f64)) { UNARY(Gammaln); }

extern "C" __global__ void unary_digamma_f32(UNARY_PARAMS(f32, f32)) { UNARY(Digamma); }
extern "C" __global__ void unary_digamma_f64(UNARY_PARAMS(f64, f64)) { UNARY(Digamma); }

extern "C" __global__ void unary_trigamma_f32(UNARY_PARAMS(f32, f32)) { UNARY(Trigamma); }
extern "C" __global__ void unary_trigamma_f64(UNARY_PARAMS(f64, f64)) { UNARY(Trigamma); }

extern "C" __global__ void unary_floor_bool(UNARY_PARAMS(bool, bool)) { UNARY(Floor); }
extern "C" __global__ void unary_floor_u8(UNARY_PARAMS(u8, u8)) { UNARY(Floor); }
extern "C" __global__ void unary_floor_i32(UNARY_PARAMS(i32, i32)) { UNARY(Floor); }
extern "C" __global__ void unary_floor_i64(UNARY_PARAMS(i64, i64)) { UNARY(Floor); }
extern "C" __global__ void unary_floor_f32(UNARY_PARAMS(f32, f32)) { UNARY(Floor); }
extern "C" __global__ void unary_floor_f64(UNARY_PARAMS(f64, f64)) { UNARY(Floor); }

extern "C" __global__ void unary_ceil_bool(UNARY_PARAMS(bool, bool)) { UNARY(Ceil); }
extern "C" __global__ void unary_ceil_u8(UNARY_PARAMS(u8, u8)) { UNARY(Ceil); }
extern "C" __global__ void unary_ceil_i32(UNARY_PARAMS(i32, i32)) { UNARY(Ceil); }
extern "C" __global__ void unary_ceil_i64(UNARY_PARAMS(i64, i64)) { UNARY(Ceil); }
extern "C" __global__ void unary_ceil_f32(UNARY_PARAMS(f32, f32)) { UNARY(Ceil); }
extern "C" __global__ void unary_ceil_f64(UNARY_PARAMS(f64, f64)) { UNARY(Ceil); }

extern "C" __global__ void unary_trunc_bool(UNARY_PARAMS(bool, bool)) { UNARY(Trunc); }
extern "C" __global__ void unary_trunc_u8(UNARY_PARAMS(u8, u8)) { UNARY(Trunc); }
extern "C" __global__ void unary_trunc_i32(UNARY_PARAMS(i32, i32)) { UNARY(Trunc); }
extern "C" __global__ void unary_trunc_i64(UNARY_PARAMS(i64, i64)) { UNARY(Trunc); }
extern "C" __global__ void unary_trunc_f32(UNARY_PARAMS(f32, f32)) { UNARY(Trunc); }
extern "C" __global__ void unary_trunc_f64(UNARY_PARAMS(f64, f64)) { UNARY(Trunc); }

extern "C" __global__ void unary_round_bool(UNARY_PARAMS(bool, bool)) { UNARY(Round); }
extern "C" __global__ void unary_round_u8(UNARY_PARAMS(u8, u8)) { UNARY(Round); }
extern "C" __global__ void unary_round_i32(UNARY_PARAMS(i32, i32)) { UNARY(Round); }
extern "C" __global__ void unary_round_i64(UNARY_PARAMS(i64, i64)) { UNARY(Round); }
extern "C" __global__ void unary_round_f32(UNARY_PARAMS(f32, f32)) { UNARY(Round); }
extern "C" __global__ void unary_round_f64(UNARY_PARAMS(f64, f64)) { UNARY(Round); }

extern "C" __global__ void unary_isnan_bool(UNARY_PARAMS(bool, bool)) { UNARY(IsNan); }
extern "C" __global__ void unary_isnan_u8(UNARY_PARAMS(u8, bool)) { UNARY(IsNan); }
extern "C" __global__ void unary_isnan_i32(UNARY_PARAMS(i32, bool)) { UNARY(IsNan); }
extern "C" __global__ void unary_isnan_i64(UNARY_PARAMS(i64, bool)) { UNARY(IsNan); }
extern "C" __global__ void unary_isnan_f32(UNARY_PARAMS(f32, bool)) { UNARY(IsNan); }
extern "C" __global__ void unary_isnan_f64(UNARY_PARAMS(f64, bool)) { UNARY(IsNan); }

extern "C" __global__ void unary_isinf_bool(UNARY_PARAMS(bool, bool)) { UNARY(IsInf); }
extern "C" __global__ void unary_isinf_u8(UNARY_PARAMS(u8, bool)) { UNARY(IsInf); }
extern "C" __global__ void unary_isinf_i32(UNARY_PARAMS(i32, bool)) { UNARY(IsInf); }
extern "C" __global__ void unary_isinf_i64(UNARY_PARAMS(i64, bool)) { UNARY(IsInf); }
extern "C" __global__ void unary_isinf_f32(UNARY_PARAMS(f32, bool)) { UNARY(IsInf); }
extern "C" __global__ void unary_isinf_f64(UNARY_PARAMS(f64, bool)) { UNARY(IsInf); }

extern "C" __global__ void unary_isfinite_bool(UNARY_PARAMS(bool, bool)) { UNARY(IsFinite); }
extern "C" __global__ void unary_isfinite_u8(UNARY_PARAMS(u8, bool)) { UNARY(IsFinite); }
extern "C" __global__ void unary_isfinite_i32(UNARY_PARAMS(i32, bool)) { UNARY(IsFinite); }
extern "C" __global__ void unary_isfinite_i64(UNARY_PARAMS(i64, bool)) { UNARY(IsFinite); }
extern "C" __global__ void unary_isfinite_f32(UNARY_PARAMS(f32, bool)) { UNARY(IsFinite); }
extern "C" __global__ void unary_isfinite_f64(UNARY_PARAMS(f64, bool)) { UNARY(IsFinite); }

extern "C" __global__ void unary_negative_u8(UNARY_PARAMS(u8, u8)) { UNARY(Negative); }
extern "C" __global__ void unary_negative_i32(UNARY_PARAMS(i32, i32)) { UNARY(Negative); }
extern "C" __global__ void unary_negative_i64(UNARY_PARAMS(i64, i64)) { UNARY(Negative); }
extern "C" __global__ void unary_negative_f32(UNARY_PARAMS(f32, f32)) { UNARY(Negative); }
extern "C" __global__ void unary_negative_f64(UNARY_PARAMS(f64, f64)) { UNARY(Negative); }

extern "C" __global__ void unary_absolute_bool(UNARY_PARAMS(bool, bool)) { UNARY(Absolute); }
extern "C" __global__ void unary_absolute_u8(UNARY_PARAMS(u8, u8)) { UNARY(Absolute); }
extern "C" __global__ void unary_absolute_i32(UNARY_PARAMS(i32, i32)) { UNARY(Absolute); }
extern "C" __global__ void unary_absolute_i64(UNARY_PARAMS(i64, i64)) { UNARY(Absolute); }
extern "C" __global__ void unary_absolute_f32(UNARY_PARAMS(f32, f32)) { UNARY(Absolute); }
extern "C" __global__ void unary_absolute_f64(UNARY_PARAMS(f64, f64)) { UNARY(Absolute); }

extern "C" __global__ void unary_sign_u8(UNARY_PARAMS(u8, u8)) { UNARY(Sign); }
extern "C" __global__ void unary_sign_i32(UNARY_PARAMS(i32, i32)) { UNARY(Sign); }
extern "C" __global__ void unary_sign_i64(UNARY_PARAMS(i64, i64)) { UNARY(Sign); }
extern "C" __global__ void unary_sign_f32(UNARY_PARAMS(f32, f32)) { UNARY(Sign); }
extern "C" __global__ void unary_sign_f64(UNARY_PARAMS(f64, f64)) { UNARY(Sign); }

extern "C" __global__ void unary_square_u8(UNARY_PARAMS(u8, u8)) { UNARY(Square); }
extern "C" __global__ void unary_square_i32(UNARY_PARAMS(i32, i32)) { UNARY(Square); }
extern "C" __global__ void unary_square_i64(UNARY_PARAMS(i64, i64)) { UNARY(Square); }
extern "C" __global__ void unary_square_f32(UNARY_PARAMS(f32, f32)) { UNARY(Square); }
extern "C" __global__ void unary_square_f64(UNARY_PARAMS(f64, f64)) { UNARY(Square); }

extern "C" __global__ void unary_relu_bool(UNARY_PARAMS(bool, bool)) { UNARY(Relu); }
extern "C" __global__ void unary_relu_u8(UNARY_PARAMS(u8, u8)) { UNARY(Relu); }
extern "C" __global__ void unary_relu_i32(UNARY_PARAMS(i32, i32)) { UNARY(Relu); }
extern "C" __global__ void unary_relu_i64(UNARY_PARAMS(i64, i64)) { UNARY(Relu); }
extern "C" __global__ void unary_relu_f32(UNARY_PARAMS(f32, f32)) { UNARY(Relu); }
extern "C" __global__ void unary_relu_f64(UNARY_PARAMS(f64, f64)) { UNARY(Relu); }

extern "C" __global__ void unary_logical_not_bool(UNARY_PARAMS(bool, bool)) { UNARY(LogicalNot); }
extern "C" __global__ void unary_logical_not_u8(UNARY_PARAMS(u8, bool)) { UNARY(LogicalNot); }
extern "C" __global__ void unary_logical_not_i32(UNARY_PARAMS(i32, bool)) { UNARY(LogicalNot); }
extern "C" __global__ void unary_logical_not_i64(UNARY_PARAMS(i64, bool)) { UNARY(LogicalNot); }
extern "C" __global__ void unary_logical_not_f32(UNARY_PARAMS(f32, bool)) { UNARY(LogicalNot); }
extern "C" __global__ void unary_logical_not_f64(UNARY_PARAMS(f64, bool)) { UNARY(LogicalNot); }

extern "C" __global__ void unary_invert_bool(UNARY_PARAMS(bool, bool)) { UNARY(Invert); }
extern "C" __global__ void unary_invert_u8(UNARY_PARAMS(u8, u8)) { UNARY(Invert); }
extern "C" __global__ void unary_invert_i32(UNARY_PARAMS(i32, i32)) { UNARY(Invert); }
extern "C" __global__ void unary_invert_i64(UNARY_PARAMS(i64, i64)) { UNARY(Invert); }

// Elementwise operations of two arrays (ops/binary.rs), with broadcasting through stride-0
// axes. Both operands have the compute dtype T: the launcher casts first where the CPU
// engine does (BinaryOp::dtypes), so integer true_divide never reaches a kernel and bool
// floor_divide/remainder/power run on uint8.
//
//   binary_<op>_<T>(u64 numel, u64 ndim, const i64* info, const T* a, i64 a_off,
//                   const T* b, i64 b_off, O* out)
//   info = [dims, strides of a, strides of b]; O = bool for comparisons and logical ops.
//
//   binary_inplace_<op>_<T>(u64 numel, u64 ndim, const i64* info, T* a, i64 a_off,
//                           const T* b, i64 b_off)
//   a[...] = a op b in place: the CPU's fast path (an arithmetic op whose compute dtype is
//   a's dtype); `a` must not overlap itself or `b`. info = [dims, strides of a, strides of b].
//
// Logical ops take the truth of any dtype (the CPU casts to bool first; same result).

#include "common.cuh"

#define DB_BINARY_FN(Name, R, expr) \
    struct Name { template <class T> DB_DEVICE R operator()(T a, T b) const { return expr; } };
DB_BINARY_FN(Add, T, db_add(a, b))
DB_BINARY_FN(Subtract, T, db_sub(a, b))
DB_BINARY_FN(Multiply, T, db_mul(a, b))
DB_BINARY_FN(TrueDivide, T, a / b)
DB_BINARY_FN(FloorDivide, T, db_floor_div(a, b))
DB_BINARY_FN(Remainder, T, db_rem(a, b))
DB_BINARY_FN(Power, T, db_power(a, b))
DB_BINARY_FN(Maximum, T, db_max(a, b))
DB_BINARY_FN(Minimum, T, db_min(a, b))
DB_BINARY_FN(Equal, bool, a == b)
DB_BINARY_FN(NotEqual, bool, a != b)
DB_BINARY_FN(Less, bool, a < b)
DB_BINARY_FN(LessEqual, bool, a <= b)
DB_BINARY_FN(Greater, bool, a > b)
DB_BINARY_FN(GreaterEqual, bool, a >= b)
DB_BINARY_FN(LogicalAnd, bool, db_truth(a) && db_truth(b))
DB_BINARY_FN(LogicalOr, bool, db_truth(a) || db_truth(b))
DB_BINARY_FN(LogicalXor, bool, db_truth(a) != db_truth(b))
DB_BINARY_FN(BitwiseAnd, T, (T)(a & b))
DB_BINARY_FN(BitwiseOr, T, (T)(a | b))
DB_BINARY_FN(BitwiseXor, T, (T)(a ^ b))
DB_BINARY_FN(Copysign, T, db_copysign(a, b))
DB_BINARY_FN(Hypot, T, db_hypot(a, b))
DB_BINARY_FN(Logaddexp, T, db_logaddexp(a, b))
DB_BINARY_FN(Logaddexp2, T, db_logaddexp2(a, b))
DB_BINARY_FN(Arctan2, T, db_atan2(a, b))
DB_BINARY_FN(Gcd, T, db_gcd(a, b))
DB_BINARY_FN(Lcm, T, db_lcm(a, b))

template <class T, class O, class F>
DB_DEVICE void binary_map(u64 numel, u64 ndim, const i64* info, const T* a, i64 a_off, const T* b, i64 b_off, O* out,
                          F f) {
    const i64 base[2] = {a_off, b_off};
    db_for_each<2>(numel, ndim, info, base, [&](u64 i, const i64* o) { out[i] = f(a[o[0]], b[o[1]]); });
}

template <class T, class F>
DB_DEVICE void binary_inplace(u64 numel, u64 ndim, const i64* info, T* a, i64 a_off, const T* b, i64 b_off, F f) {
    const i64 base[2] = {a_off, b_off};
    db_for_each<2>(numel, ndim, info, base, [&](u64, const i64* o) { a[o[0]] = f(a[o[0]], b[o[1]]); });
}

#define BINARY_PARAMS(T, O) u64 numel, u64 ndim, const i64* info, const T* a, i64 a_off, const T* b, i64 b_off, O* out
#define BINARY(F) binary_map(numel, ndim, info, a, a_off, b, b_off, out, F{})
#define INPLACE_PARAMS(T) u64 numel, u64 ndim, const i64* info, T* a, i64 a_off, const T* b, i64 b_off
#define INPLACE(F) binary_inplace(numel, ndim, info, a, a_off, b, b_off, F{})

extern "C" __global__ void binary_add_bool(BINARY_PARAMS(bool, bool)) { BINARY(Add); }
extern "C" __global__ void binary_add_u8(BINARY_PARAMS(u8, u8)) { BINARY(Add); }
extern "C" __global__ void binary_add_i32(BINARY_PARAMS(i32, i32)) { BINARY(Add); }
extern "C" __global__ void binary_add_i64(BINARY_PARAMS(i64, i64)) { BINARY(Add); }
extern "C" __global__ void binary_add_f32(BINARY_PARAMS(f32, f32)) { BINARY(Add); }
extern "C" __global__ void binary_add_f64(BINARY_PARAMS(f64, f64)) { BINARY(Add); }

extern "C" __global__ void binary_multiply_bool(BINARY_PARAMS(bool, bool)) { BINARY(Multiply); }
extern "C" __global__ void binary_multiply_u8(BINARY_PARAMS(u8, u8)) { BINARY(Multiply); }
extern "C" __global__ void binary_multiply_i32(BINARY_PARAMS(i32, i32)) { BINARY(Multiply); }
extern "C" __global__ void binary_multiply_i64(BINARY_PARAMS(i64, i64)) { BINARY(Multiply); }
extern "C" __global__ void binary_multiply_f32(BINARY_PARAMS(f32, f32)) { BINARY(Multiply); }
extern "C" __global__ void binary_multiply_f64(BINARY_PARAMS(f64, f64)) { BINARY(Multiply); }

extern "C" __global__ void binary_maximum_bool(BINARY_PARAMS(bool, bool)) { BINARY(Maximum); }
extern "C" __global__ void binary_maximum_u8(BINARY_PARAMS(u8, u8)) { BINARY(Maximum); }
extern "C" __global__ void binary_maximum_i32(BINARY_PARAMS(i32, i32)) { BINARY(Maximum); }
extern "C" __global__ void binary_maximum_i64(BINARY_PARAMS(i64, i64)) { BINARY(Maximum); }
extern "C" __global__ void binary_maximum_f32(BINARY_PARAMS(f32, f32)) { BINARY(Maximum); }
extern "C" __global__ void binary_maximum_f64(BINARY_PARAMS(f64, f64)) { BINARY(Maximum); }

extern "C" __global__ void binary_minimum_bool(BINARY_PARAMS(bool, bool)) { BINARY(Minimum); }
extern "C" __global__ void binary_minimum_u8(BINARY_PARAMS(u8, u8)) { BINARY(Minimum); }
extern "C" __global__ void binary_minimum_i32(BINARY_PARAMS(i32, i32)) { BINARY(Minimum); }
extern "C" __global__ void binary_minimum_i64(BINARY_PARAMS(i64, i64)) { BINARY(Minimum); }
extern "C" __global__ void binary_minimum_f32(BINARY_PARAMS(f32, f32)) { BINARY(Minimum); }
extern "C" __global__ void binary_minimum_f64(BINARY_PARAMS(f64, f64)) { BINARY(Minimum); }

extern "C" __global__ void binary_subtract_u8(BINARY_PARAMS(u8, u8)) { BINARY(Subtract); }
extern "C" __global__ void binary_subtract_i32(BINARY_PARAMS(i32, i32)) { BINARY(Subtract); }
extern "C" __global__ void binary_subtract_i64(BINARY_PARAMS(i64, i64)) { BINARY(Subtract); }
extern "C" __global__ void binary_subtract_f32(BINARY_PARAMS(f32, f32)) { BINARY(Subtract); }
extern "C" __global__ void binary_subtract_f64(BINARY_PARAMS(f64, f64)) { BINARY(Subtract); }

extern "C" __global__ void binary_floor_divide_u8(BINARY_PARAMS(u8, u8)) { BINARY(FloorDivide); }
extern "C" __global__ void binary_floor_divide_i32(BINARY_PARAMS(i32, i32)) { BINARY(FloorDivide); }
extern "C" __global__ void binary_floor_divide_i64(BINARY_PARAMS(i64, i64)) { BINARY(FloorDivide); }
extern "C" __global__ void binary_floor_divide_f32(BINARY_PARAMS(f32, f32)) { BINARY(FloorDivide); }
extern "C" __global__ void binary_floor_divide_f64(BINARY_PARAMS(f64, f64)) { BINARY(FloorDivide); }

extern "C" __global__ void binary_remainder_u8(BINARY_PARAMS(u8, u8)) { BINARY(Remainder); }
extern "C" __global__ void binary_remainder_i32(BINARY_PARAMS(i32, i32)) { BINARY(Remainder); }
extern "C" __global__ void binary_remainder_i64(BINARY_PARAMS(i64, i64)) { BINARY(Remainder); }
extern "C" __global__ void binary_remainder_f32(BINARY_PARAMS(f32, f32)) { BINARY(Remainder); }
extern "C" __global__ void binary_remainder_f64(BINARY_PARAMS(f64, f64)) { BINARY(Remainder); }

extern "C" __global__ void binary_power_u8(BINARY_PARAMS(u8, u8)) { BINARY(Power); }
extern "C" __global__ void binary_power_i32(BINARY_PARAMS(i32, i32)) { BINARY(Power); }
extern "C" __global__ void binary_power_i64(BINARY_PARAMS(i64, i64)) { BINARY(Power); }
extern "C" __global__ void binary_power_f32(BINARY_PARAMS(f32, f32)) { BINARY(Power); }
extern "C" __global__ void binary_power_f64(BINARY_PARAMS(f64, f64)) { BINARY(Power); }

extern "C" __global__ void binary_true_divide_f32(BINARY_PARAMS(f32, f32)) { BINARY(TrueDivide); }
extern "C" __global__ void binary_true_divide_f64(BINARY_PARAMS(f64, f64)) { BINARY(TrueDivide); }

extern "C" __global__ void binary_equal_bool(BINARY_PARAMS(bool, bool)) { BINARY(Equal); }
extern "C" __global__ void binary_equal_u8(BINARY_PARAMS(u8, bool)) { BINARY(Equal); }
extern "C" __global__ void binary_equal_i32(BINARY_PARAMS(i32, bool)) { BINARY(Equal); }
extern "C" __global__ void binary_equal_i64(BINARY_PARAMS(i64, bool)) { BINARY(Equal); }
extern "C" __global__ void binary_equal_f32(BINARY_PARAMS(f32, bool)) { BINARY(Equal); }
extern "C" __global__ void binary_equal_f64(BINARY_PARAMS(f64, bool)) { BINARY(Equal); }

extern "C" __global__ void binary_not_equal_bool(BINARY_PARAMS(bool, bool)) { BINARY(NotEqual); }
extern "C" __global__ void binary_not_equal_u8(BINARY_PARAMS(u8, bool)) { BINARY(NotEqual); }
extern "C" __global__ void binary_not_equal_i32(BINARY_PARAMS(i32, bool)) { BINARY(NotEqual); }
extern "C" __global__ void binary_not_equal_i64(BINARY_PARAMS(i64, bool)) { BINARY(NotEqual); }
extern "C" __global__ void binary_not_equal_f32(BINARY_PARAMS(f32, bool)) { BINARY(NotEqual); }
extern "C" __global__ void binary_not_equal_f64(BINARY_PARAMS(f64, bool)) { BINARY(NotEqual); }

extern "C" __global__ void binary_less_bool(BINARY_PARAMS(bool, bool)) { BINARY(Less); }
extern "C" __global__ void binary_less_u8(BINARY_PARAMS(u8, bool)) { BINARY(Less); }
extern "C" __global__ void binary_less_i32(BINARY_PARAMS(i32, bool)) { BINARY(Less); }
extern "C" __global__ void binary_less_i64(BINARY_PARAMS(i64, bool)) { BINARY(Less); }
extern "C" __global__ void binary_less_f32(BINARY_PARAMS(f32, bool)) { BINARY(Less); }
extern "C" __global__ void binary_less_f64(BINARY_PARAMS(f64, bool)) { BINARY(Less); }

extern "C" __global__ void binary_less_equal_bool(BINARY_PARAMS(bool, bool)) { BINARY(LessEqual); }
extern "C" __global__ void binary_less_equal_u8(BINARY_PARAMS(u8, bool)) { BINARY(LessEqual); }
extern "C" __global__ void binary_less_equal_i32(BINARY_PARAMS(i32, bool)) { BINARY(LessEqual); }
extern "C" __global__ void binary_less_equal_i64(BINARY_PARAMS(i64, bool)) { BINARY(LessEqual); }
extern "C" __global__ void binary_less_equal_f32(BINARY_PARAMS(f32, bool)) { BINARY(LessEqual); }
extern "C" __global__ void binary_less_equal_f64(BINARY_PARAMS(f64, bool)) { BINARY(LessEqual); }

extern "C" __global__ void binary_greater_bool(BINARY_PARAMS(bool, bool)) { BINARY(Greater); }
extern "C" __global__ void binary_greater_u8(BINARY_PARAMS(u8, bool)) { BINARY(Greater); }
extern "C" __global__ void binary_greater_i32(BINARY_PARAMS(i32, bool)) { BINARY(Greater); }
extern "C" __global__ void binary_greater_i64(BINARY_PARAMS(i64, bool)) { BINARY(Greater); }
extern "C" __global__ void binary_greater_f32(BINARY_PARAMS(f32, bool)) { BINARY(Greater); }
extern "C" __global__ void binary_greater_f64(BINARY_PARAMS(f64, bool)) { BINARY(Greater); }

extern "C" __global__ void binary_greater_equal_bool(BINARY_PARAMS(bool, bool)) { BINARY(GreaterEqual); }
extern "C" __global__ void binary_greater_equal_u8(BINARY_PARAMS(u8, bool)) { BINARY(GreaterEqual); }
extern "C" __global__ void binary_greater_equal_i32(BINARY_PARAMS(i32, bool)) { BINARY(GreaterEqual); }
extern "C" __global__ void binary_greater_equal_i64(BINARY_PARAMS(i64, bool)) { BINARY(GreaterEqual); }
extern "C" __global__ void binary_greater_equal_f32(BINARY_PARAMS(f32, bool)) { BINARY(GreaterEqual); }
extern "C" __global__ void binary_greater_equal_f64(BINARY_PARAMS(f64, bool)) { BINARY(GreaterEqual); }

extern "C" __global__ void binary_logical_and_bool(BINARY_PARAMS(bool, bool)) { BINARY(LogicalAnd); }
extern "C" __global__ void binary_logical_and_u8(BINARY_PARAMS(u8, bool)) { BINARY(LogicalAnd); }
extern "C" __global__ void binary_logical_and_i32(BINARY_PARAMS(i32, bool)) { BINARY(LogicalAnd); }
extern "C" __global__ void binary_logical_and_i64(BINARY_PARAMS(i64, bool)) { BINARY(LogicalAnd); }
extern "C" __global__ void binary_logical_and_f32(BINARY_PARAMS(f32, bool)) { BINARY(LogicalAnd); }
extern "C" __global__ void binary_logical_and_f64(BINARY_PARAMS(f64, bool)) { BINARY(LogicalAnd); }

extern "C" __global__ void binary_logical_or_bool(BINARY_PARAMS(bool, bool)) { BINARY(LogicalOr); }
extern "C" __global__ void binary_logical_or_u8(BINARY_PARAMS(u8, bool)) { BINARY(LogicalOr); }
extern "C" __global__ void binary_logical_or_i32(BINARY_PARAMS(i32, bool)) { BINARY(LogicalOr); }
extern "C" __global__ void binary_logical_or_i64(BINARY_PARAMS(i64, bool)) { BINARY(LogicalOr); }
extern "C" __global__ void binary_logical_or_f32(BINARY_PARAMS(f32, bool)) { BINARY(LogicalOr); }
extern "C" __global__ void binary_logical_or_f64(BINARY_PARAMS(f64, bool)) { BINARY(LogicalOr); }

extern "C" __global__ void binary_logical_xor_bool(BINARY_PARAMS(bool, bool)) { BINARY(LogicalXor); }
extern "C" __global__ void binary_logical_xor_u8(BINARY_PARAMS(u8, bool)) { BINARY(LogicalXor); }
extern "C" __global__ void binary_logical_xor_i32(BINARY_PARAMS(i32, bool)) { BINARY(LogicalXor); }
extern "C" __global__ void binary_logical_xor_i64(BINARY_PARAMS(i64, bool)) { BINARY(LogicalXor); }
extern "C" __global__ void binary_logical_xor_f32(BINARY_PARAMS(f32, bool)) { BINARY(LogicalXor); }
extern "C" __global__ void binary_logical_xor_f64(BINARY_PARAMS(f64, bool)) { BINARY(LogicalXor); }

extern "C" __global__ void binary_bitwise_and_bool(BINARY_PARAMS(bool, bool)) { BINARY(BitwiseAnd); }
extern "C" __global__ void binary_bitwise_and_u8(BINARY_PARAMS(u8, u8)) { BINARY(BitwiseAnd); }
extern "C" __global__ void binary_bitwise_and_i32(BINARY_PARAMS(i32, i32)) { BINARY(BitwiseAnd); }
extern "C" __global__ void binary_bitwise_and_i64(BINARY_PARAMS(i64, i64)) { BINARY(BitwiseAnd); }

extern "C" __global__ void binary_bitwise_or_bool(BINARY_PARAMS(bool, bool)) { BINARY(BitwiseOr); }
extern "C" __global__ void binary_bitwise_or_u8(BINARY_PARAMS(u8, u8)) { BINARY(BitwiseOr); }
extern "C" __global__ void binary_bitwise_or_i32(BINARY_PARAMS(i32, i32)) { BINARY(BitwiseOr); }
extern "C" __global__ void binary_bitwise_or_i64(BINARY_PARAMS(i64, i64)) { BINARY(BitwiseOr); }

extern "C" __global__ void binary_bitwise_xor_bool(BINARY_PARAMS(bool, bool)) { BINARY(BitwiseXor); }
extern "C" __global__ void binary_bitwise_xor_u8(BINARY_PARAMS(u8, u8)) { BINARY(BitwiseXor); }
extern "C" __global__ void binary_bitwise_xor_i32(BINARY_PARAMS(i32, i32)) { BINARY(BitwiseXor); }
extern "C" __global__ void binary_bitwise_xor_i64(BINARY_PARAMS(i64, i64)) { BINARY(BitwiseXor); }

// In place: a op= b.

// Float functions (integers are converted to float first) and integer gcd/lcm.
extern "C" __global__ void binary_copysign_f32(BINARY_PARAMS(f32, f32)) { BINARY(Copysign); }
extern "C" __global__ void binary_copysign_f64(BINARY_PARAMS(f64, f64)) { BINARY(Copysign); }
extern "C" __global__ void binary_hypot_f32(BINARY_PARAMS(f32, f32)) { BINARY(Hypot); }
extern "C" __global__ void binary_hypot_f64(BINARY_PARAMS(f64, f64)) { BINARY(Hypot); }
extern "C" __global__ void binary_logaddexp_f32(BINARY_PARAMS(f32, f32)) { BINARY(Logaddexp); }
extern "C" __global__ void binary_logaddexp_f64(BINARY_PARAMS(f64, f64)) { BINARY(Logaddexp); }
extern "C" __global__ void binary_logaddexp2_f32(BINARY_PARAMS(f32, f32)) { BINARY(Logaddexp2); }
extern "C" __global__ void binary_logaddexp2_f64(BINARY_PARAMS(f64, f64)) { BINARY(Logaddexp2); }
extern "C" __global__ void binary_arctan2_f32(BINARY_PARAMS(f32, f32)) { BINARY(Arctan2); }
extern "C" __global__ void binary_arctan2_f64(BINARY_PARAMS(f64, f64)) { BINARY(Arctan2); }
extern "C" __global__ void binary_gcd_u8(BINARY_PARAMS(u8, u8)) { BINARY(Gcd); }
extern "C" __global__ void binary_gcd_i32(BINARY_PARAMS(i32, i32)) { BINARY(Gcd); }
extern "C" __global__ void binary_gcd_i64(BINARY_PARAMS(i64, i64)) { BINARY(Gcd); }
extern "C" __global__ void binary_lcm_u8(BINARY_PARAMS(u8, u8)) { BINARY(Lcm); }
extern "C" __global__ void binary_lcm_i32(BINARY_PARAMS(i32, i32)) { BINARY(Lcm); }
extern "C" __global__ void binary_lcm_i64(BINARY_PARAMS(i64, i64)) { BINARY(Lcm); }

extern "C" __global__ void binary_inplace_add_bool(INPLACE_PARAMS(bool)) { INPLACE(Add); }
extern "C" __global__ void binary_inplace_add_u8(INPLACE_PARAMS(u8)) { INPLACE(Add); }
extern "C" __global__ void binary_inplace_add_i32(INPLACE_PARAMS(i32)) { INPLACE(Add); }
extern "C" __global__ void binary_inplace_add_i64(INPLACE_PARAMS(i64)) { INPLACE(Add); }
extern "C" __global__ void binary_inplace_add_f32(INPLACE_PARAMS(f32)) { INPLACE(Add); }
extern "C" __global__ void binary_inplace_add_f64(INPLACE_PARAMS(f64)) { INPLACE(Add); }

extern "C" __global__ void binary_inplace_multiply_bool(INPLACE_PARAMS(bool)) { INPLACE(Multiply); }
extern "C" __global__ void binary_inplace_multiply_u8(INPLACE_PARAMS(u8)) { INPLACE(Multiply); }
extern "C" __global__ void binary_inplace_multiply_i32(INPLACE_PARAMS(i32)) { INPLACE(Multiply); }
extern "C" __global__ void binary_inplace_multiply_i64(INPLACE_PARAMS(i64)) { INPLACE(Multiply); }
extern "C" __global__ void binary_inplace_multiply_f32(INPLACE_PARAMS(f32)) { INPLACE(Multiply); }
extern "C" __global__ void binary_inplace_multiply_f64(INPLACE_PARAMS(f64)) { INPLACE(Multiply); }

extern "C" __global__ void binary_inplace_maximum_bool(INPLACE_PARAMS(bool)) { INPLACE(Maximum); }
extern "C" __global__ void binary_inplace_maximum_u8(INPLACE_PARAMS(u8)) { INPLACE(Maximum); }
extern "C" __global__ void binary_inplace_maximum_i32(INPLACE_PARAMS(i32)) { INPLACE(Maximum); }
extern "C" __global__ void binary_inplace_maximum_i64(INPLACE_PARAMS(i64)) { INPLACE(Maximum); }
extern "C" __global__ void binary_inplace_maximum_f32(INPLACE_PARAMS(f32)) { INPLACE(Maximum); }
extern "C" __global__ void binary_inplace_maximum_f64(INPLACE_PARAMS(f64)) { INPLACE(Maximum); }

extern "C" __global__ void binary_inplace_minimum_bool(INPLACE_PARAMS(bool)) { INPLACE(Minimum); }
extern "C" __global__ void binary_inplace_minimum_u8(INPLACE_PARAMS(u8)) { INPLACE(Minimum); }
extern "C" __global__ void binary_inplace_minimum_i32(INPLACE_PARAMS(i32)) { INPLACE(Minimum); }
extern "C" __global__ void binary_inplace_minimum_i64(INPLACE_PARAMS(i64)) { INPLACE(Minimum); }
extern "C" __global__ void binary_inplace_minimum_f32(INPLACE_PARAMS(f32)) { INPLACE(Minimum); }
extern "C" __global__ void binary_inplace_minimum_f64(INPLACE_PARAMS(f64)) { INPLACE(Minimum); }

extern "C" __global__ void binary_inplace_subtract_u8(INPLACE_PARAMS(u8)) { INPLACE(Subtract); }
extern "C" __global__ void binary_inplace_subtract_i32(INPLACE_PARAMS(i32)) { INPLACE(Subtract); }
extern "C" __global__ void binary_inplace_subtract_i64(INPLACE_PARAMS(i64)) { INPLACE(Subtract); }
extern "C" __global__ void binary_inplace_subtract_f32(INPLACE_PARAMS(f32)) { INPLACE(Subtract); }
extern "C" __global__ void binary_inplace_subtract_f64(INPLACE_PARAMS(f64)) { INPLACE(Subtract); }

extern "C" __global__ void binary_inplace_floor_divide_u8(INPLACE_PARAMS(u8)) { INPLACE(FloorDivide); }
extern "C" __global__ void binary_inplace_floor_divide_i32(INPLACE_PARAMS(i32)) { INPLACE(FloorDivide); }
extern "C" __global__ void binary_inplace_floor_divide_i64(INPLACE_PARAMS(i64)) { INPLACE(FloorDivide); }
extern "C" __global__ void binary_inplace_floor_divide_f32(INPLACE_PARAMS(f32)) { INPLACE(FloorDivide); }
extern "C" __global__ void binary_inplace_floor_divide_f64(INPLACE_PARAMS(f64)) { INPLACE(FloorDivide); }

extern "C" __global__ void binary_inplace_remainder_u8(INPLACE_PARAMS(u8)) { INPLACE(Remainder); }
extern "C" __global__ void binary_inplace_remainder_i32(INPLACE_PARAMS(i32)) { INPLACE(Remainder); }
extern "C" __global__ void binary_inplace_remainder_i64(INPLACE_PARAMS(i64)) { INPLACE(Remainder); }
extern "C" __global__ void binary_inplace_remainder_f32(INPLACE_PARAMS(f32)) { INPLACE(Remainder); }
extern "C" __global__ void binary_inplace_remainder_f64(INPLACE_PARAMS(f64)) { INPLACE(Remainder); }

extern "C" __global__ void binary_inplace_power_u8(INPLACE_PARAMS(u8)) { INPLACE(Power); }
extern "C" __global__ void binary_inplace_power_i32(INPLACE_PARAMS(i32)) { INPLACE(Power); }
extern "C" __global__ void binary_inplace_power_i64(INPLACE_PARAMS(i64)) { INPLACE(Power); }
extern "C" __global__ void binary_inplace_power_f32(INPLACE_PARAMS(f32)) { INPLACE(Power); }
extern "C" __global__ void binary_inplace_power_f64(INPLACE_PARAMS(f64)) { INPLACE(Power); }

extern "C" __global__ void binary_inplace_true_divide_f32(INPLACE_PARAMS(f32)) { INPLACE(TrueDivide); }
extern "C" __global__ void binary_inplace_true_divide_f64(INPLACE_PARAMS(f64)) { INPLACE(TrueDivide); }

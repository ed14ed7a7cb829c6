// Shared definitions of deepblocks' CUDA kernels: element types, the CPU engine's element
// semantics (casts, wrapping integer arithmetic, NaN-propagating max/min, Python's floor
// division), the strided-index mapping, and the elementwise and block-reduction drivers.
//
// NVRTC gets this file as a named header (or spliced in place of the #include), so it is
// self-contained: no system headers, no CUDA headers. The CUDA math functions (expf, log1p,
// rint, ...) and atomics are built into NVRTC. tests/test_cuda_kernels_host.py also compiles
// the kernels as host C++ behind a small shim, so only the CUDA features that shim provides
// may be used here: __global__/__device__/__forceinline__/__shared__, blockIdx/blockDim/
// threadIdx/gridDim (.x only), __noinline__, __syncthreads, atomicAdd/atomicCAS/atomicMin,
// __int_as_float/__longlong_as_double.
//
// ---- Launch conventions (the Rust launcher follows these exactly) ---------------------------
//
// Names      <family>_<op>_<dtype>, e.g. unary_exp_f32, binary_add_i64, reduce_sum_i32; casts
//            and writes name source then destination: cast_f32_i64, set_u8_f64. Ops carry
//            the CPU engine's names (UnaryOp::name, BinaryOp::name, ReduceOp::name, the
//            optimizer rules' NAME), dtypes the tags bool, u8, i32, i64, f32, f64.
// Storage    bool is one byte holding 0 or 1 (C++ bool); the other tags are the fixed-width
//            types below. Scalar kernel arguments of an element type use that type (a bool
//            scalar is one byte, 0 or 1); sizes are u64, element offsets and strides i64,
//            float hyper-parameters f64 (converted to the element type inside the kernel,
//            as the CPU converts them once per call).
// Pointers   Every array argument points at element 0 of its allocation; a strided operand
//            is followed by its element offset `<name>_off` (the offset of element [0,...,0]).
//            Strides are SIGNED and counted in elements (negative steps exist); a broadcast
//            axis has stride 0. Outputs named `out` are dense, start at element 0 and are
//            written in row-major order of the iteration shape.
// info       Shape and strides travel in one device array of i64:
//                info = [dims(ndim), strides of operand 0 (ndim), strides of operand 1, ...]
//            where the operands are the strided ones, in the order of the parameter list
//            (a dense `out` has no entry). `ndim` and `numel` (the product of dims) are u64
//            arguments. info == nullptr means every strided operand is contiguous: operand
//            k's element i is at ptr_k[off_k + i] (the fast path). ndim may be 0 (numel 1).
//            Build info from coalesced axes (size-1 axes dropped, axes contiguous together in
//            every operand merged, as cpu::strided::Plan does) and pass nullptr whenever it
//            allows: on an H200 a 16M-element f32 add ran at 2.96 TB/s contiguous, 1.84 TB/s
//            through an info of the same 2-D layout, 1.40 TB/s with a transposed operand.
// Grids      1-D grids and blocks. Elementwise kernels use grid-stride loops with 64-bit
//            indices, so any grid size covers any numel. Reductions and scans (reduce.cu)
//            share work among the threads of a block and take blocks of work grid-stride;
//            they need blockDim.x <= DB_MAX_BLOCK (1024), powers of two or not.
// Overlap    An operand that is written must not overlap itself or any operand it is read
//            with at a different position (the launcher copies first, as the CPU engine does).
// Family-specific argument lists are documented at the top of each module.

#ifndef DEEPBLOCKS_COMMON_CUH
#define DEEPBLOCKS_COMMON_CUH

typedef unsigned char u8;
typedef int i32;
typedef unsigned int u32;
typedef long long i64;
typedef unsigned long long u64;
typedef float f32;
typedef double f64;

#define DB_DEVICE __device__ __forceinline__
#define DB_MAX_BLOCK 1024

// for (u64 i = first index of this thread; i < n; i += threads in the grid)
#define DB_GRID_LOOP(i, n) \
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < (u64)(n); i += (u64)blockDim.x * gridDim.x)

// ---- Type traits -------------------------------------------------------------------------------

template <class A, class B> constexpr bool db_same = false;
template <class A> constexpr bool db_same<A, A> = true;
template <class T> constexpr bool db_is_float = db_same<T, f32> || db_same<T, f64>;
template <class T> constexpr bool db_is_signed = db_same<T, i32> || db_same<T, i64>;
template <class T> constexpr bool db_is_bool = db_same<T, bool>;

// The unsigned type of an integer's width, for wrapping arithmetic without signed overflow.
template <class T> struct DbUnsigned { typedef T type; };
template <> struct DbUnsigned<i32> { typedef u32 type; };
template <> struct DbUnsigned<i64> { typedef u64 type; };

DB_DEVICE f32 db_inf32() { return __int_as_float(0x7f800000); }
DB_DEVICE f64 db_inf64() { return __longlong_as_double(0x7ff0000000000000LL); }

template <class T> DB_DEVICE T db_inf() {
    if constexpr (db_same<T, f32>) return db_inf32();
    else return db_inf64();
}

// Identities of max and min: the smallest and largest values of each type.
template <class T> DB_DEVICE T db_lowest() {
    if constexpr (db_is_float<T>) return -db_inf<T>();
    else if constexpr (db_same<T, i32>) return (i32)0x80000000u;
    else if constexpr (db_same<T, i64>) return (i64)0x8000000000000000ull;
    else return (T)0;
}

template <class T> DB_DEVICE T db_highest() {
    if constexpr (db_is_float<T>) return db_inf<T>();
    else if constexpr (db_same<T, i32>) return (i32)0x7fffffff;
    else if constexpr (db_same<T, i64>) return (i64)0x7fffffffffffffffll;
    else if constexpr (db_same<T, u8>) return (u8)255;
    else return (T)1;
}

// ---- Conversions (the CPU engine's Element::cast) ------------------------------------------------
// A float goes through f64, an integer or bool through i64. Float to integer saturates and
// maps NaN to 0 (Rust's `as`); uint8 is reached through int32 and wraps (-1.0 -> 255,
// 300.0 -> 44, as NumPy's C cast); integers narrow by wrapping; anything nonzero is true.

DB_DEVICE i32 db_f64_to_i32(f64 v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return (i32)0x7fffffff;
    if (v <= -2147483648.0) return (i32)0x80000000u;
    return (i32)v;
}

DB_DEVICE i64 db_f64_to_i64(f64 v) {
    if (v != v) return 0;
    if (v >= 9223372036854775807.0) return (i64)0x7fffffffffffffffll;
    if (v <= -9223372036854775808.0) return (i64)0x8000000000000000ull;
    return (i64)v;
}

template <class D> DB_DEVICE D db_from_f64(f64 v) {
    if constexpr (db_is_bool<D>) return v != 0.0;
    else if constexpr (db_same<D, u8>) return (u8)(u32)db_f64_to_i32(v);
    else if constexpr (db_same<D, i32>) return db_f64_to_i32(v);
    else if constexpr (db_same<D, i64>) return db_f64_to_i64(v);
    else return (D)v;
}

template <class D> DB_DEVICE D db_from_i64(i64 v) {
    if constexpr (db_is_bool<D>) return v != 0;
    else if constexpr (db_same<D, u8> || db_same<D, i32>) return (D)(u64)v;
    else return (D)v;
}

template <class D, class S> DB_DEVICE D db_convert(S v) {
    if constexpr (db_same<D, S>) return v;
    else if constexpr (db_is_float<S>) return db_from_f64<D>((f64)v);
    else return db_from_i64<D>((i64)v);
}

// Truth value: nonzero (NaN is true).
template <class T> DB_DEVICE bool db_truth(T v) { return db_convert<bool>(v); }

// ---- Math functions, overloaded for f32 and f64 ----------------------------------------------------

#define DB_MATH1(name, f32fn, f64fn)                      \
    DB_DEVICE f32 name(f32 x) { return f32fn(x); }        \
    DB_DEVICE f64 name(f64 x) { return f64fn(x); }
#define DB_MATH2(name, f32fn, f64fn)                      \
    DB_DEVICE f32 name(f32 x, f32 y) { return f32fn(x, y); } \
    DB_DEVICE f64 name(f64 x, f64 y) { return f64fn(x, y); }

DB_MATH1(db_exp, expf, exp)
DB_MATH1(db_exp2, exp2f, exp2)
DB_MATH1(db_log, logf, log)
DB_MATH1(db_log2, log2f, log2)
DB_MATH1(db_log10, log10f, log10)
DB_MATH1(db_log1p, log1pf, log1p)
DB_MATH1(db_expm1, expm1f, expm1)
DB_MATH1(db_sqrt, sqrtf, sqrt)
DB_MATH1(db_cbrt, cbrtf, cbrt)
DB_MATH1(db_sin, sinf, sin)
DB_MATH1(db_cos, cosf, cos)
DB_MATH1(db_tan, tanf, tan)
DB_MATH1(db_asin, asinf, asin)
DB_MATH1(db_acos, acosf, acos)
DB_MATH1(db_atan, atanf, atan)
DB_MATH1(db_sinh, sinhf, sinh)
DB_MATH1(db_cosh, coshf, cosh)
DB_MATH1(db_tanh, tanhf, tanh)
DB_MATH1(db_asinh, asinhf, asinh)
DB_MATH1(db_acosh, acoshf, acosh)
DB_MATH1(db_atanh, atanhf, atanh)
DB_MATH1(db_floor, floorf, floor)
DB_MATH1(db_ceil, ceilf, ceil)
DB_MATH1(db_trunc, truncf, trunc)
DB_MATH1(db_rint, rintf, rint)  // round half to even
DB_MATH1(db_fabs, fabsf, fabs)
DB_MATH2(db_pow, powf, pow)
DB_MATH2(db_fmod, fmodf, fmod)
DB_MATH2(db_copysign, copysignf, copysign)
DB_MATH2(db_nextafter, nextafterf, nextafter)

template <class T> DB_DEVICE bool db_isnan(T v) {
    if constexpr (db_is_float<T>) return v != v;
    else return false;
}

// |v| <= the largest finite value (false for NaN and the infinities).
template <class T> DB_DEVICE bool db_isfinite(T v) {
    if constexpr (db_same<T, f32>) return db_fabs(v) <= 3.4028234663852886e38f;
    else if constexpr (db_same<T, f64>) return db_fabs(v) <= 1.7976931348623157e308;
    else return true;
}

template <class T> DB_DEVICE bool db_isinf(T v) { return !db_isnan(v) && !db_isfinite(v); }

// ---- Special functions (the CPU's cpu/special.rs: see there for the methods and sources) -----
// CUDA's erf/erfc/tgamma/lgamma; erfinv, digamma and trigamma are ours, the CPU's algorithms
// in the element type (the CPU computes float32 in float64; here float32 stays float32).

DB_MATH1(db_erf, erff, erf)
DB_MATH1(db_erfc, erfcf, erfc)
DB_MATH1(db_tgamma, tgammaf, tgamma)
DB_MATH1(db_lgamma, lgammaf, lgamma)
DB_MATH2(db_hypot, hypotf, hypot)
DB_MATH2(db_atan2, atan2f, atan2)

template <class T> DB_DEVICE T db_nan() { return db_inf<T>() - db_inf<T>(); }
#define DB_PI 3.141592653589793

// Giles (2010)'s float32 approximation, then Halley steps on erf(y) - |x| (|x| <= 0.5) or
// Newton steps on ln erfc(y) - ln(1 - |x|) (above), until the step is below an ulp.
template <class T> DB_DEVICE T db_erfinv(T x) {
    const T a = db_fabs(x);
    if (!(a < T(1))) return a == T(1) ? db_copysign(db_inf<T>(), x) : db_nan<T>();
    if (a == T(0)) return x;
    const T w = -db_log((T(1) - a) * (T(1) + a));
    T p, t;
    if (w < T(5)) {
        t = w - T(2.5);
        p = T(2.81022636e-08);
        p = p * t + T(3.43273939e-07);
        p = p * t + T(-3.5233877e-06);
        p = p * t + T(-4.39150654e-06);
        p = p * t + T(0.00021858087);
        p = p * t + T(-0.00125372503);
        p = p * t + T(-0.00417768164);
        p = p * t + T(0.246640727);
        p = p * t + T(1.50140941);
    } else {
        t = db_sqrt(w) - T(3);
        p = T(-0.000200214257);
        p = p * t + T(0.000100950558);
        p = p * t + T(0.00134934322);
        p = p * t + T(-0.00367342844);
        p = p * t + T(0.00573950773);
        p = p * t + T(-0.0076224613);
        p = p * t + T(0.00943887047);
        p = p * t + T(1.00167406);
        p = p * t + T(2.83297682);
    }
    T y = p * a;
    const T ulp = db_same<T, f32> ? T(6e-8) : T(1e-16);
    for (int k = 0; k < 6; ++k) {
        const T d = T(1.1283791670955126) * db_exp(-y * y);  // erf'(y)
        T step;
        if (a <= T(0.5)) {
            const T u = (db_erf(y) - a) / d;
            step = u / (T(1) + y * u);
        } else {
            const T c = db_erfc(y);
            step = (db_log(c) - db_log(T(1) - a)) * c / -d;
        }
        y -= step;
        if (db_fabs(step) <= ulp * y) break;
    }
    return db_copysign(y, x);
}

// ψ: reflection below 0, recurrence up to 10, asymptotic series (7 Bernoulli terms).
template <class T> DB_DEVICE T db_digamma(T x) {
    if (db_isnan(x) || x == -db_inf<T>()) return db_nan<T>();
    if (x == T(0)) return db_copysign(T(1), x) < T(0) ? db_inf<T>() : -db_inf<T>();
    T acc = T(0);
    if (x < T(0)) {
        if (x == db_floor(x)) return db_nan<T>();
        acc = -T(DB_PI) / db_tan(T(DB_PI) * (x - db_rint(x)));  // exact reduction to |r| <= 1/2
        x = T(1) - x;
    }
    while (x < T(10)) {
        acc -= T(1) / x;
        x += T(1);
    }
    if (x == db_inf<T>()) return x;
    const T z = T(1) / (x * x);
    T s = T(1.0 / 12.0);
    s = s * z + T(-691.0 / 32760.0);
    s = s * z + T(1.0 / 132.0);
    s = s * z + T(-1.0 / 240.0);
    s = s * z + T(1.0 / 252.0);
    s = s * z + T(-1.0 / 120.0);
    s = s * z + T(1.0 / 12.0);
    return acc + db_log(x) - T(0.5) / x - s * z;
}

// ψ': the same scheme; +inf at 0, the negative integers and -inf.
template <class T> DB_DEVICE T db_trigamma(T x) {
    if (db_isnan(x)) return x;
    if (x == db_inf<T>()) return T(0);
    if (x <= T(0) && x == db_floor(x)) return db_inf<T>();
    T acc = T(0), sign = T(1);
    if (x < T(0)) {
        const T sn = db_sin(T(DB_PI) * (x - db_rint(x)));
        acc = T(DB_PI * DB_PI) / (sn * sn);
        sign = T(-1);
        x = T(1) - x;
    }
    T r = T(0);
    while (x < T(10)) {
        r += T(1) / (x * x);
        x += T(1);
    }
    const T z = T(1) / (x * x);
    T s = T(7.0 / 6.0);
    s = s * z + T(-691.0 / 2730.0);
    s = s * z + T(5.0 / 66.0);
    s = s * z + T(-1.0 / 30.0);
    s = s * z + T(1.0 / 42.0);
    s = s * z + T(-1.0 / 30.0);
    s = s * z + T(1.0 / 6.0);
    r += T(1) / x + T(0.5) * z + s * z / x;
    return acc + sign * r;
}

// NumPy's logaddexp/logaddexp2: equal operands (same-signed infinities) give a + ln 2
// (a + 1), a NaN operand NaN, else the larger plus log(1 + e^-|a-b|).
template <class T> DB_DEVICE T db_logaddexp(T a, T b) {
    if (a == b) return a + T(0.6931471805599453);
    const T d = a - b;
    if (d > T(0)) return a + db_log1p(db_exp(-d));
    if (d <= T(0)) return b + db_log1p(db_exp(d));
    return d;
}

template <class T> DB_DEVICE T db_logaddexp2(T a, T b) {
    if (a == b) return a + T(1);
    const T d = a - b;
    if (d > T(0)) return a + db_log1p(db_exp2(-d)) * T(1.4426950408889634);
    if (d <= T(0)) return b + db_log1p(db_exp2(d)) * T(1.4426950408889634);
    return d;
}

// NumPy's gcd/lcm on the magnitudes (|MIN| read as unsigned); lcm = |a| / gcd * |b|, wrapping.
template <class T> DB_DEVICE typename DbUnsigned<T>::type db_magnitude(T v) {
    typedef typename DbUnsigned<T>::type U;
    if constexpr (db_is_signed<T>) return v < T(0) ? (U)(U(0) - (U)v) : (U)v;
    else return (U)v;
}

template <class T> DB_DEVICE T db_gcd(T a, T b) {
    typedef typename DbUnsigned<T>::type U;
    U x = db_magnitude(a), y = db_magnitude(b);
    while (x != U(0)) {
        const U r = (U)(y % x);
        y = x;
        x = r;
    }
    return (T)y;
}

template <class T> DB_DEVICE T db_lcm(T a, T b) {
    typedef typename DbUnsigned<T>::type U;
    const U g = (U)db_gcd(a, b);
    if (g == U(0)) return T(0);
    return (T)(U)((U)(db_magnitude(a) / g) * db_magnitude(b));
}

// ---- Arithmetic with the CPU engine's semantics (ops::binary::Arith) ---------------------------
// Integers wrap, integer division and remainder by zero give 0, floor division and remainder
// follow Python (the remainder takes the divisor's sign). bool: add = or, subtract = xor,
// multiply = and.

template <class T> DB_DEVICE T db_add(T a, T b) {
    if constexpr (db_is_bool<T>) return a | b;
    else if constexpr (db_is_float<T>) return a + b;
    else { typedef typename DbUnsigned<T>::type U; return (T)(U)((U)a + (U)b); }
}

template <class T> DB_DEVICE T db_sub(T a, T b) {
    if constexpr (db_is_bool<T>) return a ^ b;
    else if constexpr (db_is_float<T>) return a - b;
    else { typedef typename DbUnsigned<T>::type U; return (T)(U)((U)a - (U)b); }
}

template <class T> DB_DEVICE T db_mul(T a, T b) {
    if constexpr (db_is_bool<T>) return a & b;
    else if constexpr (db_is_float<T>) return a * b;
    else { typedef typename DbUnsigned<T>::type U; return (T)(U)((U)a * (U)b); }
}

// Python's divmod for floats: q = floor(a / b) rounded as CPython does, m with b's sign.
template <class T> DB_DEVICE void db_float_divmod(T a, T b, T& q, T& m) {
    if (b == T(0)) {
        q = a / b;
        m = db_fmod(a, b);
        return;
    }
    m = db_fmod(a, b);
    T d = (a - m) / b;
    if (m != T(0)) {
        if ((b < T(0)) != (m < T(0))) {
            m = m + b;
            d = d - T(1);
        }
    } else {
        m = db_copysign(T(0), b);
    }
    if (d != T(0)) {
        T f = db_floor(d);
        q = (d - f > T(0.5)) ? f + T(1) : f;
    } else {
        q = db_copysign(T(0), a / b);
    }
}

template <class T> DB_DEVICE T db_floor_div(T a, T b) {
    if constexpr (db_is_float<T>) {
        T q, m;
        db_float_divmod(a, b, q, m);
        return q;
    } else if constexpr (db_is_bool<T>) {
        return a & b;
    } else {
        if (b == T(0)) return T(0);
        if constexpr (db_is_signed<T>) {
            if (b == T(-1)) return db_sub(T(0), a);  // MIN / -1 wraps to MIN
            T q = a / b;
            return (a % b != T(0) && ((a < T(0)) != (b < T(0)))) ? (T)(q - T(1)) : q;
        } else {
            return (T)(a / b);
        }
    }
}

template <class T> DB_DEVICE T db_rem(T a, T b) {
    if constexpr (db_is_float<T>) {
        T q, m;
        db_float_divmod(a, b, q, m);
        return m;
    } else if constexpr (db_is_bool<T>) {
        return false;
    } else {
        if (b == T(0)) return T(0);
        if constexpr (db_is_signed<T>) {
            if (b == T(-1)) return T(0);
            T r = a % b;
            return (r != T(0) && ((r < T(0)) != (b < T(0)))) ? db_add(r, b) : r;
        } else {
            return (T)(a % b);
        }
    }
}

// Integer powers by squaring, wrapping (negative exponents are refused before launch).
template <class T> DB_DEVICE T db_power(T a, T b) {
    if constexpr (db_is_float<T>) return db_pow(a, b);
    else if constexpr (db_is_bool<T>) return a | !b;
    else {
        T base = a, acc = T(1);
        u64 e = (u64)(i64)b;
        while (e > 0) {
            if (e & 1) acc = db_mul(acc, base);
            base = db_mul(base, base);
            e >>= 1;
        }
        return acc;
    }
}

// NumPy's maximum/minimum: NaN in either operand wins.
template <class T> DB_DEVICE T db_max(T a, T b) { return (db_isnan(a) || a >= b) ? a : b; }
template <class T> DB_DEVICE T db_min(T a, T b) { return (db_isnan(a) || a <= b) ? a : b; }

// ---- Strided indexing ------------------------------------------------------------------------------

// Quotient and remainder of a / b. Indices are 64-bit, but dividing in 32 bits when both
// fit is the common case; the full 64-bit division, a long instruction sequence on GPUs, is
// kept out of line so that every kernel does not carry copies of it (which multiplies
// NVRTC's compile time).
struct DbDivMod {
    u64 q, r;
};

__device__ __noinline__ DbDivMod db_divmod_wide(u64 a, u64 b) {
    DbDivMod d;
    d.q = a / b;
    d.r = a - d.q * b;
    return d;
}

DB_DEVICE DbDivMod db_divmod(u64 a, u64 b) {
    if (((a | b) >> 32) != 0) return db_divmod_wide(a, b);
    DbDivMod d;
    d.q = (u32)a / (u32)b;
    d.r = (u32)a - (u32)d.q * (u32)b;
    return d;
}

// off[k] += c * (stride of axis d in operand k). N == 1 is written without a loop: NVVM
// drops the caller's unroll pragma when an inner loop of one iteration is folded away.
template <int N> DB_DEVICE void db_add_strides(i64* off, const i64* info, u64 ndim, u64 d, i64 c) {
    if constexpr (N == 1) off[0] += c * info[ndim + d];
    else for (int k = 0; k < N; ++k) off[k] += c * info[(u64)(k + 1) * ndim + d];
}

// Adds to off[k] the element offset, in operand k, of the row-major index i over
// info[0..ndim). The axis loop stays rolled: unrolled, every kernel would carry several
// copies of the division for nothing (the loads dominate).
template <int N> DB_DEVICE void db_strided_offsets(u64 i, u64 ndim, const i64* info, i64* off) {
    u64 r = i;
#pragma unroll 1
    for (u64 d = ndim; d-- > 0;) {
        const DbDivMod qr = db_divmod(r, (u64)info[d]);
        r = qr.q;
        db_add_strides<N>(off, info, ndim, d, (i64)qr.r);
    }
}

// Calls f(i, off) for every index i < numel of this thread, with off[k] the element offset
// of operand k (base[k] plus the strided offset; base[k] + i when info is nullptr). One call
// site for f, so that its body is compiled once: the branch on info is uniform and cheap.
template <int N, class F>
DB_DEVICE void db_for_each(u64 numel, u64 ndim, const i64* info, const i64* base, F f) {
    i64 off[N];
    DB_GRID_LOOP(i, numel) {
        if (info == nullptr) {
            for (int k = 0; k < N; ++k) off[k] = base[k] + (i64)i;
        } else {
            for (int k = 0; k < N; ++k) off[k] = base[k];
            db_strided_offsets<N>(i, ndim, info, off);
        }
        f(i, off);
    }
}

// ---- Block reductions ----------------------------------------------------------------------------

// Combines with F::combine the values of each group of `count` threads whose group index is
// `idx` (0 .. count-1) and which sit `stride` apart in the block; the group's first thread
// (idx == 0) gets the result. `buf` is shared memory for blockDim.x values. Every thread of
// the block must call it (it synchronizes); threads of no group pass idx >= count.
template <class F, class A> DB_DEVICE A db_group_reduce(A v, A* buf, u32 idx, u32 count, u32 stride) {
    const u32 t = threadIdx.x;
    buf[t] = v;
    __syncthreads();
    u32 p = 1;
    while (p < count) p <<= 1;
    for (u32 s = p >> 1; s > 0; s >>= 1) {
        if (idx < s && idx + s < count) buf[t] = F::combine(buf[t], buf[t + s * stride]);
        __syncthreads();
    }
    const A r = buf[t];
    __syncthreads();  // buf is reused by the caller's next round
    return r;
}

// Atomic add of one byte, through a compare-and-swap on the aligned 32-bit word holding it.
DB_DEVICE void db_atomic_add_u8(u8* p, u8 v) {
    u32* word = (u32*)((u64)p & ~(u64)3);
    const u32 shift = (u32)((u64)p & 3) * 8;
    u32 old = *(volatile u32*)word, assumed;
    do {
        assumed = old;
        const u32 byte = ((assumed >> shift) + v) & 0xffu;
        old = atomicCAS(word, assumed, (assumed & ~(0xffu << shift)) | (byte << shift));
    } while (old != assumed);
}

// *p += v atomically (integers wrap).
template <class T> DB_DEVICE void db_atomic_add(T* p, T v) {
    if constexpr (db_same<T, u8>) db_atomic_add_u8(p, v);
    else if constexpr (db_same<T, i64>) atomicAdd((u64*)p, (u64)v);
    else atomicAdd(p, v);
}

#endif  // DEEPBLOCKS_COMMON_CUH

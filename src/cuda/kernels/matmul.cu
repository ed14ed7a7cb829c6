// Exact batched matrix products for the dtypes cuBLAS lacks (ops/matmul.rs's exact_matmul:
// bool, uint8, int32, int64; float products go to cuBLAS). Integers wrap; bool adds with or
// and multiplies with and.
//
//   matmul_<T>(u64 batch, u64 m, u64 n, u64 k, const i64* offsets, const T* a, i64 a_rs,
//              i64 a_cs, const T* b, i64 b_rs, i64 b_cs, T* out)
//   out[p, i, j] = sum_q a[offsets[2p] + i*a_rs + q*a_cs] * b[offsets[2p+1] + q*b_rs + j*b_cs]
//   for p < batch: offsets holds each product's two element offsets (broadcast batch axes
//   repeat them); out is dense (batch, m, n). k == 0 gives zeros. One thread per output.

#include "common.cuh"

template <class T>
DB_DEVICE void matmul(u64 batch, u64 m, u64 n, u64 k, const i64* offsets, const T* a, i64 a_rs, i64 a_cs, const T* b,
                      i64 b_rs, i64 b_cs, T* out) {
    const u64 mn = m * n;
    DB_GRID_LOOP(e, batch * mn) {
        const DbDivMod p = db_divmod(e, mn);
        const DbDivMod ij = db_divmod(p.r, n);
        const T* row = a + offsets[2 * p.q] + (i64)ij.q * a_rs;
        const T* col = b + offsets[2 * p.q + 1] + (i64)ij.r * b_cs;
        T acc = T(0);
        for (u64 q = 0; q < k; ++q) acc = db_add(acc, db_mul(row[(i64)q * a_cs], col[(i64)q * b_rs]));
        out[e] = acc;
    }
}

#define MATMUL_PARAMS(T)                                                                                   \
    u64 batch, u64 m, u64 n, u64 k, const i64* offsets, const T* a, i64 a_rs, i64 a_cs, const T* b, i64 b_rs, \
        i64 b_cs, T* out
#define MATMUL matmul(batch, m, n, k, offsets, a, a_rs, a_cs, b, b_rs, b_cs, out)

extern "C" __global__ void matmul_bool(MATMUL_PARAMS(bool)) { MATMUL; }
extern "C" __global__ void matmul_u8(MATMUL_PARAMS(u8)) { MATMUL; }
extern "C" __global__ void matmul_i32(MATMUL_PARAMS(i32)) { MATMUL; }
extern "C" __global__ void matmul_i64(MATMUL_PARAMS(i64)) { MATMUL; }

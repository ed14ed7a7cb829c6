// The epilogue of the fused fully connected layer (ops/linear.rs): after cuBLAS has written
// x @ w.T into a fresh dense (rows, cols) buffer, add the bias to each row and apply the
// activation, in place.
//
//   linear_epilogue_<T>(u64 numel, u64 cols, T* out, const T* bias, i64 bias_off, u32 relu)
//   out[i] += bias[bias_off + i % cols] (bias dense, or nullptr for none); then, when
//   relu != 0, negative values become 0 (NaN and -0.0 stay, as the CPU's max0). T = f32, f64.
//   The backward pass uses grad_relu_<T> with the saved output.

#include "common.cuh"

template <class T> DB_DEVICE void linear_epilogue(u64 numel, u64 cols, T* out, const T* bias, i64 bias_off, u32 relu) {
    DB_GRID_LOOP(i, numel) {
        T v = out[i];
        if (bias != nullptr) {
            v = v + bias[bias_off + (i64)db_divmod(i, cols).r];
        }
        if (relu != 0 && v < T(0)) v = T(0);
        out[i] = v;
    }
}

#define EPILOGUE_PARAMS(T) u64 numel, u64 cols, T* out, const T* bias, i64 bias_off, u32 relu
#define EPILOGUE linear_epilogue(numel, cols, out, bias, bias_off, relu)

extern "C" __global__ void linear_epilogue_f32(EPILOGUE_PARAMS(f32)) { EPILOGUE; }
extern "C" __global__ void linear_epilogue_f64(EPILOGUE_PARAMS(f64)) { EPILOGUE; }

"""Runs the CUDA kernel sources of src/cuda/kernels/ on the CPU, to test their indexing and
arithmetic without a GPU (and, through CuPy, on a GPU when there is one: `GpuModule`). A
helper of tests/test_cuda_kernels_host.py.

Each module is compiled as host C++ behind a small shim: `__global__`/`__device__` vanish,
`threadIdx`/`blockIdx` become thread-local variables, `__shared__` a static (blocks run one
after another), `__syncthreads` a barrier, atomics GCC atomics. A launch runs every thread of
a block as a real thread (so barriers and atomics are exercised), block after block. For
each kernel the build adds an `extern "C"` entry `dbh_<kernel>(grid, block, <kernel args>)`,
its parameter list read from the preprocessed source, and `Module` calls it through ctypes.
"""

import ctypes
import os
import re
import shutil
import subprocess

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_DIR = os.path.join(REPO, "src", "cuda", "kernels")

SHIM = r"""
#include <math.h>
#include <string.h>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

struct dbh_dim3 { unsigned x, y, z; };
static thread_local dbh_dim3 threadIdx, blockIdx;
static dbh_dim3 blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __shared__ static

namespace dbh {
struct Barrier {
    std::mutex m;
    std::condition_variable cv;
    unsigned n, waiting = 0, generation = 0;
    explicit Barrier(unsigned n) : n(n) {}
    void wait() {
        std::unique_lock<std::mutex> lock(m);
        const unsigned g = generation;
        if (++waiting == n) {
            waiting = 0;
            ++generation;
            cv.notify_all();
        } else {
            cv.wait(lock, [&] { return g != generation; });
        }
    }
};
static Barrier* barrier;

// Runs fn(ctx) on every thread of every block. Not a template, so that it is compiled once.
static void run(unsigned grid, unsigned block, void (*fn)(void*), void* ctx) {
    gridDim = {grid, 1, 1};
    blockDim = {block, 1, 1};
    for (unsigned b = 0; b < grid; ++b) {
        Barrier bar(block);
        barrier = &bar;
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < block; ++t)
            threads.emplace_back([=] { blockIdx = {b, 0, 0}; threadIdx = {t, 0, 0}; fn(ctx); });
        for (auto& th : threads) th.join();
    }
}

template <class F> void launch(unsigned grid, unsigned block, F f) {
    run(grid, block, [](void* ctx) { (*(F*)ctx)(); }, &f);
}
}  // namespace dbh

static inline void __syncthreads() { dbh::barrier->wait(); }
static inline float __int_as_float(int v) { float f; memcpy(&f, &v, 4); return f; }
static inline double __longlong_as_double(long long v) { double d; memcpy(&d, &v, 8); return d; }

#define DBH_SEQ __ATOMIC_SEQ_CST
static inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, DBH_SEQ); }
static inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { return __atomic_fetch_add(p, v, DBH_SEQ); }
template <class T> static inline T dbh_float_add(T* p, T v) {
    T old = *p, want;
    do { want = old + v; } while (!__atomic_compare_exchange(p, &old, &want, false, DBH_SEQ, DBH_SEQ));
    return old;
}
static inline float atomicAdd(float* p, float v) { return dbh_float_add(p, v); }
static inline double atomicAdd(double* p, double v) { return dbh_float_add(p, v); }
static inline unsigned atomicCAS(unsigned* p, unsigned compare, unsigned value) {
    __atomic_compare_exchange_n(p, &compare, value, false, DBH_SEQ, DBH_SEQ);
    return compare;
}
static inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    unsigned long long old = __atomic_load_n(p, DBH_SEQ);
    while (v < old && !__atomic_compare_exchange_n(p, &old, v, false, DBH_SEQ, DBH_SEQ)) {}
    return old;
}
"""

CTYPES = {
    "bool": ctypes.c_bool,
    "u8": ctypes.c_uint8,
    "i32": ctypes.c_int32,
    "u32": ctypes.c_uint32,
    "i64": ctypes.c_int64,
    "u64": ctypes.c_uint64,
    "f32": ctypes.c_float,
    "f64": ctypes.c_double,
}

_NUMPY_SCALAR = {
    ctypes.c_bool: np.bool_,
    ctypes.c_uint8: np.uint8,
    ctypes.c_int32: np.int32,
    ctypes.c_uint32: np.uint32,
    ctypes.c_int64: np.int64,
    ctypes.c_uint64: np.uint64,
    ctypes.c_float: np.float32,
    ctypes.c_double: np.float64,
}

_KERNEL = re.compile(r'extern\s+"C"\s+void\s+(\w+)\s*\(([^)]*)\)\s*\{')


def compiler():
    return shutil.which("g++") or shutil.which("c++")


def _params(text):
    """[(ctype, C type, name)] of a parameter list such as `u64 numel, const f32* x`."""
    out = []
    for p in text.split(","):
        p = p.strip()
        name = re.findall(r"\w+", p)[-1]
        ty = p[: p.rindex(name)].strip()
        base = ty.replace("const", "").strip()
        out.append((ctypes.c_void_p if "*" in base else CTYPES[base], ty, name))
    return out


def _flags(shim):
    return ["-std=c++17", "-w", f"-I{KERNEL_DIR}", "-include", shim]


def _write_shim(module, workdir):
    shim = os.path.join(workdir, f"{module}_shim.h")
    with open(shim, "w") as f:
        f.write(SHIM)
    return shim


def signatures(module, workdir, cxx=None):
    """{kernel: [(ctype, C type, name)]} of every kernel of `module` (e.g. "unary"), read from
    its preprocessed source."""
    cxx = cxx or compiler()
    src = os.path.join(KERNEL_DIR, f"{module}.cu")
    pre = _run([cxx, *_flags(_write_shim(module, workdir)), "-E", "-P", "-x", "c++", src])
    return {m.group(1): _params(m.group(2)) for m in _KERNEL.finditer(pre)}


def build(module, workdir, cxx=None):
    """Compiles `module` into a shared library under workdir; returns its path and its
    kernels' signatures. Raises RuntimeError with the compiler's output."""
    cxx = cxx or compiler()

    def entry(name, params):
        plist = ", ".join(f"{ty} {n}" for _, ty, n in params)
        return f"dbh_{name}(unsigned dbh_grid, unsigned dbh_block, {plist})", ", ".join(n for _, _, n in params)

    wrapper, kernels = _write_wrapper(module, workdir, cxx, "host", entry)
    lib = os.path.join(workdir, f"{module}_host.so")
    _run([cxx, *_flags(os.path.join(workdir, f"{module}_shim.h")), "-O0", "-shared", "-fPIC", "-pthread", wrapper, "-o", lib])
    return lib, kernels


def _write_wrapper(module, workdir, cxx, tag, entry):
    """Writes `<module>_<tag>.cpp`: the module's source plus one `extern "C"` launcher per
    kernel, `entry(name, params)` giving the launcher's signature and the kernel's argument
    list. Returns the file's path and the kernels' signatures."""
    kernels = signatures(module, workdir, cxx)
    lines = [f'#include "{os.path.join(KERNEL_DIR, module + ".cu")}"']
    for name, params in kernels.items():
        signature, args = entry(name, params)
        lines.append(f'extern "C" void {signature} {{ dbh::launch(dbh_grid, dbh_block, [=] {{ {name}({args}); }}); }}')
    wrapper = os.path.join(workdir, f"{module}_{tag}.cpp")
    with open(wrapper, "w") as f:
        f.write("\n".join(lines) + "\n")
    return wrapper, kernels


def _run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}\n{r.stderr}")
    return r.stdout


class Module:
    """The kernels of one module, callable as `m.kernel_name(grid, block, *args)`: arrays
    (NumPy) pass their data pointer, None is nullptr, numbers pass by value."""

    def __init__(self, lib_path, kernels):
        self._lib = ctypes.CDLL(lib_path)
        self._fns = {}
        for name, params in kernels.items():
            fn = getattr(self._lib, f"dbh_{name}")
            fn.argtypes = [ctypes.c_uint, ctypes.c_uint] + [t for t, _, _ in params]
            fn.restype = None
            self._fns[name] = fn

    def names(self):
        return list(self._fns)

    def __getattr__(self, name):
        fn = self._fns.get(name)
        if fn is None:
            raise AttributeError(name)

        def call(grid, block, *args):
            conv = [a.ctypes.data if hasattr(a, "ctypes") else a for a in args]
            fn(grid, block, *conv)

        return call


class GpuModule:
    """The same calls on a real GPU, through CuPy (compiled by CuPy's NVRTC for the device):
    for a lent GPU machine. Arrays are copied to the device for the launch and back after it,
    so a test reads its results from the NumPy arrays it passed, as with `Module`."""

    def __init__(self, module, kernels):
        import cupy

        self._cp = cupy
        with open(os.path.join(KERNEL_DIR, f"{module}.cu")) as f:
            code = f.read()
        self._mod = cupy.RawModule(code=code, options=("--std=c++17", "-default-device", f"-I{KERNEL_DIR}"))
        self._kernels = kernels

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._kernels:
            raise AttributeError(name)
        cp, params, fn = self._cp, self._kernels[name], self._mod.get_function(name)

        def call(grid, block, *args):
            dev = []
            for (ct, _, _), a in zip(params, args, strict=True):
                if isinstance(a, np.ndarray):
                    assert a.flags.c_contiguous, "pass the base array, not a view"
                    dev.append(cp.asarray(a))
                elif a is None:
                    dev.append(np.uint64(0))  # nullptr
                else:
                    dev.append(_NUMPY_SCALAR[ct](a))
            fn((grid,), (block,), tuple(dev))
            cp.cuda.runtime.deviceSynchronize()
            for a, d in zip(args, dev):
                if isinstance(a, np.ndarray):
                    a[...] = d.get()

        return call


def build_emulator(workdir, cxx=None, opt="-O1"):
    """Compiles every module into one shared library for deepblocks' CUDA emulator
    (src/cuda/emulator.rs, enabled by DEEPBLOCKS_CUDA_EMULATOR=<library>): each kernel gets
    an entry `dbh_launch_<kernel>(grid, block, void** params)` that takes its arguments as
    cuLaunchKernel does, a pointer to each value. Returns the library's path."""
    cxx = cxx or compiler()
    objects = []
    for src in sorted(os.listdir(KERNEL_DIR)):
        if not src.endswith(".cu"):
            continue
        module = src[:-3]

        def entry(name, params):
            args = ", ".join(f"*({ty}*)dbh_p[{i}]" for i, (_, ty, _) in enumerate(params))
            return f"dbh_launch_{name}(unsigned dbh_grid, unsigned dbh_block, void** dbh_p)", args

        wrapper, _ = _write_wrapper(module, workdir, cxx, "emu", entry)
        obj = os.path.join(workdir, f"{module}_emu.o")
        _run([cxx, *_flags(os.path.join(workdir, f"{module}_shim.h")), opt, "-fPIC", "-pthread", "-c", wrapper, "-o", obj])
        objects.append(obj)
    lib = os.path.join(workdir, "deepblocks_cuda_emulator.so")
    # The header's out-of-line helpers (__noinline__) are defined, identically, in every module.
    _run([cxx, "-shared", "-pthread", "-Wl,--allow-multiple-definition", *objects, "-o", lib])
    return lib

"""Compiles the CUDA kernel sources of src/cuda/kernels/ with NVRTC through ctypes: no GPU, no
driver and no Rust build needed, only libnvrtc (PyPI's `nvidia-cuda-nvrtc-cu12`).

A helper of tests/test_cuda_kernels_host.py, and a command for a quick check by hand:

    python tests/cuda_nvrtc_compile.py            # every module for sm_75, sm_80 and sm_90
    python tests/cuda_nvrtc_compile.py sm_80 unary

libnvrtc is looked for at `DEEPBLOCKS_NVRTC` (the library file or its folder), then under
`nvidia/cuda_nvrtc/lib` (or CUDA 13's `nvidia/cu13/lib`) of each entry of `sys.path` (the
running interpreter's site-packages), then by the loader's own search (`libnvrtc.so.12`).
"""

import ctypes
import glob
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_DIR = os.path.join(REPO, "src", "cuda", "kernels")
HEADER = "common.cuh"
ARCHS = ("sm_75", "sm_80", "sm_90")
OPTIONS = ("-default-device", "--std=c++17")


def _candidates():
    env = os.environ.get("DEEPBLOCKS_NVRTC")
    if env:
        if os.path.isdir(env):
            yield from sorted(glob.glob(os.path.join(env, "libnvrtc.so*")))
        else:
            yield env
    for lib in ("cuda_nvrtc/lib", "cu13/lib"):  # the CUDA 12 wheel's layout, then CUDA 13's
        for entry in sys.path:
            yield from sorted(glob.glob(os.path.join(entry, "nvidia", lib, "libnvrtc.so*")))
    yield "libnvrtc.so.12"


def load():
    """The loaded libnvrtc, or None. Its builtins library is preloaded (RTLD_GLOBAL) from the
    same folder: libnvrtc has no RUNPATH and dlopens it by name at the first compile."""
    for path in _candidates():
        if "builtins" in os.path.basename(path):
            continue
        folder = os.path.dirname(path)
        try:
            for builtins in sorted(glob.glob(os.path.join(folder, "libnvrtc-builtins.so*"))):
                ctypes.CDLL(builtins, mode=ctypes.RTLD_GLOBAL)
            lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            continue
        lib.nvrtcGetErrorString.restype = ctypes.c_char_p
        return lib
    return None


def version(lib):
    major, minor = ctypes.c_int(), ctypes.c_int()
    lib.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor))
    return major.value, minor.value


def modules():
    """{module name: source text} of every .cu file."""
    out = {}
    for path in sorted(glob.glob(os.path.join(KERNEL_DIR, "*.cu"))):
        with open(path) as f:
            out[os.path.splitext(os.path.basename(path))[0]] = f.read()
    return out


def header_text():
    with open(os.path.join(KERNEL_DIR, HEADER)) as f:
        return f.read()


def compile_source(lib, name, source, arch, headers=None):
    """Compiles one source for `arch` (an `sm_XY`, to CUBIN). Returns (ok, log, cubin size)."""
    headers = {HEADER: header_text()} if headers is None else headers
    prog = ctypes.c_void_p()
    names = list(headers)
    hdr_src = (ctypes.c_char_p * len(names))(*[headers[n].encode() for n in names])
    hdr_names = (ctypes.c_char_p * len(names))(*[n.encode() for n in names])
    rc = lib.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), f"{name}.cu".encode(), len(names), hdr_src, hdr_names)
    if rc != 0:
        return False, f"nvrtcCreateProgram: {lib.nvrtcGetErrorString(rc).decode()}", 0
    try:
        opts = [f"--gpu-architecture={arch}".encode()] + [o.encode() for o in OPTIONS]
        copts = (ctypes.c_char_p * len(opts))(*opts)
        rc = lib.nvrtcCompileProgram(prog, len(opts), copts)
        size = ctypes.c_size_t()
        lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetProgramLog(prog, buf)
        log = buf.value.decode(errors="replace")
        if rc != 0:
            return False, f"{lib.nvrtcGetErrorString(rc).decode()}\n{log}", 0
        cubin = ctypes.c_size_t()
        rc = lib.nvrtcGetCUBINSize(prog, ctypes.byref(cubin))
        if rc != 0 or cubin.value == 0:
            return False, f"no CUBIN: {lib.nvrtcGetErrorString(rc).decode()}\n{log}", 0
        return True, log, cubin.value
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(prog))


def main(argv):
    archs = [a for a in argv if a.startswith("sm_")] or list(ARCHS)
    wanted = [a for a in argv if not a.startswith("sm_")]
    lib = load()
    if lib is None:
        print("libnvrtc not found (pip install nvidia-cuda-nvrtc-cu12, or set DEEPBLOCKS_NVRTC)")
        return 2
    print("NVRTC %d.%d" % version(lib))
    failed = 0
    for name, source in modules().items():
        if wanted and name not in wanted:
            continue
        for arch in archs:
            ok, log, size = compile_source(lib, name, source, arch)
            print(f"{name:12s} {arch}: {'ok' if ok else 'FAILED'} ({size} bytes)")
            if log.strip():
                print(log)
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

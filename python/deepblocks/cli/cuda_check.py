"""``deepblocks cuda-check``: compiles every CUDA kernel with NVRTC, for each architecture
(sm_75, sm_80 and sm_90 unless ``--arch`` names others). No GPU is needed, only NVRTC
(``pip install nvidia-cuda-nvrtc-cu12``)."""

__all__ = ["cuda_check"]


def cuda_check(archs=None):
    """Compiles every kernel for each architecture and prints the counts; exit status 1 when
    anything fails to compile or NVRTC is missing."""
    from deepblocks import cuda
    from deepblocks.base import MXNetError

    try:
        reports = cuda.check(archs or None)
    except (MXNetError, ValueError) as e:  # no NVRTC; an architecture it does not know
        print(f"cuda-check: {e}")
        return 1
    version = cuda.status()["nvrtc_version"]
    print(f"NVRTC {version[0]}.{version[1]}" + (f" ({cuda.load_nvrtc()})" if cuda.load_nvrtc() else ""))
    failed = 0
    for r in reports:
        print(f"{r['arch']}: {r['modules_ok']}/{r['modules']} modules compiled, {r['kernels_ok']} kernels")
        for f in r["failures"]:
            print("  " + f.replace("\n", "\n  "))
        failed += len(r["failures"])
    return 1 if failed else 0

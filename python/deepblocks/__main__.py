"""``python -m deepblocks info``: what this build is and what it runs on.
``python -m deepblocks cuda-check``: compiles every CUDA kernel with NVRTC (no GPU needed)."""

import argparse
import sys


def info():
    import deepblocks
    from deepblocks import _core

    b = _core.build_info()
    gpus = b["num_gpus"]
    devices = ["cpu(0)"] + [f"gpu({i})" for i in range(gpus)]
    print(f"deepblocks {b['version']}")
    print(f"python     {sys.version.split()[0]}")
    print(f"features   {', '.join(b['features'])}")
    print(f"simd       {b['simd']}")
    print(f"threads    {b['threads']}")
    print(f"devices    {', '.join(devices)}" + ("" if gpus else "  (no GPU found)"))
    from deepblocks import cuda
    cuda.load_nvrtc()
    c = cuda.status()
    if c["compiled"]:
        nvrtc = "NVRTC {}.{}".format(*c["nvrtc_version"]) if c["nvrtc_version"] else "no NVRTC"
        print(f"cuda       compiled in; driver {'found' if c['driver'] else 'not found'}, "
              f"{c['devices']} device(s) seen, {nvrtc}, {c['kernels']} kernels in {c['modules']} modules")
    else:
        print("cuda       not compiled in")
    x = deepblocks.np.arange(6).reshape(2, 3)
    print(f"check      (arange(6).reshape(2, 3) @ ones(3)) = {(x @ deepblocks.np.ones(3)).tolist()}")


def cuda_check(archs):
    """Compiles every kernel for each architecture and prints the counts; exit status 1 when
    anything fails to compile or NVRTC is missing."""
    from deepblocks import cuda
    from deepblocks.base import MXNetError

    try:
        reports = cuda.check(archs or None)
    except MXNetError as e:
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deepblocks")
    parser.add_argument("command", nargs="?", default="info", choices=["info", "cuda-check"])
    parser.add_argument("--arch", action="append", help="cuda-check: an architecture such as sm_80 (repeatable)")
    args = parser.parse_args(argv)
    if args.command == "cuda-check":
        sys.exit(cuda_check(args.arch))
    info()


if __name__ == "__main__":
    main()

"""``deepblocks info``: what this build is and what it runs on: version, build features, SIMD
level, thread count, devices, and what the CUDA backend finds (driver, devices, NVRTC)."""

import sys

__all__ = ["info"]


def info():
    """Prints the report; exit status 0."""
    import deepblocks
    from deepblocks import _core, cuda

    b = _core.build_info()
    gpus = b["num_gpus"]
    devices = ["cpu(0)"] + [f"gpu({i})" for i in range(gpus)]
    print(f"deepblocks {b['version']} ({deepblocks.__path__[0]})")
    print(f"python     {sys.version.split()[0]}")
    print(f"features   {', '.join(b['features'])}")
    print(f"simd       {b['simd']}")
    print(f"threads    {b['threads']}")
    print(f"devices    {', '.join(devices)}" + ("" if gpus else "  (no GPU found)"))
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
    return 0

"""``python -m deepblocks info``: what this build is and what it runs on."""

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
    x = deepblocks.np.arange(6).reshape(2, 3)
    print(f"check      (arange(6).reshape(2, 3) @ ones(3)) = {(x @ deepblocks.np.ones(3)).tolist()}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deepblocks")
    parser.add_argument("command", nargs="?", default="info", choices=["info"])
    parser.parse_args(argv)
    info()


if __name__ == "__main__":
    main()

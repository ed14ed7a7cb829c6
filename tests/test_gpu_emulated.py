"""The GPU suite (tests/gpu) on the host emulator, for machines without a GPU (CI).

The CUDA kernel sources are compiled for the CPU into the emulator library
(tests/cuda_host_kernels.py ``build_emulator``); a fresh interpreter with
``DEEPBLOCKS_CUDA_EMULATOR`` pointing at it sees two GPUs whose operations run those kernels
through the engine's real launch path, and runs tests/gpu there. The run must pass with
nothing skipped: a test skipped there would be a GPU path nobody checks.

Where the session already has GPUs (a real one, or the emulator set for the whole session),
tests/gpu runs in the session itself and this test skips.
"""

import os
import re
import subprocess
import sys

import pytest

import cuda_host_kernels
from deepblocks import cuda, npx

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _summary_counts(output):
    """``{'passed': n, 'failed': n, ...}`` from pytest's last summary line."""
    lines = [l for l in output.strip().splitlines() if re.search(r"\d+ (passed|failed|error|skipped)", l)]
    if not lines:
        return {}
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (\w+)", lines[-1])}


def test_gpu_suite_passes_on_the_emulator(tmp_path):
    if npx.num_gpus() > 0:
        pytest.skip(f"tests/gpu runs in this session on {npx.num_gpus()} GPU(s)")
    if not cuda.status()["compiled"]:
        pytest.skip("this build has no CUDA backend")
    if cuda_host_kernels.compiler() is None:
        pytest.skip("no C++ compiler (g++) to build the emulator")
    lib = cuda_host_kernels.build_emulator(str(tmp_path))
    env = dict(os.environ, DEEPBLOCKS_CUDA_EMULATOR=lib, DEEPBLOCKS_CUDA_EMULATOR_DEVICES="2",
               DEEPBLOCKS_NUM_THREADS="1")
    env.pop("DEEPBLOCKS_GPU_SUITE_ON_CPU", None)
    cmd = [sys.executable, "-m", "pytest", os.path.join("tests", "gpu"), "-p", "no:cacheprovider", "-x", "-rfEs"]
    run = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=1200)
    out = run.stdout + run.stderr
    counts = _summary_counts(out)
    assert run.returncode == 0, f"the GPU suite failed on the emulator:\n{out[-6000:]}"
    assert counts.get("passed", 0) > 0 and not counts.get("skipped") and not counts.get("failed"), out[-6000:]

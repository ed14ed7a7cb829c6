"""The CUDA backend as seen from a machine without a GPU: it is compiled in, reports what it
finds without failing, refuses GPU arrays with a clear MXNetError, and compiles every kernel
with NVRTC for sm_75, sm_80 and sm_90 (CI installs NVRTC and sets DEEPBLOCKS_REQUIRE_NVRTC=1,
so there the compile check cannot skip)."""

import os
import subprocess
import sys

import pytest

from deepblocks import cuda, np, npx, runtime
from deepblocks.base import MXNetError

REQUIRE_NVRTC = os.environ.get("DEEPBLOCKS_REQUIRE_NVRTC") == "1"


def _nvrtc_or_skip():
    cuda.load_nvrtc()
    if not cuda.status()["nvrtc"]:
        if REQUIRE_NVRTC:
            pytest.fail("DEEPBLOCKS_REQUIRE_NVRTC=1 but libnvrtc was not found")
        pytest.skip("libnvrtc not installed (pip install nvidia-cuda-nvrtc-cu12)")


def test_status_reports_the_build_and_the_machine():
    s = cuda.status()
    assert s["compiled"] is True
    assert isinstance(s["driver"], bool) and isinstance(s["devices"], int) and s["devices"] >= 0
    assert s["modules"] > 0 and s["kernels"] >= s["modules"]
    assert runtime.Features().is_enabled("CUDA")
    assert cuda.is_available() == (s["devices"] > 0)


@pytest.mark.skipif(npx.num_gpus() > 0, reason="GPUs are present (a real one, or the emulator)")
def test_gpu_arrays_are_refused_with_the_reason():
    assert npx.num_gpus() == 0
    for make in (lambda: np.zeros((2, 2), ctx=npx.gpu(0)), lambda: np.ones(3).copyto(npx.gpu(0)),
                 lambda: np.random.uniform(size=(2,), ctx=npx.gpu(1))):
        with pytest.raises(MXNetError, match=r"gpu\(\d\).*no GPU is available"):
            make()


def test_every_kernel_compiles_in_process():
    _nvrtc_or_skip()
    reports = cuda.check(["sm_80"])   # all three architectures: test_cuda_check_command
    assert [r["arch"] for r in reports] == ["sm_80"]
    status = cuda.status()
    for r in reports:
        assert r["failures"] == [], "\n".join(r["failures"])
        assert r["modules_ok"] == r["modules"] == status["modules"]
        assert r["kernels_ok"] == status["kernels"]


def test_bad_architecture_names_are_value_errors():
    _nvrtc_or_skip()
    with pytest.raises(ValueError, match="sm_80"):
        cuda.check(["ampere"])


def test_cuda_check_command():
    _nvrtc_or_skip()
    out = subprocess.run([sys.executable, "-m", "deepblocks", "cuda-check"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("NVRTC 12.")
    n = cuda.status()
    for arch in ("sm_75", "sm_80", "sm_90"):
        want = f"{arch}: {n['modules']}/{n['modules']} modules compiled, {n['kernels']} kernels"
        assert want in lines, out.stdout

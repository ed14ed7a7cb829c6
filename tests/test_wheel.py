"""The wheel: ``maturin build --release`` makes one abi3 wheel of at most 10 MB that installs
into a fresh venv with NumPy alone and works there.

The build and the venv are made once for the module (seconds when ``pip install -e .`` has
already compiled the extension with the same settings, minutes from scratch); the venv gets
NumPy from PyPI, so these tests need the network. ``-m "not wheel"`` leaves them out.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 10_000_000

SMOKE = """\
import sys
import deepblocks
from deepblocks import autograd, gluon, init, np, npx
from deepblocks.gluon import nn

assert "site-packages" in deepblocks.__file__, deepblocks.__file__
npx.set_np()
x = np.arange(6).reshape(2, 3)
assert (x @ np.ones(3)).tolist() == [3.0, 12.0]
w = np.array([1.0, 2.0, 3.0])
w.attach_grad()
with autograd.record():
    y = (w * w).sum()
y.backward()
assert w.grad.tolist() == [2.0, 4.0, 6.0]
net = nn.Dense(4)
net.initialize(init.Xavier())
assert net(np.ones((2, 5))).shape == (2, 4) and net.weight.shape == (4, 5)
images = gluon.data.vision.Digits(train=True)
assert len(images) == 1442 and images[0][0].shape == (8, 8, 1)
print("smoke ok", deepblocks.__version__)
"""


def _run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _maturin():
    exe = shutil.which("maturin") or str(Path(sys.executable).parent / "maturin")
    assert os.path.exists(exe), "maturin is not installed: pip install -e '.[test]' installs it"
    return exe


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    _run([_maturin(), "build", "--release", "--out", str(out)], cwd=ROOT, timeout=1800)
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv (no system site-packages) with NumPy from PyPI and the wheel; returns its
    bin folder. The environment drops PYTHONPATH so that nothing comes from the source tree."""
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(home / "venv")], timeout=300)
    bin_dir = home / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
          "numpy", str(wheel)], timeout=900, env=_clean_env())
    return bin_dir


def _clean_env():
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.mark.wheel
def test_wheel_is_abi3_and_small(wheel):
    name, version, python_tag, abi_tag, platform_tag = wheel.name[:-len(".whl")].split("-")
    assert (name, python_tag, abi_tag) == ("deepblocks", "cp311", "abi3"), wheel.name
    assert platform_tag.startswith(("manylinux", "linux", "macosx", "win")), wheel.name
    size = wheel.stat().st_size
    assert size <= MAX_BYTES, f"{wheel.name} is {size / 1e6:.1f} MB"
    print(f"\n{wheel.name}: {size / 1e6:.2f} MB")


@pytest.mark.wheel
def test_wheel_contents(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/WHEEL"))
        tags = [line for line in z.read(meta).decode().splitlines() if line.startswith("Tag:")]
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert tags and all("-abi3-" in t for t in tags), tags
    extensions = [n for n in names if n.startswith("deepblocks/_core") and not n.endswith(".pyi")]
    assert extensions == ["deepblocks/_core.abi3.so"] or extensions == ["deepblocks/_core.pyd"], extensions
    for path in ("deepblocks/py.typed", "deepblocks/_core.pyi",  # typing: PEP 561 marker, extension stubs
                 "deepblocks/gluon/data/vision/digits.csv.gz",
                 "deepblocks/gluon/data/vision/DIGITS_LICENSE.txt",
                 "deepblocks/gluon/data/text/timemachine.txt", "deepblocks/gluon/data/text/README.txt",
                 "deepblocks/cli/__init__.py", "deepblocks/cli/demo.py", "deepblocks/__main__.py"):
        assert path in names, path
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]
    assert "deepblocks = deepblocks.cli:main" in entry_points.replace("=", " = ").replace("  ", " ")
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert [r for r in requires if "extra ==" not in r] == ["Requires-Dist: numpy>=1.23"]
    assert "Provides-Extra: demo" in metadata and "Provides-Extra: test" in metadata
    # Who made it, under which license, and where it lives: what `pip show` and PyPI display.
    assert "License-Expression: Apache-2.0" in metadata and "License-File: LICENSE" in metadata
    assert "Author: The deepblocks developers" in metadata
    assert "Project-URL: Source, https://github.com/deepblocks/deepblocks" in metadata
    assert any(".dist-info/" in n and n.endswith("/LICENSE") for n in names), names


@pytest.mark.wheel
def test_fresh_venv_has_numpy_alone(venv):
    out = _run([str(venv / "python"), "-m", "pip", "list", "--format=json"], env=_clean_env())
    installed = {p["name"].lower() for p in json.loads(out.stdout)}
    assert {"deepblocks", "numpy"} <= installed <= {"deepblocks", "numpy", "pip", "setuptools"}, installed


@pytest.mark.wheel
def test_smoke_in_the_fresh_venv(venv, tmp_path):
    out = _run([str(venv / "python"), "-c", SMOKE], cwd=tmp_path, env=_clean_env(), timeout=120)
    assert out.stdout.startswith("smoke ok ")


@pytest.mark.wheel
def test_commands_in_the_fresh_venv(venv, tmp_path):
    info = _run([str(venv / "deepblocks"), "info"], cwd=tmp_path, env=_clean_env(), timeout=120)
    assert info.stdout.startswith("deepblocks ") and "site-packages" in info.stdout.splitlines()[0]
    # the demo with NumPy alone: the built-in progress bar, no plot
    demo = _run([str(venv / "python"), "-m", "deepblocks", "demo"], cwd=tmp_path,
                env=_clean_env(), timeout=300)
    assert "epoch 20/20: 46/46 batches" in demo.stderr
    assert "reloaded  into a fresh network: predictions identical" in demo.stdout
    assert "matplotlib is not installed" in demo.stdout


def test_one_extension_module_in_the_source_tree():
    """Python prefers ``_core.cpython-311-*.so`` to ``_core.abi3.so``: a build left over from
    before the switch to abi3 would shadow every fresh ``maturin develop``."""
    import deepblocks

    package = Path(deepblocks.__file__).parent
    if package != ROOT / "python" / "deepblocks":
        pytest.skip("deepblocks is installed, not used from the source tree")
    builds = sorted(p.name for p in package.glob("_core*.so"))
    assert len(builds) <= 1, (f"several builds of the extension in {package}: {builds}; Python loads "
                              f"{Path(deepblocks._core.__file__).name}. Delete the stale one(s).")

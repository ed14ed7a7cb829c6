"""Static typing: the package ships ``py.typed`` and stubs of its Rust extension
(``deepblocks/_core.pyi``), and ``mypy`` (configured in pyproject.toml) finds no error in the
examples, whose untyped function bodies it checks too.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "deepblocks"


def test_the_package_is_marked_typed():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "_core.pyi").is_file()


def _stub_names():
    tree = ast.parse((PACKAGE / "_core.pyi").read_text())
    top, classes = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | {
                n.target.id for n in node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            top.add(node.target.id)
    return top, classes


def test_the_stub_covers_the_extension():
    """Every function and class of ``_core`` is in the stub, and so is every method and
    property of the array class (a new binding without a stub fails here)."""
    from deepblocks import _core

    top, classes = _stub_names()
    runtime = {n for n in dir(_core) if not (n.startswith("__") and n.endswith("__"))} | {"__version__"}
    assert runtime - top == set(), "functions of _core missing from _core.pyi"
    assert top - runtime == set(), "names in _core.pyi that _core does not have"
    skip = {"__doc__", "__module__", "__new__", "__init__", "__class__", "__dict__", "__weakref__"}
    for cls in ("ndarray", "Context"):
        members = {n for n in vars(getattr(_core, cls)) if n not in skip}
        # pyo3 gives every class the rich comparisons; Context implements only == (and !=).
        if cls == "Context":
            members -= {"__lt__", "__le__", "__gt__", "__ge__", "__ne__", "__repr__", "__str__"}
        else:
            members -= {"__repr__", "__str__"}
        assert members - classes[cls] == set(), f"{cls} members missing from _core.pyi"


def test_mypy_passes_on_the_examples(tmp_path):
    pytest.importorskip("mypy")
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.py"))
    assert examples
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
         str(tmp_path / "cache"), *examples],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"mypy found errors:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    assert "Success: no issues found" in proc.stdout


def test_mypy_sees_through_the_stub(tmp_path):
    """The stub gives real types: a wrong use of an array method is an error mypy reports
    (so the passing run above is not vacuous)."""
    pytest.importorskip("mypy")
    bad = tmp_path / "bad.py"
    bad.write_text("from deepblocks import np\n"
                   "x: np.ndarray = np.zeros((2, 3))\n"
                   "n: str = x.ndim\n"
                   "x.reshape(2, 3).no_such_method()\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
         str(tmp_path / "cache"), str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in proc.stdout
    assert '"ndarray" has no attribute "no_such_method"' in proc.stdout

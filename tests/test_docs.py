"""The examples in docstrings are part of the documentation: they must run and be right."""

import doctest
import importlib

import pytest

def _all_modules():
    """Every module of the package (new modules are covered without editing this list)."""
    import pkgutil

    import deepblocks

    names = ["deepblocks"]
    for info in pkgutil.walk_packages(deepblocks.__path__, "deepblocks."):
        if info.name.split(".")[-1] in ("__main__", "_core"):
            continue
        names.append(info.name)
    return sorted(names)


MODULES = _all_modules()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    from deepblocks import util

    saved = dict(util._state)
    try:
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    finally:
        util._state.update(saved)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_the_array_class_documents_itself():
    from deepblocks import np

    finder = doctest.DocTestFinder()
    tests = finder.find(np.ndarray, "ndarray", globs={})
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for t in tests:
        runner.run(t)
    assert runner.tries > 0
    assert runner.failures == 0

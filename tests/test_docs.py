"""The examples in docstrings are part of the documentation: they must run and be right."""

import doctest
import importlib

import pytest

MODULES = [
    "deepblocks",
    "deepblocks.context",
    "deepblocks.util",
    "deepblocks.numpy",
    "deepblocks.numpy.random",
    "deepblocks.numpy.linalg",
    "deepblocks.numpy_extension",
    "deepblocks.numpy_extension.serialization",
    "deepblocks.ndarray",
    "deepblocks.autograd",
    "deepblocks.initializer",
    "deepblocks.gluon.utils",
    "deepblocks.gluon.data",
    "deepblocks.gluon.data.dataset",
]


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

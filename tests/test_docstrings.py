"""Every public method and property of the array classes has a docstring (what ``help()``
shows), and every Gluon layer documents each of its constructor's parameters by name."""

import inspect
import re

import pytest

from deepblocks import gluon, nd, np
from deepblocks.gluon import nn, rnn


def _public_members(cls):
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        member = inspect.getattr_static(cls, name)
        if isinstance(member, (int, float, str, tuple, type(None))):
            continue        # plain class constants carry no docstring of their own
        yield name, member


@pytest.mark.parametrize("cls", [np.ndarray, nd.NDArray], ids=["np.ndarray", "nd.NDArray"])
def test_every_public_array_member_has_a_docstring(cls):
    members = list(_public_members(cls))
    assert len(members) > 50        # the walk does see the class's methods and properties
    missing = [name for name, member in members if not (getattr(member, "__doc__", None) or "").strip()]
    assert missing == [], f"{cls.__name__} members without a docstring: {missing}"


def _layer_classes():
    seen = {}
    for mod in (nn, rnn):
        for name in sorted(dir(mod)):
            cls = getattr(mod, name)
            if inspect.isclass(cls) and issubclass(cls, gluon.Block) and cls not in seen.values():
                seen[f"{mod.__name__.rsplit('.', 1)[-1]}.{name}"] = cls
    return seen


LAYERS = _layer_classes()


def _constructor_parameters(cls):
    sig = inspect.signature(cls.__init__)
    return [p.name for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


def test_the_layer_walk_sees_the_layers():
    assert {"nn.Dense", "nn.Conv2D", "nn.BatchNorm", "nn.Sequential", "rnn.LSTM", "rnn.GRUCell"} <= set(LAYERS)
    assert len(LAYERS) >= 55


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_each_layer_documents_its_constructor_parameters(name):
    cls = LAYERS[name]
    doc = inspect.getdoc(cls) or ""
    assert doc.strip(), f"{name} has no docstring"
    missing = [p for p in _constructor_parameters(cls) if not re.search(rf"\b{re.escape(p)}\b", doc)]
    assert missing == [], f"{name}'s docstring does not mention {missing}"

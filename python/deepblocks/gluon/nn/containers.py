"""Containers of Blocks: ``Sequential`` / ``HybridSequential`` (chained), ``BlockList`` and
``BlockDict`` (registered collections you call yourself).

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> net = nn.Sequential()
>>> net.add(nn.Dense(3, activation='relu'), nn.Dense(2))
>>> net
Sequential(
  (0): Dense(-1 -> 3, Activation(relu))
  (1): Dense(-1 -> 2, linear)
)
>>> len(net), type(net[1]).__name__
(2, 'Dense')
"""

import warnings
from collections import OrderedDict

from ..block import Block, HybridBlock, _indent

__all__ = ["Sequential", "HybridSequential", "BlockList", "BlockDict"]


def _chain(blocks, x, args):
    for block in blocks:
        x = block(x, *args)
        args = ()
        if isinstance(x, (tuple, list)):
            args = x[1:]
            x = x[0]
    if args:
        x = tuple([x] + list(args))
    return x


class _SequentialMixin:
    def add(self, *blocks):
        """Appends blocks (registered as '0', '1', ...)."""
        for block in blocks:
            self._register_child(block)

    def forward(self, x, *args):
        return _chain(self._children.values(), x, args)

    def __repr__(self):
        body = "\n".join(f"  ({k}): {_indent(repr(v), 2)}" for k, v in self._children.items())
        return f"{self.__class__.__name__}(\n{body}\n)"

    def __getitem__(self, key):
        layers = list(self._children.values())[key]
        if not isinstance(layers, list):
            return layers
        net = type(self)(prefix=self.prefix)
        with net.name_scope():
            net.add(*layers)
        return net

    def __len__(self):
        return len(self._children)

    def __iter__(self):
        return iter(list(self._children.values()))


class Sequential(_SequentialMixin, Block):
    """Chains Blocks: the output of each is the input of the next.

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``sequential0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, *blocks, prefix=None, params=None):
        # MXNet 1.9's signature is Sequential(prefix=None, params=None); blocks given
        # positionally (Gluon 2.0 / PyTorch style) are added.
        if blocks and isinstance(blocks[0], str) and prefix is None:
            prefix, blocks = blocks[0], blocks[1:]
        super().__init__(prefix=prefix, params=params)
        self.add(*blocks)

    def hybridize(self, active=True, **kwargs):
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(f"All children of this Sequential layer '{self.prefix}' are HybridBlocks. Consider "
                          "using HybridSequential for the best performance.", stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_SequentialMixin, HybridBlock):
    """``Sequential`` as a HybridBlock (any Block may be a child in deepblocks).

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``hybridsequential0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, *blocks, prefix=None, params=None):
        if blocks and isinstance(blocks[0], str) and prefix is None:
            prefix, blocks = blocks[0], blocks[1:]
        super().__init__(prefix=prefix, params=params)
        self.add(*blocks)


class BlockList(Block):
    """A registered list of Blocks (PyTorch's ModuleList): index, iterate, ``append``,
    ``extend``, ``insert``; call the members yourself in ``forward``.

    Parameters
    ----------
    blocks
        Child Blocks to register at once (more can be added later).
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``blocklist0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, blocks=(), prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.extend(blocks)

    def _renumber(self, blocks):
        self._children.clear()
        for b in blocks:
            self._register_child(b)

    def append(self, block):
        self._register_child(block)
        return self

    def extend(self, blocks):
        for b in blocks:
            self._register_child(b)
        return self

    def insert(self, index, block):
        blocks = list(self._children.values())
        blocks.insert(index, block)
        self._renumber(blocks)

    def __getitem__(self, i):
        blocks = list(self._children.values())
        if isinstance(i, slice):
            return BlockList(blocks[i])
        return blocks[i]

    def __setitem__(self, i, block):
        blocks = list(self._children.values())
        blocks[i] = block
        self._renumber(blocks)

    def __delitem__(self, i):
        blocks = list(self._children.values())
        del blocks[i]
        self._renumber(blocks)

    def __len__(self):
        return len(self._children)

    def __iter__(self):
        return iter(list(self._children.values()))

    def __repr__(self):
        body = "\n".join(f"  ({k}): {_indent(repr(v), 2)}" for k, v in self._children.items())
        return f"{self.__class__.__name__}(\n{body}\n)"

    def forward(self, *args):
        raise NotImplementedError("BlockList has no forward: call its members")


class BlockDict(Block):
    """A registered dict of Blocks (PyTorch's ModuleDict), keyed by str.

    Parameters
    ----------
    blocks
        Child Blocks to register at once (more can be added later).
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``blockdict0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, blocks=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        if blocks is not None:
            self.update(blocks)

    def update(self, blocks):
        items = blocks.items() if hasattr(blocks, "items") else blocks
        for k, b in items:
            self[k] = b

    def __setitem__(self, key, block):
        if not isinstance(key, str):
            raise TypeError(f"BlockDict keys must be str, got {type(key).__name__}")
        self._register_child(block, key)

    def __getitem__(self, key):
        return self._children[key]

    def __delitem__(self, key):
        del self._children[key]

    def __contains__(self, key):
        return key in self._children

    def __len__(self):
        return len(self._children)

    def __iter__(self):
        return iter(list(self._children))

    def keys(self):
        return self._children.keys()

    def values(self):
        return self._children.values()

    def items(self):
        return self._children.items()

    def pop(self, key):
        return self._children.pop(key)

    def __repr__(self):
        body = "\n".join(f"  ({k}): {_indent(repr(v), 2)}" for k, v in self._children.items())
        return f"{self.__class__.__name__}(\n{body}\n)"

    def forward(self, *args):
        raise NotImplementedError("BlockDict has no forward: call its members")

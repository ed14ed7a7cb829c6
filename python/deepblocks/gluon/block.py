"""Gluon Blocks: the base class of every layer and model.

A Block registers the Blocks and Parameters assigned to its attributes, names them the way
MXNet 1.9 does (``dense0_weight`` from per-class counters), initializes parameters (deferring
unknown shapes to the first call) and saves them under structural paths (``0.weight``).

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> class MLP(nn.Block):
...     def __init__(self, **kwargs):
...         super().__init__(**kwargs)
...         self.hidden = nn.Dense(4, activation='relu')
...         self.output = nn.Dense(2)
...     def forward(self, x):
...         return self.output(self.hidden(x))
>>> net = MLP()
>>> net.initialize()
>>> net(np.ones((3, 5))).shape
(3, 2)
>>> [p.shape for p in net.collect_params().values()]
[(4, 5), (4,), (2, 4), (2,)]
"""

import re
import threading
import warnings
from collections import OrderedDict

from .. import _core
from .. import initializer
from ..base import MXNetError
from .parameter import (DeferredInitializationError, Parameter, ParameterDict, ParameterList, _pending,
                        _pick_ctx)

__all__ = ["Block", "HybridBlock", "SymbolBlock", "HookHandle"]

# Display-name counters: global per class-name hint outside any name_scope (MXNet's NameManager).
_global_counter: dict[str, int] = {}
_scope = threading.local()


def _next_global_name(hint):
    n = _global_counter.get(hint, 0)
    _global_counter[hint] = n + 1
    return f"{hint}{n}"


class _BlockScope:
    """The naming scope a Block opens with ``name_scope()``: children created inside get the
    parent's prefix and a counter local to the parent."""

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old = None

    @staticmethod
    def create(prefix, params, hint):
        current = getattr(_scope, "value", None)
        if current is None:
            if prefix is None:
                prefix = _next_global_name(hint) + "_"
            params = ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            n = current._counter.get(hint, 0)
            prefix = f"{hint}{n}_"
            current._counter[hint] = n + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old = getattr(_scope, "value", None)
        _scope.value = self
        return self

    def __exit__(self, *exc):
        if self._block._empty_prefix:
            return
        _scope.value = self._old


# The Block's own bookkeeping dicts, never user containers.
_OWN_DICTS = frozenset(("_children", "_reg_params", "_reg_containers", "_forward_hooks", "_forward_pre_hooks"))


def _hides_block(data, children):
    """Whether a (nested) list, tuple or dict holds a Block that is not a registered child."""
    if isinstance(data, Block):
        return id(data) not in children
    if isinstance(data, dict):
        data = data.values()
    elif not isinstance(data, (list, tuple)):
        return False
    return any(_hides_block(x, children) for x in data)


def _indent(text, n):
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * n + line for line in lines[1:]])


class HookHandle:
    """Returned by ``register_forward_hook``; ``detach()`` (or ``remove()``) unregisters."""

    _next_id = 0

    def __init__(self, hooks):
        self._hooks = hooks
        self._id = HookHandle._next_id
        HookHandle._next_id += 1

    def detach(self):
        self._hooks.pop(self._id, None)

    remove = detach

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()


class Block:
    """Base class for layers and models: subclass it, create child Blocks and Parameters in
    ``__init__`` and compute in ``forward``.

    ``prefix`` sets the display-name prefix (default: class name + counter, e.g. ``mlp0_``);
    ``params`` shares the Parameters of another Block (``params=other.params``).

    As in MXNet 1.9.1, an attribute holding a child Block or a Parameter takes only another
    one of its kind (``TypeError`` otherwise; ``del`` it first). Unlike 1.9.1, a Parameter may
    replace a Parameter: that ties the two Blocks' weights, as in Gluon 2.0.

    Input dtypes: a layer's input must have its parameters' dtype, as in MXNet, which refuses
    float64 data for float32 weights. ``nd.array(numpy_float64)`` already gives float32, as
    MXNet's does; ``np.array(numpy_float64)`` and a raw NumPy float64 array stay float64, and a
    layer given one raises ``TypeError`` naming both dtypes and the fix (``x.astype('float32')``
    or ``net.cast('float64')``) rather than computing in float64. (MXNet refuses raw NumPy
    arrays altogether; deepblocks takes them when the dtype fits.)

    A ``ValueError`` or ``TypeError`` raised in a forward pass (a shape or dtype mismatch)
    names the Block that raised it, seen from the Block that was called. It reaches the caller
    as an ``MXNetError`` (what MXNet raises there) that is still a ``ValueError`` or
    ``TypeError``:

    >>> from deepblocks import np
    >>> from deepblocks.gluon import nn
    >>> net = nn.Sequential()
    >>> net.add(nn.Dense(4, in_units=3))
    >>> net.initialize()
    >>> net(np.ones((2, 5)))
    Traceback (most recent call last):
    ...
    deepblocks.ndarray.ops.OperatorError: Sequential.0 (Dense): linear: input shape (2, 5) does not fit weight shape (4, 3) (expected (batch, 3))
    """

    # Set through __dict__ in __init__ (bypassing __setattr__'s registration); declared here
    # for type checkers.
    _children: "OrderedDict[str, Block]"
    _reg_params: "OrderedDict[str, Parameter]"
    _reg_containers: "OrderedDict[str, ParameterDict | ParameterList]"
    _forward_hooks: OrderedDict
    _forward_pre_hooks: OrderedDict

    def __init__(self, prefix=None, params=None):
        d = self.__dict__
        d["_empty_prefix"] = prefix == ""
        prefix, params = _BlockScope.create(prefix, params, self._alias())
        d["_prefix"] = prefix
        d["_name"] = prefix[:-1] if prefix.endswith("_") else prefix
        d["_params"] = params
        d["_scope"] = _BlockScope(self)
        d["_children"] = OrderedDict()
        d["_reg_params"] = OrderedDict()
        d["_reg_containers"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    def _alias(self):
        return self.__class__.__name__.lower()

    # ---- names ------------------------------------------------------------------------

    @property
    def name(self):
        """Display name, e.g. ``dense0``."""
        return self.__dict__.get("_name", self.__class__.__name__.lower())

    @property
    def prefix(self):
        """Display-name prefix of this Block's parameters, e.g. ``dense0_``."""
        return self.__dict__.get("_prefix", "")

    @property
    def params(self):
        """This Block's own ParameterDict (not its children's: see ``collect_params``)."""
        p = self.__dict__.get("_params")
        return p if p is not None else ParameterDict()

    def name_scope(self):
        """A context in which new child Blocks get this Block's prefix."""
        return self._scope

    # ---- registration -----------------------------------------------------------------

    def __setattr__(self, name, value):
        d = self.__dict__
        if "_children" not in d and isinstance(value, (Block, Parameter, ParameterDict, ParameterList)):
            raise AttributeError(f"cannot assign {type(value).__name__} '{name}' before Block.__init__() call "
                                 f"(call super().__init__() first in {type(self).__name__}.__init__)")
        old = d.get(name)
        if isinstance(old, (Block, Parameter)) and not isinstance(value, type(old)):
            # MXNet's rule: a child Block or a Parameter is replaced only by one of its own kind
            # (a Dense by a Dense, a Parameter by a Parameter); anything else is most likely a typo.
            raise TypeError(f"Changing attribute type for '{name}' from {type(old).__name__} to "
                            f"{type(value).__name__} is not allowed: '{name}' holds a registered "
                            f"{'child Block' if isinstance(old, Block) else 'Parameter'}. Assign another "
                            f"{type(old).__name__}, or delete it first (del block.{name}).")
        if isinstance(old, (ParameterDict, ParameterList)) and not isinstance(value, (ParameterDict, ParameterList)):
            d["_reg_containers"].pop(name, None)
        if isinstance(value, Block):
            self._register_child(value, name)
        elif isinstance(value, Parameter):
            d["_reg_params"][name] = value
        elif isinstance(value, (ParameterDict, ParameterList)):
            d["_reg_containers"][name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        d = self.__dict__
        d["_children"].pop(name, None) if "_children" in d else None
        d["_reg_params"].pop(name, None) if "_reg_params" in d else None
        d["_reg_containers"].pop(name, None) if "_reg_containers" in d else None
        object.__delattr__(self, name)

    def register_child(self, block, name=None):
        """Registers ``block`` as a child under ``name`` (default: the next index, '0', '1'...)."""
        self._register_child(block, name)

    def _register_child(self, block, name=None):
        if not isinstance(block, Block):
            raise TypeError(f"register_child: expected a Block, got {type(block).__name__}")
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """Calls ``hook(block, args)`` before each forward."""
        handle = HookHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle._id] = hook
        return handle

    def register_forward_hook(self, hook):
        """Calls ``hook(block, args, output)`` after each forward."""
        handle = HookHandle(self._forward_hooks)
        self._forward_hooks[handle._id] = hook
        return handle

    def apply(self, fn):
        """Calls ``fn`` on every child (recursively), then on this Block; returns self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    # ---- parameter collection -------------------------------------------------------------

    def _own_params(self):
        """(local name, Parameter) for this Block's own parameters, in creation order."""
        seen = {}
        by_id = {id(p): k for k, p in self._reg_params.items()}
        plen = len(self._params.prefix) if self.__dict__.get("_params") is not None else 0
        if self.__dict__.get("_params") is not None:
            for full, p in self._params.items():
                local = by_id.get(id(p))
                if local is None:
                    local = full[plen:] if full.startswith(self._params.prefix) else full
                seen.setdefault(id(p), (local, p))
        for k, p in self._reg_params.items():
            if id(p) not in seen:
                seen[id(p)] = (k, p)
        out = list(seen.values())
        for cname, cont in self._reg_containers.items():
            items = cont.items() if isinstance(cont, ParameterDict) else ((str(i), p) for i, p in enumerate(cont))
            for k, p in items:
                out.append((f"{cname}.{k}", p))
        return out

    def _collect_params_with_prefix(self, prefix=""):
        """OrderedDict of structural path -> Parameter over the whole tree (shared parameters
        appear under each of their paths)."""
        out = OrderedDict()
        self._walk_params(prefix, out, set())
        return out

    def _walk_params(self, prefix, out, visiting):
        if id(self) in visiting:
            return
        visiting.add(id(self))
        for local, p in self._own_params():
            out[prefix + local] = p
        for cname, child in self._children.items():
            child._walk_params(f"{prefix}{cname}.", out, visiting)
        visiting.discard(id(self))

    def _collect(self, select=None):
        """The ParameterDict behind ``collect_params`` (internals call this, never the public
        method, which a subclass may override)."""
        self._warn_unregistered(set())
        ret = ParameterDict(self.prefix)
        by_id = {}
        for path, p in self._collect_params_with_prefix().items():
            if p._path is None:
                p._path = path
            key = by_id.get(id(p))
            if key is None:
                key = p.name
                if key in ret._params and ret._params[key] is not p:
                    key = path
                ret._params[key] = p
                by_id[id(p)] = key
            ret._paths[path] = key
        if select is not None:
            pattern = re.compile(select)
            keep = OrderedDict()
            for key, p in ret._params.items():
                if pattern.match(key) or any(pattern.match(path) for path, k in ret._paths.items() if k == key):
                    keep[key] = p
            ret._params = keep
            ret._paths = {path: k for path, k in ret._paths.items() if k in keep}
        return ret

    def collect_params(self, select=None):
        """A ParameterDict of this Block's and all its children's parameters (shared ones
        once), keyed by display name; ``select`` is a regex ``re.match``-ed against display
        names and structural paths (``'.*weight'``)."""
        return self._collect(select)

    def _warn_unregistered(self, seen):
        """MXNet's warning (at ``collect_params`` and ``initialize``) about Blocks kept in a list,
        tuple or dict attribute, nested ones included, that are not registered children."""
        if id(self) in seen:
            return
        seen.add(id(self))
        children = {id(c) for c in self._children.values()}
        for k, v in self.__dict__.items():
            if k in _OWN_DICTS or not isinstance(v, (list, tuple, dict)):
                continue
            if _hides_block(v, children):
                warnings.warn(f'"{type(self).__name__}.{k}" is an unregistered container with Blocks. Note that '
                              "Blocks inside the list, tuple or dict will not be registered automatically. Make sure "
                              "to register them using register_child() or switching to "
                              "nn.Sequential/nn.HybridSequential instead. ",
                              stacklevel=4)
        for child in self._children.values():
            child._warn_unregistered(seen)

    # ---- initialization and devices --------------------------------------------------------

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False, *, device=None):
        """Initializes every parameter of the tree with ``init`` (parameters with their own
        initializer keep it); unknown shapes wait for the first forward pass."""
        self._collect().initialize(init, _pick_ctx(ctx, device), verbose, force_reinit)

    def reset_ctx(self, ctx=None, *, device=None):
        """Moves every parameter to ``ctx``."""
        self._collect().reset_ctx(_pick_ctx(ctx, device))

    reset_device = reset_ctx

    def zero_grad(self):
        """Zeros every parameter's gradient buffer."""
        self._collect().zero_grad()

    def setattr(self, name, value):
        """Sets ``name`` on every parameter of the tree (e.g. ``setattr('grad_req', 'null')``)."""
        self._collect().setattr(name, value)

    def cast(self, dtype):
        """Converts every parameter to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for _, p in self._own_params():
            p.cast(dtype)

    def share_parameters(self, shared):
        """Uses the Parameters of ``shared`` (a ParameterDict or a dict keyed by structural
        path, e.g. ``other.collect_params()``) for the matching paths of this Block."""
        if shared is None:
            return self
        if isinstance(shared, ParameterDict):
            src = {path: shared._params[k] for path, k in shared._paths.items()}
            src.update({k: p for k, p in shared.items() if k not in src})
        else:
            src = dict(shared)
        used = set()
        self._share_into("", src, used)
        # A parameter is listed under its path and its display name: report each unused one once.
        reported = {id(src[k]) for k in used}
        left = []
        for k, p in src.items():
            if id(p) not in reported:
                reported.add(id(p))
                left.append(k)
        if left:
            warnings.warn(f"Parameter(s) {', '.join(left)} in the shared dict are not used by {self.name}", stacklevel=2)
        return self

    def _share_into(self, prefix, src, used):
        for local, p in self._own_params():
            path = prefix + local
            if path in src and src[path] is not p:
                new = src[path]
                used.add(path)
                if local in self._reg_params:
                    object.__setattr__(self, local, new)
                    self._reg_params[local] = new
                if self.__dict__.get("_params") is not None:
                    for k, q in list(self._params._params.items()):
                        if q is p:
                            self._params._params[k] = new
            elif path in src:
                used.add(path)
        for cname, child in self._children.items():
            child._share_into(f"{prefix}{cname}.", src, used)

    # ---- files ---------------------------------------------------------------------------

    def save_parameters(self, filename, deduplicate=False):
        """Writes every parameter under its structural path (``0.weight``); with
        ``deduplicate`` a shared parameter is written once (under its last path)."""
        from .serialization import save_params
        params = self._collect_params_with_prefix()
        if deduplicate:
            last = {id(p): path for path, p in params.items()}
            params = OrderedDict((path, p) for path, p in params.items() if last[id(p)] == path)
        save_params(filename, OrderedDict((path, p._reduce()) for path, p in params.items()))

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False, cast_dtype=False,
                        dtype_source="current", *, device=None):
        """Loads a file written by ``save_parameters`` (or MXNet's), matching structural paths;
        all missing, unexpected and mismatched entries are reported in one error."""
        from .serialization import load_params
        loaded = load_params(filename)
        self._load_dict(loaded, _pick_ctx(ctx, device), allow_missing, ignore_extra, cast_dtype, dtype_source,
                        f"file '{filename}'")

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False, cast_dtype=False,
                  dtype_source="current", *, device=None):
        """Loads ``{structural path: array}`` (as ``load_parameters`` does with a file)."""
        self._load_dict(param_dict, _pick_ctx(ctx, device), allow_missing, ignore_extra, cast_dtype,
                        dtype_source, "the given dict")

    def _load_dict(self, loaded, ctx, allow_missing, ignore_extra, cast_dtype, dtype_source, src):
        from .serialization import assign_loaded, strip_mxnet_prefix
        loaded = {strip_mxnet_prefix(k): v for k, v in loaded.items()}
        if loaded and not any("." in k for k in loaded):
            # A file of display names (MXNet's collect_params().save or save_params).
            params = self._collect()
            targets = OrderedDict((k, [p]) for k, p in params.items())
            if not all(k in targets for k in loaded):
                targets = OrderedDict((k[len(self.prefix):] if k.startswith(self.prefix) else k, [p])
                                      for k, p in params.items())
        else:
            targets = OrderedDict()
            by_param = OrderedDict()
            for path, p in self._collect_params_with_prefix().items():
                by_param.setdefault(id(p), (p, []))[1].append(path)
            for p, paths in by_param.values():
                targets[paths[0]] = [p] + paths[1:]
        assign_loaded(targets, loaded, src, ctx, allow_missing, ignore_extra, cast_dtype, dtype_source,
                      owner=type(self).__name__)

    def save(self, prefix):
        """Saves the parameters to ``<prefix>-model.params``."""
        self.save_parameters(f"{prefix}-model.params")

    def load(self, prefix):
        """Loads the parameters from ``<prefix>-model.params``."""
        self.load_parameters(f"{prefix}-model.params")

    # ---- PyTorch-learner aliases (never used internally) -------------------------------------

    def state_dict(self):
        """``{structural path: array}`` (copies), the same keys as the parameter file."""
        return OrderedDict((path, p._reduce()) for path, p in self._collect_params_with_prefix().items())

    def load_state_dict(self, state, strict=True):
        """Loads ``state``; ``strict=False`` tolerates missing and unexpected keys. Returns
        ``(missing_keys, unexpected_keys)``, as PyTorch does (a shared parameter found under
        any of its paths is not missing)."""
        self._load_dict(state, None, not strict, not strict, False, "current", "the given state dict")
        paths = self._collect_params_with_prefix()
        found = {id(p) for k, p in paths.items() if k in state}
        return [k for k, p in paths.items() if id(p) not in found], [k for k in state if k not in paths]

    def named_parameters(self, prefix="", recurse=True):
        """(structural path, Parameter) pairs, each Parameter once."""
        seen = set()
        items = self._collect_params_with_prefix(prefix).items() if recurse else (
            (prefix + k, p) for k, p in self._own_params())
        for path, p in items:
            if id(p) not in seen:
                seen.add(id(p))
                yield path, p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_children(self):
        return iter(self._children.items())

    def children(self):
        return iter(self._children.values())

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, child in self._children.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def to(self, device=None, dtype=None):
        """Moves (``reset_ctx``) and/or casts every parameter; returns self."""
        if device is not None:
            self._collect().reset_ctx(device)
        if dtype is not None:
            self.cast(dtype)
        return self

    # ---- calling -----------------------------------------------------------------------------

    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        try:
            if _pending[0]:
                self._finish_deferred(args, kwargs)
            out = self.forward(*args, **kwargs)
        except (ValueError, TypeError) as err:
            # first, since the MXNetError these become is a RuntimeError too
            named = self._add_block_path(err)
            if named is err:
                raise
            raise named.with_traceback(err.__traceback__) from None
        except RuntimeError as err:
            param = getattr(err, "_param", None)
            if param is None:
                raise
            self._name_path(param)
            raise param._not_ready(err._ctx) from None
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def _name_path(self, param):
        """Records ``param``'s structural path as seen from this Block (each enclosing Block an
        error passes through makes the path longer, so the outermost call names it fully)."""
        for path, p in self._collect_params_with_prefix().items():
            if p is param:
                param._path = path
                return

    def _add_block_path(self, err):
        """Prefixes a shape or dtype error from ``forward`` with the Block that raised it, seen
        from this Block: ``Sequential.0 (Dense): <the engine's message>``. The same exception
        object passes through every enclosing Block, each rewriting the one prefix, so the
        outermost call names the full path once.

        Returns the exception to raise: ``err`` itself, or, for a plain ``ValueError`` or
        ``TypeError`` (what the engine raises), the same message as an ``MXNetError`` that is
        also a ``ValueError`` (``TypeError``): MXNet raises ``MXNetError`` for a shape or dtype
        that does not fit a layer, so ``except MXNetError`` written for MXNet catches it, and
        ``except ValueError`` still does."""
        origin = getattr(err, "_block_origin", None)
        if origin is None:
            if len(err.args) != 1 or not isinstance(err.args[0], str):
                return err
            if type(err) in (ValueError, TypeError):
                from ..ndarray.ops import OperatorError, OperatorTypeError
                err = (OperatorError if type(err) is ValueError else OperatorTypeError)(err.args[0])
            origin = err._block_origin = (self, err.args[0])
        block, message = origin
        if block is self:
            where = type(self).__name__
        else:
            path = self._path_to(block, set())
            if path is None:        # raised by a Block that is no descendant: keep its prefix
                return err
            where = f"{type(self).__name__}.{path} ({type(block).__name__})"
        err.args = (f"{where}: {message}",)
        return err

    def _path_to(self, block, seen):
        """The structural path (``0.hidden``) of the descendant ``block``, or None."""
        seen.add(id(self))
        for name, child in self._children.items():
            if child is block:
                return name
            if id(child) not in seen:
                sub = child._path_to(block, seen)
                if sub is not None:
                    return f"{name}.{sub}"
        return None

    def _finish_deferred(self, args, kwargs):
        waiting = [p for _, p in self._own_params() if p._deferred_init]
        if not waiting:
            return
        if any(p._shape is None or 0 in p._shape for p in waiting):
            self.infer_shape(*args, **kwargs)
        for p in waiting:
            p._finish_deferred_init()

    def infer_shape(self, *args, **kwargs):
        """Fills the unknown dimensions of this Block's own parameters from the first input.
        Layers with deferred shapes implement it; a custom Block with a parameter of unknown
        shape must too."""
        waiting = [f"{p.name} {p.shape}" for _, p in self._own_params() if p._deferred_init]
        raise DeferredInitializationError(
            f"{self.name} has parameters with unknown shape. You need to either specify the shape in __init__ or "
            f"implement {type(self).__name__}.infer_shape to set the parameter shapes based on the first input. "
            f"Parameters with unknown shapes are {', '.join(waiting)}")

    def forward(self, *args):
        """Override to compute the output from the inputs."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def hybridize(self, active=True, **kwargs):
        """Accepted for compatibility: deepblocks runs Blocks eagerly either way (same results)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    # ---- display -----------------------------------------------------------------------------

    def __repr__(self):
        body = "\n".join(f"  ({k}): {_indent(repr(v), 2)}" for k, v in self.__dict__.items() if isinstance(v, Block))
        return f"{self.__class__.__name__}(\n{body}\n)"

    def summary(self, *inputs):
        """Prints each layer's output shape and parameter count for one forward pass."""
        from .summary import print_summary
        print_summary(self, inputs)


class HybridBlock(Block):
    """A Block that can also be written in MXNet 1.x's ``hybrid_forward(self, F, x, **params)``
    style: ``F`` is the operator namespace and the Block's own parameters arrive as keyword
    arguments. ``hybridize()`` is accepted and changes nothing in the results.

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``hybridblock0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix, params)
        self.__dict__["_active"] = False

    def hybridize(self, active=True, **kwargs):
        self.__dict__["_active"] = active
        super().hybridize(active, **kwargs)

    def forward(self, x, *args):
        hybrid = getattr(self, "hybrid_forward", None)
        if hybrid is None:
            raise NotImplementedError(f"{type(self).__name__} must implement forward() or hybrid_forward()")
        from .. import ndarray as F
        data = self._own_params()
        if len(data) and isinstance(x, _core.ndarray):
            ctx = x.ctx
            params = {k: p.data(ctx) for k, p in data}
        else:
            params = {k: p.data() for k, p in data}
        return hybrid(F, x, *args, **params)

    def export(self, path, epoch=0, remove_amp_cast=True):
        """Writes ``path-%04d.params`` (the parameters); deepblocks has no symbol JSON."""
        self.save_parameters(f"{path}-{epoch:04d}.params")

    def infer_type(self, *args):
        pass

    def optimize_for(self, x, *args, backend=None, **kwargs):
        self.hybridize(True, backend=backend, **kwargs)


class SymbolBlock(HybridBlock):
    """MXNet's graph-importing Block; deepblocks has no symbolic graphs."""

    def __init__(self, *args, **kwargs):
        raise MXNetError("SymbolBlock is not supported: deepblocks has no symbolic API")

    @staticmethod
    def imports(*args, **kwargs):
        raise MXNetError("SymbolBlock.imports is not supported: deepblocks has no symbolic API")

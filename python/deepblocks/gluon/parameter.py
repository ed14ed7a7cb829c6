"""Gluon parameters: ``Parameter``, ``Constant``, ``ParameterDict`` and ``ParameterList``.

A ``Parameter`` owns one array per device plus its gradient buffer. Its shape may have
unknown dimensions (shown as -1 in numpy mode, 0 in legacy mode); ``initialize`` then
*defers* the work until the first forward pass fills them in.

>>> from deepblocks import gluon, npx
>>> npx.set_np()
>>> w = gluon.Parameter('w', shape=(2, 3))
>>> w
Parameter w (shape=(2, 3), dtype=<class 'numpy.float32'>)
>>> w.initialize(init='ones')
>>> w.data()[0, 0] = 5          # data() is live storage: edits reach the weight
>>> float(w.data()[0, 0])
5.0
"""

import warnings
from collections import OrderedDict

import numpy as _onp

from .. import _core
from .. import autograd
from .. import initializer
from .. import numpy as _np
from ..base import MXNetError
from ..context import Context, cpu, current_context
from ..util import is_np_array, is_np_shape

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict", "ParameterList", "tensor_types"]

tensor_types = (_core.ndarray,)

# How many parameters wait for their first forward pass. Blocks skip the deferred-init check
# entirely while this is zero, which keeps a trained network's call path short.
_pending = [0]


class DeferredInitializationError(MXNetError):
    """Raised when a parameter's data is read before its deferred initialization has run."""


def _as_ctx_list(ctx):
    if ctx is None:
        return [current_context()]
    if isinstance(ctx, Context):
        return [ctx]
    ctx = list(ctx)
    for c in ctx:
        if not isinstance(c, Context):
            raise TypeError(f"expected a Context (e.g. deepblocks.cpu()), got {type(c).__name__}")
    return ctx


def _pick_ctx(ctx, device):
    if ctx is not None and device is not None:
        raise TypeError("pass either ctx= or device=, not both")
    return device if ctx is None else ctx


def _shape_tuple(shape):
    """Internal shapes keep MXNet's legacy convention: 0 (or -1 on input) is an unknown dim."""
    if shape is None:
        return None
    if isinstance(shape, (int, _onp.integer)):
        shape = (shape,)
    out = []
    for d in shape:
        d = int(d)
        if d < -1:
            raise ValueError(f"invalid parameter shape {tuple(shape)}: dimensions must be >= -1")
        out.append(0 if d == -1 else d)
    return tuple(out)


def _known(shape):
    return shape is not None and all(d > 0 for d in shape)


def _wrap(arr, np_array=False):
    """The user-facing flavour of a parameter array: np.ndarray in numpy mode (or for a
    parameter initialized in numpy mode, e.g. by a ``@use_np`` Block), else NDArray."""
    if np_array or is_np_array():
        return arr
    from ..ndarray import NDArray
    return NDArray(arr)


class Parameter:
    """A weight of a Block: data on one or more devices, a gradient buffer, an initializer and
    the learning-rate / weight-decay multipliers the Trainer applies.

    ``shape`` may contain unknown dimensions (0 or -1), filled in at the first forward pass.
    ``grad_req`` is 'write' (each backward overwrites the gradient), 'add' (accumulates) or
    'null' (no gradient).

    ``copy.deepcopy`` and ``pickle`` give a Parameter with its own copy of the data and of the
    gradient buffer (a deferred initialization stays deferred); ``copy.copy`` shares the data,
    as in MXNet.
    """

    def __init__(self, name="weight", grad_req="write", shape=None, dtype=_onp.float32, lr_mult=1.0,
                 wd_mult=1.0, init=None, allow_deferred_init=False, differentiable=True,
                 stype="default", grad_stype="default"):
        if stype != "default" or grad_stype != "default":
            raise ValueError(f"Parameter '{name}': only dense storage (stype='default') is supported, got {stype!r}/{grad_stype!r}")
        self._name = name
        self._shape = _shape_tuple(shape)
        self._dtype = dtype
        self._check_dtype(dtype)
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        self._allow_deferred_init = allow_deferred_init
        self._differentiable = differentiable
        if not differentiable:
            grad_req = "null"
        self._grad_req = None
        self._data = None            # OrderedDict: Context -> engine array (the gradient leaf)
        self._single = None          # that array when there is exactly one device (the fast path)
        self._set_grad_req(grad_req)
        self._deferred_init = ()     # (init, ctx_list, default_init, data) while deferred
        self._path = None            # structural path, recorded when a Block collects it
        self._zeroed = {}            # id(data array) -> gradient version right after zero_grad
        self._stype = stype
        self._np_array = False       # initialized in numpy mode: hands out np.ndarray, as MXNet

    # ---- description -------------------------------------------------------------------

    @staticmethod
    def _check_dtype(dtype):
        try:
            _onp.dtype(dtype)
        except TypeError:
            raise TypeError(f"invalid parameter dtype {dtype!r}") from None

    def __repr__(self):
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property
    def name(self):
        return self._name

    def _where(self):
        """The name for error messages, with the structural path when one is known."""
        if self._path and self._path != self._name:
            return f"'{self._name}' ({self._path})"
        return f"'{self._name}'"

    @property
    def shape(self):
        """The shape; unknown dimensions are -1 in numpy mode and 0 in legacy mode."""
        if self._shape is None:
            return None
        if is_np_shape():
            return tuple(-1 if d == 0 else d for d in self._shape)
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new = _shape_tuple(new_shape)
        if self._shape is None or new is None:
            self._shape = new
            return
        if len(new) != len(self._shape) or any(o not in (0, n) for o, n in zip(self._shape, new)):
            raise ValueError(f"Expected shape {self.shape} is incompatible with given shape {tuple(new_shape)} "
                             f"for Parameter {self._where()}.")
        self._shape = new

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        self._set_grad_req(req)

    def _set_grad_req(self, req):
        if req not in ("write", "add", "null"):
            raise ValueError(f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if self._data is not None:
            for ctx, arr in list(self._data.items()):
                if req == "null":
                    self._data[ctx] = arr.detach()
                else:
                    arr.attach_grad(req)
            self._sync_single()

    @property
    def requires_grad(self):
        """``grad_req != 'null'`` (the PyTorch spelling); settable."""
        return self._grad_req != "null"

    @requires_grad.setter
    def requires_grad(self, flag):
        self.grad_req = "write" if flag else "null"

    # ---- initialization ----------------------------------------------------------------

    def initialize(self, init=None, ctx=None, default_init=initializer.Uniform(), force_reinit=False, *, device=None):
        """Allocates the data on ``ctx`` and fills it with ``init`` (else the parameter's own
        initializer, else ``default_init``). With unknown dimensions the work waits for the
        first forward pass."""
        ctx = _pick_ctx(ctx, device)
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self._name}' is already initialized, ignoring. "
                          "Set force_reinit=True to re-initialize.", stacklevel=2)
            return
        ctx = _as_ctx_list(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        self._data = self._single = None
        if not _known(self._shape):
            if self._allow_deferred_init:
                self._set_deferred((init, ctx, default_init, None))
                return
            raise ValueError(f"Cannot initialize Parameter {self._where()} because it has invalid shape: {self.shape}.")
        self._set_deferred((init, ctx, default_init, None))
        self._finish_deferred_init()

    def _set_deferred(self, state):
        was = bool(self._deferred_init)
        self._deferred_init = state
        _pending[0] += bool(state) - was

    def _finish_deferred_init(self):
        """Runs the initializer stored by ``initialize`` once the shape is known."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        if not _known(self._shape):
            raise DeferredInitializationError(
                f"Cannot initialize Parameter {self._where()} because it has invalid shape: {self.shape}. "
                "Please specify in_units, in_channels, etc for `Block`s.")
        # Initializers write the data outside any recording (the training mode stays as it is).
        with autograd.pause(train_mode=autograd.is_training()):
            if data is None:
                data = _np.zeros(self._shape, dtype=self._dtype)
                # Custom initializers get the mode's array type (NDArray has .abs() etc. in nd mode).
                initializer.create(default_init)(initializer.InitDesc(self._name, {"__init__": init}), _wrap(data))
            self._init_impl(data, ctx)
        # MXNet fixes the array flavour when the data is created: a parameter initialized in numpy
        # mode (a @use_np Block's, even in a legacy program) keeps handing out np.ndarray.
        self._np_array = is_np_array()

    def _init_impl(self, data, ctx_list):
        self._set_deferred(())
        if is_np_array():            # data loaded (or moved) in numpy mode is np.ndarray from then on
            self._np_array = True
        data = _np.asarray(data)
        self._data = OrderedDict()
        for ctx in ctx_list:
            # A fresh copy per device: the parameter never aliases the caller's array.
            arr = data.copyto(ctx).astype(self._dtype, copy=False)
            if self._grad_req != "null":
                arr.attach_grad(self._grad_req)
            self._data[ctx] = arr
        self._sync_single()

    def _sync_single(self):
        data = self._data
        self._single = next(iter(data.values())) if data is not None and len(data) == 1 else None

    # ---- data access ------------------------------------------------------------------

    def _check_and_get(self, ctx):
        data = self._data
        if data is not None:
            if ctx is None:
                if len(data) == 1:
                    return next(iter(data.values()))
                ctx = current_context()
            arr = data.get(ctx)
            if arr is not None:
                return arr
        raise self._not_ready(ctx)

    def _not_ready(self, ctx=None):
        """The error for reading data that is not there (yet, or on ``ctx``). It carries the
        parameter, so that a Block the error passes through can add the structural path."""
        if self._data is not None:
            err = RuntimeError(f"Parameter {self._where()} was not initialized on context {ctx}. "
                               f"It was only initialized on {list(self._data)}.")
        elif self._deferred_init:
            err = DeferredInitializationError(
                f"Parameter {self._where()} has not been initialized yet because initialization was deferred. "
                "Actual initialization happens during the first forward pass. Please pass one batch of data "
                "through the network before accessing Parameters. You can also avoid deferred initialization "
                "by specifying in_units, num_features, etc., for network layers.")
        else:
            err = RuntimeError(
                f"Parameter {self._where()} has not been initialized. Note that you should initialize parameters "
                "and create Trainer with Block.collect_params() instead of Block.params because the later does "
                "not include Parameters of nested child Blocks. Call initialize() on the network "
                "(net.initialize()) before its first forward pass, or on this Parameter.")
        err._param, err._ctx = self, ctx
        return err

    def data(self, ctx=None, *, device=None):
        """The live data array on ``ctx``: in-place edits change the parameter."""
        return _wrap(self._check_and_get(_pick_ctx(ctx, device)), self._np_array)

    def list_data(self):
        """The data arrays on every device, in ``list_ctx()`` order."""
        self._check_and_get(None) if self._data is None else None
        return [_wrap(a, self._np_array) for a in self._data.values()]

    def grad(self, ctx=None, *, device=None):
        """The live gradient buffer on ``ctx`` (zeros before the first backward)."""
        arr = self._check_and_get(_pick_ctx(ctx, device))
        if self._grad_req == "null":
            raise RuntimeError(f"Cannot get gradient array for Parameter {self._where()} because grad_req='null'")
        return _wrap(arr.grad, self._np_array)

    def list_grad(self):
        if self._data is None:
            self._check_and_get(None)
        if self._grad_req == "null":
            raise RuntimeError(f"Cannot get gradient array for Parameter {self._where()} because grad_req='null'")
        return [_wrap(a.grad, self._np_array) for a in self._data.values()]

    def list_ctx(self):
        """The devices holding this parameter (those waiting for deferred init included)."""
        if self._data is None:
            if self._deferred_init:
                return list(self._deferred_init[1])
            raise RuntimeError(f"Parameter {self._where()} has not been initialized")
        return list(self._data)

    list_device = list_ctx

    def set_data(self, data):
        """Replaces the values on every device (before deferred init: stored for it)."""
        src = _np.asarray(data)
        self.shape = src.shape
        if self._data is None:
            if self._deferred_init:
                init, ctx, default_init, _ = self._deferred_init
                self._deferred_init = (init, ctx, default_init, src)
                return
            raise RuntimeError(f"Parameter {self._where()} has not been initialized")
        for arr in self._data.values():
            arr[...] = src.as_in_ctx(arr.ctx) if src.ctx != arr.ctx else src

    def zero_grad(self):
        """Sets the gradient buffers to zero."""
        if self._data is None or self._grad_req == "null":
            return
        for arr in self._data.values():
            g = arr.grad
            g[...] = 0
            # Zeroing writes the buffer; the Trainer must still see it as not refreshed.
            self._zeroed[id(arr)] = g._version

    def reset_ctx(self, ctx=None, *, device=None):
        """Moves the data to ``ctx`` (a Context or a list of them)."""
        ctx = _as_ctx_list(_pick_ctx(ctx, device))
        if self._data is not None:
            first = next(iter(self._data.values()))
            self._init_impl(first.copyto(cpu()), ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError(f"Cannot reset context for Parameter {self._where()} because it has not been initialized.")

    reset_device = reset_ctx

    def cast(self, dtype):
        """Converts data (and gradient buffers) to ``dtype``."""
        self._check_dtype(dtype)
        self._dtype = dtype
        if self._data is None:
            return
        for ctx, arr in list(self._data.items()):
            new = arr.astype(dtype)
            if self._grad_req != "null":
                new.attach_grad(self._grad_req)
            self._data[ctx] = new
        self._sync_single()

    def _reduce(self):
        """One host copy of the data (the mean over devices), for saving."""
        arrs = list(self._check_and_get_all())
        if len(arrs) == 1:
            return arrs[0].copyto(cpu())
        total = arrs[0].copyto(cpu())
        for a in arrs[1:]:
            total = total + a.copyto(cpu())
        return (total / len(arrs)).astype(arrs[0].dtype)

    # ---- copying and pickling --------------------------------------------------------------
    # ``copy.deepcopy`` and ``pickle`` go through __getstate__/__setstate__: the arrays are
    # copied (deepcopy) or rebuilt from their numbers (pickle) and then made gradient leaves
    # again, with the gradient values and the "not refreshed since zero_grad" marks carried
    # over. ``copy.copy`` shares the arrays, as MXNet's does.

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_single"] = None
        data = state.pop("_data")
        zeroed = state.pop("_zeroed")
        if data is None:
            state["_arrays"] = None
        else:
            arrays = []
            for ctx, arr in data.items():
                grad = arr.grad if self._grad_req != "null" else None
                version = grad._version if grad is not None else 0
                # A never-written gradient stays unwritten in the copy (a Trainer treats it
                # as stale), so its zeros are not carried.
                arrays.append((ctx, arr, grad if version else None, zeroed.get(id(arr)) == version))
            state["_arrays"] = arrays
        return state

    def __setstate__(self, state):
        state = dict(state)
        arrays = state.pop("_arrays", None)
        self.__dict__.update(state)
        self._zeroed = {}
        self._data = None
        if arrays is not None:
            self._data = OrderedDict()
            for ctx, arr, grad, zeroed in arrays:
                if self._grad_req != "null":
                    arr.attach_grad(self._grad_req)
                    if grad is not None:
                        with autograd.pause():
                            arr.grad[...] = grad
                    if zeroed:
                        self._zeroed[id(arr)] = arr.grad._version
                self._data[ctx] = arr
        self._sync_single()
        if self._deferred_init:
            _pending[0] += 1

    def __copy__(self):
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        if new._deferred_init:
            _pending[0] += 1
        return new

    def _check_and_get_all(self):
        if self._data is None:
            self._check_and_get(None)
        return self._data.values()

    def var(self):
        raise MXNetError("Parameter.var(): deepblocks has no symbolic API; use the Parameter's data() in forward")

    def row_sparse_data(self, row_id):
        raise MXNetError("row_sparse parameters are not supported by deepblocks")

    def list_row_sparse_data(self, row_id):
        raise MXNetError("row_sparse parameters are not supported by deepblocks")


class Constant(Parameter):
    """A parameter that never changes and gets no gradient (``grad_req='null'``).

    ``Constant(name, value)`` as in MXNet 1.9, or ``Constant(value)`` as in Gluon 2.0.
    """

    def __init__(self, name, value=None):
        if value is None and not isinstance(name, str):
            name, value = "const", name
        if not isinstance(value, _core.ndarray):
            value = _np.array(value)
        self.value = value
        cls_init = self.__class__._ConstInit(value)
        super().__init__(name=name, grad_req="null", shape=value.shape, dtype=value.dtype, init=cls_init)

    class _ConstInit(initializer.Initializer):
        def __init__(self, value):
            super().__init__(value="constant")
            self.value = value

        def _init_weight(self, _, arr):
            arr[...] = self.value

    def __repr__(self):
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @Parameter.grad_req.setter  # type: ignore[attr-defined]  # a property redefined in a subclass
    def grad_req(self, req):
        if req != "null":
            warnings.warn(f'Constant parameter "{self.name}" does not support grad_req other than "null", '
                          f'and new value "{req}" is ignored.', stacklevel=2)


class ParameterDict:
    """An ordered mapping of names to Parameters, as Gluon 1.9's ``ParameterDict``.

    ``get(name, **kwargs)`` creates (or finds) the parameter ``prefix + name``. Dictionaries
    returned by ``Block.collect_params()`` are keyed by display names (``dense0_weight``) and
    also answer to structural paths (``0.weight``).

    >>> from deepblocks import gluon
    >>> pd = gluon.ParameterDict('block0_')
    >>> pd.get('weight', shape=(2, 2))
    Parameter block0_weight (shape=(2, 2), dtype=<class 'numpy.float32'>)
    >>> list(pd.keys())
    ['block0_weight']
    """

    def __init__(self, prefix="", shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared
        self._paths = {}          # structural path -> display key (collect_params results)

    def __repr__(self):
        body = "\n".join(f"  {v}" for v in self.values())
        head = f"{self._prefix} " if self._prefix else ""  # MXNet: no space without a prefix
        return f"{head}(\n{body}\n)"

    @property
    def prefix(self):
        return self._prefix

    def __getitem__(self, key):
        p = self._params.get(key)
        if p is None:
            alias = self._paths.get(key)
            if alias is None:
                raise KeyError(key)
            p = self._params[alias]
        return p

    def __setitem__(self, key, value):
        if not isinstance(value, Parameter):
            raise TypeError(f"ParameterDict values must be Parameters, got {type(value).__name__}")
        self._params[key] = value

    def __contains__(self, key):
        return key in self._params or key in self._paths

    def __len__(self):
        return len(self._params)

    def __iter__(self):
        return iter(self._params)

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    def items(self):
        return self._params.items()

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name, **kwargs):
        """The parameter ``prefix + name``, created with ``kwargs`` if it does not exist yet.
        An existing one must agree with ``kwargs`` (unknown shape dims are filled in)."""
        full = self._prefix + name
        param = self._get_impl(full)
        if param is None:
            param = Parameter(full, **kwargs)
            self._params[full] = param
            return param
        for k, v in kwargs.items():
            if k == "shape" and v is not None and param._shape is not None:
                want = _shape_tuple(v)
                have = param._shape
                if len(want) == len(have) and all(a == b or 0 in (a, b) for a, b in zip(want, have)):
                    param._shape = tuple(b or a for a, b in zip(want, have))
                    continue
                raise AssertionError(
                    f"Cannot retrieve Parameter '{full}' because desired attribute does not match with stored for "
                    f"attribute 'shape': desired '{v}' vs stored '{param.shape}'.")
            if k == "shape" and v is not None:
                param._shape = _shape_tuple(v)
                continue
            have = getattr(param, k, None)
            if k == "dtype" and v is not None and have is not None and _onp.dtype(v) == _onp.dtype(have):
                continue
            if v is not None and have is not None and have != v:
                raise AssertionError(
                    f"Cannot retrieve Parameter '{full}' because desired attribute does not match with stored for "
                    f"attribute '{k}': desired '{v}' vs stored '{have}'.")
        return param

    def get_constant(self, name, value=None):
        """The constant ``prefix + name`` (created from ``value`` when new)."""
        full = self._prefix + name
        param = self._get_impl(full)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{full}'. Please specify value if you want to create a new constant.")
            param = Constant(full, value)
            self._params[full] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise TypeError(f"Parameter '{full}' already exists but it is not a constant.")
        return param

    def update(self, other):
        """Adds the parameters of ``other``; the same name must mean the same Parameter."""
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise ValueError(f"Cannot update self with other because they have different Parameters with the same name '{k}'")
        for k, v in other.items():
            self._params[k] = v
        if isinstance(other, ParameterDict):
            self._paths.update(other._paths)

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False, *, device=None):
        """Initializes every parameter (``init`` is the default for those without their own)."""
        ctx = _pick_ctx(ctx, device)
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for v in self.values():
            v.zero_grad()

    def reset_ctx(self, ctx=None, *, device=None):
        for v in self.values():
            v.reset_ctx(_pick_ctx(ctx, device))

    reset_device = reset_ctx

    def list_ctx(self):
        out = []
        for v in self.values():
            for c in v.list_ctx():
                if c not in out:
                    out.append(c)
        return out

    def setattr(self, name, value):
        """Sets attribute ``name`` (e.g. 'grad_req', 'lr_mult', 'wd_mult') on every parameter."""
        for v in self.values():
            setattr(v, name, value)

    def save(self, filename, strip_prefix=""):
        """Writes the parameters keyed by name (``strip_prefix`` removed)."""
        from .serialization import save_params
        arrays = OrderedDict()
        for name, p in self.items():
            if strip_prefix and not name.startswith(strip_prefix):
                raise ValueError(f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's name "
                                 f"'{name}' does not start with '{strip_prefix}'. this may be due to your Block "
                                 "shares parameters from other Blocks or you forgot to use 'with name_scope()' "
                                 "when creating child blocks. For more info on naming, please see "
                                 "https://mxnet.apache.org/api/python/docs/tutorials/packages/gluon/blocks/naming.html")
            arrays[name[len(strip_prefix):]] = p._reduce()
        save_params(filename, arrays)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
             cast_dtype=False, dtype_source="current", *, device=None):
        """Loads a file written by ``save`` (names get ``restore_prefix`` prepended)."""
        from .serialization import load_params
        loaded = load_params(filename)
        self.load_dict(loaded, _pick_ctx(ctx, device), allow_missing, ignore_extra, restore_prefix,
                       filename, cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
                  filename=None, cast_dtype=False, dtype_source="current"):
        """Loads ``{name: array}`` (MXNet's 'arg:'/'aux:' prefixes are stripped)."""
        from .serialization import assign_loaded, strip_mxnet_prefix
        src = filename if filename is not None else "the given dict"
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise ValueError(f"restore_prefix is '{restore_prefix}' but Parameters name '{name}' does "
                                     f"not start with '{restore_prefix}'")
        arrays = {}
        for k, v in param_dict.items():
            arrays[restore_prefix + strip_mxnet_prefix(k)] = v
        targets = OrderedDict((name, [p]) for name, p in self.items())
        assign_loaded(targets, arrays, src, ctx, allow_missing, ignore_extra, cast_dtype, dtype_source)


class ParameterList:
    """A list of Parameters; registered as ``attr.0``, ``attr.1``... when assigned to a Block.

    >>> from deepblocks import gluon
    >>> pl = gluon.ParameterList([gluon.Parameter('a', shape=(1,))])
    >>> len(pl), pl[0].name
    (1, 'a')
    """

    def __init__(self, parameters=()):
        self._list = []
        for p in parameters:
            self.append(p)

    def append(self, p):
        if not isinstance(p, Parameter):
            raise TypeError(f"ParameterList holds Parameters, got {type(p).__name__}")
        self._list.append(p)
        return self

    def extend(self, ps):
        for p in ps:
            self.append(p)
        return self

    def __getitem__(self, i):
        return self._list[i]

    def __setitem__(self, i, p):
        if not isinstance(p, Parameter):
            raise TypeError(f"ParameterList holds Parameters, got {type(p).__name__}")
        self._list[i] = p

    def __len__(self):
        return len(self._list)

    def __iter__(self):
        return iter(self._list)

    def __repr__(self):
        body = "\n".join(f"  ({i}): {p}" for i, p in enumerate(self._list))
        return f"ParameterList(\n{body}\n)"

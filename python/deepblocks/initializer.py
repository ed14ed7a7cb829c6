"""``deepblocks.init``: weight initializers, as MXNet's ``mx.init``.

An initializer is called with a parameter's name and its data array and fills the array in
place. It dispatches on the name's suffix: ``..weight`` to ``_init_weight``, ``..bias`` to
``_init_bias`` (zeros), ``..gamma`` to ones, ``..beta`` to zeros, ``running_mean`` and
``running_var`` to zeros and ones. Subclasses usually override ``_init_weight``.

>>> from deepblocks import init, np
>>> w = np.empty((2, 3))
>>> init.Constant(0.5)("dense0_weight", w)
>>> w
array([[0.5, 0.5, 0.5],
       [0.5, 0.5, 0.5]])
>>> class Halves(init.Initializer):
...     def _init_weight(self, name, data):
...         data[:] = 0.5
>>> b = np.ones(3)
>>> Halves()("dense0_bias", b)   # biases get zeros, not the custom rule
>>> b
array([0., 0., 0.])
"""

import json
import math

import numpy as _onp

from . import _core
from . import numpy as _np

__all__ = [
    "Initializer", "InitDesc", "register", "create", "Zero", "One", "Constant", "Uniform", "Normal",
    "Xavier", "MSRAPrelu", "Orthogonal", "Bilinear", "LSTMBias", "Mixed", "Load", "alias",
]

_REGISTRY: dict[str, type] = {}


def register(klass):
    """Registers an initializer class under its lower-case name (for ``create('name')``)."""
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise TypeError(f"register: {klass!r} is not an Initializer subclass")
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*aliases):
    """Decorator registering an initializer class under extra lower-case names as well.

    >>> @alias('halves')
    ... class Half(Constant):
    ...     def __init__(self):
    ...         super().__init__(0.5)
    >>> type(create('halves')).__name__
    'Half'
    """
    def reg(klass):
        register(klass)
        for name in aliases:
            _REGISTRY[name.lower()] = klass
        return klass
    return reg


def create(init, **kwargs):
    """An initializer from an instance, a registered name ('zeros', 'xavier', ...) or the
    JSON of ``Initializer.dumps()``."""
    # Mixed and Load are not Initializers (as in MXNet) but initialize a parameter the same
    # way; MXNet's Block.initialize refuses them, deepblocks accepts them
    if isinstance(init, (Initializer, Mixed, Load)):
        return init
    if isinstance(init, str):
        if init.startswith("["):
            name, args = json.loads(init)
            return create(name, **args)
        key = init.lower()
        if key not in _REGISTRY:
            raise ValueError(f"unknown initializer {init!r}; known: {', '.join(sorted(_REGISTRY))}")
        return _REGISTRY[key](**kwargs)
    raise TypeError(f"an initializer must be an Initializer or a name, got {type(init).__name__}")


class InitDesc(str):
    """A parameter name carrying attributes (``attrs['__init__']`` names a per-parameter
    initializer that takes precedence) and the global initializer."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def _fill(arr, value):
    arr[:] = value


def _draw(kind, scale, shape, dtype):
    """Uniform in [-scale, scale] or normal with deviation scale, from deepblocks' generator."""
    if kind == "uniform":
        return _np.random.uniform(-scale, scale, shape, dtype=dtype)
    return _np.random.normal(0.0, scale, shape, dtype=dtype)


class Initializer:
    """Base class: subclass and override ``_init_weight(self, name, data)`` (and the other
    ``_init_*`` hooks when needed)."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Prints a statistic of each initialized array when ``verbose``."""
        self._verbose = verbose
        self._print_func = print_func
        return self

    def dumps(self):
        """``'["name", {kwargs}]'``, which ``create`` reads back."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{self.__class__.__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __call__(self, desc, arr):
        if not isinstance(arr, _core.ndarray):
            raise TypeError(f"initializer: expected a deepblocks array for {desc!r}, got {type(arr).__name__}")
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get("__init__", "")
        if chosen:
            chosen = create(chosen)
            if isinstance(chosen, Initializer):
                chosen._init_weight(desc, arr)
            else:
                chosen(str(desc), arr)      # Mixed or Load: picks by the bare name
        else:
            self._dispatch(desc, arr)
        if self._verbose:
            stat = float(_onp.linalg.norm(arr.asnumpy()) / math.sqrt(max(arr.size, 1)))
            (self._print_func or print)(f"Initialized {desc} as {stat:.5g}")

    def _dispatch(self, name, arr):
        if name.endswith("weight"):
            self._init_weight(name, arr)
        elif name.endswith("bias"):
            self._init_bias(name, arr)
        elif name.endswith("gamma"):
            self._init_gamma(name, arr)
        elif name.endswith("beta"):
            self._init_beta(name, arr)
        elif name.endswith("running_mean") or name.endswith("moving_mean") or name.endswith("min"):
            self._init_zero(name, arr)
        elif name.endswith("running_var") or name.endswith("moving_var") or name.endswith("max"):
            self._init_one(name, arr)
        else:
            self._init_default(name, arr)

    def _init_weight(self, name, arr):
        raise NotImplementedError(f"{type(self).__name__} must override _init_weight")

    def _init_bias(self, _, arr):
        _fill(arr, 0.0)

    def _init_gamma(self, _, arr):
        _fill(arr, 1.0)

    def _init_beta(self, _, arr):
        _fill(arr, 0.0)

    def _init_zero(self, _, arr):
        _fill(arr, 0.0)

    def _init_one(self, _, arr):
        _fill(arr, 1.0)

    def _init_default(self, name, _):
        raise ValueError(
            f"Unknown initialization pattern for {name}. Default initialization is now limited to "
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0). Please give the parameter an '
            "initializer of its own (init=...) to initialize it")


@register
class Zero(Initializer):
    """Fills with zeros."""

    def _init_weight(self, _, arr):
        _fill(arr, 0.0)


@register
class One(Initializer):
    """Fills with ones."""

    def _init_weight(self, _, arr):
        _fill(arr, 1.0)


_REGISTRY["zeros"] = Zero
_REGISTRY["ones"] = One


@register
class Constant(Initializer):
    """Fills with ``value`` (a number, or an array broadcast to the parameter's shape)."""

    def __init__(self, value):
        # dumps() writes JSON: arrays (NumPy's or deepblocks', nd or np) and NumPy scalars go
        # in as nested lists and plain numbers, as in MXNet's Constant.
        super().__init__(value=value.tolist() if hasattr(value, "tolist") else value)
        self.value = value

    def _init_weight(self, _, arr):
        _fill(arr, self.value)


@register
class Uniform(Initializer):
    """Uniform in ``[-scale, scale]`` (the default of ``initialize()``, with 0.07)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _fill(arr, _draw("uniform", self.scale, arr.shape, arr.dtype))


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _fill(arr, _draw("normal", self.sigma, arr.shape, arr.dtype))


@register
class Xavier(Initializer):
    """Glorot's scaling: uniform in ``[-c, c]`` or normal with deviation ``c`` where
    ``c = sqrt(magnitude / factor)`` and the factor is the average ('avg') of fan-in and
    fan-out, or one of them ('in', 'out'); convolution kernels count their window too."""

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        if rnd_type not in ("uniform", "gaussian"):
            raise ValueError(f"Xavier: rnd_type must be 'uniform' or 'gaussian', got {rnd_type!r}")
        if factor_type not in ("avg", "in", "out"):
            raise ValueError(f"Xavier: factor_type must be 'avg', 'in' or 'out', got {factor_type!r}")
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(
                f"Xavier initializer cannot be applied to vector {name}. It requires at least 2D.")
        window = math.prod(shape[2:])
        fan_in, fan_out = shape[1] * window, shape[0] * window
        factor = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}[self.factor_type]
        scale = math.sqrt(self.magnitude / factor) if factor else 0.0
        _fill(arr, _draw(self.rnd_type, scale, shape, arr.dtype))


@register
class MSRAPrelu(Xavier):
    """He et al.'s initialization for (P)ReLU networks: Gaussian Xavier with magnitude
    ``2 / (1 + slope**2)``."""

    def __init__(self, factor_type="avg", slope=0.25):
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Orthogonal(Initializer):
    """A (scaled) orthogonal matrix from the SVD of a random one, reshaped to the parameter."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        if rand_type not in ("uniform", "normal"):
            raise ValueError(f"Orthogonal: rand_type must be 'uniform' or 'normal', got {rand_type!r}")
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0] if arr.ndim else 1
        nin = math.prod(arr.shape[1:])
        tmp = _draw(self.rand_type, 1.0, (nout, nin), "float64").asnumpy()
        u, _, v = _onp.linalg.svd(tmp, full_matrices=False)
        q = u if u.shape == tmp.shape else v
        _fill(arr, _np.array((self.scale * q).reshape(arr.shape), dtype=arr.dtype))


@register
class Bilinear(Initializer):
    """Bilinear upsampling weights (for deconvolution kernels)."""

    def _init_weight(self, _, arr):
        shape = arr.shape
        if len(shape) < 4:
            raise ValueError(f"Bilinear needs a 4-D kernel, got shape {shape}")
        f = math.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        weight = _onp.zeros(math.prod(shape), dtype="float64")
        for i in range(weight.size):
            x = i % shape[3]
            y = (i // shape[3]) % shape[2]
            weight[i] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
        _fill(arr, _np.array(weight.reshape(shape), dtype=arr.dtype))


@register
class LSTMBias(Initializer):
    """An LSTM bias: zeros except the forget gate's rows, set to ``forget_bias`` (a positive
    forget bias keeps the cell state early in training, Jozefowicz et al. 2015). The rows are
    the gates ``i, f, g, o`` in order, so the forget gate is the second quarter. Give it to a
    bias (``i2h_bias_initializer=init.LSTMBias(1.0)``): as a network-wide initializer, biases
    get zeros like every initializer's (MXNet's rule too).

    >>> from deepblocks import init, np
    >>> b = np.empty(8)
    >>> init.LSTMBias(2.0)._init_weight("lstm0_i2h_bias", b)
    >>> b
    array([0., 0., 2., 2., 0., 0., 0., 0.])
    """

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        n = arr.shape[0] // 4 if arr.ndim else 0
        _fill(arr, 0.0)
        arr[n:2 * n] = self.forget_bias


class Mixed:
    """Chooses an initializer by the first regular expression in ``patterns`` that matches
    the parameter's name."""

    def __init__(self, patterns, initializers):
        import re

        if len(patterns) != len(initializers):
            raise ValueError("Mixed: one initializer per pattern")
        self.map = [(re.compile(p), create(i)) for p, i in zip(patterns, initializers)]

    def __call__(self, name, arr):
        for pattern, init in self.map:
            if pattern.match(name):
                # the bare name: an InitDesc would carry this Mixed as its own __init__
                init(str(name), arr)
                return
        raise ValueError(
            f"Parameter name {name} did not match any pattern. Consider adding a \".*\" pattern "
            "at the end with a default Initializer.")


class Load:
    """Initializes parameters from saved arrays: a file of ``nd.save`` / ``npx.save`` (or
    MXNet's ``.params``) or a dict of name to array; MXNet's ``arg:``/``aux:`` prefixes are
    dropped. A name not found there goes to ``default_init``.

    >>> from deepblocks import nd, init
    >>> w = nd.zeros((2,))
    >>> init.Load({'arg:w': nd.array([1.0, 2.0])})('w', w)
    >>> w.asnumpy().tolist()
    [1.0, 2.0]
    """

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from .ndarray import load
            param = load(param)
        if not isinstance(param, dict):
            raise TypeError(f"Load: param must be a file name or a dict of arrays, got {type(param).__name__}")
        self.param = {(k[4:] if k.startswith(("arg:", "aux:")) else k): v for k, v in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        import logging
        if name in self.param:
            src = self.param[name]
            if tuple(arr.shape) != tuple(src.shape):
                raise ValueError(f"Parameter {name} cannot be initialized from loading. Shape mismatch, "
                                 f"target {tuple(arr.shape)} vs loaded {tuple(src.shape)}")
            arr[:] = src
            if self.verbose:
                logging.info("Initialized %s by loading", name)
            return
        if self.default_init is None:
            raise ValueError(f"Cannot Initialize {name}. Not found in loaded param and no default "
                             "Initializer is provided.")
        create(self.default_init)(str(name), arr)
        if self.verbose:
            logging.info("Initialized %s by default", name)

"""Basic layers: ``Dense``, ``Dropout``, ``Flatten``, ``Embedding``, ``Lambda``,
``HybridLambda`` and ``Identity``.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> layer = nn.Dense(2, in_units=3)
>>> layer
Dense(3 -> 2, linear)
>>> layer.initialize(init='ones')
>>> layer(np.ones((1, 3)))
array([[3., 3.]])
"""

from ... import _core
from ... import numpy as _np
from ... import numpy_extension as _npx
from ...util import is_np_array
from ..block import Block, HybridBlock
from ._checks import check_count, check_input_dtype, check_rate
from .activations import Activation

__all__ = ["Dense", "Dropout", "Flatten", "Embedding", "Lambda", "HybridLambda", "Identity", "param_value"]


def param_value(param, x):
    """``param``'s engine array on ``x``'s device (the common single-device case is one
    dictionary lookup)."""
    single = param._single
    if single is not None:
        return single
    return param._check_and_get(getattr(x, "ctx", None))


class Dense(HybridBlock):
    """A fully connected layer: ``activation(x @ weight.T + bias)``.

    ``in_units=0`` leaves the input width to the first forward pass. With ``flatten`` (the
    default) inputs of more than two dimensions are reshaped to ``(batch, -1)``.

    Parameters
    ----------
    units
        Output width: the number of rows of ``weight``.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    use_bias
        Whether the layer adds a learned bias.
    flatten
        Reshape inputs of more than two dimensions to ``(batch, -1)`` (else the product is over the
        last axis).
    dtype
        Data type of the parameters (``'float32'`` by default).
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    in_units
        Input width; 0 (the default) leaves it to the first forward pass.
    """

    def __init__(self, units, activation=None, use_bias=True, flatten=True, dtype="float32",
                 weight_initializer=None, bias_initializer="zeros", in_units=0, **kwargs):
        units = check_count("Dense", "units", units)
        in_units = check_count("Dense", "in_units", in_units, minimum=0)
        super().__init__(**kwargs)
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self._flatten = flatten
            self.weight = self.params.get("weight", shape=(units, in_units), init=weight_initializer,
                                          dtype=dtype, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,), init=bias_initializer, dtype=dtype,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation is not None else None
        self.__dict__["_act_type"] = activation

    def infer_shape(self, x, *args):
        if self._flatten:
            n = 1
            for d in x.shape[1:]:
                n *= d
        else:
            n = x.shape[-1] if x.ndim else 1
        self.weight.shape = (self._units, n)

    def forward(self, x):
        w = self.weight._single
        if w is None:
            w = param_value(self.weight, x)
        bias = self.bias
        b = None if bias is None else (bias._single if bias._single is not None else param_value(bias, x))
        check_input_dtype(x, w)
        act = self._act_type
        if x.ndim == 2 and (act is None or act == "relu"):
            # The common case in one engine op (product, bias and ReLU fused).
            return _core.linear(x, w, b, act)
        out = _npx.fully_connected(x, w, b, flatten=self._flatten)
        return out if act is None else _npx.activation(out, act)

    def __repr__(self):
        shape = self.weight.shape
        n_in = shape[1] if shape[1] else None
        act = repr(self.act) if self.act is not None else "linear"
        return f"{self.__class__.__name__}({n_in} -> {shape[0]}, {act})"


class Dropout(HybridBlock):
    """Zeros inputs with probability ``rate`` during training (inside ``autograd.record()``)
    and scales the kept ones by ``1/(1-rate)``; the identity in prediction.

    Parameters
    ----------
    rate
        The probability that an element is set to zero during training.
    axes
        Axes along which the same dropout mask is shared (broadcast); empty for an independent mask
        per element.
    """

    def __init__(self, rate, axes=(), **kwargs):
        check_rate("Dropout", "rate", rate)
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def forward(self, x):
        return _npx.dropout(x, p=self._rate, axes=self._axes)

    def __repr__(self):
        return f"{self.__class__.__name__}(p = {self._rate}, axes={self._axes})"


class Flatten(HybridBlock):
    """Reshapes ``(batch, ...)`` to ``(batch, -1)``.

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``flatten0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def forward(self, x):
        return _npx.nn._flat2d(x)

    def __repr__(self):
        return self.__class__.__name__


class Embedding(HybridBlock):
    """Maps integer indices to rows of a ``(input_dim, output_dim)`` weight.

    Parameters
    ----------
    input_dim
        The number of distinct indices (rows of ``weight``).
    output_dim
        The width of each embedding vector.
    dtype
        Data type of the parameters (``'float32'`` by default).
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    sparse_grad
        Accepted for MXNet compatibility; the gradient is always dense here.
    """

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, sparse_grad=False, **kwargs):
        input_dim = check_count("Embedding", "input_dim", input_dim)
        output_dim = check_count("Embedding", "output_dim", output_dim)
        super().__init__(**kwargs)
        self._input_dim = input_dim
        self._output_dim = output_dim
        self._dtype_name = dtype if isinstance(dtype, str) else _np.dtype(dtype).name
        self.weight = self.params.get("weight", shape=(input_dim, output_dim), init=weight_initializer,
                                      dtype=dtype, allow_deferred_init=True)

    def forward(self, x):
        from ...ndarray.ndarray import NDArray, _is_legacy
        out = _npx.embedding(x, param_value(self.weight, x), self._input_dim, self._output_dim)
        return NDArray(out) if _is_legacy(x) else out   # legacy-mode indices: an NDArray back

    def __repr__(self):
        return f"{self.__class__.__name__}({self._input_dim} -> {self._output_dim}, {self._dtype_name})"


def _resolve(function, what):
    if isinstance(function, str):
        from ... import ndarray as nd
        mod = _np if is_np_array() else nd
        if not hasattr(mod, function):
            from ... import numpy_extension as npx
            if hasattr(npx, function):
                return getattr(npx, function)
            raise ValueError(f"{what}: no operator named {function!r}")
        return getattr(mod, function)
    if not callable(function):
        raise ValueError(f"{what}: expected a function or an operator name, got {type(function).__name__}")
    return function


class Lambda(Block):
    """Wraps a function (or the name of an ``np``/``nd`` operator) as a Block.

    Parameters
    ----------
    function
        The function to apply: a callable, or the name of an ``F``/``npx`` operator such as
        ``'tanh'``.
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``lambda0_``).
    """

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        self.__dict__["_func"] = _resolve(function, "Lambda")

    def forward(self, *args):
        return self._func(*args)

    def __repr__(self):
        return f"{self.__class__.__name__}({getattr(self._func, '__name__', repr(self._func))})"


class HybridLambda(HybridBlock):
    """Wraps ``function(F, *args)`` (or an operator name) as a HybridBlock.

    Parameters
    ----------
    function
        The function to apply: a callable, or the name of an ``F``/``npx`` operator such as
        ``'tanh'``.
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``hybridlambda0_``).
    """

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            op = _resolve(function, "HybridLambda")
            self.__dict__["_func"] = lambda F, *args: op(*args)
            self.__dict__["_func_name"] = function
        elif callable(function):
            self.__dict__["_func"] = function
            self.__dict__["_func_name"] = getattr(function, "__name__", repr(function))
        else:
            raise ValueError(f"HybridLambda: expected a function or an operator name, got {type(function).__name__}")

    def forward(self, x, *args):
        from ... import ndarray as F
        return self._func(F, x, *args)

    def __repr__(self):
        return f"{self.__class__.__name__}({self._func_name})"


class Identity(HybridBlock):
    """Returns its input.

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``identity0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def forward(self, x):
        return x

"""Activation layers: ``Activation`` (relu, sigmoid, tanh, softrelu, softsign),
``LeakyReLU``, ``PReLU``, ``ELU``, ``SELU``, ``GELU`` and ``Swish``.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> nn.Activation('relu')(np.array([-1.0, 2.0]))
array([0., 2.])
>>> nn.LeakyReLU(0.1)(np.array([-1.0, 2.0]))
array([-0.1,  2. ])
"""

from ... import initializer
from ... import numpy_extension as _npx
from ..block import HybridBlock
from ._checks import check_count, check_input_dtype, check_number

__all__ = ["Activation", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "Swish"]


# The names MXNet 1.9's Activation operator knows.
ACTIVATIONS = ("relu", "sigmoid", "tanh", "softrelu", "softsign")


class Activation(HybridBlock):
    """An elementwise activation by name: 'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'."""

    def __init__(self, activation, **kwargs):
        if activation not in ACTIVATIONS:
            raise ValueError(f"Activation: unknown activation {activation!r} ({', '.join(ACTIVATIONS)})")
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self):
        return self._act_type

    def forward(self, x):
        return _npx.activation(x, self._act_type)

    def __repr__(self):
        return f"{self.__class__.__name__}({self._act_type})"


class LeakyReLU(HybridBlock):
    """``x`` for positive inputs, ``alpha * x`` otherwise."""

    def __init__(self, alpha, **kwargs):
        if check_number("LeakyReLU", "alpha", alpha) < 0:
            raise ValueError(f"LeakyReLU: slope coefficient alpha must be >= 0, got {alpha}")
        super().__init__(**kwargs)
        self._alpha = alpha

    def forward(self, x):
        return _npx.leaky_relu(x, "leaky", slope=self._alpha)

    def __repr__(self):
        return f"{self.__class__.__name__}({self._alpha})"


class PReLU(HybridBlock):
    """Leaky ReLU with a learned slope ``alpha`` (one value, or one per ``in_channels``).

    Parameters
    ----------
    alpha_initializer
        Initializer of the learned negative slope ``alpha`` (0.25 by default).
    in_channels
        The number of learned slopes: 1 (the default) shares one across channels.
    """

    def __init__(self, alpha_initializer=initializer.Constant(0.25), in_channels=1, **kwargs):
        in_channels = check_count("PReLU", "in_channels", in_channels)
        super().__init__(**kwargs)
        with self.name_scope():
            self.alpha = self.params.get("alpha", shape=(in_channels,), init=alpha_initializer)

    def forward(self, x):
        from .basic_layers import param_value
        alpha = param_value(self.alpha, x)
        check_input_dtype(x, alpha)
        if alpha.shape[0] != 1 and x.ndim > 1:
            shape = [1] * x.ndim
            shape[1] = -1
            alpha = alpha.reshape(tuple(shape))
        return _npx.leaky_relu(x, "prelu", gamma=alpha)


class ELU(HybridBlock):
    """``x`` for positive inputs, ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha=1.0, **kwargs):
        check_number("ELU", "alpha", alpha)
        super().__init__(**kwargs)
        self._alpha = alpha

    def forward(self, x):
        return _npx.leaky_relu(x, "elu", slope=self._alpha)


class SELU(HybridBlock):
    """Scaled ELU with the self-normalizing constants.

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``selu0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def forward(self, x):
        return _npx.leaky_relu(x, "selu")


class GELU(HybridBlock):
    """Gaussian error linear unit (tanh approximation).

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``gelu0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def forward(self, x):
        return _npx.leaky_relu(x, "gelu")


class Swish(HybridBlock):
    """``x * sigmoid(beta * x)``."""

    def __init__(self, beta=1.0, **kwargs):
        check_number("Swish", "beta", beta)
        super().__init__(**kwargs)
        self._beta = beta

    def forward(self, x):
        return x * _npx.sigmoid(self._beta * x)

"""Convolutional layers: ``Conv1D/2D/3D``, ``Conv1DTranspose/2DTranspose/3DTranspose``,
``MaxPool1D/2D/3D``, ``AvgPool1D/2D/3D``, ``GlobalMaxPool1D/2D/3D``,
``GlobalAvgPool1D/2D/3D`` and ``ReflectionPad2D``, with MXNet 1.9's signatures, parameter
names (``conv0_weight``, ``conv0_bias``) and printouts.

``in_channels=0`` leaves the input channels to the first forward pass; until then the
weight's unknown dimension shows as -1 in numpy mode and 0 in legacy mode, as in Dense.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> conv = nn.Conv2D(6, kernel_size=5, padding=2, activation='sigmoid')
>>> conv
Conv2D(-1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
>>> conv.initialize()
>>> conv(np.ones((2, 1, 28, 28))).shape
(2, 6, 28, 28)
>>> conv
Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
>>> nn.MaxPool2D(pool_size=2, strides=2)
MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)
"""

import numbers

from ... import numpy as _np
from ... import numpy_extension as _npx
from ...numpy_extension.window import LAYOUTS
from ..block import HybridBlock
from ._checks import check_count, check_input_dtype
from .activations import Activation
from .basic_layers import param_value

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D",
           "GlobalAvgPool3D", "ReflectionPad2D"]


def _size(what, value, d, minimum=None):
    """An int as a tuple of ``d``; a sequence must have ``d`` integer entries (kept as given,
    so that printouts show what was passed, as in MXNet), each at least ``minimum``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,) * d
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{what} must be a number or a list of {d} ints, got {value!r}")
    elif len(value) != d:
        raise ValueError(f"{what} must be a number or a list of {d} ints, got {value!r}")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{what} must be a number or a list of {d} ints, got {value!r}")
        if minimum is not None and v < minimum:
            raise ValueError(f"{what} must be at least {minimum} on every axis, got {value!r}")
    return value


def _check_layout(cls, layout, d):
    if LAYOUTS.get(layout, (None,))[0] != d:
        allowed = [name for name, (n, _) in LAYOUTS.items() if n == d]
        raise ValueError(f"{cls}: layout {layout!r} is not a {d}-D layout: use {' or '.join(allowed)}")


class _Conv(HybridBlock):
    """The convolution layers' common part: parameters, deferred input channels, forward and
    printout. ``transposed`` selects ``npx.deconvolution`` (weight ``(in, out/groups, *k)``)."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels=0,
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 output_padding=None, prefix=None, params=None):
        d = len(kernel_size)
        cls = self.__class__.__name__
        channels = check_count(cls, "channels", channels)
        in_channels = check_count(cls, "in_channels", in_channels, minimum=0)
        groups = check_count(cls, "groups", groups)
        _check_layout(cls, layout, d)
        # A negative padding is left to the forward pass, which says it is not supported.
        strides, padding, dilation = (_size(f"{cls}: {what}", v, d, low) for what, v, low in
                                      (("strides", strides, 1), ("padding", padding, None),
                                       ("dilation", dilation, 1)))
        if in_channels % groups or channels % groups:
            raise ValueError(f"{cls}: in_channels={in_channels} and channels={channels} must both be divisible "
                             f"by groups={groups}")
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            self._transposed = output_padding is not None
            self._last = LAYOUTS[layout][1]
            # What MXNet keeps (and prints) as given; the forward pass gets them as int tuples.
            self._kwargs = {"kernel": kernel_size, "stride": strides, "dilate": dilation, "pad": padding,
                            "num_filter": channels, "num_group": groups, "no_bias": not use_bias, "layout": layout}
            call = {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in self._kwargs.items()}
            if self._transposed:
                self._kwargs["adj"] = call["adj"] = tuple(output_padding)
            self.__dict__["_call"] = call
            self.weight = self.params.get("weight", shape=self._weight_shape(in_channels), init=weight_initializer,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation is not None else None
        self.__dict__["_act_type"] = activation

    def _alias(self):
        return "conv"

    def _weight_shape(self, in_channels):
        """``(out, in/groups, *kernel)`` (transposed: ``(in, out/groups, *kernel)``), the
        per-group channel axis last in channels-last layouts; 0 for an unknown count."""
        g = self._kwargs["num_group"]
        lead, inner = (in_channels, self._channels // g) if self._transposed else (self._channels, in_channels // g)
        kernel = tuple(self._kwargs["kernel"])
        return (lead, *kernel, inner) if self._last else (lead, inner, *kernel)

    def infer_shape(self, x, *args):
        layout = self._kwargs["layout"]
        if x.ndim != len(layout):
            raise ValueError(f"{self.name}: {self.__class__.__name__} with layout {layout} expects "
                             f"{len(layout)}-D input, got shape {x.shape}")
        c = x.shape[layout.find("C")]
        g = self._kwargs["num_group"]
        if c % g:
            raise ValueError(f"{self.name}: the {c} input channels of input shape {x.shape} are not divisible "
                             f"by groups={g}")
        self.weight.shape = self._weight_shape(c)

    def forward(self, x):
        w = param_value(self.weight, x)
        check_input_dtype(x, w)
        b = None if self.bias is None else param_value(self.bias, x)
        op = _npx.deconvolution if self._transposed else _npx.convolution
        out = op(x, w, b, **self._call)
        act = self._act_type
        return out if act is None else _npx.activation(out, act)

    def __repr__(self):
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        n = len(self._kwargs["kernel"])
        if self._kwargs["pad"] != (0,) * n:
            s += ", padding={pad}"
        if self._kwargs["dilate"] != (1,) * n:
            s += ", dilation={dilate}"
        # MXNet 1.9.1 never prints output_padding: its check reads an attribute
        # (``out_pad``) that the transposed layers never set.
        if self._kwargs["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act is not None:
            s += f", {self.act!r}"
        s += ")"
        # MXNet prints the weight's dims 1 and 0 as "in -> out" whatever the layer, so transposed
        # and channels-last layers show a kernel extent or a per-group count there.
        shape = self.weight.shape
        return s.format(name=self.__class__.__name__, mapping=f"{shape[1] if shape[1] else None} -> {shape[0]}",
                        **self._kwargs)


class Conv1D(_Conv):
    """1-D convolution over ``(batch, channels, width)`` input (layout 'NCW', or 'NWC').

    The output width is ``floor((width + 2*padding - dilation*(kernel_size-1) - 1) / strides) + 1``.

    Parameters
    ----------
    channels
        The number of output channels (filters).
    kernel_size
        Size of the convolution window: an int or a tuple with one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis.
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    dilation
        Spacing between the window's elements: an int or one entry per spatial axis.
    groups
        The number of groups the input and output channels are split into (each group convolved
        separately).
    layout
        Axis order of the data: ``'NCW'`` (batch, channels, width; the default) or ``'NWC'``.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    use_bias
        Whether the layer adds a learned bias.
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    in_channels
        The number of input channels; 0 (the default) leaves it to the first forward pass.
    """

    def __init__(self, channels, kernel_size, strides=1, padding=0, dilation=1, groups=1, layout="NCW",
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros", in_channels=0,
                 **kwargs):
        super().__init__(channels, _size("Conv1D: kernel_size", kernel_size, 1, 1), strides, padding, dilation, groups,
                         layout, in_channels, activation, use_bias, weight_initializer, bias_initializer, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over ``(batch, channels, height, width)`` input (layout 'NCHW', or 'NHWC').

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> nn.Conv2D(16, kernel_size=3, strides=2, padding=1, groups=2, use_bias=False, in_channels=4)
    Conv2D(2 -> 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2, bias=False)

    Parameters
    ----------
    dilation
        Spacing between the window's elements: an int or one entry per spatial axis.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    """

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
                 layout="NCHW", activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 in_channels=0, **kwargs):
        super().__init__(channels, _size("Conv2D: kernel_size", kernel_size, 2, 1), strides, padding, dilation, groups,
                         layout, in_channels, activation, use_bias, weight_initializer, bias_initializer, **kwargs)


class Conv3D(_Conv):
    """3-D convolution over ``(batch, channels, depth, height, width)`` input (layout 'NCDHW',
    or 'NDHWC').

    Parameters
    ----------
    channels
        The number of output channels (filters).
    kernel_size
        Size of the convolution window: an int or a tuple with one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis.
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    dilation
        Spacing between the window's elements: an int or one entry per spatial axis.
    groups
        The number of groups the input and output channels are split into (each group convolved
        separately).
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default) or
        ``'NDHWC'``.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    use_bias
        Whether the layer adds a learned bias.
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    in_channels
        The number of input channels; 0 (the default) leaves it to the first forward pass.
    """

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1), groups=1,
                 layout="NCDHW", activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 in_channels=0, **kwargs):
        super().__init__(channels, _size("Conv3D: kernel_size", kernel_size, 3, 1), strides, padding, dilation, groups,
                         layout, in_channels, activation, use_bias, weight_initializer, bias_initializer, **kwargs)


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (the gradient of a convolution; upsampling). The output width
    is ``(width-1)*strides - 2*padding + dilation*(kernel_size-1) + 1 + output_padding``.

    Parameters
    ----------
    channels
        The number of output channels (filters).
    kernel_size
        Size of the convolution window: an int or a tuple with one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis.
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    output_padding
        Extra size added to one side of each spatial output axis (to choose among the output sizes
        that the same input size maps back from).
    dilation
        Spacing between the window's elements: an int or one entry per spatial axis.
    groups
        The number of groups the input and output channels are split into (each group convolved
        separately).
    layout
        Axis order of the data: ``'NCW'`` (batch, channels, width; the default) or ``'NWC'``.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    use_bias
        Whether the layer adds a learned bias.
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    in_channels
        The number of input channels; 0 (the default) leaves it to the first forward pass.
    """

    def __init__(self, channels, kernel_size, strides=1, padding=0, output_padding=0, dilation=1, groups=1,
                 layout="NCW", activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 in_channels=0, **kwargs):
        super().__init__(channels, _size("Conv1DTranspose: kernel_size", kernel_size, 1, 1), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias, weight_initializer, bias_initializer,
                         output_padding=_size("Conv1DTranspose: output_padding", output_padding, 1, 0), **kwargs)
        self.outpad = self._kwargs["adj"]


class Conv2DTranspose(_Conv):
    """2-D transposed convolution.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> up = nn.Conv2DTranspose(3, kernel_size=4, strides=2, padding=1, in_channels=5)
    >>> up.initialize()
    >>> up(np.ones((1, 5, 4, 4))).shape
    (1, 3, 8, 8)

    Parameters
    ----------
    channels
        The number of output channels (filters).
    kernel_size
        Size of the convolution window: an int or a tuple with one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis.
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    output_padding
        Extra size added to one side of each spatial output axis (to choose among the output sizes
        that the same input size maps back from).
    dilation
        Spacing between the window's elements: an int or one entry per spatial axis.
    groups
        The number of groups the input and output channels are split into (each group convolved
        separately).
    layout
        Axis order of the data: ``'NCHW'`` (batch, channels, height, width; the default) or
        ``'NHWC'``.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    use_bias
        Whether the layer adds a learned bias.
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    in_channels
        The number of input channels; 0 (the default) leaves it to the first forward pass.
    """

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0), output_padding=(0, 0),
                 dilation=(1, 1), groups=1, layout="NCHW", activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", in_channels=0, **kwargs):
        super().__init__(channels, _size("Conv2DTranspose: kernel_size", kernel_size, 2, 1), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias, weight_initializer, bias_initializer,
                         output_padding=_size("Conv2DTranspose: output_padding", output_padding, 2, 0), **kwargs)
        self.outpad = self._kwargs["adj"]


class Conv3DTranspose(_Conv):
    """3-D transposed convolution.

    Parameters
    ----------
    channels
        The number of output channels (filters).
    kernel_size
        Size of the convolution window: an int or a tuple with one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis.
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    output_padding
        Extra size added to one side of each spatial output axis (to choose among the output sizes
        that the same input size maps back from).
    dilation
        Spacing between the window's elements: an int or one entry per spatial axis.
    groups
        The number of groups the input and output channels are split into (each group convolved
        separately).
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default) or
        ``'NDHWC'``.
    activation
        Name of the activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'softrelu'``, ``'softsign'``), or None for none.
    use_bias
        Whether the layer adds a learned bias.
    weight_initializer
        Initializer of ``weight`` (None: the one passed to ``initialize``).
    bias_initializer
        Initializer of ``bias`` (zeros by default).
    in_channels
        The number of input channels; 0 (the default) leaves it to the first forward pass.
    """

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0), output_padding=(0, 0, 0),
                 dilation=(1, 1, 1), groups=1, layout="NCDHW", activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer="zeros", in_channels=0, **kwargs):
        super().__init__(channels, _size("Conv3DTranspose: kernel_size", kernel_size, 3, 1), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias, weight_initializer, bias_initializer,
                         output_padding=_size("Conv3DTranspose: output_padding", output_padding, 3, 0), **kwargs)
        self.outpad = self._kwargs["adj"]


class _Pooling(HybridBlock):
    """The pooling layers' common part: MXNet keeps the arguments as given (an int expands
    to a tuple; ``strides=None`` means ``pool_size``) and prints them back."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout, count_include_pad=None,
                 **kwargs):
        d = len(pool_size)
        cls = self.__class__.__name__
        _check_layout(cls, layout, d)
        if strides is None:
            strides = pool_size
        strides = _size(f"{cls}: strides", strides, d, 1)
        padding = _size(f"{cls}: padding", padding, d, 0)
        super().__init__(**kwargs)
        self._kwargs = {"kernel": pool_size, "stride": strides, "pad": padding, "global_pool": global_pool,
                        "pool_type": pool_type, "layout": layout,
                        "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad
        self.__dict__["_call"] = {k: tuple(v) if isinstance(v, list) else v for k, v in self._kwargs.items()}

    def _alias(self):
        return "pool"

    def forward(self, x):
        return _npx.pooling(x, **self._call)

    def __repr__(self):
        s = "{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}"
        s += ", global_pool={global_pool}, pool_type={pool_type}, layout={layout})"
        return s.format(name=self.__class__.__name__, ceil_mode=self._kwargs["pooling_convention"] == "full",
                        **self._kwargs)


class MaxPool1D(_Pooling):
    """Max pooling over windows of ``pool_size`` moved by ``strides`` (default: ``pool_size``).

    Parameters
    ----------
    pool_size
        Size of the pooling window: an int or one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis (None: ``pool_size``).
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    layout
        Axis order of the data: ``'NCW'`` (batch, channels, width; the default) or ``'NWC'``.
    ceil_mode
        Round the output size up rather than down (a partial last window counts).
    """

    def __init__(self, pool_size=2, strides=None, padding=0, layout="NCW", ceil_mode=False, **kwargs):
        super().__init__(_size("MaxPool1D: pool_size", pool_size, 1, 1), strides, padding, ceil_mode, False, "max",
                         layout, **kwargs)


class MaxPool2D(_Pooling):
    """2-D max pooling; ``ceil_mode`` rounds the output size up (MXNet's 'full' convention).

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> nn.MaxPool2D(pool_size=3, strides=2, padding=1)(np.ones((1, 2, 8, 8))).shape
    (1, 2, 4, 4)

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCHW'`` (batch, channels, height, width; the default) or
        ``'NHWC'``.
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding=0, layout="NCHW", ceil_mode=False, **kwargs):
        super().__init__(_size("MaxPool2D: pool_size", pool_size, 2, 1), strides, padding, ceil_mode, False, "max",
                         layout, **kwargs)


class MaxPool3D(_Pooling):
    """3-D max pooling.

    Parameters
    ----------
    pool_size
        Size of the pooling window: an int or one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis (None: ``pool_size``).
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default) or
        ``'NDHWC'``.
    ceil_mode
        Round the output size up rather than down (a partial last window counts).
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, layout="NCDHW", ceil_mode=False, **kwargs):
        super().__init__(_size("MaxPool3D: pool_size", pool_size, 3, 1), strides, padding, ceil_mode, False, "max",
                         layout, **kwargs)


class AvgPool1D(_Pooling):
    """Average pooling; ``count_include_pad`` counts padded positions in each window's size.

    Parameters
    ----------
    pool_size
        Size of the pooling window: an int or one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis (None: ``pool_size``).
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    layout
        Axis order of the data: ``'NCW'`` (batch, channels, width; the default) or ``'NWC'``.
    ceil_mode
        Round the output size up rather than down (a partial last window counts).
    count_include_pad
        Whether the padded zeros count in the average's divisor.
    """

    def __init__(self, pool_size=2, strides=None, padding=0, layout="NCW", ceil_mode=False, count_include_pad=True,
                 **kwargs):
        super().__init__(_size("AvgPool1D: pool_size", pool_size, 1, 1), strides, padding, ceil_mode, False, "avg",
                         layout, count_include_pad, **kwargs)


class AvgPool2D(_Pooling):
    """2-D average pooling.

    Parameters
    ----------
    pool_size
        Size of the pooling window: an int or one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis (None: ``pool_size``).
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    ceil_mode
        Round the output size up rather than down (a partial last window counts).
    layout
        Axis order of the data: ``'NCHW'`` (batch, channels, height, width; the default) or
        ``'NHWC'``.
    count_include_pad
        Whether the padded zeros count in the average's divisor.
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding=0, ceil_mode=False, layout="NCHW",
                 count_include_pad=True, **kwargs):
        super().__init__(_size("AvgPool2D: pool_size", pool_size, 2, 1), strides, padding, ceil_mode, False, "avg",
                         layout, count_include_pad, **kwargs)


class AvgPool3D(_Pooling):
    """3-D average pooling.

    Parameters
    ----------
    pool_size
        Size of the pooling window: an int or one entry per spatial axis.
    strides
        Step of the window: an int or one entry per spatial axis (None: ``pool_size``).
    padding
        Zeros added on both sides of each spatial axis: an int or one entry per spatial axis.
    ceil_mode
        Round the output size up rather than down (a partial last window counts).
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default) or
        ``'NDHWC'``.
    count_include_pad
        Whether the padded zeros count in the average's divisor.
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, ceil_mode=False, layout="NCDHW",
                 count_include_pad=True, **kwargs):
        super().__init__(_size("AvgPool3D: pool_size", pool_size, 3, 1), strides, padding, ceil_mode, False, "avg",
                         layout, count_include_pad, **kwargs)


class GlobalMaxPool1D(_Pooling):
    """The maximum over the whole width: ``(N, C, W)`` to ``(N, C, 1)``.

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCW'`` (batch, channels, width; the default) or ``'NWC'``.
    """

    def __init__(self, layout="NCW", **kwargs):
        super().__init__((1,), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool2D(_Pooling):
    """The maximum over each channel's whole image: ``(N, C, H, W)`` to ``(N, C, 1, 1)``.

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCHW'`` (batch, channels, height, width; the default) or
        ``'NHWC'``.
    """

    def __init__(self, layout="NCHW", **kwargs):
        super().__init__((1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool3D(_Pooling):
    """The maximum over each channel's whole volume: ``(N, C, D, H, W)`` to ``(N, C, 1, 1, 1)``.

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default)
        or ``'NDHWC'``.
    """

    def __init__(self, layout="NCDHW", **kwargs):
        super().__init__((1, 1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalAvgPool1D(_Pooling):
    """The mean over the whole width: ``(N, C, W)`` to ``(N, C, 1)``.

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCW'`` (batch, channels, width; the default) or ``'NWC'``.

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default) or
        ``'NDHWC'``.
    """

    def __init__(self, layout="NCW", **kwargs):
        super().__init__((1,), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool2D(_Pooling):
    """The mean over each channel's whole image: ``(N, C, H, W)`` to ``(N, C, 1, 1)``.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> nn.GlobalAvgPool2D()(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[[[1.5]],
    <BLANKLINE>
            [[5.5]]]])

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCHW'`` (batch, channels, height, width; the default) or
        ``'NHWC'``.
    """

    def __init__(self, layout="NCHW", **kwargs):
        super().__init__((1, 1), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool3D(_Pooling):
    """The mean over each channel's whole volume: ``(N, C, D, H, W)`` to ``(N, C, 1, 1, 1)``.

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default)
        or ``'NDHWC'``.
    """

    def __init__(self, layout="NCDHW", **kwargs):
        super().__init__((1, 1, 1), None, 0, True, True, "avg", layout, **kwargs)


class ReflectionPad2D(HybridBlock):
    """Pads ``(N, C, H, W)`` input by reflecting it at its borders: ``padding`` on each side of
    H and W (an int), or MXNet's flat 8-tuple ``(0, 0, 0, 0, top, bottom, left, right)``.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> nn.ReflectionPad2D(1)(np.arange(4.0).reshape(1, 1, 2, 2))
    array([[[[3., 2., 3., 2.],
             [1., 0., 1., 0.],
             [3., 2., 3., 2.],
             [1., 0., 1., 0.]]]])

    Parameters
    ----------
    layout
        Axis order of the data: ``'NCDHW'`` (batch, channels, depth, height, width; the default) or
        ``'NDHWC'``.
    """

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, numbers.Integral):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise ValueError(f"ReflectionPad2D: padding must be an int or 8 numbers, got {padding!r}")
        self._padding = tuple(padding)

    def forward(self, x):
        if x.ndim != 4:
            raise ValueError(f"{self.name}: ReflectionPad2D expects 4-D (N, C, H, W) input, got shape {x.shape}")
        p = self._padding
        return _np.pad(x, tuple(zip(p[0::2], p[1::2])), mode="reflect")

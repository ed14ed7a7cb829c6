"""Sliding-window geometry shared by convolution, deconvolution and pooling: MXNet's layout
names, the per-axis ``kernel``/``stride``/``dilate``/``pad`` tuples, and output sizes.

Every check names the operation, the argument and the shapes involved, so a bad call says
what to change (the engine checks again, but cannot name ``num_group`` or ``layout``).

>>> from deepblocks.numpy_extension.window import layout_of, window_arg, conv_out_size
>>> layout_of("convolution", None, (2, 3, 8, 8)), layout_of("convolution", "NHWC", (2, 8, 8, 3))
((2, False), (2, True))
>>> window_arg("convolution", "stride", 2, 2, 1, 1), window_arg("convolution", "pad", None, 3, 0, 0)
((2, 2), (0, 0, 0))
>>> conv_out_size(8, kernel=3, stride=2, dilate=1, pad=1)
4
"""

import operator

__all__ = ["LAYOUTS", "layout_of", "window_arg", "spatial", "channels", "conv_out_size", "deconv_out_size"]

# layout -> (number of spatial axes, channels last?)
LAYOUTS = {"NCW": (1, False), "NCHW": (2, False), "NCDHW": (3, False),
           "NWC": (1, True), "NHWC": (2, True), "NDHWC": (3, True)}


def layout_of(op, layout, shape):
    """``(spatial axes, channels last)`` of data of ``shape`` in ``layout``; None is MXNet's
    default, channels first (NCW, NCHW or NCDHW by the number of dimensions)."""
    shape = tuple(shape)
    if len(shape) not in (3, 4, 5):
        raise ValueError(f"{op}: data must have 3, 4 or 5 dimensions (batch, channels and 1 to 3 spatial axes), "
                         f"got shape {shape}")
    d = len(shape) - 2
    if layout is None:
        return d, False
    spec = LAYOUTS.get(layout)
    if spec is None:
        raise ValueError(f"{op}: unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    if spec[0] != d:
        raise ValueError(f"{op}: layout {layout!r} is for {spec[0] + 2}-D data, got data of shape {shape}")
    return spec


def window_arg(op, name, value, d, default, minimum):
    """``value`` as a tuple of ``d`` ints, each at least ``minimum``: an int is repeated, None
    or ``()`` gives ``default`` on every axis (MXNet's empty-shape default)."""
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        return (default,) * d
    try:
        t = (operator.index(value),) * d
    except TypeError:
        try:
            t = tuple(operator.index(v) for v in value)
        except TypeError:
            raise TypeError(f"{op}: {name} must be an int or a tuple of {d} ints, got {value!r}") from None
        if len(t) != d:
            raise ValueError(f"{op}: {name} {tuple(value)} must have {d} values, one per spatial axis") from None
    if any(v < minimum for v in t):
        raise ValueError(f"{op}: {name} {t} must be at least {minimum} on every axis")
    return t


def spatial(shape, last):
    """The spatial extents of data of ``shape`` (channels first, or last when ``last``)."""
    return tuple(shape[1:-1]) if last else tuple(shape[2:])


def channels(shape, last):
    return shape[-1] if last else shape[1]


def conv_out_size(n, kernel, stride, dilate, pad):
    """Output length of a convolution along one axis; None when the dilated kernel does not
    fit in the padded input."""
    span = dilate * (kernel - 1) + 1
    if n + 2 * pad < span:
        return None
    return (n + 2 * pad - span) // stride + 1


def deconv_out_size(n, kernel, stride, dilate, pad, adj):
    """Output length of a transposed convolution along one axis."""
    return (n - 1) * stride - 2 * pad + dilate * (kernel - 1) + 1 + adj


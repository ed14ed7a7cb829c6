"""MXNet 1.x's output and loss-marking operators: ``nd.MakeLoss``/``make_loss``,
``nd.LinearRegressionOutput``, ``nd.LogisticRegressionOutput``, ``nd.MAERegressionOutput`` and
``nd.SoftmaxOutput`` (alias ``nd.Softmax``).

Their forward value is the prediction (the data, its sigmoid or its softmax); what makes them
losses is the gradient they send back to the data, which MXNet fixes by formula (for
``SoftmaxOutput``, ``softmax - one_hot(label)``) instead of differentiating the value. Here
each builds that gradient into the result: back-propagating from it (``y.backward()``) gives
the data exactly MXNet's gradient, and the labels get none.

One difference remains: MXNet ignores a head gradient passed to ``backward`` on these outputs;
here it multiplies the fixed gradient (with the default head of ones the two agree).

>>> from deepblocks import nd, autograd
>>> x = nd.array([[1.0, 3.0]]); x.attach_grad()
>>> with autograd.record():
...     y = nd.LinearRegressionOutput(x, nd.array([[0.0, 1.0]]))
>>> y.backward(); y.asnumpy(), x.grad.asnumpy()      # value x, gradient (x - label) / 2
(array([[1., 3.]], dtype=float32), array([[0.5, 1. ]], dtype=float32))
"""

from .. import _core
from .. import numpy_extension as _npx
from .ndarray import _name, _nd, _np_dtype
from .ops import OperatorError as _OperatorError
from .ops import _write
from .ops import softmax as _softmax

__all__ = ["MakeLoss", "make_loss", "LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput",
           "SoftmaxOutput", "Softmax"]


def _with_gradient(value, data, grad):
    """``value``'s numbers; its gradient with respect to ``data`` is ``grad`` (times the head
    gradient), whatever ``value``'s own derivative."""
    g = _nd(grad).detach()
    carrier = data * g
    return _nd(value).detach() + (carrier - carrier.detach())


def MakeLoss(data=None, grad_scale=1.0, valid_thresh=0.0, normalization="null", out=None):
    """Marks ``data`` as a loss: the value is ``data``; its gradient is ``grad_scale`` per
    element, divided by the batch size (``normalization='batch'``) or by the number of
    elements above ``valid_thresh`` (``'valid'``, at least 1).

    >>> from deepblocks import nd, autograd
    >>> x = nd.array([1.0, -2.0]); x.attach_grad()
    >>> with autograd.record():
    ...     y = nd.MakeLoss(x, grad_scale=2)
    >>> y.backward(); x.grad.asnumpy()
    array([2., 2.], dtype=float32)
    """
    x = _nd(data)
    if normalization == "null":
        scale = float(grad_scale)
    elif normalization == "batch":
        scale = float(grad_scale) / (x.shape[0] if x.ndim and x.shape[0] else 1)
    elif normalization == "valid":
        count = float((x > valid_thresh).sum().asscalar())
        scale = float(grad_scale) / (count if count > 0 else 1.0)
    else:
        raise _OperatorError(f"MakeLoss: invalid normalization {normalization!r}, valid values are batch, null, valid")
    if scale == 1.0:
        return _write(x.copy(), out)
    return _write(_with_gradient(x, x, x.ones_like() * scale), out)


def make_loss(data=None, out=None, **kwargs):
    """``MakeLoss`` with its defaults: the value of ``data``, gradient 1 per element."""
    return MakeLoss(data, out=out)


def _regression(data, label, name):
    x = _nd(data)
    if label is None:
        raise _OperatorError(f"{name}: needs a label")
    y = _nd(label)
    if y.size != x.size:
        raise _OperatorError(f"{name}: label of shape {y.shape} does not fit data of shape {x.shape}")
    per_sample = x.size // x.shape[0] if x.ndim and x.shape[0] else 1
    return x, y.reshape(x.shape).astype(_name(_np_dtype(x))), per_sample


def LinearRegressionOutput(data=None, label=None, grad_scale=1.0, out=None):
    """Value ``data``; gradient ``(data - label) * grad_scale / m``, ``m`` the outputs per
    sample (the squared-error loss)."""
    x, y, m = _regression(data, label, "LinearRegressionOutput")
    return _write(_with_gradient(x, x, (x - y) * (float(grad_scale) / m)), out)


def LogisticRegressionOutput(data=None, label=None, grad_scale=1.0, out=None):
    """Value ``sigmoid(data)``; gradient ``(sigmoid(data) - label) * grad_scale / m`` (the
    logistic loss)."""
    x, y, m = _regression(data, label, "LogisticRegressionOutput")
    p = _nd(_core.unary(x, "sigmoid", True))
    return _write(_with_gradient(p, x, (p - y) * (float(grad_scale) / m)), out)


def MAERegressionOutput(data=None, label=None, grad_scale=1.0, out=None):
    """Value ``data``; gradient ``sign(data - label) * grad_scale / m`` (the absolute-error
    loss)."""
    x, y, m = _regression(data, label, "MAERegressionOutput")
    return _write(_with_gradient(x, x, _nd(_core.unary(x - y, "sign", True)) * (float(grad_scale) / m)), out)


def SoftmaxOutput(data=None, label=None, grad_scale=1.0, ignore_label=-1.0, multi_output=False, use_ignore=False,
                  preserve_shape=False, normalization="null", out_grad=False, smooth_alpha=0.0, out=None):
    """Value ``softmax(data)`` over the classes; gradient ``(softmax - target) * grad_scale``,
    ``target`` the one-hot label (smoothed by ``smooth_alpha``; zero for a label outside the
    classes). The classes are the last axis of 2-D data (``(batch, classes)`` with
    ``(batch,)`` labels), axis 1 with ``multi_output`` (``(batch, classes, d...)`` with
    ``(batch, d...)`` labels) or the last axis with ``preserve_shape`` (labels
    ``data.shape[:-1]``). With ``use_ignore``, positions labelled ``ignore_label`` get no
    gradient. ``normalization`` divides by the number of labels ('batch') or of labels not
    ignored ('valid'); 'null' divides only a ``multi_output`` gradient by ``d``.

    >>> from deepblocks import nd, autograd
    >>> x = nd.array([[0.0, 0.0]]); x.attach_grad()
    >>> with autograd.record():
    ...     p = nd.SoftmaxOutput(x, nd.array([1]))
    >>> p.backward(); p.asnumpy(), x.grad.asnumpy()
    (array([[0.5, 0.5]], dtype=float32), array([[ 0.5, -0.5]], dtype=float32))
    """
    x = _nd(data)
    if label is None:
        raise _OperatorError("SoftmaxOutput: needs a label")
    if out_grad:
        raise NotImplementedError("SoftmaxOutput: out_grad=True is not supported")
    y = _nd(label)
    if multi_output:
        axis, want = 1, (x.shape[:1] + x.shape[2:] if x.ndim >= 2 else None)
    elif preserve_shape:
        axis, want = -1, x.shape[:-1]
    else:
        if x.ndim != 2:
            raise _OperatorError(f"SoftmaxOutput: data must be 2-D (batch, classes) without multi_output or "
                                 f"preserve_shape, got shape {x.shape}")
        axis, want = -1, x.shape[:1]
    if want is None or x.ndim < 1:
        raise _OperatorError(f"SoftmaxOutput: data of shape {x.shape} has no class axis")
    if y.size != _count(want):
        raise _OperatorError(f"SoftmaxOutput: label of shape {y.shape} does not fit data of shape {x.shape} "
                             f"(expected {want})")
    y = y.reshape(want)
    classes = x.shape[axis]
    p = _softmax(x, axis=axis)
    onehot = _nd(_npx.one_hot(y, classes, 1.0, 0.0, _name(_np_dtype(x))))
    if axis == 1:
        onehot = _nd(_core.moveaxis(onehot, [-1], [1]))
    if smooth_alpha:
        # MXNet spreads alpha over the other classes; a label outside them keeps an all-zero row.
        hit = onehot.sum(axis=axis, keepdims=True)
        onehot = onehot * (1.0 - smooth_alpha) + (hit - onehot) * (smooth_alpha / (classes - 1))
    grad = p - onehot
    keep = None
    if use_ignore:
        keep = (y != ignore_label).astype(_name(_np_dtype(x)))
        grad = grad * keep.expand_dims(axis % x.ndim)
    if normalization == "batch":
        scale = float(grad_scale) / max(y.size, 1)
    elif normalization == "valid":
        valid = float(keep.sum().asscalar()) if keep is not None else float(y.size)
        scale = float(grad_scale) / (valid if valid > 0 else 1.0)
    elif normalization == "null":
        scale = float(grad_scale) / (y.size // x.shape[0] if multi_output and x.shape[0] else 1)
    else:
        raise _OperatorError(f"SoftmaxOutput: invalid normalization {normalization!r}, valid values are batch, null, "
                             "valid")
    return _write(_with_gradient(p, x, grad * scale), out)


Softmax = SoftmaxOutput  # MXNet 1.x's deprecated name


def _count(shape):
    n = 1
    for d in shape:
        n *= d
    return n

"""The legacy optimizer operators of ``nd`` (MXNet 1.9.1's ``nd.sgd_update``,
``nd.adam_update``, ``nd.lamb_update_phase1``, ``nd.contrib.adamw_update``, ...).

MXNet 1.x code that writes its own training loop or optimizer calls these directly. Each takes
the weight, the gradient and the state arrays, plus the step's hyper-parameters, and returns the
new weight; ``out=weight`` (MXNet's usual call) writes it into the weight. State arrays (momentum,
moment estimates, ...) are always updated in place, as in MXNet. The rules are MXNet's kernels:
the gradient is first multiplied by ``rescale_grad`` and clipped to ``[-clip_gradient,
clip_gradient]`` when ``clip_gradient >= 0`` (the default -1 turns clipping off, 0 clips to 0).
Arithmetic runs in the weight's dtype; the ``mp_*`` (multi-precision) forms keep a float32
master copy ``weight32`` (and float32 states) and write the weight from it.

The arrays may be ``nd.NDArray`` or ``np.ndarray``; the result is an ``nd.NDArray`` unless
``out`` is given (then ``out`` itself is returned). The updates are never recorded by autograd.

>>> from deepblocks import nd
>>> w, g, mom = nd.array([1.0, 2.0]), nd.array([0.5, -1.0]), nd.zeros(2)
>>> _ = nd.sgd_mom_update(w, g, mom, lr=0.1, momentum=0.9, out=w)
>>> w.asnumpy(), mom.asnumpy()
(array([0.95, 2.1 ], dtype=float32), array([-0.05,  0.1 ], dtype=float32))
>>> nd.sgd_update(w, g, lr=0.1).asnumpy().round(4)     # without out=, the weight is kept
array([0.9, 2.2], dtype=float32)
>>> w.asnumpy()
array([0.95, 2.1 ], dtype=float32)
"""

import functools
import math

import numpy as _onp

from .. import _core, autograd
from .. import numpy as _dnp
from .ndarray import _nd

__all__ = [
    "sgd_update", "sgd_mom_update", "nag_mom_update", "mp_sgd_update", "mp_sgd_mom_update",
    "mp_nag_mom_update", "adam_update", "rmsprop_update", "rmspropalex_update", "ftrl_update",
    "ftml_update", "signsgd_update", "signum_update", "lamb_update_phase1", "lamb_update_phase2",
    "mp_lamb_update_phase1", "mp_lamb_update_phase2", "multi_sgd_update", "multi_sgd_mom_update",
    "multi_mp_sgd_update", "multi_mp_sgd_mom_update", "preloaded_multi_sgd_update",
    "preloaded_multi_sgd_mom_update", "preloaded_multi_mp_sgd_update",
    "preloaded_multi_mp_sgd_mom_update", "multi_sum_sq", "multi_lars",
]

# The operators MXNet 1.9.1 keeps in ``nd.contrib`` (exported there by ``ndarray/contrib.py``).
CONTRIB = [
    "adamw_update", "mp_adamw_update", "multi_adamw_update", "multi_mp_adamw_update",
    "multi_lamb_update", "multi_mp_lamb_update", "group_adagrad_update",
]

_view = _core.ndarray  # the numpy-mode view of any deepblocks array (shares its data)
_dtype_of = _core.ndarray.dtype.__get__
_F32 = _onp.dtype("float32")


# ---- argument checks --------------------------------------------------------------------------


def _unrecorded(f):
    """Runs an operator with autograd paused: an update is never part of a graph, and it may
    write into arrays that have a gradient attached."""

    @functools.wraps(f)
    def run(*args, **kwargs):
        with autograd.pause():
            return f(*args, **kwargs)

    return run


def _array(op, name, x):
    if not isinstance(x, _view):
        raise TypeError(f"{op}: {name} must be an NDArray (deepblocks.nd.NDArray or deepblocks.np.ndarray), "
                        f"not {type(x).__name__}")
    return _view(x)


def _operands(op, weight, grad, *states, wname="weight"):
    """The numpy-mode views of ``weight`` (called ``wname`` in messages), ``grad`` and
    ``states`` (pairs of name and array), checked as MXNet does: one shape and one
    floating-point dtype."""
    w = _array(op, wname, weight)
    wdt = _dtype_of(w)
    if wdt.kind != "f":
        raise TypeError(f"{op}: {wname} must have a floating-point dtype, not {wdt.name}")
    views = [w]
    for name, x in (("grad", grad),) + states:
        v = _array(op, name, x)
        if v.shape != w.shape:
            raise ValueError(f"{op}: {name} has shape {v.shape} but {wname} has shape {w.shape}")
        if _dtype_of(v) != wdt:
            raise TypeError(f"{op}: {name} has dtype {_dtype_of(v).name} but {wname} has dtype {wdt.name}")
        views.append(v)
    return views


def _required(op, **params):
    for name, value in params.items():
        if value is None:
            raise TypeError(f"{op}: missing required argument '{name}'")


def _number(op, name, x):
    """A hyper-parameter as a Python float (a NumPy scalar would change the arrays' dtype)."""
    try:
        return float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {name} must be a number, not {x!r}") from None


def _clip(x, bound):
    """``x`` limited to ``[-bound, bound]``; MXNet's kernels clip when the bound is >= 0."""
    return x if bound is None or bound < 0 else _dnp.clip(x, -bound, bound)


def _rescaled(grad, rescale_grad, clip_gradient):
    return _clip(grad * rescale_grad, clip_gradient)


def _result(op, new, out):
    """The operator's result: ``new`` written into ``out`` (returned), else ``new`` as an NDArray."""
    if out is None:
        return _nd(new)
    o = _array(op, "out", out)
    if o.shape != new.shape:
        raise ValueError(f"{op}: out has shape {o.shape} but the result has shape {new.shape}")
    o[...] = new
    return out


def _target(op, weight, w, out):
    """The array an in-place kernel should update: ``out`` holding the weight (``out`` may be
    the weight itself), else a copy of the weight (``w`` is the weight's view)."""
    if out is None:
        return w.copy()
    o = _array(op, "out", out)
    if o.shape != w.shape or _dtype_of(o) != _dtype_of(w):
        raise ValueError(f"{op}: out must have the weight's shape {w.shape} and dtype {_dtype_of(w).name}, "
                         f"not {o.shape} and {_dtype_of(o).name}")
    if out is not weight:
        o[...] = w
    return o


def _done(target, out):
    return out if out is not None else _nd(target)


def _lr_wd(op, lr, wd, rescale_grad, clip_gradient):
    _required(op, lr=lr)
    clip = None if clip_gradient is None else _number(op, "clip_gradient", clip_gradient)
    return _number(op, "lr", lr), _number(op, "wd", wd), _number(op, "rescale_grad", rescale_grad), clip


def _kernel_clip(c):
    """A clipping bound for the engine's kernels (None means off there; MXNet's off is < 0)."""
    return c if c is not None and c >= 0 else None


# ---- SGD family ---------------------------------------------------------------------------


@_unrecorded
def sgd_update(weight, grad, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True, out=None,
               name=None):
    """SGD: ``weight = weight - lr * (clip(rescale_grad * grad) + wd * weight)``.

    ``lazy_update`` concerns sparse gradients only (accepted for compatibility).

    >>> from deepblocks import nd
    >>> w = nd.array([1.0, -1.0])
    >>> nd.sgd_update(w, nd.array([2.0, 2.0]), lr=0.5, clip_gradient=1.0, out=w).asnumpy()
    array([ 0.5, -1.5], dtype=float32)
    """
    op = "sgd_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, g = _operands(op, weight, grad)
    t = _target(op, weight, w, out)
    _core.sgd_update(t, g, None, lr, wd, 0.0, rs, _kernel_clip(c))
    return _done(t, out)


@_unrecorded
def sgd_mom_update(weight, grad, mom, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                   lazy_update=True, out=None, name=None):
    """SGD with momentum::

        mom = momentum * mom - lr * (clip(rescale_grad * grad) + wd * weight)
        weight = weight + mom
    """
    op = "sgd_mom_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, g, m = _operands(op, weight, grad, ("mom", mom))
    t = _target(op, weight, w, out)
    _core.sgd_update(t, g, m, lr, wd, _number(op, "momentum", momentum), rs, _kernel_clip(c))
    return _done(t, out)


def _nag(op, t, g, m, lr, wd, momentum, rs, c, old):
    """Nesterov's step on ``t`` (holding the weight) and ``m``. MXNet's kernel writes the new
    weight before it adds the weight-decay term to the momentum, so when the output is the
    weight itself (``old`` is its previous value) that term uses the *new* weight."""
    _core.sgd_update(t, g, m, lr, wd, momentum, rs, _kernel_clip(c), True)
    if old is not None and wd != 0.0:
        m[...] = m - (lr * wd) * (t - old)


@_unrecorded
def nag_mom_update(weight, grad, mom, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                   out=None, name=None):
    """Nesterov's accelerated gradient, with ``G = clip(rescale_grad * grad) + wd * weight``::

        weight = weight + momentum * (momentum * mom - lr * G) - lr * G
        mom = momentum * mom - lr * G

    As in MXNet 1.9.1, when ``out`` is the weight the ``wd * weight`` term of the new momentum
    uses the updated weight (MXNet's kernel writes the weight first).
    """
    op = "nag_mom_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, g, m = _operands(op, weight, grad, ("mom", mom))
    in_place = out is weight or isinstance(out, _view) and out._storage_id == w._storage_id
    old = w.copy() if in_place and wd != 0.0 else None
    t = _target(op, weight, w, out)
    _nag(op, t, g, m, lr, wd, _number(op, "momentum", momentum), rs, c, old)
    return _done(t, out)


def _mp(op, weight, grad, weight32, *states):
    """Views for an ``mp_`` operator: float32 master weights and states, and the gradient
    as float32 (MXNet computes these in float32)."""
    w, g = _operands(op, weight, grad)
    w32 = _array(op, "weight32", weight32)
    if _dtype_of(w32) != _F32 or w32.shape != w.shape:
        raise TypeError(f"{op}: weight32 (the float32 master copy) must be float32 with the weight's shape "
                        f"{w.shape}, not {_dtype_of(w32).name} {w32.shape}")
    return w, _operands(op, w32, g.astype(_F32), *states, wname="weight32")


@_unrecorded
def mp_sgd_update(weight, grad, weight32, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                  lazy_update=True, out=None, name=None):
    """``sgd_update`` on the float32 master copy ``weight32`` (updated in place); the result
    is ``weight32`` in the weight's dtype."""
    op = "mp_sgd_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    _, (w32, g32) = _mp(op, weight, grad, weight32)
    _core.sgd_update(w32, g32, None, lr, wd, 0.0, rs, _kernel_clip(c))
    return _result(op, w32.astype(_dtype_of(_view(weight))), out)


@_unrecorded
def mp_sgd_mom_update(weight, grad, mom, weight32, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0,
                      clip_gradient=-1.0, lazy_update=True, out=None, name=None):
    """``sgd_mom_update`` on the float32 master copy ``weight32`` and float32 ``mom``."""
    op = "mp_sgd_mom_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    _, (w32, g32, m) = _mp(op, weight, grad, weight32, ("mom", mom))
    _core.sgd_update(w32, g32, m, lr, wd, _number(op, "momentum", momentum), rs, _kernel_clip(c))
    return _result(op, w32.astype(_dtype_of(_view(weight))), out)


@_unrecorded
def mp_nag_mom_update(weight, grad, mom, weight32, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0,
                      clip_gradient=-1.0, out=None, name=None):
    """``nag_mom_update`` on the float32 master copy ``weight32`` and float32 ``mom``. The
    master copy is always updated in place, so (as in MXNet 1.9.1) the momentum's weight-decay
    term uses the updated master weight."""
    op = "mp_nag_mom_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    _, (w32, g32, m) = _mp(op, weight, grad, weight32, ("mom", mom))
    old = w32.copy() if wd != 0.0 else None
    _nag(op, w32, g32, m, lr, wd, _number(op, "momentum", momentum), rs, c, old)
    return _result(op, w32.astype(_dtype_of(_view(weight))), out)


# ---- Adam, RMSProp -------------------------------------------------------------------------


@_unrecorded
def adam_update(weight, grad, mean, var, lr=None, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                clip_gradient=-1.0, lazy_update=True, out=None, name=None):
    """Adam's step (``lr`` already bias-corrected by the caller)::

        g = clip(rescale_grad * grad + wd * weight)
        mean = beta1 * mean + (1 - beta1) * g
        var = beta2 * var + (1 - beta2) * g**2
        weight = weight - lr * mean / (sqrt(var) + epsilon)
    """
    op = "adam_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, g, m, v = _operands(op, weight, grad, ("mean", mean), ("var", var))
    t = _target(op, weight, w, out)
    _core.adam_update(t, g, m, v, lr, wd, _number(op, "beta1", beta1), _number(op, "beta2", beta2),
                      _number(op, "epsilon", epsilon), rs, _kernel_clip(c))
    return _done(t, out)


@_unrecorded
def rmsprop_update(weight, grad, n, lr=None, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0, clip_weights=-1.0, out=None, name=None):
    """RMSProp (Tieleman & Hinton)::

        g = clip(rescale_grad * grad + wd * weight)
        n = gamma1 * n + (1 - gamma1) * g**2
        weight = clip(weight - lr * g / sqrt(n + epsilon), clip_weights)
    """
    op = "rmsprop_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, g, nv = _operands(op, weight, grad, ("n", n))
    t = _target(op, weight, w, out)
    _core.rmsprop_update(t, g, nv, None, None, lr, wd, _number(op, "gamma1", gamma1), 0.0,
                         _number(op, "epsilon", epsilon), rs, _kernel_clip(c),
                         _kernel_clip(_number(op, "clip_weights", clip_weights)))
    return _done(t, out)


@_unrecorded
def rmspropalex_update(weight, grad, n, g, delta, lr=None, gamma1=0.95, gamma2=0.9, epsilon=1e-8, wd=0.0,
                       rescale_grad=1.0, clip_gradient=-1.0, clip_weights=-1.0, out=None, name=None):
    """Centered RMSProp (Graves), with ``G = clip(rescale_grad * grad + wd * weight)``::

        n = gamma1 * n + (1 - gamma1) * G**2
        g = gamma1 * g + (1 - gamma1) * G
        delta = gamma2 * delta - lr * G / sqrt(n - g**2 + epsilon)
        weight = clip(weight + delta, clip_weights)
    """
    op = "rmspropalex_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, gr, nv, gv, dv = _operands(op, weight, grad, ("n", n), ("g", g), ("delta", delta))
    t = _target(op, weight, w, out)
    _core.rmsprop_update(t, gr, nv, gv, dv, lr, wd, _number(op, "gamma1", gamma1), _number(op, "gamma2", gamma2),
                         _number(op, "epsilon", epsilon), rs, _kernel_clip(c),
                         _kernel_clip(_number(op, "clip_weights", clip_weights)))
    return _done(t, out)


# ---- FTRL, FTML, sign methods -------------------------------------------------------------------


@_unrecorded
def ftrl_update(weight, grad, z, n, lr=None, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                out=None, name=None):
    """FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View from the Trenches")::

        g = clip(rescale_grad * grad)
        z += g - (sqrt(n + g**2) - sqrt(n)) * weight / lr
        n += g**2
        weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (abs(z) > lamda1)
    """
    op = "ftrl_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    lamda1, beta = _number(op, "lamda1", lamda1), _number(op, "beta", beta)
    w, g, zv, nv = _operands(op, weight, grad, ("z", z), ("n", n))
    g = _rescaled(g, rs, c)
    zv[...] = zv + g - (_dnp.sqrt(nv + g * g) - _dnp.sqrt(nv)) * w / lr
    nv[...] = nv + g * g
    new = (_dnp.sign(zv) * lamda1 - zv) / ((beta + _dnp.sqrt(nv)) / lr + wd) * (_dnp.abs(zv) > lamda1)
    return _result(op, new, out)


@_unrecorded
def ftml_update(weight, grad, d, v, z, lr=None, beta1=0.6, beta2=0.999, epsilon=1e-8, t=None, wd=0.0,
                rescale_grad=1.0, clip_grad=-1.0, out=None, name=None):
    """FTML, "Follow the Moving Leader" (Zheng & Kwok, 2017), at update number ``t``::

        g = clip(rescale_grad * grad + wd * weight, clip_grad)
        v = beta2 * v + (1 - beta2) * g**2
        d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t)) + epsilon)
        z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight
        d = d_t
        weight = -z / d
    """
    op = "ftml_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_grad)
    _required(op, t=t)
    b1, b2, eps, t = _number(op, "beta1", beta1), _number(op, "beta2", beta2), _number(op, "epsilon", epsilon), int(t)
    w, g, dv, vv, zv = _operands(op, weight, grad, ("d", d), ("v", v), ("z", z))
    g = _clip(g * rs + w * wd, c)
    vv[...] = vv * b2 + g * g * (1.0 - b2)
    d_t = (_dnp.sqrt(vv / (1.0 - b2**t)) + eps) * ((1.0 - b1**t) / lr)
    zv[...] = zv * b1 + g * (1.0 - b1) - (d_t - dv * b1) * w
    dv[...] = d_t
    return _result(op, -zv / d_t, out)


@_unrecorded
def signsgd_update(weight, grad, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """signSGD: ``weight = (1 - lr * wd) * weight - lr * sign(grad)``.

    As in MXNet's kernel, only the gradient's sign counts: ``rescale_grad`` and
    ``clip_gradient`` are accepted and have no effect.
    """
    op = "signsgd_update"
    lr, wd, _, _ = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    w, g = _operands(op, weight, grad)
    return _result(op, w * (1.0 - lr * wd) - _dnp.sign(g) * lr, out)


@_unrecorded
def signum_update(weight, grad, mom, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                  wd_lh=0.0, out=None, name=None):
    """Signum, the sign of the momentum (Bernstein et al., 2018)::

        mom = momentum * mom - (1 - momentum) * (wd * weight + clip(rescale_grad * grad))
        weight = (1 - lr * wd_lh) * weight + lr * sign(mom)

    ``wd_lh`` is decoupled weight decay (Loshchilov & Hutter).
    """
    op = "signum_update"
    lr, wd, rs, c = _lr_wd(op, lr, wd, rescale_grad, clip_gradient)
    momentum, wd_lh = _number(op, "momentum", momentum), _number(op, "wd_lh", wd_lh)
    w, g, m = _operands(op, weight, grad, ("mom", mom))
    m[...] = m * momentum - (w * wd + _rescaled(g, rs, c)) * (1.0 - momentum)
    return _result(op, w * (1.0 - lr * wd_lh) + _dnp.sign(m) * lr, out)


# ---- LAMB -------------------------------------------------------------------------------------


def _lamb_direction(op, w, g, m, v, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad, clip_gradient):
    """LAMB's first phase on views: updates ``m`` and ``v``, returns the step direction."""
    _required(op, t=t, wd=wd)
    b1, b2, eps = _number(op, "beta1", beta1), _number(op, "beta2", beta2), _number(op, "epsilon", epsilon)
    wd, rs = _number(op, "wd", wd), _number(op, "rescale_grad", rescale_grad)
    c = None if clip_gradient is None else _number(op, "clip_gradient", clip_gradient)
    g = _rescaled(g, rs, c)
    m[...] = m * b1 + g * (1.0 - b1)
    v[...] = v * b2 + g * g * (1.0 - b2)
    if bias_correction:
        t = int(t)
        return (m / (1.0 - b1**t)) / (_dnp.sqrt(v / (1.0 - b2**t)) + eps) + w * wd
    return m / (_dnp.sqrt(v) + eps) + w * wd


def _trust_ratio(op, r1, r2, lower_bound, upper_bound):
    """LAMB's layer-wise learning-rate factor ``r1 / r2`` (1 when either norm is 0), with
    ``r1`` first limited to ``[lower_bound, upper_bound]`` (a negative bound is no bound)."""
    r1 = _number(op, "r1", r1.item() if isinstance(r1, _view) else r1)
    r2 = _number(op, "r2", r2.item() if isinstance(r2, _view) else r2)
    lb, ub = _number(op, "lower_bound", lower_bound), _number(op, "upper_bound", upper_bound)
    if lb >= 0:
        r1 = max(r1, lb)
    if ub >= 0:
        r1 = min(r1, ub)
    return 1.0 if r1 == 0.0 or r2 == 0.0 else r1 / r2


@_unrecorded
def lamb_update_phase1(weight, grad, mean, var, beta1=0.9, beta2=0.999, epsilon=1e-6, t=None, bias_correction=True,
                       wd=None, rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """LAMB's first phase (You et al., https://arxiv.org/abs/1904.00962): updates ``mean`` and
    ``var`` and returns the step direction ``g``::

        grad = clip(rescale_grad * grad)
        mean = beta1 * mean + (1 - beta1) * grad
        var = beta2 * var + (1 - beta2) * grad**2
        g = mean_hat / (sqrt(var_hat) + epsilon) + wd * weight

    where ``mean_hat = mean / (1 - beta1**t)`` and ``var_hat = var / (1 - beta2**t)`` with
    ``bias_correction``, else ``mean`` and ``var``. The weight is not changed.
    """
    op = "lamb_update_phase1"
    w, g, m, v = _operands(op, weight, grad, ("mean", mean), ("var", var))
    step = _lamb_direction(op, w, g, m, v, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad, clip_gradient)
    return _result(op, step, out)


@_unrecorded
def lamb_update_phase2(weight, g, r1, r2, lr=None, lower_bound=-1.0, upper_bound=-1.0, out=None, name=None):
    """LAMB's second phase: ``weight = weight - lr * (r1 / r2) * g``, with ``r1`` (the weight's
    norm) first limited to ``[lower_bound, upper_bound]`` and the ratio 1 when ``r1`` or
    ``r2`` (the norm of ``g``) is 0.

    >>> from deepblocks import nd
    >>> w, g = nd.array([3.0, 4.0]), nd.array([0.6, 0.8])
    >>> nd.lamb_update_phase2(w, g, w.norm(), g.norm(), lr=0.1).asnumpy()   # r1 / r2 = 5
    array([2.7, 3.6], dtype=float32)
    """
    op = "lamb_update_phase2"
    _required(op, lr=lr)
    w, gv = _operands(op, weight, g)
    ratio = _trust_ratio(op, r1, r2, lower_bound, upper_bound)
    return _result(op, w - gv * (_number(op, "lr", lr) * ratio), out)


@_unrecorded
def mp_lamb_update_phase1(weight, grad, mean, var, weight32, beta1=0.9, beta2=0.999, epsilon=1e-6, t=None,
                          bias_correction=True, wd=None, rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """``lamb_update_phase1`` in float32 on the master copy ``weight32``; ``g`` is float32."""
    op = "mp_lamb_update_phase1"
    _, (w32, g32, m, v) = _mp(op, weight, grad, weight32, ("mean", mean), ("var", var))
    step = _lamb_direction(op, w32, g32, m, v, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad,
                           clip_gradient)
    return _result(op, step, out)


@_unrecorded
def mp_lamb_update_phase2(weight, g, r1, r2, weight32, lr=None, lower_bound=-1.0, upper_bound=-1.0, out=None,
                          name=None):
    """``lamb_update_phase2`` on the float32 master copy ``weight32`` (updated in place); the
    result is ``weight32`` in the weight's dtype."""
    op = "mp_lamb_update_phase2"
    _required(op, lr=lr)
    w = _array(op, "weight", weight)
    w32, gv = _operands(op, weight32, g, wname="weight32")
    if _dtype_of(w32) != _F32 or w32.shape != w.shape:
        raise TypeError(f"{op}: weight32 must be float32 with the weight's shape {w.shape}, "
                        f"not {_dtype_of(w32).name} {w32.shape}")
    ratio = _trust_ratio(op, r1, r2, lower_bound, upper_bound)
    w32[...] = w32 - gv * (_number(op, "lr", lr) * ratio)
    return _result(op, w32.astype(_dtype_of(w)), out)


# ---- AdamW, group AdaGrad (nd.contrib) ------------------------------------------------------------


def _scale_or_skip(op, rescale_grad):
    """AdamW's ``rescale_grad`` (a number or a one-element array) as a float, or None when it is
    0, NaN or infinite: MXNet then skips the update (a loss-scaler's overflow signal)."""
    if isinstance(rescale_grad, _view):
        rescale_grad = _view(rescale_grad).item()
    rs = _number(op, "rescale_grad", rescale_grad)
    return rs if math.isfinite(rs) and rs != 0.0 else None


def _adamw(op, w, g, m, v, rs, lr, eta, beta1, beta2, epsilon, wd, clip_gradient, grad_out=None):
    """AdamW's step on views: updates ``m`` and ``v`` (and writes the rescaled, clipped
    gradient into ``grad_out`` when given), returns the new weight."""
    b1, b2, eps = _number(op, "beta1", beta1), _number(op, "beta2", beta2), _number(op, "epsilon", epsilon)
    lr, eta, wd = _number(op, "lr", lr), _number(op, "eta", eta), _number(op, "wd", wd)
    g = _rescaled(g, rs, None if clip_gradient is None else _number(op, "clip_gradient", clip_gradient))
    if grad_out is not None:
        grad_out[...] = g
    m[...] = m * b1 + g * (1.0 - b1)
    v[...] = v * b2 + g * g * (1.0 - b2)
    return w - (m * lr / (_dnp.sqrt(v) + eps) + w * wd) * eta


def adamw_update(weight, grad, mean, var, rescale_grad=None, lr=None, eta=None, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 wd=0.0, clip_gradient=-1.0, out=None, name=None):
    """AdamW, Adam with decoupled weight decay (``nd.contrib.adamw_update``)::

        g = clip(rescale_grad * grad)
        mean = beta1 * mean + (1 - beta1) * g
        var = beta2 * var + (1 - beta2) * g**2
        weight = weight - eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight)

    ``eta`` is the schedule multiplier. When ``rescale_grad`` (a number or a one-element array)
    is 0, NaN or infinite, nothing is updated (``out``, when given, is left as it is). As
    MXNet 1.9.1's kernel does, the update overwrites ``grad`` with ``g``.
    """
    return _adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1, beta2, epsilon, wd, clip_gradient,
                         out, True)


@_unrecorded
def _adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1, beta2, epsilon, wd, clip_gradient, out,
                  overwrite_grad):
    op = "adamw_update"
    _required(op, rescale_grad=rescale_grad, lr=lr, eta=eta)
    w, g, m, v = _operands(op, weight, grad, ("mean", mean), ("var", var))
    rs = _scale_or_skip(op, rescale_grad)
    if rs is None:
        return out if out is not None else _nd(w.copy())
    new = _adamw(op, w, g, m, v, rs, lr, eta, beta1, beta2, epsilon, wd, clip_gradient, g if overwrite_grad else None)
    return _result(op, new, out)


@_unrecorded
def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad=None, lr=None, eta=None, beta1=0.9, beta2=0.999,
                    epsilon=1e-8, wd=0.0, clip_gradient=-1.0, out=None, name=None):
    """``adamw_update`` in float32 on the master copy ``weight32`` (updated in place)."""
    op = "mp_adamw_update"
    _required(op, rescale_grad=rescale_grad, lr=lr, eta=eta)
    w, (w32, g32, m, v) = _mp(op, weight, grad, weight32, ("mean", mean), ("var", var))
    rs = _scale_or_skip(op, rescale_grad)
    if rs is None:
        return out if out is not None else _nd(w.copy())
    w32[...] = _adamw(op, w32, g32, m, v, rs, lr, eta, beta1, beta2, epsilon, wd, clip_gradient)
    return _result(op, w32.astype(_dtype_of(w)), out)


@_unrecorded
def group_adagrad_update(weight, grad, history, lr=None, rescale_grad=1.0, clip_gradient=-1.0, epsilon=1e-5,
                         out=None, name=None):
    """AdaGrad with one learning rate per row (``nd.contrib.group_adagrad_update``)::

        g = clip(rescale_grad * grad)
        history += mean(g**2, axis=1, keepdims=True)
        weight = weight - lr * g / sqrt(history + epsilon)

    ``history`` has shape ``(rows, 1)``. MXNet implements this operator for row-sparse
    gradients only; here it takes dense ones (the rows are all updated).
    """
    op = "group_adagrad_update"
    _required(op, lr=lr)
    lr, rs = _number(op, "lr", lr), _number(op, "rescale_grad", rescale_grad)
    c, eps = _number(op, "clip_gradient", clip_gradient), _number(op, "epsilon", epsilon)
    w, g = _operands(op, weight, grad)
    h = _array(op, "history", history)
    if w.ndim < 1 or h.shape != (w.shape[0], 1) or _dtype_of(h) != _dtype_of(w):
        raise ValueError(f"{op}: history must have shape ({w.shape[0] if w.ndim else '?'}, 1) and dtype "
                         f"{_dtype_of(w).name}, not {h.shape} {_dtype_of(h).name} (weight shape {w.shape})")
    g = _rescaled(g, rs, c)
    g2 = (g * g).reshape((w.shape[0], -1))
    h[...] = h + _dnp.mean(g2, axis=1, keepdims=True)
    scale = (1.0 / _dnp.sqrt(h + eps)).reshape((w.shape[0],) + (1,) * (w.ndim - 1))
    return _result(op, w - g * scale * lr, out)


# ---- multi-tensor forms -------------------------------------------------------------------------


def _groups(op, data, per, num_weights, extra=0):
    """``data`` (the operands of ``num_weights`` weights, ``per`` each, then ``extra`` more)
    cut into per-weight tuples."""
    n = (len(data) - extra) // per if num_weights is None else int(num_weights)
    if n < 1 or len(data) != n * per + extra:
        raise ValueError(f"{op}: expected {per} arrays per weight for {n} weight(s)"
                         + (f" and {extra} more" if extra else "") + f", got {len(data)} arrays")
    return [tuple(data[i * per:(i + 1) * per]) for i in range(n)]


def _per_weight(op, values, n, name):
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if len(values) != n:
        raise ValueError(f"{op}: {name} needs one value per weight ({n}), got {len(values)}")
    return values


def _known(op, kwargs, names):
    """``kwargs``, after checking that each is one of ``names``."""
    unknown = sorted(set(kwargs) - set(names))
    if unknown:
        raise TypeError(f"{op}: unexpected keyword argument(s) {', '.join(unknown)}; it takes {', '.join(names)}")
    return kwargs


def _outs(op, out, n):
    if out is None:
        return [None] * n
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if len(outs) != n:
        raise ValueError(f"{op}: out must be a list of {n} arrays, got {len(outs)}")
    return outs


def _multi(op, single, data, per, lrs, wds, num_weights, out, kwargs, extra=0):
    groups = _groups(op, data, per, num_weights, extra)
    n = len(groups)
    lrs, wds = _per_weight(op, lrs, n, "lrs"), _per_weight(op, wds, n, "wds")
    return [single(*arrays, lr=lr, wd=wd, out=o, **kwargs)
            for arrays, lr, wd, o in zip(groups, lrs, wds, _outs(op, out, n))]


def multi_sgd_update(*data, lrs=None, wds=None, rescale_grad=1.0, clip_gradient=-1.0, num_weights=None, out=None,
                     name=None):
    """``sgd_update`` of several weights in one call: ``data`` is ``weight0, grad0, weight1,
    grad1, ...``, ``lrs`` and ``wds`` one value per weight; returns the list of new weights.

    >>> from deepblocks import nd
    >>> a, b = nd.array([1.0]), nd.array([2.0])
    >>> _ = nd.multi_sgd_update(a, nd.array([1.0]), b, nd.array([1.0]), lrs=(0.5, 0.25), wds=(0, 0),
    ...                         num_weights=2, out=[a, b])
    >>> a.asnumpy(), b.asnumpy()
    (array([0.5], dtype=float32), array([1.75], dtype=float32))
    """
    _required("multi_sgd_update", lrs=lrs, wds=wds)
    return _multi("multi_sgd_update", sgd_update, data, 2, lrs, wds, num_weights, out,
                  dict(rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def multi_sgd_mom_update(*data, lrs=None, wds=None, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                         num_weights=None, out=None, name=None):
    """``sgd_mom_update`` of several weights: ``data`` is ``weight, grad, mom`` per weight."""
    _required("multi_sgd_mom_update", lrs=lrs, wds=wds)
    return _multi("multi_sgd_mom_update", sgd_mom_update, data, 3, lrs, wds, num_weights, out,
                  dict(momentum=momentum, rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def multi_mp_sgd_update(*data, lrs=None, wds=None, rescale_grad=1.0, clip_gradient=-1.0, num_weights=None, out=None,
                        name=None):
    """``mp_sgd_update`` of several weights: ``data`` is ``weight, grad, weight32`` per weight."""
    _required("multi_mp_sgd_update", lrs=lrs, wds=wds)
    return _multi("multi_mp_sgd_update", mp_sgd_update, data, 3, lrs, wds, num_weights, out,
                  dict(rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def multi_mp_sgd_mom_update(*data, lrs=None, wds=None, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                            num_weights=None, out=None, name=None):
    """``mp_sgd_mom_update`` of several weights: ``data`` is ``weight, grad, mom, weight32``
    per weight."""
    _required("multi_mp_sgd_mom_update", lrs=lrs, wds=wds)
    return _multi("multi_mp_sgd_mom_update", mp_sgd_mom_update, data, 4, lrs, wds, num_weights, out,
                  dict(momentum=momentum, rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def _preloaded(op, single, data, per, num_weights, out, kwargs):
    """The ``preloaded_multi_*`` forms: the learning rates and weight decays come last, as two
    arrays (MXNet's LARS computes them on the device)."""
    if len(data) < 2:
        raise ValueError(f"{op}: the last two arrays must be the learning rates and the weight decays")
    lrs, wds = (_array(op, n, a).asnumpy().ravel().tolist() for n, a in (("lrs", data[-2]), ("wds", data[-1])))
    return _multi(op, single, data, per, lrs, wds, num_weights, out, kwargs, extra=2)


def preloaded_multi_sgd_update(*data, rescale_grad=1.0, clip_gradient=-1.0, num_weights=None, out=None, name=None):
    """``multi_sgd_update`` with ``lrs`` and ``wds`` given as the last two (1-d) arrays of ``data``."""
    return _preloaded("preloaded_multi_sgd_update", sgd_update, data, 2, num_weights, out,
                      dict(rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def preloaded_multi_sgd_mom_update(*data, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0, num_weights=None,
                                   out=None, name=None):
    """``multi_sgd_mom_update`` with ``lrs`` and ``wds`` as the last two arrays of ``data``."""
    return _preloaded("preloaded_multi_sgd_mom_update", sgd_mom_update, data, 3, num_weights, out,
                      dict(momentum=momentum, rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def preloaded_multi_mp_sgd_update(*data, rescale_grad=1.0, clip_gradient=-1.0, num_weights=None, out=None, name=None):
    """``multi_mp_sgd_update`` with ``lrs`` and ``wds`` as the last two arrays of ``data``."""
    return _preloaded("preloaded_multi_mp_sgd_update", mp_sgd_update, data, 3, num_weights, out,
                      dict(rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def preloaded_multi_mp_sgd_mom_update(*data, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0, num_weights=None,
                                      out=None, name=None):
    """``multi_mp_sgd_mom_update`` with ``lrs`` and ``wds`` as the last two arrays of ``data``."""
    return _preloaded("preloaded_multi_mp_sgd_mom_update", mp_sgd_mom_update, data, 4, num_weights, out,
                      dict(momentum=momentum, rescale_grad=rescale_grad, clip_gradient=clip_gradient))


@_unrecorded
def multi_sum_sq(*data, num_arrays=None, out=None, name=None):
    """The sum of squares of each array, as one float32 array (LARS's norms).

    >>> from deepblocks import nd
    >>> nd.multi_sum_sq(nd.array([3.0, 4.0]), nd.array([1.0]), num_arrays=2).asnumpy()
    array([25.,  1.], dtype=float32)
    """
    op = "multi_sum_sq"
    if num_arrays is not None and int(num_arrays) != len(data):
        raise ValueError(f"{op}: num_arrays is {num_arrays} but {len(data)} arrays were given")
    sums = [float(_dnp.sum(_array(op, f"data[{i}]", a) ** 2)) for i, a in enumerate(data)]
    return _result(op, _dnp.array(sums, dtype=_F32), out)


@_unrecorded
def multi_lars(lrs, weights_sum_sq, grads_sum_sq, wds, eta=None, eps=None, rescale_grad=1.0, out=None, name=None):
    """LARS's layer-wise learning rates (You et al., https://arxiv.org/abs/1708.03888), per entry::

        w_norm = sqrt(weights_sum_sq); g_norm = sqrt(grads_sum_sq) * rescale_grad
        lr * eta * w_norm / (g_norm + wd * w_norm + eps)   if w_norm > 0 and g_norm > 0, else lr
    """
    op = "multi_lars"
    _required(op, eta=eta, eps=eps)
    eta, eps, rs = _number(op, "eta", eta), _number(op, "eps", eps), _number(op, "rescale_grad", rescale_grad)
    named = (("lrs", lrs), ("weights_sum_sq", weights_sum_sq), ("grads_sum_sq", grads_sum_sq), ("wds", wds))
    lr, wsq, gsq, wd = (_array(op, n, a).astype(_F32) for n, a in named)
    if not lr.shape == wsq.shape == gsq.shape == wd.shape:
        raise ValueError(f"{op}: lrs, weights_sum_sq, grads_sum_sq and wds must have one shape, not "
                         f"{lr.shape}, {wsq.shape}, {gsq.shape} and {wd.shape}")
    w_norm, g_norm = _dnp.sqrt(wsq), _dnp.sqrt(gsq)
    valid = _dnp.logical_and(w_norm > 0, gsq > 0)
    scaled = lr * eta * w_norm / (g_norm * rs + wd * w_norm + eps)
    return _result(op, _dnp.where(valid, scaled, lr), out)


def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None, name=None, size=0,
                       **kwargs):
    """``adamw_update`` of lists of weights, gradients and states, with one ``lr``, ``wd`` and
    ``eta`` per weight (``nd.contrib``); ``kwargs`` are ``beta1``, ``beta2``, ``epsilon``,
    ``clip_gradient``. The gradients are left as they are."""
    op = "multi_adamw_update"
    n = len(weights)
    lists = [_per_weight(op, x, n, name) for x, name in
             ((grads, "grads"), (mean, "mean"), (var, "var"), (lrs, "lrs"), (wds, "wds"), (etas, "etas"))]
    hyper = dict(beta1=0.9, beta2=0.999, epsilon=1e-8, clip_gradient=-1.0)
    hyper.update(_known(op, kwargs, hyper))
    return [_adamw_update(w, g, m, v, rescale_grad, lr, eta, hyper["beta1"], hyper["beta2"], hyper["epsilon"], wd,
                          hyper["clip_gradient"], o, False)
            for w, g, m, v, lr, wd, eta, o in zip(weights, *lists, _outs(op, out, n))]


def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas, out=None, name=None,
                          size=0, **kwargs):
    """``mp_adamw_update`` of lists of weights (``nd.contrib``)."""
    op = "multi_mp_adamw_update"
    n = len(weights)
    lists = [_per_weight(op, x, n, name) for x, name in ((grads, "grads"), (mean, "mean"), (var, "var"),
                                                          (weights32, "weights32"), (lrs, "lrs"), (wds, "wds"),
                                                          (etas, "etas"))]
    return [mp_adamw_update(w, g, m, v, w32, rescale_grad, lr=lr, eta=eta, wd=wd, out=o, **kwargs)
            for w, g, m, v, w32, lr, wd, eta, o in zip(weights, *lists, _outs(op, out, n))]


_LAMB_OPTIONS = ("beta1", "beta2", "epsilon", "rescale_grad", "lower_bound", "upper_bound", "clip_gradient",
                 "bias_correction")


@_unrecorded
def _lamb_full(op, w, g, m, v, w32, t, lr, wd, beta1=0.9, beta2=0.999, epsilon=1e-6, rescale_grad=1.0,
               lower_bound=-1.0, upper_bound=-1.0, clip_gradient=-1.0, bias_correction=True, out=None):
    """Both LAMB phases for one weight (``w32`` the float32 master copy of the mp form)."""
    if w32 is None:
        wv, gv, mv, vv = _operands(op, w, g, ("mean", m), ("var", v))
        master = wv
    else:
        wv, (master, gv, mv, vv) = _mp(op, w, g, w32, ("mean", m), ("var", v))
    step = _lamb_direction(op, master, gv, mv, vv, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad,
                           clip_gradient)
    ratio = _trust_ratio(op, float(_dnp.linalg.norm(master)), float(_dnp.linalg.norm(step)), lower_bound,
                         upper_bound)
    new = master - step * (_number(op, "lr", lr) * ratio)
    if w32 is not None:
        master[...] = new
        new = new.astype(_dtype_of(wv))
    return _result(op, new, out)


def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0, **kwargs):
    """Both LAMB phases for lists of weights (``nd.contrib``), one update count, ``lr`` and
    ``wd`` per weight; ``kwargs`` are ``beta1``, ``beta2``, ``epsilon``, ``rescale_grad``,
    ``lower_bound``, ``upper_bound``, ``clip_gradient``, ``bias_correction``."""
    op = "multi_lamb_update"
    n = len(weights)
    lists = [_per_weight(op, x, n, name) for x, name in ((grads, "grads"), (mean, "mean"), (var, "var"),
                                                          (step_count, "step_count"), (lrs, "lrs"), (wds, "wds"))]
    _known(op, kwargs, _LAMB_OPTIONS)
    return [_lamb_full(op, w, g, m, v, None, t, lr, wd, out=o, **kwargs)
            for w, g, m, v, t, lr, wd, o in zip(weights, *lists, _outs(op, out, n))]


def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None, num_tensors=0,
                         **kwargs):
    """``multi_lamb_update`` on float32 master copies ``weights32`` (``nd.contrib``)."""
    op = "multi_mp_lamb_update"
    n = len(weights)
    lists = [_per_weight(op, x, n, name) for x, name in ((grads, "grads"), (mean, "mean"), (var, "var"),
                                                          (weights32, "weights32"), (step_count, "step_count"),
                                                          (lrs, "lrs"), (wds, "wds"))]
    _known(op, kwargs, _LAMB_OPTIONS)
    return [_lamb_full(op, w, g, m, v, w32, t, lr, wd, out=o, **kwargs)
            for w, g, m, v, w32, t, lr, wd, o in zip(weights, *lists, _outs(op, out, n))]

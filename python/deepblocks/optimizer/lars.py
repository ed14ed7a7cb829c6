"""Layer-wise adaptive rate scaling: ``LARS`` and the large-batch ``LBSGD`` (MXNet 1.9.1's).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.LARS(learning_rate=0.1, eta=0.01)
>>> w = np.array([3.0, 4.0])
>>> opt.update(0, w, np.array([0.0, 1.0]), opt.create_state(0, w))
>>> w                               # lr * eta * |w| / |grad| = 0.005
array([3.   , 3.995])
"""

import math

from .. import numpy as _dnp
from ..ndarray import optimizer_ops as _ops
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["LARS", "LBSGD"]

_NO_LARS = ("gamma", "beta", "bias")  # parameters whose learning rate LARS leaves alone


def _norm(x):
    return float(_dnp.linalg.norm(_ops._view(x)))


@register
class LARS(Optimizer):
    """SGD with momentum whose learning rate is scaled per parameter (You et al., "Large Batch
    Training of Convolutional Networks", https://arxiv.org/abs/1708.03888)::

        lr_layer = lr * eta * |w| / (rescale_grad * |grad| + wd * |w| + eps)

    when both norms are positive, else ``lr``; parameters whose name ends in ``gamma``,
    ``beta`` or ``bias`` keep ``lr``. Then the SGD step of ``nd.sgd_update`` or
    ``nd.sgd_mom_update``. Only parameters named ``*_weight`` get weight decay.

    Parameters
    ----------
    momentum : float, default 0.0
    lazy_update : bool, default True
        Accepted for MXNet compatibility (sparse gradients only).
    eta : float, default 0.001
        The LARS coefficient.
    eps : float, default 0
    momentum_correction : bool, default True
        Scale the momentum by ``lr / previous lr`` when a scheduler changes the rate (Goyal
        et al., https://arxiv.org/abs/1706.02677).
    """

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0, momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _get_lrs(self, indices):
        # Each call is one step of the global rate, remembered for the momentum correction.
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        self.last_lr = lr if self.cur_lr is None else self.cur_lr
        self.cur_lr = lr
        return [lr * self._mult(index, self.lr_mult, "lr_mult") for index in indices]

    def set_wd_mult(self, args_wd_mult):
        """As ``Optimizer.set_wd_mult``, but only names ending in ``_weight`` keep weight decay."""
        self.wd_mult = {n: 0.0 for n in self.idx2name.values() if not n.endswith("_weight")}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _lars_lr(self, index, weight, grad, lr, wd):
        if self.idx2name.get(index, str(index)).endswith(_NO_LARS):
            return lr
        w_norm, g_norm = _norm(weight), _norm(grad) * self.rescale_grad
        if w_norm > 0.0 and g_norm > 0.0:
            return lr * self.eta * w_norm / (g_norm + wd * w_norm + self.eps)
        return lr

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lrs([index])[0], self._get_wd(index)
        lr = self._lars_lr(index, weight, grad, lr, wd)
        kwargs = dict(lr=lr, wd=wd, rescale_grad=self.rescale_grad, clip_gradient=self.clip_gradient or -1.0,
                      out=weight)
        if state is None:
            _ops.sgd_update(weight, grad, **kwargs)
            return
        momentum = max(self.momentum, 0.0)
        if momentum and self.momentum_correction and self.last_lr != 0:
            momentum *= self.cur_lr / self.last_lr
        _ops.sgd_mom_update(weight, grad, state, momentum=momentum, **kwargs)


@register
class LBSGD(Optimizer):
    """Large-batch SGD: SGD with momentum that accumulates the gradients of ``batch_scale``
    updates into one step and warms its learning rate up over ``warmup_epochs`` epochs of
    ``updates_per_epoch`` updates.

    The accumulated step's rate is ``lr * mult``, where ``mult`` grows from 1 to
    ``batch_scale`` (``warmup_strategy`` 'linear', 'power2' or 'sqrt'; another name keeps 1),
    or with 'lars' is the LARS ratio ``sqrt(|w|^2 / (|g|^2 + wd * |w|^2))`` limited to
    ``[0.01, 100]``. Between accumulated steps the weight does not move.

    Parameters
    ----------
    momentum : float, default 0.0
    multi_precision : bool, default False
        Accepted for MXNet compatibility (no float16 weights).
    warmup_strategy : str, default 'linear'
    warmup_epochs : int, default 5
    batch_scale : int, default 1
        How many updates make one accumulated step.
    updates_per_epoch : int, default 32
    begin_epoch : int, default 0
    num_epochs : int, default 60
    """

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy="linear", warmup_epochs=5, batch_scale=1,
                 updates_per_epoch=32, begin_epoch=0, num_epochs=60, **kwargs):
        super().__init__(multi_precision=multi_precision, **kwargs)
        self.momentum = momentum
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _get_lbmult(self, nup):
        """The warm-up factor of the learning rate after ``nup`` accumulated updates."""
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _get_lars(self, weight, g, wd):
        """The 'lars' strategy's factor, limited to [0.01, 100]."""
        weight2, grad2 = _norm(weight) ** 2, _norm(g) ** 2
        return min(max(math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18)), 0.01), 100.0)

    def _cumulate_gradient(self, grad, index):
        """Adds ``grad`` to the accumulation of ``index`` and counts it. The first gradient is
        copied (MXNet keeps a reference to the caller's array, which the next backward pass
        overwrites)."""
        entry = self.cumgrads.get(index)
        if entry and entry["num_cums"] > 0:
            cum = grad.copy() if entry["cum_grad"] is None else entry["cum_grad"] + grad
            entry = {"cum_grad": cum, "num_cums": entry["num_cums"] + 1}
        else:
            entry = {"cum_grad": grad.copy(), "num_cums": self.init_updates + 1}
        self.cumgrads[index] = entry
        return entry

    def _step(self, index, weight, grad, state):
        # MXNet reads the rate before counting this update.
        lr, wd = self._get_lr(index), self._get_wd(index)
        self._update_count(index)
        entry = self._cumulate_gradient(grad, index)
        if entry["num_cums"] % self.batch_scale != 0:
            return
        grad = entry["cum_grad"] / self.batch_scale
        if self.warmup_strategy == "lars":
            lr *= self._get_lars(weight, grad, wd)
        else:
            lr *= self._get_lbmult(entry["num_cums"])
        kwargs = dict(lr=lr, wd=wd, rescale_grad=self.rescale_grad, clip_gradient=self.clip_gradient or -1.0,
                      out=weight)
        if state is None:
            _ops.sgd_update(weight, grad, **kwargs)
        else:
            _ops.sgd_mom_update(weight, grad, state, momentum=max(self.momentum, 0.0), **kwargs)
        entry["cum_grad"] = None

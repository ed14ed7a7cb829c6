"""The ``Optimizer`` base class, its registry and the ``Updater`` (MXNet 1.9.1's
``mxnet.optimizer.Optimizer``, ``create``, ``register`` and ``get_updater``).

An optimizer keeps the hyper-parameters and the per-parameter bookkeeping (update counts,
learning-rate and weight-decay multipliers); ``create_state`` makes the state arrays of one
parameter and ``update`` applies one step in place, through the engine's update kernels.

>>> from deepblocks import np, optimizer
>>> opt = optimizer.create('sgd', learning_rate=0.1, momentum=0.9)
>>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
>>> state = opt.create_state(0, w)
>>> opt.update(0, w, g, state)
>>> w
array([0.95, 2.1 ])
>>> opt.update(0, w, g, state)      # the momentum carries the first step on
>>> w
array([0.855, 2.29 ])
"""

import warnings

from .. import _core

__all__ = ["Optimizer", "Updater", "create", "get_updater", "register"]

_base_dtype = _core.ndarray.dtype.__get__

# Keyword arguments of MXNet's Optimizer that have no effect here (no symbols, no kvstore
# aggregation, no separate fused and unfused steps): accepted so MXNet code runs unchanged.
_IGNORED = frozenset(("allow_np", "aggregate_num", "use_fused_step"))


class Optimizer:
    """The base class of all optimizers.

    Parameters
    ----------
    rescale_grad : float, default 1.0
        Multiplies the gradient before the update (often ``1.0 / batch_size``).
    param_idx2name : dict of int to str, optional
        Parameter names by index. Parameters whose name ends neither in ``_weight`` nor in
        ``_gamma`` get no weight decay (MXNet's rule).
    wd : float, default 0.0
        Weight decay (L2 regularization) coefficient.
    clip_gradient : float, optional
        Clips the rescaled gradient to ``[-clip_gradient, clip_gradient]``.
    learning_rate : float, optional
        The initial learning rate: 0.01 unless a subclass or ``lr_scheduler`` says otherwise.
        Given together with ``lr_scheduler``, it becomes the scheduler's ``base_lr``.
    lr_scheduler : LRScheduler, optional
        Called with the update count, gives the learning rate.
    sym : optional
        A symbol whose ``__lr_mult__``/``__wd_mult__`` attributes set multipliers by name.
    begin_num_update : int, default 0
        The update count to start from.
    multi_precision : bool, default False
        Accepted for MXNet compatibility. deepblocks has no float16, so float32 and float64
        weights are always updated in their own precision.
    param_dict : dict of int to Parameter, optional
        Parameters by index; their ``lr_mult`` and ``wd_mult`` scale the learning rate and
        weight decay of that index.
    """

    opt_registry: dict[str, type] = {}

    def __init__(self, rescale_grad=1.0, param_idx2name=None, wd=0.0, clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None, **kwargs):
        unknown = sorted(set(kwargs) - _IGNORED)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) {', '.join(map(repr, unknown))}")
        if learning_rate is None:
            learning_rate = getattr(lr_scheduler, "base_lr", None) if lr_scheduler is not None else None
            if learning_rate is None:
                learning_rate = 0.01
        elif lr_scheduler is not None and getattr(lr_scheduler, "base_lr", None) != learning_rate:
            # MXNet prints this notice; a warning says the same without writing to stdout.
            warnings.warn("learning rate from ``lr_scheduler`` has been overwritten by ``learning_rate`` "
                          "in optimizer.", UserWarning, stacklevel=2)
            lr_scheduler.base_lr = learning_rate
        self.rescale_grad = rescale_grad
        self.lr = learning_rate
        self.lr_scheduler = lr_scheduler
        self.wd = wd
        self.clip_gradient = clip_gradient
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.multi_precision = multi_precision
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise TypeError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        # MXNet records the array mode the optimizer was made in (its Updater chose the state
        # arrays' kind by it); kept for code that reads or deletes it
        from ..util import is_np_array
        self.allow_np_array = is_np_array()
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ---- registry ---------------------------------------------------------------------------

    @staticmethod
    def register(klass):
        """Registers an optimizer class under its lower-case name, for ``create``.

        >>> from deepblocks import optimizer
        >>> @optimizer.Optimizer.register
        ... class MyOptimizer(optimizer.Optimizer):
        ...     pass
        >>> type(optimizer.create('MyOptimizer')).__name__
        'MyOptimizer'
        """
        if not (isinstance(klass, type) and issubclass(klass, Optimizer)):
            raise TypeError(f"register: {klass!r} is not an Optimizer subclass")
        name = klass.__name__.lower()
        old = Optimizer.opt_registry.get(name)
        if old is not None and old is not klass:
            warnings.warn(
                f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is overriding "
                f"existing optimizer {old.__module__}.{old.__name__}",
                stacklevel=2,
            )
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An instance of the optimizer registered as ``name`` (case-insensitive).

        >>> from deepblocks import optimizer
        >>> type(optimizer.create('Adam', learning_rate=0.1)).__name__
        'Adam'
        """
        klass = Optimizer.opt_registry.get(name.lower()) if isinstance(name, str) else None
        if klass is None:
            raise ValueError(f"Cannot find optimizer {name}")
        return klass(**kwargs)

    # ---- learning rate and weight decay -------------------------------------------------------

    @property
    def learning_rate(self):
        """The current learning rate (the scheduler's, when there is one)."""
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        """Sets the learning rate; not allowed while an ``lr_scheduler`` drives it."""
        if self.lr_scheduler is not None:
            raise UserWarning(
                "LRScheduler of the optimizer has already been defined. Note that set_learning_rate "
                "can mutate the value of the learning rate of the optimizer only when the LRScheduler "
                "of the optimizer is undefined."
            )
        self.lr = lr

    def set_lr_mult(self, args_lr_mult):
        """Sets learning-rate multipliers by parameter name or index (replacing earlier ones)."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__lr_mult__" in attr[name]:
                    self.lr_mult[name] = float(attr[name]["__lr_mult__"])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Sets weight-decay multipliers by parameter name or index (replacing earlier ones).

        Parameters named in ``param_idx2name`` that end neither in ``_weight`` nor in
        ``_gamma`` (biases, BatchNorm's beta) get multiplier 0 unless set here.
        """
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    def _get_lrs(self, indices):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        return [lr * self._mult(index, self.lr_mult, "lr_mult") for index in indices]

    def _get_lr(self, index):
        """The learning rate of parameter ``index``, with its multiplier."""
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        return [self.wd * self._mult(index, self.wd_mult, "wd_mult") for index in indices]

    def _get_wd(self, index):
        """The weight decay of parameter ``index``, with its multiplier."""
        return self._get_wds([index])[0]

    def _mult(self, index, mults, attr):
        """The multiplier of ``index``: its Parameter's, else one set by index, else by name."""
        if index in self.param_dict:
            return getattr(self.param_dict[index], attr)
        if index in mults:
            return mults[index]
        if index in self.idx2name:
            return mults.get(self.idx2name[index], 1.0)
        return 1.0

    # ---- update counts ------------------------------------------------------------------------

    def _set_current_context(self, device_id):
        """Keeps separate update counts per device (data-parallel copies of a parameter)."""
        self._index_update_count = self._all_index_update_counts.setdefault(device_id, {})

    def _update_count(self, index):
        """Counts one more update of ``index`` (or of each index in a list)."""
        counts = self._index_update_count
        for idx in index if isinstance(index, (list, tuple)) else (index,):
            n = counts.get(idx, self.begin_num_update) + 1
            counts[idx] = n
            if n > self.num_update:
                self.num_update = n

    # ---- states and updates -------------------------------------------------------------------

    def create_state(self, index, weight):
        """The state arrays of one parameter: None, one array or a tuple of arrays."""
        return None

    def create_state_multi_precision(self, index, weight):
        """As ``create_state`` (no float16 weights, so no float32 master copies)."""
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Updates ``weight`` in place from ``grad`` and ``state`` (and updates ``state``).

        ``index``, ``weight``, ``grad`` and ``state`` may also be equal-length lists, updated
        one after another.
        """
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self._step(i, w, g, s)
        else:
            self._step(index, weight, grad, state)

    def update_multi_precision(self, index, weight, grad, state):
        """As ``update`` (no float16 weights)."""
        self.update(index, weight, grad, state)

    def _step(self, index, weight, grad, state):
        """One parameter's update; what each optimizer implements."""
        raise NotImplementedError()

    def _clip(self):
        """The gradient bound MXNet's update kernels receive (none for 0 or None)."""
        return self.clip_gradient if self.clip_gradient else None

    def _clipped_grad(self, grad, decay=None):
        """``rescale_grad * grad``, plus ``decay`` (the weight-decay term) when given, then
        clipped to ``clip_gradient`` when it is set: the order of MXNet's Python optimizers."""
        from .. import numpy as _dnp
        g = grad * float(self.rescale_grad)
        if decay is not None:
            g = g + decay
        if self.clip_gradient is not None:
            g = _dnp.clip(g, -self.clip_gradient, self.clip_gradient)
        return g


register = Optimizer.register
create = Optimizer.create_optimizer


def _zeros_like(weight):
    """A zero array with the weight's shape, dtype, device and array class."""
    z = _core.full(weight.shape, 0, _base_dtype(weight), weight.ctx, None)
    return z if type(weight) is _core.ndarray else type(weight)(z)


class Updater:
    """Applies an optimizer to parameters by index, creating each one's state on first use
    (MXNet's ``get_updater`` closure, as a kvstore or a Trainer calls it).

    >>> from deepblocks import np, optimizer
    >>> updater = optimizer.get_updater(optimizer.SGD(learning_rate=0.5))
    >>> w = np.array([1.0, 1.0])
    >>> updater(0, np.array([1.0, -1.0]), w)
    >>> w
    array([0.5, 1.5])
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}

    def __call__(self, index, grad, weight):
        """Updates ``weight`` (or each of a list of weights) in place with ``grad``."""
        if isinstance(index, (list, tuple)):
            for i, g, w in zip(index, grad, weight):
                self(i, g, w)
            return
        opt = self.optimizer
        opt._set_current_context(getattr(weight.ctx, "device_id", 0))
        state = self.states.get(index, _MISSING)
        if state is _MISSING:
            state = self.states[index] = opt.create_state_multi_precision(index, weight)
            self.states_synced[index] = True
        opt.update_multi_precision(index, weight, grad, state)


_MISSING = object()


def get_updater(optimizer):
    """An ``Updater`` for ``optimizer``."""
    return Updater(optimizer)

"""Learning-rate schedules (MXNet 1.9.1's ``mxnet.lr_scheduler``).

A scheduler is a callable that maps the optimizer's update count ``num_update`` (the largest
number of updates any parameter has had) to a learning rate. Give one to an optimizer as
``lr_scheduler=``; ``Trainer.learning_rate`` then reads it, and ``set_learning_rate`` is
refused because the schedule owns the rate:

>>> from deepblocks import lr_scheduler
>>> sched = lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
>>> [sched(n) for n in range(7)]
[1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]

Every scheduler can start with a warm-up of ``warmup_steps`` updates that rises linearly from
``warmup_begin_lr`` to ``base_lr`` (or stays at ``warmup_begin_lr`` with
``warmup_mode='constant'``):

>>> sched = lr_scheduler.CosineScheduler(max_update=6, base_lr=0.4, warmup_steps=2,
...                                      warmup_begin_lr=0.1)
>>> [round(sched(n), 4) for n in range(8)]
[0.1, 0.25, 0.4, 0.3414, 0.2, 0.0586, 0.0, 0.0]

As in MXNet, ``FactorScheduler`` and ``MultiFactorScheduler`` keep state: each call moves
their ``base_lr`` down past every step boundary ``num_update`` has crossed, and a later call
with a smaller ``num_update`` does not bring the rate back. ``PolyScheduler`` and
``CosineScheduler`` keep their last rate once ``num_update`` passes ``max_update``.
"""

import logging
import operator
from math import cos, pi

__all__ = ["LRScheduler", "FactorScheduler", "MultiFactorScheduler", "PolyScheduler", "CosineScheduler"]


def _integer(value, name, owner):
    """``value`` as an int (Python or NumPy integers), else a TypeError naming it."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{owner}: {name} must be an integer, got {value!r} "
                        f"of type {type(value).__name__}") from None


class LRScheduler:
    """The base class of learning-rate schedulers: the warm-up, and the call a subclass
    implements.

    Parameters
    ----------
    base_lr : float, default 0.01
        The learning rate after the warm-up. An optimizer given ``learning_rate`` together
        with the scheduler overwrites it (``warmup_final_lr`` keeps the value given here).
    warmup_steps : int, default 0
        The number of updates the warm-up lasts.
    warmup_begin_lr : float, default 0
        The learning rate the warm-up starts from; at most ``base_lr``.
    warmup_mode : {'linear', 'constant'}, default 'linear'
        'linear' rises in equal increments from ``warmup_begin_lr`` towards ``base_lr``;
        'constant' stays at ``warmup_begin_lr`` for the whole warm-up.

    >>> from deepblocks import lr_scheduler
    >>> s = lr_scheduler.LRScheduler(base_lr=0.5, warmup_steps=4, warmup_begin_lr=0.1)
    >>> [s.get_warmup_lr(n) for n in range(4)]
    [0.1, 0.2, 0.30000000000000004, 0.4]
    """

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode="linear"):
        owner = type(self).__name__
        self.base_lr = base_lr
        self.warmup_steps = _integer(warmup_steps, "warmup_steps", owner)
        # The warm-up ends at the rate given here, even if an optimizer later overwrites
        # base_lr (MXNet behaves the same way).
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if self.warmup_begin_lr > self.warmup_final_lr:
            raise ValueError(f"Base lr has to be higher than warmup_begin_lr "
                             f"(base_lr={base_lr!r}, warmup_begin_lr={warmup_begin_lr!r})")
        if self.warmup_steps < 0:
            raise ValueError(f"Warmup steps has to be positive or 0 (warmup_steps={warmup_steps!r})")
        if warmup_mode not in ("linear", "constant"):
            raise ValueError(f"Supports only linear and constant modes of warmup (warmup_mode={warmup_mode!r})")
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update):
        """The warm-up learning rate at update ``num_update`` (below ``warmup_steps``)."""
        if not num_update < self.warmup_steps:
            raise ValueError(f"{type(self).__name__}.get_warmup_lr: num_update ({num_update!r}) "
                             f"is past the warm-up (warmup_steps={self.warmup_steps})")
        if self.warmup_mode == "linear":
            # The operations in MXNet's order, so the rates agree to the last bit.
            increase = (self.warmup_final_lr - self.warmup_begin_lr) * float(num_update) / float(self.warmup_steps)
            return self.warmup_begin_lr + increase
        if self.warmup_mode == "constant":
            return self.warmup_begin_lr
        raise ValueError(f"Invalid warmup mode {self.warmup_mode}")

    def __call__(self, num_update):
        """The learning rate after ``num_update`` updates (the largest count of any parameter)."""
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(num_update)")


class FactorScheduler(LRScheduler):
    """Multiplies the learning rate by ``factor`` each time ``num_update`` passes a multiple
    of ``step`` (counted from 0, the warm-up included), never going below ``stop_factor_lr``.

    Each change is logged at INFO level on the root logger, with the same text as MXNet.

    Parameters
    ----------
    step : int
        The number of updates between two changes; at least 1.
    factor : float, default 1
        The multiplier of each change; at most 1.
    stop_factor_lr : float, default 1e-8
        The rate never goes below this value.
    base_lr, warmup_steps, warmup_begin_lr, warmup_mode
        As in ``LRScheduler``.

    >>> from deepblocks import lr_scheduler
    >>> s = lr_scheduler.FactorScheduler(step=2, factor=0.1, stop_factor_lr=1e-3, base_lr=1.0)
    >>> [s(n) for n in (1, 3, 5, 7, 9)]
    [1.0, 0.1, 0.010000000000000002, 0.0010000000000000002, 0.001]
    """

    def __init__(self, step, factor=1, stop_factor_lr=1e-8, base_lr=0.01, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise ValueError(f"Schedule step must be greater or equal than 1 round (step={step!r})")
        if factor > 1.0:
            raise ValueError(f"Factor must be no more than 1 to make lr reduce (factor={factor!r})")
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # A loop, not a single test: a resumed run may start many steps in.
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                logging.info("Update[%d]: now learning rate arrived at %0.5e, will not "
                             "change in the future", num_update, self.base_lr)
            else:
                logging.info("Update[%d]: Change learning rate to %0.5e", num_update, self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiplies the learning rate by ``factor`` each time ``num_update`` passes one of the
    updates listed in ``step``: ``base_lr * factor ** k`` once ``num_update`` exceeds ``k`` of
    them. Each change is logged at INFO level on the root logger.

    Parameters
    ----------
    step : list of int
        Strictly increasing update counts, each at least 1.
    factor : float, default 1
        The multiplier of each change; at most 1.
    base_lr, warmup_steps, warmup_begin_lr, warmup_mode
        As in ``LRScheduler``.

    >>> from deepblocks import lr_scheduler
    >>> s = lr_scheduler.MultiFactorScheduler(step=[2, 5], factor=0.5, base_lr=1.0)
    >>> [s(n) for n in range(8)]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, step, factor=1, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(step, (list, tuple)):
            raise TypeError(f"MultiFactorScheduler: step must be a list of update counts, "
                            f"got {type(step).__name__}")
        if not step:
            raise ValueError("MultiFactorScheduler: step must list at least one update count")
        for i, s in enumerate(step):
            if i and s <= step[i - 1]:
                raise ValueError(f"Schedule step must be an increasing integer list (step={list(step)!r})")
            if s < 1:
                raise ValueError(f"Schedule step must be greater or equal than 1 round (step={list(step)!r})")
        if factor > 1.0:
            raise ValueError(f"Factor must be no more than 1 to make lr reduce (factor={factor!r})")
        self.step = list(step)
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind < len(self.step) and num_update > self.step[self.cur_step_ind]:
            self.count = self.step[self.cur_step_ind]
            self.cur_step_ind += 1
            self.base_lr *= self.factor
            logging.info("Update[%d]: Change learning rate to %0.5e", num_update, self.base_lr)
        return self.base_lr


class _DecayScheduler(LRScheduler):
    """A decay from ``base_lr`` to ``final_lr`` over the updates from the end of the warm-up to
    ``max_update``; the rate stays where the last call at or before ``max_update`` left it."""

    def __init__(self, max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr, warmup_mode):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        self.max_update = _integer(max_update, "max_update", type(self).__name__)
        if self.max_update < 1:
            raise ValueError(f"maximum number of updates must be strictly positive (max_update={max_update!r})")
        self.base_lr_orig = base_lr
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def _decayed(self, done):
        """The rate ``done`` updates into the decay."""
        raise NotImplementedError()

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            if self.max_steps == 0:
                # MXNet divides by zero here.
                raise ZeroDivisionError(f"{type(self).__name__}: max_update ({self.max_update}) equals warmup_steps "
                                        f"({self.warmup_steps}), which leaves no updates to decay over")
            self.base_lr = self._decayed(num_update - self.warmup_steps)
        return self.base_lr


class PolyScheduler(_DecayScheduler):
    """Decays the learning rate polynomially from ``base_lr`` to ``final_lr`` over the
    updates from the end of the warm-up to ``max_update``::

        final_lr + (base_lr - final_lr) * (1 - (num_update - warmup_steps) / (max_update - warmup_steps)) ** pwr

    and stays at ``final_lr`` after ``max_update``.

    Parameters
    ----------
    max_update : int
        The update at which the decay reaches ``final_lr``; at least 1.
    base_lr : float, default 0.01
        The rate the decay starts from (an optimizer's ``learning_rate`` does not change it).
    pwr : float, default 2
        The power of the decay (stored as ``power``).
    final_lr : float, default 0
        The rate at and after ``max_update``.
    warmup_steps, warmup_begin_lr, warmup_mode
        As in ``LRScheduler``.

    >>> from deepblocks import lr_scheduler
    >>> s = lr_scheduler.PolyScheduler(max_update=4, base_lr=1.0, pwr=2, final_lr=0.2)
    >>> [s(n) for n in range(6)]
    [1.0, 0.65, 0.4, 0.25, 0.2, 0.2]
    """

    def __init__(self, max_update, base_lr=0.01, pwr=2, final_lr=0, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        self.power = pwr

    def _decayed(self, done):
        # The operations in MXNet's order, so the rates agree to the last bit.
        fraction = float(done) / float(self.max_steps)
        return self.final_lr + (self.base_lr_orig - self.final_lr) * pow(1 - fraction, self.power)


class CosineScheduler(_DecayScheduler):
    """Decays the learning rate along half a cosine from ``base_lr`` to ``final_lr`` over the
    updates from the end of the warm-up to ``max_update``::

        final_lr + (base_lr - final_lr) * (1 + cos(pi * (num_update - warmup_steps) / (max_update - warmup_steps))) / 2

    and stays at ``final_lr`` after ``max_update``.

    Parameters
    ----------
    max_update : int
        The update at which the decay reaches ``final_lr``; at least 1.
    base_lr : float, default 0.01
        The rate the decay starts from (an optimizer's ``learning_rate`` does not change it).
    final_lr : float, default 0
        The rate at and after ``max_update``.
    warmup_steps, warmup_begin_lr, warmup_mode
        As in ``LRScheduler``.

    >>> from deepblocks import lr_scheduler
    >>> s = lr_scheduler.CosineScheduler(max_update=4, base_lr=1.0, final_lr=0.2)
    >>> [round(s(n), 4) for n in range(6)]
    [1.0, 0.8828, 0.6, 0.3172, 0.2, 0.2]
    """

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super().__init__(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr, warmup_mode)

    def _decayed(self, done):
        return self.final_lr + (self.base_lr_orig - self.final_lr) * (1 + cos(pi * done / self.max_steps)) / 2

"""``gluon.Trainer``: applies an optimizer to a set of Parameters.

``step(batch_size)`` divides the gradients by ``batch_size`` (a loss summed over the batch
becomes a mean), sums the copies of multi-device parameters, and updates every parameter in
place. A parameter whose gradient backward has not refreshed since the last step raises
``StaleGradientError`` unless ``ignore_stale_grad=True`` (then it is skipped).

>>> from deepblocks import gluon, np, npx, autograd
>>> npx.set_np()
>>> w = gluon.Parameter('w', shape=(2,))
>>> w.initialize(init='ones')
>>> trainer = gluon.Trainer([w], 'sgd', {'learning_rate': 0.5})
>>> with autograd.record():
...     loss = (w.data() * w.data()).sum()
>>> loss.backward()
>>> trainer.step(1)
>>> w.data()
array([0., 0.])
"""

import json
import math
import os
from collections import OrderedDict

from .. import _core
from .. import autograd
from ..base import MXNetError
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer", "StaleGradientError"]

_STATES_FORMAT = "deepblocks.trainer_states"


class StaleGradientError(MXNetError, UserWarning):
    """A parameter's gradient was not refreshed by backward since the last step. (MXNet raises
    this as a bare ``UserWarning``; it still is one, so old ``except`` clauses keep working.)"""


def _param_list(params):
    if isinstance(params, (ParameterDict, dict)):
        # by name, as MXNet orders them: a parameter's optimizer index (and so anything an
        # optimizer shares across indices, such as Nadam's schedule) matches MXNet's
        params = [params[k] for k in sorted(params.keys())]
    elif isinstance(params, Parameter):
        params = [params]
    else:
        try:
            params = list(params)
        except TypeError:
            raise ValueError("First argument must be a list or dict of Parameters, "
                             f"got {type(params).__name__}.") from None
    out, seen = [], set()
    for p in params:
        if not isinstance(p, Parameter):
            raise ValueError(f"First argument must be a list or dict of Parameters, got list of {type(p).__name__}.")
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


# Optimizer arguments that must be finite numbers (None, where allowed, means "the default" or
# "off"). MXNet takes any value here and fails at the first step (a string) or trains on
# NaNs; deepblocks checks them when the Trainer is built.
_NUMBERS = ("learning_rate", "wd", "momentum", "rescale_grad", "clip_gradient", "beta1", "beta2", "epsilon",
            "gamma1", "gamma2", "rho")
_MAY_BE_NONE = ("learning_rate", "clip_gradient")


def _check_number(name, value, where):
    """``value`` as a float; TypeError unless it is a number, ValueError unless it is finite
    (and, for the learning rate, not negative: that would climb the loss)."""
    if isinstance(value, (str, bytes, bool)) or not hasattr(value, "__float__"):
        raise TypeError(f"{where}: {name} must be a number, got {value!r} ({type(value).__name__})")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{where}: {name} must be finite, got {v}")
    if name == "learning_rate" and v < 0:
        raise ValueError(f"{where}: learning_rate must be >= 0, got {v} (a negative rate would increase the loss)")
    return v


def _check_optimizer_params(params, where):
    for name in _NUMBERS:
        value = params.get(name)
        if value is not None or (name in params and name not in _MAY_BE_NONE):
            _check_number(name, value, where)


def _check_batch_size(batch_size):
    if isinstance(batch_size, (str, bytes, bool)) or not hasattr(batch_size, "__float__"):
        raise TypeError(f"step: batch_size must be a number, got {batch_size!r} ({type(batch_size).__name__})")
    if not batch_size > 0:
        raise ValueError(f"step: batch_size must be > 0, got {batch_size} (it divides the gradients)")
    return batch_size


class Trainer:
    """Updates ``params`` (a ParameterDict, dict or list) with ``optimizer`` (a name such as
    'sgd' or 'adam', or an Optimizer) built from ``optimizer_params``.

    The numeric optimizer arguments (``learning_rate``, ``wd``, ``momentum``, ...) are checked
    here, not at the first step: a string is a TypeError, NaN or infinity a ValueError, and so
    is a negative learning rate (MXNet 1.9.1 accepts one and ascends the loss).

    ``copy.deepcopy`` and ``pickle`` carry the optimizer and its state. Copy a Trainer together
    with its network, ``copy.deepcopy((net, trainer))``, so that the copied Trainer updates the
    copied network (a Trainer copied alone brings copies of its Parameters with it).

    >>> from deepblocks import gluon
    >>> gluon.Trainer([gluon.Parameter('w', shape=(1,))], 'sgd', {'learning_rate': '0.1'})
    Traceback (most recent call last):
    ...
    TypeError: Trainer: learning_rate must be a number, got '0.1' (str)
    """

    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device", compression_params=None,
                 update_on_kvstore=None):
        from .. import optimizer as opt  # the optimizers import Gluon-free code only; load on use
        self._params = _param_list(params)
        if optimizer_params is not None and not hasattr(optimizer_params, "items"):
            raise TypeError(f"Trainer: optimizer_params must be a dict such as {{'learning_rate': 0.1}}, "
                            f"got {type(optimizer_params).__name__}")
        optimizer_params = dict(optimizer_params or {})
        _check_optimizer_params(optimizer_params, "Trainer")
        self._scale = float(optimizer_params.get("rescale_grad", 1.0))
        param_dict = {i: p for i, p in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise ValueError("optimizer_params must be None if optimizer is an instance of Optimizer instead of str")
            if getattr(optimizer, "lr_scheduler", None) is None:
                _check_number("learning_rate", optimizer.lr, "Trainer")
            self._optimizer = optimizer
            optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._states = {}        # (index, device position) -> optimizer state
        self._seen = {}          # (index, device position) -> gradient version after the last step
        self._kvstore = kvstore

    # ---- copying and pickling --------------------------------------------------------------
    # The optimizer, its states and the parameters travel as they are (deepcopy copies them,
    # pickle rebuilds them). Gradient versions are per storage, so the record of which
    # gradients were already used by a step is carried as the set of (parameter, device)
    # slots that are stale now, re-read from the new parameters' gradients on arrival.
    # Copy a Trainer together with its network (``copy.deepcopy((net, trainer))``) so that
    # the copy updates the copied network's parameters.

    def __getstate__(self):
        state = self.__dict__.copy()
        seen = state.pop("_seen")
        stale = []
        for (i, j), version in seen.items():
            arrays = self._params[i]._data
            if arrays is not None and j < len(arrays):
                grad = list(arrays.values())[j].grad
                if grad is not None and grad._version == version:
                    stale.append((i, j))
        state["_stale"] = stale
        return state

    def __setstate__(self, state):
        state = dict(state)
        stale = state.pop("_stale", ())
        self.__dict__.update(state)
        self._seen = {}
        for i, j in stale:
            grad = list(self._params[i]._data.values())[j].grad
            self._seen[(i, j)] = grad._version

    # ---- optimizer ---------------------------------------------------------------------

    @property
    def optimizer(self):
        return self._optimizer

    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr):
        """Sets the learning rate of the optimizer (a finite number >= 0)."""
        self._optimizer.set_learning_rate(_check_number("learning_rate", lr, "set_learning_rate"))

    # ---- steps ---------------------------------------------------------------------------

    def step(self, batch_size, ignore_stale_grad=False):
        """One update with gradients rescaled by ``1/batch_size``."""
        self._optimizer.rescale_grad = self._scale / _check_batch_size(batch_size)
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sums the gradients of multi-device parameters into every copy."""
        self._allreduce_grads()

    def update(self, batch_size, ignore_stale_grad=False):
        """The update half of ``step`` (after a manual ``allreduce_grads``)."""
        self._optimizer.rescale_grad = self._scale / _check_batch_size(batch_size)
        self._update(ignore_stale_grad)

    def zero_grad(self):
        """Zeros every gradient (for ``grad_req='add'``)."""
        for p in self._params:
            p.zero_grad()

    def _allreduce_grads(self):
        with autograd.pause():
            for p in self._params:
                if p._grad_req == "null" or p._data is None or len(p._data) < 2:
                    continue
                arrays = list(p._data.values())
                total = arrays[0].grad.copyto(arrays[0].ctx)
                for a in arrays[1:]:
                    total = total + a.grad.as_in_ctx(total.ctx)
                for a in arrays:
                    a.grad[...] = total.as_in_ctx(a.ctx)

    def _update(self, ignore_stale_grad):
        updates = []
        for i, p in enumerate(self._params):
            if p._grad_req == "null":
                continue
            arrays = list(p._check_and_get_all())
            fresh = []
            for j, arr in enumerate(arrays):
                version = arr.grad._version
                if version == 0 or self._seen.get((i, j)) == version or p._zeroed.get(id(arr)) == version:
                    if not ignore_stale_grad:
                        raise StaleGradientError(
                            f"Gradient of Parameter `{p.name}` on context {arr.ctx} has not been updated by backward "
                            "since last `step`. This could mean a bug in your model that made it only use a subset "
                            "of the Parameters (Blocks) for this iteration. If you are intentionally only using a "
                            "subset, call step with ignore_stale_grad=True to suppress this warning and skip "
                            "updating of Parameters with stale gradient")
                    continue
                fresh.append((j, arr))
            if fresh:
                updates.append((i, fresh))
        update = self._optimizer.update
        with autograd.pause():
            for i, fresh in updates:
                for j, arr in fresh:
                    key = (i, j)
                    state = self._states.get(key, _MISSING)
                    if state is _MISSING:
                        state = self._states[key] = self._optimizer.create_state(i, arr)
                    # Each device copy counts its own updates (Adam's bias correction uses the
                    # count), so data-parallel copies take identical steps, as in MXNet.
                    self._optimizer._set_current_context(j)
                    update(i, arr, arr.grad, state)
                    self._seen[key] = arr.grad._version

    # ---- states ---------------------------------------------------------------------------

    def _state_items(self):
        items = []
        for (i, j), state in self._states.items():
            name = self._params[i]._path or self._params[i].name
            parts = state if isinstance(state, (tuple, list)) else (() if state is None else (state,))
            for k, s in enumerate(parts):
                if s is not None:       # an unused slot (DCASGD without momentum): nothing to save
                    items.append((f"{name}/{j}/{k}", s))
        return items

    def state_dict(self):
        """The optimizer state in memory: ``{'states': {key: array}, 'optimizer': {...}}``."""
        return {"states": OrderedDict(self._state_items()), "optimizer": self._optimizer_meta()}

    def _optimizer_meta(self):
        o = self._optimizer
        return {"name": type(o).__name__.lower(), "num_update": int(o.num_update),
                "learning_rate": float(o.learning_rate),
                "index_update_count": {str(k): int(v) for k, v in getattr(o, "_index_update_count", {}).items()}}

    def save_states(self, fname):
        """Writes the optimizer states (safetensors, keyed by parameter path; never pickle)."""
        meta = {"format": _STATES_FORMAT, "optimizer": json.dumps(self._optimizer_meta())}
        items = [(k, _core.ndarray(v)) for k, v in self._state_items()]
        _core.save_tensors(os.fspath(fname), items, meta)

    def load_states(self, fname):
        """Reads states written by ``save_states`` for the same parameters; the learning rate and
        update counts in the file are checked as the constructor checks its arguments."""
        items, meta = _core.load_tensors(os.fspath(fname))
        if meta.get("format") != _STATES_FORMAT:
            raise MXNetError(f"'{os.fspath(fname)}' is not a deepblocks trainer-states file")
        where = f"trainer states in '{os.fspath(fname)}'"
        try:
            optimizer = json.loads(meta.get("optimizer", "{}"))
        except ValueError:
            optimizer = None
        if not isinstance(optimizer, dict):
            raise MXNetError(f"{where}: the optimizer record is corrupt (not a JSON object)")
        self._load_state_dict({"states": dict(items), "optimizer": optimizer}, where)

    def load_state_dict(self, state):
        """Restores what ``state_dict`` returned."""
        self._load_state_dict(state, "trainer states")

    def _load_state_dict(self, state, where):
        meta = state.get("optimizer", {})
        if not isinstance(meta, dict):
            raise TypeError(f"{where}: the optimizer entry must be a dict, got {type(meta).__name__}")
        if "learning_rate" in meta:
            _check_number("learning_rate", meta["learning_rate"], where)
        count = meta.get("num_update", 0)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"{where}: num_update must be an integer >= 0, got {count!r}")
        by_name = {(p._path or p.name): i for i, p in enumerate(self._params)}
        grouped = {}
        for key, arr in state["states"].items():
            name, j, k = key.rsplit("/", 2)
            if name not in by_name:
                raise MXNetError(f"trainer states: parameter '{name}' is not among this Trainer's parameters")
            grouped.setdefault((by_name[name], int(j)), {})[int(k)] = arr
        new_states = {}
        for (i, j), parts in grouped.items():
            arrays = list(self._params[i]._check_and_get_all())
            if j >= len(arrays):
                raise MXNetError(f"trainer states: parameter '{self._params[i].name}' has no device copy {j}")
            target = arrays[j]
            template = self._optimizer.create_state(i, target)
            slots = template if isinstance(template, (tuple, list)) else (() if template is None else (template,))
            live = [k for k, slot in enumerate(slots) if slot is not None]
            if sorted(parts) != live:
                raise MXNetError(f"trainer states: parameter '{self._params[i].name}' has {len(parts)} saved state "
                                 f"arrays, the optimizer expects {len(live)}")
            for k in live:
                slot, src = slots[k], parts[k]
                if tuple(src.shape) != tuple(slot.shape):
                    raise MXNetError(f"trainer states: shape mismatch for '{self._params[i].name}': saved "
                                     f"{tuple(src.shape)}, expected {tuple(slot.shape)}")
                slot[...] = src
            new_states[(i, j)] = template
        self._states = new_states
        o = self._optimizer
        if "num_update" in meta:
            o.num_update = meta["num_update"]
        if "index_update_count" in meta and hasattr(o, "_index_update_count"):
            o._index_update_count.update({int(k): v for k, v in meta["index_update_count"].items()})
        if "learning_rate" in meta and getattr(o, "lr_scheduler", None) is None:
            o.set_learning_rate(meta["learning_rate"])


_MISSING = object()

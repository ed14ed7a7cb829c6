"""Evaluation metrics: MXNet 1.9.1's ``mxnet.metric``, importable here both as ``mx.metric``
and as ``gluon.metric`` (the name MXNet 2 gives it).

A metric accumulates a score over mini-batches. ``update(labels, preds)`` takes a list of
label arrays and a list of prediction arrays (or one array each) — deepblocks ``np`` or ``nd``
arrays, or NumPy arrays — and ``get()`` returns ``(name, value)``, with ``nan`` before the
first update. The arithmetic is NumPy's, in the arrays' own precision, as in MXNet.

Each metric keeps two tallies: the local one, which ``reset_local()`` clears (say, at each
logging interval), and the global one, which only ``reset()`` clears; ``get_global()`` reads
the latter.

>>> import deepblocks as mx
>>> acc = mx.metric.Accuracy()
>>> labels = [mx.np.array([0, 1, 1])]
>>> preds = [mx.np.array([[0.3, 0.7], [0.0, 1.0], [0.4, 0.6]])]
>>> acc.update(labels, preds)
>>> acc.get()
('accuracy', 0.6666666666666666)
>>> acc.reset_local()
>>> acc.get(), acc.get_global()
(('accuracy', nan), ('accuracy', 0.6666666666666666))

Metrics are also made by name (MXNet's aliases included), from a list, or from a function:

>>> m = mx.metric.create(['acc', 'f1'])
>>> m.update(labels, preds)
>>> m.get()
(['accuracy', 'f1'], [0.6666666666666666, 0.8])

Values are Python floats and counts Python ints, so results print as they do with MXNet.
"""

import json
import math
from collections import OrderedDict

import numpy as _onp

from .. import _core

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC", "Perplexity",
           "MAE", "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood", "PearsonCorrelation", "PCC",
           "Loss", "Torch", "Caffe", "CustomMetric", "create", "register", "alias", "check_label_shapes"]
# ``np`` (a CustomMetric from a NumPy function) is public but left out of ``__all__``: a star
# import would otherwise hide the ``np`` array module.


def _is_array(x):
    return isinstance(x, (_core.ndarray, _onp.ndarray))


def _as_numpy(x):
    """A NumPy copy of a deepblocks array; NumPy arrays and nested lists pass through asarray."""
    return x.asnumpy() if hasattr(x, "asnumpy") else _onp.asarray(x)


def _number(x):
    """``x`` as a Python int or float, so that sums and printed results look as in MXNet
    (NumPy 2 would otherwise keep float32 sums in float32 and print ``np.float64(...)``)."""
    return int(x) if isinstance(x, (int, _onp.integer)) else float(x)


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Checks that ``labels`` and ``preds`` have the same length (or, with ``shape=True``, the
    same shape), and with ``wrap=True`` puts a single array into a list.

    >>> from deepblocks import np
    >>> from deepblocks.gluon.metric import check_label_shapes
    >>> labels, preds = check_label_shapes(np.zeros(3), np.ones((3, 2)), wrap=True)
    >>> len(labels), len(preds)
    (1, 1)
    >>> check_label_shapes([np.zeros(3)], [])
    Traceback (most recent call last):
    ValueError: Shape of labels 1 does not match shape of predictions 0
    """
    label_shape, pred_shape = (labels.shape, preds.shape) if shape else (len(labels), len(preds))
    if label_shape != pred_shape:
        raise ValueError(f"Shape of labels {label_shape} does not match shape of predictions {pred_shape}")
    if wrap:
        if _is_array(labels):
            labels = [labels]
        if _is_array(preds):
            preds = [preds]
    return labels, preds


class EvalMetric:
    """The base class of metrics: the local and global tallies and the ways to read them.

    A subclass implements ``update``; the base ``get`` divides ``sum_metric`` by
    ``num_inst``. ``__init__`` calls ``reset()``, so a subclass whose ``reset`` uses attributes
    of its own sets them before calling ``super().__init__``.

    Parameters
    ----------
    name : str
        The name ``get`` reports.
    output_names, label_names : list of str, optional
        The keys ``update_dict`` takes from its prediction and label dicts (all by default).
    **kwargs
        Settings recorded in ``get_config`` (``has_global_stats=True`` makes ``get_global``
        read the global tally rather than repeat ``get``).

    >>> import deepblocks as mx
    >>> class Count(mx.metric.EvalMetric):
    ...     def update(self, labels, preds):
    ...         self.sum_metric += len(labels)
    ...         self.num_inst += 1
    >>> m = Count('count')
    >>> m.update([1, 2], [3, 4])
    >>> m.get_name_value()
    [('count', 2.0)]
    >>> m.get_config()
    {'metric': 'Count', 'name': 'count', 'output_names': None, 'label_names': None}
    """

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        # User metrics written for MXNet rely on reset() being called here to set up state.
        self.reset()

    def __str__(self):
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self):
        """The settings ``create(**config)`` rebuilds this metric from."""
        config = self._kwargs.copy()
        config.update({"metric": type(self).__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def update_dict(self, label, pred):
        """``update`` with the arrays of dicts from names to arrays, taking the entries named in
        ``label_names`` and ``output_names`` (all of them, in order, by default)."""
        pred = [pred[n] for n in self.output_names] if self.output_names is not None else list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names is not None else list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        """Adds a batch (or a list of batches) of ``labels`` and ``preds`` to the tallies."""
        raise NotImplementedError(f"{type(self).__name__} must implement update(labels, preds)")

    def reset(self):
        """Clears both the local and the global tallies."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Clears the local tally only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        """``(name, value)`` of the local tally; the value is nan before any update."""
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        """``(name, value)`` of the global tally (``get()`` for metrics without one)."""
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    def get_name_value(self):
        """``get()`` as a list of ``(name, value)`` pairs."""
        return _pairs(*self.get())

    def get_global_name_value(self):
        """``get_global()`` as a list of ``(name, value)`` pairs."""
        return _pairs(*self.get_global())

    def _accumulate(self, value, count):
        """Adds a batch's summed score and its number of instances to both tallies."""
        value, count = _number(value), _number(count)
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count


def _pairs(name, value):
    names = name if isinstance(name, list) else [name]
    values = value if isinstance(value, list) else [value]
    return list(zip(names, values))


# ---- registry ------------------------------------------------------------------------------

_REGISTRY: dict[str, type] = {}


def register(klass, name=None):
    """Registers an ``EvalMetric`` subclass for ``create`` under ``name`` (its class name by
    default), case-insensitively; usable as a decorator.

    >>> import deepblocks as mx
    >>> @mx.metric.register
    ... class Zero(mx.metric.EvalMetric):
    ...     def __init__(self):
    ...         super().__init__('zero')
    >>> mx.metric.create('zero').name
    'zero'
    """
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise TypeError(f"Can only register subclass of EvalMetric, got {klass!r}")
    key = (klass.__name__ if name is None else name).lower()
    old = _REGISTRY.get(key)
    if old is not None and old is not klass:
        import warnings
        warnings.warn(f"New metric {klass.__module__}.{klass.__name__} registered with name {key} is "
                      f"overriding existing metric {old.__module__}.{old.__name__}", UserWarning, stacklevel=2)
    _REGISTRY[key] = klass
    return klass


def alias(*aliases):
    """A decorator that registers a metric class under each of ``aliases`` as well.

    >>> import deepblocks as mx
    >>> @mx.metric.alias('half')
    ... class Half(mx.metric.EvalMetric):
    ...     def __init__(self):
    ...         super().__init__('half')
    >>> type(mx.metric.create('half')).__name__
    'Half'
    """
    def decorate(klass):
        for name in aliases:
            register(klass, name)
        return klass
    return decorate


def _create_registered(metric, *args, **kwargs):
    """A metric from a registered name, a config dict or its JSON text, or an instance."""
    if isinstance(metric, EvalMetric):
        if args or kwargs:
            raise ValueError(f"metric is already an instance ({metric.name!r}). Additional arguments are invalid")
        return metric
    if isinstance(metric, dict):
        config = dict(metric)
        if "metric" not in config:
            raise ValueError(f"a metric config needs a 'metric' entry naming the class, got keys {sorted(config)}")
        return _create_registered(config.pop("metric"), **config)
    if not isinstance(metric, str):
        raise TypeError(f"metric must be of string type (a metric name), an EvalMetric, a list or a "
                        f"function, got {type(metric).__name__}")
    if metric.startswith("["):
        name, config = json.loads(metric)
        return _create_registered(name, **config)
    if metric.startswith("{"):
        return _create_registered(json.loads(metric))
    klass = _REGISTRY.get(metric.lower())
    if klass is None:
        raise ValueError(f"{metric.lower()} is not registered. Please register with metric.register first "
                         f"(registered: {', '.join(sorted(_REGISTRY))})")
    return klass(*args, **kwargs)


def create(metric, *args, **kwargs):
    """Makes a metric from a registered name or alias (with constructor arguments), an
    ``EvalMetric`` (returned as is), a config from ``get_config``, a list of any of these (a
    ``CompositeEvalMetric``), or a function ``feval(label, pred)`` (a ``CustomMetric``).

    >>> import deepblocks as mx
    >>> mx.metric.create('top_k_accuracy', top_k=5).name
    'top_k_accuracy_5'
    >>> def mean_gap(label, pred):
    ...     return abs(label - pred).mean()
    >>> mx.metric.create(['ce', mean_gap]).get()
    (['cross-entropy', 'mean_gap'], [nan, nan])
    """
    if isinstance(metric, type) and issubclass(metric, EvalMetric):
        return metric(*args, **kwargs)
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create_registered(metric, *args, **kwargs)


# ---- composite ----------------------------------------------------------------------------


@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get`` returns a list of names and a list of values.

    Parameters
    ----------
    metrics : list, optional
        The child metrics, or anything ``create`` takes.
    name, output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> m = mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), 'ce'])
    >>> m.update([mx.np.array([0, 1])], [mx.np.array([[0.5, 0.5], [0.0, 1.0]])])
    >>> m.get()
    (['accuracy', 'cross-entropy'], [1.0, 0.3465735912322998])
    >>> m.get_metric(1).name
    'cross-entropy'
    """

    def __init__(self, metrics=None, name="composite", output_names=None, label_names=None):
        self.metrics = []
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        """Appends a child metric (anything ``create`` takes)."""
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child metric at ``index``."""
        try:
            return self.metrics[index]
        except IndexError:
            # MXNet returns this error instead of raising it.
            raise ValueError(f"Metric index {index} is out of range 0 and {len(self.metrics)}") from None

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = OrderedDict((k, v) for k, v in labels.items() if k in self.label_names)
        if self.output_names is not None:
            preds = OrderedDict((k, v) for k, v in preds.items() if k in self.output_names)
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in self.metrics:
            metric.reset()

    def reset_local(self):
        for metric in self.metrics:
            metric.reset_local()

    def get(self):
        return self._collect(lambda m: m.get())

    def get_global(self):
        return self._collect(lambda m: m.get_global())

    def _collect(self, read):
        names, values = [], []
        for metric in self.metrics:
            name, value = read(metric)
            names.extend(name if isinstance(name, list) else [name])
            values.extend(value if isinstance(value, list) else [value])
        return (names, values)

    def get_config(self):
        config = super().get_config()
        config["metrics"] = [m.get_config() for m in self.metrics]
        return config


# ---- classification ---------------------------------------------------------------------------


@alias("acc")
class Accuracy(EvalMetric):
    """The fraction of predictions equal to the label.

    Predictions with the labels' shape are class indices; otherwise their ``argmax`` along
    ``axis`` is. Both are cast to int32 (so a label 1.7 is class 1), as in MXNet.

    Parameters
    ----------
    axis : int, default 1
        The class axis of the predictions.
    name, output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> acc = mx.metric.Accuracy()
    >>> acc.update([mx.np.array([2, 0])], [mx.np.array([[0.1, 0.2, 0.7], [0.3, 0.5, 0.2]])])
    >>> acc.get(), acc.num_inst
    (('accuracy', 0.5), 2)
    """

    def __init__(self, axis=1, name="accuracy", output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_numpy(label), _as_numpy(pred)
            if pred.shape != label.shape:
                pred = pred.argmax(axis=self.axis)
            pred = pred.astype("int32").ravel()
            label = label.astype("int32").ravel()
            check_label_shapes(label, pred)
            self._accumulate((pred == label).sum(), len(pred))


@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """The fraction of samples whose label is among the ``top_k`` highest-scored classes.

    Parameters
    ----------
    top_k : int, default 1
        How many of the highest-scored classes count as a hit (of equal scores, the lower
        class index ranks first); must be more than 1 (use ``Accuracy`` for 1) and at most the
        number of classes. The name gets ``_<top_k>`` appended. One-dimensional predictions
        are class indices, compared with the labels as ``Accuracy`` does.
    name, output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> m = mx.metric.TopKAccuracy(top_k=2)
    >>> m.update([mx.np.array([2, 0])], [mx.np.array([[0.1, 0.2, 0.7], [0.3, 0.5, 0.2]])])
    >>> m.get()
    ('top_k_accuracy_2', 1.0)
    """

    def __init__(self, top_k=1, name="top_k_accuracy", output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        if not top_k > 1:
            raise ValueError(f"Please use Accuracy if top_k is no more than 1 (top_k={top_k!r})")
        self.top_k = top_k
        self.name += "_%d" % top_k

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred = _as_numpy(pred).astype("float32")
            label = _as_numpy(label).astype("int32").ravel()
            if pred.ndim not in (1, 2):
                raise ValueError(f"TopKAccuracy: predictions should have 1 or 2 dims, got shape {pred.shape}")
            check_label_shapes(label, pred)
            if pred.ndim == 1:
                # Predicted class indices: a hit is an equal label. (MXNet partitions this vector
                # too, and then compares the positions with the labels, so its count there
                # depends on NumPy's partition order.)
                self._accumulate((pred.astype("int32") == label).sum(), len(pred))
                continue
            if pred.shape[1] < self.top_k:
                raise ValueError(f"TopKAccuracy: top_k ({self.top_k}) is more than the number of classes "
                                 f"({pred.shape[1]}) of predictions of shape {pred.shape}")
            # A stable sort gives tied scores to the lower class index; MXNet's argpartition
            # leaves ties to NumPy's partition order, which changed between NumPy versions.
            top = _onp.argsort(-pred, axis=1, kind="stable")[:, :self.top_k]
            hits = (top == label[:, None]).any(axis=1).sum()
            self._accumulate(hits, len(pred))


class _Confusion:
    """True/false positive/negative counts of a binary classifier."""

    def __init__(self):
        self.tp = self.fp = self.fn = self.tn = 0

    @property
    def total(self):
        return self.tp + self.fp + self.fn + self.tn

    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else 0.0

    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else 0.0

    def fscore(self):
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    def matthews(self):
        """Matthews' correlation coefficient, with zero factors of the denominator taken as 1."""
        if not self.total:
            return 0.0
        tp, fp, fn, tn = float(self.tp), float(self.fp), float(self.fn), float(self.tn)
        denom = 1.0
        for t in (tp + fp, tp + fn, tn + fp, tn + fn):
            if t != 0.0:
                denom *= t
        return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryCounts:
    """The confusion counts of a binary metric: since ``reset_local`` and since ``reset``."""

    def __init__(self, owner):
        self.owner = owner
        self.reset()

    def reset(self):
        self.local, self.total = _Confusion(), _Confusion()

    def reset_local(self):
        self.local = _Confusion()

    def add(self, label, pred):
        pred = _as_numpy(pred)
        label = _as_numpy(label).astype("int32").ravel()
        if pred.ndim != 2:
            raise ValueError(f"{self.owner}: predictions must be (batch, classes) scores, got shape {pred.shape}")
        check_label_shapes(label, pred)
        if len(_onp.unique(label)) > 2:
            raise ValueError(f"{self.owner} currently only supports binary classification "
                             f"(labels {_onp.unique(label).tolist()})")
        # Class 1 is the positive class; any other label or prediction is negative.
        pred_pos = pred.argmax(axis=1) == 1
        label_pos = label == 1
        counts = (int((pred_pos & label_pos).sum()), int((pred_pos & ~label_pos).sum()),
                  int((~pred_pos & label_pos).sum()), int((~pred_pos & ~label_pos).sum()))
        for c in (self.local, self.total):
            c.tp, c.fp, c.fn, c.tn = c.tp + counts[0], c.fp + counts[1], c.fn + counts[2], c.tn + counts[3]


def _check_average(average, owner):
    if average not in ("macro", "micro"):
        raise ValueError(f"{owner}: average must be 'macro' or 'micro', got {average!r}")
    return average


class _BinaryMetric(EvalMetric):
    """F1 and MCC: a score of the confusion counts, averaged over ``update`` calls ('macro') or
    computed from the counts of all of them ('micro')."""

    def __init__(self, name, output_names, label_names, average):
        self.average = _check_average(average, type(self).__name__)
        self._counts = _BinaryCounts(type(self).__name__)
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def _score(self, confusion):
        raise NotImplementedError()

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._counts.add(label, pred)
        local, total = self._counts.local, self._counts.total
        if self.average == "macro":
            self.sum_metric += self._score(local)
            self.global_sum_metric += self._score(total)
            self.num_inst += 1
            self.global_num_inst += 1
            self._counts.reset()
        else:
            # Score times count, divided again by get(): MXNet's rounding, kept.
            self.sum_metric = self._score(local) * local.total
            self.global_sum_metric = self._score(total) * total.total
            self.num_inst = local.total
            self.global_num_inst = total.total

    def reset(self):
        super().reset()
        self._counts.reset()

    def reset_local(self):
        super().reset_local()
        self._counts.reset_local()


class F1(_BinaryMetric):
    """The F1 score (harmonic mean of precision and recall) of a binary classifier whose
    predictions are (batch, 2) scores; class 1 is the positive class.

    Parameters
    ----------
    name, output_names, label_names
        As in ``EvalMetric``.
    average : {'macro', 'micro'}, default 'macro'
        'macro' averages the score of each ``update`` call; 'micro' scores the counts of all.

    >>> import deepblocks as mx
    >>> f1 = mx.metric.F1()
    >>> f1.update([mx.np.array([0, 1, 1])], [mx.np.array([[0.3, 0.7], [0.0, 1.0], [0.4, 0.6]])])
    >>> f1.get()
    ('f1', 0.8)
    """

    def __init__(self, name="f1", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)

    def _score(self, confusion):
        return confusion.fscore()


class MCC(_BinaryMetric):
    """Matthews' correlation coefficient of a binary classifier whose predictions are
    (batch, 2) scores: 1 for perfect predictions, 0 for chance, -1 for always wrong. Zero
    factors of the denominator count as 1.

    Parameters
    ----------
    name, output_names, label_names
        As in ``EvalMetric``.
    average : {'macro', 'micro'}, default 'macro'
        'macro' averages the score of each ``update`` call; 'micro' scores the counts of all.

    >>> import deepblocks as mx
    >>> mcc = mx.metric.MCC()
    >>> mcc.update([mx.np.array([0, 1, 1, 0])], [mx.np.array([[0.8, 0.2], [0.3, 0.7], [0.1, 0.9], [0.4, 0.6]])])
    >>> round(mcc.get()[1], 6)
    0.57735
    """

    def __init__(self, name="mcc", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)

    def _score(self, confusion):
        return confusion.matthews()


class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability the predictions give the labels.

    Parameters
    ----------
    ignore_label : int, optional
        Labels equal to this are left out (``None``, the default here, keeps all; MXNet 1.9.1
        makes the argument compulsory).
    axis : int, default -1
        The class axis of the predictions. Labels outside ``[0, classes)`` are clipped into it
        before picking, as MXNet's ``pick`` does.
    name, output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> p = mx.metric.Perplexity(ignore_label=None)
    >>> p.update([mx.np.array([0, 1, 1])], [mx.np.array([[0.3, 0.7], [0.0, 1.0], [0.4, 0.6]])])
    >>> round(p.get()[1], 6)
    1.771098
    """

    def __init__(self, ignore_label=None, axis=-1, name="perplexity", output_names=None, label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_numpy(label), _as_numpy(pred)
            n_classes = pred.shape[self.axis]
            probs = _onp.moveaxis(pred, self.axis, -1).reshape(-1, n_classes)
            if label.size != probs.shape[0]:
                raise ValueError(f"shape mismatch: {label.shape} vs. {pred.shape}: one label per "
                                 f"prediction along axis {self.axis}")
            label = label.reshape(-1)
            index = _onp.clip(label.astype("int32"), 0, n_classes - 1)
            picked = probs[_onp.arange(len(index)), index]
            num = picked.size
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(picked.dtype)
                num -= int(ignore.sum())
                picked = picked * (1 - ignore) + ignore
            self._accumulate(-_onp.log(_onp.maximum(1e-10, picked)).sum(), num)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


# ---- regression -------------------------------------------------------------------------------


class _Regression(EvalMetric):
    """A score of each batch's labels and predictions, averaged over batches (each batch counts
    once, whatever its size)."""

    def __init__(self, name, output_names, label_names):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def _score(self, diff):
        """The batch's score from ``label - pred``."""
        raise NotImplementedError()

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_numpy(label), _as_numpy(pred)
            # 1-D arrays become columns, as in MXNet, before they broadcast together.
            if label.ndim == 1:
                label = label.reshape(label.shape[0], 1)
            if pred.ndim == 1:
                pred = pred.reshape(pred.shape[0], 1)
            self._accumulate(self._score(label - pred), 1)


class MAE(_Regression):
    """The mean absolute error, averaged over batches (each batch's mean counts once).

    >>> import deepblocks as mx
    >>> m = mx.metric.MAE()
    >>> m.update([mx.np.array([2.5, 0.0, 2, 8])], [mx.np.array([3, -0.5, 2, 7])])
    >>> m.get()
    ('mae', 0.5)
    """

    def __init__(self, name="mae", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def _score(self, diff):
        return _onp.abs(diff).mean()


class MSE(_Regression):
    """The mean squared error, averaged over batches (each batch's mean counts once).

    >>> import deepblocks as mx
    >>> m = mx.metric.MSE()
    >>> m.update([mx.np.array([2.5, 0.0, 2, 8])], [mx.np.array([3, -0.5, 2, 7])])
    >>> m.get()
    ('mse', 0.375)
    """

    def __init__(self, name="mse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def _score(self, diff):
        return (diff ** 2.0).mean()


class RMSE(_Regression):
    """The root mean squared error of each batch, averaged over batches.

    >>> import deepblocks as mx
    >>> m = mx.metric.RMSE()
    >>> m.update([mx.np.array([2.5, 0.0, 2, 8])], [mx.np.array([3, -0.5, 2, 7])])
    >>> round(m.get()[1], 6)
    0.612372
    """

    def __init__(self, name="rmse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def _score(self, diff):
        return _onp.sqrt((diff ** 2.0).mean())


class _LogLoss(EvalMetric):
    """The mean ``-log(p + eps)`` of the probability ``p`` each prediction row gives its label."""

    def __init__(self, eps, name, output_names, label_names):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_numpy(label).ravel(), _as_numpy(pred)
            if pred.ndim != 2 or label.shape[0] != pred.shape[0]:
                raise ValueError(f"{type(self).__name__}: predictions must be (batch, classes) with one label per "
                                 f"row, got labels of {label.shape[0]} and predictions of shape {pred.shape}")
            prob = pred[_onp.arange(label.shape[0]), label.astype(_onp.int64)]
            self._accumulate((-_onp.log(prob + self.eps)).sum(), label.shape[0])


@alias("ce")
class CrossEntropy(_LogLoss):
    """The mean cross-entropy ``-log(p + eps)`` of the probability each prediction row gives
    its label.

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probabilities so that a zero gives a large finite loss.
    name, output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> ce = mx.metric.CrossEntropy()
    >>> ce.update([mx.np.array([0, 1, 1])], [mx.np.array([[0.3, 0.7], [0.0, 1.0], [0.4, 0.6]])])
    >>> round(ce.get()[1], 6)
    0.571599
    """

    def __init__(self, eps=1e-12, name="cross-entropy", output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@alias("nll_loss")
class NegativeLogLikelihood(_LogLoss):
    """The mean negative log-likelihood ``-log(p + eps)`` of the labels under the predicted
    class probabilities (the same number as ``CrossEntropy``, named 'nll-loss').

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probabilities so that a zero gives a large finite loss.
    name, output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> nll = mx.metric.NegativeLogLikelihood()
    >>> nll.update([mx.np.array([1])], [mx.np.array([[0.5, 0.5]])])
    >>> round(nll.get()[1], 6)
    0.693147
    """

    def __init__(self, eps=1e-12, name="nll-loss", output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson's correlation coefficient of the predictions and the labels (flattened).

    Parameters
    ----------
    name, output_names, label_names
        As in ``EvalMetric``.
    average : {'macro', 'micro'}, default 'macro'
        'macro' averages the coefficient of each batch; 'micro' computes one coefficient over
        all batches since ``reset()``, from running means and sums of squares.

    >>> import deepblocks as mx
    >>> r = mx.metric.PearsonCorrelation()
    >>> r.update([mx.np.array([1.0, 2.0, 3.0])], [mx.np.array([2.0, 4.0, 7.0])])
    >>> round(r.get()[1], 6)
    0.993399
    """

    def __init__(self, name="pearsonr", output_names=None, label_names=None, average="macro"):
        self.average = _check_average(average, "PearsonCorrelation")
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def reset(self):
        super().reset()
        # Running count, mean and sum of squared deviations of labels and predictions, and
        # the co-moment (Welford's online method).
        self._label_nums = self._pred_nums = 0
        self._mean_l = self._mean_p = 0.0
        self._sse_l = self._sse_p = 0.0
        self._conv = 0.0

    @staticmethod
    def _running(values, count, mean, m_2):
        count += len(values)
        delta = values - mean
        mean += _onp.sum(delta / count)
        m_2 += _onp.sum(delta * (values - mean))
        return count, mean, m_2

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label = _as_numpy(label).ravel().astype(_onp.float64)
            pred = _as_numpy(pred).ravel().astype(_onp.float64)
            if self.average == "macro":
                self._accumulate(_onp.corrcoef(pred, label)[0, 1], 1)
                continue
            self.num_inst += 1
            self.global_num_inst += 1
            # The co-moment takes the label mean after this batch and the prediction mean
            # before it, in MXNet's order.
            self._label_nums, self._mean_l, self._sse_l = self._running(
                label, self._label_nums, self._mean_l, self._sse_l)
            self._conv = float(self._conv + _onp.sum((label - self._mean_l) * (pred - self._mean_p)))
            self._pred_nums, self._mean_p, self._sse_p = self._running(
                pred, self._pred_nums, self._mean_p, self._sse_p)

    def _micro(self):
        n = self._label_nums
        return float(self._conv / ((n - 1) * _onp.sqrt(self._sse_p / (n - 1)) * _onp.sqrt(self._sse_l / (n - 1))))

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, self.sum_metric / self.num_inst)
        return (self.name, self._micro())

    def get_global(self):
        if self.average == "macro" or self.global_num_inst == 0:
            return super().get_global()
        # The running sums cover everything since reset(), so they are the global value too.
        return (self.name, self._micro())


class PCC(EvalMetric):
    """A multi-class generalization of Matthews' correlation coefficient, from the confusion
    matrix of all batches since the last reset (nan while every prediction or every label is
    one class). The matrix grows with the largest class index seen.

    Predictions with the labels' shape are class indices; otherwise their argmax along axis 1.

    >>> import deepblocks as mx
    >>> m = mx.metric.PCC()
    >>> m.update([mx.np.array([0, 1, 2, 2])], [mx.np.array([0, 1, 2, 1])])
    >>> round(m.get()[1], 6)
    0.7
    """

    def __init__(self, name="pcc", output_names=None, label_names=None, has_global_stats=True):
        self.k = 2
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc):
        self.lcm = _onp.pad(self.lcm, ((0, inc), (0, inc)), "constant")
        self.gcm = _onp.pad(self.gcm, ((0, inc), (0, inc)), "constant")
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x, y = cmat.sum(axis=1), cmat.sum(axis=0)
        cov_xx, cov_yy = _onp.sum(x * (n - x)), _onp.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        cov_xy = _onp.sum(cmat.diagonal() * n - x * y)
        return float(cov_xy / (cov_xx * cov_yy) ** 0.5)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _as_numpy(label).astype("int32")
            pred = _as_numpy(pred)
            pred = pred.argmax(axis=1) if pred.shape != label.shape else pred.astype("int32")
            label, pred = label.ravel(), pred.ravel()
            check_label_shapes(label, pred)
            if label.size and min(label.min(), pred.min()) < 0:
                raise ValueError(f"PCC: class indices must be non-negative, got labels {label.tolist()} "
                                 f"and predictions {pred.tolist()}")
            n = int(max(pred.max(), label.max())) if label.size else 0
            if n >= self.k:
                self._grow(n + 1 - self.k)
            batch = _onp.zeros((self.k, self.k))
            _onp.add.at(batch, (pred, label), 1)
            self.lcm += batch
            self.gcm += batch
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0
        self.gcm = _onp.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0
        self.lcm = _onp.zeros((self.k, self.k))


# ---- losses and custom metrics ----------------------------------------------------------------


class Loss(EvalMetric):
    """The mean of loss values the network computed itself; the labels are ignored.

    >>> import deepblocks as mx
    >>> m = mx.metric.Loss()
    >>> m.update(None, [mx.np.array([1.0, 2.0, 3.5]), mx.np.array([0.5, 0.5])])
    >>> m.get()
    ('loss', 1.5)
    """

    def __init__(self, name="loss", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        if _is_array(preds):
            preds = [preds]
        for pred in preds:
            pred = _as_numpy(pred)
            self._accumulate(pred.sum(), pred.size)


class Torch(Loss):
    """``Loss`` under the name 'torch' (MXNet kept it for Torch criterions)."""

    def __init__(self, name="torch", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


class Caffe(Loss):
    """``Loss`` under the name 'caffe' (MXNet kept it for Caffe criterions)."""

    def __init__(self, name="caffe", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


class CustomMetric(EvalMetric):
    """A metric from a function ``feval(label, pred)`` of NumPy arrays that returns a batch's
    score (counted as one instance) or a tuple ``(sum_metric, num_inst)``.

    Parameters
    ----------
    feval : callable
        The function.
    name : str, optional
        Defaults to the function's name (``custom(<lambda>)`` for a lambda).
    allow_extra_outputs : bool, default False
        Allows more predictions than labels (extra outputs such as RNN states are skipped).
    output_names, label_names
        As in ``EvalMetric``.

    >>> import deepblocks as mx
    >>> m = mx.metric.CustomMetric(lambda label, pred: float((label == pred).sum()))
    >>> m.update([mx.np.array([1, 2, 3])], [mx.np.array([1, 0, 3])])
    >>> m.get()
    ('custom(<lambda>)', 2.0)
    """

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None, label_names=None):
        if name is None:
            name = feval.__name__
            if "<" in name:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if self._allow_extra_outputs:
            labels = [labels] if _is_array(labels) else labels
            preds = [preds] if _is_array(preds) else preds
        else:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            result = self._feval(_as_numpy(label), _as_numpy(pred))
            if isinstance(result, tuple):
                self._accumulate(*result)
            else:
                self._accumulate(result, 1)

    def get_config(self):
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A ``CustomMetric`` from a function of NumPy label and prediction arrays.

    >>> import deepblocks as mx
    >>> def mean_abs(label, pred):
    ...     return abs(label - pred).mean()
    >>> m = mx.metric.np(mean_abs)
    >>> m.update([mx.np.array([1.0, 2.0])], [mx.np.array([1.5, 2.5])])
    >>> m.get()
    ('mean_abs', 0.5)
    """
    def feval(label, pred):
        return numpy_feval(label, pred)

    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)


for _klass in (CompositeEvalMetric, Accuracy, TopKAccuracy, F1, MCC, Perplexity, MAE, MSE, RMSE, CrossEntropy,
               NegativeLogLikelihood, PearsonCorrelation, PCC, Loss, Torch, Caffe, CustomMetric):
    register(_klass)
del _klass

"""``gluon.loss``: losses as Blocks. Each returns one value per example (the mean over every
axis but ``batch_axis``), optionally scaled by ``weight`` and a per-example ``sample_weight``;
MXNet 1.9.1's exceptions to that rule are kept (``KLDivLoss`` and ``TripletLoss`` sum,
``PoissonNLLLoss`` averages everything, ``CosineEmbeddingLoss`` answers a ``(batch, 1)`` column).
The losses work on numpy-mode arrays and on legacy NDArrays alike (MXNet 1.9.1's
``CTCLoss``, ``TripletLoss``, ``PoissonNLLLoss``, ``CosineEmbeddingLoss`` and ``SDMLLoss`` fail in
numpy mode).

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import loss as gloss
>>> npx.set_np()
>>> gloss.L2Loss()(np.array([[1.0], [2.0]]), np.array([0.0, 0.0]))
array([0.5, 2. ])
>>> ce = gloss.SoftmaxCrossEntropyLoss()
>>> ce
SoftmaxCrossEntropyLoss(batch_axis=0, w=None)
>>> ce(np.array([[0.0, 0.0]]), np.array([1])).round(4)
array([0.6931])
"""

import math

from .. import numpy as _np
from .. import numpy_extension as _npx
from ..numpy_extension.ctc import ctc_loss as _ctc_loss
from .block import HybridBlock

__all__ = ["Loss", "L2Loss", "L1Loss", "SoftmaxCrossEntropyLoss", "SoftmaxCELoss", "SigmoidBinaryCrossEntropyLoss",
           "SigmoidBCELoss", "HuberLoss", "HingeLoss", "SquaredHingeLoss", "LogisticLoss", "KLDivLoss", "CTCLoss",
           "TripletLoss", "PoissonNLLLoss", "CosineEmbeddingLoss", "SDMLLoss"]


def _reshape_like(label, pred):
    if label.shape == pred.shape:
        return label
    if label.size != pred.size:
        raise ValueError(f"loss: label shape {label.shape} does not match prediction shape {pred.shape}")
    return label.reshape(pred.shape)


def _like(out, pred):
    """npx operators answer with np arrays: a legacy-mode prediction gets an NDArray back."""
    from ..ndarray.ndarray import NDArray, _is_legacy
    return NDArray(out) if _is_legacy(pred) and not _is_legacy(out) else out


def _batch_mean(loss, batch_axis, reduce="mean"):
    if loss.ndim <= 1:
        return loss
    b = batch_axis % loss.ndim
    return getattr(loss, reduce)(axis=tuple(a for a in range(loss.ndim) if a != b))


class Loss(HybridBlock):
    """Base class: ``weight`` scales the loss, ``batch_axis`` is kept in the output."""

    def __init__(self, weight, batch_axis, **kwargs):
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def _weighted(self, loss, sample_weight, weight=None):
        if sample_weight is not None:
            loss = loss * sample_weight
        weight = self._weight if weight is None else weight
        if weight is not None:
            if not isinstance(weight, (int, float)):
                raise TypeError(f"{type(self).__name__}: weight must be a number, got {type(weight).__name__}")
            loss = loss * weight
        return loss

    def __repr__(self):
        return f"{self.__class__.__name__}(batch_axis={self._batch_axis}, w={self._weight})"


class L2Loss(Loss):
    """``weight/2 * (pred - label)**2``, averaged per example."""

    def __init__(self, weight=1.0, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def forward(self, pred, label, sample_weight=None):
        diff = _reshape_like(label, pred) - pred
        loss = diff * diff
        loss = self._weighted(loss, sample_weight, self._weight / 2)
        return _batch_mean(loss, self._batch_axis)


class L1Loss(Loss):
    """``|pred - label|``, averaged per example."""

    def __init__(self, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def forward(self, pred, label, sample_weight=None):
        loss = _np.abs(_reshape_like(label, pred) - pred)
        return _batch_mean(self._weighted(loss, sample_weight), self._batch_axis)


class SoftmaxCrossEntropyLoss(Loss):
    """Cross-entropy of ``softmax(pred)`` along ``axis`` with class indices
    (``sparse_label=True``) or with probability rows; ``from_logits=True`` means ``pred``
    already holds log-probabilities.

    Sparse labels have ``pred``'s shape without the class axis (or with it of size 1) and hold
    integers ``0..classes-1``, as ints or as integral floats. Where MXNet 1.9.1 silently answers
    a loss, deepblocks raises: a ValueError (an MXNetError too, as every shape or value error a
    Block raises) for a class index out of range (MXNet clips it into
    range), for a non-integral or NaN label (MXNet truncates it; NaN becomes class 0), and for
    labels shaped like ``pred`` (one-hot or probability rows), with a hint to pass
    ``sparse_label=False`` (MXNet's shape error gives no hint).

    >>> from deepblocks import np
    >>> ce = SoftmaxCrossEntropyLoss()
    >>> ce(np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([1.0, 0.0])).round(4)
    array([0.6931, 0.6931])
    >>> ce(np.array([[0.0, 0.0]]), np.array([2]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    deepblocks.ndarray.ops.OperatorError: ...label 2 at index (0,) is not a class index: pred has 2 classes along axis -1, ...
    """

    def __init__(self, axis=-1, sparse_label=True, from_logits=False, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def forward(self, pred, label, sample_weight=None):
        logp = pred if self._from_logits else _npx.log_softmax(pred, axis=self._axis)
        if self._sparse_label:
            label = _sparse_label(pred.shape, label, self._axis)
            loss = -_npx.pick(logp, label, axis=self._axis, keepdims=True)
        else:
            loss = -(logp * _reshape_like(label, logp)).sum(axis=self._axis, keepdims=True)
        return _like(_batch_mean(self._weighted(loss, sample_weight), self._batch_axis), pred)


def _sparse_label(shape, label, axis):
    """``label`` as class indices for a prediction of ``shape``, checked with one reduction:
    every value must be an integer in ``0..classes-1`` (the rare failure is explained on the
    host)."""
    ax = axis % len(shape)
    classes = shape[ax]
    want = shape[:ax] + shape[ax + 1:]
    if tuple(label.shape) == tuple(shape) and classes > 1:
        raise ValueError(f"label shape {tuple(label.shape)} equals the prediction shape {tuple(shape)}, class axis "
                         f"included, like one-hot labels; with sparse_label=True labels are class indices of shape "
                         f"{want}. For one-hot or probability labels use SoftmaxCrossEntropyLoss(sparse_label=False)")
    if label.ndim == len(shape) and label.shape[ax] == 1:
        label = label.squeeze(axis=ax)
    if tuple(label.shape) != want:
        raise ValueError(f"label shape {tuple(label.shape)} does not fit the prediction shape {tuple(shape)} "
                         f"(classes along axis {axis}): sparse labels need shape {want}")
    lab = _np.asarray(label)
    if lab.size == 0 or lab.ctx.device_type != "cpu":
        # On a GPU the check would make every step wait for the device (a copy to the host):
        # labels there are not value-checked, and pick clips an index out of range as MXNet does.
        return lab
    index = lab if lab.dtype.kind in "iub" else _np.rint(lab)
    if bool((lab == _np.clip(index, 0, classes - 1)).all()):
        return lab
    host = lab.asnumpy()
    bad = ~((host >= 0) & (host <= classes - 1) & (host == host.round()))
    at = tuple(int(i[0]) for i in bad.nonzero())
    value = host[at]
    value = int(value) if float(value).is_integer() else float(value)
    raise ValueError(f"label {value!r} at index {at} is not a class index: pred has {classes} classes "
                     f"along axis {axis}, so labels must be integers 0..{classes - 1}")


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy of ``sigmoid(pred)`` (or of ``pred`` itself with
    ``from_sigmoid=True``) against labels in {0, 1}; ``pos_weight`` weights positives."""

    def __init__(self, from_sigmoid=False, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def forward(self, pred, label, sample_weight=None, pos_weight=None):
        label = _reshape_like(label, pred)
        if not self._from_sigmoid:
            # log(1 + e^-|x|) keeps large logits finite.
            softplus = _np.log1p(_np.exp(-_np.abs(pred)))
            if pos_weight is None:
                loss = _npx.relu(pred) - pred * label + softplus
            else:
                log_weight = 1 + (pos_weight - 1) * label
                loss = pred - pred * label + log_weight * (softplus + _npx.relu(-pred))
        else:
            eps = 1e-12
            if pos_weight is None:
                loss = -(_np.log(pred + eps) * label + _np.log(1.0 - pred + eps) * (1.0 - label))
            else:
                loss = -(_np.log(pred + eps) * label * pos_weight + _np.log(1.0 - pred + eps) * (1.0 - label))
        return _batch_mean(self._weighted(loss, sample_weight), self._batch_axis)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class HuberLoss(Loss):
    """``|d| - rho/2`` where ``|d| > rho``, else ``d**2 / (2*rho)`` (``d = pred - label``)."""

    def __init__(self, rho=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def forward(self, pred, label, sample_weight=None):
        d = _np.abs(_reshape_like(label, pred) - pred)
        loss = _np.where(d > self._rho, d - 0.5 * self._rho, (0.5 / self._rho) * d * d)
        return _batch_mean(self._weighted(loss, sample_weight), self._batch_axis)


class HingeLoss(Loss):
    """``max(0, margin - pred*label)`` for labels in {-1, 1}."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def forward(self, pred, label, sample_weight=None):
        loss = _npx.relu(self._margin - pred * _reshape_like(label, pred))
        return _batch_mean(self._weighted(loss, sample_weight), self._batch_axis)


class SquaredHingeLoss(HingeLoss):
    """``max(0, margin - pred*label)**2``."""

    def forward(self, pred, label, sample_weight=None):
        h = _npx.relu(self._margin - pred * _reshape_like(label, pred))
        return _batch_mean(self._weighted(h * h, sample_weight), self._batch_axis)


class LogisticLoss(Loss):
    """``log(1 + exp(-pred*label))`` for 'signed' labels in {-1, 1} ('binary': {0, 1})."""

    def __init__(self, weight=None, batch_axis=0, label_format="signed", **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        if label_format not in ("signed", "binary"):
            raise ValueError(f"label_format can only be signed or binary, received {label_format}.")
        self._label_format = label_format

    def forward(self, pred, label, sample_weight=None):
        label = _reshape_like(label, pred)
        if self._label_format == "binary":
            label = 2 * label - 1
        z = -pred * label
        loss = _npx.relu(z) + _np.log1p(_np.exp(-_np.abs(z)))
        return _batch_mean(self._weighted(loss, sample_weight), self._batch_axis)


class KLDivLoss(Loss):
    """``label * (log(label) - log_pred)`` summed per example (MXNet sums here, unlike the
    other losses); ``from_logits=False`` applies log-softmax to ``pred``."""

    def __init__(self, from_logits=True, axis=-1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def forward(self, pred, label, sample_weight=None):
        if not self._from_logits:
            pred = _npx.log_softmax(pred, axis=self._axis)
        loss = label * (_np.log(label + 1e-12) - pred)
        return _batch_mean(self._weighted(loss, sample_weight), self._batch_axis, "sum")


def _as_np(x):
    """A numpy-mode view of ``x`` (free for a legacy NDArray; autograd sees through it)."""
    return None if x is None else _np.asarray(x)


class CTCLoss(Loss):
    """Connectionist temporal classification loss (Graves et al., 2006) of unnormalized
    scores ``pred`` against label sequences, one value per example.

    ``layout`` is ``pred``'s ('NTC' or 'TNC': batch, time, alphabet) and ``label_layout`` the
    labels' ('NT' or 'TN'). The last channel of the alphabet is the blank, so labels hold
    symbols ``0..alphabet_size-2``, padded at the end with -1; ``pred_lengths`` and
    ``label_lengths`` (shape ``(batch,)``) give per-example lengths instead. As in MXNet, a label
    that cannot fit its time steps gets a loss of 0. A symbol outside the alphabet, the blank
    inside a label, non-integer labels or lengths, and lengths past their axis raise a
    ValueError here (MXNet reads garbage, rounds, or crashes); bad layouts raise ValueError
    where MXNet asserts.

    >>> from deepblocks import np
    >>> ctc = CTCLoss()
    >>> ctc
    CTCLoss(batch_axis=0, w=None)
    >>> # uniform scores: 5 of the 4**3 paths spell "1 0", 6 spell "2"
    >>> ctc(np.zeros((2, 3, 4)), np.array([[1, 0], [2, -1]])).round(4)
    array([2.5494, 2.3671])
    """

    def __init__(self, layout="NTC", label_layout="NT", weight=None, **kwargs):
        if layout not in ("NTC", "TNC"):
            raise ValueError(f"Only 'NTC' and 'TNC' layouts for pred are supported. Got: {layout}")
        if label_layout not in ("NT", "TN"):
            raise ValueError(f"Only 'NT' and 'TN' layouts for label are supported. Got: {label_layout}")
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find("N"), **kwargs)

    def forward(self, pred, label, pred_lengths=None, label_lengths=None, sample_weight=None):
        data = _as_np(pred)
        if self._layout == "NTC":
            if data.ndim != 3:
                raise ValueError(f"pred must be 3-d with layout NTC (batch, time, alphabet), got shape {data.shape}")
            data = _np.swapaxes(data, 0, 1)
        if self._batch_axis == 1:
            label = _np.swapaxes(_as_np(label), 0, 1)
        loss = _ctc_loss(data, label, pred_lengths, label_lengths, use_data_lengths=pred_lengths is not None,
                         use_label_lengths=label_lengths is not None, blank_label="last")
        return _like(self._weighted(loss, _as_np(sample_weight)), pred)


class TripletLoss(Loss):
    """``max(0, sum((positive - pred)**2) - sum((negative - pred)**2) + margin)`` per example,
    the sums over every axis but ``batch_axis``; ``positive`` and ``negative`` are reshaped
    like ``pred``. As in MXNet it takes no ``sample_weight``.

    >>> from deepblocks import np
    >>> TripletLoss(margin=1)(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[0.0, 3.0]]))
    array([0.])
    >>> TripletLoss(margin=1)(np.array([[0.0, 0.0]]), np.array([[1.0, 1.0]]), np.array([[1.0, 0.0]]))
    array([2.])
    """

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def forward(self, pred, positive, negative):
        x = _as_np(pred)
        gap = _np.square(_reshape_like(_as_np(positive), x) - x) - _np.square(_reshape_like(_as_np(negative), x) - x)
        loss = _npx.relu(_batch_mean(gap, self._batch_axis, "sum") + self._margin)
        return _like(self._weighted(loss, None), pred)


class PoissonNLLLoss(Loss):
    """Negative log-likelihood of counts ``target`` under a Poisson law with rate ``exp(pred)``
    (``from_logits=True``, the default) or ``pred``: ``exp(pred) - target*pred``, or
    ``pred - target*log(pred + epsilon)``. ``compute_full`` adds Stirling's approximation of
    ``log(target!)`` for targets above 1. As in MXNet the answer is the mean over every
    element (shape ``()`` in numpy mode, ``(1,)`` for NDArrays), and ``epsilon`` is an argument
    of the call.

    With ``compute_full``, MXNet 1.9.1 answers NaN as soon as a target is 0 (``0*log(0)``
    leaks through its mask) and fails under ``autograd.record()``; deepblocks leaves the term
    out for targets up to 1, as the formula says, and records.

    >>> from deepblocks import np
    >>> PoissonNLLLoss()(np.array([[0.0, 1.0]]), np.array([[1.0, 2.0]])).round(4)
    array(0.8591)
    """

    def __init__(self, weight=None, from_logits=True, batch_axis=0, compute_full=False, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def forward(self, pred, target, sample_weight=None, epsilon=1e-08):
        x = _as_np(pred)
        target = _reshape_like(_as_np(target), x)
        if self._from_logits:
            loss = _np.exp(x) - target * x
        else:
            loss = x - target * _np.log(x + epsilon)
        if self._compute_full:
            big = target > 1
            # Evaluated on a safe copy so that the masked-out entries give no NaN (nor NaN gradient).
            t = _np.where(big, target, 2.0)
            stirling = t * _np.log(t) - t + 0.5 * _np.log(2 * math.pi * t)
            loss = loss + _np.where(big, stirling, 0.0)
        loss = self._weighted(loss, _as_np(sample_weight)).mean()
        legacy = _like(loss, pred)
        # Legacy NDArrays have no 0-d arrays: the full mean is (1,), as in MXNet.
        return loss if legacy is loss else legacy.reshape((1,))


class CosineEmbeddingLoss(Loss):
    """For labels 1, ``1 - cos(input1, input2)``; for labels -1, ``max(0, cos - margin)``; 0
    for any other label. The cosine is taken along the last axis (``input1`` is reshaped like
    ``input2``) with its denominator kept at least 1e-12, and the answer is a
    ``(rows, 1)`` column as in MXNet (a 1-d ``sample_weight`` broadcasts against it).

    >>> from deepblocks import np
    >>> x, y = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 1.0]])
    >>> CosineEmbeddingLoss()(x, y, np.array([1, -1])).round(4)
    array([[0.2929],
           [0.7071]])
    """

    def __init__(self, weight=None, batch_axis=0, margin=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def forward(self, input1, input2, label, sample_weight=None):
        y = _as_np(input2)
        x = _reshape_like(_as_np(input1), y)
        label = _as_np(label).reshape((-1, 1))
        norms = _np.sqrt((x * x).sum(axis=-1)) * _np.sqrt((y * y).sum(axis=-1))
        cos = ((x * y).sum(axis=-1) / _np.maximum(norms, 1e-12)).reshape((-1, 1))
        loss = _np.where(label == 1, 1 - cos, 0.0) + _np.where(label == -1, _npx.relu(cos - self._margin), 0.0)
        return _like(self._weighted(loss, _as_np(sample_weight)), input1)


class SDMLLoss(Loss):
    """Smoothed deep metric learning loss (Bonadiman et al., 2019) for two aligned batches of
    vectors ``x1``, ``x2`` of shape ``(batch, dim)``: row ``i`` of ``x2`` is the positive for row
    ``i`` of ``x1`` and every other row a negative. The softmax of minus the squared distances
    is compared by ``KLDivLoss`` with the identity smoothed by ``smoothing_parameter``; one value
    per example.

    As in MXNet 1.9.1, ``weight`` is shown in the repr but not applied. A batch of one (MXNet:
    NaN) or inputs of other shapes raise a ValueError.

    >>> from deepblocks import np
    >>> x = np.array([[0.0, 0.0], [3.0, 0.0]])
    >>> SDMLLoss()(x, x).round(4)
    array([2.0893, 2.0893])
    """

    def __init__(self, smoothing_parameter=0.3, weight=1.0, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def forward(self, x1, x2):
        a, b = _as_np(x1), _as_np(x2)
        if a.ndim != 2 or a.shape != b.shape:
            raise ValueError(f"x1 and x2 must be batches of vectors of one shape (batch, dim), got {a.shape} and "
                             f"{b.shape}")
        n = a.shape[0]
        if n < 2:
            raise ValueError(f"a batch of at least 2 pairs is needed (the other rows are the negatives), got {n}")
        distances = _np.square(a.reshape(n, 1, -1) - b.reshape(1, n, -1)).sum(axis=2)
        gold = _np.eye(n, dtype=a.dtype, ctx=a.ctx)
        smooth = self.smoothing_parameter
        labels = gold * (1 - smooth) + (1 - gold) * (smooth / (n - 1))
        return _like(self.kl_loss(_npx.log_softmax(-distances, axis=1), labels), x1)

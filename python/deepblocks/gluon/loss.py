"""``gluon.loss``: losses as Blocks. Each returns one value per example (the mean over every
axis but ``batch_axis``), optionally scaled by ``weight`` and a per-example ``sample_weight``.

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

from .. import numpy as _np
from .. import numpy_extension as _npx
from .block import HybridBlock

__all__ = ["Loss", "L2Loss", "L1Loss", "SoftmaxCrossEntropyLoss", "SoftmaxCELoss", "SigmoidBinaryCrossEntropyLoss",
           "SigmoidBCELoss", "HuberLoss", "HingeLoss", "SquaredHingeLoss", "LogisticLoss", "KLDivLoss"]


def _reshape_like(label, pred):
    if label.shape == pred.shape:
        return label
    if label.size != pred.size:
        raise ValueError(f"loss: label shape {label.shape} does not match prediction shape {pred.shape}")
    return label.reshape(pred.shape)


def _like(out, pred):
    """npx operators answer with np arrays: a legacy-mode prediction gets an NDArray back."""
    from ..ndarray import NDArray
    return NDArray(out) if isinstance(pred, NDArray) and not isinstance(out, NDArray) else out


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
    already holds log-probabilities."""

    def __init__(self, axis=-1, sparse_label=True, from_logits=False, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def forward(self, pred, label, sample_weight=None):
        logp = pred if self._from_logits else _npx.log_softmax(pred, axis=self._axis)
        if self._sparse_label:
            if label.ndim == pred.ndim and label.shape[self._axis] == 1:
                label = label.squeeze(axis=self._axis)
            loss = -_npx.pick(logp, label, axis=self._axis, keepdims=True)
        else:
            loss = -(logp * _reshape_like(label, logp)).sum(axis=self._axis, keepdims=True)
        return _like(_batch_mean(self._weighted(loss, sample_weight), self._batch_axis), pred)


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

"""Connectionist temporal classification: the loss behind MXNet's ``CTCLoss`` operator
(``nd.CTCLoss``, ``nd.ctc_loss``) and ``gluon.loss.CTCLoss``.

The forward (alpha) recursion of Graves et al. (2006) runs in log space over the label
sequence with a blank between and around its symbols, one time step at a time and vectorized
over the batch and every label position, in differentiable array operations: autograd gives
the gradient, which is MXNet's ``softmax(data) - posterior`` per time step.

>>> from deepblocks import np
>>> from deepblocks.numpy_extension.ctc import ctc_loss
>>> data = np.zeros((2, 1, 3))                      # T=2 steps, batch 1, alphabet {0, 1, blank}
>>> float(ctc_loss(data, np.array([[0, -1]]), blank_label="last")[0])   # 3 of the 9 paths give "0"
1.0986123085021973
"""

import numpy as _onp

from .. import autograd as _autograd
from .. import numpy as _np
from .nn import log_softmax

__all__ = ["ctc_loss"]

# "log 0" stays finite, so that a max-shifted log-sum-exp never meets inf - inf (and never a
# NaN gradient); sums of a few of these stay far inside the float32 range.
_LOG_ZERO = -1e30


def _host(x, what):
    """A small integer-valued input (labels, lengths) as a float64 NumPy array."""
    arr = x.asnumpy() if hasattr(x, "asnumpy") else _onp.asarray(x)
    arr = _onp.asarray(arr, dtype="float64")
    bad = ~(_onp.isfinite(arr) & (arr == _onp.round(arr)))
    if bad.any():
        where = tuple(int(i) for i in _onp.argwhere(bad)[0])
        raise ValueError(f"ctc_loss: {what} must hold integers, got {arr[where]!r} at index {where} "
                         "(MXNet rounds it to the nearest integer; deepblocks asks for the integer)")
    return arr


def _lengths(x, what, batch, limit):
    n = _host(x, what)
    if n.shape != (batch,):
        raise ValueError(f"ctc_loss: {what} must have shape ({batch},) (one length per example), got {n.shape}")
    bad = (n < 0) | (n > limit)
    if bad.any():
        i = int(_onp.argmax(bad))
        raise ValueError(f"ctc_loss: {what}[{i}] = {int(n[i])} is outside [0, {limit}]")
    return n.astype("int64")


def _label_plan(label, batch, classes, label_lengths, use_label_lengths, blank_label):
    """Host-side bookkeeping on the labels: each example's length and symbols, with MXNet's
    padding rule (the first padding value ends a label unless ``label_lengths`` says)."""
    lab = _host(label, "label")
    if lab.ndim != 2:
        raise ValueError(f"ctc_loss: label must be 2-d (batch, label_length), got shape {lab.shape}")
    if lab.shape[0] != batch:
        raise ValueError(f"ctc_loss: label has batch size {lab.shape[0]} but data has {batch} "
                         f"(label shape {lab.shape})")
    width = lab.shape[1]
    first = blank_label == "first"
    blank = 0 if first else classes - 1
    if use_label_lengths:
        if label_lengths is None:
            raise ValueError("ctc_loss: use_label_lengths=True needs label_lengths")
        lengths = _lengths(label_lengths, "label_lengths", batch, width)
    else:
        # Appending one padding column makes argmax find the first padding value, or the width.
        pad_value = 0 if first else -1
        pad = _onp.concatenate([lab, _onp.full((batch, 1), pad_value)], axis=1) == pad_value
        lengths = pad.argmax(axis=1).astype("int64")
    inside = _onp.arange(width) < lengths[:, None]
    low, high = (1, classes - 1) if first else (0, classes - 2)
    bad = inside & ((lab < low) | (lab > high))
    if bad.any():
        b, k = (int(i) for i in _onp.argwhere(bad)[0])
        v = int(lab[b, k])
        why = "the blank label" if v == blank else "out of range"
        raise ValueError(f"ctc_loss: label[{b}, {k}] = {v} is {why}: with blank_label={blank_label!r} and "
                         f"alphabet size {classes}, symbols are {low}..{high} and the blank is {blank}")
    lab = _onp.where(inside, lab, blank).astype("int64")
    repeats = ((lab[:, 1:] == lab[:, :-1]) & inside[:, 1:]).sum(axis=1)
    return lab, lengths, repeats, blank


def ctc_loss(data, label, data_lengths=None, label_lengths=None, use_data_lengths=False, use_label_lengths=False,
             blank_label="first"):
    """The CTC loss ``-log p(label | data)`` of each example, with MXNet's operator signature.

    ``data`` is ``(T, batch, alphabet_size)`` unnormalized scores (softmax is applied here);
    ``label`` is ``(batch, label_length)``. With ``blank_label='first'`` (MXNet's default for the
    operator) channel 0 is the blank, symbols are ``1..alphabet_size-1`` and labels are padded
    with 0; with ``'last'`` (Gluon's ``CTCLoss``) the blank is ``alphabet_size-1``, symbols are
    ``0..alphabet_size-2`` and the padding is -1. ``use_data_lengths`` / ``use_label_lengths``
    take per-example lengths from ``data_lengths`` / ``label_lengths``; steps past an example's
    length get no loss and no gradient.

    As in MXNet, an example whose label cannot be aligned in its time steps (fewer steps than
    symbols plus repeated neighbours) gets a loss of 0 (and here a zero gradient; MXNet's is
    undefined there). Unlike MXNet, which computes on garbage or crashes, deepblocks raises a
    ValueError for a symbol outside the alphabet or equal to the blank, a non-integer label or
    length, and a length outside its axis.

    >>> from deepblocks import np
    >>> data = np.zeros((3, 2, 3))
    >>> ctc_loss(data, np.array([[1, 2], [1, 1]])).round(4)      # blank first; "11" needs 3 steps
    array([1.6864, 3.2958])
    """
    if blank_label not in ("first", "last"):
        raise ValueError(f"ctc_loss: blank_label must be 'first' or 'last', got {blank_label!r}")
    data = _np.asarray(data)
    if data.ndim != 3:
        raise ValueError(f"ctc_loss: data must be 3-d (sequence_length, batch, alphabet_size), got shape {data.shape}")
    steps, batch, classes = data.shape
    if classes < 1:
        raise ValueError(f"ctc_loss: the alphabet needs at least the blank channel, got data shape {data.shape}")
    lab, lengths, repeats, blank = _label_plan(label, batch, classes, label_lengths, use_label_lengths, blank_label)
    width = lab.shape[1]
    if width > steps:
        raise ValueError(f"ctc_loss: the label length {width} exceeds the sequence length {steps} of the data "
                         f"(data shape {data.shape}, label shape {lab.shape})")
    if use_data_lengths:
        if data_lengths is None:
            raise ValueError("ctc_loss: use_data_lengths=True needs data_lengths")
        steps_of = _lengths(data_lengths, "data_lengths", batch, steps)
    else:
        steps_of = _onp.full(batch, steps, dtype="int64")
    # An infeasible alignment (and an example without steps) is a loss of 0, as in MXNet.
    zero = (lengths + repeats > steps_of) | (steps_of == 0)
    if steps == 0 or batch == 0:
        return data.sum(axis=(0, 2))
    return _alpha_recursion(data, lab, lengths, steps_of, zero, blank)


def _alpha_recursion(data, lab, lengths, steps_of, zero, blank):
    steps, batch, classes = data.shape
    width = lab.shape[1]
    states = 2 * width + 1
    dtype, ctx = data.dtype, data.ctx

    def const(a):
        return _np.array(a, dtype=dtype, ctx=ctx)

    # Extended labels: blank, l1, blank, l2, ..., blank; a state may skip the blank before it
    # when its symbol differs from the one two states back.
    ext = _onp.full((batch, states), blank, dtype="int64")
    ext[:, 1::2] = lab
    skip = _onp.zeros((batch, states), dtype=bool)
    skip[:, 3::2] = lab[:, 1:] != lab[:, :-1]
    gather = ext + _onp.arange(batch)[:, None] * classes
    logp = log_softmax(data, axis=-1).reshape(steps, batch * classes)
    emit = _np.take(logp, _np.array(gather.reshape(-1), dtype="int64", ctx=ctx), axis=1).reshape(steps, batch, states)
    skip_pen = const(_onp.where(skip, 0.0, _LOG_ZERO))
    alpha = emit[0] + const(_onp.where(_onp.arange(states) < 2, 0.0, _LOG_ZERO))
    left = _np.full((batch, 2), _LOG_ZERO, dtype=dtype, ctx=ctx)
    running = None
    if (steps_of < steps).any():
        running = _np.array((_onp.arange(steps)[:, None] < steps_of[None, :])[:, :, None], ctx=ctx)
    for t in range(1, steps):
        shifted = _np.concatenate([left, alpha], axis=1)
        paths = _np.stack([alpha, shifted[:, 1:-1], shifted[:, :-2] + skip_pen])
        with _autograd.pause():
            # The shift cancels in the gradient, so it need not be recorded.
            top = paths.max(axis=0)
        step = _np.log(_np.exp(paths - top).sum(axis=0)) + top + emit[t]
        alpha = step if running is None else _np.where(running[t], step, alpha)
    # A label ends in its last symbol or in the blank after it (an empty one only in a blank).
    ends = _onp.stack([2 * lengths, _onp.maximum(2 * lengths - 1, 0)], axis=1) + _onp.arange(batch)[:, None] * states
    ends_pen = const(_onp.where(_onp.arange(2)[None, :] < _onp.where(lengths > 0, 2, 1)[:, None], 0.0, _LOG_ZERO))
    final = _np.take(alpha.reshape(-1), _np.array(ends.reshape(-1), dtype="int64", ctx=ctx)).reshape(batch, 2)
    final = final + ends_pen
    with _autograd.pause():
        top = final.max(axis=1)
    loss = -(_np.log(_np.exp(final - top.reshape(batch, 1)).sum(axis=1)) + top)
    if zero.any():
        loss = _np.where(_np.array(zero, ctx=ctx), const(0.0), loss)
    return loss

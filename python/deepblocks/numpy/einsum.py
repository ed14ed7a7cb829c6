"""``np.einsum`` and ``np.tensordot``: Einstein summation as batched matrix products.

``einsum`` parses NumPy's subscript grammar (explicit ``->`` or implicit output, ``...`` for
broadcast axes, a label repeated within an operand for its diagonal), takes diagonals and
sums out the labels one operand alone carries, then contracts the operands two at a time,
the pair with the smallest result first (greedy). Each contraction is one transpose and
reshape per operand and one batched matrix product, so attention-style subscripts
(``'bqd,bkd->bqk'``, ``'bhqk,bhkd->bhqd'``) become single GEMMs. Everything is made of
engine operations, so results are differentiable and stay on the operands' device.

>>> from deepblocks import np
>>> a, b = np.arange(6).reshape(2, 3), np.ones((3, 2))
>>> np.einsum('ij,jk->ik', a, b)
array([[ 3.,  3.],
       [12., 12.]])
>>> np.einsum('ii', np.eye(3))
array(3.)
>>> np.tensordot(a, b, axes=1)
array([[ 3.,  3.],
       [12., 12.]])
"""

import numpy as _onp

from .. import _core

__all__ = ["einsum", "tensordot"]

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def einsum(subscripts, *operands, out=None, optimize=False):
    """Evaluates the Einstein summation ``subscripts`` on ``operands``, as ``numpy.einsum``.

    ``optimize`` is accepted for compatibility: the contraction order is always greedy.
    The result has NumPy's dtype for the operands (integer sums wrap in that dtype).

    >>> from deepblocks import np
    >>> q, k = np.ones((2, 3, 4)), np.ones((2, 5, 4))
    >>> np.einsum('bqd,bkd->bqk', q, k).shape
    (2, 3, 5)
    >>> np.einsum('i,i', np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    array(11.)
    >>> np.einsum('...ij->...ji', np.ones((5, 2, 3))).shape
    (5, 3, 2)
    """
    if out is not None:
        raise TypeError("einsum: the out= argument is not supported; assign the result instead")
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    if not operands:
        raise ValueError("einsum: at least one operand is needed")
    arrays = [_core.array(a, None, None, None, False) for a in operands]
    dtype = _onp.result_type(*(_onp.dtype(a.dtype) for a in arrays))
    inputs, output = _parse(subscripts, [a.shape for a in arrays])
    sizes = _label_sizes(subscripts, inputs, arrays)
    terms = [_diagonals(subscripts, a, labels) for a, labels in zip(arrays, inputs)]
    while True:
        terms = [_sum_unneeded(t, i, terms, output) for i, t in enumerate(terms)]
        if len(terms) == 1:
            break
        i, j = _cheapest_pair(terms, output, sizes)
        rest = [t for n, t in enumerate(terms) if n not in (i, j)]
        terms = rest + [_contract(terms[i], terms[j], _needed(rest, output), sizes)]
    x, labels = terms[0]
    result = x.transpose([labels.index(c) for c in output]) if labels != output else x
    return result.astype(dtype, copy=False)


# ---- parsing --------------------------------------------------------------------------------------


def _parse(subscripts, shapes):
    """The labels of each operand and of the output, as tuples. Letters stay themselves;
    the axes under ``...`` get the labels ``0, 1, ...`` counted from the right, so that
    they broadcast as NumPy's do."""
    spec = subscripts.replace(" ", "")
    if spec.count("->") > 1:
        raise ValueError(f"einsum: subscripts {subscripts!r} hold more than one '->'")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(terms)} operand(s) but {len(shapes)} were "
                         f"given (shapes {', '.join(str(s) for s in shapes)})")
    inputs, broadcast = [], 0
    for n, (term, shape) in enumerate(zip(terms, shapes)):
        letters, ellipsis = _split_ellipsis(subscripts, term, f"operand {n}")
        extra = len(shape) - len(letters)
        if extra < 0 or (extra > 0 and ellipsis is None):
            raise ValueError(f"einsum: operand {n} has shape {shape} ({len(shape)} axes) but its subscripts "
                             f"{term!r} in {subscripts!r} name {len(letters)}")
        labels = list(letters)
        if ellipsis is not None:
            labels[ellipsis:ellipsis] = range(extra - 1, -1, -1)
        broadcast = max(broadcast, extra)
        inputs.append(tuple(labels))
    if arrow:
        letters, ellipsis = _split_ellipsis(subscripts, rhs, "the output")
        for c in letters:
            if letters.count(c) > 1:
                raise ValueError(f"einsum: the output subscripts of {subscripts!r} repeat {c!r}")
            if not any(c in labels for labels in inputs):
                raise ValueError(f"einsum: the output subscript {c!r} of {subscripts!r} is in no operand")
        if broadcast and ellipsis is None:
            raise ValueError(f"einsum: the operands of {subscripts!r} have {broadcast} axes under '...', so the "
                             f"output needs '...' too (shapes {', '.join(str(s) for s in shapes)})")
        output = list(letters)
        if ellipsis is not None:
            output[ellipsis:ellipsis] = range(broadcast - 1, -1, -1)
    else:
        # Implicit output: the broadcast axes, then the letters seen once, in alphabetical order.
        counts = {}
        for labels in inputs:
            for c in labels:
                counts[c] = counts.get(c, 0) + 1
        output = list(range(broadcast - 1, -1, -1)) + sorted(c for c, k in counts.items() if k == 1 and isinstance(c, str))
    return inputs, tuple(output)


def _split_ellipsis(subscripts, term, what):
    """The letters of one term and the position of its ``...`` (None without one)."""
    ellipsis = None
    if "." in term:
        if term.count("...") != 1 or term.count(".") != 3:
            raise ValueError(f"einsum: {what} in {subscripts!r} has a '.' that is not one '...' ellipsis")
        ellipsis = term.index("...")
        term = term.replace("...", "")
    for c in term:
        if c not in _LETTERS:
            raise ValueError(f"einsum: invalid subscript {c!r} in {subscripts!r}: subscripts must be letters")
    return term, ellipsis


def _label_sizes(subscripts, inputs, arrays):
    """The size of every label; sizes of one label must agree, or be 1 (broadcast)."""
    sizes = {}
    for n, (labels, a) in enumerate(zip(inputs, arrays)):
        for c, d in zip(labels, a.shape):
            seen = sizes.get(c, 1)
            if d != seen and 1 not in (d, seen):
                name = "'...'" if isinstance(c, int) else repr(c)
                raise ValueError(f"einsum: subscript {name} of {subscripts!r} has size {seen} in one operand and "
                                 f"{d} in operand {n} (shapes {', '.join(str(x.shape) for x in arrays)})")
            sizes[c] = seen if d == 1 else d
    return sizes


# ---- the steps ------------------------------------------------------------------------------------


def _diagonals(subscripts, x, labels):
    """``(x, labels)`` with each label repeated within the operand reduced to its diagonal
    (a mask of the diagonal and a sum: differentiable, and no gather)."""
    labels = list(labels)
    while len(set(labels)) != len(labels):
        c = next(c for c in labels if labels.count(c) > 1)
        i = labels.index(c)
        j = labels.index(c, i + 1)
        n, m = x.shape[i], x.shape[j]
        if n != m:
            raise ValueError(f"einsum: the repeated subscript {c!r} of {subscripts!r} spans axes of sizes {n} and "
                             f"{m} in one operand (shape {x.shape})")
        shape = [1] * x.ndim
        shape[i], shape[j] = n, n
        diag = _core.eye(n, None, 0, "bool", x.ctx, None).reshape(shape)
        x = _core.where_(diag, x, _core.full((), 0, x.dtype, x.ctx, None)).sum(axis=j)
        del labels[j]
    return x, tuple(labels)


def _needed(terms, output):
    """The labels that the output or any of ``terms`` carries."""
    need = set(output)
    for _, labels in terms:
        need.update(labels)
    return need


def _sum_unneeded(term, i, terms, output):
    """Sums out the axes whose labels no other term and not the output carries."""
    x, labels = term
    need = _needed([t for n, t in enumerate(terms) if n != i], output)
    axes = tuple(n for n, c in enumerate(labels) if c not in need)
    if not axes:
        return term
    return x.sum(axis=axes), tuple(c for c in labels if c in need)


def _cheapest_pair(terms, output, sizes):
    """The pair of terms whose contraction grows the data least (result size minus input sizes)."""
    best = None
    for i in range(len(terms)):
        for j in range(i + 1, len(terms)):
            keep = _needed([t for n, t in enumerate(terms) if n not in (i, j)], output)
            result = _size(set(terms[i][1]) | set(terms[j][1]), keep, sizes)
            cost = result - _size(terms[i][1], None, sizes) - _size(terms[j][1], None, sizes)
            if best is None or cost < best[0]:
                best = (cost, i, j)
    return best[1], best[2]


def _size(labels, keep, sizes):
    n = 1
    for c in labels:
        if keep is None or c in keep:
            n *= sizes[c]
    return n


def _contract(a_term, b_term, keep, sizes):
    """The product of two terms summed over their shared labels that ``keep`` lacks: one
    matrix product of ``(*batch, m, k) @ (*batch, k, n)`` views."""
    (a, la), (b, lb) = a_term, b_term
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    a_only = [c for c in la if c not in lb]
    b_only = [c for c in lb if c not in la]
    a = _arrange(a, la, batch + a_only + summed, sizes, len(batch), len(a_only))
    b = _arrange(b, lb, batch + summed + b_only, sizes, len(batch), len(summed))
    out = _core.matmul(a, b)
    shape = tuple(sizes[c] for c in batch + a_only + b_only)
    return (out if out.shape == shape else out.reshape(shape)), tuple(batch + a_only + b_only)


def _arrange(x, labels, order, sizes, nbatch, nrows):
    """``x`` transposed to ``order``, broadcast to the full label sizes, and grouped into
    ``(*batch, rows, cols)``. Reshapes only where the rows or the columns hold several labels,
    so that simple cases (attention's ``'bhqd,bhkd->bhqk'``) stay strided views which the
    matrix product reads without a copy."""
    perm = [labels.index(c) for c in order]
    if perm != list(range(len(perm))):
        x = x.transpose(perm)
    full = tuple(sizes[c] for c in order)
    if x.shape != full:
        x = x.broadcast_to(full)
    # The batch labels stay separate axes (matmul takes any number of them): merging them
    # would copy a transposed operand, whose batch axes need not merge into one stride.
    shape = full[:nbatch] + (_size(order[nbatch:nbatch + nrows], None, sizes), _size(order[nbatch + nrows:], None, sizes))
    return x if x.shape == shape else x.reshape(shape)


# ---- tensordot -------------------------------------------------------------------------------------


def tensordot(a, b, axes=2):
    """Sum of products over ``axes``, as ``numpy.tensordot``: an int ``N`` pairs the last
    ``N`` axes of ``a`` with the first ``N`` of ``b``; a pair of sequences names them.
    One matrix product of the two operands reshaped to 2-D.

    >>> from deepblocks import np
    >>> np.tensordot(np.ones((2, 3, 4)), np.ones((4, 3, 5)), axes=([1, 2], [1, 0])).shape
    (2, 5)
    """
    a = _core.array(a, None, None, None, False)
    b = _core.array(b, None, None, None, False)
    axes_a, axes_b = _tensordot_axes(a, b, axes)
    free_a = [n for n in range(a.ndim) if n not in axes_a]
    free_b = [n for n in range(b.ndim) if n not in axes_b]
    k = 1
    for n in axes_a:
        k *= a.shape[n]
    rows = tuple(a.shape[n] for n in free_a)
    cols = tuple(b.shape[n] for n in free_b)
    m, n = _onp.prod(rows, dtype="int64"), _onp.prod(cols, dtype="int64")
    a2 = a.transpose(free_a + axes_a).reshape(int(m), k)
    b2 = b.transpose(axes_b + free_b).reshape(k, int(n))
    return _core.matmul(a2, b2).reshape(rows + cols)


def _tensordot_axes(a, b, axes):
    """The summed axes of ``a`` and ``b`` as lists of non-negative ints, checked."""
    if isinstance(axes, (int, _onp.integer)) and not isinstance(axes, bool):
        if axes < 0 or axes > min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} must be in [0, {min(a.ndim, b.ndim)}] for shapes "
                             f"{a.shape} and {b.shape}")
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        try:
            axes_a, axes_b = axes
        except (TypeError, ValueError):
            raise ValueError(f"tensordot: axes must be an int or a pair of axis sequences, got {axes!r}") from None
        axes_a = [axes_a] if isinstance(axes_a, (int, _onp.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, _onp.integer)) else list(axes_b)
        if len(axes_a) != len(axes_b):
            raise ValueError(f"tensordot: axes {axes!r} pair {len(axes_a)} axes of a with {len(axes_b)} of b")
        for name, x, ax in (("a", a, axes_a), ("b", b, axes_b)):
            for n in ax:
                if not -x.ndim <= n < x.ndim:
                    raise ValueError(f"tensordot: axis {n} is out of range for {name} of shape {x.shape}")
        axes_a = [n % a.ndim for n in axes_a]
        axes_b = [n % b.ndim for n in axes_b]
        if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
            raise ValueError(f"tensordot: axes {axes!r} repeat an axis")
    for i, j in zip(axes_a, axes_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: shape-mismatch for sum: axis {i} of a (shape {a.shape}) has size "
                             f"{a.shape[i]} but axis {j} of b (shape {b.shape}) has size {b.shape[j]}")
    return axes_a, axes_b

"""Coordinate grids: ``np.meshgrid``.

>>> from deepblocks import np
>>> xx, yy = np.meshgrid(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0]))
>>> xx
array([[1., 2., 3.],
       [1., 2., 3.]])
>>> yy.shape
(2, 3)
"""

__all__ = ["meshgrid"]


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from coordinate vectors, as NumPy's ``meshgrid``: with ``n`` vectors
    of lengths ``l1 .. ln`` each result has shape ``(l2, l1, l3, ..)`` ('xy', Cartesian
    indexing, the default) or ``(l1, .., ln)`` ('ij', matrix indexing). ``sparse`` keeps
    length-1 axes instead of broadcasting; ``copy=False`` returns broadcast views. Returns a
    list, as MXNet does. Differentiable (the results are reshapes and broadcasts)."""
    from . import asarray, broadcast_arrays
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    n = len(xi)
    vectors = [asarray(x).reshape(-1) for x in xi]

    def axis_of(i):
        # Cartesian indexing swaps the roles of the first two axes.
        if indexing == "xy" and n > 1 and i < 2:
            return 1 - i
        return i

    grids = []
    for i, v in enumerate(vectors):
        shape = [1] * n
        shape[axis_of(i)] = v.shape[0]
        grids.append(v.reshape(tuple(shape)))
    if not sparse:
        grids = list(broadcast_arrays(*grids))
    if copy:
        grids = [g.copy() for g in grids]
    return list(grids)

"""Plain-NumPy references for the sliding-window operations, written from their definitions
(not from the engine's algorithms): convolution and transposed convolution as loops over
kernel offsets with strided slices, pooling as a loop over output windows following MXNet's
CPU code (its window clipping and divisors), batch normalization. All compute in float64 and
take channels-last data when asked.

>>> import numpy
>>> x = numpy.arange(16.0).reshape(1, 1, 4, 4)
>>> convolution(x, numpy.ones((1, 1, 2, 2)), stride=(2, 2))[0, 0]
array([[10., 18.],
       [42., 50.]])
"""

import numpy as onp

__all__ = ["convolution", "deconvolution", "pooling", "batch_norm", "conv_out", "deconv_out", "pool_out",
           "pool_windows_reach_data"]


def _first(a, last):
    """Channels (the last axis) moved to axis 1."""
    return onp.moveaxis(a, -1, 1) if last else a


def _restore(a, last):
    return onp.moveaxis(a, 1, -1) if last else a


def _tuple(v, d, default):
    if v is None:
        return (default,) * d
    return (v,) * d if isinstance(v, int) else tuple(v)


def conv_out(n, k, s, dl, p):
    return (n + 2 * p - dl * (k - 1) - 1) // s + 1


def deconv_out(n, k, s, dl, p, a):
    return (n - 1) * s - 2 * p + dl * (k - 1) + 1 + a


def pool_out(n, k, s, p, full):
    extra = n + 2 * p - k
    return 1 + (-(-extra // s) if full else extra // s)


def convolution(x, w, b=None, stride=None, pad=None, dilate=None, groups=1, channels_last=False):
    """``out[n, f, o] = b[f] + sum_{c in f's group, k} xpad[n, c, o*stride + k*dilate] * w[f, c, k]``.
    Weights are ``(F, C/g, *k)``, or ``(F, *k, C/g)`` channels last."""
    x = _first(onp.asarray(x, "float64"), channels_last)
    w = _first(onp.asarray(w, "float64"), channels_last)
    d = x.ndim - 2
    stride, pad, dilate = _tuple(stride, d, 1), _tuple(pad, d, 0), _tuple(dilate, d, 1)
    n, c = x.shape[:2]
    f, kernel = w.shape[0], w.shape[2:]
    xp = onp.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    out_sp = [conv_out(*a) for a in zip(x.shape[2:], kernel, stride, dilate, pad)]
    out = onp.zeros((n, f, *out_sp))
    cg, fg = c // groups, f // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * fg:(g + 1) * fg]
        for k in onp.ndindex(*kernel):
            window = tuple(slice(ki * dl, ki * dl + (o - 1) * s + 1, s) for ki, dl, o, s in zip(k, dilate, out_sp, stride))
            patch = xs[(slice(None), slice(None)) + window]
            out[:, g * fg:(g + 1) * fg] += onp.einsum("nc...,fc->nf...", patch, ws[(slice(None), slice(None)) + k])
    if b is not None:
        out += onp.asarray(b, "float64").reshape((1, f) + (1,) * d)
    return _restore(out, channels_last)


def deconvolution(x, w, b=None, stride=None, pad=None, dilate=None, adj=None, groups=1, channels_last=False):
    """Transposed convolution by scattering: input position ``i`` with kernel offset ``k``
    adds ``x[n, c, i] * w[c, f, k]`` to output position ``i*stride + k*dilate - pad``.
    Weights are ``(C, F/g, *k)``, or ``(C, *k, F/g)`` channels last."""
    x = _first(onp.asarray(x, "float64"), channels_last)
    w = _first(onp.asarray(w, "float64"), channels_last)
    d = x.ndim - 2
    stride, pad, dilate, adj = _tuple(stride, d, 1), _tuple(pad, d, 0), _tuple(dilate, d, 1), _tuple(adj, d, 0)
    n, c = x.shape[:2]
    fg, kernel = w.shape[1], w.shape[2:]
    f, cg = fg * groups, c // groups
    sizes = x.shape[2:]
    out_sp = [deconv_out(*a) for a in zip(sizes, kernel, stride, dilate, pad, adj)]
    # Uncropped: output position o lives at buffer position o + pad.
    buf = onp.zeros((n, f) + tuple((i - 1) * s + dl * (k - 1) + 1 + a
                                   for i, k, s, dl, a in zip(sizes, kernel, stride, dilate, adj)))
    for g in range(groups):
        xs = x[:, g * cg:(g + 1) * cg]
        ws = w[g * cg:(g + 1) * cg]
        for k in onp.ndindex(*kernel):
            window = tuple(slice(ki * dl, ki * dl + (i - 1) * s + 1, s) for ki, dl, i, s in zip(k, dilate, sizes, stride))
            buf[(slice(None), slice(g * fg, (g + 1) * fg)) + window] += onp.einsum(
                "nc...,cf->nf...", xs, ws[(slice(None), slice(None)) + k])
    out = buf[(slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(pad, out_sp))]
    if b is not None:
        out = out + onp.asarray(b, "float64").reshape((1, f) + (1,) * d)
    return _restore(out, channels_last)


def _windows(sizes, kernel, stride, pad, full):
    """For each output position: (padded-extent size, slices of the real data) as in MXNet's
    CPU pooling: a window ends at ``min(start + kernel, n + pad)``, then is clipped to the data."""
    out_sp = [pool_out(*a, full) for a in zip(sizes, kernel, stride, pad)]
    for o in onp.ndindex(*out_sp):
        starts = [oi * s - p for oi, s, p in zip(o, stride, pad)]
        ends = [min(st + k, n + p) for st, k, n, p in zip(starts, kernel, sizes, pad)]
        padded = int(onp.prod([e - st for st, e in zip(starts, ends)]))
        window = tuple(slice(max(st, 0), min(e, n)) for st, e, n in zip(starts, ends, sizes))
        yield o, padded, window


def pool_windows_reach_data(sizes, kernel, stride, pad, full):
    """True when every window overlaps the data (MXNet leaves the others ill-defined)."""
    return all(all(s.start < s.stop for s in window) for _, _, window in _windows(sizes, kernel, stride, pad, full))


def pooling(x, kernel=None, stride=None, pad=None, pool_type="max", full=False, count_include_pad=True,
            global_pool=False, channels_last=False):
    x = _first(onp.asarray(x, "float64"), channels_last)
    d = x.ndim - 2
    sizes = x.shape[2:]
    if global_pool:
        kernel, stride, pad = sizes, (1,) * d, (0,) * d
    stride, pad = _tuple(stride, d, 1), _tuple(pad, d, 0)
    out_sp = [pool_out(*a, full) for a in zip(sizes, kernel, stride, pad)]
    out = onp.zeros(x.shape[:2] + tuple(out_sp))
    for o, padded, window in _windows(sizes, kernel, stride, pad, full):
        patch = x[(slice(None), slice(None)) + window].reshape(x.shape[:2] + (-1,))
        if pool_type == "max":
            v = patch.max(axis=-1)
        else:
            v = patch.sum(axis=-1)
            if pool_type == "avg":
                v = v / (padded if count_include_pad else patch.shape[-1])
        out[(slice(None), slice(None)) + o] = v
    return _restore(out, channels_last)


def batch_norm(x, gamma, beta, mean, var, eps, axis=1, fix_gamma=False):
    """``(x - mean) / sqrt(var + eps) * gamma + beta`` per channel ``axis``."""
    x = onp.asarray(x, "float64")
    shape = [1] * x.ndim
    shape[axis] = -1
    r = lambda v: onp.asarray(v, "float64").reshape(shape)  # noqa: E731
    g = 1.0 if fix_gamma else r(gamma)
    return (x - r(mean)) / onp.sqrt(r(var) + eps) * g + r(beta)

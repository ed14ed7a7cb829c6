"""Parameter files: writing ``{name: array}`` and loading it back into Parameters.

Files are ``npx.save`` files (safetensors: a JSON header and raw numbers, written
atomically); MXNet's own binary ``.params`` files are read by ``npx.load`` too. Loading
checks every entry first and reports all problems (missing, unexpected, wrong shape or
dtype) in one error, so a failed load changes no parameter.
"""

import numpy as _onp

from .. import numpy_extension as _npx
from ..base import MXNetError
from ..context import cpu

__all__ = ["ParameterLoadError", "save_params", "load_params", "assign_loaded", "strip_mxnet_prefix"]


class ParameterLoadError(MXNetError, ValueError):
    """A parameter file or dict does not fit the network (missing, unexpected or mismatched
    entries; all are listed)."""


def save_params(filename, arrays):
    """Writes an ordered ``{key: array}`` atomically."""
    _npx.save(filename, dict(arrays))


def load_params(filename):
    """``{key: array}`` from a parameter file (deepblocks' or MXNet's)."""
    loaded = _npx.load(filename)
    if isinstance(loaded, list):
        if not loaded:
            return {}
        raise ParameterLoadError(f"'{filename}' holds an unnamed list of {len(loaded)} arrays, not named "
                                 "parameters (was it written by npx.save of a list?)")
    return loaded


def strip_mxnet_prefix(key):
    """A key of an MXNet ``export`` file (``arg:dense0_weight``, ``aux:...``) without its prefix."""
    return key[4:] if key.startswith(("arg:", "aux:")) else key


def _names(keys):
    return ", ".join(f"'{k}'" for k in keys)


def assign_loaded(targets, loaded, src, ctx, allow_missing, ignore_extra, cast_dtype, dtype_source, owner=None):
    """Copies ``loaded[key]`` into the parameters of ``targets`` (``key -> [Parameter, alias
    paths...]``; a parameter is found under its key or any alias). Validates everything before
    changing anything."""
    if dtype_source not in ("current", "saved"):
        raise ValueError(f"dtype_source must be 'current' or 'saved', got {dtype_source!r}")
    problems = []
    plan = []
    used = set()
    for key, (param, *aliases) in targets.items():
        found = next((k for k in (key, *aliases) if k in loaded), None)
        if found is None:
            if not allow_missing:
                problems.append(f"Parameter '{key}' is missing in {src}, which contains parameters: "
                                f"{_names(loaded)}. Set allow_missing=True to ignore missing parameters.")
            continue
        for k in (key, *aliases):
            used.add(k)
        arr = loaded[found]
        want = param._shape
        if want is not None and (len(want) != arr.ndim or any(w not in (0, s) for w, s in zip(want, arr.shape))):
            problems.append(f"Failed loading Parameter '{param.name}' ({found}) from saved params: shape "
                            f"incompatible expected {param.shape} vs saved {tuple(arr.shape)}")
            continue
        have, saved = _onp.dtype(param.dtype), _onp.dtype(arr.dtype)
        if have != saved and not cast_dtype:
            problems.append(f"Failed loading Parameter '{param.name}' ({found}) from saved params: dtype "
                            f"incompatible expected {have} vs saved {saved}. Set cast_dtype=True to cast the "
                            "dtype of saved params.")
            continue
        plan.append((param, arr, have != saved))
    extra = [k for k in loaded if k not in used]
    if extra and not ignore_extra:
        for k in extra:
            problems.append(f"Parameter '{k}' loaded from {src} is not present in the network, which contains "
                            f"parameters: {_names(targets)}. Set ignore_extra=True to ignore.")
    if problems:
        head = f"Error(s) in loading parameters{' into ' + owner if owner else ''} from {src}:"
        raise ParameterLoadError("\n  ".join([head] + problems))
    for param, arr, differs in plan:
        if differs:
            if dtype_source == "saved":
                param.cast(arr.dtype)
            else:
                arr = arr.astype(param.dtype)
        param.shape = arr.shape
        if param._data is not None:
            param.set_data(arr)
        elif param._deferred_init:
            param._init_impl(arr, param._deferred_init[1] if ctx is None else _ctx_list(ctx))
        else:
            param._init_impl(arr, _ctx_list(ctx))


def _ctx_list(ctx):
    from .parameter import _as_ctx_list
    return _as_ctx_list(cpu() if ctx is None else ctx)

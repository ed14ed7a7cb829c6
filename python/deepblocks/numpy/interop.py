"""NumPy's own functions on deepblocks arrays: the ``__array_ufunc__`` and
``__array_function__`` protocols (NEP 13 and NEP 18), as MXNet's numpy mode has them.

``numpy.exp(x)``, ``numpy.add(x, 1)``, ``numpy.concatenate([x, y])``, ``numpy.sum(x, axis=0)``
on deepblocks arrays run deepblocks' function of the same name, so the result is a deepblocks
array on the same device and autograd records it exactly like ``np.exp(x)``. A function
deepblocks does not have (or a call using options it does not support) falls back to NumPy
on the arrays' host memory (copies for GPU arrays), and the result comes back as a deepblocks
array (a copy); as in MXNet,
such a fallback is refused while autograd records (it would cut the graph). Legacy
``nd.NDArray`` inputs give legacy results.

>>> import numpy
>>> from deepblocks import np, autograd
>>> x = np.array([0.0, 1.0])
>>> x.attach_grad()
>>> with autograd.record():
...     y = numpy.exp(x).sum()
>>> y.backward()
>>> x.grad
array([1.       , 2.7182817])
>>> numpy.median(np.array([[3.0, 1.0], [2.0, 5.0]]), axis=0)  # NumPy's median, a deepblocks result
array([2.5, 3. ])

The engine's methods ``ndarray.__array_ufunc__`` / ``__array_function__`` call
:func:`array_ufunc` and :func:`array_function` here; ordinary operators (``x + y``) never
come through this module.
"""

import inspect
import threading

import numpy as _onp

from .. import _core

__all__ = ["array_ufunc", "array_function"]

_base = _core.ndarray
_is_recording = _core.is_recording
_as_legacy = _core._as_legacy

# NumPy dtypes a deepblocks array can hold: fallback results of other dtypes (complex,
# object, strings, float16...) stay NumPy arrays rather than fail to convert.
_HOLDABLE = frozenset(_onp.dtype(d) for d in ("bool", "uint8", "int32", "int64", "float32", "float64"))

# Ufunc methods other than __call__ that deepblocks functions implement:
# (ufunc name, method) -> deepblocks.np function name. Their NumPy default axis is 0.
_UFUNC_METHODS = {
    ("add", "reduce"): "sum",
    ("multiply", "reduce"): "prod",
    ("maximum", "reduce"): "max",
    ("minimum", "reduce"): "min",
    ("logical_and", "reduce"): "all",
    ("logical_or", "reduce"): "any",
    ("add", "accumulate"): "cumsum",
}

# NumPy functions that write into their first argument (host arrays are written in place
# through a view; a GPU array gets the host copy's new values).
_WRITES_FIRST = frozenset(["copyto", "place", "put", "putmask", "fill_diagonal", "put_along_axis"])

_local = threading.local()


_modules = []


def _np():
    """``deepblocks.np`` (imported on first use: this module is imported by the engine)."""
    if not _modules:
        from .. import numpy as np
        from ..ndarray.ndarray import _is_legacy

        _modules[:] = [np, _is_legacy]
    return _modules[0]


def _is_legacy(x):
    _np()
    return _modules[1](x)


def _usable(f):
    """Whether ``f`` (an attribute of ``deepblocks.np``) is a function to dispatch to (not a
    dtype, a constant or a submodule)."""
    return callable(f) and not isinstance(f, type) and not inspect.ismodule(f)


# NumPy function -> deepblocks function (None: fall back), filled on first use.
_FUNCTIONS = {}


def _counterpart(func):
    """deepblocks' function for the NumPy function ``func`` (``numpy.sum`` ->
    ``deepblocks.np.sum``, ``numpy.linalg.norm`` -> ``deepblocks.np.linalg.norm``), or None."""
    try:
        return _FUNCTIONS[func]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable
        return None
    name = getattr(func, "__name__", None)
    module = getattr(func, "__module__", None) or ""
    found = None
    if name is not None:
        np = _np()
        for onp_ns, ns in ((_onp, np), (_onp.linalg, np.linalg)):
            # Only the public NumPy functions: the same name in deepblocks' namespace.
            if getattr(onp_ns, name, None) is func and (ns is np or module.startswith("numpy.linalg")):
                f = getattr(ns, name, None)
                if _usable(f):
                    found = f
                break
    _FUNCTIONS[func] = found
    return found


# (function, number of positional arguments, keyword names) -> whether it binds.
_BINDS = {}


def _accepts(f, args, kwargs):
    """Whether ``f`` takes these arguments (NumPy options deepblocks lacks fall back). Only the
    number of arguments and the keyword names matter, so the answer is cached on those."""
    key = (f, len(args), tuple(kwargs))
    try:
        return _BINDS[key]
    except KeyError:
        pass
    except TypeError:
        return True
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        ok = True
    else:
        try:
            sig.bind(*args, **kwargs)
            ok = True
        except TypeError:
            ok = False
    if len(_BINDS) < 4096:
        _BINDS[key] = ok
    return ok


# ---- conversions --------------------------------------------------------------------------------


def _to_base(obj):
    """Legacy arrays (also inside lists and tuples) as numpy-mode arrays sharing their data."""
    if isinstance(obj, _base):
        return _base(obj) if type(obj) is not _base else obj
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_base(o) for o in obj)
    return obj


def _to_host(obj):
    """deepblocks arrays (also inside lists, tuples and dicts) as NumPy arrays: views of the
    same memory for host arrays (so ``numpy.copyto(x, ...)`` writes into ``x`` and
    ``numpy.shares_memory`` tells the truth), copies for GPU arrays. The first array's device
    is remembered for the results."""
    if isinstance(obj, _base):
        ctx = obj.ctx
        if getattr(_local, "ctx", None) is None:
            _local.ctx = ctx
        return _onp.asarray(obj) if ctx.device_type == "cpu" else obj.asnumpy()
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_host(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _to_host(v) for k, v in obj.items()}
    return obj


def _from_host(obj, ctx, legacy):
    """NumPy results as deepblocks arrays on ``ctx`` (legacy ones when ``legacy``); Python
    and NumPy scalars, NumPy subclasses (masked arrays) and dtypes deepblocks cannot hold
    are returned as they are."""
    if type(obj) is _onp.ndarray and obj.dtype in _HOLDABLE:
        r = _np().array(obj, dtype=obj.dtype, ctx=ctx)
        return _as_legacy(r) if legacy else r
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return type(obj)(_from_host(o, ctx, legacy) for o in obj)
    if isinstance(obj, tuple):  # a named tuple (numpy.linalg.slogdet...)
        return type(obj)(*(_from_host(o, ctx, legacy) for o in obj))
    return obj


def _results(r, legacy):
    """deepblocks results, made legacy when the inputs were."""
    if not legacy:
        return r
    if isinstance(r, _base):
        return _as_legacy(r)
    if isinstance(r, (list, tuple)) and not hasattr(r, "_fields"):
        return type(r)(_results(o, legacy) for o in r)
    return r


def _into(out, r):
    """Writes ``r`` into the array ``out`` (deepblocks or NumPy) and returns ``out``."""
    if isinstance(out, _onp.ndarray):
        out[...] = r.asnumpy() if isinstance(r, _base) else r
    else:
        out[...] = r
    return out


def _fallback(what, onp_call, args, kwargs, legacy):
    """``onp_call`` on host copies of the arguments; its arrays back as deepblocks arrays."""
    if _is_recording():
        raise ValueError(
            f"{what} is not a deepblocks function, and falling back to NumPy while autograd records is not "
            "supported (the result would not be differentiable); compute it outside autograd.record()"
        )
    _local.ctx = None
    try:
        hargs = _to_host(args)
        hkwargs = _to_host(kwargs)
        ctx = _local.ctx
    finally:
        _local.ctx = None
    return _from_host(onp_call(*hargs, **hkwargs), ctx, legacy)


def _fallback_out(what, onp_call, args, kwargs, legacy, out):
    """``_fallback`` with NumPy writing into ``out`` itself (so that ``where=`` leaves the
    other elements alone); a deepblocks ``out`` gets a host copy, written back after."""
    if out is None:
        return _fallback(what, onp_call, args, kwargs, legacy)
    host = out.asnumpy() if isinstance(out, _base) else out
    _fallback(what, onp_call, args, dict(kwargs, out=host), legacy)
    if host is not out:
        out[...] = host
    return out


def _dispatching():
    """The set of NumPy functions being dispatched on this thread: a deepblocks function that
    itself calls the same NumPy function on deepblocks arrays gets NumPy's, not itself."""
    active = getattr(_local, "active", None)
    if active is None:
        active = _local.active = set()
    return active


def _call(f, key, args, kwargs, fallback):
    active = _dispatching()
    if key in active:
        return fallback()
    active.add(key)
    try:
        return f(*args, **kwargs)
    except NotImplementedError:
        # An option deepblocks does not implement (``where=mask``...): NumPy's result.
        if _is_recording():
            raise
        return fallback()
    finally:
        active.discard(key)


def _any_legacy(objs):
    for o in objs:
        if isinstance(o, _base):
            if type(o) is not _base and _is_legacy(o):
                return True
        elif isinstance(o, (list, tuple)) and _any_legacy(o):
            return True
    return False


def _any_off_host(objs):
    """Whether a deepblocks array among ``objs`` lives on a device other than the CPU."""
    return any(isinstance(o, _base) and o.ctx.device_type != "cpu" for o in objs)


# ---- the protocols --------------------------------------------------------------------------------


# NumPy ufunc -> deepblocks.np's function of its name (None: none), filled on first use.
_UFUNCS = {}


def _ufunc_function(ufunc):
    try:
        return _UFUNCS[ufunc]
    except KeyError:
        f = getattr(_np(), ufunc.__name__, None)
        f = _UFUNCS[ufunc] = f if _usable(f) else None
        return f


# The ufuncs behind Python's operators: (operator, reflected operator).
_OPERATORS = {
    "add": ("__add__", "__radd__"), "subtract": ("__sub__", "__rsub__"), "multiply": ("__mul__", "__rmul__"),
    "divide": ("__truediv__", "__rtruediv__"), "true_divide": ("__truediv__", "__rtruediv__"),
    "floor_divide": ("__floordiv__", "__rfloordiv__"), "remainder": ("__mod__", "__rmod__"),
    "power": ("__pow__", "__rpow__"), "matmul": ("__matmul__", "__rmatmul__"),
    "bitwise_and": ("__and__", "__rand__"), "bitwise_or": ("__or__", "__ror__"), "bitwise_xor": ("__xor__", "__rxor__"),
    "equal": ("__eq__", "__eq__"), "not_equal": ("__ne__", "__ne__"), "less": ("__lt__", "__gt__"),
    "less_equal": ("__le__", "__ge__"), "greater": ("__gt__", "__lt__"), "greater_equal": ("__ge__", "__le__"),
    "negative": ("__neg__", None), "positive": ("__pos__", None), "absolute": ("__abs__", None),
}


def _legacy_operator(name, inputs):
    fwd, rev = _OPERATORS[name]
    if len(inputs) == 1:
        return getattr(inputs[0], fwd)() if rev is None else NotImplemented
    if len(inputs) != 2 or rev is None:
        return NotImplemented
    a, b = inputs
    # The deepblocks operand's operator (never a NumPy array's, which would dispatch here again).
    if isinstance(a, _base) and (not isinstance(b, _base) or _is_legacy(a)):
        return getattr(a, fwd)(b)
    if isinstance(b, _base):
        return getattr(b, rev)(a)
    return NotImplemented


def array_ufunc(self, ufunc, method, inputs, kwargs):
    """``ndarray.__array_ufunc__``: ``ufunc.method(*inputs, **kwargs)`` with deepblocks'
    function where it has one (see the module docstring)."""
    if method == "__call__" and not kwargs and ufunc.__name__ in _OPERATORS and (
            _any_legacy(inputs) or _any_off_host(inputs)):
        # ``numpy_array == legacy_array``, ``numpy_array @ gpu_array``: the deepblocks array's
        # operator, as before NumPy dispatched (legacy comparisons give float 0/1, not bools;
        # the operator moves the NumPy operand to the array's device).
        r = _legacy_operator(ufunc.__name__, inputs)
        if r is not NotImplemented:
            return r
    if method == "__call__" and not kwargs:
        # The common call (``numpy.exp(x)``, ``numpy_array + x``): straight to deepblocks.
        f = _ufunc_function(ufunc)
        if f is not None and not _any_legacy(inputs) and _accepts(f, inputs, {}):
            active = _dispatching()
            if ufunc not in active:
                active.add(ufunc)
                try:
                    return f(*inputs)
                except NotImplementedError:
                    if _is_recording():
                        raise
                finally:
                    active.discard(ufunc)
    kwargs = dict(kwargs) if kwargs else {}
    out = kwargs.pop("out", None)
    if out is not None:
        if not isinstance(out, tuple):
            out = (out,)
        if len(out) != 1:
            raise ValueError(f"{ufunc.__name__}: only one out= array is supported, got {len(out)}")
        out = out[0]
    legacy = _any_legacy(inputs) or (out is not None and isinstance(out, _base) and _is_legacy(out))
    name = ufunc.__name__
    f = None
    args = _to_base(inputs) if legacy else inputs
    call_kwargs = kwargs
    if method == "__call__":
        f = _ufunc_function(ufunc)
    elif method == "at":
        return _ufunc_at(ufunc, inputs, kwargs)
    elif (name, method) in _UFUNC_METHODS:
        f = getattr(_np(), _UFUNC_METHODS[(name, method)], None)
        if method in ("reduce", "accumulate"):
            call_kwargs = dict(kwargs)
            call_kwargs.setdefault("axis", 0)
            if call_kwargs.get("initial", _onp._NoValue) is _onp._NoValue:
                call_kwargs.pop("initial", None)
            if call_kwargs.get("where", True) is True:
                call_kwargs.pop("where", None)
    if f is not None and not _usable(f):
        f = None

    def fallback():
        what = f"numpy.{name}" + ("" if method == "__call__" else f".{method}")
        return _fallback_out(what, getattr(ufunc, method), inputs, kwargs, legacy, out)

    if f is None or not _accepts(f, args, call_kwargs):
        return fallback()
    r = _call(f, ufunc if method == "__call__" else (ufunc, method), args, call_kwargs, fallback)
    if out is not None:
        return out if r is out else _into(out, _results(r, legacy))
    return _results(r, legacy)


def _ufunc_at(ufunc, inputs, kwargs):
    """``ufunc.at(a, indices, b)``: unbuffered in-place, which deepblocks has no function for;
    NumPy computes it on a host copy that is then written back into ``a``."""
    a = inputs[0]
    if not isinstance(a, _base):
        return _fallback(f"numpy.{ufunc.__name__}.at", ufunc.at, inputs, kwargs, False)
    if _is_recording():
        raise ValueError(f"numpy.{ufunc.__name__}.at is not supported while autograd records")
    host = a.asnumpy()
    ufunc.at(host, *_to_host(inputs[1:]), **kwargs)
    a[...] = host
    return None


def array_function(self, func, types, args, kwargs):
    """``ndarray.__array_function__``: ``func(*args, **kwargs)`` with deepblocks' function of
    the same name where there is one (see the module docstring)."""
    for t in types:
        if t is not _onp.ndarray and not issubclass(t, _base):
            return NotImplemented  # another library's array type: let it (or NumPy) decide
    f = _counterpart(func)
    if f is not None and "out" not in kwargs and not _any_legacy(args) and _accepts(f, args, kwargs):
        # The common call (``numpy.sum(x)``, ``numpy.concatenate([x, y])``): straight to deepblocks.
        active = _dispatching()
        if func not in active:
            active.add(func)
            try:
                return f(*args, **kwargs)
            except NotImplementedError:
                if _is_recording():
                    raise
            finally:
                active.discard(func)
    kwargs = dict(kwargs) if kwargs else {}
    out = kwargs.pop("out", None) if "out" in kwargs else None
    legacy = _any_legacy(args) or _any_legacy(list(kwargs.values()))

    def fallback():
        name = getattr(func, "__name__", None) or repr(func)
        target = args[0] if args and name in _WRITES_FIRST else None
        if isinstance(target, _base) and target.ctx.device_type != "cpu":
            # A GPU array's host copy is what NumPy writes: copy it back.
            host = target.asnumpy()
            _fallback(f"numpy.{name}", func, (host,) + tuple(args[1:]), kwargs, legacy)
            target[...] = host
            return None
        return _fallback_out(f"numpy.{name}", func, args, kwargs, legacy, out)

    if f is None:
        return fallback()
    if legacy:
        args = _to_base(args)
        kwargs = {k: _to_base(v) for k, v in kwargs.items()}
    if not _accepts(f, args, kwargs):
        return fallback()
    r = _call(f, func, args, kwargs, fallback)
    r = _results(r, legacy)
    if out is not None and r is not out:
        return _into(out, r)
    return r

"""Argument and input checks shared by the layers.

MXNet takes most constructor arguments as given and fails, if at all, deep inside the first
forward pass (``nn.Dense('4')`` compares a string with an int there); deepblocks checks them
in the constructor and names the layer, the argument and the value.

>>> from deepblocks.gluon import nn
>>> nn.Dense('4')
Traceback (most recent call last):
...
TypeError: Dense: units must be an integer, got '4' (str)
"""

import math
import numbers

import numpy as _onp

from ... import _core

# The engine's dtype (a numpy.dtype) of a deepblocks array, nd or np: NDArray.dtype gives
# MXNet's scalar type instead, which is slower to compare.
_engine_dtype = _core.ndarray.dtype.__get__

def check_count(owner, name, value, minimum=1):
    """``value`` as an int: TypeError unless it is an integer (a string, a float or a bool is
    a slip that would make a wrong shape), ValueError below ``minimum`` (None: no bound)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: {name} must be an integer, got {value!r} ({type(value).__name__})")
    if minimum is not None and value < minimum:
        raise ValueError(f"{owner}: {name} must be at least {minimum}, got {value}")
    return int(value)


def check_number(owner, name, value):
    """``value`` unchanged; TypeError unless it is a real number, ValueError unless finite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite, got {value}")
    return value


def check_rate(owner, name, value):
    """A probability of dropping: a number in [0, 1)."""
    check_number(owner, name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{owner}: {name} must be in [0, 1), got {value}")
    return value


def check_input_dtype(x, w):
    """MXNet's layers need the input in the parameters' dtype (float64 data into float32
    weights raises there too); deepblocks says which dtypes met and how to fix it, rather
    than compute in a promoted type."""
    try:
        if _engine_dtype(x) is _engine_dtype(w):    # the common case, cheap for nd and np arrays
            return
        have = _engine_dtype(x)
    except TypeError:                               # a NumPy array
        have = _onp.dtype(x.dtype)
    want = _engine_dtype(w)
    if have == want:
        return
    cast = f", or the network with net.cast('{have.name}')" if have.kind == "f" else ""
    raise TypeError(f"the input's dtype {have.name} does not match the parameters' dtype {want.name}: convert the "
                    f"input with x.astype('{want.name}') (NumPy data: np.array(data, dtype='{want.name}')){cast}")

"""The elementwise operations, one row each: the single table that ``deepblocks.np``'s
ufuncs, ``deepblocks.nd``'s elementwise functions and ``nd.NDArray``'s elementwise methods
are generated from.

A row names the engine operation (what ``_core.unary``/``_core.binary`` run) and how each
front end spells it: the NumPy names (the first names the function, the rest are aliases of
it), the legacy ``nd`` names (each its own function), the ``nd`` aliases (MXNet 1.x's
``broadcast_*`` spellings of the same function), the ``elemwise_*`` form (same shapes only),
the ``NDArray`` method names, the docstrings, and the legacy rule: what two plain numbers
give (``nd.add(1, 2)`` is ``3``; comparisons give ``1``/``0``) and whether the result is a
comparison (0/1 in the operands' dtype on legacy arrays, instead of bools).

>>> from deepblocks.op_table import OPS
>>> OPS["less"].np, OPS["less"].nd, OPS["less"].nd_aliases
(('less',), ('lesser',), ('broadcast_lesser',))
>>> OPS["true_divide"].nd, OPS["true_divide"].elemwise
(('divide', 'true_divide'), 'elemwise_div')
>>> from deepblocks import nd
>>> nd.lesser(nd.array([1, 2]), 2).asnumpy(), nd.lesser(1, 2)
(array([1., 0.], dtype=float32), 1)
"""

import operator as _op
from typing import Callable, NamedTuple, Optional

__all__ = ["Op", "OPS", "UNARY", "BINARY"]


class Op(NamedTuple):
    """One elementwise operation and its names and rules in every front end."""

    engine: str  # the engine's name for it
    arity: int  # 1 or 2
    doc: str  # the np function's docstring
    np: tuple = ()  # NumPy names: the function, then aliases (the same object)
    nd: tuple = ()  # legacy nd names, each a function of its own
    nd_doc: Optional[str] = None  # the nd function's docstring (default: ``doc``)
    nd_aliases: tuple = ()  # more nd names for the first nd function (the same object)
    elemwise: Optional[str] = None  # the nd ``elemwise_*`` form: same shapes, no broadcasting
    elemwise_doc: Optional[str] = None
    methods: tuple = ()  # NDArray methods
    compare: bool = False  # legacy arrays get 0/1 in the operands' dtype, not bools
    scalar: Optional[Callable] = None  # nd with two plain numbers: this Python result
    npx: tuple = ()  # npx names (MXNet's ``npx`` special functions)
    # nd/npx compute in float but give an integer input's dtype back, truncated (MXNet's rule
    # for its special functions; ``np`` has no such function), and refuse bool
    int_kept: bool = False


def _u(engine, doc, np=None, nd=None, **kw):
    """A unary row; ``np``/``nd`` default to the engine name alone."""
    return Op(engine, 1, doc, (engine,) if np is None else np, (engine,) if nd is None else nd, **kw)


def _b(engine, doc, nd_doc, np=None, nd=None, **kw):
    """A binary row; ``np``/``nd`` default to the engine name alone."""
    return Op(engine, 2, doc, (engine,) if np is None else np, (engine,) if nd is None else nd, nd_doc, **kw)


def _truth(f):
    """A legacy comparison of two plain numbers: 1 or 0, as MXNet's scalar path gives."""
    return lambda a, b: 1 if f(a, b) else 0


_ROWS = [
    # ---- unary --------------------------------------------------------------------------------
    _u("negative", "``-x``, elementwise."),
    _u("absolute", "``|x|``, elementwise.", np=("absolute", "abs", "fabs"), nd=("abs",), methods=("abs",)),
    _u("sign", "-1, 0 or 1 by the sign of x.", methods=("sign",)),
    _u("square", "``x * x``, elementwise.", methods=("square",)),
    _u("sqrt", "Square root.", methods=("sqrt",)),
    _u("cbrt", "Cube root."),
    _u("reciprocal", "``1 / x``.", methods=("reciprocal",)),
    _u("exp", "``e ** x``. Integer input computes in float (float64 for int32/int64).", nd_doc="``e ** x``.", methods=("exp",)),
    _u("exp2", "``2 ** x``.", nd=()),
    _u("expm1", "``exp(x) - 1``, accurate for small x.", methods=("expm1",)),
    _u("log", "Natural logarithm.", methods=("log",)),
    _u("log2", "Base-2 logarithm."),
    _u("log10", "Base-10 logarithm."),
    _u("log1p", "``log(1 + x)``, accurate for small x.", methods=("log1p",)),
    _u("floor", "Largest integer not above x.", methods=("floor",)),
    _u("ceil", "Smallest integer not below x.", methods=("ceil",)),
    _u("trunc", "x rounded toward zero.", np=("trunc", "fix"), nd=("trunc", "fix"), methods=("trunc", "fix")),
    # np.rint is written out in deepblocks.numpy: NumPy gives floats for integer input.
    _u("rint", "x rounded to the nearest integer, halves to even.", np=(), methods=("rint",)),
    _u("sin", "Sine.", methods=("sin",)),
    _u("cos", "Cosine.", methods=("cos",)),
    _u("tan", "Tangent.", methods=("tan",)),
    _u("arcsin", "Inverse sine."),
    _u("arccos", "Inverse cosine."),
    _u("arctan", "Inverse tangent."),
    _u("sinh", "Hyperbolic sine."),
    _u("cosh", "Hyperbolic cosine."),
    _u("tanh", "Hyperbolic tangent.", methods=("tanh",)),
    _u("arcsinh", "Inverse hyperbolic sine."),
    _u("arccosh", "Inverse hyperbolic cosine."),
    _u("arctanh", "Inverse hyperbolic tangent."),
    _u("relu", "``max(x, 0)``, elementwise.", np=(), methods=("relu",)),
    _u("sigmoid", "``1 / (1 + exp(-x))``, elementwise.", np=(), methods=("sigmoid",)),
    _u("deg2rad", "Degrees to radians, ``x * pi / 180``.", np=("deg2rad", "radians"), nd=()),
    _u("rad2deg", "Radians to degrees, ``x * 180 / pi``.", np=("rad2deg", "degrees"), nd=()),
    # ---- special functions (npx/nd only: NumPy has none; scipy.special's definitions) ---------
    _u("erf", "The error function, ``2/sqrt(pi) * integral of exp(-t**2) from 0 to x``.",
       np=(), npx=("erf",), int_kept=True),
    _u("erfinv", "The inverse error function: ``erf(erfinv(x)) == x``; +-inf at +-1, NaN outside [-1, 1].",
       np=(), npx=("erfinv",), int_kept=True),
    _u("gamma", "The gamma function; +-inf at +-0, NaN at the negative integers.",
       np=(), npx=("gamma",), int_kept=True),
    _u("gammaln", "``log(abs(gamma(x)))``; inf at the poles.", np=(), npx=("gammaln",), int_kept=True),
    # MXNet 1.9.1 has no digamma: npx.digamma is deepblocks' (gammaln's derivative).
    _u("digamma", "The digamma function, ``d/dx gammaln(x)``; NaN at the negative integers.",
       np=(), nd=(), npx=("digamma",), int_kept=True),
    _u("logical_not", "``not x``, elementwise, as bool.", nd=()),
    _u("invert", "Bitwise not (logical not for bool).", np=("invert", "bitwise_not"), nd=()),
    _u("isnan", "True where x is NaN.", nd=()),
    _u("isinf", "True where x is infinite.", nd=()),
    _u("isfinite", "True where x is neither infinite nor NaN.", nd=()),
    # ---- binary: arithmetic -----------------------------------------------------------------
    _b("add", "``x1 + x2`` with broadcasting.", "``lhs + rhs`` with broadcasting.",
       nd_aliases=("broadcast_add", "broadcast_plus"), elemwise="elemwise_add",
       elemwise_doc="``lhs + rhs`` for arrays of the same shape.", scalar=_op.add),
    _b("subtract", "``x1 - x2`` with broadcasting.", "``lhs - rhs`` with broadcasting.",
       nd_aliases=("broadcast_sub", "broadcast_minus"), elemwise="elemwise_sub",
       elemwise_doc="``lhs - rhs`` for arrays of the same shape.", scalar=_op.sub),
    _b("multiply", "``x1 * x2`` with broadcasting.", "``lhs * rhs`` with broadcasting.",
       nd_aliases=("broadcast_mul",), elemwise="elemwise_mul",
       elemwise_doc="``lhs * rhs`` for arrays of the same shape.", scalar=_op.mul),
    _b("true_divide", "``x1 / x2``; integers divide in float64.", "``lhs / rhs`` with broadcasting.",
       np=("true_divide", "divide"), nd=("divide", "true_divide"), nd_aliases=("broadcast_div",),
       elemwise="elemwise_div", elemwise_doc="``lhs / rhs`` for arrays of the same shape.", scalar=_op.truediv),
    _b("floor_divide", "``x1 // x2`` (integer division by zero gives 0).", None, nd=()),
    _b("mod", "``x1 % x2`` with the sign of the divisor, as Python.", "``lhs % rhs`` with broadcasting.",
       np=("mod", "remainder"), nd=("modulo",), nd_aliases=("broadcast_mod",), scalar=_op.mod),
    _b("power", "``x1 ** x2``.", "``lhs ** rhs`` with broadcasting.", nd_aliases=("broadcast_power",), scalar=_op.pow),
    _b("maximum", "Elementwise maximum (NaN propagates).", "Elementwise maximum with broadcasting.",
       nd_aliases=("broadcast_maximum",), scalar=max),
    _b("minimum", "Elementwise minimum (NaN propagates).", "Elementwise minimum with broadcasting.",
       nd_aliases=("broadcast_minimum",), scalar=min),
    # ---- binary: comparisons and logic (legacy: 0/1 numbers) ---------------------------------
    _b("equal", "``x1 == x2`` as bool.", "``lhs == rhs`` as 0/1 (float32 for float32 input).",
       nd_aliases=("broadcast_equal",), compare=True, scalar=_truth(_op.eq)),
    _b("not_equal", "``x1 != x2`` as bool.", "``lhs != rhs`` as 0/1.",
       nd_aliases=("broadcast_not_equal",), compare=True, scalar=_truth(_op.ne)),
    _b("greater", "``x1 > x2`` as bool.", "``lhs > rhs`` as 0/1.",
       nd_aliases=("broadcast_greater",), compare=True, scalar=_truth(_op.gt)),
    _b("greater_equal", "``x1 >= x2`` as bool.", "``lhs >= rhs`` as 0/1.",
       nd_aliases=("broadcast_greater_equal",), compare=True, scalar=_truth(_op.ge)),
    _b("less", "``x1 < x2`` as bool.", "``lhs < rhs`` as 0/1.",
       nd=("lesser",), nd_aliases=("broadcast_lesser",), compare=True, scalar=_truth(_op.lt)),
    _b("less_equal", "``x1 <= x2`` as bool.", "``lhs <= rhs`` as 0/1.",
       nd=("lesser_equal",), nd_aliases=("broadcast_lesser_equal",), compare=True, scalar=_truth(_op.le)),
    _b("logical_and", "``x1 and x2``, elementwise, as bool.", "``lhs and rhs`` as 0/1.",
       nd_aliases=("broadcast_logical_and",), compare=True, scalar=_truth(lambda a, b: bool(a) and bool(b))),
    _b("logical_or", "``x1 or x2``, elementwise, as bool.", "``lhs or rhs`` as 0/1.",
       nd_aliases=("broadcast_logical_or",), compare=True, scalar=_truth(lambda a, b: bool(a) or bool(b))),
    _b("logical_xor", "``x1 xor x2``, elementwise, as bool.", "``lhs xor rhs`` as 0/1.",
       nd_aliases=("broadcast_logical_xor",), compare=True, scalar=_truth(lambda a, b: bool(a) != bool(b))),
    # ---- binary: bitwise (NumPy only) --------------------------------------------------------
    _b("bitwise_and", "``x1 & x2`` for integers and bool.", None, nd=()),
    _b("bitwise_or", "``x1 | x2`` for integers and bool.", None, nd=()),
    _b("bitwise_xor", "``x1 ^ x2`` for integers and bool.", None, nd=()),
    # ---- binary: NumPy's float functions (integers compute in float) and gcd/lcm ----------------
    _b("copysign", "x1 with the sign of x2 (``-0.0`` counts as negative).", None, nd=()),
    _b("hypot", "``sqrt(x1**2 + x2**2)`` without overflow; inf if either is infinite.", None, nd=()),
    _b("logaddexp", "``log(exp(x1) + exp(x2))`` without overflow.", None, nd=()),
    _b("logaddexp2", "``log2(2**x1 + 2**x2)`` without overflow.", None, nd=()),
    _b("arctan2", "The angle of the point (x2, x1), in radians, in [-pi, pi].", None, nd=()),
    _b("gcd", "Greatest common divisor of integers (``gcd(0, 0) == 0``).", None, nd=()),
    _b("lcm", "Least common multiple of integers, non-negative (``lcm(0, x) == 0``).", None, nd=()),
]

OPS = {op.engine: op for op in _ROWS}
UNARY = [op for op in _ROWS if op.arity == 1]
BINARY = [op for op in _ROWS if op.arity == 2]

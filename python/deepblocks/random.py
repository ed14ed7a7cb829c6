"""``mx.random``: MXNet's top-level samplers, the legacy ``nd.random`` ones.

They hand back ``nd.NDArray`` even after ``npx.set_np()`` (as MXNet 1.9.1 does), and draw from
the one generator that ``np.random``, ``npx.random`` and ``nd.random`` share, so ``seed`` makes
all of them (and parameter initializers) repeat.

>>> import deepblocks as mx
>>> mx.random.seed(42)
>>> a = mx.random.uniform(shape=(2, 3))
>>> mx.random.seed(42)
>>> bool((mx.random.uniform(shape=(2, 3)) == a).asnumpy().all()), type(a).__name__
(True, 'NDArray')
"""

import numpy as _onp

from .ndarray.random import (  # noqa: F401 (re-exported)
    exponential, gamma, generalized_negative_binomial, multinomial, negative_binomial, normal, poisson,
    randint, randn, shuffle, uniform)
from .numpy import random as _np_random

__all__ = ["seed", "uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle"]


def seed(seed_state, ctx="all"):
    """Restarts the shared generator with the integer ``seed_state``. ``ctx`` ('all' or a
    device) is accepted for MXNet code: every device draws from the one generator.

    >>> import deepblocks as mx
    >>> mx.random.seed(1.5)
    Traceback (most recent call last):
    ValueError: seed_state must be int, got 1.5
    """
    # bool is an int subclass but no seed anyone means; MXNet refuses floats and None alike.
    if isinstance(seed_state, bool) or not isinstance(seed_state, (int, _onp.integer)):
        raise ValueError(f"seed_state must be int, got {seed_state!r}")
    if not (ctx == "all" or hasattr(ctx, "device_type")):
        raise ValueError(f"ctx must be 'all' or a Context, got {ctx!r}")
    _np_random.seed(int(seed_state))

# Names MXNet's random module exposes (imported there from its base and context modules).
from .base import integer_types  # noqa: E402,F401
from .context import Context  # noqa: E402,F401

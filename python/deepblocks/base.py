"""Exceptions and type groups shared by the engine and Gluon, as in ``mxnet.base``.

>>> from deepblocks import base
>>> isinstance(3, base.integer_types), isinstance(2.5, base.numeric_types), base.py_str(b'ok')
(True, True, 'ok')
"""

import numpy as _onp

from ._core import MXNetError

__all__ = ["MXNetError", "NotSupportedError", "integer_types", "numeric_types", "string_types", "py_str"]

# The Python and NumPy scalar types MXNet code tests arguments against.
integer_types = (int, _onp.int32, _onp.int64)
numeric_types = (float, int, _onp.generic)
string_types = (str,)


def py_str(x):
    """Decodes the UTF-8 bytes ``x`` to a str."""
    return x.decode("utf-8")


class NotSupportedError(MXNetError):
    """An MXNet feature that deepblocks deliberately does not provide."""

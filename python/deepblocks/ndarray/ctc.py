"""The legacy ``nd`` names of the CTC loss operator with MXNet 1.9's signature:
``nd.CTCLoss`` and its alias ``nd.ctc_loss`` (also under ``nd.contrib``); see
``deepblocks.numpy_extension.ctc.ctc_loss``. The operator's default blank is the first channel
(Gluon's ``CTCLoss`` uses the last).

>>> from deepblocks import nd
>>> data = nd.zeros((3, 2, 3))                        # T=3 steps, batch 2, blank + 2 symbols
>>> nd.CTCLoss(data, nd.array([[1, 2], [1, 0]])).asnumpy().round(4)
array([1.6864, 1.5041], dtype=float32)
"""

from ..numpy_extension.ctc import ctc_loss as _ctc_loss
from .ndarray import _nd
from .ops import _write

__all__ = ["CTCLoss", "ctc_loss"]


def CTCLoss(data=None, label=None, data_lengths=None, label_lengths=None, use_data_lengths=False,
            use_label_lengths=False, blank_label="first", out=None, name=None, **kwargs):
    """MXNet's ``CTCLoss``: the loss of each example of ``data`` ``(T, batch, alphabet)``
    against ``label`` ``(batch, label_length)``, as an NDArray of shape ``(batch,)``."""
    return _write(_nd(_ctc_loss(data, label, data_lengths, label_lengths, use_data_lengths, use_label_lengths,
                                blank_label)), out)


ctc_loss = CTCLoss

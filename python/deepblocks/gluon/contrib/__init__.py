"""``gluon.contrib``: the parts of MXNet 1.9.1's contributed Gluon layers and samplers that
Gluon code commonly imports: ``contrib.nn`` (``Concurrent``, ``HybridConcurrent``,
``Identity``, ``PixelShuffle1D/2D/3D``, ``SyncBatchNorm``, ``SparseEmbedding``) and
``contrib.data`` (``IntervalSampler``).

Not here: ``contrib.estimator``, ``contrib.cnn`` (deformable convolution), ``contrib.rnn``
and ``contrib.data.text``.
"""

from . import data, nn

__all__ = ["nn", "data"]

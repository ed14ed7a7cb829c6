"""What this build of deepblocks can do, as MXNet's ``mx.runtime.Features``.

>>> from deepblocks import runtime
>>> features = runtime.Features()
>>> features.is_enabled('CPU')
True
>>> 'CUDA' in features
True
"""

from collections import OrderedDict

from . import _core

__all__ = ["Feature", "Features", "feature_list"]


class Feature:
    """One compile-time feature: ``name`` and whether it is ``enabled``."""

    def __init__(self, name, enabled):
        self.name = name
        self.enabled = enabled

    def __repr__(self):
        return f"{'✔' if self.enabled else '✖'} {self.name}"


def feature_list():
    """Every feature MXNet reports that has a meaning here, with this build's answer."""
    info = _core.build_info()
    built = set(info["features"])
    simd = info.get("simd", "")
    return [
        Feature("CPU", True),
        Feature("CUDA", "cuda" in built),
        Feature("CUDNN", False),
        Feature("NCCL", False),
        Feature("TENSORRT", False),
        Feature("OPENMP", info.get("threads", 1) > 1),
        Feature("SSE", True),
        Feature("AVX", simd.startswith("avx")),
        Feature("AVX2", simd in ("avx2", "avx512f")),
        Feature("AVX512F", simd == "avx512f"),
        Feature("F16C", True),
        Feature("BLAS_OPEN", False),
        Feature("BLAS_MKL", False),
        Feature("MKLDNN", False),
        Feature("ONEDNN", False),
        Feature("LAPACK", False),
        Feature("OPENCV", False),
        Feature("DIST_KVSTORE", False),
        Feature("INT64_TENSOR_SIZE", True),
        Feature("SIGNAL_HANDLER", False),
        Feature("DEBUG", False),
    ]


class Features(OrderedDict):
    """A mapping from feature name to ``Feature``; ``is_enabled(name)`` checks one."""

    def __init__(self):
        super().__init__((f.name, f) for f in feature_list())

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        name = feature_name.upper()
        if name not in self:
            raise RuntimeError(f"Feature '{feature_name}' is unknown, known features are: {list(self.keys())}")
        return self[name].enabled

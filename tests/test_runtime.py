"""``deepblocks.runtime.Features`` (MXNet's ``mx.runtime``) and the package-level device names
d2l reaches for (``mx.context``, ``mx.cpu``, ``mx.gpu``, ``mx.Context``, ``mx.num_gpus``)."""

import pytest

import deepblocks as mx
from deepblocks import _core, runtime


def test_features_report_this_build():
    features = runtime.Features()
    info = _core.build_info()
    assert features.is_enabled("CPU")
    assert features.is_enabled("cuda") == ("cuda" in info["features"])  # names are case-insensitive
    assert features.is_enabled("AVX512F") == (info["simd"] == "avx512f")
    assert not features.is_enabled("MKLDNN")
    assert all(isinstance(f, runtime.Feature) for f in features.values())
    assert list(features) == [f.name for f in runtime.feature_list()]


def test_feature_repr_marks_enabled_ones():
    assert repr(runtime.Feature("CPU", True)) == "✔ CPU"
    assert repr(runtime.Feature("CUDA", False)) == "✖ CUDA"
    assert repr(runtime.Features()).startswith("[✔ CPU, ")


def test_unknown_feature_is_an_error_listing_the_known_ones():
    with pytest.raises(RuntimeError, match="Feature 'FOO' is unknown, known features are: .*'CPU'"):
        runtime.Features().is_enabled("FOO")


def test_device_names_at_the_top_level():
    assert mx.cpu() == mx.context.cpu(0) and str(mx.gpu(1)) == "gpu(1)"
    assert isinstance(mx.cpu(), mx.Context) and mx.context.Context("cpu", 0) == mx.cpu()
    assert mx.current_context() == mx.cpu()
    assert mx.num_gpus() == mx.context.num_gpus() >= 0
    assert mx.base.MXNetError is mx.MXNetError

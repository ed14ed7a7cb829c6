"""npx.save / npx.load (and nd.save / nd.load): round trips of every dtype and shape, the
list/dict structure, atomic replacement, and clear errors for bad input and bad files."""

import json
import os
import pickle
import struct

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DTYPES, assert_same, dtypes, shapes, views
from deepblocks import nd, np, npx
from deepblocks.base import MXNetError


@settings(max_examples=40)
@given(st.data())
def test_round_trip_of_any_dtype_shape_and_view(tmp_path_factory, data):
    dtype = data.draw(dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes(min_dims=0, max_dims=3))))
    path = tmp_path_factory.mktemp("rt") / "a.safetensors"
    npx.save(path, dev)
    (back,) = npx.load(path)
    assert_same(back, host)


def test_list_and_dict_structure_and_order(tmp_path):
    f = tmp_path / "x"
    arrays = [np.arange(12).reshape(3, 4), np.array(True), np.zeros((0, 2), dtype="int32")]
    npx.save(f, arrays)
    back = npx.load(f)
    assert isinstance(back, list) and len(back) == 3
    for a, b in zip(arrays, back):
        assert b.shape == a.shape and b.dtype == a.dtype
        assert onp.array_equal(b.asnumpy(), a.asnumpy())
    d = {"z": np.ones(2), "a.weight": np.full((2, 2), 3.0), "10": np.array([1, 2], dtype="int64")}
    npx.save(f, d)
    back = npx.load(f)
    assert list(back) == list(d)  # insertion order survives
    for k in d:
        assert onp.array_equal(back[k].asnumpy(), d[k].asnumpy()) and back[k].dtype == d[k].dtype
    npx.save(f, (np.ones(1),))
    assert isinstance(npx.load(f), list)
    npx.save(f, [])
    assert npx.load(f) == []


def test_legacy_nd_arrays_load_as_ndarrays(tmp_path):
    f = str(tmp_path / "p.params")
    nd.save(f, nd.array([1, 2, 3]))
    (a,) = nd.load(f)
    assert type(a) is nd.NDArray and a.shape == (3,)
    assert onp.array_equal(a.asnumpy(), [1, 2, 3])


def test_bad_arguments_raise_and_write_nothing(tmp_path):
    f = tmp_path / "x"
    with pytest.raises(TypeError, match="must be an array"):
        npx.save(f, [np.ones(2), [1, 2]])
    with pytest.raises(TypeError, match="keys must be str"):
        npx.save(f, {1: np.ones(2)})
    with pytest.raises(TypeError, match="must be an array"):
        npx.save(f, onp.ones(2))
    assert not f.exists()
    assert os.listdir(tmp_path) == []


def test_a_failed_save_keeps_the_previous_file(tmp_path):
    f = tmp_path / "x"
    npx.save(f, {"w": np.ones(3)})
    before = f.read_bytes()
    with pytest.raises(TypeError):
        npx.save(f, {"w": np.zeros(3), "bad": "not an array"})
    assert f.read_bytes() == before
    # A save that fails at the file system (the target is a directory) leaves no temporary.
    d = tmp_path / "dir"
    d.mkdir()
    (d / "keep").write_text("x")
    with pytest.raises(MXNetError, match="cannot save"):
        npx.save(d, [np.ones(2)])
    assert sorted(os.listdir(tmp_path)) == ["dir", "x"]
    assert os.listdir(d) == ["keep"]


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(MXNetError, match="nope"):
        npx.load(tmp_path / "nope")


def test_truncated_and_corrupted_files_give_clear_errors(tmp_path):
    f = tmp_path / "x"
    npx.save(f, {"w": np.arange(100, dtype="float32")})
    good = f.read_bytes()
    bad = tmp_path / "bad"
    for cut in (0, 4, 8, 20, len(good) // 2, len(good) - 1):
        bad.write_bytes(good[:cut])
        with pytest.raises(MXNetError, match="not a valid tensor file"):
            npx.load(bad)
    rng = onp.random.default_rng(0)
    for _ in range(50):
        data = bytearray(good)
        for i in rng.integers(0, 200, 3):  # the header and the first numbers
            data[i] = rng.integers(0, 256)
        bad.write_bytes(bytes(data))
        try:
            out = npx.load(bad)
        except MXNetError:
            continue
        # A change the format cannot detect (inside the numbers or the metadata strings)
        # still gives well-formed arrays, never a crash.
        arrays = list(out.values()) if isinstance(out, dict) else out
        assert all(isinstance(a, np.ndarray) and a.size == 100 for a in arrays)


def test_loading_never_unpickles(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.system, ("echo should-not-run > " + str(tmp_path / "ran"),))

    f = tmp_path / "evil.params"
    f.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(MXNetError):
        npx.load(f)
    assert not (tmp_path / "ran").exists()


def test_invalid_booleans_are_rejected(tmp_path):
    f = tmp_path / "b"
    npx.save(f, [np.array([True, False])])
    raw = bytearray(f.read_bytes())
    raw[-1] = 7
    f.write_bytes(bytes(raw))
    with pytest.raises(MXNetError, match="boolean"):
        npx.load(f)


def test_other_safetensors_files_load_as_dicts(tmp_path):
    # A file written by another tool: a header with no deepblocks metadata.
    values = onp.arange(6, dtype="<f4")
    header = json.dumps({"t": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}).encode()
    f = tmp_path / "other.safetensors"
    f.write_bytes(struct.pack("<Q", len(header)) + header + values.tobytes())
    back = npx.load(f)
    assert list(back) == ["t"]
    assert onp.array_equal(back["t"].asnumpy(), values.reshape(2, 3))


@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_d_and_empty_arrays(tmp_path, dtype):
    f = tmp_path / "x"
    npx.save(f, [np.array(1, dtype=dtype), np.zeros((2, 0), dtype=dtype)])
    a, b = npx.load(f)
    assert a.shape == () and a.dtype == onp.dtype(dtype)
    assert b.shape == (2, 0) and b.dtype == onp.dtype(dtype)

"""npx.load / nd.load of MXNet's binary NDArray-list files (``mx.nd.save``, ``mx.npx.save``,
Gluon ``save_parameters``, ``collect_params().save``, ``export``): the files in
fixtures/mxnet were written by MXNet 1.9.1 itself (make_fixtures.py), each beside a plain
``.expected.npz`` of what loading it must give. Truncated and corrupted copies must raise
MXNetError naming the file, never crash."""

import pathlib
import struct
import time

import numpy as onp
import pytest

from deepblocks import nd, np, npx
from deepblocks.base import MXNetError

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "mxnet"
LOADABLE = sorted(p.name[: -len(".expected.npz")] for p in FIXTURES.glob("*.expected.npz"))
LISTS = {"nd_single", "nd_list", "np_list"}


def _expected(name):
    with onp.load(FIXTURES / f"{name}.expected.npz", allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _check(loaded, name, cls):
    want = _expected(name)
    if name in LISTS:
        assert isinstance(loaded, list)
        loaded = {str(i): a for i, a in enumerate(loaded)}
    else:
        assert isinstance(loaded, dict)
    assert list(loaded) == list(want)  # the keys exactly as stored, in the file's order
    for k, w in want.items():
        a = loaded[k]
        assert type(a) is cls, k
        # A 0-d array stays 0-d in an NDArray too (MXNet 1.9.1's nd.load of a numpy-mode
        # file, under np shape semantics, which it needs to read one).
        assert (a.dtype, a.shape) == (w.dtype, w.shape), k
        assert onp.array_equal(a.asnumpy(), w), k


def test_fixtures_are_complete():
    assert set(LOADABLE) == LISTS | {
        "nd_dict", "np_dict", "gluon_legacy", "gluon_np", "gluon_prefixed", "gluon_export", "gluon_cnn"
    }


@pytest.mark.parametrize("name", LOADABLE)
def test_npx_load_gives_numpy_arrays(name):
    _check(npx.load(FIXTURES / f"{name}.params"), name, np.ndarray)


@pytest.mark.parametrize("name", LOADABLE)
def test_nd_load_gives_ndarrays(name):
    _check(nd.load(str(FIXTURES / f"{name}.params")), name, nd.NDArray)


def test_gluon_parameter_keys():
    assert list(npx.load(FIXTURES / "gluon_np.params")) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert list(npx.load(FIXTURES / "gluon_legacy.params")) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert list(npx.load(FIXTURES / "gluon_prefixed.params"))[0] == "dense0_weight"
    assert all(k.startswith("arg:dense") for k in npx.load(FIXTURES / "gluon_export.params"))
    assert list(npx.load(FIXTURES / "gluon_cnn.params"))[:6] == [
        "0.weight", "0.bias", "1.gamma", "1.beta", "1.running_mean", "1.running_var"]


@pytest.mark.parametrize(
    "name, what",
    [("nd_float16", "dtype float16"), ("nd_int8", "dtype int8"), ("nd_row_sparse", "storage type row_sparse")],
)
def test_unsupported_contents_are_named(name, what):
    for load in (npx.load, nd.load):
        with pytest.raises(MXNetError, match=what) as e:
            load(str(FIXTURES / f"{name}.params"))
        assert f"{name}.params" in str(e.value)


def test_every_truncation_raises(tmp_path):
    data = (FIXTURES / "nd_dict.params").read_bytes()
    f = tmp_path / "cut.params"
    for n in range(len(data)):
        f.write_bytes(data[:n])
        with pytest.raises(MXNetError) as e:
            npx.load(f)
        assert "cut.params" in str(e.value), n


# nd_single.params: one V2 float32 array of shape (2, 3), no names. The byte ranges whose
# every value is checked: list magic, array count, array magic, storage type, ndim, dims,
# device type, type flag, name count. (The reserved word, the device id and the elements
# may hold anything.)
SINGLE_HEADER = [*range(0, 8), *range(16, 56), *range(60, 64), *range(88, 96)]


def test_flipped_header_bytes_raise(tmp_path):
    data = (FIXTURES / "nd_single.params").read_bytes()
    assert len(data) == 96
    f = tmp_path / "flipped.params"
    for i in SINGLE_HEADER:
        bad = bytearray(data)
        bad[i] ^= 0xFF
        f.write_bytes(bytes(bad))
        for load in (npx.load, nd.load):
            with pytest.raises(MXNetError) as e:
                load(str(f))
            assert "flipped.params" in str(e.value), i


def _header(count):
    return struct.pack("<QQQ", 0x112, 0, count)


def test_absurd_counts_and_shapes_are_rejected_fast(tmp_path):
    f = tmp_path / "absurd.params"
    start = time.perf_counter()
    for count in (2**62, 2**64 - 1, 10**9):
        f.write_bytes(_header(count) + bytes(64))
        with pytest.raises(MXNetError, match="array count"):
            npx.load(f)
    # one V3 float32 array claiming 2**40 x 2**40 elements, then 2**40 elements
    for dims, what in (((2**40, 2**40), "too large"), ((2**40,), "ends inside the elements")):
        array = struct.pack("<Iii", 0xF993FACA, 0, len(dims)) + struct.pack(f"<{len(dims)}q", *dims)
        f.write_bytes(_header(1) + array + struct.pack("<iii", 1, 0, 0) + bytes(8))
        with pytest.raises(MXNetError, match=what):
            npx.load(f)
    assert time.perf_counter() - start < 1.0


def test_safetensors_header_of_0x112_bytes_is_not_mistaken(tmp_path):
    # A safetensors file whose JSON header is 0x112 bytes long starts with MXNet's magic.
    header = b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'.ljust(0x112, b" ")
    f = tmp_path / "st.safetensors"
    f.write_bytes(struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1.5, -2.0))
    (a,) = npx.load(f).values()
    assert a.dtype == onp.float32 and onp.array_equal(a.asnumpy(), [1.5, -2.0])


def test_empty_list_file(tmp_path):
    f = tmp_path / "empty.params"
    f.write_bytes(_header(0) + struct.pack("<Q", 0))
    assert npx.load(f) == [] and nd.load(str(f)) == []

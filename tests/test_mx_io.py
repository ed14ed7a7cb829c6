"""``deepblocks.io``: MXNet 1.x's data iterators. Expected batches were recorded from MXNet 1.9.1
(the same calls on ``mxnet.io``)."""

import os

import numpy as onp
import pytest

import deepblocks as mx
from deepblocks import io, nd

DATA = onp.arange(20).reshape(10, 2).astype("float32")
LABEL = onp.arange(10)


def _epochs(it, n=2):
    out = []
    for _ in range(n):
        out.append([(b.data[0][:, 0].asnumpy().tolist(), b.label[0].asnumpy().tolist(), b.pad) for b in it])
        it.reset()
    return out


def test_last_batch_pad_wraps_to_the_start():
    # recorded from MXNet 1.9.1
    batches = [([0.0, 2.0, 4.0, 6.0], [0.0, 1.0, 2.0, 3.0], 0), ([8.0, 10.0, 12.0, 14.0], [4.0, 5.0, 6.0, 7.0], 0),
               ([16.0, 18.0, 0.0, 2.0], [8.0, 9.0, 0.0, 1.0], 2)]
    assert _epochs(io.NDArrayIter(DATA, LABEL, batch_size=4)) == [batches, batches]


def test_last_batch_discard():
    batches = [([0.0, 2.0, 4.0, 6.0], [0.0, 1.0, 2.0, 3.0], 0), ([8.0, 10.0, 12.0, 14.0], [4.0, 5.0, 6.0, 7.0], 0)]
    assert _epochs(io.NDArrayIter(DATA, LABEL, batch_size=4, last_batch_handle="discard")) == [batches, batches]


def test_last_batch_roll_over_starts_the_next_pass():
    # recorded from MXNet 1.9.1: the two left-over samples open the second pass
    first, second = _epochs(io.NDArrayIter(DATA, LABEL, batch_size=4, last_batch_handle="roll_over"))
    assert first == [([0.0, 2.0, 4.0, 6.0], [0.0, 1.0, 2.0, 3.0], 0), ([8.0, 10.0, 12.0, 14.0], [4.0, 5.0, 6.0, 7.0], 0)]
    assert second == [([16.0, 18.0, 0.0, 2.0], [8.0, 9.0, 0.0, 1.0], 2), ([4.0, 6.0, 8.0, 10.0], [2.0, 3.0, 4.0, 5.0], 0),
                      ([12.0, 14.0, 16.0, 18.0], [6.0, 7.0, 8.0, 9.0], 0)]
    it = io.NDArrayIter(DATA, LABEL, batch_size=4, last_batch_handle="roll_over")
    list(it)
    it.hard_reset()                     # drops the left-over samples
    assert [b.pad for b in it] == [0, 0]


def test_descriptions_and_batch_records():
    it = io.NDArrayIter(DATA, LABEL, batch_size=4)
    assert repr(it.provide_data) == "[DataDesc[data,(4, 2),<class 'numpy.float32'>,NCHW]]"
    assert repr(it.provide_label) == "[DataDesc[softmax_label,(4,),<class 'numpy.float32'>,NCHW]]"
    assert it.iter_next() and it.getpad() == 0 and it.getindex() is None and it.getdata()[0].shape == (4, 2)
    b = io.DataBatch(data=[nd.ones((2, 3))], label=None)
    assert str(b) == "DataBatch: data shapes: [(2, 3)] label shapes: None"
    assert io.DataDesc.get_batch_axis("TNC") == 1 and io.DataDesc.get_batch_axis(None) == 0
    assert [d.dtype for d in io.DataDesc.get_list([("x", (2,))], [("x", onp.int32)])] == [onp.int32]
    with pytest.raises(TypeError, match="list of arrays"):
        io.DataBatch(data=nd.ones(2))


def test_named_inputs_sorted_and_list_names():
    it = io.NDArrayIter({"b": DATA, "a": DATA * 2}, batch_size=3)
    assert [d.name for d in it.provide_data] == ["a", "b"] and it.provide_label == [] and it.num_data == 10
    batch = next(it)
    assert type(batch.data[0]) is nd.NDArray and batch.data[0].dtype == onp.float32 and batch.label == []
    assert batch.data[0].asnumpy().tolist() == (DATA[:3] * 2).tolist()
    it = io.NDArrayIter([onp.arange(4.0), onp.arange(4.0) * 10], batch_size=3, last_batch_handle="discard")
    assert [d.name for d in it.provide_data] == ["_0_data", "_1_data"]
    assert [x.asnumpy().tolist() for x in next(it).data] == [[0.0, 1.0, 2.0], [0.0, 10.0, 20.0]]


def test_padding_longer_than_the_data_tiles_it():
    # recorded from MXNet 1.9.1
    b = next(io.NDArrayIter(onp.arange(3.0), batch_size=8))
    assert b.data[0].asnumpy().tolist() == [0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 0.0, 1.0] and b.pad == 5


def test_shuffle_keeps_pairs_and_covers_everything():
    onp.random.seed(3)
    it = io.NDArrayIter(DATA, LABEL, batch_size=5, shuffle=True)
    for _ in range(2):
        seen = []
        for b in it:
            x, y = b.data[0].asnumpy(), b.label[0].asnumpy()
            assert (x[:, 0] == 2 * y).all()
            seen += y.tolist()
        assert sorted(seen) == list(range(10))
        it.reset()


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="differ in length"):
        io.NDArrayIter(DATA, onp.arange(9), batch_size=3)
    with pytest.raises(ValueError, match="last_batch_handle"):
        io.NDArrayIter(DATA, batch_size=3, last_batch_handle="x")
    with pytest.raises(ValueError, match="batch_size"):
        io.NDArrayIter(DATA, batch_size=0)
    with pytest.raises(TypeError, match="invalid type"):
        io.NDArrayIter({"x": object()}, batch_size=1)


def test_resize_iter():
    # recorded from MXNet 1.9.1
    r = io.ResizeIter(io.NDArrayIter(onp.arange(5.0), batch_size=2), 5)
    assert [(b.data[0].asnumpy().tolist(), b.pad) for b in r] == [
        ([0.0, 1.0], 0), ([2.0, 3.0], 0), ([4.0, 0.0], 1), ([0.0, 1.0], 0), ([2.0, 3.0], 0)]
    r.reset()
    assert len(list(r)) == 5


def test_prefetching_iter():
    # recorded from MXNet 1.9.1
    p = io.PrefetchingIter([io.NDArrayIter(onp.arange(4.0), onp.arange(4.0), batch_size=2),
                            io.NDArrayIter(onp.arange(4.0) + 10, batch_size=2)],
                           rename_data=[{"data": "a"}, {"data": "b"}])
    assert [d.name for d in p.provide_data] == ["a", "b"] and [d.name for d in p.provide_label] == ["softmax_label"]
    got = [[x.asnumpy().tolist() for x in b.data] + [[x.asnumpy().tolist() for x in b.label]] for b in p]
    assert got == [[[0.0, 1.0], [10.0, 11.0], [[0.0, 1.0]]], [[2.0, 3.0], [12.0, 13.0], [[2.0, 3.0]]]]
    p.reset()
    assert len(list(p)) == 2


def test_csv_iter(tmp_path):
    data, label = tmp_path / "d.csv", tmp_path / "l.csv"
    data.write_text("1,2\n3,4\n5,6\n")
    label.write_text("7\n8\n9\n")
    # recorded from MXNet 1.9.1
    c = io.CSVIter(data_csv=str(data), data_shape=(2,), label_csv=str(label), batch_size=2)
    assert [(b.data[0].asnumpy().tolist(), b.label[0].asnumpy().tolist(), b.pad) for b in c] == [
        ([[1.0, 2.0], [3.0, 4.0]], [7.0, 8.0], 0), ([[5.0, 6.0], [1.0, 2.0]], [9.0, 7.0], 1)]
    assert repr(c.provide_label) == "[DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]]"
    c = io.CSVIter(data_csv=str(data), data_shape=(2,), batch_size=2)
    assert [b.label[0].asnumpy().tolist() for b in c] == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ValueError, match="data_shape"):
        io.CSVIter(data_csv=str(data), data_shape=(3,), batch_size=2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_csv_iter_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        io.CSVIter(data_csv=str(fifo), data_shape=(2,))


def test_module_is_reachable_as_mxnet_names():
    assert mx.io is io
    import deepblocks.io as again
    assert again is io

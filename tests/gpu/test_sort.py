"""Sorting on a GPU: ``np.sort``, ``np.argsort``, ``ndarray.sort`` (in place) and ``npx.topk``
give on the device what the CPU engine gives (and NumPy's stable sort, with the references
of tests/test_sort.py): every dtype and view kind, ``axis=None``, NaN, infinities and
signed zeros, ties in both directions, lanes long enough to need several threads of a block
and more lanes than blocks; gradients of sorted values agree with the CPU's."""

import numpy as onp
from hypothesis import given
from hypothesis import strategies as st

from conftest import dtypes, raises, shapes, views
from deepblocks import npx
from deepblocks import np as dnp
from test_sort import axis_of, bad_axis, distinct, reference_topk

from .conftest import check, few, on_device
from .test_autograd import same_as_cpu, seeds

view_kinds = st.sampled_from(["contig", "strided", "negative", "transposed", "mixed", "broadcast"])


def on_cpu(x):
    return x.copyto(npx.cpu(0))


@few(25)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=3, max_side=5), kind=view_kinds)
def test_sort_and_argsort(device, data, dtype, shape, kind):
    host, dev = data.draw(on_device(device, views(dtype, shape, kind=kind, special=dtype.startswith("float"))))
    axis = data.draw(axis_of(len(shape)))
    if bad_axis(shape, axis):
        raises(ValueError, dnp.sort, dev, axis, contains=str(shape))
        return
    cpu = on_cpu(dev)
    for fn in (dnp.sort, dnp.argsort):
        got = fn(dev, axis=axis)
        check(got, getattr(onp, fn.__name__)(host, axis=axis, kind="stable"), device)
        check(on_cpu(got), fn(cpu, axis=axis).asnumpy(), npx.cpu(0))
    check(dev.argsort(axis=axis), onp.argsort(host, axis=axis, kind="stable"), device)


@few(25)
@given(data=st.data(), dtype=dtypes, shape=shapes(min_dims=1, max_dims=3, max_side=5), kind=view_kinds,
       is_ascend=st.booleans())
def test_topk(device, data, dtype, shape, kind, is_ascend):
    host, dev = data.draw(on_device(device, views(dtype, shape, kind=kind, special=dtype.startswith("float"))))
    axis = data.draw(axis_of(len(shape), allow_bad=False))
    n = host.size if axis is None else shape[axis]
    k = data.draw(st.integers(0, n))
    values, idx, mask = reference_topk(host, axis, k, is_ascend)
    got = npx.topk(dev, axis=axis, k=k, ret_typ="both", is_ascend=is_ascend, dtype="int64")
    check(got[0], values, device)
    check(got[1], idx, device)
    check(npx.topk(dev, axis=axis, k=k, ret_typ="mask", is_ascend=is_ascend), mask.reshape(host.shape), device)


@few(10)
@given(data=st.data(), kind=st.sampled_from(["contig", "negative", "transposed", "mixed"]))
def test_sort_in_place(device, data, kind):
    dtype = data.draw(dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=4))
    host, dev, host_base, dev_base = data.draw(on_device(device, views(dtype, shape, kind=kind, return_base=True)))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    dev.sort(axis=axis)
    host.sort(axis=axis, kind="stable")
    check(dev, host, device)
    check(dev_base, host_base, device)


def test_long_lanes_and_many_lanes(device):
    """Lanes of 100 (a bitonic network of 128 slots, shared by the threads of a block), and
    lanes longer than one block sorts (the network stage by stage over every lane: 2500
    along either axis, 4000 flattened), with many ties; more lanes than the grid has blocks."""
    rng = onp.random.default_rng(1)
    for dtype in ("int32", "float32", "float64"):
        host = rng.integers(0, 20, size=(7, 100)).astype(dtype)
        if dtype != "int32":
            host[rng.random(host.shape) < 0.1] = onp.nan
        dev = dnp.array(host, ctx=device)
        check(dnp.argsort(dev), onp.argsort(host, kind="stable"), device)
        check(dnp.sort(dev.T, axis=0), onp.sort(host.T, axis=0), device)
        values, idx, _ = reference_topk(host, -1, 10, False)
        check(npx.topk(dev, k=10, dtype="int64"), idx, device)
        check(npx.topk(dev, k=10, ret_typ="value"), values, device)
    long = rng.integers(0, 30, size=(2, 2500)).astype("float32")
    long[:, ::7] = onp.nan
    dev = dnp.array(long, ctx=device)
    check(dnp.argsort(dev), onp.argsort(long, kind="stable"), device)
    check(dnp.argsort(dev.T, axis=0), onp.argsort(long.T, axis=0, kind="stable"), device)
    values, idx, _ = reference_topk(long, -1, 5, False)
    check(npx.topk(dev, k=5, dtype="int64"), idx, device)
    check(npx.topk(dev, k=5, ret_typ="value"), values, device)
    flat = rng.integers(0, 50, size=4000).astype("int64")
    check(dnp.argsort(dnp.array(flat, ctx=device)), onp.argsort(flat, kind="stable"), device)
    check(dnp.sort(dnp.array(flat, ctx=device)), onp.sort(flat), device)


grad_cases = st.sampled_from([((5,), -1), ((3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), None)])


@few(4)
@given(case=grad_cases, seed=seeds, is_ascend=st.booleans())
def test_gradients_agree_with_the_cpu(device, case, seed, is_ascend):
    shape, axis = case
    x = distinct(shape, seed)
    same_as_cpu(device, lambda a: dnp.sort(a, axis=axis), [x], seed)
    k = max(1, (x.size if axis is None else shape[axis]) // 2)
    same_as_cpu(device, lambda a: npx.topk(a, axis=axis, k=k, ret_typ="value", is_ascend=is_ascend), [x], seed)

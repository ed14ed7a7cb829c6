"""Semantics of ``deepblocks.autograd`` (MXNet Gluon 1.9's autograd): gradient buffers and
``grad_req``, the recording and training flags, head gradients, ``retain_graph``,
``detach``, ``autograd.grad``, ``mark_variables``, in-place writes and the version check,
deep graphs, memory, and the legacy ``nd`` arrays.

The gradients of individual operations are checked against finite differences in
``test_autograd_grads.py``; here the values are small hand-computed cases.
"""

import gc
import os
import threading

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, nd, np, npx
from deepblocks.base import MXNetError

NOT_IN_GRAPH = "Cannot differentiate node because it is not in a computational graph"


def close(a, expected, rtol=1e-6, atol=1e-6):
    """``a`` (a deepblocks array) has the values ``expected``."""
    got = a.asnumpy()
    expected = onp.asarray(expected, dtype="float64")
    assert got.shape == expected.shape, (got.shape, expected.shape)
    onp.testing.assert_allclose(got.astype("float64"), expected, rtol=rtol, atol=atol)


def var(values, grad_req="write", dtype="float64"):
    x = np.array(values, dtype=dtype)
    x.attach_grad(grad_req)
    return x


@pytest.fixture(autouse=True)
def _clean_flags():
    """Every test starts and ends outside record() in prediction mode."""
    autograd.set_recording(False)
    autograd.set_training(False)
    yield
    assert not autograd.is_recording(), "a test left recording on"
    assert not autograd.is_training(), "a test left training mode on"


# ---- attach_grad and the gradient buffer ---------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_attach_grad_gives_zeros_of_same_shape_and_dtype(dtype):
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=dtype)
    x.attach_grad()
    g = x.grad
    assert isinstance(g, np.ndarray)
    assert g.shape == (2, 3)
    assert g.dtype == onp.dtype(dtype)
    assert (g.asnumpy() == 0).all()
    assert x._grad_req == "write"


def test_grad_is_a_live_buffer():
    x = var([1.0, 2.0, 3.0])
    g = x.grad
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    close(g, [2.0, 4.0, 6.0])  # the reference taken before backward sees the new values
    close(x.grad, [2.0, 4.0, 6.0])
    # The buffer can be written by the user too (e.g. zeroing it), and x.grad sees that.
    g[:] = 7
    close(x.grad, [7.0, 7.0, 7.0])


def test_reattach_gives_a_fresh_zero_buffer():
    x = var([1.0, 2.0])
    old = x.grad
    with autograd.record():
        y = (x * 3).sum()
    y.backward()
    close(old, [3.0, 3.0])
    x.attach_grad()
    close(x.grad, [0.0, 0.0])
    close(old, [3.0, 3.0])  # the old buffer is no longer the gradient
    with autograd.record():
        y = (x * 5).sum()
    y.backward()
    close(x.grad, [5.0, 5.0])
    close(old, [3.0, 3.0])


def test_reattach_forgets_the_graph_that_produced_the_array():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 2
    y.attach_grad()  # y is a leaf now: gradients stop at y
    with autograd.record():
        z = (y * y).sum()
    z.backward()
    close(y.grad, [4.0, 8.0])
    close(x.grad, [0.0, 0.0])


def test_grad_is_none_without_attach_and_with_null():
    x = np.array([1.0, 2.0])
    assert x.grad is None
    assert x._grad_req is None
    x.attach_grad(grad_req="null")
    assert x.grad is None
    assert x._grad_req == "null"


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
def test_attach_grad_on_non_float_raises_type_error(dtype):
    x = np.array([1, 0], dtype=dtype)
    raises(TypeError, x.attach_grad)
    assert x.grad is None


def test_attach_grad_bad_grad_req_raises_value_error():
    x = np.array([1.0])
    raises(ValueError, x.attach_grad, "bogus", contains="grad_req")
    raises(ValueError, x.attach_grad, grad_req="Write")
    assert x.grad is None


def test_attach_grad_rejects_sparse_stype():
    raises(TypeError, np.array([1.0]).attach_grad, "write", "row_sparse")


# ---- grad_req --------------------------------------------------------------------------------------


def test_grad_req_write_overwrites_each_backward():
    x = var([1.0, 2.0])
    for k in (2.0, 3.0, 5.0):
        with autograd.record():
            y = (x * k).sum()
        y.backward()
        close(x.grad, [k, k])


def test_grad_req_add_accumulates():
    x = var([1.0, 2.0], grad_req="add")
    assert x._grad_req == "add"
    total = 0.0
    for k in (2.0, 3.0, 5.0):
        with autograd.record():
            y = (x * k).sum()
        y.backward()
        total += k
        close(x.grad, [total, total])
    x.grad[:] = 0  # the usual zero_grad
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    close(x.grad, [2.0, 4.0])


def test_grad_req_null_gets_nothing_and_is_not_recorded():
    x = var([1.0, 2.0], grad_req="null")
    w = var([3.0, 4.0])
    with autograd.record():
        only_null = x * 2
        mixed = (x * w).sum()
    raises(MXNetError, only_null.backward, contains=NOT_IN_GRAPH)
    mixed.backward()
    close(w.grad, [1.0, 2.0])
    assert x.grad is None


def test_mixed_grad_reqs_in_one_backward():
    a = var([1.0, 2.0], "write")
    b = var([3.0, 4.0], "add")
    b.grad[:] = 10
    with autograd.record():
        y = (a * b).sum()
    y.backward()
    close(a.grad, [3.0, 4.0])
    close(b.grad, [11.0, 12.0])


def test_variable_not_reached_by_backward_keeps_its_buffer():
    x = var([1.0, 2.0])
    unused = var([5.0])
    unused.grad[:] = 9
    with autograd.record():
        y = (x * 2).sum()
    y.backward()
    close(unused.grad, [9.0])


# ---- nothing recorded outside record() --------------------------------------------------------------


def test_nothing_recorded_outside_record():
    x = var([1.0, 2.0])
    y = x * 2
    e = raises(MXNetError, y.backward, contains=NOT_IN_GRAPH)
    assert "retain_graph=True" in str(e)
    close(x.grad, [0.0, 0.0])


def test_plain_arrays_are_not_recorded():
    a = np.array([1.0, 2.0])
    with autograd.record():
        y = (a * 2).sum()
    raises(MXNetError, y.backward, contains=NOT_IN_GRAPH)


def test_mxnet_error_is_a_runtime_error():
    x = var([1.0])
    e = raises(MXNetError, (x * 2).backward)
    assert isinstance(e, RuntimeError)


# ---- recording and training flags --------------------------------------------------------------------


def flags():
    return autograd.is_recording(), autograd.is_training()


def test_flags_default_off():
    assert flags() == (False, False)


def test_record_sets_recording_and_training():
    with autograd.record():
        assert flags() == (True, True)
    assert flags() == (False, False)


def test_record_in_predict_mode():
    with autograd.record(train_mode=False):
        assert flags() == (True, False)
    assert flags() == (False, False)


def test_pause_inside_record():
    with autograd.record():
        with autograd.pause():
            assert flags() == (False, False)
        assert flags() == (True, True)
        with autograd.pause(train_mode=True):
            assert flags() == (False, True)
        assert flags() == (True, True)


def test_train_mode_and_predict_mode_leave_recording_alone():
    with autograd.train_mode():
        assert flags() == (False, True)
        with autograd.predict_mode():
            assert flags() == (False, False)
        assert flags() == (False, True)
    assert flags() == (False, False)
    with autograd.record():
        with autograd.predict_mode():
            assert flags() == (True, False)
        with autograd.train_mode():
            assert flags() == (True, True)
        assert flags() == (True, True)


def test_nested_scopes_restore_on_exit():
    with autograd.record(train_mode=False):
        with autograd.record():
            assert flags() == (True, True)
            with autograd.pause():
                assert flags() == (False, False)
                with autograd.record(train_mode=False):
                    assert flags() == (True, False)
                assert flags() == (False, False)
            assert flags() == (True, True)
        assert flags() == (True, False)
    assert flags() == (False, False)


def test_scopes_restore_when_the_block_raises():
    with pytest.raises(KeyError):
        with autograd.record():
            with autograd.pause():
                raise KeyError("boom")
    assert flags() == (False, False)
    with autograd.record():
        with pytest.raises(ZeroDivisionError):
            with autograd.pause(train_mode=True):
                with autograd.predict_mode():
                    1 / 0
        assert flags() == (True, True)
    assert flags() == (False, False)


def test_recording_stops_after_record_block():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 2
    z = y * 3  # outside: not recorded
    raises(MXNetError, z.backward, contains=NOT_IN_GRAPH)
    y.backward()
    close(x.grad, [2.0, 2.0])


def test_ops_under_pause_are_not_recorded():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * x
        with autograd.pause():
            c = x * 10  # a constant
        z = (y + c).sum()
    z.backward()
    close(x.grad, [2.0, 4.0])


def test_set_recording_and_set_training_return_previous():
    assert autograd.set_recording(True) is False
    assert autograd.is_recording()
    assert autograd.set_recording(True) is True
    assert autograd.set_recording(False) is True
    assert autograd.set_recording(False) is False
    assert autograd.set_training(True) is False
    assert autograd.is_training()
    assert autograd.set_training(False) is True
    assert flags() == (False, False)


def test_set_recording_records():
    x = var([3.0])
    prev = autograd.set_recording(True)
    try:
        y = x * x
    finally:
        autograd.set_recording(prev)
    y.backward()
    close(x.grad, [6.0])


def test_flags_are_per_thread():
    seen = {}
    x = var([1.0, 2.0])

    def worker():
        seen["flags"] = flags()
        # Operations in this thread are not recorded into the main thread's graph.
        seen["y"] = x * 2
        with autograd.record():
            seen["inner"] = flags()
        seen["after"] = flags()

    with autograd.record():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert flags() == (True, True)
    assert seen["flags"] == (False, False)
    assert seen["inner"] == (True, True)
    assert seen["after"] == (False, False)
    raises(MXNetError, seen["y"].backward, contains=NOT_IN_GRAPH)


def test_recording_in_a_thread_does_not_leak_to_main():
    ready, done = threading.Event(), threading.Event()

    def worker():
        with autograd.record():
            ready.set()
            done.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    assert ready.wait(5)
    try:
        assert flags() == (False, False)
    finally:
        done.set()
        t.join()


def test_graph_recorded_in_a_thread_can_be_backwarded_in_main():
    x = var([1.0, 2.0])
    out = {}

    def worker():
        with autograd.record():
            out["y"] = (x * x * 3).sum()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    out["y"].backward()
    close(x.grad, [6.0, 12.0])


# ---- head gradients -------------------------------------------------------------------------------------


def test_non_scalar_head_uses_ones():
    x = var([[1.0, 2.0], [3.0, 4.0]])
    with autograd.record():
        y = x * x
    y.backward()
    close(x.grad, [[2.0, 4.0], [6.0, 8.0]])


def test_head_gradient_argument():
    x = var([1.0, 2.0, 3.0])
    with autograd.record():
        y = x * x
    y.backward(np.array([1.0, 0.5, -2.0]))
    close(x.grad, [2.0, 2.0, -12.0])


def test_scalar_head_gradient():
    x = var([1.0, 2.0])
    with autograd.record():
        y = (x * 3).sum()
    y.backward(np.array(2.0))
    close(x.grad, [6.0, 6.0])


def test_backward_several_heads_with_head_grads():
    x = var([1.0, 2.0])
    with autograd.record():
        y1 = x * x
        y2 = x * 3
    autograd.backward([y1, y2], [np.array([1.0, 10.0]), np.array([2.0, 0.0])])
    # d/dx (g1 * x^2 + g2 * 3x) = 2 x g1 + 3 g2
    close(x.grad, [2 * 1 * 1 + 3 * 2, 2 * 2 * 10 + 0])


def test_backward_several_heads_default_ones_and_none_entries():
    x = var([1.0, 2.0])
    with autograd.record():
        y1 = x * x
        y2 = x * 3
    autograd.backward([y1, y2])
    close(x.grad, [5.0, 7.0])
    with autograd.record():
        y1 = x * x
        y2 = x * 3
    autograd.backward((y1, y2), [None, np.array([2.0, 2.0])])
    close(x.grad, [8.0, 10.0])


def test_backward_heads_sharing_a_graph():
    x = var([2.0])
    with autograd.record():
        y = x * x
        z = y * 3
    # Both a node and a node computed from it are heads: the gradients add.
    autograd.backward([y, z])
    close(x.grad, [2 * 2 + 6 * 2])


def test_backward_single_array_to_module_function():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 4
    autograd.backward(y)
    close(x.grad, [4.0, 4.0])


def test_head_gradient_shape_mismatch_raises_value_error():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * x
    raises(ValueError, y.backward, np.array([1.0, 2.0, 3.0]), retain_graph=True)
    raises(ValueError, autograd.backward, [y], [np.ones((2, 1))], retain_graph=True)
    # A failed backward leaves the graph and the buffer usable.
    close(x.grad, [0.0, 0.0])
    y.backward()
    close(x.grad, [2.0, 4.0])


def test_head_grads_count_mismatch_raises_value_error():
    x = var([1.0])
    with autograd.record():
        y1 = x * 2
        y2 = x * 3
    raises(ValueError, autograd.backward, [y1, y2], [np.array([1.0])])


def test_backward_on_an_attached_variable_gives_ones():
    x = var([[1.0, 2.0], [3.0, 4.0]])
    x.backward()
    close(x.grad, onp.ones((2, 2)))
    x = var([1.0, 2.0], "add")
    x.backward(np.array([3.0, 4.0]))
    x.backward(np.array([3.0, 4.0]))
    close(x.grad, [6.0, 8.0])


# ---- retain_graph ------------------------------------------------------------------------------------


def test_second_backward_without_retain_graph_raises():
    x = var([1.0, 2.0])
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    close(x.grad, [2.0, 4.0])
    raises(MXNetError, y.backward, contains=NOT_IN_GRAPH)
    close(x.grad, [2.0, 4.0])


def test_retain_graph_write_gives_same_gradient():
    x = var([1.0, 2.0])
    with autograd.record():
        y = (x * x * x).sum()
    y.backward(retain_graph=True)
    close(x.grad, [3.0, 12.0])
    y.backward(retain_graph=True)
    close(x.grad, [3.0, 12.0])
    y.backward()  # frees it
    close(x.grad, [3.0, 12.0])
    raises(MXNetError, y.backward, contains=NOT_IN_GRAPH)


def test_retain_graph_add_doubles():
    x = var([1.0, 2.0], "add")
    with autograd.record():
        y = (x * x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    close(x.grad, [6.0, 24.0])


def test_backward_frees_shared_part_for_other_heads():
    x = var([1.0, 2.0])
    with autograd.record():
        h = x * x
        a = h.sum()
        b = (h * 2).sum()
    a.backward()
    # b's graph goes through h, freed by the first backward.
    raises(MXNetError, b.backward, contains=NOT_IN_GRAPH)


def test_result_of_freed_graph_is_a_constant_in_new_graphs():
    # MXNet: once a graph is freed, its results are plain values (d2l carries RNN states so).
    x = var([1.0, 2.0])
    with autograd.record():
        state = x * 3
        loss = state.sum()
    loss.backward()
    with autograd.record():
        loss2 = (state * x).sum()
    loss2.backward()
    close(x.grad, [3.0, 6.0])  # state is a constant [3, 6]


# ---- graph structure -----------------------------------------------------------------------------------


def test_leaf_used_several_times_sums():
    x = var([1.0, 2.0, -3.0])
    with autograd.record():
        y = x * x + x
    y.backward()
    close(x.grad, [3.0, 5.0, -5.0])


def test_shared_subexpression():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 2
        z = y * y + y
    z.backward()
    # z = 4x^2 + 2x -> 8x + 2
    close(x.grad, [10.0, 18.0])


def test_diamond_graph():
    x = var([0.5, 2.0])
    with autograd.record():
        a = x * 3
        b = a * x
        c = a + b
        d = (c * a).sum()
    d.backward()
    # a=3x, b=3x^2, c=3x+3x^2, d=(3x+3x^2)*3x = 9x^2+9x^3 -> 18x+27x^2
    xv = onp.array([0.5, 2.0])
    close(x.grad, 18 * xv + 27 * xv**2)


def test_broadcast_gradient_is_summed():
    x = var([[1.0], [2.0]])
    w = var([1.0, 2.0, 3.0])
    with autograd.record():
        y = x * w
    y.backward()
    close(x.grad, [[6.0], [6.0]])
    close(w.grad, [3.0, 3.0, 3.0])


def test_two_variables_and_float32():
    a = var([1.0, 2.0], dtype="float32")
    b = var([3.0, 4.0], dtype="float32")
    with autograd.record():
        y = (a * b + a).sum()
    y.backward()
    assert a.grad.dtype == onp.float32
    close(a.grad, [4.0, 5.0])
    close(b.grad, [1.0, 2.0])


def test_independent_graphs_do_not_interfere():
    x = var([1.0, 2.0])
    with autograd.record():
        y1 = (x * 2).sum()
        y2 = (x * 5).sum()
    y2.backward()
    close(x.grad, [5.0, 5.0])
    y1.backward()
    close(x.grad, [2.0, 2.0])


# ---- detach ------------------------------------------------------------------------------------


def test_detach_stops_the_gradient():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * x
        z = (y.detach() * x).sum()  # d/dx = y (a constant)
    z.backward()
    close(x.grad, [1.0, 4.0])


def test_detach_alone_is_not_differentiable():
    x = var([1.0, 2.0])
    with autograd.record():
        y = (x * 2).detach()
        z = (y * 3).sum()
    raises(MXNetError, z.backward, contains=NOT_IN_GRAPH)


def test_detach_of_a_variable_is_not_a_variable():
    x = var([1.0, 2.0])
    d = x.detach()
    assert d.grad is None
    assert x.grad is not None


def test_detach_shares_memory():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 2
    d = y.detach()
    assert d._storage_id == y._storage_id
    d[0] = 100.0
    assert y.asnumpy()[0] == 100.0
    dx = x.detach()
    assert dx._storage_id == x._storage_id
    dx[1] = -1.0
    close(x, [1.0, -1.0])


# ---- autograd.grad ------------------------------------------------------------------------------------


def test_grad_single_variable_returns_array():
    x = var([1.0, 2.0])
    x.grad[:] = 42
    with autograd.record():
        y = (x * x).sum()
    g = autograd.grad(y, x)
    assert isinstance(g, np.ndarray)
    close(g, [2.0, 4.0])
    close(x.grad, [42.0, 42.0])  # the buffer is untouched


def test_grad_list_of_variables_returns_list():
    x = var([1.0, 2.0])
    w = var([3.0, 4.0], "add")
    with autograd.record():
        y = (x * w).sum()
    gs = autograd.grad([y], [x, w])
    assert isinstance(gs, list) and len(gs) == 2
    close(gs[0], [3.0, 4.0])
    close(gs[1], [1.0, 2.0])
    close(x.grad, [0.0, 0.0])
    close(w.grad, [0.0, 0.0])


def test_grad_frees_graph_unless_retained():
    x = var([1.0, 2.0])
    with autograd.record():
        y = (x * x).sum()
    close(autograd.grad(y, x, retain_graph=True), [2.0, 4.0])
    close(autograd.grad(y, x), [2.0, 4.0])
    raises(MXNetError, autograd.grad, y, x, contains=NOT_IN_GRAPH)


def test_grad_with_head_grads():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * x
    close(autograd.grad(y, x, head_grads=np.array([3.0, -1.0])), [6.0, -4.0])


def test_grad_of_unreached_variable_is_zero():
    x = var([1.0, 2.0])
    u = var([7.0, 7.0, 7.0])
    with autograd.record():
        y = (x * 2).sum()
    gs = autograd.grad(y, [x, u])
    close(gs[0], [2.0, 2.0])
    close(gs[1], [0.0, 0.0, 0.0])


def test_grad_variable_not_attached_raises():
    x = var([1.0, 2.0])
    plain = np.array([1.0, 2.0])
    with autograd.record():
        y = (x * plain).sum()
    raises(MXNetError, autograd.grad, y, plain)
    raises(MXNetError, autograd.grad, y, [x, plain], retain_graph=True)


def test_grad_with_respect_to_intermediate():
    x = var([1.0, 2.0])
    with autograd.record():
        h = x * 3
        y = (h * h).sum()
    close(autograd.grad(y, h), [6.0, 12.0])


def test_grad_create_graph_second_derivative():
    x = var([2.0])
    with autograd.record():
        y = x * x * x
        dy = autograd.grad(y, x, create_graph=True)
    close(dy, [12.0])  # 3x^2
    dy.backward()
    close(x.grad, [12.0])  # 6x


def test_grad_create_graph_result_is_recorded_and_nested():
    x = var([2.0])
    with autograd.record():
        y = x * x * x
        d1 = autograd.grad(y, x, create_graph=True)
        d2 = autograd.grad(d1, x, create_graph=True)
    close(d1, [12.0])
    close(d2, [12.0])  # 6x
    d2.backward()
    close(x.grad, [6.0])


def test_grad_without_create_graph_is_a_constant():
    x = var([2.0])
    with autograd.record():
        y = x * x * x
        dy = autograd.grad(y, x)
    close(dy, [12.0])
    raises(MXNetError, dy.backward, contains=NOT_IN_GRAPH)


# ---- mark_variables -------------------------------------------------------------------------------------


def test_mark_variables_uses_the_given_buffers():
    x = np.array([1.0, 2.0])
    w = np.array([3.0, 4.0])
    gx = np.array([10.0, 10.0])
    gw = np.array([0.0, 0.0])
    autograd.mark_variables([x, w], [gx, gw], "add")
    assert x._grad_req == "add" and w._grad_req == "add"
    with autograd.record():
        y = (x * w).sum()
    y.backward()
    close(gx, [13.0, 14.0])
    close(gw, [1.0, 2.0])
    assert x.grad._storage_id == gx._storage_id
    close(x.grad, [13.0, 14.0])


def test_mark_variables_rejects_buffers_of_another_dtype_or_shape():
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="int32"):
        autograd.mark_variables([x], [np.zeros(2, dtype="int32")])
    with pytest.raises(ValueError, match=r"\(3,\)"):
        autograd.mark_variables([x], [np.zeros(3)])
    assert x.grad is None


def test_mark_variables_single_and_per_variable_reqs():
    x = np.array([1.0, 2.0])
    gx = np.zeros(2)
    autograd.mark_variables(x, gx)
    assert x._grad_req == "write"
    a, b = np.array([1.0]), np.array([2.0])
    autograd.mark_variables([a, b], [np.ones(1), np.ones(1)], ["write", "add"])
    with autograd.record():
        y = a * b
    y.backward()
    close(a.grad, [2.0])
    close(b.grad, [2.0])


def test_mark_variables_errors():
    x = np.array([1.0, 2.0])
    raises(ValueError, autograd.mark_variables, [x], [np.zeros(3)])
    raises(ValueError, autograd.mark_variables, [x], [np.zeros(2), np.zeros(2)])
    raises(ValueError, autograd.mark_variables, [x], [np.zeros(2)], "sometimes")
    raises(TypeError, autograd.mark_variables, [np.array([1, 2], dtype="int32")], [np.zeros(2)])


# ---- in-place writes ---------------------------------------------------------------------------------------


def test_inplace_on_attached_variable_inside_record_raises():
    x = var([1.0, 2.0])
    with autograd.record():
        raises(MXNetError, x.__iadd__, 1)
        with pytest.raises(MXNetError):
            x[0] = 5.0
    close(x, [1.0, 2.0])


def test_inplace_on_attached_variable_outside_record_is_fine():
    x = var([1.0, 2.0])
    x += 1  # an optimizer update
    x[0] = 0.0
    close(x, [0.0, 3.0])
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    close(x.grad, [0.0, 6.0])


def test_modifying_a_saved_variable_before_backward_raises():
    x = var([1.0, 2.0])
    w = var([3.0, 4.0])
    with autograd.record():
        y = (x * w).sum()
    w[:] = 0
    raises(MXNetError, y.backward, contains="modified in place")


def test_modifying_a_saved_plain_array_before_backward_raises():
    x = var([1.0, 2.0])
    w = np.array([3.0, 4.0])
    with autograd.record():
        y = (x * w).sum()
    w[:] = 0
    raises(MXNetError, y.backward, contains="modified in place")
    close(x.grad, [0.0, 0.0])


def test_modifying_an_input_the_rule_does_not_read_is_fine():
    x = var([1.0, 2.0])
    c = np.array([1.0, 1.0])
    with autograd.record():
        y = (x + c).sum()
    c[:] = 5
    y.backward()
    close(x.grad, [1.0, 1.0])


def test_modifying_an_unread_variable_is_fine():
    # The rule of x + w reads neither input, so both may be changed before backward.
    x = var([1.0, 2.0])
    w = var([3.0, 4.0])
    with autograd.record():
        y = (x + w).sum()
    x[:] = 0
    w[:] = 0
    y.backward()
    close(x.grad, [1.0, 1.0])
    close(w.grad, [1.0, 1.0])


def test_modifying_a_saved_intermediate_raises():
    x = var([1.0, 2.0])
    with autograd.record():
        h = x * 2
        y = (h * h).sum()
    h[:] = 0  # outside record: changes a value the multiply rule saved
    raises(MXNetError, y.backward, contains="modified in place")


def test_inplace_on_recorded_non_leaf_inside_record():
    x = var([1.0, 2.0, 3.0])
    with autograd.record():
        y = x * 1
        y *= 3
        z = y.sum()
    z.backward()
    close(x.grad, [3.0, 3.0, 3.0])


def test_inplace_chain_on_non_leaf_inside_record():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * x
        y += x  # x^2 + x
        y *= 2  # 2x^2 + 2x
        z = y.sum()
    close(y, [4.0, 12.0])
    z.backward()
    close(x.grad, [6.0, 10.0])


# In-place writes while recording whose backward rule reads the target (y *= x, y *= y):
# the rule must keep a copy of the old value, not the target's handle (which the write
# overwrites and which then points at the new node: a reference cycle).


def test_inplace_mul_by_variable_on_non_leaf():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 1
        y *= x  # y = x^2
        z = y.sum()
    close(y, [1.0, 4.0])
    z.backward()
    close(x.grad, [2.0, 4.0])


def test_inplace_square_on_non_leaf():
    x = var([1.0, 3.0])
    with autograd.record():
        y = x * 2
        y *= y  # 4x^2
        z = y.sum()
    z.backward()
    close(x.grad, [8.0, 24.0])


def test_inplace_graph_dropped_without_backward_is_freed():
    x = np.ones((1024, 1024), dtype="float32")  # 4 MiB
    x.attach_grad()
    gc.collect()
    before = _rss_mb()
    for _ in range(50):
        with autograd.record():
            y = x * 1
            y *= x
        del y
    gc.collect()
    mb = _rss_mb() - before
    assert mb < 20, f"50 dropped in-place graphs of 4 MiB kept {mb:.0f} MB"


def test_inplace_setitem_on_non_leaf_inside_record():
    x = var([1.0, 2.0, 3.0])
    w = var([10.0])
    with autograd.record():
        y = x * 2
        y[1:2] = w * 5  # position 1 now comes from w
        z = (y * y).sum()
    close(y, [2.0, 50.0, 6.0])
    z.backward()
    # z = (2x0)^2 + (5w)^2 + (2x2)^2
    close(x.grad, [8.0, 0.0, 24.0])
    close(w.grad, [2 * 50.0 * 5])


def test_inplace_into_plain_array_from_recorded_value():
    x = var([1.0, 2.0])
    buf = np.zeros(2)
    with autograd.record():
        buf += x * 3  # buf becomes a recorded result
        z = (buf * buf).sum()
    z.backward()
    close(x.grad, [18.0, 36.0])


def test_stale_view_after_base_modified_inplace_raises():
    x = var([1.0, 2.0, 3.0])
    with autograd.record():
        y = x * 1
        v = y[0:2]
        y *= 3
        raises(MXNetError, v.__mul__, 2, contains="modified in place")
        z = y.sum()
    z.backward()
    close(x.grad, [3.0, 3.0, 3.0])


def test_inplace_on_recorded_result_outside_record_then_reuse_raises():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * 2
    y += 1  # outside record: y's value no longer matches its graph
    with autograd.record():
        raises(MXNetError, y.__mul__, 3, contains="modified in place")


# ---- deep graphs -------------------------------------------------------------------------------------


DEPTH = 100_000


def test_deep_chain_backward_and_drop():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x
        for _ in range(DEPTH):
            y = y * 1.0001
        z = y.sum()
    z.backward()
    close(x.grad, [1.0001**DEPTH] * 2, rtol=1e-9)
    del y, z
    gc.collect()


def test_deep_chain_with_leaf_used_every_step():
    x = var([0.5])
    with autograd.record():
        y = x
        for _ in range(DEPTH):
            y = y + x
    y.backward()
    close(x.grad, [DEPTH + 1.0])
    del y


def test_deep_chain_dropped_without_backward():
    x = var([1.0])
    with autograd.record():
        y = x
        for _ in range(DEPTH):
            y = y * 1.0001
    del y  # drops the whole unreleased graph
    gc.collect()
    # The thread is still fine afterwards.
    with autograd.record():
        z = (x * 2).sum()
    z.backward()
    close(x.grad, [2.0])


def test_deep_chain_retain_graph_then_drop():
    x = var([1.0])
    with autograd.record():
        y = x
        for _ in range(DEPTH):
            y = y + 1.0
    y.backward(retain_graph=True)
    close(x.grad, [1.0])
    del y


# ---- memory -------------------------------------------------------------------------------------------


def _rss_mb():
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_record_backward_loop_does_not_leak():
    rng = onp.random.default_rng(0)
    x = np.array(rng.standard_normal((64, 64)), dtype="float32")
    w1 = np.array(rng.standard_normal((64, 64)) * 0.1, dtype="float32")
    w2 = np.array(rng.standard_normal((64, 64)) * 0.1, dtype="float32")
    w1.attach_grad()
    w2.attach_grad()

    def step():
        with autograd.record():
            h = npx.relu(np.dot(x, w1))
            loss = np.dot(h, w2).sum()
        loss.backward()

    for _ in range(1000):
        step()
    gc.collect()
    before = _rss_mb()
    for _ in range(10_000):
        step()
    gc.collect()
    mb = _rss_mb() - before
    print(f"RSS growth: {mb:.1f} MB")
    assert mb < 20, f"RSS grew by {mb:.1f} MB over 10,000 record/backward iterations"
    assert onp.isfinite(w1.grad.asnumpy()).all()


# ---- legacy nd.NDArray -------------------------------------------------------------------------------


def test_legacy_ndarray_autograd():
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    assert type(x.grad) is nd.NDArray
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    g = x.grad
    assert type(g) is nd.NDArray
    assert g.dtype == onp.float32
    onp.testing.assert_allclose(g.asnumpy(), [2.0, 4.0, 6.0])
    assert repr(g) == repr(nd.array([2.0, 4.0, 6.0]))
    assert "<NDArray 3 @cpu(0)>" in repr(g)


def test_legacy_ndarray_detach_and_grad():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
        z = (y.detach() * x).sum()
    assert isinstance(y.detach(), nd.NDArray)
    g = autograd.grad(z, x, retain_graph=True)
    assert type(g) is nd.NDArray
    onp.testing.assert_allclose(g.asnumpy(), [1.0, 4.0])
    z.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [1.0, 4.0])


# ---- non-differentiable operations inside record ------------------------------------------------------


def test_comparisons_and_argmax_inside_record():
    x = var([1.0, 3.0, 2.0])
    with autograd.record():
        y = x * 2
        mask = y > 3
        i = np.argmax(y)
        j = np.argmin(x)
        eq = x == x
        z = (y * mask).sum()
    assert mask.dtype == onp.bool_
    assert int(i) == 1 and int(j) == 0
    assert eq.asnumpy().all()
    z.backward()
    close(x.grad, [0.0, 2.0, 2.0])


def test_integer_results_are_not_differentiable():
    x = var([1.0, 3.0, 2.0])
    with autograd.record():
        i = np.argmax(x)
        m = x > 1.5
        c = (x * 2).astype("int32")
    for r in (i, m, c):
        raises(MXNetError, r.backward, contains=NOT_IN_GRAPH)


def test_float_cast_of_comparison_is_a_constant():
    x = var([1.0, 3.0])
    with autograd.record():
        m = (x > 2).astype("float64")
        z = (m * x).sum()
    z.backward()
    close(x.grad, [0.0, 1.0])


# ---- errors never panic -------------------------------------------------------------------------------


def test_errors_are_python_exceptions():
    x = var([1.0, 2.0])
    with autograd.record():
        y = x * x
    raises(TypeError, autograd.backward, 5)
    raises(TypeError, autograd.backward, [y, "not an array"])
    raises(TypeError, autograd.grad, y, [x, 3])
    raises(TypeError, autograd.grad, y, None)
    raises(TypeError, autograd.mark_variables, 5, 6)
    raises(TypeError, x.attach_grad, None)
    raises(TypeError, y.backward, "abc", retain_graph=True)
    raises(ValueError, y.backward, np.zeros((3, 3)))
    raises(ValueError, y.backward, np.array(1.0))  # head gradients are not broadcast
    raises(ValueError, autograd.backward, [y], [None, None])
    y.backward()
    raises(MXNetError, y.backward)


def test_backward_inside_record_is_not_recorded():
    x = var([1.0, 2.0])
    with autograd.record():
        y = (x * x).sum()
        y.backward()
        assert flags() == (True, True)
        z = (x * 3).sum()  # recording goes on after backward
    close(x.grad, [2.0, 4.0])
    z.backward()
    close(x.grad, [3.0, 3.0])


def test_zero_d_and_empty_variables():
    s = var(3.0)
    assert s.grad.shape == ()
    with autograd.record():
        y = s * s
    y.backward()
    close(s.grad, 6.0)
    e = np.zeros((0, 3))
    e.attach_grad()
    with autograd.record():
        y = (e * 2).sum()
    y.backward()
    assert e.grad.shape == (0, 3)


def test_copies_to_another_cpu_pass_the_gradient():
    from deepblocks import cpu

    x = var([1.0, 2.0])
    with autograd.record():
        y = x.as_in_ctx(cpu(1))
        z = (y * 2).sum()
    assert y.ctx == cpu(1)
    z.backward()
    close(x.grad, [2.0, 2.0])


def test_iterating_a_recorded_array_keeps_the_graph():
    # `for row in x` under record(): each row is x[i], so gradients reach x (np and nd)
    for make in (np.array, nd.array):
        x = make(onp.arange(6.0).reshape(2, 3))
        x.attach_grad()
        with autograd.record():
            rows = [r for r in x]
            y = (rows[0] * 2 + rows[1]).sum()
        y.backward()
        assert x.grad.asnumpy().tolist() == [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]]
    v = nd.array([1.0, 2.0])
    assert [r.shape for r in v] == [v[0].shape, v[1].shape]


def test_star_import_hands_out_ndarray_as_mxnet():
    # MXNet's autograd module has no __all__, so ``from mxnet.autograd import *`` also gives
    # ``NDArray``; MXNet's own tests rely on it.
    ns = {}
    exec("from deepblocks.autograd import *", ns)
    assert ns["NDArray"] is nd.NDArray
    assert ns["record"] is autograd.record
    assert autograd.NDArray is nd.NDArray
    with pytest.raises(AttributeError):
        autograd.no_such_name


def test_relu_gradient_propagates_nan_as_mxnet():
    # recorded from MXNet 1.9.1: relu([nan, 1, -1]) = [nan, 1, 0], gradient [nan, 1, 0]
    for make in (np.array, nd.array):
        x = make([float("nan"), 1.0, -1.0])
        x.attach_grad()
        with autograd.record():
            y = npx.relu(x) if make is np.array else nd.relu(x)
        y.backward()
        assert onp.isnan(y.asnumpy()[0]) and y.asnumpy()[1:].tolist() == [1.0, 0.0]
        assert onp.isnan(x.grad.asnumpy()[0]) and x.grad.asnumpy()[1:].tolist() == [1.0, 0.0]
    # the composed rule (second derivatives) agrees
    x = np.array([float("nan"), 2.0, -2.0])
    x.attach_grad()
    with autograd.record():
        g = autograd.grad(npx.relu(x).sum(), [x], create_graph=True)[0]
    assert onp.isnan(g.asnumpy()[0]) and g.asnumpy()[1:].tolist() == [1.0, 0.0]

"""gluon.rnn's recurrent cells: one step and ``unroll`` (tensor or list inputs, both layouts,
merged or not, valid lengths) against the NumPy references of rnn_reference.py, stacks,
bidirectional, dropout, zoneout and residual cells, gradients by central finite differences,
printouts and parameter names compared with MXNet 1.9.1 (recorded from it, pasted verbatim),
MXNet-saved cells that load and unroll as MXNet did, and bad input.
"""

import pathlib

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_reference as ref
from conftest import raises
from deepblocks import autograd, gluon, nd, np, npx
from deepblocks.base import MXNetError
from deepblocks.gluon import rnn
from test_autograd_grads import check_grad

pytestmark = pytest.mark.usefixtures("gluon_state")

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "mxnet"
CELLS = {"rnn_tanh": lambda h, **kw: rnn.RNNCell(h, **kw), "rnn_relu": lambda h, **kw: rnn.RNNCell(h, "relu", **kw),
         "lstm": lambda h, **kw: rnn.LSTMCell(h, **kw), "gru": lambda h, **kw: rnn.GRUCell(h, **kw)}


def rand(*shape, seed=0, scale=1.0):
    return onp.random.default_rng(seed).uniform(-scale, scale, shape)


def cell_with(mode, n_in, hidden, seed=0, **kw):
    """A float64 cell with the reference's weights: ``(cell, weights)``."""
    w = ref.cell_weights(mode, n_in, hidden, seed=seed)
    cell = CELLS[mode](hidden, input_size=n_in, **kw)
    cell.initialize()
    cell.cast("float64")
    for name, value in w.items():
        getattr(cell, name).set_data(np.array(value))
    return cell, w


def begin(mode, batch, hidden, seed=1):
    n = 2 if mode == "lstm" else 1
    return [rand(batch, hidden, seed=seed + i) for i in range(n)]


def close(actual, expected):
    onp.testing.assert_allclose(actual.asnumpy(), expected, rtol=1e-10, atol=1e-12)


# ---- one step ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(CELLS))
@settings(max_examples=4)
@given(batch=st.integers(0, 3), n_in=st.integers(1, 3), hidden=st.integers(1, 3), seed=st.integers(0, 100))
def test_one_step_matches_the_reference(mode, batch, n_in, hidden, seed):
    cell, w = cell_with(mode, n_in, hidden, seed)
    x, states = rand(batch, n_in, seed=seed), begin(mode, batch, hidden, seed + 1)
    out, new = cell(np.array(x), [np.array(s) for s in states])
    e_h, e_c = ref.step(mode, w, x, *states)
    close(out, e_h)
    close(new[0], e_h)
    if mode == "lstm":
        close(new[1], e_c)
    assert type(out) is np.ndarray and isinstance(new, list)


@pytest.mark.parametrize("act", ["sigmoid", "softsign", "softrelu"])
def test_custom_activations(act):
    cell, w = cell_with("rnn_tanh", 2, 3, activation=act)
    x, (h,) = rand(2, 2), begin("rnn_tanh", 2, 3)
    close(cell(np.array(x), [np.array(h)])[0], ref.step("rnn_tanh", w, x, h, activation=act)[0])
    lstm, w = cell_with("lstm", 2, 3, activation=act, recurrent_activation="tanh")
    states = begin("lstm", 2, 3)
    out, (h2, c2) = lstm(np.array(x), [np.array(s) for s in states])
    e_h, e_c = ref.step("lstm", w, x, *states, activation=act, recurrent_activation="tanh")
    close(out, e_h)
    close(c2, e_c)


def test_leaky_relu_and_function_activations():
    cell, w = cell_with("rnn_tanh", 2, 3, activation=gluon.nn.LeakyReLU(0.1))
    x, (h,) = rand(2, 2), begin("rnn_tanh", 2, 3)
    pre = x @ w["i2h_weight"].T + w["i2h_bias"] + h @ w["h2h_weight"].T + w["h2h_bias"]
    close(cell(np.array(x), [np.array(h)])[0], onp.where(pre > 0, pre, 0.1 * pre))
    assert repr(cell) == "RNNCell(2 -> 3, LeakyReLU(0.1))"
    cell, w = cell_with("rnn_tanh", 2, 3, activation=lambda v: v * 2)
    close(cell(np.array(x), [np.array(h)])[0], 2 * pre)


def test_legacy_arrays_in_legacy_arrays_out():
    npx.reset_np()
    cell = rnn.LSTMCell(3)
    cell.initialize()
    states = cell.begin_state(batch_size=2)
    assert [type(s) for s in states] == [nd.NDArray] * 2
    out, new = cell(nd.ones((2, 4)), states)
    assert type(out) is nd.NDArray and [type(s) for s in new] == [nd.NDArray] * 2
    outputs, new = cell.unroll(3, nd.ones((2, 3, 4)))
    assert isinstance(outputs, list) and [type(o) for o in outputs] == [nd.NDArray] * 3
    assert [type(s) for s in new] == [nd.NDArray] * 2


# ---- unroll -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(CELLS))
@pytest.mark.parametrize("layout", ["NTC", "TNC"])
def test_unroll_matches_the_reference(mode, layout):
    cell, w = cell_with(mode, 2, 3, seed=4)
    xs = rand(4, 3, 2, seed=5)                                # (T, N, C)
    states = begin(mode, 3, 3, seed=6)
    e_out, e_h, e_c = ref.run(mode, w, xs, *states)
    data = xs if layout == "TNC" else xs.swapaxes(0, 1)
    outputs, new = cell.unroll(4, np.array(data), [np.array(s) for s in states], layout=layout, merge_outputs=True)
    close(outputs, e_out if layout == "TNC" else e_out.swapaxes(0, 1))
    close(new[0], e_h)
    if mode == "lstm":
        close(new[1], e_c)
    # a list of steps in, a list of steps out
    steps, _ = cell.unroll(4, [np.array(x) for x in xs], [np.array(s) for s in states], layout=layout)
    assert isinstance(steps, list) and len(steps) == 4
    for got, want in zip(steps, e_out):
        close(got, want)


def test_unroll_merge_rules():
    cell = rnn.GRUCell(3)
    cell.initialize()
    x = np.ones((2, 5, 4))
    assert isinstance(cell.unroll(5, x)[0], list)
    assert cell.unroll(5, x, merge_outputs=True)[0].shape == (2, 5, 3)
    assert isinstance(cell.unroll(5, x, merge_outputs=False)[0], list)
    # MXNet 1.9.1: with valid_length and merge_outputs=None the outputs come merged.
    assert cell.unroll(5, x, valid_length=np.array([2, 5]))[0].shape == (2, 5, 3)
    assert isinstance(cell.unroll(5, x, valid_length=np.array([2, 5]), merge_outputs=False)[0], list)
    assert cell.unroll(5, [np.ones((2, 4))] * 5, layout="TNC", merge_outputs=True)[0].shape == (5, 2, 3)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_unroll_valid_length(mode):
    cell, w = cell_with(mode, 2, 3, seed=7)
    xs, lengths = rand(5, 4, 2, seed=8), [3, 5, 0, 1]
    states = begin(mode, 4, 3, seed=9)
    outputs, new = cell.unroll(5, np.array(xs.swapaxes(0, 1)), [np.array(s) for s in states],
                               valid_length=np.array(lengths, dtype="float32"))
    e_out, e_h, e_c = ref.stack(mode, xs, {(0, 0): w}, states[0][None], None if mode == "gru" else states[1][None],
                                1, 1, lengths=lengths)
    close(outputs, e_out.swapaxes(0, 1))
    close(new[0], e_h[0])
    if mode == "lstm":
        close(new[1], e_c[0])


def test_sequential_cells():
    cells = [cell_with("lstm", 2, 3, seed=1), cell_with("gru", 3, 4, seed=2), cell_with("rnn_relu", 4, 2, seed=3)]
    for cls in (rnn.SequentialRNNCell, rnn.HybridSequentialRNNCell):
        stack = cls()
        for c, _ in cells:
            stack.add(c)
        stack.add(rnn.DropoutCell(0.5))
        assert len(stack) == 4 and stack[1] is cells[1][0]
        assert [i["shape"] for i in stack.state_info(2)] == [(2, 3), (2, 3), (2, 4), (2, 2)]
        xs = rand(3, 2, 2, seed=4)
        states = [rand(*i["shape"], seed=5 + k) for k, i in enumerate(stack.state_info(2))]
        outputs, new = stack.unroll(3, np.array(xs), [np.array(s) for s in states], layout="TNC", merge_outputs=True)
        o1, h1, c1 = ref.run("lstm", cells[0][1], xs, states[0], states[1])
        o2, h2, _ = ref.run("gru", cells[1][1], o1, states[2])
        o3, h3, _ = ref.run("rnn_relu", cells[2][1], o2, states[3])
        close(outputs, o3)
        for got, want in zip(new, [h1, c1, h2, h3]):
            close(got, want)
        # one step through the stack
        out, step_states = stack(np.array(xs[0]), [np.array(s) for s in states])
        close(out, o3[0])
        assert len(step_states) == 4


@pytest.mark.parametrize("valid", [None, [2, 4, 3]])
def test_bidirectional_cell(valid):
    (l_cell, lw), (r_cell, rw) = cell_with("lstm", 2, 3, seed=1), cell_with("gru", 2, 3, seed=2)
    bi = rnn.BidirectionalCell(l_cell, r_cell)
    xs = rand(4, 3, 2, seed=3)
    states = begin("lstm", 3, 3, seed=4) + begin("gru", 3, 3, seed=6)
    kw = {} if valid is None else {"valid_length": np.array(valid)}
    outputs, new = bi.unroll(4, np.array(xs), [np.array(s) for s in states], layout="TNC", merge_outputs=True, **kw)
    lengths = valid or [4, 4, 4]
    l_out, l_h, l_c = ref.stack("lstm", xs, {(0, 0): lw}, states[0][None], states[1][None], 1, 1, lengths)
    # the backward cell: the reference's reverse direction of a one-layer bidirectional stack
    r_out, r_h, _ = ref.stack("gru", xs, {(0, 0): rw, (0, 1): rw}, onp.stack([states[2]] * 2), None, 1, 2, lengths)
    close(outputs, onp.concatenate([l_out, r_out[:, :, 3:]], axis=2))
    for got, want in zip(new, [l_h[0], l_c[0], r_h[1]]):
        close(got, want)
    steps, _ = bi.unroll(4, np.array(xs), [np.array(s) for s in states], layout="TNC", **kw)
    assert (isinstance(steps, list) and len(steps) == 4) if valid is None else steps.shape == (4, 3, 6)
    raises(NotImplementedError, bi, np.array(xs[0]), states, contains="Bidirectional cannot be stepped")
    stack = rnn.SequentialRNNCell()
    stack.add(bi)
    raises(NotImplementedError, stack, np.array(xs[0]), states, contains="cannot be stepped")


def test_dropout_cell():
    cell = rnn.DropoutCell(0.5)
    x = np.ones((4, 50))
    assert cell(x, [])[0] is x
    with autograd.train_mode():
        out, states = cell(x, [])
        kept = out.asnumpy()
        assert set(onp.unique(kept)) <= {0.0, 2.0} and 0 < (kept == 0).sum() < kept.size
        outputs, states = cell.unroll(3, np.ones((2, 3, 50)), merge_outputs=True)
        assert outputs.shape == (2, 3, 50) and states == []
        steps, _ = cell.unroll(3, np.ones((2, 3, 50)), merge_outputs=False)
        assert len(steps) == 3
    raises(TypeError, rnn.DropoutCell, "0.5", contains="rate must be a number")


def test_zoneout_cell():
    base, w = cell_with("gru", 2, 30, seed=1)
    cell = rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.5)
    x, (h,) = rand(2, 2), begin("gru", 2, 30)
    e_h = ref.step("gru", w, x, h)[0]
    # prediction: the base cell's step
    close(cell(np.array(x), [np.array(h)])[0], e_h)
    cell.reset()
    with autograd.train_mode():
        out, (new,) = cell(np.array(x), [np.array(h)])
    out, new = out.asnumpy(), new.asnumpy()
    # each element is the new value or the previous one (output: zeros at first; state: h)
    assert onp.all(onp.isclose(out, e_h) | (out == 0)) and (out == 0).any() and (out != 0).any()
    assert onp.all(onp.isclose(new, e_h) | onp.isclose(new, h))
    outputs, _ = cell.unroll(3, np.ones((2, 3, 2), dtype="float64"), merge_outputs=True)
    assert outputs.shape == (2, 3, 30)
    raises(MXNetError, base.begin_state, 2, contains="After applying modifier cells")
    assert [s.shape for s in cell.begin_state(batch_size=2)] == [(2, 30)]
    raises(ValueError, rnn.ZoneoutCell, base, contains="is already modified")
    raises(ValueError, rnn.ZoneoutCell, rnn.BidirectionalCell(rnn.GRUCell(2), rnn.GRUCell(2)),
           contains="BidirectionalCell doesn't support zoneout")


def test_residual_cell():
    base, w = cell_with("rnn_tanh", 3, 3, seed=2)
    cell = rnn.ResidualCell(base)
    xs, (h,) = rand(4, 2, 3, seed=3), begin("rnn_tanh", 2, 3)
    out, _ = cell(np.array(xs[0]), [np.array(h)])
    close(out, ref.step("rnn_tanh", w, xs[0], h)[0] + xs[0])
    e_out, e_h, _ = ref.stack("rnn_tanh", xs, {(0, 0): w}, h[None], None, 1, 1, lengths=[4, 2])
    outputs, (new,) = cell.unroll(4, np.array(xs), [np.array(h)], layout="TNC", merge_outputs=True,
                                  valid_length=np.array([4, 2]))
    mask = (onp.arange(4)[:, None] < onp.array([4, 2]))[:, :, None]
    close(outputs, e_out + xs * mask)
    close(new, e_h[0])
    steps, _ = cell.unroll(4, np.array(xs), [np.array(h)], layout="TNC", merge_outputs=False)
    close(steps[3], ref.run("rnn_tanh", w, xs, h)[0][3] + xs[3])


# ---- gradients ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(CELLS))
def test_cell_gradients(mode):
    cell, _ = cell_with(mode, 2, 2, seed=3)
    states = begin(mode, 2, 2, seed=4)

    def f(x, *s):
        outputs, new = cell.unroll(3, x, list(s), layout="NTC", merge_outputs=True, valid_length=np.array([3, 2]))
        return [outputs] + new

    check_grad(f, rand(2, 3, 2, seed=5), *states)


def test_cell_parameter_gradients():
    from test_gluon_layers import check_grads
    stack = rnn.SequentialRNNCell()
    stack.add(rnn.LSTMCell(2, input_size=2, i2h_bias_initializer="uniform"))
    stack.add(rnn.GRUCell(2, input_size=2, h2h_bias_initializer="uniform"))
    stack.initialize()
    stack.cast("float64")

    class Unrolled(gluon.Block):
        def __init__(self):
            super().__init__()
            self.cells = stack

        def forward(self, x):
            return self.cells.unroll(3, x, merge_outputs=True)[0]

    check_grads(Unrolled(), rand(2, 3, 2, seed=6), rtol=1e-5, atol=1e-8)


# ---- begin_state, printouts, names ------------------------------------------------------------------


def test_begin_state():
    cell = rnn.LSTMCell(3)
    seen = []
    cell.begin_state(2, func=lambda shape, **kw: seen.append(kw) or np.zeros(shape))
    cell.begin_state(2, func=lambda shape, **kw: seen.append(kw) or np.zeros(shape))
    # MXNet counts the states a cell has made since its last reset.
    assert [kw["name"] for kw in seen] == ["lstm0_begin_state_0", "lstm0_begin_state_1", "lstm0_begin_state_2",
                                           "lstm0_begin_state_3"]
    assert seen[0]["__layout__"] == "NC"
    states = cell.begin_state(batch_size=2, func=np.ones, dtype="float64")
    assert [(s.shape, s.dtype) for s in states] == [((2, 3), onp.float64)] * 2
    # Recorded from MXNet 1.9.1.
    assert cell.state_info(2) == [{"shape": (2, 3), "__layout__": "NC"}, {"shape": (2, 3), "__layout__": "NC"}]


# Recorded from MXNet 1.9.1, numpy mode then legacy mode (MXNet prints None for an unknown size there),
# with each cell's parameter names and shapes (numpy mode).
REPRS = [
    ("rnn.RNNCell(4)", "RNNCell(-1 -> 4, tanh)", "RNNCell(None -> 4, tanh)", "rnn0_",
     [("rnn0_i2h_weight", (4, -1)), ("rnn0_h2h_weight", (4, 4)), ("rnn0_i2h_bias", (4,)), ("rnn0_h2h_bias", (4,))]),
    ("rnn.RNNCell(4, activation='relu', input_size=3)", "RNNCell(3 -> 4, relu)", "RNNCell(3 -> 4, relu)", "rnn0_",
     [("rnn0_i2h_weight", (4, 3)), ("rnn0_h2h_weight", (4, 4)), ("rnn0_i2h_bias", (4,)), ("rnn0_h2h_bias", (4,))]),
    ("rnn.LSTMCell(5, input_size=2)", "LSTMCell(2 -> 20)", "LSTMCell(2 -> 20)", "lstm0_",
     [("lstm0_i2h_weight", (20, 2)), ("lstm0_h2h_weight", (20, 5)), ("lstm0_i2h_bias", (20,)),
      ("lstm0_h2h_bias", (20,))]),
    ("rnn.GRUCell(6)", "GRUCell(-1 -> 18)", "GRUCell(None -> 18)", "gru0_",
     [("gru0_i2h_weight", (18, -1)), ("gru0_h2h_weight", (18, 6)), ("gru0_i2h_bias", (18,)),
      ("gru0_h2h_bias", (18,))]),
    ("rnn.DropoutCell(0.3)", "DropoutCell(rate=0.3, axes=())", "DropoutCell(rate=0.3, axes=())", "dropout0_", []),
    ("rnn.ZoneoutCell(rnn.LSTMCell(3), 0.2, 0.1)", "ZoneoutCell(p_out=0.2, p_state=0.1, LSTMCell(-1 -> 12))",
     "ZoneoutCell(p_out=0.2, p_state=0.1, LSTMCell(None -> 12))", "lstm0_zoneout",
     [("lstm0_i2h_weight", (12, -1)), ("lstm0_h2h_weight", (12, 3)), ("lstm0_i2h_bias", (12,)),
      ("lstm0_h2h_bias", (12,))]),
    ("rnn.ResidualCell(rnn.GRUCell(3))", "ResidualCell(GRUCell(-1 -> 9))", "ResidualCell(GRUCell(None -> 9))",
     "gru0_residualcell",
     [("gru0_i2h_weight", (9, -1)), ("gru0_h2h_weight", (9, 3)), ("gru0_i2h_bias", (9,)), ("gru0_h2h_bias", (9,))]),
    ("rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.LSTMCell(3))",
     "BidirectionalCell(forward=LSTMCell(-1 -> 12), backward=LSTMCell(-1 -> 12))",
     "BidirectionalCell(forward=LSTMCell(None -> 12), backward=LSTMCell(None -> 12))", "",
     [("lstm0_i2h_weight", (12, -1)), ("lstm0_h2h_weight", (12, 3)), ("lstm0_i2h_bias", (12,)),
      ("lstm0_h2h_bias", (12,)), ("lstm1_i2h_weight", (12, -1)), ("lstm1_h2h_weight", (12, 3)),
      ("lstm1_i2h_bias", (12,)), ("lstm1_h2h_bias", (12,))]),
]


@pytest.mark.parametrize("code, np_repr, nd_repr, prefix, params", REPRS)
def test_printouts_and_parameter_names_as_mxnet(code, np_repr, nd_repr, prefix, params, monkeypatch):
    from deepblocks.gluon import block
    cell = eval(code)
    assert repr(cell) == np_repr and cell.prefix == prefix
    assert [(k, p.shape) for k, p in cell.collect_params().items()] == params
    npx.reset_np()
    monkeypatch.setattr(block, "_global_counter", {})
    assert repr(eval(code)) == nd_repr


def test_stack_printouts_and_names_as_mxnet():
    # Recorded from MXNet 1.9.1 (numpy mode).
    stack = rnn.SequentialRNNCell()
    with stack.name_scope():
        stack.add(rnn.LSTMCell(4))
        stack.add(rnn.DropoutCell(0.5))
        stack.add(rnn.GRUCell(3, input_size=4))
    assert repr(stack) == ("SequentialRNNCell(\n(0): LSTMCell(-1 -> 16)\n(1): DropoutCell(rate=0.5, axes=())\n"
                           "(2): GRUCell(4 -> 9)\n)")
    assert [(k, p.shape) for k, p in stack.collect_params().items()] == [
        ("sequentialrnncell0_lstm0_i2h_weight", (16, -1)), ("sequentialrnncell0_lstm0_h2h_weight", (16, 4)),
        ("sequentialrnncell0_lstm0_i2h_bias", (16,)), ("sequentialrnncell0_lstm0_h2h_bias", (16,)),
        ("sequentialrnncell0_gru0_i2h_weight", (9, 4)), ("sequentialrnncell0_gru0_h2h_weight", (9, 3)),
        ("sequentialrnncell0_gru0_i2h_bias", (9,)), ("sequentialrnncell0_gru0_h2h_bias", (9,))]
    hybrid = rnn.HybridSequentialRNNCell()
    hybrid.add(rnn.LSTMCell(4))
    hybrid.add(rnn.RNNCell(3))
    assert repr(hybrid) == "HybridSequentialRNNCell(\n(0): LSTMCell(-1 -> 16)\n(1): RNNCell(-1 -> 3, tanh)\n)"
    assert hybrid.name == "hybridsequentialrnncell0"
    assert list(hybrid.collect_params())[4] == "rnn0_i2h_weight"


@pytest.mark.parametrize("mode", ["np", "legacy"])
def test_mxnet_saved_cells_load_and_unroll_as_mxnet(mode):
    make = np.array
    if mode == "legacy":
        npx.reset_np()
        make = nd.array
    io = onp.load(FIXTURES / "gluon_rnn_forward.npz")
    stack = rnn.HybridSequentialRNNCell()
    with stack.name_scope():
        stack.add(rnn.LSTMCell(4))
        stack.add(rnn.GRUCell(5))
        stack.add(rnn.RNNCell(3, activation="relu"))
    stack.load_parameters(str(FIXTURES / "gluon_rnn_cells.params"))
    for key, out_key, state_key, kw in (("cells_x", "cells_out", "cells_state", {}),
                                        ("cells_x", "cells_vout", "cells_vstate",
                                         {"valid_length": make(io["cells_valid"])})):
        outputs, states = stack.unroll(4, make(io[key]), layout="NTC", merge_outputs=True, **kw)
        assert type(outputs) is type(make(0.0))
        onp.testing.assert_allclose(outputs.asnumpy(), io[out_key], rtol=1e-5, atol=1e-6)
        for i, s in enumerate(states):
            onp.testing.assert_allclose(s.asnumpy(), io[f"{state_key}{i}"], rtol=1e-5, atol=1e-6)
    bi = rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.GRUCell(3))
    bi.load_parameters(str(FIXTURES / "gluon_bicell.params"))
    outputs, states = bi.unroll(5, make(io["bi_x"]), layout="TNC", merge_outputs=True,
                                valid_length=make(io["bi_valid"]))
    onp.testing.assert_allclose(outputs.asnumpy(), io["bi_out"], rtol=1e-5, atol=1e-6)
    for i, s in enumerate(states):
        onp.testing.assert_allclose(s.asnumpy(), io[f"bi_state{i}"], rtol=1e-5, atol=1e-6)


# ---- bad input ------------------------------------------------------------------------------------------


def test_bad_input_names_the_shapes():
    cell = rnn.LSTMCell(3, input_size=2)
    cell.initialize()
    x = np.ones((4, 2))
    raises(ValueError, cell, x, [np.zeros((4, 3))], contains=["expects 2 state(s)", "got 1"])
    raises(ValueError, cell, x, [np.zeros((4, 3)), np.zeros((2, 3))],
           contains="Invalid recurrent state shape. Expecting (4, 3), got (2, 3).")
    raises(ValueError, cell, np.ones((4, 5)), cell.begin_state(4), contains=["(4, 5)", "(12, 2)"])
    raises(ValueError, cell.unroll, 3, np.ones((4, 5, 2)), contains=["length=3", "(4, 5, 2)"])
    raises(ValueError, cell.unroll, 3, [x, x], contains=["length=3", "2 input steps"])
    raises(ValueError, cell.unroll, 3, np.ones((4, 2)), contains="(4, 2)")
    raises(ValueError, cell.unroll, 3, None, contains="unroll(inputs=None) has been deprecated")


def test_states_carry_into_the_next_batch():
    # As in d2l: back-propagate from the outputs alone and start the next batch from the states.
    cells = [rnn.LSTMCell(3), rnn.ZoneoutCell(rnn.LSTMCell(3), 0.3, 0.3), rnn.BidirectionalCell(rnn.GRUCell(2),
                                                                                               rnn.GRUCell(2))]
    for cell in cells:
        cell.initialize()
        for kw in ({}, {"valid_length": np.array([2, 4])}):
            state = cell.begin_state(batch_size=2)
            for _ in range(3):
                with autograd.record():
                    out, state = cell.unroll(4, np.random.uniform(size=(2, 4, 3)), state, merge_outputs=True, **kw)
                    loss = out.sum()
                loss.backward()


def test_a_cell_written_mxnet_1x_style():
    class Scaled(rnn.HybridRecurrentCell):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = self.params.get("w", shape=(2, 2), init="ones")

        def state_info(self, batch_size=0):
            return [{"shape": (batch_size, 2), "__layout__": "NC"}]

        def hybrid_forward(self, F, x, states, w):
            out = F.np.dot(x, w) + states[0]
            return out, [out]

    cell = Scaled()
    cell.initialize()
    cell.hybridize()
    assert cell.name == "scaled0" and list(cell.collect_params()) == ["scaled0_w"]
    outputs, (h,) = cell.unroll(3, np.ones((1, 3, 2)), merge_outputs=True)
    onp.testing.assert_array_equal(outputs.asnumpy(), [[[2, 2], [4, 4], [6, 6]]])
    assert cell._counter == 2   # three steps since unroll's reset, as MXNet counts them


def test_operators_that_mxnet_1x_cells_call_through_f():
    # Legacy mode: F is nd, whose FullyConnected, LeakyReLU and Dropout such cells call.
    npx.reset_np()
    from deepblocks import init

    class Leaky(rnn.HybridRecurrentCell):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.i2h_weight = self.params.get("i2h_weight", shape=(2, 3), init=init.Constant(0.5))
            self.h2h_weight = self.params.get("h2h_weight", shape=(2, 2), init=init.Constant(-1.0))
            self.i2h_bias = self.params.get("i2h_bias", shape=(2,), init="zeros")

        def state_info(self, batch_size=0):
            return [{"shape": (batch_size, 2), "__layout__": "NC"}]

        def hybrid_forward(self, F, x, states, i2h_weight, h2h_weight, i2h_bias):
            pre = (F.FullyConnected(x, i2h_weight, i2h_bias, num_hidden=2)
                   + F.FullyConnected(states[0], h2h_weight, no_bias=True, num_hidden=2))
            out = F.Dropout(F.LeakyReLU(pre, act_type="leaky", slope=0.1), p=0.5)   # prediction: no dropout
            return out, [out]

    cell = Leaky()
    cell.initialize()
    outputs, (h,) = cell.unroll(3, nd.array([[[1, 2, 3], [-1, 0, 1], [2, 2, -4]]]), merge_outputs=True)
    assert type(outputs) is nd.NDArray
    # Recorded from MXNet 1.9.1.
    onp.testing.assert_allclose(outputs.asnumpy(), [[[3.0, 3.0], [-0.6, -0.6], [1.2, 1.2]]], rtol=1e-6)
    onp.testing.assert_allclose(h.asnumpy(), [[1.2, 1.2]], rtol=1e-6)


def test_lstm_bias_initializer():
    from deepblocks import init
    # Recorded from MXNet 1.9.1: zeros but the forget gate (the second quarter of the rows).
    cell = rnn.LSTMCell(3, i2h_bias_initializer=init.LSTMBias(2.0), input_size=2)
    cell.initialize()
    onp.testing.assert_array_equal(cell.i2h_bias.data().asnumpy(), [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    assert init.LSTMBias(2.0).dumps() == '["lstmbias", {"forget_bias": 2.0}]'
    layer = rnn.LSTM(3, i2h_bias_initializer="lstmbias", input_size=2)   # by name: forget_bias=1.0
    layer.initialize()
    onp.testing.assert_array_equal(layer.l0_i2h_bias.data().asnumpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    onp.testing.assert_array_equal(layer.l0_h2h_bias.data().asnumpy(), onp.zeros(12))


def test_legacy_random_operators_for_test_inputs():
    # MXNet 1.x code draws inputs with nd.uniform / nd.normal (operator order: ctx before dtype).
    npx.reset_np()
    x = nd.uniform(-1, 1, (2, 3))
    assert type(x) is nd.NDArray and x.shape == (2, 3) and x.dtype == onp.float32
    assert bool(((x >= -1) * (x < 1)).asnumpy().all())
    y = nd.normal(0, 1, (4,), None, "float64")
    assert y.shape == (4,) and y.dtype == onp.float64
    assert nd.random_uniform(shape=3).shape == (3,) and nd.random_normal(shape=(1, 2)).shape == (1, 2)

"""gluon.rnn's recurrent layers (RNN, LSTM, GRU) and the fused operator under them (npx.rnn,
nd.RNN): values against the NumPy references of rnn_reference.py (float64, both layouts,
uni- and bidirectional, stacked, with and without initial states, LSTM projection, valid
lengths, cell-state clipping), gradients by central finite differences, printouts, parameter
names and file keys compared with MXNet 1.9.1 (recorded from it, pasted verbatim), MXNet-saved
LSTM and GRU layers that load and predict as MXNet did, and bad input.
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
from deepblocks.gluon.parameter import DeferredInitializationError
from test_autograd_grads import check_grad

pytestmark = pytest.mark.usefixtures("gluon_state")

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "mxnet"
MODES = ["rnn_relu", "rnn_tanh", "lstm", "gru"]


def rand(*shape, seed=0, scale=1.0):
    return onp.random.default_rng(seed).uniform(-scale, scale, shape)


def states_for(mode, layers, dirs, batch, hidden, proj=None, seed=1):
    h0 = rand(layers * dirs, batch, proj or hidden, seed=seed)
    c0 = rand(layers * dirs, batch, hidden, seed=seed + 1) if mode == "lstm" else None
    return h0, c0


def call_rnn(mode, x, flat, h0, c0, hidden, layers, dirs, **kw):
    return npx.rnn(np.array(x), np.array(flat), np.array(h0), None if c0 is None else np.array(c0), mode=mode,
                   state_size=hidden, num_layers=layers, bidirectional=dirs == 2, state_outputs=True, **kw)


def assert_close(actual, expected, rtol=1e-10, atol=1e-12):
    onp.testing.assert_allclose(actual.asnumpy(), expected, rtol=rtol, atol=atol)


# ---- npx.rnn against the reference --------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dirs", [1, 2])
@settings(max_examples=3)
@given(steps=st.integers(1, 4), batch=st.integers(1, 3), n_in=st.integers(1, 3), hidden=st.integers(1, 3),
       layers=st.integers(1, 3), seed=st.integers(0, 1000))
def test_npx_rnn_matches_the_reference(mode, dirs, steps, batch, n_in, hidden, layers, seed):
    weights = ref.layer_weights(mode, n_in, hidden, layers, dirs, seed=seed)
    x = rand(steps, batch, n_in, seed=seed)
    h0, c0 = states_for(mode, layers, dirs, batch, hidden, seed=seed + 1)
    result = call_rnn(mode, x, ref.pack(weights, layers, dirs), h0, c0, hidden, layers, dirs)
    out, hy, cy = ref.stack(mode, x, weights, h0, c0, layers, dirs)
    assert len(result) == (3 if mode == "lstm" else 2)
    assert all(type(r) is np.ndarray and r.dtype == onp.float64 for r in result)
    assert_close(result[0], out)
    assert_close(result[1], hy)
    if mode == "lstm":
        assert_close(result[2], cy)


@pytest.mark.parametrize("dirs", [1, 2])
def test_npx_rnn_lstm_projection(dirs):
    layers, hidden, proj = 2, 4, 2
    weights = ref.layer_weights("lstm", 3, hidden, layers, dirs, proj=proj, seed=3)
    x = rand(5, 2, 3, seed=4)
    h0, c0 = states_for("lstm", layers, dirs, 2, hidden, proj=proj, seed=5)
    out, hy, cy = call_rnn("lstm", x, ref.pack(weights, layers, dirs), h0, c0, hidden, layers, dirs,
                           projection_size=proj)
    e_out, e_hy, e_cy = ref.stack("lstm", x, weights, h0, c0, layers, dirs)
    assert out.shape == (5, 2, proj * dirs) and hy.shape == (layers * dirs, 2, proj)
    assert_close(out, e_out)
    assert_close(hy, e_hy)
    assert_close(cy, e_cy)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dirs", [1, 2])
def test_npx_rnn_sequence_lengths(mode, dirs):
    # cuDNN's behaviour: each sequence stops at its length (the backward direction starts
    # there), outputs past it are 0. (MXNet's CPU kernel ignores the lengths.)
    layers, hidden, lengths = 2, 3, [2, 5, 0, 4]
    weights = ref.layer_weights(mode, 2, hidden, layers, dirs, seed=7)
    x = rand(5, 4, 2, seed=8)
    h0, c0 = states_for(mode, layers, dirs, 4, hidden, seed=9)
    result = call_rnn(mode, x, ref.pack(weights, layers, dirs), h0, c0, hidden, layers, dirs,
                      sequence_length=np.array(lengths), use_sequence_length=True)
    expected = ref.stack(mode, x, weights, h0, c0, layers, dirs, lengths=lengths)
    for r, e in zip(result, expected):
        assert_close(r, e)


@pytest.mark.parametrize("nan", [False, True])
def test_npx_rnn_lstm_state_clipping(nan):
    # cuDNN's clipping of the cell state after each step (MXNet's CPU kernel ignores it).
    clip = (-0.3, 0.25, nan)
    weights = ref.layer_weights("lstm", 2, 3, 2, 1, seed=2)
    x = rand(4, 2, 2, seed=3, scale=3)
    x[1, 0, 0] = onp.nan   # batch element 0 meets a NaN: it propagates unless clip_nan
    h0, c0 = states_for("lstm", 2, 1, 2, 3, seed=4)
    out, hy, cy = call_rnn("lstm", x, ref.pack(weights, 2, 1), h0, c0, 3, 2, 1, lstm_state_clip_min=clip[0],
                           lstm_state_clip_max=clip[1], lstm_state_clip_nan=nan)
    e_out, e_hy, e_cy = ref.stack("lstm", x, weights, h0, c0, 2, 1, clip=clip)
    assert cy.asnumpy()[~onp.isnan(e_cy)].max() <= 0.25
    onp.testing.assert_allclose(out.asnumpy(), e_out, rtol=1e-10, atol=1e-12)
    onp.testing.assert_allclose(cy.asnumpy(), e_cy, rtol=1e-10, atol=1e-12)
    assert onp.isnan(cy.asnumpy()).any() != nan
    assert not onp.isnan(cy.asnumpy()[:, 1]).any()


def test_npx_rnn_without_state_outputs_and_empty_sizes():
    flat = np.array(ref.pack(ref.layer_weights("gru", 2, 3, 1, 2), 1, 2))
    out = npx.rnn(np.ones((4, 2, 2), dtype="float64"), flat, np.zeros((2, 2, 3), dtype="float64"), mode="gru",
                  state_size=3, num_layers=1, bidirectional=True)
    assert type(out) is np.ndarray and out.shape == (4, 2, 6)
    h0 = np.full((2, 2, 3), 0.5, dtype="float64")
    out, hy = npx.rnn(np.ones((0, 2, 2), dtype="float64"), flat, h0, mode="gru", state_size=3, num_layers=1,
                      bidirectional=True, state_outputs=True)
    assert out.shape == (0, 2, 6)
    onp.testing.assert_array_equal(hy.asnumpy(), h0.asnumpy())
    out, hy = npx.rnn(np.ones((3, 0, 2), dtype="float64"), flat, np.zeros((2, 0, 3), dtype="float64"), mode="gru",
                      state_size=3, num_layers=1, bidirectional=True, state_outputs=True)
    assert out.shape == (3, 0, 6) and hy.shape == (2, 0, 3)


def test_npx_rnn_dropout_between_layers_in_training_only():
    weights = ref.layer_weights("rnn_tanh", 3, 20, 2, 1)
    flat, x, h0 = np.array(ref.pack(weights, 2, 1)), np.array(rand(3, 4, 3)), np.zeros((2, 4, 20), dtype="float64")
    args = dict(mode="rnn_tanh", state_size=20, num_layers=2)
    plain = npx.rnn(x, flat, h0, **args).asnumpy()
    onp.testing.assert_array_equal(npx.rnn(x, flat, h0, p=0.5, **args).asnumpy(), plain)
    with autograd.train_mode():
        dropped = npx.rnn(x, flat, h0, p=0.5, **args).asnumpy()
        assert not onp.allclose(dropped, plain)
        one = dict(args, num_layers=1, p=0.5)
        flat1 = np.array(ref.pack(weights, 1, 1))
        # A single layer: nothing between layers to drop.
        onp.testing.assert_array_equal(npx.rnn(x, flat1, h0[:1], **one).asnumpy(),
                                       npx.rnn(x, flat1, h0[:1], **dict(one, p=0.0)).asnumpy())


def test_nd_rnn_is_the_legacy_form():
    weights = ref.layer_weights("lstm", 2, 3, 1, 1)
    flat, x = nd.array(ref.pack(weights, 1, 1), dtype="float64"), nd.array(rand(4, 2, 2), dtype="float64")
    h0, c0 = nd.zeros((1, 2, 3), dtype="float64"), nd.zeros((1, 2, 3), dtype="float64")
    out = nd.RNN(x, flat, h0, c0, state_size=3, num_layers=1, mode="lstm")
    assert type(out) is nd.NDArray and out.shape == (4, 2, 3)
    e_out, e_hy, e_cy = ref.stack("lstm", x.asnumpy(), weights, h0.asnumpy(), c0.asnumpy(), 1, 1)
    assert_close(out, e_out)
    results = nd.RNN(x, flat, h0, c0, state_size=3, num_layers=1, mode="lstm", state_outputs=True)
    assert [type(r) for r in results] == [nd.NDArray] * 3
    assert_close(results[2], e_cy)
    buf = nd.zeros((4, 2, 3), dtype="float64")
    assert nd.RNN(x, flat, h0, c0, state_size=3, num_layers=1, mode="lstm", out=buf) is buf
    assert_close(buf, e_out)
    # the npx form answers the kind it was given too
    assert type(npx.rnn(x, flat, h0, c0, mode="lstm", state_size=3, num_layers=1)) is nd.NDArray


# ---- gradients ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_npx_rnn_gradients(mode):
    layers, dirs, hidden, n_in = 2, 2, 2, 2
    weights = ref.layer_weights(mode, n_in, hidden, layers, dirs, seed=5)
    x = rand(3, 2, n_in, seed=6)
    h0, c0 = states_for(mode, layers, dirs, 2, hidden, seed=7)
    args = dict(mode=mode, state_size=hidden, num_layers=layers, bidirectional=True, state_outputs=True)
    if mode == "lstm":
        check_grad(lambda x, p, h, c: npx.rnn(x, p, h, c, **args), x, ref.pack(weights, layers, dirs), h0, c0)
    else:
        check_grad(lambda x, p, h: npx.rnn(x, p, h, **args), x, ref.pack(weights, layers, dirs), h0)


def test_npx_rnn_gradients_with_projection_and_lengths():
    weights = ref.layer_weights("lstm", 2, 3, 1, 2, proj=2, seed=1)
    x = rand(4, 3, 2, seed=2)
    h0, c0 = states_for("lstm", 1, 2, 3, 3, proj=2, seed=3)
    lengths = np.array([4, 1, 3])
    check_grad(lambda x, p, h, c: npx.rnn(x, p, h, c, lengths, mode="lstm", state_size=3, num_layers=1,
                                          bidirectional=True, state_outputs=True, projection_size=2,
                                          use_sequence_length=True),
               x, ref.pack(weights, 1, 2), h0, c0)


# ---- the layers -----------------------------------------------------------------------------------------

LAYERS = {"rnn_relu": lambda **kw: rnn.RNN(**kw), "rnn_tanh": lambda **kw: rnn.RNN(activation="tanh", **kw),
          "lstm": lambda **kw: rnn.LSTM(**kw), "gru": lambda **kw: rnn.GRU(**kw)}


def layer_with(mode, weights, hidden, layers, dirs, layout="TNC", **kw):
    layer = LAYERS[mode](hidden_size=hidden, num_layers=layers, bidirectional=dirs == 2, layout=layout,
                         dtype="float64", **kw)
    layer.initialize()
    for (lay, d), w in weights.items():
        for name, value in w.items():
            getattr(layer, f"{'lr'[d]}{lay}_{name}").set_data(np.array(value))
    return layer


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layout", ["TNC", "NTC"])
@pytest.mark.parametrize("dirs", [1, 2])
def test_layers_match_the_reference(mode, layout, dirs):
    layers, hidden, n_in = 2, 3, 2
    weights = ref.layer_weights(mode, n_in, hidden, layers, dirs, seed=11)
    layer = layer_with(mode, weights, hidden, layers, dirs, layout)
    x = rand(4, 3, n_in, seed=12)
    h0, c0 = states_for(mode, layers, dirs, 3, hidden, seed=13)
    e_out, e_hy, e_cy = ref.stack(mode, x, weights, h0, c0, layers, dirs)
    z_out, _, _ = ref.stack(mode, x, weights, 0 * h0, None if c0 is None else 0 * c0, layers, dirs)
    swap = (lambda a: a.swapaxes(0, 1)) if layout == "NTC" else (lambda a: a)
    # without states: zeros, and only the output back
    out = layer(np.array(swap(x)))
    assert type(out) is np.ndarray
    assert_close(out, swap(z_out))
    states = [np.array(h0)] + ([np.array(c0)] if c0 is not None else [])
    out, new = layer(np.array(swap(x)), states if mode == "lstm" else states[0])
    assert isinstance(new, list) and len(new) == len(states)
    assert_close(out, swap(e_out))
    assert_close(new[0], e_hy)
    if mode == "lstm":
        assert_close(new[1], e_cy)


def test_lstm_layer_with_projection_and_lengths():
    weights = ref.layer_weights("lstm", 3, 4, 2, 2, proj=2, seed=1)
    layer = layer_with("lstm", weights, 4, 2, 2, layout="NTC", projection_size=2, use_sequence_length=True)
    assert [p.shape for p in layer.collect_params().values()][:5] == [(16, 3), (16, 2), (16,), (16,), (2, 4)]
    x = rand(5, 3, 3, seed=2)
    h0, c0 = states_for("lstm", 2, 2, 3, 4, proj=2, seed=3)
    out, (hy, cy) = layer(np.array(x.swapaxes(0, 1)), [np.array(h0), np.array(c0)], np.array([5, 2, 3]))
    e_out, e_hy, e_cy = ref.stack("lstm", x, weights, h0, c0, 2, 2, lengths=[5, 2, 3])
    assert_close(out, e_out.swapaxes(0, 1))
    assert_close(hy, e_hy)
    assert_close(cy, e_cy)


def test_layers_take_legacy_arrays():
    npx.reset_np()
    layer = rnn.GRU(4, num_layers=2, bidirectional=True)
    layer.initialize()
    x = nd.random.uniform(shape=(3, 2, 5))
    out = layer(x)
    assert type(out) is nd.NDArray and out.shape == (3, 2, 8)
    state = layer.begin_state(batch_size=2)
    assert [type(s) for s in state] == [nd.NDArray]
    out2, new = layer(x, state)
    assert type(out2) is nd.NDArray and [type(s) for s in new] == [nd.NDArray]
    onp.testing.assert_allclose(out2.asnumpy(), out.asnumpy(), rtol=1e-6)
    assert repr(layer) == "GRU(5 -> 4, TNC, num_layers=2, bidirectional)"


def test_d2l_usage():
    # d2l 9.6 (MXNet): the concise RNN.
    rnn_layer = rnn.RNN(256)
    rnn_layer.initialize()
    state = rnn_layer.begin_state(batch_size=32)
    assert len(state) == 1 and state[0].shape == (1, 32, 256)
    X = np.random.uniform(size=(35, 32, 28))
    Y, state_new = rnn_layer(X, state)
    assert Y.shape == (35, 32, 256) and state_new[0].shape == (1, 32, 256)
    # ReLU by default, as MXNet: no negative outputs.
    assert float(Y.min()) >= 0
    # d2l's RNNModel passes the device; an LSTM's state is a list of two.
    lstm = rnn.LSTM(8)
    state = lstm.begin_state(batch_size=2, ctx=npx.cpu())
    assert [s.shape for s in state] == [(1, 2, 8), (1, 2, 8)] and all(type(s) is np.ndarray for s in state)


def test_training_reaches_every_parameter():
    layer = rnn.LSTM(3, num_layers=2, bidirectional=True, dropout=0.2, input_size=5)
    layer.initialize()
    trainer = gluon.Trainer(layer.collect_params(), "sgd", {"learning_rate": 0.1})
    before = {k: p.data().asnumpy().copy() for k, p in layer.collect_params().items()}
    with autograd.record():
        loss = (layer(np.random.uniform(size=(4, 2, 5))) ** 2).sum()
    loss.backward()
    trainer.step(2)
    for k, p in layer.collect_params().items():
        assert onp.abs(p.grad().asnumpy()).sum() > 0, k
        assert not onp.array_equal(p.data().asnumpy(), before[k]), k


def test_layer_gradients_by_finite_differences():
    from test_gluon_layers import check_grads
    layer = rnn.GRU(2, num_layers=2, layout="NTC", bidirectional=True, input_size=2, dtype="float64",
                    i2h_bias_initializer="uniform", h2h_bias_initializer="uniform")
    layer.initialize()
    check_grads(layer, rand(2, 3, 2, seed=3), rtol=1e-5, atol=1e-8)


# ---- begin_state ------------------------------------------------------------------------------------------


def test_begin_state_functions():
    layer = rnn.LSTM(3, num_layers=2, dtype="float64")
    zeros = layer.begin_state(4)
    assert [(s.shape, s.dtype) for s in zeros] == [((2, 4, 3), onp.float64)] * 2
    # MXNet passes name= and __layout__= (nd.zeros swallows them); functions that do not take
    # them get only what they take.
    assert float(layer.begin_state(4, func=np.ones)[0].sum()) == 24
    assert float(layer.begin_state(4, func=nd.ones)[1].sum()) == 24
    seen = []
    layer.begin_state(2, func=lambda shape, **kw: seen.append(kw) or np.zeros(shape), ctx=npx.cpu())
    assert seen[0]["name"] == "lstm0_h0_0" and seen[1]["name"] == "lstm0_h0_1"
    assert seen[0]["__layout__"] == "LNC" and seen[0]["dtype"] == "float64" and seen[0]["ctx"] == npx.cpu()
    assert float(layer.begin_state(2, func=lambda shape: np.full(shape, 2.0))[0].sum()) == 24
    noisy = layer.begin_state(2, func=nd.random.uniform)
    assert noisy[0].shape == (2, 2, 3) and type(noisy[0]) is np.ndarray


def test_state_info_as_mxnet():
    # Recorded from MXNet 1.9.1.
    assert rnn.LSTM(8, num_layers=2, bidirectional=True, input_size=5).state_info(3) == [
        {"shape": (4, 3, 8), "__layout__": "LNC", "dtype": "float32"},
        {"shape": (4, 3, 8), "__layout__": "LNC", "dtype": "float32"}]
    assert rnn.GRU(4).state_info() == [{"shape": (1, 0, 4), "__layout__": "LNC", "dtype": "float32"}]


# ---- printouts, names, files ---------------------------------------------------------------------------

# Recorded from MXNet 1.9.1: (constructor, numpy-mode repr, legacy-mode repr, parameter names and shapes
# after the block prefix, numpy mode).
REPRS = [
    ("rnn.RNN(256)", "RNN(-1 -> 256, TNC)", "RNN(None -> 256, TNC)",
     [("l0_i2h_weight", (256, -1)), ("l0_h2h_weight", (256, 256)), ("l0_i2h_bias", (256,)),
      ("l0_h2h_bias", (256,))]),
    ("rnn.RNN(8, 2, activation='tanh', layout='NTC', dropout=0.5, bidirectional=True, input_size=3)",
     "RNN(3 -> 8, NTC, num_layers=2, dropout=0.5, bidirectional)",
     "RNN(3 -> 8, NTC, num_layers=2, dropout=0.5, bidirectional)",
     [("l0_i2h_weight", (8, 3)), ("l0_h2h_weight", (8, 8)), ("l0_i2h_bias", (8,)), ("l0_h2h_bias", (8,)),
      ("r0_i2h_weight", (8, 3)), ("r0_h2h_weight", (8, 8)), ("r0_i2h_bias", (8,)), ("r0_h2h_bias", (8,)),
      ("l1_i2h_weight", (8, 16)), ("l1_h2h_weight", (8, 8)), ("l1_i2h_bias", (8,)), ("l1_h2h_bias", (8,)),
      ("r1_i2h_weight", (8, 16)), ("r1_h2h_weight", (8, 8)), ("r1_i2h_bias", (8,)), ("r1_h2h_bias", (8,))]),
    ("rnn.LSTM(8, num_layers=2, bidirectional=True, input_size=5)",
     "LSTM(5 -> 8, TNC, num_layers=2, bidirectional)", "LSTM(5 -> 8, TNC, num_layers=2, bidirectional)",
     [("l0_i2h_weight", (32, 5)), ("l0_h2h_weight", (32, 8)), ("l0_i2h_bias", (32,)), ("l0_h2h_bias", (32,)),
      ("r0_i2h_weight", (32, 5)), ("r0_h2h_weight", (32, 8)), ("r0_i2h_bias", (32,)), ("r0_h2h_bias", (32,)),
      ("l1_i2h_weight", (32, 16)), ("l1_h2h_weight", (32, 8)), ("l1_i2h_bias", (32,)), ("l1_h2h_bias", (32,)),
      ("r1_i2h_weight", (32, 16)), ("r1_h2h_weight", (32, 8)), ("r1_i2h_bias", (32,)), ("r1_h2h_bias", (32,))]),
    ("rnn.LSTM(8, projection_size=4, input_size=5)", "LSTM(5 -> 8, TNC)", "LSTM(5 -> 8, TNC)",
     [("l0_i2h_weight", (32, 5)), ("l0_h2h_weight", (32, 4)), ("l0_i2h_bias", (32,)), ("l0_h2h_bias", (32,)),
      ("l0_h2r_weight", (4, 8))]),
    ("rnn.GRU(7, num_layers=3, dropout=0.1)", "GRU(-1 -> 7, TNC, num_layers=3, dropout=0.1)",
     "GRU(None -> 7, TNC, num_layers=3, dropout=0.1)",
     [("l0_i2h_weight", (21, -1)), ("l0_h2h_weight", (21, 7)), ("l0_i2h_bias", (21,)), ("l0_h2h_bias", (21,)),
      ("l1_i2h_weight", (21, 7)), ("l1_h2h_weight", (21, 7)), ("l1_i2h_bias", (21,)), ("l1_h2h_bias", (21,)),
      ("l2_i2h_weight", (21, 7)), ("l2_h2h_weight", (21, 7)), ("l2_i2h_bias", (21,)), ("l2_h2h_bias", (21,))]),
    ("rnn.LSTM(3, state_clip_min=-1, state_clip_max=1)", "LSTM(-1 -> 3, TNC)", "LSTM(None -> 3, TNC)",
     [("l0_i2h_weight", (12, -1)), ("l0_h2h_weight", (12, 3)), ("l0_i2h_bias", (12,)), ("l0_h2h_bias", (12,))]),
]


@pytest.mark.parametrize("code, np_repr, nd_repr, params", REPRS)
def test_printouts_and_parameter_names_as_mxnet(code, np_repr, nd_repr, params):
    layer = eval(code)
    assert repr(layer) == np_repr
    assert [(k[len(layer.prefix):], p.shape) for k, p in layer.collect_params().items()] == params
    npx.reset_np()
    assert repr(eval(code)) == nd_repr


def test_names_follow_mxnet_counters():
    # MXNet 1.9.1: rnn.RNN(256) then rnn.RNN(8) then rnn.LSTM(3) are rnn0, rnn1, lstm0.
    assert [rnn.RNN(256).name, rnn.RNN(8).name, rnn.LSTM(3).name] == ["rnn0", "rnn1", "lstm0"]
    assert rnn.LSTM(3).prefix == "lstm1_"


def test_file_keys_as_mxnet(tmp_path):
    # MXNet 1.9.1 writes RNN layers under their "unfused" paths.
    bi = rnn.LSTM(8, num_layers=2, bidirectional=True, input_size=5)
    assert list(bi._collect_params_with_prefix())[:5] == [
        "_unfused.0.l_cell.i2h_weight", "_unfused.0.l_cell.h2h_weight", "_unfused.0.l_cell.i2h_bias",
        "_unfused.0.l_cell.h2h_bias", "_unfused.0.r_cell.i2h_weight"]
    uni = rnn.LSTM(8, projection_size=4, input_size=5)
    assert list(uni._collect_params_with_prefix()) == [
        "_unfused.0.i2h_weight", "_unfused.0.h2h_weight", "_unfused.0.i2h_bias", "_unfused.0.h2h_bias",
        "_unfused.0.h2r_weight"]
    net = gluon.nn.Sequential()
    net.add(rnn.GRU(3, input_size=2), gluon.nn.Dense(1, in_units=3, flatten=False))
    net.initialize()
    net.save_parameters(str(tmp_path / "net.params"))
    assert list(npx.load(str(tmp_path / "net.params"))) == [
        "0._unfused.0.i2h_weight", "0._unfused.0.h2h_weight", "0._unfused.0.i2h_bias", "0._unfused.0.h2h_bias",
        "1.weight", "1.bias"]
    fresh = gluon.nn.Sequential()
    fresh.add(rnn.GRU(3), gluon.nn.Dense(1, flatten=False))
    fresh.load_parameters(str(tmp_path / "net.params"))
    x = np.random.uniform(size=(4, 2, 2))
    onp.testing.assert_array_equal(fresh(x).asnumpy(), net(x).asnumpy())


def test_sharing_and_selecting_parameters():
    a = rnn.LSTM(3, input_size=2, bidirectional=True)
    a.initialize()
    b = rnn.LSTM(3, input_size=2, bidirectional=True)
    b.share_parameters(a.collect_params())
    x = np.random.uniform(size=(3, 2, 2))
    onp.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())
    assert list(a.collect_params(".*r0_.*bias")) == ["lstm0_r0_i2h_bias", "lstm0_r0_h2h_bias"]


@pytest.mark.parametrize("mode", ["np", "legacy"])
def test_mxnet_saved_lstm_and_gru_load_and_predict_as_mxnet(mode):
    make = np.array
    if mode == "legacy":
        npx.reset_np()
        make = nd.array
    io = onp.load(FIXTURES / "gluon_rnn_forward.npz")
    lstm = rnn.LSTM(8, num_layers=2, bidirectional=True)   # the input size comes from the file
    lstm.load_parameters(str(FIXTURES / "gluon_lstm.params"))
    saved = npx.load(FIXTURES / "gluon_lstm.params")
    onp.testing.assert_array_equal(lstm.r1_h2h_bias.data().asnumpy(), saved["_unfused.1.r_cell.h2h_bias"].asnumpy())
    out, (h, c) = lstm(make(io["lstm_x"]), [make(io["lstm_h0"]), make(io["lstm_c0"])])
    assert type(out) is type(make(0.0))
    for got, want in ((out, "lstm_out"), (h, "lstm_hn"), (c, "lstm_cn")):
        onp.testing.assert_allclose(got.asnumpy(), io[want], rtol=1e-5, atol=1e-6)
    gru = rnn.GRU(6, num_layers=2, layout="NTC")
    gru.load_parameters(str(FIXTURES / "gluon_gru.params"))
    out, (h,) = gru(make(io["gru_x"]), make(io["gru_h0"]))
    onp.testing.assert_allclose(out.asnumpy(), io["gru_out"], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(h.asnumpy(), io["gru_hn"], rtol=1e-5, atol=1e-6)
    assert repr(gru).startswith("GRU(4 -> 6, NTC")


# ---- deferred initialization and bad input --------------------------------------------------------------


def test_deferred_input_size():
    layer = rnn.LSTM(4, bidirectional=True)
    layer.initialize()
    with pytest.raises(DeferredInitializationError):
        layer.l0_i2h_weight.data()
    layer(np.ones((2, 3, 5)))
    assert layer.l0_i2h_weight.shape == (16, 5) and layer.r0_i2h_weight.shape == (16, 5)
    assert repr(layer) == "LSTM(5 -> 4, TNC, bidirectional)"


def test_bad_input_names_the_shapes():
    layer = rnn.LSTM(3, input_size=2)
    layer.initialize()
    x = np.ones((4, 1, 2))
    # Recorded from MXNet 1.9.1: "Invalid recurrent state shape. Expecting (1, 1, 3), got (1, 2, 3)."
    raises(ValueError, layer, x, [np.zeros((1, 2, 3)), np.zeros((1, 1, 3))],
           contains="Invalid recurrent state shape. Expecting (1, 1, 3), got (1, 2, 3).")
    raises(ValueError, layer, x, np.zeros((1, 1, 3)), contains=["expects 2 recurrent state(s)", "got 1"])
    raises(ValueError, layer, np.ones((4, 2)), contains="(4, 2)")
    raises(ValueError, layer, np.ones((4, 1, 3)), contains=["(4, 1, 3)", "input_size=2"])
    raises(ValueError, layer, x, None, np.array([4]), contains="use_sequence_length=False")
    fresh = rnn.GRU(3)
    fresh.initialize()
    raises(ValueError, fresh, np.ones((2, 3)), contains="(2, 3)")
    raises(ValueError, rnn.GRU, 3, layout="NCT", contains="Invalid layout NCT; must be one of ['TNC' or 'NTC']")
    raises(ValueError, rnn.RNN, 3, activation="sigmoid", contains="'sigmoid'")
    seq = rnn.GRU(3, input_size=2, use_sequence_length=True)
    seq.initialize()
    raises(ValueError, seq, x, seq.begin_state(1), contains="sequence_length")
    raises(ValueError, seq, x, seq.begin_state(1), np.array([5]), contains=["[0, 4]", "[5.0]"])


def test_npx_rnn_bad_input():
    args = dict(mode="gru", state_size=3, num_layers=1)
    x, flat, h = np.ones((4, 2, 2)), np.ones(3 * 3 * 2 + 3 * 3 * 3 + 2 * 9), np.zeros((1, 2, 3))
    assert npx.rnn(x, flat, h, **args).shape == (4, 2, 3)
    raises(ValueError, npx.rnn, x, flat, h, **dict(args, mode="elman"), contains=["'elman'", "lstm"])
    raises(ValueError, npx.rnn, x, flat[:-1], h, **args, contains=["63 values", "(62,)", "(4, 2, 2)"])
    raises(ValueError, npx.rnn, x, flat, np.zeros((1, 3, 3)), **args, contains=["(1, 2, 3)", "(1, 3, 3)"])
    raises(ValueError, npx.rnn, x, flat, None, **args, contains="state is required")
    raises(ValueError, npx.rnn, np.ones((4, 2)), flat, h, **args, contains="(4, 2)")
    raises(ValueError, npx.rnn, x, flat, h, **dict(args, state_size=0), contains="state_size")
    raises(ValueError, npx.rnn, x, flat, h, **args, p=1.5, contains="1.5")
    raises(ValueError, npx.rnn, x, flat, h, **args, projection_size=2, contains="projection_size")
    raises(ValueError, npx.rnn, x, flat, h, **args, use_sequence_length=True, contains="sequence_length")
    raises(ValueError, npx.rnn, x, flat, h, sequence_length=np.array([1, 2, 3]), **args, use_sequence_length=True,
           contains=["(2,)", "(3,)"])
    raises(TypeError, npx.rnn, x, flat.astype("float64"), h, **args, contains=["float32", "float64"])
    raises(TypeError, npx.rnn, x.astype("int32"), flat, h, **args, contains="int32")
    lstm = dict(mode="lstm", state_size=1, num_layers=1)
    flat = np.ones(4 * 2 + 4 + 8)
    raises(ValueError, npx.rnn, x, flat, np.zeros((1, 2, 1)), **lstm, contains="state_cell is required")
    raises(ValueError, npx.rnn, x, flat, np.zeros((1, 2, 1)), np.zeros((1, 2, 1)), **lstm, lstm_state_clip_min=1,
           contains="lstm_state_clip_max")


@pytest.mark.parametrize("mode", MODES)
def test_states_carry_into_the_next_batch(mode):
    # d2l's training loop: back-propagate from the output alone, then feed the returned states
    # to the next batch (``s.detach()`` there does not detach in place, in MXNet either).
    weights = ref.layer_weights(mode, 5, 4, 2, 2, seed=3)
    layer = layer_with(mode, weights, 4, 2, 2)
    state = layer.begin_state(batch_size=2, dtype="float64")
    for i in range(3):
        for s in state:
            s.detach()
        with autograd.record():
            out, state = layer(np.array(rand(3, 2, 5, seed=i)), state)
            loss = out.sum()
        loss.backward()
    assert onp.abs(layer.l1_h2h_weight.grad().asnumpy()).sum() > 0


# ---- the layer as cells (_unfuse) and its summary --------------------------------------------------------

# Recorded from MXNet 1.9.1 (legacy mode): the unfused stacks' printouts and parameter names.
UNFUSED = [
    ("rnn.RNN(4, num_layers=2, activation='tanh', dropout=0.5, input_size=3)",
     "HybridSequentialRNNCell(\n(0): RNNCell(3 -> 4, tanh)\n(1): DropoutCell(rate=0.5, axes=())\n"
     "(2): RNNCell(4 -> 4, tanh)\n)",
     ["rnn0_l0_i2h_weight", "rnn0_l0_h2h_weight", "rnn0_l0_i2h_bias", "rnn0_l0_h2h_bias",
      "rnn0_l1_i2h_weight", "rnn0_l1_h2h_weight", "rnn0_l1_i2h_bias", "rnn0_l1_h2h_bias"]),
    ("rnn.GRU(3, bidirectional=True)",
     "HybridSequentialRNNCell(\n(0): BidirectionalCell(forward=GRUCell(None -> 9), backward=GRUCell(None -> 9))\n)",
     ["gru0_l0_i2h_weight", "gru0_l0_h2h_weight", "gru0_l0_i2h_bias", "gru0_l0_h2h_bias",
      "gru0_r0_i2h_weight", "gru0_r0_h2h_weight", "gru0_r0_i2h_bias", "gru0_r0_h2h_bias"]),
    ("rnn.LSTM(2, num_layers=2, bidirectional=True)",
     "HybridSequentialRNNCell(\n(0): BidirectionalCell(forward=LSTMCell(None -> 8), backward=LSTMCell(None -> 8))\n"
     "(1): BidirectionalCell(forward=LSTMCell(4 -> 8), backward=LSTMCell(4 -> 8))\n)", None),
]


@pytest.mark.parametrize("code, printout, names", UNFUSED)
def test_unfuse_as_mxnet(code, printout, names):
    npx.reset_np()
    layer = eval(code)
    stack = layer._unfuse()
    assert repr(stack) == printout
    assert stack.prefix == layer.prefix
    # The cells hold the layer's own Parameters, not copies.
    layer_params = layer.collect_params()
    assert list(stack.collect_params().keys()) == (names or list(layer_params.keys()))
    assert all(p is layer_params[k] for k, p in stack.collect_params().items())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dirs", [1, 2])
def test_unfused_cells_compute_what_the_layer_computes(mode, dirs):
    layer = LAYERS[mode](hidden_size=3, num_layers=2, bidirectional=dirs == 2, dtype="float64")
    stack = layer._unfuse()    # before initialize(): the layer's initialization reaches the cells
    layer.initialize(init="uniform")
    x = np.array(rand(4, 2, 5, seed=3))
    states = [np.array(rand(*info["shape"], seed=4 + i)) for i, info in enumerate(layer.state_info(2))]
    out, new = layer(x, states)
    # the layer's states are (layers * directions, batch, hidden); the stack's are per cell
    n = len(states)
    cell_states = [s[k] for k in range(2 * dirs) for s in states]
    cell_out, cell_new = stack.unroll(4, x, cell_states, layout="TNC", merge_outputs=True)
    onp.testing.assert_allclose(cell_out.asnumpy(), out.asnumpy(), rtol=1e-10, atol=1e-12)
    for j in range(n):
        onp.testing.assert_allclose(onp.stack([s.asnumpy() for s in cell_new[j::n]]), new[j].asnumpy(),
                                    rtol=1e-10, atol=1e-12)


def test_unfuse_refuses_what_cells_cannot_do():
    raises(MXNetError, rnn.LSTM(4, projection_size=2)._unfuse, contains="projection")
    raises(MXNetError, rnn.LSTM(4, state_clip_min=-1, state_clip_max=1)._unfuse, contains="clipping")


def test_summary_prints_the_states_as_mxnet(capsys):
    layer = rnn.LSTM(30, num_layers=2, bidirectional=True)
    layer.initialize()
    layer.summary(np.ones((80, 32, 5)), layer.begin_state(32))
    lines = capsys.readouterr().out.splitlines()
    # Recorded from MXNet 1.9.1: the list of states in brackets after the output.
    assert "               Input     (80, 32, 5), [(4, 32, 30), (4, 32, 30)]               0" in lines
    assert "              LSTM-1    (80, 32, 60), [(4, 32, 30), (4, 32, 30)]           30960" in lines

"""The sequence-model work items of ``deepblocks bench``, each library in a process of its own
(as ``bench_gluon.py`` and ``bench_cnn.py``, whose conventions this file follows).

- ``lstm_lm_step``: a training step of a character language model: one-hot inputs of a
  28-symbol vocabulary, a 2-layer LSTM of 256 units, a dense layer back to the vocabulary
  at every step, softmax cross-entropy, backward, SGD through the Trainer; batch 32 of 35
  steps (the sizes of d2l's Time Machine models);
- ``gru_lm_step``: the same with a GRU;
- ``transformer_block``: forward and backward (to the input and every parameter) of one
  Transformer encoder block: 4-head self-attention of width 256 (one dense layer makes the
  queries, keys and values), add and layer-normalize, a 256-1024-256 ReLU feed-forward
  network, add and layer-normalize; batch 32 of 64 positions. PyTorch runs
  ``nn.TransformerEncoderLayer`` (the same computation, dropout 0, its own attention kernel).

Run as ``python bench_rnn.py LIBRARY [REPEAT [ITEMS]]``; prints one line of JSON with
``[best, median]`` seconds per call per item, or ``null`` when the library cannot be
imported. Thread counts come from the environment (``OMP_NUM_THREADS`` for all three).
"""

import json
import math
import sys

if __package__:
    from .timing import measure_library
else:  # run by path: timing.py is in the same folder, which is sys.path[0]
    from timing import measure_library

ITEMS = {
    "lstm_lm_step": ("2-layer LSTM LM step, 256, 35x32, vocab 28", {"torch": 1.0}),
    "gru_lm_step": ("2-layer GRU LM step, 256, 35x32, vocab 28", {"torch": 1.0}),
    "transformer_block": ("Transformer block fwd+bwd, d256 h4, 64x32", {"torch": 1.0}),
}
VOCAB, HIDDEN, LAYERS, STEPS, BATCH = 28, 256, 2, 35, 32
WIDTH, HEADS, FFN, POSITIONS = 256, 4, 1024, 64


def _inputs():
    import numpy as onp

    rng = onp.random.default_rng(0)
    return {
        "tokens": rng.integers(0, VOCAB, (BATCH, STEPS + 1)).astype(onp.int32),
        "block_x": rng.standard_normal((BATCH, POSITIONS, WIDTH)).astype(onp.float32),
    }


def _gluon_items(mx, d, sync):
    """The items in ``mx``'s Gluon (deepblocks or MXNet 1.9.1: the same code)."""
    np, npx, nn, rnn, autograd = mx.np, mx.npx, mx.gluon.nn, mx.gluon.rnn, mx.autograd
    npx.set_np()
    X = np.array(d["tokens"][:, :-1])
    Y = np.array(d["tokens"][:, 1:])

    class LanguageModel(nn.Block):
        def __init__(self, layer):
            super().__init__()
            self.rnn = layer
            self.dense = nn.Dense(VOCAB, flatten=False)

        def forward(self, tokens):
            # (batch, steps) -> one-hot (steps, batch, vocab), the layers' TNC layout; the
            # layer starts from zero states
            return self.dense(self.rnn(npx.one_hot(tokens.T, VOCAB)))

    def lm_step(layer):
        net = LanguageModel(layer)
        net.initialize(mx.init.Xavier())
        loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()
        trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
        labels = Y.T

        def step():
            with autograd.record():
                l = loss(net(X), labels).mean()
            l.backward()
            trainer.step(1)
            sync(None)
        step()
        return step

    class SelfAttention(nn.Block):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Dense(3 * WIDTH, flatten=False)
            self.out = nn.Dense(WIDTH, flatten=False)

        def forward(self, x):
            b, t, w = x.shape
            h, d = HEADS, w // HEADS
            qkv = self.qkv(x).reshape(b, t, 3, h, d).transpose(2, 0, 3, 1, 4)
            q, k, v = (qkv[i].reshape(b * h, t, d) for i in range(3))
            weights = npx.softmax(npx.batch_dot(q, k, transpose_b=True) / math.sqrt(d))
            heads = npx.batch_dot(weights, v).reshape(b, h, t, d)
            return self.out(heads.transpose(0, 2, 1, 3).reshape(b, t, w))

    class EncoderBlock(nn.Block):
        def __init__(self):
            super().__init__()
            self.attention = SelfAttention()
            self.norm1, self.norm2 = nn.LayerNorm(), nn.LayerNorm()
            self.ffn = nn.Sequential()
            self.ffn.add(nn.Dense(FFN, activation="relu", flatten=False), nn.Dense(WIDTH, flatten=False))

        def forward(self, x):
            x = self.norm1(x + self.attention(x))
            return self.norm2(x + self.ffn(x))

    def block_step_maker():
        block = EncoderBlock()
        block.initialize(mx.init.Xavier())
        bx = np.array(d["block_x"])
        bx.attach_grad()

        def step():
            with autograd.record():
                y = block(bx)
            y.backward()   # head gradient: ones
            sync(None)
        step()
        return step

    return {
        "lstm_lm_step": lambda: lm_step(rnn.LSTM(HIDDEN, LAYERS)),
        "gru_lm_step": lambda: lm_step(rnn.GRU(HIDDEN, LAYERS)),
        "transformer_block": block_step_maker,
    }


def _torch_items(torch, d):
    F, nn = torch.nn.functional, torch.nn
    torch.manual_seed(0)
    X = torch.tensor(d["tokens"][:, :-1], dtype=torch.long)
    Y = torch.tensor(d["tokens"][:, 1:], dtype=torch.long)

    def lm_step(layer):
        dense = nn.Linear(HIDDEN, VOCAB)
        params = list(layer.parameters()) + list(dense.parameters())
        opt = torch.optim.SGD(params, lr=1.0)
        labels = Y.T.reshape(-1)

        def step():
            opt.zero_grad()
            out, _ = layer(F.one_hot(X.T, VOCAB).float())
            F.cross_entropy(dense(out).reshape(-1, VOCAB), labels).backward()
            opt.step()
        step()
        return step

    def block_step_maker():
        block = nn.TransformerEncoderLayer(WIDTH, HEADS, FFN, dropout=0.0, batch_first=True)
        bx = torch.tensor(d["block_x"], requires_grad=True)
        ones = torch.ones(BATCH, POSITIONS, WIDTH)

        def step():
            block.zero_grad()
            bx.grad = None
            block(bx).backward(ones)
        step()
        return step

    return {
        "lstm_lm_step": lambda: lm_step(nn.LSTM(VOCAB, HIDDEN, LAYERS)),
        "gru_lm_step": lambda: lm_step(nn.GRU(VOCAB, HIDDEN, LAYERS)),
        "transformer_block": block_step_maker,
    }


def measure(lib, repeat=5, only=None):
    """``{"version": ..., item: [best, median] seconds per call}`` for ``lib``; None when it
    cannot be imported. Only the items timed are built (an LSTM step's model is not made
    when only the Transformer block is asked for)."""
    return measure_library(lib, repeat, only, _inputs, _torch_items, _gluon_items, makers=True)


if __name__ == "__main__":
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5, only)))

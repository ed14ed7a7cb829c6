"""A character-level LSTM language model (d2l "Long Short-Term Memory", concise version) on the
Time Machine excerpt shipped with deepblocks, then a sampled continuation of a prefix.

The text (``gluon.data.text.load_time_machine()``, 40 KB) is lower-cased, its line breaks and
runs of blanks become one space, and each remaining character is a token. As in the book the
corpus is cut into ``batch_size`` contiguous streams read ``num_steps`` characters at a time,
so the LSTM's state carries over from one batch to the next (detached, so that gradients stop
at the batch). The model is ``rnn.LSTM`` on one-hot inputs followed by a ``Dense`` layer to the
vocabulary; it is trained with softmax cross-entropy, Adam and gradient clipping by global
norm. The last tenth of the text is held out: the perplexity on both parts is printed after
each epoch (40 KB is little text: the held-out perplexity levels off near 7 after about eight
epochs while the training one goes on falling). About 10 seconds on 2 CPU cores with the
defaults.

    python examples/char_lstm.py --epochs 5 --hidden 64
"""
import argparse
import math
import re
import time

import numpy as onp

from deepblocks import autograd, gluon, np, npx
from deepblocks.gluon import nn, rnn
from deepblocks.gluon.data import text

npx.set_np()


def positive(kind):
    def parse(s):
        value = kind(s)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {s}")
        return value
    return parse


parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--epochs", type=positive(int), default=10)
parser.add_argument("--hidden", type=positive(int), default=128, help="LSTM units per layer")
parser.add_argument("--layers", type=positive(int), default=1, help="stacked LSTM layers")
parser.add_argument("--batch-size", type=positive(int), default=32)
parser.add_argument("--num-steps", type=positive(int), default=35, help="characters per batch row")
parser.add_argument("--lr", type=positive(float), default=0.01, help="Adam's learning rate")
parser.add_argument("--clip", type=positive(float), default=1.0, help="gradient clipping: largest global norm")
parser.add_argument("--max-chars", type=positive(int), default=None, help="use only the start of the text")
parser.add_argument("--prefix", default="the time traveller ")
parser.add_argument("--length", type=positive(int), default=200, help="characters to sample")
parser.add_argument("--temperature", type=positive(float), default=0.6)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

np.random.seed(args.seed)

# ---- the corpus ------------------------------------------------------------------------------

corpus = re.sub(r"\s+", " ", text.load_time_machine(lower=True)).strip()
if args.max_chars:
    corpus = corpus[:args.max_chars]
idx_to_char = sorted(set(corpus))
char_to_idx = {c: i for i, c in enumerate(idx_to_char)}
tokens = onp.array([char_to_idx[c] for c in corpus], dtype="int32")
split = len(tokens) * 9 // 10
train_tokens, valid_tokens = tokens[:split], tokens[split:]


def batches(tokens, batch_size, num_steps):
    """(X, Y) pairs of (batch_size, num_steps) token indices, Y one character ahead of X; row
    b of every batch continues row b of the one before."""
    n = (len(tokens) - 1) // batch_size
    if n < num_steps:
        raise SystemExit(f"the text is too short for batches of {batch_size} x {num_steps} characters")
    xs = tokens[:n * batch_size].reshape(batch_size, n)
    ys = tokens[1:n * batch_size + 1].reshape(batch_size, n)
    for i in range(0, n - num_steps + 1, num_steps):
        yield np.array(xs[:, i:i + num_steps]), np.array(ys[:, i:i + num_steps])


# ---- the model -------------------------------------------------------------------------------


class CharLSTM(nn.Block):
    """One-hot characters -> LSTM -> Dense scores over the vocabulary, step by step."""

    def __init__(self, vocab_size, num_hiddens, num_layers, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.lstm = rnn.LSTM(num_hiddens, num_layers)
        self.dense = nn.Dense(vocab_size, flatten=False)

    def forward(self, inputs, state):
        # inputs (batch, steps) -> one-hot (steps, batch, vocab): the LSTM's TNC layout
        X = npx.one_hot(inputs.T, self.vocab_size)
        Y, state = self.lstm(X, state)
        return self.dense(Y), state          # scores (steps, batch, vocab)

    def begin_state(self, batch_size):
        return self.lstm.begin_state(batch_size=batch_size)


net = CharLSTM(len(idx_to_char), args.hidden, args.layers)
net.initialize()
loss = gluon.loss.SoftmaxCrossEntropyLoss()
params = net.collect_params()
trainer = gluon.Trainer(params, "adam", {"learning_rate": args.lr})


def perplexity(tokens):
    """exp(mean cross-entropy) of the model over ``tokens``, read as in training (in fewer
    rows when the text is short)."""
    batch_size = max(1, min(args.batch_size, (len(tokens) - 1) // args.num_steps))
    total, count, state = 0.0, 0, net.begin_state(batch_size)
    for X, Y in batches(tokens, batch_size, args.num_steps):
        scores, state = net(X, state)
        total += float(loss(scores, Y.T).mean()) * Y.size
        count += Y.size
    return math.exp(total / count)


n_train = sum(1 for _ in batches(train_tokens, args.batch_size, args.num_steps))
print(f"corpus: {len(corpus)} characters of The Time Machine, vocabulary {len(idx_to_char)}, "
      f"{n_train} batches of {args.batch_size} x {args.num_steps} per epoch")
print(net)

for epoch in range(args.epochs):
    start, total, count = time.perf_counter(), 0.0, 0
    state = net.begin_state(args.batch_size)
    for X, Y in batches(train_tokens, args.batch_size, args.num_steps):
        # The state goes on from the last batch, but gradients stop here.
        state = [s.detach() for s in state]
        with autograd.record():
            scores, state = net(X, state)
            l = loss(scores, Y.T).mean()
        l.backward()
        gluon.utils.clip_global_norm([p.grad() for p in params.values()], args.clip)
        trainer.step(1)   # the loss is already a mean over the batch's characters
        total += float(l) * Y.size
        count += Y.size
    speed = count / (time.perf_counter() - start)
    print(f"epoch {epoch + 1}, perplexity {math.exp(total / count):.2f} "
          f"(held out {perplexity(valid_tokens):.2f}), {speed:.0f} characters/s")

# ---- sampling --------------------------------------------------------------------------------


def sample(prefix, length, temperature, rng):
    """``prefix`` and ``length`` characters drawn one at a time from the model's softmax
    (scores divided by ``temperature``: below 1 favours the likelier characters)."""
    prefix = "".join(c for c in prefix.lower() if c in char_to_idx) or idx_to_char[0]
    state = net.begin_state(1)
    scores, state = net(np.array([[char_to_idx[c] for c in prefix]]), state)   # warm-up
    out = list(prefix)
    for _ in range(length):
        p = npx.softmax(scores[-1, 0] / temperature).asnumpy().astype("float64")
        nxt = int(rng.choice(len(p), p=p / p.sum()))
        out.append(idx_to_char[nxt])
        scores, state = net(np.array([[nxt]]), state)
    return "".join(out)


text_out = sample(args.prefix, args.length, args.temperature, onp.random.default_rng(args.seed))
print(f"sample (temperature {args.temperature}): {text_out}")

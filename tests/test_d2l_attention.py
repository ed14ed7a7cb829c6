"""The code of *Dive into Deep Learning*'s attention chapters (MXNet track, numpy mode, release
0.17) runs with ``mxnet`` replaced by ``deepblocks``: attention-scoring-functions,
bahdanau-attention, multihead-attention, self-attention-and-positional-encoding and
transformer.

As in ``test_d2l_rnn.py`` (whose module docstring says how): the chapters' cells run through
``d2l_book.run_notebook`` with the book's ``d2l`` helpers, their printouts are compared with
what the same code printed on MXNet 1.9.1, and the translation models are trained on
``d2l_book.FRA_ENG`` in batches of 16 for 30 epochs (the book: 64 and 200 to 300 epochs on
600 pairs). The tests then check the attention itself: every row of weights sums to 1, the
keys past a valid length get exactly 0, the decoder's self-attention is causal while training,
the positional encoding is the book's formula; and the deepblocks operators the chapters rest
on (``npx.sequence_mask``, ``npx.softmax(length=...)``, ``npx.masked_softmax``,
``npx.batch_dot(transpose_b=True)``) against NumPy on fixed inputs.

The book's code is reproduced as the user code these tests must run (d2l-en's sample code
is under the MIT-0 license, its LICENSE-SAMPLECODE); none of it is part of the library.
"""

import math
import random

import numpy as onp
import pytest

import d2l_book
from deepblocks import autograd, np, npx

pytestmark = pytest.mark.usefixtures("gluon_state")

SNIPPETS = {
    "attention_scoring_functions": r'''
import math
from d2l import mxnet as d2l
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()
# %%
#@save
def masked_softmax(X, valid_lens):
    """Perform softmax operation by masking elements on the last axis."""
    # `X`: 3D tensor, `valid_lens`: 1D or 2D tensor
    if valid_lens is None:
        return npx.softmax(X)
    else:
        shape = X.shape
        if valid_lens.ndim == 1:
            valid_lens = valid_lens.repeat(shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        # On the last axis, replace masked elements with a very large negative
        # value, whose exponentiation outputs 0
        X = npx.sequence_mask(X.reshape(-1, shape[-1]), valid_lens, True,
                              value=-1e6, axis=1)
        return npx.softmax(X).reshape(shape)
# %% random
masked_softmax(np.random.uniform(size=(2, 2, 4)), d2l.tensor([2, 3]))
# %% random
masked_softmax(np.random.uniform(size=(2, 2, 4)),
               d2l.tensor([[1, 3], [2, 4]]))
# %%
#@save
class AdditiveAttention(nn.Block):
    """Additive attention."""
    def __init__(self, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        # Use `flatten=False` to only transform the last axis so that the
        # shapes for the other axes are kept the same
        self.W_k = nn.Dense(num_hiddens, use_bias=False, flatten=False)
        self.W_q = nn.Dense(num_hiddens, use_bias=False, flatten=False)
        self.w_v = nn.Dense(1, use_bias=False, flatten=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        # After dimension expansion, shape of `queries`: (`batch_size`, no. of
        # queries, 1, `num_hiddens`) and shape of `keys`: (`batch_size`, 1,
        # no. of key-value pairs, `num_hiddens`). Sum them up with
        # broadcasting
        features = np.expand_dims(queries, axis=2) + np.expand_dims(
            keys, axis=1)
        features = np.tanh(features)
        # There is only one output of `self.w_v`, so we remove the last
        # one-dimensional entry from the shape. Shape of `scores`:
        # (`batch_size`, no. of queries, no. of key-value pairs)
        scores = np.squeeze(self.w_v(features), axis=-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        # Shape of `values`: (`batch_size`, no. of key-value pairs, value
        # dimension)
        return npx.batch_dot(self.dropout(self.attention_weights), values)
# %% numbers
queries, keys = d2l.normal(0, 1, (2, 1, 20)), d2l.ones((2, 10, 2))
# The two value matrices in the `values` minibatch are identical
values = np.arange(40).reshape(1, 10, 4).repeat(2, axis=0)
valid_lens = d2l.tensor([2, 6])

attention = AdditiveAttention(num_hiddens=8, dropout=0.1)
attention.initialize()
attention(queries, keys, values, valid_lens)
# %%
d2l.show_heatmaps(d2l.reshape(attention.attention_weights, (1, 1, 2, 10)),
                  xlabel='Keys', ylabel='Queries')
# %%
#@save
class DotProductAttention(nn.Block):
    """Scaled dot product attention."""
    def __init__(self, dropout, **kwargs):
        super(DotProductAttention, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    # Shape of `queries`: (`batch_size`, no. of queries, `d`)
    # Shape of `keys`: (`batch_size`, no. of key-value pairs, `d`)
    # Shape of `values`: (`batch_size`, no. of key-value pairs, value
    # dimension)
    # Shape of `valid_lens`: (`batch_size`,) or (`batch_size`, no. of queries)
    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        # Set `transpose_b=True` to swap the last two dimensions of `keys`
        scores = npx.batch_dot(queries, keys, transpose_b=True) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return npx.batch_dot(self.dropout(self.attention_weights), values)
# %% numbers
queries = d2l.normal(0, 1, (2, 1, 2))
attention = DotProductAttention(dropout=0.5)
attention.initialize()
attention(queries, keys, values, valid_lens)
# %%
d2l.show_heatmaps(d2l.reshape(attention.attention_weights, (1, 1, 2, 10)),
                  xlabel='Keys', ylabel='Queries')
''',
    "bahdanau_attention": r'''
from d2l import mxnet as d2l
from deepblocks import np, npx
from deepblocks.gluon import rnn, nn
npx.set_np()
# %%
#@save
class AttentionDecoder(d2l.Decoder):
    """The base attention-based decoder interface."""
    def __init__(self, **kwargs):
        super(AttentionDecoder, self).__init__(**kwargs)

    @property
    def attention_weights(self):
        raise NotImplementedError
# %%
class Seq2SeqAttentionDecoder(AttentionDecoder):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers,
                 dropout=0, **kwargs):
        super(Seq2SeqAttentionDecoder, self).__init__(**kwargs)
        self.attention = d2l.AdditiveAttention(num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = rnn.GRU(num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Dense(vocab_size, flatten=False)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        # Shape of `outputs`: (`num_steps`, `batch_size`, `num_hiddens`).
        # Shape of `hidden_state[0]`: (`num_layers`, `batch_size`,
        # `num_hiddens`)
        outputs, hidden_state = enc_outputs
        return (outputs.swapaxes(0, 1), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        # Shape of `enc_outputs`: (`batch_size`, `num_steps`, `num_hiddens`).
        # Shape of `hidden_state[0]`: (`num_layers`, `batch_size`,
        # `num_hiddens`)
        enc_outputs, hidden_state, enc_valid_lens = state
        # Shape of the output `X`: (`num_steps`, `batch_size`, `embed_size`)
        X = self.embedding(X).swapaxes(0, 1)
        outputs, self._attention_weights = [], []
        for x in X:
            # Shape of `query`: (`batch_size`, 1, `num_hiddens`)
            query = np.expand_dims(hidden_state[0][-1], axis=1)
            # Shape of `context`: (`batch_size`, 1, `num_hiddens`)
            context = self.attention(
                query, enc_outputs, enc_outputs, enc_valid_lens)
            # Concatenate on the feature dimension
            x = np.concatenate((context, np.expand_dims(x, axis=1)), axis=-1)
            # Reshape `x` as (1, `batch_size`, `embed_size` + `num_hiddens`)
            out, hidden_state = self.rnn(x.swapaxes(0, 1), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        # After fully-connected layer transformation, shape of `outputs`:
        # (`num_steps`, `batch_size`, `vocab_size`)
        outputs = self.dense(np.concatenate(outputs, axis=0))
        return outputs.swapaxes(0, 1), [enc_outputs, hidden_state,
                                        enc_valid_lens]

    @property
    def attention_weights(self):
        return self._attention_weights
# %%
encoder = d2l.Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16,
                             num_layers=2)
encoder.initialize()
decoder = Seq2SeqAttentionDecoder(vocab_size=10, embed_size=8, num_hiddens=16,
                                  num_layers=2)
decoder.initialize()
X = d2l.zeros((4, 7))  # (`batch_size`, `num_steps`)
state = decoder.init_state(encoder(X), None)
output, state = decoder(X, state)
output.shape, len(state), state[0].shape, len(state[1]), state[1][0].shape
# %%
embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1
batch_size, num_steps = 16, 10
lr, num_epochs, device = 0.005, 30, d2l.try_gpu()

train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt(batch_size, num_steps)
encoder = d2l.Seq2SeqEncoder(
    len(src_vocab), embed_size, num_hiddens, num_layers, dropout)
decoder = Seq2SeqAttentionDecoder(
    len(tgt_vocab), embed_size, num_hiddens, num_layers, dropout)
net = d2l.EncoderDecoder(encoder, decoder)
d2l.train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)
# %%
engs = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
fras = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
for eng, fra in zip(engs, fras):
    translation, dec_attention_weight_seq = d2l.predict_seq2seq(
        net, eng, src_vocab, tgt_vocab, num_steps, device, True)
    print(f'{eng} => {translation}, ',
          f'bleu {d2l.bleu(translation, fra, k=2):.3f}')
# %%
attention_weights = d2l.reshape(
    d2l.concat([step[0][0][0] for step in dec_attention_weight_seq], 0),
    (1, 1, -1, num_steps))
# %%
# Plus one to include the end-of-sequence token
d2l.show_heatmaps(
    attention_weights[:, :, :, :len(engs[-1].split()) + 1],
    xlabel='Key positions', ylabel='Query positions')
''',
    "multihead_attention": r'''
from d2l import mxnet as d2l
import math
from deepblocks import autograd, np, npx
from deepblocks.gluon import nn
npx.set_np()
# %%
#@save
class MultiHeadAttention(nn.Block):
    """Multi-head attention."""
    def __init__(self, num_hiddens, num_heads, dropout, use_bias=False,
                 **kwargs):
        super(MultiHeadAttention, self).__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = d2l.DotProductAttention(dropout)
        self.W_q = nn.Dense(num_hiddens, use_bias=use_bias, flatten=False)
        self.W_k = nn.Dense(num_hiddens, use_bias=use_bias, flatten=False)
        self.W_v = nn.Dense(num_hiddens, use_bias=use_bias, flatten=False)
        self.W_o = nn.Dense(num_hiddens, use_bias=use_bias, flatten=False)

    def forward(self, queries, keys, values, valid_lens):
        # Shape of `queries`, `keys`, or `values`:
        # (`batch_size`, no. of queries or key-value pairs, `num_hiddens`)
        # Shape of `valid_lens`:
        # (`batch_size`,) or (`batch_size`, no. of queries)
        # After transposing, shape of output `queries`, `keys`, or `values`:
        # (`batch_size` * `num_heads`, no. of queries or key-value pairs,
        # `num_hiddens` / `num_heads`)
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)

        if valid_lens is not None:
            # On axis 0, copy the first item (scalar or vector) for
            # `num_heads` times, then copy the next item, and so on
            valid_lens = valid_lens.repeat(self.num_heads, axis=0)

        # Shape of `output`: (`batch_size` * `num_heads`, no. of queries,
        # `num_hiddens` / `num_heads`)
        output = self.attention(queries, keys, values, valid_lens)
        
        # Shape of `output_concat`:
        # (`batch_size`, no. of queries, `num_hiddens`)
        output_concat = transpose_output(output, self.num_heads)
        return self.W_o(output_concat)
# %%
#@save
def transpose_qkv(X, num_heads):
    """Transposition for parallel computation of multiple attention heads."""
    # Shape of input `X`:
    # (`batch_size`, no. of queries or key-value pairs, `num_hiddens`).
    # Shape of output `X`:
    # (`batch_size`, no. of queries or key-value pairs, `num_heads`,
    # `num_hiddens` / `num_heads`)
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)

    # Shape of output `X`:
    # (`batch_size`, `num_heads`, no. of queries or key-value pairs,
    # `num_hiddens` / `num_heads`)
    X = X.transpose(0, 2, 1, 3)

    # Shape of `output`:
    # (`batch_size` * `num_heads`, no. of queries or key-value pairs,
    # `num_hiddens` / `num_heads`)
    return X.reshape(-1, X.shape[2], X.shape[3])


#@save
def transpose_output(X, num_heads):
    """Reverse the operation of `transpose_qkv`."""
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.transpose(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)
# %%
num_hiddens, num_heads = 100, 5
attention = MultiHeadAttention(num_hiddens, num_heads, 0.5)
attention.initialize()
# %%
batch_size, num_queries, num_kvpairs, valid_lens = 2, 4, 6, d2l.tensor([3, 2])
X = d2l.ones((batch_size, num_queries, num_hiddens))
Y = d2l.ones((batch_size, num_kvpairs, num_hiddens))
attention(X, Y, Y, valid_lens).shape
''',
    "self_attention_and_positional_encoding": r'''
from d2l import mxnet as d2l
import math
from deepblocks import autograd, np, npx
from deepblocks.gluon import nn
npx.set_np()
# %%
num_hiddens, num_heads = 100, 5
attention = d2l.MultiHeadAttention(num_hiddens, num_heads, 0.5)
attention.initialize()
# %%
batch_size, num_queries, valid_lens = 2, 4, d2l.tensor([3, 2])
X = d2l.ones((batch_size, num_queries, num_hiddens))
attention(X, X, X, valid_lens).shape
# %%
#@save
class PositionalEncoding(nn.Block):
    """Positional encoding."""
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(dropout)
        # Create a long enough `P`
        self.P = d2l.zeros((1, max_len, num_hiddens))
        X = d2l.arange(max_len).reshape(-1, 1) / np.power(
            10000, np.arange(0, num_hiddens, 2) / num_hiddens)
        self.P[:, :, 0::2] = np.sin(X)
        self.P[:, :, 1::2] = np.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].as_in_ctx(X.ctx)
        return self.dropout(X)
# %%
encoding_dim, num_steps = 32, 60
pos_encoding = PositionalEncoding(encoding_dim, 0)
pos_encoding.initialize()
X = pos_encoding(np.zeros((1, num_steps, encoding_dim)))
P = pos_encoding.P[:, :X.shape[1], :]
d2l.plot(d2l.arange(num_steps), P[0, :, 6:10].T, xlabel='Row (position)',
         figsize=(6, 2.5), legend=["Col %d" % d for d in d2l.arange(6, 10)])
# %%
for i in range(8):
    print(f'{i} in binary is {i:>03b}')
# %%
P = np.expand_dims(np.expand_dims(P[0, :, :], 0), 0)
d2l.show_heatmaps(P, xlabel='Column (encoding dimension)',
                  ylabel='Row (position)', figsize=(3.5, 4), cmap='Blues')
''',
    "transformer": r'''
from d2l import mxnet as d2l
import math
from deepblocks import autograd, np, npx
from deepblocks.gluon import nn
import pandas as pd
npx.set_np()
# %%
#@save
class PositionWiseFFN(nn.Block):
    """Positionwise feed-forward network."""
    def __init__(self, ffn_num_hiddens, ffn_num_outputs, **kwargs):
        super(PositionWiseFFN, self).__init__(**kwargs)
        self.dense1 = nn.Dense(ffn_num_hiddens, flatten=False,
                               activation='relu')
        self.dense2 = nn.Dense(ffn_num_outputs, flatten=False)

    def forward(self, X):
        return self.dense2(self.dense1(X))
# %% random
ffn = PositionWiseFFN(4, 8)
ffn.initialize()
ffn(np.ones((2, 3, 4)))[0]
# %%
ln = nn.LayerNorm()
ln.initialize()
bn = nn.BatchNorm()
bn.initialize()
X = d2l.tensor([[1, 2], [2, 3]])
# Compute mean and variance from `X` in the training mode
with autograd.record():
    print('layer norm:', ln(X), '\nbatch norm:', bn(X))
# %%
#@save
class AddNorm(nn.Block):
    """Residual connection followed by layer normalization."""
    def __init__(self, dropout, **kwargs):
        super(AddNorm, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm()

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)
# %%
add_norm = AddNorm(0.5)
add_norm.initialize()
add_norm(d2l.ones((2, 3, 4)), d2l.ones((2, 3, 4))).shape
# %%
#@save
class EncoderBlock(nn.Block):
    """Transformer encoder block."""
    def __init__(self, num_hiddens, ffn_num_hiddens, num_heads, dropout,
                 use_bias=False, **kwargs):
        super(EncoderBlock, self).__init__(**kwargs)
        self.attention = d2l.MultiHeadAttention(
            num_hiddens, num_heads, dropout, use_bias)
        self.addnorm1 = AddNorm(dropout)
        self.ffn = PositionWiseFFN(ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))
# %%
X = d2l.ones((2, 100, 24))
valid_lens = d2l.tensor([3, 2])
encoder_blk = EncoderBlock(24, 48, 8, 0.5)
encoder_blk.initialize()
encoder_blk(X, valid_lens).shape
# %%
#@save
class TransformerEncoder(d2l.Encoder):
    """Transformer encoder."""
    def __init__(self, vocab_size, num_hiddens, ffn_num_hiddens,
                 num_heads, num_layers, dropout, use_bias=False, **kwargs):
        super(TransformerEncoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = d2l.PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for _ in range(num_layers):
            self.blks.add(
                EncoderBlock(num_hiddens, ffn_num_hiddens, num_heads, dropout,
                             use_bias))

    def forward(self, X, valid_lens, *args):
        # Since positional encoding values are between -1 and 1, the embedding
        # values are multiplied by the square root of the embedding dimension
        # to rescale before they are summed up
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self.attention_weights = [None] * len(self.blks)
        for i, blk in enumerate(self.blks):
            X = blk(X, valid_lens)
            self.attention_weights[
                i] = blk.attention.attention.attention_weights
        return X
# %%
encoder = TransformerEncoder(200, 24, 48, 8, 2, 0.5)
encoder.initialize()
encoder(np.ones((2, 100)), valid_lens).shape
# %%
class DecoderBlock(nn.Block):
    # The `i`-th block in the decoder
    def __init__(self, num_hiddens, ffn_num_hiddens, num_heads,
                 dropout, i, **kwargs):
        super(DecoderBlock, self).__init__(**kwargs)
        self.i = i
        self.attention1 = d2l.MultiHeadAttention(num_hiddens, num_heads,
                                                 dropout)
        self.addnorm1 = AddNorm(dropout)
        self.attention2 = d2l.MultiHeadAttention(num_hiddens, num_heads,
                                                 dropout)
        self.addnorm2 = AddNorm(dropout)
        self.ffn = PositionWiseFFN(ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(dropout)

    def forward(self, X, state):
        enc_outputs, enc_valid_lens = state[0], state[1]
        # During training, all the tokens of any output sequence are processed
        # at the same time, so `state[2][self.i]` is `None` as initialized.
        # When decoding any output sequence token by token during prediction,
        # `state[2][self.i]` contains representations of the decoded output at
        # the `i`-th block up to the current time step
        if state[2][self.i] is None:
            key_values = X
        else:
            key_values = np.concatenate((state[2][self.i], X), axis=1)
        state[2][self.i] = key_values

        if autograd.is_training():
            batch_size, num_steps, _ = X.shape
            # Shape of `dec_valid_lens`: (`batch_size`, `num_steps`), where
            # every row is [1, 2, ..., `num_steps`]
            dec_valid_lens = np.tile(np.arange(1, num_steps + 1, ctx=X.ctx),
                                     (batch_size, 1))
        else:
            dec_valid_lens = None

        # Self-attention
        X2 = self.attention1(X, key_values, key_values, dec_valid_lens)
        Y = self.addnorm1(X, X2)
        # Encoder-decoder attention. Shape of `enc_outputs`:
        # (`batch_size`, `num_steps`, `num_hiddens`)
        Y2 = self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens)
        Z = self.addnorm2(Y, Y2)
        return self.addnorm3(Z, self.ffn(Z)), state
# %%
decoder_blk = DecoderBlock(24, 48, 8, 0.5, 0)
decoder_blk.initialize()
X = np.ones((2, 100, 24))
state = [encoder_blk(X, valid_lens), valid_lens, [None]]
decoder_blk(X, state)[0].shape
# %%
class TransformerDecoder(d2l.AttentionDecoder):
    def __init__(self, vocab_size, num_hiddens, ffn_num_hiddens,
                 num_heads, num_layers, dropout, **kwargs):
        super(TransformerDecoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.num_layers = num_layers
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = d2l.PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add(
                DecoderBlock(num_hiddens, ffn_num_hiddens, num_heads,
                             dropout, i))
        self.dense = nn.Dense(vocab_size, flatten=False)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X, state):
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self._attention_weights = [[None] * len(self.blks) for _ in range (2)]
        for i, blk in enumerate(self.blks):
            X, state = blk(X, state)
            # Decoder self-attention weights
            self._attention_weights[0][
                i] = blk.attention1.attention.attention_weights
            # Encoder-decoder attention weights
            self._attention_weights[1][
                i] = blk.attention2.attention.attention_weights
        return self.dense(X), state

    @property
    def attention_weights(self):
        return self._attention_weights
# %%
num_hiddens, num_layers, dropout, batch_size, num_steps = 32, 2, 0.1, 16, 10
lr, num_epochs, device = 0.005, 30, d2l.try_gpu()
ffn_num_hiddens, num_heads = 64, 4

train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt(batch_size, num_steps)

encoder = TransformerEncoder(
    len(src_vocab), num_hiddens, ffn_num_hiddens, num_heads, num_layers,
    dropout)
decoder = TransformerDecoder(
    len(tgt_vocab), num_hiddens, ffn_num_hiddens, num_heads, num_layers,
    dropout)
net = d2l.EncoderDecoder(encoder, decoder)
d2l.train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)
# %%
engs = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
fras = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
for eng, fra in zip(engs, fras):
    translation, dec_attention_weight_seq = d2l.predict_seq2seq(
        net, eng, src_vocab, tgt_vocab, num_steps, device, True)
    print(f'{eng} => {translation}, ',
          f'bleu {d2l.bleu(translation, fra, k=2):.3f}')
# %%
enc_attention_weights = d2l.reshape(
    d2l.concat(net.encoder.attention_weights, 0),
    (num_layers, num_heads, -1, num_steps))
enc_attention_weights.shape
# %%
d2l.show_heatmaps(
    enc_attention_weights, xlabel='Key positions', ylabel='Query positions',
    titles=['Head %d' % i for i in range(1, 5)], figsize=(7, 3.5))
# %% random
dec_attention_weights_2d = [d2l.tensor(head[0]).tolist()
                            for step in dec_attention_weight_seq
                            for attn in step for blk in attn for head in blk]
dec_attention_weights_filled = d2l.tensor(
    pd.DataFrame(dec_attention_weights_2d).fillna(0.0).values)
dec_attention_weights = d2l.reshape(dec_attention_weights_filled,
                                    (-1, 2, num_layers, num_heads, num_steps))
dec_self_attention_weights, dec_inter_attention_weights = \
    dec_attention_weights.transpose(1, 2, 3, 0, 4)
dec_self_attention_weights.shape, dec_inter_attention_weights.shape
# %%
# Plus one to include the beginning-of-sequence token
d2l.show_heatmaps(
    dec_self_attention_weights[:, :, :, :len(translation.split()) + 1],
    xlabel='Key positions', ylabel='Query positions',
    titles=['Head %d' % i for i in range(1, 5)], figsize=(7, 3.5))
# %%
d2l.show_heatmaps(
    dec_inter_attention_weights, xlabel='Key positions',
    ylabel='Query positions', titles=['Head %d' % i for i in range(1, 5)],
    figsize=(7, 3.5))
''',
}


# What each snippet printed on MXNet 1.9.1 (numpy 1.23.5), pasted verbatim (lines of a
# d2l_book.RANDOM form are compared in form only).
MXNET_OUTPUT = {
    "attention_scoring_functions": """\
<random>
<random>
<numbers>
<numbers>
""",
    "bahdanau_attention": """\
((4, 7, 10), 3, (4, 7, 16), 1, (2, 4, 16))
loss 0.070, 432.5 tokens/sec on cpu(0)
go . => ils sont calmes .,  bleu 0.000
i lost . => ils sont calmes .,  bleu 0.000
he's calm . => il est triste .,  bleu 0.658
i'm home . => elle est triste .,  bleu 0.000
""",
    "multihead_attention": """\
(2, 4, 100)
""",
    "self_attention_and_positional_encoding": """\
(2, 4, 100)
0 in binary is 000
1 in binary is 001
2 in binary is 010
3 in binary is 011
4 in binary is 100
5 in binary is 101
6 in binary is 110
7 in binary is 111
""",
    "transformer": """\
<random>
layer norm: [[-0.99998  0.99998]
 [-0.99998  0.99998]] 
batch norm: [[-0.99998 -0.99998]
 [ 0.99998  0.99998]]
(2, 3, 4)
(2, 100, 24)
(2, 100, 24)
(2, 100, 24)
loss 0.031, 1319.7 tokens/sec on cpu(0)
go . => va !,  bleu 1.000
i lost . => j'ai perdu .,  bleu 1.000
he's calm . => il est calme .,  bleu 1.000
i'm home . => je suis chez <unk> .,  bleu 0.752
(2, 4, 10, 10)
<random>
""",
}


def run(name):
    """Runs a snippet with deepblocks (the d2l helpers installed, seeded); checks its printout
    against MXNet's; returns its namespace and the d2l module."""
    random.seed(0)
    np.random.seed(0)
    with d2l_book.installed() as d2l:
        ns, printed = d2l_book.run_notebook(SNIPPETS[name], name)
    d2l_book.assert_same_printout(printed, MXNET_OUTPUT[name])
    return ns, d2l


def check_weights(weights, valid_lens):
    """``weights`` (…, queries, keys): each row sums to 1 and is exactly 0 from its valid length
    on (``valid_lens`` broadcast against the rows' shape; None: no mask)."""
    w = weights.asnumpy()
    assert onp.isfinite(w).all() and (w >= 0).all()
    onp.testing.assert_allclose(w.sum(axis=-1), 1, rtol=1e-5)
    if valid_lens is not None:
        lens = onp.broadcast_to(onp.asarray(valid_lens), w.shape[:-1])
        past = onp.arange(w.shape[-1]) >= lens[..., None]
        assert (w[past] == 0).all()
        assert (w[~past] > 0).all()


def training_curve(d2l, epochs=30):
    (animator,) = d2l.ANIMATORS
    assert animator.X[0] == list(range(10, epochs + 1, 10))
    y = animator.Y[0]
    assert all(math.isfinite(v) for v in y) and y[-1] < 0.7 * y[0], y
    return y


def check_gradients(net):
    grads = {k: p.grad().asnumpy() for k, p in net.collect_params().items() if p.grad_req != "null"}
    for k, g in grads.items():
        assert onp.isfinite(g).all(), k
    assert sum(bool(onp.abs(g).sum() > 0) for g in grads.values()) >= 0.8 * len(grads)


def translate(ns, d2l, sentences=("go .", "i lost .", "he's calm .", "i'm home .", "they're tired .")):
    """``predict_seq2seq`` on a few sentences (with the attention weights); each translation
    is at most ``num_steps`` words of the target vocabulary."""
    out = []
    for eng in sentences:
        translation, weights = d2l.predict_seq2seq(ns["net"], eng, ns["src_vocab"], ns["tgt_vocab"],
                                                   ns["num_steps"], d2l.try_gpu(), True)
        words = translation.split(" ") if translation else []
        assert len(words) <= ns["num_steps"] and set(words) <= set(ns["tgt_vocab"].idx_to_token)
        assert 1 <= len(weights) <= ns["num_steps"]
        out.append((eng, translation, weights))
    return out


# ---- the operators under the chapters, on fixed inputs ---------------------------------------

X_FIXED = onp.array([[[0.1, 0.9, -0.3, 2.0], [1.5, -1.0, 0.0, 0.25]],
                     [[-2.0, 0.5, 0.5, 1.0], [3.0, 2.0, 1.0, 0.0]]], dtype=onp.float32)


def numpy_masked_softmax(x, lens):
    """float64 softmax over the last axis of the first ``lens`` entries, 0 after."""
    x = x.astype(onp.float64)
    keep = onp.arange(x.shape[-1]) < onp.asarray(lens)[..., None]
    e = onp.where(keep, onp.exp(x - onp.where(keep, x, -onp.inf).max(axis=-1, keepdims=True)), 0)
    return e / e.sum(axis=-1, keepdims=True)


def test_sequence_mask_examples_of_the_seq2seq_chapter():
    X = np.array([[1, 2, 3], [4, 5, 6]])
    onp.testing.assert_array_equal(npx.sequence_mask(X, np.array([1, 2]), True, axis=1).asnumpy(),
                                   [[1, 0, 0], [4, 5, 0]])
    got = npx.sequence_mask(np.ones((2, 3, 4)), np.array([1, 2]), True, value=-1, axis=1).asnumpy()
    want = onp.ones((2, 3, 4))
    want[0, 1:], want[1, 2:] = -1, -1
    onp.testing.assert_array_equal(got, want)


def test_the_books_masked_softmax_on_fixed_inputs():
    with d2l_book.installed() as d2l:
        for lens in ([2, 3], [[1, 3], [2, 4]]):
            got = d2l.masked_softmax(np.array(X_FIXED), np.array(lens))
            want = numpy_masked_softmax(X_FIXED, onp.array(lens)[:, None] if len(onp.shape(lens)) == 1 else lens)
            onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-7)
            check_weights(got, onp.array(lens)[:, None] if len(onp.shape(lens)) == 1 else lens)
        onp.testing.assert_allclose(d2l.masked_softmax(np.array(X_FIXED), None).asnumpy(),
                                    numpy_masked_softmax(X_FIXED, 4), rtol=1e-5)


# npx.softmax(X_FIXED, length=[[2, 2], [3, 3]], use_length=True) on MXNet 1.9.1
MXNET_SOFTMAX_LENGTH = [[[0.3100255, 0.6899744, 0.0, 0.0], [0.9241418, 0.07585818, 0.0, 0.0]],
                        [[0.03942442, 0.48028776, 0.48028776, 0.0], [0.66524094, 0.24472848, 0.09003057, 0.0]]]


def test_softmax_with_length_and_masked_softmax_agree_with_the_book():
    lens = onp.array([[2, 2], [3, 3]])
    want = numpy_masked_softmax(X_FIXED, lens)
    got = npx.softmax(np.array(X_FIXED), length=np.array(lens, dtype="int32"), use_length=True)
    onp.testing.assert_allclose(got.asnumpy(), MXNET_SOFTMAX_LENGTH, rtol=1e-6)
    onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6)
    mask = onp.arange(4) < lens[..., None]
    got = npx.masked_softmax(np.array(X_FIXED), np.array(mask))   # MXNet 2's operator
    onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6)
    check_weights(got, lens)


# npx.batch_dot(q, k, transpose_b=True) on MXNet 1.9.1 for the q and k below
MXNET_BATCH_DOT = [[[0.05, 0.14, 0.23, 0.32000002], [0.14, 0.5, 0.86, 1.22]],
                   [[2.75, 3.38, 4.01, 4.64], [3.92, 4.8199997, 5.7200003, 6.6200004]]]


def test_batch_dot_transpose_b():
    q = np.arange(12).reshape(2, 2, 3) / 10
    k = np.arange(24).reshape(2, 4, 3) / 10
    got = npx.batch_dot(q, k, transpose_b=True)
    onp.testing.assert_allclose(got.asnumpy(), MXNET_BATCH_DOT, rtol=1e-6)
    onp.testing.assert_allclose(got.asnumpy(), onp.einsum("bqd,bkd->bqk", q.asnumpy(), k.asnumpy()), rtol=1e-6)


# ---- the chapters ----------------------------------------------------------------------------


def test_attention_scoring_functions():
    ns, d2l = run("attention_scoring_functions")
    one_d, two_d, additive, dot = ns["Out"]
    check_weights(one_d, [[2], [3]])
    check_weights(two_d, [[1, 3], [2, 4]])
    # The keys are all equal, so both scorings weigh the valid values equally: the output is
    # the mean of the first 2 (first example) and 6 (second) rows of values.
    want = [[[2, 3, 4, 5]], [[10, 11, 12, 13]]]   # MXNet 1.9.1 prints 12.000001 for 12
    for out in (additive, dot):
        onp.testing.assert_allclose(out.asnumpy(), want, rtol=1e-6)
    check_weights(ns["attention"].attention_weights, [[2], [6]])
    # show_heatmaps was given the (1, 1, 2, 10) weights twice
    heatmaps = [f for f in d2l.FIGURES if f[0] == "show_heatmaps"]
    assert [f[2] for f in heatmaps] == [(1, 1), (1, 1)] and heatmaps[0][1].shape == (1, 1, 2, 10)
    # gradients flow through the masked softmax into the additive scoring's weights
    attention = ns["AdditiveAttention"](num_hiddens=8, dropout=0.1)
    attention.initialize()
    queries, keys, values = np.random.normal(0, 1, (2, 3, 20)), np.random.normal(0, 1, (2, 10, 2)), ns["values"]
    with autograd.record():
        out = attention(queries, keys, values, ns["valid_lens"])
        loss = (out ** 2).sum()
    loss.backward()
    check_weights(attention.attention_weights, [[2], [6]])
    assert out.shape == (2, 3, 4)
    check_gradients(attention)


def test_bahdanau_attention():
    ns, d2l = run("bahdanau_attention")
    training_curve(d2l)
    check_gradients(ns["net"])
    for eng, translation, steps in translate(ns, d2l):
        # per decoding step, the decoder's list of weights: one (batch 1, 1 query, num_steps
        # keys) for its one step; the source is the sentence's tokens and <eos>, the rest of
        # the num_steps keys is padding
        valid = len(eng.split(" ")) + 1
        for step in steps:
            (w,) = step
            assert w.shape == (1, 1, ns["num_steps"])
            check_weights(w, [[valid]])


def test_multihead_attention():
    ns, _ = run("multihead_attention")
    weights = ns["attention"].attention.attention_weights
    assert weights.shape == (2 * 5, 4, 6)   # (batch * heads, queries, key-value pairs)
    check_weights(weights, onp.repeat([3, 2], 5)[:, None])
    X = np.random.normal(size=(2, 4, 100))
    onp.testing.assert_array_equal(ns["transpose_output"](ns["transpose_qkv"](X, 5), 5).asnumpy(), X.asnumpy())
    # every head sees its own 20 of the 100 features: head h of example b is row b * 5 + h
    onp.testing.assert_array_equal(ns["transpose_qkv"](X, 5)[1 * 5 + 2].asnumpy(), X.asnumpy()[1, :, 40:60])


def test_self_attention_and_positional_encoding():
    ns, d2l = run("self_attention_and_positional_encoding")
    check_weights(ns["attention"].attention.attention_weights, onp.repeat([3, 2], 5)[:, None])
    # P[0, i, 2j] = sin(i / 10000^(2j/d)), P[0, i, 2j+1] = cos(...)
    P = ns["pos_encoding"].P.asnumpy()
    i = onp.arange(1000)[:, None]
    angle = i / onp.power(10000, onp.arange(0, 32, 2) / 32)
    onp.testing.assert_allclose(P[0, :, 0::2], onp.sin(angle), atol=2e-4)
    onp.testing.assert_allclose(P[0, :, 1::2], onp.cos(angle), atol=2e-4)
    onp.testing.assert_allclose(ns["X"].asnumpy(), P[:, :60], rtol=1e-6)   # zeros + P, no dropout
    assert ns["P"].shape == (1, 1, 60, 32)
    kinds = [f[0] for f in d2l.FIGURES]
    assert kinds == ["plot", "show_heatmaps"]


def test_transformer():
    ns, d2l = run("transformer")
    assert ns["Out"][0].shape == (3, 8)   # ffn(np.ones((2, 3, 4)))[0]
    training_curve(d2l)
    net = ns["net"]
    check_gradients(net)
    num_layers, num_heads, num_steps = ns["num_layers"], ns["num_heads"], ns["num_steps"]
    # the encoder attention weights of the last translation: each head's rows sum to 1 and
    # give nothing to the padding past the source's length
    valid = len(ns["engs"][-1].split(" ")) + 1
    enc = ns["enc_attention_weights"]
    assert enc.shape == (num_layers, num_heads, num_steps, num_steps)
    check_weights(enc, valid)
    results = translate(ns, d2l)
    for eng, translation, steps in results:
        for step in steps:
            self_attention, inter_attention = step
            for blk in range(num_layers):
                check_weights(inter_attention[blk], len(eng.split(" ")) + 1)
                check_weights(self_attention[blk], None)
    # While training, the decoder's self-attention is causal: query i sees keys 0..i.
    decoder = net.decoder
    X = np.array([[3, 4, 5, 6], [7, 8, 9, 1]])
    enc_outputs = net.encoder(X, np.array([4, 2]))
    state = decoder.init_state(enc_outputs, np.array([4, 2]))
    with autograd.record():
        decoder(X, state)
    for blk in range(num_layers):
        w = decoder.attention_weights[0][blk]
        assert w.shape == (2 * num_heads, 4, 4)
        check_weights(w, onp.arange(1, 5))
        check_weights(decoder.attention_weights[1][blk], onp.repeat([4, 2], num_heads)[:, None])

"""d2l "Layers and Modules": an MLP as a Sequential and as a custom Block.

Run with ``python examples/mlp.py``. The code follows the MXNet cells of d2l-en
(chapter_builders-guide/model-construction.md); only the word ``mxnet`` became
``deepblocks``.
"""
from deepblocks import np, npx
from deepblocks.gluon import nn

npx.set_np()

# A Sequential: hidden layer of 256 ReLU units, output layer of 10 units.
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()

X = np.random.uniform(size=(2, 20))
print('sequential output shape:', net(X).shape)
print(net)


class MLP(nn.Block):
    """The same network written as a Block subclass."""

    def __init__(self, **kwargs):
        # The parent constructor sets up naming, parameters and child registration.
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')  # hidden layer
        self.out = nn.Dense(10)                         # output layer

    def forward(self, X):
        # Forward propagation: output layer applied to the hidden representation.
        return self.out(self.hidden(X))


net = MLP()
print(net)           # before the first forward the input width is still unknown
net.initialize()
Y = net(X)
print('mlp output shape:', Y.shape)
print(net)
print('name:', net.name, 'prefix:', net.prefix)
print('params:', list(net.collect_params().keys()))

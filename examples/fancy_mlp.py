"""d2l "Layers and Modules": arbitrary code in forward, and nesting.

``FixedHiddenMLP`` (d2l-en; ``FancyMLP`` in the first Chinese edition) uses a
constant created with ``params.get_constant``, reuses one Dense layer twice and
runs a Python ``while`` loop on an array value. ``NestMLP`` nests a Sequential in a
Block, and the "chimera" mixes all of them in one Sequential.
"""
from deepblocks import np, npx
from deepblocks.gluon import nn

npx.set_np()


class FixedHiddenMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A constant parameter (grad_req='null'): training never changes it.
        self.rand_weight = self.params.get_constant(
            'rand_weight', np.random.uniform(size=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, X):
        X = self.dense(X)
        # Use the constant with the relu and dot functions.
        X = npx.relu(np.dot(X, self.rand_weight.data()) + 1)
        # Reuse the same Dense layer: its parameters are shared by both uses.
        X = self.dense(X)
        # Control flow on an array value: the 0-d comparison converts to bool.
        while np.abs(X).sum() > 1:
            X /= 2
        return X.sum()


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'),
                     nn.Dense(32, activation='relu'))
        self.dense = nn.Dense(16, activation='relu')

    def forward(self, X):
        return self.dense(self.net(X))


X = np.random.uniform(size=(2, 20))

net = FixedHiddenMLP()
net.initialize()
out = net(X)
print('fixed hidden mlp output shape:', out.shape)
print('output at most 1 in absolute value:', bool(np.abs(out) <= 1))
print(net.rand_weight)
print('constant grad_req:', net.rand_weight.grad_req)
print(net.collect_params())

chimera = nn.Sequential()
chimera.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())
chimera.initialize()
out = chimera(X)
print('chimera output shape:', out.shape)
print('output at most 1 in absolute value:', bool(np.abs(out) <= 1))
print(chimera)
print(list(chimera.collect_params().keys()))

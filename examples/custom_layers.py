"""d2l "Custom Layers": a layer without parameters and a layer with parameters.

``CenteredLayer`` subtracts the mean; ``MyDense`` creates its weight and bias with
``self.params.get`` and computes ``relu(x @ W + b)``. Both are used inside a
Sequential. Follows the MXNet cells of d2l-en (chapter_builders-guide/custom-layer.md).
"""
from deepblocks import np, npx
from deepblocks.gluon import nn

npx.set_np()


class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def forward(self, X):
        return X - X.mean()


layer = CenteredLayer()
print(layer(np.array([1.0, 2, 3, 4, 5])))

net = nn.Sequential()
net.add(nn.Dense(128), CenteredLayer())
net.initialize()
Y = net(np.random.uniform(size=(4, 8)))
print('mean after centering is ~0:', bool(abs(float(Y.mean())) < 1e-6))
print(net)


class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        # Parameters named prefix + 'weight' / prefix + 'bias' (mydense0_weight...).
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        linear = np.dot(x, self.weight.data(ctx=x.ctx)) + self.bias.data(
            ctx=x.ctx)
        return npx.relu(linear)


dense = MyDense(units=3, in_units=5)
print(dense.params)
dense.initialize()
out = dense(np.random.uniform(size=(2, 5)))
print('mydense output shape:', out.shape, 'non-negative:', bool((out >= 0).all()))

net = nn.Sequential()
net.add(MyDense(8, in_units=64),
        MyDense(1, in_units=8))
net.initialize()
print('sequential of MyDense output shape:', net(np.random.uniform(size=(2, 64))).shape)
print(net.collect_params())

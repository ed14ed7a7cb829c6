"""Cells of the first Chinese edition of d2l (d2l-zh v1) in legacy ``nd`` mode.

No ``npx.set_np()`` here: arrays are ``nd.NDArray`` (reductions give shape (1,),
comparisons give float32 0/1, ``asscalar()``), Gluon returns NDArrays, unknown
parameter dims show as 0 and NDArrays print as ``[...]`` plus ``<NDArray 2x3 @cpu(0)>``.
Covers parameter access / initialization / sharing (first, so that the names are
the book's dense0...), model construction, a custom layer and ``nd.save``/``nd.load`` (chapter_deep-learning-computation/*.md).
"""
import os
import shutil
import tempfile

from deepblocks import gluon, init, nd
from deepblocks.gluon import nn

# ---- parameters.md ---------------------------------------------------------------------

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()  # default initialization
print(net.collect_params())  # before the first forward: unknown dims are 0

X = nd.random.uniform(shape=(2, 20))
Y = net(X)  # forward computation

print((net[0].params, type(net[0].params)))
print((net[0].params['dense0_weight'], net[0].weight))
print(net[0].weight.grad()[0])
print(net[1].bias.data())
print(net.collect_params())
print(net.collect_params('.*weight'))

# Re-initialization needs force_reinit=True.
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
print('Normal(0.01) std near 0.01:', 0.009 < net[0].weight.data().asnumpy().std() < 0.011)
net.initialize(init=init.Constant(1), force_reinit=True)
print(net[0].weight.data()[0])
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
print('Xavier within the bound:', nd.abs(net[0].weight.data()).max().asscalar() <= 0.1475)


class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5


net.initialize(MyInit(), force_reinit=True)
w = net[0].weight.data()
print('every value 0 or |w| >= 5:', ((w == 0) + (w.abs() >= 5)).min().asscalar() == 1)

before = net[0].weight.data()[0].copy()
net[0].weight.set_data(net[0].weight.data() + 1)
# (float32 rounding makes w + 1 - w differ from 1 by an ulp for some w)
print(((net[0].weight.data()[0] - before) - 1).abs().max().asscalar() < 1e-5)

net = nn.Sequential()
shared = nn.Dense(8, activation='relu')
net.add(nn.Dense(8, activation='relu'),
        shared,
        nn.Dense(8, activation='relu', params=shared.params),
        nn.Dense(10))
net.initialize()

X = nd.random.uniform(shape=(2, 20))
net(X)
print(net[1].weight.data()[0] == net[2].weight.data()[0])

# ---- model-construction.md -------------------------------------------------------------


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')  # hidden layer
        self.output = nn.Dense(10)  # output layer

    def forward(self, x):
        return self.output(self.hidden(x))


X = nd.random.uniform(shape=(2, 20))
net = MLP()
print(net)           # unknown input width: None in legacy mode
net.initialize()
Y = net(X)
print(type(Y).__name__, Y.shape)


class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super(FancyMLP, self).__init__(**kwargs)
        # A constant (never trained) random weight.
        self.rand_weight = self.params.get_constant(
            'rand_weight', nd.random.uniform(shape=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)  # the same layer again: shared parameters
        # Control flow: asscalar() turns the (1,)-shaped norm into a Python float.
        while x.norm().asscalar() > 1:
            x /= 2
        if x.norm().asscalar() < 0.8:
            x *= 10
        return x.sum()


net = FancyMLP()
net.initialize()
out = net(X)
print('fancy mlp output shape:', out.shape)

# ---- custom-layer.md -------------------------------------------------------------------


class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super(CenteredLayer, self).__init__(**kwargs)

    def forward(self, x):
        return x - x.mean()


layer = CenteredLayer()
print(layer(nd.array([1, 2, 3, 4, 5])))

net = nn.Sequential()
net.add(nn.Dense(128),
        CenteredLayer())
net.initialize()
y = net(nd.random.uniform(shape=(4, 8)))
print('mean ~0:', abs(y.mean().asscalar()) < 1e-6)

params = gluon.ParameterDict()
params.get('param2', shape=(2, 3))
print(params)


class MyDense(nn.Block):
    # units: number of outputs; in_units: number of inputs
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        linear = nd.dot(x, self.weight.data()) + self.bias.data()
        return nd.relu(linear)


dense = MyDense(units=3, in_units=5)
print(dense.params)
dense.initialize()
print('mydense output shape:', dense(nd.random.uniform(shape=(2, 5))).shape)

# ---- read-write.md ---------------------------------------------------------------------

workdir = tempfile.mkdtemp()
x = nd.ones(3)
nd.save(os.path.join(workdir, 'x'), x)
x2 = nd.load(os.path.join(workdir, 'x'))
print(x2)

y = nd.zeros(4)
nd.save(os.path.join(workdir, 'xy'), [x, y])
x2, y2 = nd.load(os.path.join(workdir, 'xy'))
print((x2, y2))

mydict = {'x': x, 'y': y}
nd.save(os.path.join(workdir, 'mydict'), mydict)
mydict2 = nd.load(os.path.join(workdir, 'mydict'))
print(mydict2)

net = MLP()
net.initialize()
X = nd.random.uniform(shape=(2, 20))
Y = net(X)
filename = os.path.join(workdir, 'mlp.params')
net.save_parameters(filename)
net2 = MLP()
net2.load_parameters(filename)
Y2 = net2(X)
print(Y2 == Y)
shutil.rmtree(workdir)

"""d2l "Lazy Initialization": shapes are inferred at the first forward pass.

Before the first forward the input width of each Dense is unknown (-1 in numpy
mode), and ``initialize`` only records the initializer; the first call fills the
shapes in and runs it, once. Follows d2l-en 0.17 (deferred-init.md) and the custom
initializer cells of the first Chinese edition (deferred-init.md).
"""
from deepblocks import init, np, npx
from deepblocks.gluon import nn

npx.set_np()


def get_net():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    return net


net = get_net()
print(net.collect_params)
print(net.collect_params())

net.initialize()
print(net.collect_params())   # still unknown: nothing has been allocated yet
try:
    net[0].weight.data()
except Exception as e:        # DeferredInitializationError
    print(type(e).__name__)

X = np.random.uniform(size=(2, 20))
net(X)
print(net.collect_params())
print(net)


class MyInit(init.Initializer):
    """Reports when it runs (the actual initialization is left out)."""

    def _init_weight(self, name, data):
        print('Init', name, data.shape)


net = get_net()
net.initialize(init=MyInit())
print('after initialize: nothing printed yet')
Y = net(X)   # the first forward runs MyInit for both weights
Y = net(X)   # the second one does not
print('second forward: no Init lines')
net.initialize(init=MyInit(), force_reinit=True)  # shapes known: runs at once

# With in_units given, the shapes are known at once and so is the initialization.
net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation='relu'))
net.add(nn.Dense(10, in_units=256))
net.initialize(init=MyInit())
print(net)

"""d2l "Parameter Initialization": built-in and custom initializers.

Follows the MXNet cells of d2l-en (chapter_builders-guide/init-param.md): re-initialize
a network with ``init.Normal`` and ``init.Constant``, give single layers their own
initializer, write a custom ``init.Initializer``, and edit weights in place. The network
is the one of the first Chinese edition (256 hidden units, 20 inputs; d2l-en uses 8 and
4), so that ``MyInit`` prints ``Init dense0_weight (256, 20)`` as that edition shows.
"""
from deepblocks import init, np, npx
from deepblocks.gluon import nn

npx.set_np()

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()  # the default initialization method

X = np.random.uniform(size=(2, 20))
print('output shape:', net(X).shape)

# force_reinit: initialize again although the parameters already have values.
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
w = net[0].weight.data()
print('Normal(0.01): mean near 0:', bool(abs(float(w.mean())) < 0.001),
      'std near 0.01:', bool(0.009 < float(w.std()) < 0.011))

net.initialize(init=init.Constant(1), force_reinit=True)
print(net[0].weight.data()[0, :8])

# One layer (or one parameter) can get its own initializer.
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
net[1].initialize(init=init.Constant(42), force_reinit=True)
w = net[0].weight.data()
# Xavier (uniform, avg, magnitude 3): bound sqrt(3 / ((20 + 256) / 2)) = 0.1474
print('Xavier: within the bound:', bool(float(np.abs(w).max()) <= 0.1475),
      'and close to it:', bool(float(np.abs(w).max()) > 0.14))
print(net[1].weight.data()[:2, :8])
print('all 42:', bool((net[1].weight.data() == 42).all()))
print(net[1].bias.data())  # biases keep their own 'zeros' initializer


class MyInit(init.Initializer):
    """Uniform(-10, 10), then zero every value whose magnitude is below 5."""

    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = np.random.uniform(-10, 10, data.shape)
        data *= np.abs(data) >= 5


net.initialize(MyInit(), force_reinit=True)
w = net[0].weight.data()[:2]
print('MyInit rows:', w.shape, 'every value 0 or |w| >= 5:',
      bool(((w == 0) | (np.abs(w) >= 5)).all()),
      'some of each:', bool((w == 0).any()) and bool((w != 0).any()))

# Parameter data is live storage: in-place edits change the weight itself.
before = net[0].weight.data()[0].copy()
net[0].weight.data()[:] += 1
net[0].weight.data()[0, 0] = 42
after = net[0].weight.data()[0]
print('first weight:', float(after[0]))
print('others shifted by 1:', bool((after[1:] == before[1:] + 1).all()))

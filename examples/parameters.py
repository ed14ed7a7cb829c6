"""d2l "Parameter Management": reaching the parameters of a network.

The cells of d2l-en 0.17 (chapter_deep-learning-computation/parameters.md, MXNet
tab): a layer's own ParameterDict, a Parameter's data and gradient, all parameters
of a network (optionally selected by a regular expression), access by name, and
access into nested Sequentials.
"""
from deepblocks import np, npx
from deepblocks.gluon import nn

npx.set_np()

net = nn.Sequential()
net.add(nn.Dense(8, activation='relu'))
net.add(nn.Dense(1))
net.initialize()  # the default initializer: Uniform(0.07), biases zero

X = np.random.uniform(size=(2, 4))
print('output shape:', net(X).shape)

# The parameters of one layer.
print(net[1].params)

# A Parameter object, its value and its gradient (zeros: no backward yet).
print(type(net[1].bias))
print(net[1].bias)
print(net[1].bias.data())
print(repr(net[1].bias.data()))  # what a notebook cell shows
print(net[1].weight.grad())

# Every parameter of the layer / of the whole network, and a regex selection.
print(net[0].collect_params())
print(net.collect_params())
print(net.collect_params('.*weight'))

# Parameters are also reachable by their full name.
print(net.collect_params()['dense1_bias'].data())


def block1():
    net = nn.Sequential()
    net.add(nn.Dense(32, activation='relu'))
    net.add(nn.Dense(16, activation='relu'))
    return net


def block2():
    net = nn.Sequential()
    for _ in range(4):
        net.add(block1())  # nested Sequentials
    return net


rgnet = nn.Sequential()
rgnet.add(block2())
rgnet.add(nn.Dense(10))
rgnet.initialize()
print('rgnet output shape:', rgnet(X).shape)
print(rgnet)
print('rgnet parameter count:', len(list(rgnet.collect_params().keys())))
# The bias of the first layer of the second block inside the first layer.
print(rgnet[0][1][0].bias.name)
print(rgnet[0][1][0].bias.data())

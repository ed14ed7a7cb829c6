"""d2l "Parameter Management": tied parameters.

A Dense layer built with ``params=shared.params`` uses the *same* Parameter objects
as ``shared``: editing one edits the other, ``collect_params`` lists them once, and
their gradient is the sum of the gradients of both uses.
"""
from deepblocks import autograd, np, npx
from deepblocks.gluon import nn

npx.set_np()

net = nn.Sequential()
# Give the shared layer a name so that its parameters can be referred to.
shared = nn.Dense(8, activation='relu')
net.add(nn.Dense(8, activation='relu'),
        shared,
        nn.Dense(8, activation='relu', params=shared.params),
        nn.Dense(10))
net.initialize()

X = np.random.uniform(size=(2, 20))
print('output shape:', net(X).shape)

# Same values...
print(net[1].weight.data()[0] == net[2].weight.data()[0])
net[1].weight.data()[0, 0] = 100
# ...because they are the same object, not copies.
print(net[1].weight.data()[0] == net[2].weight.data()[0])
print('same Parameter object:', net[1].weight is net[2].weight)
print(net[1].weight.name, net[2].weight.name)
print(net.collect_params())

# The gradient of a shared weight sums the contributions of both layers. Check it
# against two separate layers holding copies of the same values.
with autograd.record():
    y = net(X).sum()
y.backward()
shared_grad = net[1].weight.grad().copy()

a = nn.Dense(8, activation='relu', in_units=8)
b = nn.Dense(8, activation='relu', in_units=8)
for layer in (a, b):
    layer.initialize()
    layer.weight.set_data(net[1].weight.data())
    layer.bias.set_data(net[1].bias.data())
first = net[0]
last = net[3]
with autograd.record():
    y = last(b(a(first(X)))).sum()
y.backward()
summed = a.weight.grad() + b.weight.grad()
print('shared gradient equals the sum of both uses:',
      bool(np.abs(shared_grad - summed).max() < 1e-5))
print('and differs from one use alone:',
      bool(np.abs(shared_grad - b.weight.grad()).max() > 1e-6))

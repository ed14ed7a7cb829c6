"""d2l "Layers and Modules": a hand-written Sequential.

``MySequential`` stores its children in ``self._children`` keyed by each block's
name, as the d2l MXNet cell does; ``initialize`` and ``collect_params`` then find
them like any registered child.
"""
from deepblocks import np, npx
from deepblocks.gluon import nn

npx.set_np()


class MySequential(nn.Block):
    def add(self, block):
        # Each block has a unique name (dense0, dense1, ...): use it as the key
        # in the OrderedDict of children the Block base class keeps.
        self._children[block.name] = block

    def forward(self, X):
        # The OrderedDict keeps the order in which the blocks were added.
        for block in self._children.values():
            X = block(X)
        return X


net = MySequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()

X = np.random.uniform(size=(2, 20))
print('output shape:', net(X).shape)
print('children:', list(net._children.keys()))
print(net.collect_params())
# Block.__repr__ lists only attribute children, so MXNet prints an empty body here.
print(net)

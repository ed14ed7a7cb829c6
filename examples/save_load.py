"""d2l "File I/O": saving arrays and model parameters.

``npx.save``/``npx.load`` store an array, a list of arrays or a dict of arrays (a
single array comes back as a one-element list). ``save_parameters`` writes a
model's parameters under structural names (``hidden.weight``), so a second instance
of the class - whose display names differ (dense2, dense3) - can load them. Files go
to a temporary directory. Follows d2l-en (chapter_builders-guide/read-write.md).
"""
import os
import shutil
import tempfile

from deepblocks import np, npx
from deepblocks.gluon import nn

npx.set_np()

workdir = tempfile.mkdtemp()


def path(name):
    return os.path.join(workdir, name)


x = np.arange(4)
npx.save(path('x-file'), x)
x2 = npx.load(path('x-file'))
print(x2)

y = np.zeros(4)
npx.save(path('x-files'), [x, y])
x2, y2 = npx.load(path('x-files'))
print((x2, y2))

mydict = {'x': x, 'y': y}
npx.save(path('mydict'), mydict)
mydict2 = npx.load(path('mydict'))
print(mydict2)


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


net = MLP()
net.initialize()
X = np.random.uniform(size=(2, 20))
Y = net(X)

net.save_parameters(path('mlp.params'))
print('file keys:', sorted(npx.load(path('mlp.params')).keys()))

# A clone: new display names, same structure. No initialize() needed before loading.
clone = MLP()
clone.load_parameters(path('mlp.params'))
print('clone parameters:', list(clone.collect_params().keys()))

Y_clone = clone(X)
print(Y_clone == Y)
print('identical outputs:', bool((Y_clone == Y).all()))

shutil.rmtree(workdir)

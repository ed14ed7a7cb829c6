"""d2l "Residual Networks (ResNet)", with the book's ``Residual`` block and ``resnet_block``.

First the book's checks: a residual block keeps its input's shape, or halves it with
``use_1x1conv=True, strides=2``; then ResNet-18's printout of each stage's output shape (for
a 96x96 image, the size the book trains on). Then a small ResNet built from the same pieces
(16, 32 and 64 channels) learns the handwritten digits shipped with deepblocks (8x8 images,
so no stem pooling) with the book's training recipe: SGD on softmax cross-entropy. A few
seconds on a CPU.
"""
from deepblocks import autograd, gluon, init, np, npx
from deepblocks.gluon import nn

npx.set_np()


class Residual(nn.Block):
    """Two 3x3 convolutions with batch normalization, added to the input (through a 1x1
    convolution when the shape changes)."""

    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1, strides=strides)
        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3: nn.Conv2D | None = nn.Conv2D(num_channels, kernel_size=1, strides=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm()
        self.bn2 = nn.BatchNorm()

    def forward(self, X):
        Y = npx.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        return npx.relu(Y + X)


blk = Residual(3)
blk.initialize()
X = np.random.uniform(size=(4, 3, 6, 6))
print('same shape:', blk(X).shape)
blk = Residual(6, use_1x1conv=True, strides=2)
blk.initialize()
print('halved, more channels:', blk(X).shape)


def resnet_block(num_channels, num_residuals, first_block=False):
    blk = nn.Sequential()
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.add(Residual(num_channels, use_1x1conv=True, strides=2))
        else:
            blk.add(Residual(num_channels))
    return blk


net = nn.Sequential()
net.add(nn.Conv2D(64, kernel_size=7, strides=2, padding=3),
        nn.BatchNorm(), nn.Activation('relu'),
        nn.MaxPool2D(pool_size=3, strides=2, padding=1))
net.add(resnet_block(64, 2, first_block=True),
        resnet_block(128, 2),
        resnet_block(256, 2),
        resnet_block(512, 2))
net.add(nn.GlobalAvgPool2D(), nn.Dense(10))

X = np.random.uniform(size=(1, 1, 96, 96))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
print(net[4][0])

# ---- training: a small ResNet on the digits -----------------------------------------------------

np.random.seed(0)


def scale(image):
    """An (8, 8, 1) digit as a (1, 8, 8) image in [0, 1]."""
    return image.astype('float32').transpose(2, 0, 1) / 16


train_data = gluon.data.vision.Digits(train=True).transform_first(scale)
test_data = gluon.data.vision.Digits(train=False).transform_first(scale)
batch_size, lr, num_epochs = 64, 0.05, 5
train_iter = gluon.data.DataLoader(train_data, batch_size, shuffle=True)
test_iter = gluon.data.DataLoader(test_data, batch_size)

net = nn.Sequential()
net.add(nn.Conv2D(16, kernel_size=3, padding=1), nn.BatchNorm(), nn.Activation('relu'))
net.add(resnet_block(16, 1, first_block=True), resnet_block(32, 1), resnet_block(64, 1))
net.add(nn.GlobalAvgPool2D(), nn.Dense(10))
net.initialize(init.Xavier())
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr, 'momentum': 0.9})


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1).astype(y.dtype) == y).sum())


def evaluate_accuracy(net, data_iter):
    correct, total = 0.0, 0
    for X, y in data_iter:
        correct += accuracy(net(X), y)
        total += y.size
    return correct / total


for epoch in range(num_epochs):
    loss_sum, correct, total = 0.0, 0.0, 0
    for X, y in train_iter:
        with autograd.record():
            y_hat = net(X)
            l = loss(y_hat, y)
        l.backward()
        trainer.step(X.shape[0])
        loss_sum += float(l.sum())
        correct += accuracy(y_hat, y)
        total += y.size
    print(f'epoch {epoch + 1}, loss {loss_sum / total:.3f}, train acc {correct / total:.3f}, '
          f'test acc {evaluate_accuracy(net, test_iter):.3f}')
print('parameters:', sum(p.data().size for p in net.collect_params().values()))

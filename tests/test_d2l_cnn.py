"""The code of *Dive into Deep Learning*'s convolutional chapters (MXNet track, numpy mode) runs
with ``mxnet`` replaced by ``deepblocks``: conv-layer, padding-and-strides, channels, pooling,
lenet, alexnet, vgg, nin, googlenet, batch-norm, resnet and densenet.

Each snippet below is the chapter's code with the import line changed and, where a CPU
needs it, smaller channel counts, input sizes and dense widths (the structure is the book's).
What a snippet prints was recorded by running the same snippet on MXNet 1.9.1 (with ``mxnet``
for ``deepblocks``); the printouts hold only what does not depend on random draws (shapes,
and the values of the hand-made examples). Then each network takes one training step on a
small random batch, as the book's ``train_ch6`` would, and its parameters move.
"""

import contextlib
import io
import re

import numpy as onp
import pytest

from deepblocks import autograd, gluon, np, npx

pytestmark = pytest.mark.usefixtures("gluon_state")

SNIPPETS = {
    "conv_layer": """\
from deepblocks import autograd, np, npx
from deepblocks.gluon import nn
npx.set_np()

def corr2d(X, K):
    \"\"\"Compute 2D cross-correlation.\"\"\"
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y

X = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = np.array([[0.0, 1.0], [2.0, 3.0]])
print(corr2d(X, K))

class Conv2D(nn.Block):
    def __init__(self, kernel_size, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=kernel_size)
        self.bias = self.params.get('bias', shape=(1,))

    def forward(self, x):
        return corr2d(x, self.weight.data()) + self.bias.data()

X = np.ones((6, 8))
X[:, 2:6] = 0
print(X)
K = np.array([[1.0, -1.0]])
Y = corr2d(X, K)
print(Y)
print(corr2d(X.T, K))

# Construct a two-dimensional convolutional layer with 1 output channel and a
# kernel of shape (1, 2). For the sake of simplicity, we ignore the bias here
conv2d = nn.Conv2D(1, kernel_size=(1, 2), use_bias=False)
conv2d.initialize()

# The two-dimensional convolutional layer uses four-dimensional input and
# output in the format of (example, channel, height, width), where the batch
# size (number of examples in the batch) and the number of channels are both 1
X = X.reshape(1, 1, 6, 8)
Y = Y.reshape(1, 1, 6, 7)
lr = 3e-2  # Learning rate

for i in range(10):
    with autograd.record():
        Y_hat = conv2d(X)
        l = (Y_hat - Y) ** 2
    l.backward()
    # Update the kernel
    conv2d.weight.data()[:] -= lr * conv2d.weight.grad()
    if (i + 1) % 2 == 0:
        print(f'epoch {i + 1}, loss {float(l.sum()):.3f}')

conv2d.weight.data().reshape((1, 2))
""",
    "padding_and_strides": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

# For convenience, we define a function to calculate the convolutional layer.
# This function initializes the convolutional layer weights and performs
# corresponding dimensionality elevations and reductions on the input and
# output
def comp_conv2d(conv2d, X):
    conv2d.initialize()
    # Here (1, 1) indicates that the batch size and the number of channels
    # are both 1
    X = X.reshape((1, 1) + X.shape)
    Y = conv2d(X)
    # Exclude the first two dimensions that do not interest us: examples and
    # channels
    return Y.reshape(Y.shape[2:])

# Note that here 1 row or column is padded on either side, so a total of 2
# rows or columns are added
conv2d = nn.Conv2D(1, kernel_size=3, padding=1)
X = np.random.uniform(size=(8, 8))
print(comp_conv2d(conv2d, X).shape)

# Here, we use a convolution kernel with a height of 5 and a width of 3. The
# padding numbers on either side of the height and width are 2 and 1,
# respectively
conv2d = nn.Conv2D(1, kernel_size=(5, 3), padding=(2, 1))
print(comp_conv2d(conv2d, X).shape)

conv2d = nn.Conv2D(1, kernel_size=3, padding=1, strides=2)
print(comp_conv2d(conv2d, X).shape)

conv2d = nn.Conv2D(1, kernel_size=(3, 5), padding=(0, 1), strides=(3, 4))
print(comp_conv2d(conv2d, X).shape)
""",
    "channels": """\
from deepblocks import np, npx
npx.set_np()

def corr2d(X, K):
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y

def corr2d_multi_in(X, K):
    # First, iterate through the 0th dimension (channel dimension) of `X` and
    # `K`. Then, add them together
    return sum(corr2d(x, k) for x, k in zip(X, K))

X = np.array([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
              [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
K = np.array([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])

print(corr2d_multi_in(X, K))

def corr2d_multi_in_out(X, K):
    # Iterate through the 0th dimension of `K`, and each time, perform
    # cross-correlation operations with input `X`. All of the results are
    # stacked together
    return np.stack([corr2d_multi_in(X, k) for k in K], 0)

K = np.stack((K, K + 1, K + 2), 0)
print(K.shape)
print(corr2d_multi_in_out(X, K))

def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    # Matrix multiplication in the fully-connected layer
    Y = np.dot(K, X)
    return Y.reshape((c_o, h, w))

X = np.random.normal(0, 1, (3, 3, 3))
K = np.random.normal(0, 1, (2, 3, 1, 1))

Y1 = corr2d_multi_in_out_1x1(X, K)
Y2 = corr2d_multi_in_out(X, K)
assert float(np.abs(Y1 - Y2).sum()) < 1e-6
""",
    "pooling": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = np.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y

X = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
print(pool2d(X, (2, 2)))
print(pool2d(X, (2, 2), 'avg'))

X = np.arange(16, dtype=np.float32).reshape((1, 1, 4, 4))
print(X)

pool2d = nn.MaxPool2D(3)
# Because there are no model parameters in the pooling layer, we do not need
# to call the parameter initialization function
print(pool2d(X))

pool2d = nn.MaxPool2D(3, padding=1, strides=2)
print(pool2d(X))

pool2d = nn.MaxPool2D((2, 3), padding=(0, 1), strides=(2, 3))
print(pool2d(X))

X = np.concatenate((X, X + 1), 1)
print(X)

pool2d = nn.MaxPool2D(3, padding=1, strides=2)
print(pool2d(X))
""",
    "lenet": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

net = nn.Sequential()
net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        # `Dense` will transform an input of the shape (batch size, number of
        # channels, height, width) into an input of the shape (batch size,
        # number of channels * height * width) automatically by default
        nn.Dense(120, activation='sigmoid'),
        nn.Dense(84, activation='sigmoid'),
        nn.Dense(10))

X = np.random.uniform(size=(1, 1, 28, 28))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
""",
    "alexnet": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

net = nn.Sequential()
# Here, we use a larger 11 x 11 window to capture objects. At the same time,
# we use a stride of 4 to greatly reduce the height and width of the output.
# Here, the number of output channels is much larger than that in LeNet
net.add(nn.Conv2D(12, kernel_size=11, strides=4, activation='relu'),
        nn.MaxPool2D(pool_size=3, strides=2),
        # Make the convolution window smaller, set padding to 2 for consistent
        # height and width across the input and output, and increase the
        # number of output channels
        nn.Conv2D(32, kernel_size=5, padding=2, activation='relu'),
        nn.MaxPool2D(pool_size=3, strides=2),
        # Use three successive convolutional layers and a smaller convolution
        # window. Except for the final convolutional layer, the number of
        # output channels is further increased. Pooling layers are not used to
        # reduce the height and width of input after the first two
        # convolutional layers
        nn.Conv2D(48, kernel_size=3, padding=1, activation='relu'),
        nn.Conv2D(48, kernel_size=3, padding=1, activation='relu'),
        nn.Conv2D(32, kernel_size=3, padding=1, activation='relu'),
        nn.MaxPool2D(pool_size=3, strides=2),
        # Here, the number of outputs of the fully-connected layer is several
        # times larger than that in LeNet. Use the dropout layer to mitigate
        # overfitting
        nn.Dense(64, activation='relu'), nn.Dropout(0.5),
        nn.Dense(64, activation='relu'), nn.Dropout(0.5),
        # Output layer. Since we are using Fashion-MNIST, the number of
        # classes is 10, instead of 1000 as in the paper
        nn.Dense(10))

X = np.random.uniform(size=(1, 1, 224, 224))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
""",
    "vgg": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

def vgg_block(num_convs, num_channels):
    blk = nn.Sequential()
    for _ in range(num_convs):
        blk.add(nn.Conv2D(num_channels, kernel_size=3,
                          padding=1, activation='relu'))
    blk.add(nn.MaxPool2D(pool_size=2, strides=2))
    return blk

conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))

def vgg(conv_arch):
    net = nn.Sequential()
    # The convolutional part
    for (num_convs, num_channels) in conv_arch:
        net.add(vgg_block(num_convs, num_channels))
    # The fully-connected part
    net.add(nn.Dense(64, activation='relu'), nn.Dropout(0.5),
            nn.Dense(64, activation='relu'), nn.Dropout(0.5),
            nn.Dense(10))
    return net

ratio = 16
small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]
net = vgg(small_conv_arch)

net.initialize()
X = np.random.uniform(size=(1, 1, 224, 224))
for blk in net:
    X = blk(X)
    print(blk.name, 'output shape:', X.shape)
""",
    "nin": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

def nin_block(num_channels, kernel_size, strides, padding):
    blk = nn.Sequential()
    blk.add(nn.Conv2D(num_channels, kernel_size, strides, padding,
                      activation='relu'),
            nn.Conv2D(num_channels, kernel_size=1, activation='relu'),
            nn.Conv2D(num_channels, kernel_size=1, activation='relu'))
    return blk

net = nn.Sequential()
net.add(nin_block(12, kernel_size=11, strides=4, padding=0),
        nn.MaxPool2D(pool_size=3, strides=2),
        nin_block(32, kernel_size=5, strides=1, padding=2),
        nn.MaxPool2D(pool_size=3, strides=2),
        nin_block(48, kernel_size=3, strides=1, padding=1),
        nn.MaxPool2D(pool_size=3, strides=2),
        nn.Dropout(0.5),
        # There are 10 label classes
        nin_block(10, kernel_size=3, strides=1, padding=1),
        # The global average pooling layer automatically sets the window shape
        # to the height and width of the input
        nn.GlobalAvgPool2D(),
        # Transform the four-dimensional output into two-dimensional output
        # with a shape of (batch size, 10)
        nn.Flatten())

X = np.random.uniform(size=(1, 1, 224, 224))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
""",
    "googlenet": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

class Inception(nn.Block):
    # `c1`--`c4` are the number of output channels for each path
    def __init__(self, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        # Path 1 is a single 1 x 1 convolutional layer
        self.p1_1 = nn.Conv2D(c1, kernel_size=1, activation='relu')
        # Path 2 is a 1 x 1 convolutional layer followed by a 3 x 3
        # convolutional layer
        self.p2_1 = nn.Conv2D(c2[0], kernel_size=1, activation='relu')
        self.p2_2 = nn.Conv2D(c2[1], kernel_size=3, padding=1,
                              activation='relu')
        # Path 3 is a 1 x 1 convolutional layer followed by a 5 x 5
        # convolutional layer
        self.p3_1 = nn.Conv2D(c3[0], kernel_size=1, activation='relu')
        self.p3_2 = nn.Conv2D(c3[1], kernel_size=5, padding=2,
                              activation='relu')
        # Path 4 is a 3 x 3 maximum pooling layer followed by a 1 x 1
        # convolutional layer
        self.p4_1 = nn.MaxPool2D(pool_size=3, strides=1, padding=1)
        self.p4_2 = nn.Conv2D(c4, kernel_size=1, activation='relu')

    def forward(self, x):
        p1 = self.p1_1(x)
        p2 = self.p2_2(self.p2_1(x))
        p3 = self.p3_2(self.p3_1(x))
        p4 = self.p4_2(self.p4_1(x))
        # Concatenate the outputs on the channel dimension
        return np.concatenate((p1, p2, p3, p4), axis=1)

b1 = nn.Sequential()
b1.add(nn.Conv2D(16, kernel_size=7, strides=2, padding=3, activation='relu'),
       nn.MaxPool2D(pool_size=3, strides=2, padding=1))

b2 = nn.Sequential()
b2.add(nn.Conv2D(16, kernel_size=1, activation='relu'),
       nn.Conv2D(48, kernel_size=3, padding=1, activation='relu'),
       nn.MaxPool2D(pool_size=3, strides=2, padding=1))

b3 = nn.Sequential()
b3.add(Inception(16, (24, 32), (4, 8), 8),
       Inception(32, (32, 48), (8, 24), 16),
       nn.MaxPool2D(pool_size=3, strides=2, padding=1))

b4 = nn.Sequential()
b4.add(Inception(48, (24, 52), (4, 12), 16),
       Inception(40, (28, 56), (6, 16), 16),
       Inception(32, (32, 64), (6, 16), 16),
       Inception(28, (36, 72), (8, 16), 16),
       Inception(64, (40, 80), (8, 32), 32),
       nn.MaxPool2D(pool_size=3, strides=2, padding=1))

b5 = nn.Sequential()
b5.add(Inception(64, (40, 80), (8, 32), 32),
       Inception(96, (48, 96), (12, 32), 32),
       nn.GlobalAvgPool2D())

net = nn.Sequential()
net.add(b1, b2, b3, b4, b5, nn.Dense(10))

X = np.random.uniform(size=(1, 1, 96, 96))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
""",
    "batch_norm": """\
from deepblocks import autograd, init, np, npx
from deepblocks.gluon import nn
npx.set_np()

def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # Use `autograd` to determine whether the current mode is training mode or
    # prediction mode
    if not autograd.is_training():
        # If it is prediction mode, directly use the mean and variance
        # obtained by moving average
        X_hat = (X - moving_mean) / np.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # When using a fully-connected layer, calculate the mean and
            # variance on the feature dimension
            mean = X.mean(axis=0)
            var = ((X - mean) ** 2).mean(axis=0)
        else:
            # When using a two-dimensional convolutional layer, calculate the
            # mean and variance on the channel dimension (axis=1). Here we
            # need to maintain the shape of `X`, so that the broadcasting
            # operation can be carried out later
            mean = X.mean(axis=(0, 2, 3), keepdims=True)
            var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
        # In training mode, the current mean and variance are used for the
        # standardization
        X_hat = (X - mean) / np.sqrt(var + eps)
        # Update the mean and variance using moving average
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # Scale and shift
    return Y, moving_mean, moving_var

class BatchNorm(nn.Block):
    # `num_features`: the number of outputs for a fully-connected layer
    # or the number of output channels for a convolutional layer. `num_dims`:
    # 2 for a fully-connected layer and 4 for a convolutional layer
    def __init__(self, num_features, num_dims, **kwargs):
        super().__init__(**kwargs)
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # The scale parameter and the shift parameter (model parameters) are
        # initialized to 1 and 0, respectively
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        # The variables that are not model parameters are initialized to 0 and 1
        self.moving_mean = np.zeros(shape)
        self.moving_var = np.ones(shape)

    def forward(self, X):
        # If `X` is not on the main memory, copy `moving_mean` and
        # `moving_var` to the device where `X` is located
        if self.moving_mean.ctx != X.ctx:
            self.moving_mean = self.moving_mean.copyto(X.ctx)
            self.moving_var = self.moving_var.copyto(X.ctx)
        # Save the updated `moving_mean` and `moving_var`
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma.data(), self.beta.data(), self.moving_mean,
            self.moving_var, eps=1e-12, momentum=0.9)
        return Y

net = nn.Sequential()
net.add(nn.Conv2D(6, kernel_size=5),
        BatchNorm(6, num_dims=4),
        nn.Activation('sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Conv2D(16, kernel_size=5),
        BatchNorm(16, num_dims=4),
        nn.Activation('sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Dense(120),
        BatchNorm(120, num_dims=2),
        nn.Activation('sigmoid'),
        nn.Dense(84),
        BatchNorm(84, num_dims=2),
        nn.Activation('sigmoid'),
        nn.Dense(10))

concise = nn.Sequential()
concise.add(nn.Conv2D(6, kernel_size=5),
            nn.BatchNorm(),
            nn.Activation('sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(16, kernel_size=5),
            nn.BatchNorm(),
            nn.Activation('sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120),
            nn.BatchNorm(),
            nn.Activation('sigmoid'),
            nn.Dense(84),
            nn.BatchNorm(),
            nn.Activation('sigmoid'),
            nn.Dense(10))
print(concise)
""",
    "resnet": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

class Residual(nn.Block):  #@save
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1,
                               strides=strides)
        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2D(num_channels, kernel_size=1,
                                   strides=strides)
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
print(blk(X).shape)

blk = Residual(6, use_1x1conv=True, strides=2)
blk.initialize()
print(blk(X).shape)

net = nn.Sequential()
net.add(nn.Conv2D(16, kernel_size=7, strides=2, padding=3),
        nn.BatchNorm(), nn.Activation('relu'),
        nn.MaxPool2D(pool_size=3, strides=2, padding=1))

def resnet_block(num_channels, num_residuals, first_block=False):
    blk = nn.Sequential()
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.add(Residual(num_channels, use_1x1conv=True, strides=2))
        else:
            blk.add(Residual(num_channels))
    return blk

net.add(resnet_block(16, 2, first_block=True),
        resnet_block(32, 2),
        resnet_block(64, 2),
        resnet_block(128, 2))
net.add(nn.GlobalAvgPool2D(), nn.Dense(10))

X = np.random.uniform(size=(1, 1, 96, 96))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
""",
    "densenet": """\
from deepblocks import np, npx
from deepblocks.gluon import nn
npx.set_np()

def conv_block(num_channels):
    blk = nn.Sequential()
    blk.add(nn.BatchNorm(),
            nn.Activation('relu'),
            nn.Conv2D(num_channels, kernel_size=3, padding=1))
    return blk

class DenseBlock(nn.Block):
    def __init__(self, num_convs, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        for _ in range(num_convs):
            self.net.add(conv_block(num_channels))

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            # Concatenate the input and output of each block on the channel
            # dimension
            X = np.concatenate((X, Y), axis=1)
        return X

blk = DenseBlock(2, 10)
blk.initialize()
X = np.random.uniform(size=(4, 3, 8, 8))
Y = blk(X)
print(Y.shape)

def transition_block(num_channels):
    blk = nn.Sequential()
    blk.add(nn.BatchNorm(), nn.Activation('relu'),
            nn.Conv2D(num_channels, kernel_size=1),
            nn.AvgPool2D(pool_size=2, strides=2))
    return blk

blk = transition_block(10)
blk.initialize()
print(blk(Y).shape)

net = nn.Sequential()
net.add(nn.Conv2D(16, kernel_size=7, strides=2, padding=3),
        nn.BatchNorm(), nn.Activation('relu'),
        nn.MaxPool2D(pool_size=3, strides=2, padding=1))

# `num_channels`: the current number of channels
num_channels, growth_rate = 16, 8
num_convs_in_dense_blocks = [4, 4, 4, 4]

for i, num_convs in enumerate(num_convs_in_dense_blocks):
    net.add(DenseBlock(num_convs, growth_rate))
    # This is the number of output channels in the previous dense block
    num_channels += num_convs * growth_rate
    # A transition layer that halves the number of channels is added between
    # the dense blocks
    if i != len(num_convs_in_dense_blocks) - 1:
        num_channels //= 2
        net.add(transition_block(num_channels))

net.add(nn.BatchNorm(),
        nn.Activation('relu'),
        nn.GlobalAvgPool2D(),
        nn.Dense(10))

X = np.random.uniform(size=(1, 1, 96, 96))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
""",
}


# What each snippet printed on MXNet 1.9.1 (numpy 1.23.5), pasted verbatim.
MXNET_OUTPUT = {
    "conv_layer": """\
[[19. 25.]
 [37. 43.]]
[[1. 1. 0. 0. 0. 0. 1. 1.]
 [1. 1. 0. 0. 0. 0. 1. 1.]
 [1. 1. 0. 0. 0. 0. 1. 1.]
 [1. 1. 0. 0. 0. 0. 1. 1.]
 [1. 1. 0. 0. 0. 0. 1. 1.]
 [1. 1. 0. 0. 0. 0. 1. 1.]]
[[ 0.  1.  0.  0.  0. -1.  0.]
 [ 0.  1.  0.  0.  0. -1.  0.]
 [ 0.  1.  0.  0.  0. -1.  0.]
 [ 0.  1.  0.  0.  0. -1.  0.]
 [ 0.  1.  0.  0.  0. -1.  0.]
 [ 0.  1.  0.  0.  0. -1.  0.]]
[[0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]
 [0. 0. 0. 0. 0.]]
epoch 2, loss 4.949
epoch 4, loss 0.831
epoch 6, loss 0.140
epoch 8, loss 0.024
epoch 10, loss 0.004
""",
    "padding_and_strides": """\
(8, 8)
(8, 8)
(4, 4)
(2, 2)
""",
    "channels": """\
[[ 56.  72.]
 [104. 120.]]
(3, 2, 2, 2)
[[[ 56.  72.]
  [104. 120.]]

 [[ 76. 100.]
  [148. 172.]]

 [[ 96. 128.]
  [192. 224.]]]
""",
    "pooling": """\
[[4. 5.]
 [7. 8.]]
[[2. 3.]
 [5. 6.]]
[[[[ 0.  1.  2.  3.]
   [ 4.  5.  6.  7.]
   [ 8.  9. 10. 11.]
   [12. 13. 14. 15.]]]]
[[[[10.]]]]
[[[[ 5.  7.]
   [13. 15.]]]]
[[[[ 5.  7.]
   [13. 15.]]]]
[[[[ 0.  1.  2.  3.]
   [ 4.  5.  6.  7.]
   [ 8.  9. 10. 11.]
   [12. 13. 14. 15.]]

  [[ 1.  2.  3.  4.]
   [ 5.  6.  7.  8.]
   [ 9. 10. 11. 12.]
   [13. 14. 15. 16.]]]]
[[[[ 5.  7.]
   [13. 15.]]

  [[ 6.  8.]
   [14. 16.]]]]
""",
    "lenet": """\
conv0 output shape: (1, 6, 28, 28)
pool0 output shape: (1, 6, 14, 14)
conv1 output shape: (1, 16, 10, 10)
pool1 output shape: (1, 16, 5, 5)
dense0 output shape: (1, 120)
dense1 output shape: (1, 84)
dense2 output shape: (1, 10)
""",
    "alexnet": """\
conv0 output shape: (1, 12, 54, 54)
pool0 output shape: (1, 12, 26, 26)
conv1 output shape: (1, 32, 26, 26)
pool1 output shape: (1, 32, 12, 12)
conv2 output shape: (1, 48, 12, 12)
conv3 output shape: (1, 48, 12, 12)
conv4 output shape: (1, 32, 12, 12)
pool2 output shape: (1, 32, 5, 5)
dense0 output shape: (1, 64)
dropout0 output shape: (1, 64)
dense1 output shape: (1, 64)
dropout1 output shape: (1, 64)
dense2 output shape: (1, 10)
""",
    "vgg": """\
sequential1 output shape: (1, 4, 112, 112)
sequential2 output shape: (1, 8, 56, 56)
sequential3 output shape: (1, 16, 28, 28)
sequential4 output shape: (1, 32, 14, 14)
sequential5 output shape: (1, 32, 7, 7)
dense0 output shape: (1, 64)
dropout0 output shape: (1, 64)
dense1 output shape: (1, 64)
dropout1 output shape: (1, 64)
dense2 output shape: (1, 10)
""",
    "nin": """\
sequential1 output shape: (1, 12, 54, 54)
pool0 output shape: (1, 12, 26, 26)
sequential2 output shape: (1, 32, 26, 26)
pool1 output shape: (1, 32, 12, 12)
sequential3 output shape: (1, 48, 12, 12)
pool2 output shape: (1, 48, 5, 5)
dropout0 output shape: (1, 48, 5, 5)
sequential4 output shape: (1, 10, 5, 5)
pool3 output shape: (1, 10, 1, 1)
flatten0 output shape: (1, 10)
""",
    "googlenet": """\
sequential0 output shape: (1, 16, 24, 24)
sequential1 output shape: (1, 48, 12, 12)
sequential2 output shape: (1, 120, 6, 6)
sequential3 output shape: (1, 208, 3, 3)
sequential4 output shape: (1, 256, 1, 1)
dense0 output shape: (1, 10)
""",
    "batch_norm": """\
Sequential(
  (0): Conv2D(-1 -> 6, kernel_size=(5, 5), stride=(1, 1))
  (1): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=-1)
  (2): Activation(sigmoid)
  (3): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (4): Conv2D(-1 -> 16, kernel_size=(5, 5), stride=(1, 1))
  (5): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=-1)
  (6): Activation(sigmoid)
  (7): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (8): Dense(-1 -> 120, linear)
  (9): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=-1)
  (10): Activation(sigmoid)
  (11): Dense(-1 -> 84, linear)
  (12): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=-1)
  (13): Activation(sigmoid)
  (14): Dense(-1 -> 10, linear)
)
""",
    "resnet": """\
(4, 3, 6, 6)
(4, 6, 3, 3)
conv5 output shape: (1, 16, 48, 48)
batchnorm4 output shape: (1, 16, 48, 48)
relu0 output shape: (1, 16, 48, 48)
pool0 output shape: (1, 16, 24, 24)
sequential1 output shape: (1, 16, 24, 24)
sequential2 output shape: (1, 32, 12, 12)
sequential3 output shape: (1, 64, 6, 6)
sequential4 output shape: (1, 128, 3, 3)
pool1 output shape: (1, 128, 1, 1)
dense0 output shape: (1, 10)
""",
    "densenet": """\
(4, 23, 8, 8)
(4, 10, 4, 4)
conv3 output shape: (1, 16, 48, 48)
batchnorm3 output shape: (1, 16, 48, 48)
relu3 output shape: (1, 16, 48, 48)
pool1 output shape: (1, 16, 24, 24)
denseblock1 output shape: (1, 48, 24, 24)
sequential10 output shape: (1, 24, 12, 12)
denseblock2 output shape: (1, 56, 12, 12)
sequential16 output shape: (1, 28, 6, 6)
denseblock3 output shape: (1, 60, 6, 6)
sequential22 output shape: (1, 30, 3, 3)
denseblock4 output shape: (1, 62, 3, 3)
batchnorm23 output shape: (1, 62, 3, 3)
relu23 output shape: (1, 62, 3, 3)
pool5 output shape: (1, 62, 1, 1)
dense0 output shape: (1, 10)
""",
}


RANDOM = re.compile(r"^epoch \d+, loss \S+$")  # lines that depend on random initial weights


def run(name):
    """Runs a snippet with deepblocks; returns its namespace and printout after checking the
    printout against MXNet's (lines with values from random draws only in form)."""
    namespace = {"__name__": f"d2l_{name}"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(SNIPPETS[name], f"<d2l {name}>", "exec"), namespace)
    got, want = out.getvalue().splitlines(), MXNET_OUTPUT[name].splitlines()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert (RANDOM.match(g) and RANDOM.match(w)) or g == w, (g, w)
    namespace["printed"] = out.getvalue()
    return namespace


def train_step(net, shape, lr=0.05):
    """One step of the book's training loop (softmax cross-entropy, SGD) on a random batch:
    the loss is finite, every gradient is finite, and the parameters move."""
    X = np.random.uniform(size=shape)
    y = np.array(onp.arange(shape[0]) % 10, dtype="int32")
    net(X)  # deferred initialization first, so that the step's effect can be seen
    params = net.collect_params()
    before = {k: p.data().asnumpy().copy() for k, p in params.items() if p.grad_req != "null"}
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": lr})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    with autograd.record():
        l = loss(net(X), y)
    l.backward()
    trainer.step(shape[0])
    assert onp.isfinite(l.asnumpy()).all()
    for k in before:
        assert onp.isfinite(params[k].grad().asnumpy()).all(), k
    moved = [k for k, v in before.items() if not onp.array_equal(params[k].data().asnumpy(), v)]
    assert len(moved) >= 0.8 * len(before), sorted(set(before) - set(moved))
    assert net(X).shape == (shape[0], 10)   # prediction mode after the step


def test_conv_layer_learns_the_edge_kernel():
    ns = run("conv_layer")
    losses = [float(v) for v in re.findall(r"^epoch \d+, loss (\S+)$", ns["printed"], re.M)]
    assert len(losses) == 5 and losses[-1] < 0.05 * losses[0]
    onp.testing.assert_allclose(ns["conv2d"].weight.data().reshape((1, 2)).asnumpy(), [[1.0, -1.0]], atol=0.1)
    # the chapter's own Conv2D Block (corr2d plus a bias)
    layer = ns["Conv2D"]((1, 2))
    layer.initialize()
    X = np.ones((6, 8))
    want = ns["corr2d"](X, layer.weight.data()) + layer.bias.data()
    onp.testing.assert_array_equal(layer(X).asnumpy(), want.asnumpy())


def test_padding_and_strides():
    run("padding_and_strides")


def test_channels_agree_with_the_convolution_operator():
    ns = run("channels")
    X, K = ns["X"], ns["K"]   # random (3, 3, 3) input and (2, 3, 1, 1) kernel at the end
    got = npx.convolution(X[None], K, None, kernel=(1, 1), num_filter=2, no_bias=True)[0]
    onp.testing.assert_allclose(got.asnumpy(), ns["corr2d_multi_in_out"](X, K).asnumpy(), rtol=1e-5, atol=1e-6)


def test_pooling():
    run("pooling")


@pytest.mark.parametrize("name, shape", [("lenet", (2, 1, 28, 28)), ("alexnet", (2, 1, 224, 224)),
                                         ("vgg", (2, 1, 224, 224)), ("nin", (2, 1, 224, 224)),
                                         ("googlenet", (2, 1, 96, 96)), ("resnet", (2, 1, 96, 96)),
                                         ("densenet", (2, 1, 96, 96))])
def test_network_chapters(name, shape):
    # Seeded: with some initial draws a deep ReLU net (NiN) has layers whose every unit is
    # dead for this tiny batch, so their weights get no gradient in one step.
    np.random.seed(0)
    ns = run(name)
    train_step(ns["net"], shape)


def test_batch_norm_from_scratch_and_concise():
    np.random.seed(0)
    ns = run("batch_norm")
    for net in (ns["net"], ns["concise"]):
        net.initialize()
        train_step(net, (4, 1, 28, 28))
    # The chapter's BatchNorm Block and nn.BatchNorm compute the same thing.
    scratch = ns["BatchNorm"](3, num_dims=4)
    scratch.initialize()
    layer = ns["nn"].BatchNorm(epsilon=1e-12)
    layer.initialize()
    X = np.random.normal(size=(4, 3, 5, 5))
    with autograd.record():
        a, b = scratch(X), layer(X)
    onp.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-4, atol=1e-5)
    onp.testing.assert_allclose(scratch.moving_mean.asnumpy().ravel(), layer.running_mean.data().asnumpy(),
                                rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(scratch.moving_var.asnumpy().ravel(), layer.running_var.data().asnumpy(),
                                rtol=1e-5, atol=1e-6)

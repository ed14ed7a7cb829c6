"""d2l "Convolutional Neural Networks (LeNet)" and "Batch Normalization" (concise version).

First the book's LeNet: its printout before and after deferred initialization, and the shape
of each layer's output for a 28x28 image (the book's walk through the network). Then the
batch-normalized LeNet of the batch-normalization chapter is trained as the book does (SGD on
softmax cross-entropy, Xavier initialization), on the handwritten digits shipped with
deepblocks instead of Fashion-MNIST (a download): each 8x8 digit is blown up to 24x24 and
framed to 28x28, the image size LeNet expects. A few seconds on a CPU.
"""
from deepblocks import autograd, gluon, init, np, npx
from deepblocks.gluon import nn

npx.set_np()

net = nn.Sequential()
net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        # Dense flattens (batch, 16, 5, 5) to (batch, 400) by itself
        nn.Dense(120, activation='sigmoid'),
        nn.Dense(84, activation='sigmoid'),
        nn.Dense(10))
print(net)

X = np.random.uniform(size=(1, 1, 28, 28))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:', X.shape)
print(net[0].weight, net[2].weight, sep='\n')

# ---- training: LeNet with batch normalization on the digits -----------------------------------


def to_28x28(image):
    """An (8, 8, 1) digit as a (1, 28, 28) image in [0, 1]: each pixel repeated 3x3, then a
    frame of 2 zeros."""
    x = image.astype('float32').transpose(2, 0, 1) / 16
    return np.pad(x.repeat(3, axis=1).repeat(3, axis=2), ((0, 0), (2, 2), (2, 2)))


np.random.seed(0)
train_data = gluon.data.vision.Digits(train=True).transform_first(to_28x28)
test_data = gluon.data.vision.Digits(train=False).transform_first(to_28x28)
batch_size, lr, num_epochs = 64, 0.3, 6
train_iter = gluon.data.DataLoader(train_data, batch_size, shuffle=True)
test_iter = gluon.data.DataLoader(test_data, batch_size)

net = nn.Sequential()
net.add(nn.Conv2D(6, kernel_size=5), nn.BatchNorm(), nn.Activation('sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Conv2D(16, kernel_size=5), nn.BatchNorm(), nn.Activation('sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Dense(120), nn.BatchNorm(), nn.Activation('sigmoid'),
        nn.Dense(84), nn.BatchNorm(), nn.Activation('sigmoid'),
        nn.Dense(10))
net.initialize(init.Xavier())
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1).astype(y.dtype) == y).sum())


def evaluate_accuracy(net, data_iter):
    correct, total = 0.0, 0
    for X, y in data_iter:
        correct += accuracy(net(X), y)
        total += y.size
    return correct / total


print(f'images: {train_data[0][0].shape} training: {len(train_data)} test: {len(test_data)}')
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
print(net[1])

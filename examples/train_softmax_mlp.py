"""d2l "Concise Implementation of Multilayer Perceptrons" on a Fashion-MNIST stand-in.

The real Fashion-MNIST needs a download, so this script makes a synthetic data set
with the same item format: float32 images of shape (1, 28, 28) in [0, 1] and int32
labels in 0..9. Each class has a fixed random pattern that is mixed into noise, so
there is something to learn. The model and the training loop are the book's:
Sequential(Dense(256, 'relu'), Dense(10)), Normal(0.01) initialization,
SoftmaxCrossEntropyLoss, SGD with learning rate 0.1, batch size 256 (d2l-en 0.17
chapter_multilayer-perceptrons/mlp-concise.md and d2l's train_ch3).
"""
import numpy as onp

from deepblocks import autograd, gluon, init, np, npx
from deepblocks.gluon import nn

npx.set_np()


def synthetic_fashion_mnist(num_examples, rng, patterns):
    """Images = 0.7 * noise + 0.3 * the pattern of the image's class."""
    labels = rng.integers(0, 10, num_examples).astype('int32')
    noise = rng.random((num_examples, 1, 28, 28), dtype='float32')
    images = 0.7 * noise + 0.3 * patterns[labels]
    return np.array(images.astype('float32')), np.array(labels, dtype='int32')


rng = onp.random.default_rng(0)
patterns = rng.random((10, 1, 28, 28), dtype='float32')
train_X, train_y = synthetic_fashion_mnist(6000, rng, patterns)
test_X, test_y = synthetic_fashion_mnist(1000, rng, patterns)
print('images:', train_X.shape, train_X.dtype, 'labels:', train_y.shape, train_y.dtype)

batch_size, lr, num_epochs = 256, 0.1, 10
train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(train_X, train_y), batch_size, shuffle=True)
test_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(test_X, test_y), batch_size, shuffle=False)

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'),
        nn.Dense(10))
net.initialize(init.Normal(sigma=0.01))
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})


def accuracy(y_hat, y):
    """Number of correct predictions."""
    return float((y_hat.argmax(axis=1).astype(y.dtype) == y).sum())


def evaluate_accuracy(net, data_iter):
    correct, total = 0.0, 0
    for X, y in data_iter:
        correct += accuracy(net(X), y)
        total += y.size
    return correct / total


print(f'test acc before training {evaluate_accuracy(net, test_iter):.3f}')
for epoch in range(num_epochs):
    loss_sum, correct, total = 0.0, 0.0, 0
    for X, y in train_iter:
        with autograd.record():
            y_hat = net(X)
            l = loss(y_hat, y)
        l.backward()
        trainer.step(batch_size)
        loss_sum += float(l.sum())
        correct += accuracy(y_hat, y)
        total += y.size
    test_acc = evaluate_accuracy(net, test_iter)
    print(f'epoch {epoch + 1}, loss {loss_sum / total:.3f}, train acc {correct / total:.3f}, '
          f'test acc {test_acc:.3f}')
print(net)

"""d2l "Concise Implementation of Linear Regression" (MXNet / Gluon).

Synthetic data y = X w + b + noise with w = [2, -3.4], b = 4.2; an ArrayDataset and a
shuffling DataLoader; one Dense(1) layer initialized with Normal(0.01); L2Loss; SGD
with learning rate 0.03 for 3 epochs. Follows d2l-en 0.17
(chapter_linear-networks/linear-regression-concise.md) and d2l-zh v1.
"""
from deepblocks import autograd, gluon, init, np, npx
from deepblocks.gluon import nn

npx.set_np()


def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = np.dot(X, w) + b
    y += np.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def load_array(data_arrays, batch_size, is_train=True):
    """Construct a Gluon data iterator."""
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)


true_w = np.array([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)

batch_size = 10
data_iter = load_array((features, labels), batch_size)
X, y = next(iter(data_iter))
print('first batch:', X.shape, y.shape)

net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(init.Normal(sigma=0.01))
loss = gluon.loss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})

num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        trainer.step(batch_size)
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l.mean().asnumpy():f}')

w = net[0].weight.data()
print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
b = net[0].bias.data()
print(f'error in estimating b: {true_b - b}')
w_err = float(np.abs(true_w - w.reshape(true_w.shape)).max())
b_err = float(np.abs(true_b - b).max())
print(f'max error w {w_err:.6f} b {b_err:.6f}')
print('errors below 0.01:', w_err < 0.01 and b_err < 0.01)

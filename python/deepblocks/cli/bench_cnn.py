"""The convolutional work items of ``deepblocks bench``, each library in a process of its own
(as ``bench_gluon.py``, whose conventions this file follows).

- ``conv3x3``: a 3×3 convolution, 64→64 channels, padding 1, on (8, 64, 56, 56): forward;
- ``conv3x3_train``: the same convolution forward and backward (data and weight gradients);
- ``maxpool``: 3×3 max pooling, stride 2, on (32, 64, 56, 56);
- ``lenet_step``: a LeNet training step (5×5 convolutions, ReLU, max pooling, three dense
  layers) on a (256, 1, 28, 28) batch, softmax cross-entropy, SGD through the Trainer;
- ``resnet_step``: a ResNet-18 training step (d2l's: 7×7/2 stem, max pooling, four stages of
  two residual blocks with batch norm) on a (64, 3, 32, 32) batch, 10 classes.

Run as ``python bench_cnn.py LIBRARY [REPEAT]``; prints one line of JSON with
``[best, median]`` seconds per call per item, or ``null`` when the library cannot be imported.
Thread counts come from the environment (``OMP_NUM_THREADS`` for all three libraries).
"""

import json
import sys

if __package__:
    from .timing import measure_library
else:  # run by path: timing.py is in the same folder, which is sys.path[0]
    from timing import measure_library

ITEMS = {
    "conv3x3": ("conv 3x3 64->64, 56x56, batch 8, forward", {"torch": 1.0, "mxnet": 0.5}),
    "conv3x3_train": ("conv 3x3 64->64, 56x56, batch 8, fwd+bwd", {"torch": 1.0, "mxnet": 0.5}),
    "maxpool": ("max pool 3x3/2 on (32, 64, 56, 56)", {"torch": 1.0, "mxnet": 0.5}),
    "lenet_step": ("LeNet training step, batch 256, 28x28", {"torch": 1.0, "mxnet": 0.5}),
    "resnet_step": ("ResNet-18 training step, batch 64, 32x32", {"torch": 1.0, "mxnet": 0.5}),
}


def _inputs():
    import numpy as onp

    rng = onp.random.default_rng(0)
    f32 = onp.float32
    return {
        "conv_x": rng.standard_normal((8, 64, 56, 56)).astype(f32),
        "conv_w": (rng.standard_normal((64, 64, 3, 3)) * 0.05).astype(f32),
        "pool_x": rng.standard_normal((32, 64, 56, 56)).astype(f32),
        "lenet_x": rng.random((256, 1, 28, 28), dtype=f32),
        "lenet_y": rng.integers(0, 10, 256).astype(onp.int32),
        "resnet_x": rng.random((64, 3, 32, 32), dtype=f32),
        "resnet_y": rng.integers(0, 10, 64).astype(onp.int32),
    }


def _gluon_items(mx, d, sync):
    """The items in ``mx``'s Gluon (deepblocks or MXNet 1.9.1: the same code)."""
    np, npx, nn, autograd = mx.np, mx.npx, mx.gluon.nn, mx.autograd
    npx.set_np()
    x, w = np.array(d["conv_x"]), np.array(d["conv_w"])
    x.attach_grad()
    w.attach_grad()

    def conv():
        return npx.convolution(x, w, None, kernel=(3, 3), pad=(1, 1), num_filter=64, no_bias=True)

    def conv_train():
        with autograd.record():
            y = conv()
        y.backward()
        sync(None)

    px = np.array(d["pool_x"])

    def lenet():
        net = nn.Sequential()
        net.add(nn.Conv2D(6, 5, padding=2, activation="relu"), nn.MaxPool2D(2, 2),
                nn.Conv2D(16, 5, activation="relu"), nn.MaxPool2D(2, 2),
                nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"), nn.Dense(10))
        return net

    def residual(channels, strides=1):
        class Residual(nn.Block):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2D(channels, 3, padding=1, strides=strides)
                self.conv2 = nn.Conv2D(channels, 3, padding=1)
                self.conv3 = nn.Conv2D(channels, 1, strides=strides) if strides != 1 else None
                self.bn1, self.bn2 = nn.BatchNorm(), nn.BatchNorm()

            def forward(self, X):
                Y = npx.relu(self.bn1(self.conv1(X)))
                Y = self.bn2(self.conv2(Y))
                return npx.relu(Y + (self.conv3(X) if self.conv3 else X))
        return Residual()

    def resnet():
        net = nn.Sequential()
        net.add(nn.Conv2D(64, 7, strides=2, padding=3), nn.BatchNorm(), nn.Activation("relu"),
                nn.MaxPool2D(3, 2, 1))
        for i, c in enumerate((64, 128, 256, 512)):
            net.add(residual(c, 1 if i == 0 else 2), residual(c))
        net.add(nn.GlobalAvgPool2D(), nn.Dense(10))
        return net

    def stepper(net, X, y):
        net.initialize(mx.init.Xavier())
        xb, yb = np.array(X), np.array(y)
        loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()
        trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.05})

        def step():
            with autograd.record():
                l = loss(net(xb), yb)
            l.backward()
            trainer.step(X.shape[0])
            sync(None)
        step()
        return step

    return {
        "conv3x3": lambda: sync(conv()),
        "conv3x3_train": conv_train,
        "maxpool": lambda: sync(npx.pooling(px, kernel=(3, 3), stride=(2, 2), pool_type="max")),
        "lenet_step": stepper(lenet(), d["lenet_x"], d["lenet_y"]),
        "resnet_step": stepper(resnet(), d["resnet_x"], d["resnet_y"]),
    }


def _torch_items(torch, d):
    F, nn = torch.nn.functional, torch.nn
    torch.manual_seed(0)
    x = torch.tensor(d["conv_x"], requires_grad=True)
    w = torch.tensor(d["conv_w"], requires_grad=True)

    def conv_train():
        F.conv2d(x, w, padding=1).backward(torch.ones(8, 64, 56, 56))

    px = torch.tensor(d["pool_x"])
    lenet = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                          nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    class Residual(nn.Module):
        def __init__(self, cin, c, strides=1):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, c, 3, padding=1, stride=strides)
            self.conv2 = nn.Conv2d(c, c, 3, padding=1)
            self.conv3 = nn.Conv2d(cin, c, 1, stride=strides) if strides != 1 else None
            self.bn1, self.bn2 = nn.BatchNorm2d(c), nn.BatchNorm2d(c)

        def forward(self, X):
            Y = F.relu(self.bn1(self.conv1(X)))
            Y = self.bn2(self.conv2(Y))
            return F.relu(Y + (self.conv3(X) if self.conv3 is not None else X))

    layers = [nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, c in enumerate((64, 128, 256, 512)):
        layers += [Residual(cin, c, 1 if i == 0 else 2), Residual(c, c)]
        cin = c
    resnet = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10))

    def stepper(net, X, y):
        xb, yb = torch.tensor(X), torch.tensor(y, dtype=torch.long)
        opt = torch.optim.SGD(net.parameters(), lr=0.05)

        def step():
            opt.zero_grad()
            F.cross_entropy(net(xb), yb).backward()
            opt.step()
        step()
        return step

    return {
        "conv3x3": lambda: F.conv2d(x.detach(), w.detach(), padding=1),
        "conv3x3_train": conv_train,
        "maxpool": lambda: F.max_pool2d(px, 3, 2),
        "lenet_step": stepper(lenet, d["lenet_x"], d["lenet_y"]),
        "resnet_step": stepper(resnet, d["resnet_x"], d["resnet_y"]),
    }


def measure(lib, repeat=5, only=None):
    """``{"version": ..., item: [best, median] seconds per call}`` for ``lib``; None when it
    cannot be imported."""
    return measure_library(lib, repeat, only, _inputs, _torch_items, _gluon_items, makers=False)


if __name__ == "__main__":
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5, only)))

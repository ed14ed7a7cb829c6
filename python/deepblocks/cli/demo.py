"""``deepblocks demo``: a Gluon network learns to read handwritten digits, start to finish.

The steps are the ones of any MXNet Gluon training script, with deepblocks in place of
mxnet:

1. data: the UCI handwritten digits shipped with deepblocks
   (``gluon.data.vision.Digits``: 1,442 training and 355 test images of 8x8 pixels),
   pixels scaled to [0, 1] (and, for the convolutional net, laid out channels first) by
   ``transform_first``, batches from a ``DataLoader``;
2. network (``--model``): ``cnn`` (the default), a small convolutional net —
   ``Conv2D(16, 3, relu)``, ``MaxPool2D``, ``Conv2D(32, 3, relu)``, ``MaxPool2D``,
   ``Dense(10)`` — or ``mlp``, ``Dense(128, relu)``, ``Dense(64, relu)``, ``Dense(10)``;
   with no input sizes given: they are inferred at the first batch (deferred
   initialization), the weights then drawn by ``init.Xavier()``;
3. training: ``SoftmaxCrossEntropyLoss``, ``Trainer`` with Adam, ``autograd.record`` and
   ``backward``, with a progress bar (epochs, batches, loss, accuracy);
4. the test accuracy (0.95 or more is expected);
5. ``save_parameters``, then ``load_parameters`` into a fresh network, whose predictions
   must be identical;
6. a plot of loss and accuracy per epoch, ``loss_accuracy.png``, when matplotlib is
   installed (``pip install 'deepblocks[demo]'``).

Exit status: 0 when all went well; 1 when the test accuracy is below 0.95 or the reloaded
network predicts differently; 2 for a usage error, including a device that cannot be used
(``--ctx gpu`` without a usable GPU stops with the reason rather than quietly training on
the CPU).

>>> parse_ctx("gpu"), parse_ctx("cpu(0)"), parse_ctx(" GPU(1) ")
(gpu(0), cpu(0), gpu(1))
>>> parse_ctx("tpu")
Traceback (most recent call last):
...
ValueError: 'tpu' is not a device: use cpu, gpu, cpu(0) or gpu(1)
"""

import os
import re
import sys
import time

__all__ = ["run", "parse_ctx", "build_net", "MODELS", "MIN_ACCURACY"]

MIN_ACCURACY = 0.95
MODELS = {"cnn": "a Gluon convolutional net", "mlp": "a Gluon MLP"}
PLOT_FILE = "loss_accuracy.png"


def parse_ctx(text):
    """The device named by ``text``: ``cpu``, ``gpu``, ``cpu(i)`` or ``gpu(i)``."""
    from deepblocks import context

    m = re.fullmatch(r"(cpu|gpu)(?:\((\d+)\))?", text.strip().lower())
    if m is None:
        raise ValueError(f"{text!r} is not a device: use cpu, gpu, cpu(0) or gpu(1)")
    return (context.cpu if m[1] == "cpu" else context.gpu)(int(m[2] or 0))


def build_net(model="cnn"):
    """The demo's network (``'cnn'`` or ``'mlp'``), its input sizes left to deferred
    initialization."""
    from deepblocks.gluon import nn

    net = nn.Sequential()
    if model == "cnn":
        # 8x8 images: two 3x3 convolutions (padded, so 8x8 and 4x4), each halved by pooling.
        net.add(nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(32, kernel_size=3, padding=1, activation="relu"),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Dense(10))
    elif model == "mlp":
        net.add(nn.Dense(128, activation="relu"),
                nn.Dense(64, activation="relu"),
                nn.Dense(10))
    else:
        raise ValueError(f"unknown model {model!r}: use {' or '.join(MODELS)}")
    return net


def run(epochs=20, batch_size=32, lr=0.002, ctx="cpu", out="deepblocks-demo", seed=0, model="cnn"):
    """Trains, tests, saves, reloads and plots; returns the exit status."""
    import deepblocks
    from deepblocks import gluon, init, np, npx
    from deepblocks.base import MXNetError

    started = time.perf_counter()
    npx.set_np()
    device = parse_ctx(ctx) if isinstance(ctx, str) else ctx
    try:
        np.zeros((1,), ctx=device)
    except MXNetError as e:
        print(f"demo: cannot use {device}: {e}\n"
              f"demo: `deepblocks info` lists the devices; run on the CPU with --ctx cpu",
              file=sys.stderr)
        return 2
    np.random.seed(seed)  # the weights and the order of the batches

    def scale(image):
        image = image.astype("float32") / 16  # pixels count 0..16 "on" dots
        # (8, 8, 1) images; convolutions take channels first. The MLP flattens either.
        return image.transpose(2, 0, 1) if model == "cnn" else image

    train_data = gluon.data.vision.Digits(train=True).transform_first(scale)
    test_data = gluon.data.vision.Digits(train=False).transform_first(scale)
    train_iter = gluon.data.DataLoader(train_data, batch_size, shuffle=True)
    test_iter = gluon.data.DataLoader(test_data, 512)

    net = build_net(model)
    net.initialize(init.Xavier(), ctx=device)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": lr})

    _say(f"deepblocks {deepblocks.__version__} demo: {MODELS[model]} learns to read handwritten digits")
    _say(f"data      UCI handwritten digits, 8x8 pixels, shipped with deepblocks "
         f"(E. Alpaydin and C. Kaynak, CC BY 4.0): {len(train_data)} training images, "
         f"{len(test_data)} test images")
    _say("network   " + _indent(repr(net)))
    _say("          -1: input sizes left to deferred initialization, known at the first batch")
    _say(f"training  {epochs} epochs of {len(train_iter)} batches of {batch_size}, Adam "
         f"(learning rate {lr}), softmax cross-entropy, on {device}, seed {seed}")

    history = _train(net, loss, trainer, train_iter, test_iter, device, epochs)
    shapes = ", ".join(str(layer.weight.shape) for layer in net if hasattr(layer, "weight"))
    _say(f"weights   shapes inferred at the first batch: {shapes}")

    test_correct, test_seen = _evaluate(net, test_iter, device)
    ok = test_correct / test_seen >= MIN_ACCURACY
    _say(f"test accuracy {test_correct / test_seen:.3f} ({test_correct:.0f}/{test_seen} images): "
         + ("ok" if ok else f"BELOW {MIN_ACCURACY}"))

    os.makedirs(out, exist_ok=True)
    params = os.path.join(out, f"digits_{model}.params")
    net.save_parameters(params)
    _say(f"saved     {params} ({os.path.getsize(params) / 1024:.0f} KB)")
    fresh = build_net(model)
    fresh.load_parameters(params, ctx=device)
    same = sum(_same_outputs(net(X.as_in_ctx(device)), fresh(X.as_in_ctx(device)))
               for X, _ in test_iter)
    ok = ok and same == test_seen
    _say("reloaded  into a fresh network: "
         + ("predictions identical" if same == test_seen else "PREDICTIONS DIFFER")
         + f" ({same}/{test_seen} test images)")

    plot = _plot(history, os.path.join(out, PLOT_FILE), model)
    _say(f"plot      {plot}" if plot else
         "plot      skipped: matplotlib is not installed (pip install 'deepblocks[demo]' adds it)")
    _say(f"done in {time.perf_counter() - started:.1f} s" + ("" if ok else "; FAILED"))
    return 0 if ok else 1


def _train(net, loss, trainer, train_iter, test_iter, device, epochs):
    """The training loop, a progress bar per epoch; returns the loss and the training and
    test accuracies of each epoch."""
    from deepblocks import autograd

    from .progress import progress_bar

    history = {"loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        total_loss, correct, seen = 0.0, 0.0, 0
        with progress_bar(len(train_iter), f"epoch {epoch:{len(str(epochs))}d}/{epochs}", "batch") as bar:
            for X, y in train_iter:
                X, y = X.as_in_ctx(device), y.as_in_ctx(device)
                with autograd.record():
                    y_hat = net(X)
                    l = loss(y_hat, y)
                l.backward()
                trainer.step(X.shape[0])
                total_loss += float(l.sum())
                correct += _correct(y_hat, y)
                seen += X.shape[0]
                stats = {"loss": f"{total_loss / seen:.4f}", "acc": f"{correct / seen:.3f}"}
                bar.set_postfix(stats, refresh=False)  # a dict keeps tqdm from sorting them
                bar.update()
            test_correct, test_seen = _evaluate(net, test_iter, device)
            bar.set_postfix({**stats, "test_acc": f"{test_correct / test_seen:.3f}"})
        history["loss"].append(total_loss / seen)
        history["train_acc"].append(correct / seen)
        history["test_acc"].append(test_correct / test_seen)
    return history


def _say(text):
    # Flushed: the progress bar goes to stderr, and the two must interleave in a log.
    print(text, flush=True)


def _indent(text):
    return text.replace("\n", "\n          ")


def _correct(y_hat, y):
    """The number of rows of ``y_hat`` whose largest score is at the label ``y``."""
    return float((y_hat.argmax(axis=1).astype(y.dtype) == y).sum())


def _evaluate(net, data_iter, device):
    """The number of correct predictions and the number of samples."""
    correct, seen = 0.0, 0
    for X, y in data_iter:
        correct += _correct(net(X.as_in_ctx(device)), y.as_in_ctx(device))
        seen += X.shape[0]
    return correct, seen


def _same_outputs(a, b):
    """The number of rows on which the two networks' outputs agree bit for bit."""
    return int((a.asnumpy() == b.asnumpy()).all(axis=1).sum())


def _plot(history, path, model):
    """Writes the loss and accuracy curves to ``path``; None when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")  # a file, never a window
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = range(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, history["loss"], marker="o")
    left.set(title="training loss", xlabel="epoch", ylabel="softmax cross-entropy")
    right.plot(epochs, history["train_acc"], marker="o", label="train")
    right.plot(epochs, history["test_acc"], marker="s", label="test")
    right.axhline(MIN_ACCURACY, color="grey", linestyle=":", linewidth=1)
    right.set(title="accuracy", xlabel="epoch", ylim=(min(0.5, *history["train_acc"]), 1.005))
    right.legend(loc="lower right")
    for axes in (left, right):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(f"deepblocks demo: {MODELS[model]} on the UCI handwritten digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path

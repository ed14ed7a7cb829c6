"""d2l "GPUs": pick a GPU when there is one, else fall back to the CPU.

Two versions of ``try_gpu``: d2l-en asks ``npx.num_gpus()``; the first Chinese
edition allocates a small array on ``mx.gpu()`` and catches ``mx.base.MXNetError``.
Both return ``cpu(0)`` on a machine without a GPU. Arrays and a network are then
created on the chosen device. Follows chapter_builders-guide/use-gpu.md (d2l-en) and
chapter_convolutional-neural-networks/lenet.md (d2l-zh v1).
"""
import deepblocks as mx
from deepblocks import nd, np, npx
from deepblocks.gluon import nn

npx.set_np()


def cpu():
    """Get the CPU device."""
    return npx.cpu()


def gpu(i=0):
    """Get a GPU device."""
    return npx.gpu(i)


def num_gpus():
    """Get the number of available GPUs."""
    return npx.num_gpus()


def try_gpu(i=0):
    """Return gpu(i) if exists, otherwise return cpu()."""
    if num_gpus() >= i + 1:
        return gpu(i)
    return cpu()


def try_all_gpus():
    """Return all available GPUs, or [cpu(),] if no GPU exists (d2l-en 0.17)."""
    return [gpu(i) for i in range(num_gpus())] or [cpu()]


def try_gpu_v1():
    """The first Chinese edition's version: try to allocate on the GPU."""
    try:
        ctx = mx.gpu()
        _ = nd.zeros((1,), ctx=ctx)
    except mx.base.MXNetError:
        ctx = mx.cpu()
    return ctx


n = num_gpus()
print('num_gpus:', n)
# Devices can be named without a GPU; only using a missing one fails.
print(cpu(), gpu(), gpu(1))
print(try_gpu(), try_gpu(10), try_all_gpus())
print('try_gpu_v1 agrees with try_gpu:', try_gpu_v1() == try_gpu())

x = np.array([1, 2, 3])
print(x.ctx)

X = np.ones((2, 3), ctx=try_gpu())
print('X on try_gpu():', X.ctx == try_gpu())
Y = np.random.uniform(size=(2, 3), ctx=try_gpu(1))
print('Y on try_gpu(1):', Y.ctx == try_gpu(1))
Z = X.copyto(try_gpu(1))
print('Z on try_gpu(1):', Z.ctx == try_gpu(1), '; copyto gives a new array:', Z is not X)
print('as_in_ctx to the same device returns the array itself:', Z.as_in_ctx(try_gpu(1)) is Z)
print(Y + Z >= 1)  # uniform values in [0, 1) plus ones

net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(ctx=try_gpu())
out = net(X)
print('output shape:', out.shape, 'on the same device:', out.ctx == X.ctx)
print('weight on the same device:', net[0].weight.data().ctx == try_gpu())

"""gluon.nn's convolutional layers (Conv*, Conv*Transpose, *Pool*, ReflectionPad2D) and
InstanceNorm / GroupNorm / BatchNorm on images: printouts, parameter names and deferred
initialization compared with MXNet 1.9.1 in numpy and legacy mode (the snippets below ran on
MXNet 1.9.1 with ``mxnet`` for ``deepblocks``; their output is pasted verbatim), outputs
against the NumPy references, gradients by central finite differences, an MXNet-saved CNN
that loads and predicts as MXNet did, and bad input.
"""

import contextlib
import io
import pathlib

import numpy as onp
import pytest

import conv_reference as ref
from conftest import raises
from deepblocks import autograd, init, nd, np, npx
from deepblocks.gluon.parameter import DeferredInitializationError
from deepblocks.gluon import nn
from test_gluon_layers import check_grads

pytestmark = pytest.mark.usefixtures("gluon_state")

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "mxnet"


def run(code):
    """Runs a recorded snippet with deepblocks; returns what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {"autograd": autograd, "init": init, "nd": nd, "np": np,
                                                   "npx": npx, "nn": nn, "onp": onp})
    return out.getvalue()


# ---- printouts and names, as MXNet 1.9.1 ---------------------------------------------------------------

REPRS_CODE = """\
def layers():
    return [
        nn.Conv1D(4, 3),
        nn.Conv2D(6, 5),
        nn.Conv2D(6, kernel_size=5, padding=2, activation='sigmoid'),
        nn.Conv2D(16, kernel_size=3, strides=2, padding=1, dilation=2, groups=2, use_bias=False, in_channels=4),
        nn.Conv2D(8, (3, 5), strides=(2, 1), layout='NHWC'),
        nn.Conv2D(8, 3, layout='NHWC', in_channels=3),
        nn.Conv3D(8, 3, in_channels=2),
        nn.Conv3D(8, 3, layout='NDHWC'),
        nn.Conv1DTranspose(4, 3),
        nn.Conv2DTranspose(3, 4, strides=2, padding=1, output_padding=1),
        nn.Conv2DTranspose(3, 4, in_channels=5, groups=1, activation='relu'),
        nn.Conv3DTranspose(2, 3, strides=2),
        nn.MaxPool1D(),
        nn.MaxPool2D(),
        nn.MaxPool2D(pool_size=3, strides=2, padding=1, ceil_mode=True),
        nn.MaxPool2D([3, 3], 1),
        nn.MaxPool3D(),
        nn.AvgPool1D(),
        nn.AvgPool2D(),
        nn.AvgPool2D(3, count_include_pad=False, layout='NHWC'),
        nn.AvgPool3D(),
        nn.GlobalMaxPool1D(), nn.GlobalMaxPool2D(), nn.GlobalMaxPool3D(),
        nn.GlobalAvgPool1D(), nn.GlobalAvgPool2D(), nn.GlobalAvgPool3D(),
        nn.ReflectionPad2D(2),
        nn.InstanceNorm(), nn.InstanceNorm(in_channels=3, scale=True, epsilon=1e-3),
        nn.GroupNorm(), nn.GroupNorm(num_groups=2, center=False),
        nn.BatchNorm(),
    ]

for mode in ("np", "legacy"):
    npx.set_np() if mode == "np" else npx.reset_np()
    print("=====", mode)
    for layer in layers():
        print(repr(layer))
        for name, p in layer.collect_params().items():
            print("   ", repr(p))
"""

REPRS_MXNET = """\
===== np
Conv1D(-1 -> 4, kernel_size=(3,), stride=(1,))
    Parameter conv0_weight (shape=(4, -1, 3), dtype=<class 'numpy.float32'>)
    Parameter conv0_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv2D(-1 -> 6, kernel_size=(5, 5), stride=(1, 1))
    Parameter conv1_weight (shape=(6, -1, 5, 5), dtype=<class 'numpy.float32'>)
    Parameter conv1_bias (shape=(6,), dtype=<class 'numpy.float32'>)
Conv2D(-1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
    Parameter conv2_weight (shape=(6, -1, 5, 5), dtype=<class 'numpy.float32'>)
    Parameter conv2_bias (shape=(6,), dtype=<class 'numpy.float32'>)
Conv2D(2 -> 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False)
    Parameter conv3_weight (shape=(16, 2, 3, 3), dtype=<class 'numpy.float32'>)
Conv2D(3 -> 8, kernel_size=(3, 5), stride=(2, 1))
    Parameter conv4_weight (shape=(8, 3, 5, -1), dtype=<class 'numpy.float32'>)
    Parameter conv4_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv2D(3 -> 8, kernel_size=(3, 3), stride=(1, 1))
    Parameter conv5_weight (shape=(8, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv5_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv3D(2 -> 8, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    Parameter conv6_weight (shape=(8, 2, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv6_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv3D(3 -> 8, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    Parameter conv7_weight (shape=(8, 3, 3, 3, -1), dtype=<class 'numpy.float32'>)
    Parameter conv7_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv1DTranspose(4 -> -1, kernel_size=(3,), stride=(1,))
    Parameter conv8_weight (shape=(-1, 4, 3), dtype=<class 'numpy.float32'>)
    Parameter conv8_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv2DTranspose(3 -> -1, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
    Parameter conv9_weight (shape=(-1, 3, 4, 4), dtype=<class 'numpy.float32'>)
    Parameter conv9_bias (shape=(3,), dtype=<class 'numpy.float32'>)
Conv2DTranspose(3 -> 5, kernel_size=(4, 4), stride=(1, 1), Activation(relu))
    Parameter conv10_weight (shape=(5, 3, 4, 4), dtype=<class 'numpy.float32'>)
    Parameter conv10_bias (shape=(3,), dtype=<class 'numpy.float32'>)
Conv3DTranspose(2 -> -1, kernel_size=(3, 3, 3), stride=(2, 2, 2))
    Parameter conv11_weight (shape=(-1, 2, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv11_bias (shape=(2,), dtype=<class 'numpy.float32'>)
MaxPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, global_pool=False, pool_type=max, layout=NCW)
MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)
MaxPool2D(size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True, global_pool=False, pool_type=max, layout=NCHW)
MaxPool2D(size=[3, 3], stride=(1, 1), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)
MaxPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCDHW)
AvgPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCW)
AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
AvgPool2D(size=(3, 3), stride=(3, 3), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NHWC)
AvgPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCDHW)
GlobalMaxPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, global_pool=True, pool_type=max, layout=NCW)
GlobalMaxPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, global_pool=True, pool_type=max, layout=NCHW)
GlobalMaxPool3D(size=(1, 1, 1), stride=(1, 1, 1), padding=(0, 0, 0), ceil_mode=True, global_pool=True, pool_type=max, layout=NCDHW)
GlobalAvgPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCW)
GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCHW)
GlobalAvgPool3D(size=(1, 1, 1), stride=(1, 1, 1), padding=(0, 0, 0), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCDHW)
ReflectionPad2D(

)
InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=-1)
    Parameter instancenorm0_gamma (shape=(-1,), dtype=<class 'numpy.float32'>)
    Parameter instancenorm0_beta (shape=(-1,), dtype=<class 'numpy.float32'>)
InstanceNorm(eps=0.001, axis=1, center=True, scale=True, in_channels=3)
    Parameter instancenorm1_gamma (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter instancenorm1_beta (shape=(3,), dtype=<class 'numpy.float32'>)
GroupNorm(eps=1e-05, num_groups=1, center=True, scale=True)
    Parameter groupnorm0_gamma (shape=(1,), dtype=<class 'numpy.float32'>)
    Parameter groupnorm0_beta (shape=(1,), dtype=<class 'numpy.float32'>)
GroupNorm(eps=1e-05, num_groups=2, center=False, scale=True)
    Parameter groupnorm1_gamma (shape=(2,), dtype=<class 'numpy.float32'>)
    Parameter groupnorm1_beta (shape=(2,), dtype=<class 'numpy.float32'>)
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=-1)
    Parameter batchnorm0_gamma (shape=(-1,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm0_beta (shape=(-1,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm0_running_mean (shape=(-1,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm0_running_var (shape=(-1,), dtype=<class 'numpy.float32'>)
===== legacy
Conv1D(None -> 4, kernel_size=(3,), stride=(1,))
    Parameter conv12_weight (shape=(4, 0, 3), dtype=<class 'numpy.float32'>)
    Parameter conv12_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv2D(None -> 6, kernel_size=(5, 5), stride=(1, 1))
    Parameter conv13_weight (shape=(6, 0, 5, 5), dtype=<class 'numpy.float32'>)
    Parameter conv13_bias (shape=(6,), dtype=<class 'numpy.float32'>)
Conv2D(None -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
    Parameter conv14_weight (shape=(6, 0, 5, 5), dtype=<class 'numpy.float32'>)
    Parameter conv14_bias (shape=(6,), dtype=<class 'numpy.float32'>)
Conv2D(2 -> 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False)
    Parameter conv15_weight (shape=(16, 2, 3, 3), dtype=<class 'numpy.float32'>)
Conv2D(3 -> 8, kernel_size=(3, 5), stride=(2, 1))
    Parameter conv16_weight (shape=(8, 3, 5, 0), dtype=<class 'numpy.float32'>)
    Parameter conv16_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv2D(3 -> 8, kernel_size=(3, 3), stride=(1, 1))
    Parameter conv17_weight (shape=(8, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv17_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv3D(2 -> 8, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    Parameter conv18_weight (shape=(8, 2, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv18_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv3D(3 -> 8, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    Parameter conv19_weight (shape=(8, 3, 3, 3, 0), dtype=<class 'numpy.float32'>)
    Parameter conv19_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv1DTranspose(4 -> 0, kernel_size=(3,), stride=(1,))
    Parameter conv20_weight (shape=(0, 4, 3), dtype=<class 'numpy.float32'>)
    Parameter conv20_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv2DTranspose(3 -> 0, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
    Parameter conv21_weight (shape=(0, 3, 4, 4), dtype=<class 'numpy.float32'>)
    Parameter conv21_bias (shape=(3,), dtype=<class 'numpy.float32'>)
Conv2DTranspose(3 -> 5, kernel_size=(4, 4), stride=(1, 1), Activation(relu))
    Parameter conv22_weight (shape=(5, 3, 4, 4), dtype=<class 'numpy.float32'>)
    Parameter conv22_bias (shape=(3,), dtype=<class 'numpy.float32'>)
Conv3DTranspose(2 -> 0, kernel_size=(3, 3, 3), stride=(2, 2, 2))
    Parameter conv23_weight (shape=(0, 2, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv23_bias (shape=(2,), dtype=<class 'numpy.float32'>)
MaxPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, global_pool=False, pool_type=max, layout=NCW)
MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)
MaxPool2D(size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True, global_pool=False, pool_type=max, layout=NCHW)
MaxPool2D(size=[3, 3], stride=(1, 1), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)
MaxPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCDHW)
AvgPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCW)
AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
AvgPool2D(size=(3, 3), stride=(3, 3), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NHWC)
AvgPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCDHW)
GlobalMaxPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, global_pool=True, pool_type=max, layout=NCW)
GlobalMaxPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, global_pool=True, pool_type=max, layout=NCHW)
GlobalMaxPool3D(size=(1, 1, 1), stride=(1, 1, 1), padding=(0, 0, 0), ceil_mode=True, global_pool=True, pool_type=max, layout=NCDHW)
GlobalAvgPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCW)
GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCHW)
GlobalAvgPool3D(size=(1, 1, 1), stride=(1, 1, 1), padding=(0, 0, 0), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCDHW)
ReflectionPad2D(

)
InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=0)
    Parameter instancenorm2_gamma (shape=(0,), dtype=<class 'numpy.float32'>)
    Parameter instancenorm2_beta (shape=(0,), dtype=<class 'numpy.float32'>)
InstanceNorm(eps=0.001, axis=1, center=True, scale=True, in_channels=3)
    Parameter instancenorm3_gamma (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter instancenorm3_beta (shape=(3,), dtype=<class 'numpy.float32'>)
GroupNorm(eps=1e-05, num_groups=1, center=True, scale=True)
    Parameter groupnorm2_gamma (shape=(1,), dtype=<class 'numpy.float32'>)
    Parameter groupnorm2_beta (shape=(1,), dtype=<class 'numpy.float32'>)
GroupNorm(eps=1e-05, num_groups=2, center=False, scale=True)
    Parameter groupnorm3_gamma (shape=(2,), dtype=<class 'numpy.float32'>)
    Parameter groupnorm3_beta (shape=(2,), dtype=<class 'numpy.float32'>)
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=None)
    Parameter batchnorm1_gamma (shape=(0,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm1_beta (shape=(0,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm1_running_mean (shape=(0,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm1_running_var (shape=(0,), dtype=<class 'numpy.float32'>)
"""

FORWARD_CODE = """\

for mode in ("np", "legacy"):
    npx.set_np() if mode == "np" else npx.reset_np()
    arr = np.array if mode == "np" else nd.array
    print("=====", mode)
    for layer, shape in [(nn.Conv2D(6, 5, padding=2, activation='sigmoid'), (2, 1, 28, 28)),
                         (nn.Conv2D(8, 3, layout='NHWC'), (2, 6, 6, 3)),
                         (nn.Conv1D(4, 3), (2, 3, 7)),
                         (nn.Conv3D(4, 3), (1, 2, 5, 5, 5)),
                         (nn.Conv2DTranspose(3, 4, strides=2, padding=1, output_padding=1), (1, 5, 4, 4)),
                         (nn.Conv2D(6, 3, groups=2), (1, 4, 5, 5)),
                         (nn.BatchNorm(), (2, 3, 4, 4)),
                         (nn.BatchNorm(), (2, 3, 2, 2, 2)),
                         (nn.MaxPool3D(ceil_mode=True), (1, 2, 3, 5, 4)),
                         (nn.GlobalAvgPool1D(), (2, 3, 5))]:
        layer.initialize()
        y = layer(arr(onp.ones(shape, dtype='float32')))
        print(repr(layer), "->", y.shape, type(y).__name__)
        for name, p in layer.collect_params().items():
            print("   ", repr(p))
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(10))
    print(net)
    print(net.collect_params())
    net.initialize()
    try:
        net[0].weight.data()
    except Exception as e:
        print(type(e).__name__)
    X = arr(onp.random.uniform(size=(1, 1, 28, 28)).astype('float32'))
    for layer in net:
        X = layer(X)
        print(layer.name, 'output shape:', X.shape)
    print(net)
    print(net.collect_params())
"""

FORWARD_MXNET = """\
===== np
Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid)) -> (2, 6, 28, 28) ndarray
    Parameter conv0_weight (shape=(6, 1, 5, 5), dtype=<class 'numpy.float32'>)
    Parameter conv0_bias (shape=(6,), dtype=<class 'numpy.float32'>)
Conv2D(3 -> 8, kernel_size=(3, 3), stride=(1, 1)) -> (2, 4, 4, 8) ndarray
    Parameter conv1_weight (shape=(8, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv1_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv1D(3 -> 4, kernel_size=(3,), stride=(1,)) -> (2, 4, 5) ndarray
    Parameter conv2_weight (shape=(4, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv2_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv3D(2 -> 4, kernel_size=(3, 3, 3), stride=(1, 1, 1)) -> (1, 4, 3, 3, 3) ndarray
    Parameter conv3_weight (shape=(4, 2, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv3_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv2DTranspose(3 -> 5, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1)) -> (1, 3, 9, 9) ndarray
    Parameter conv4_weight (shape=(5, 3, 4, 4), dtype=<class 'numpy.float32'>)
    Parameter conv4_bias (shape=(3,), dtype=<class 'numpy.float32'>)
Conv2D(2 -> 6, kernel_size=(3, 3), stride=(1, 1), groups=2) -> (1, 6, 3, 3) ndarray
    Parameter conv5_weight (shape=(6, 2, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv5_bias (shape=(6,), dtype=<class 'numpy.float32'>)
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=3) -> (2, 3, 4, 4) ndarray
    Parameter batchnorm0_gamma (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm0_beta (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm0_running_mean (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm0_running_var (shape=(3,), dtype=<class 'numpy.float32'>)
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=3) -> (2, 3, 2, 2, 2) ndarray
    Parameter batchnorm1_gamma (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm1_beta (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm1_running_mean (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm1_running_var (shape=(3,), dtype=<class 'numpy.float32'>)
MaxPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), ceil_mode=True, global_pool=False, pool_type=max, layout=NCDHW) -> (1, 2, 2, 3, 2) ndarray
GlobalAvgPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCW) -> (2, 3, 1) ndarray
Sequential(
  (0): Conv2D(-1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
  (1): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (2): Conv2D(-1 -> 16, kernel_size=(5, 5), stride=(1, 1), Activation(sigmoid))
  (3): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (4): Dense(-1 -> 120, Activation(sigmoid))
  (5): Dense(-1 -> 84, Activation(sigmoid))
  (6): Dense(-1 -> 10, linear)
)
sequential0_ (
  Parameter conv6_weight (shape=(6, -1, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv6_bias (shape=(6,), dtype=<class 'numpy.float32'>)
  Parameter conv7_weight (shape=(16, -1, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv7_bias (shape=(16,), dtype=<class 'numpy.float32'>)
  Parameter dense0_weight (shape=(120, -1), dtype=float32)
  Parameter dense0_bias (shape=(120,), dtype=float32)
  Parameter dense1_weight (shape=(84, -1), dtype=float32)
  Parameter dense1_bias (shape=(84,), dtype=float32)
  Parameter dense2_weight (shape=(10, -1), dtype=float32)
  Parameter dense2_bias (shape=(10,), dtype=float32)
)
DeferredInitializationError
conv6 output shape: (1, 6, 28, 28)
pool2 output shape: (1, 6, 14, 14)
conv7 output shape: (1, 16, 10, 10)
pool3 output shape: (1, 16, 5, 5)
dense0 output shape: (1, 120)
dense1 output shape: (1, 84)
dense2 output shape: (1, 10)
Sequential(
  (0): Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
  (1): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (2): Conv2D(6 -> 16, kernel_size=(5, 5), stride=(1, 1), Activation(sigmoid))
  (3): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (4): Dense(400 -> 120, Activation(sigmoid))
  (5): Dense(120 -> 84, Activation(sigmoid))
  (6): Dense(84 -> 10, linear)
)
sequential0_ (
  Parameter conv6_weight (shape=(6, 1, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv6_bias (shape=(6,), dtype=<class 'numpy.float32'>)
  Parameter conv7_weight (shape=(16, 6, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv7_bias (shape=(16,), dtype=<class 'numpy.float32'>)
  Parameter dense0_weight (shape=(120, 400), dtype=float32)
  Parameter dense0_bias (shape=(120,), dtype=float32)
  Parameter dense1_weight (shape=(84, 120), dtype=float32)
  Parameter dense1_bias (shape=(84,), dtype=float32)
  Parameter dense2_weight (shape=(10, 84), dtype=float32)
  Parameter dense2_bias (shape=(10,), dtype=float32)
)
===== legacy
Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid)) -> (2, 6, 28, 28) NDArray
    Parameter conv8_weight (shape=(6, 1, 5, 5), dtype=<class 'numpy.float32'>)
    Parameter conv8_bias (shape=(6,), dtype=<class 'numpy.float32'>)
Conv2D(3 -> 8, kernel_size=(3, 3), stride=(1, 1)) -> (2, 4, 4, 8) NDArray
    Parameter conv9_weight (shape=(8, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv9_bias (shape=(8,), dtype=<class 'numpy.float32'>)
Conv1D(3 -> 4, kernel_size=(3,), stride=(1,)) -> (2, 4, 5) NDArray
    Parameter conv10_weight (shape=(4, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv10_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv3D(2 -> 4, kernel_size=(3, 3, 3), stride=(1, 1, 1)) -> (1, 4, 3, 3, 3) NDArray
    Parameter conv11_weight (shape=(4, 2, 3, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv11_bias (shape=(4,), dtype=<class 'numpy.float32'>)
Conv2DTranspose(3 -> 5, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1)) -> (1, 3, 9, 9) NDArray
    Parameter conv12_weight (shape=(5, 3, 4, 4), dtype=<class 'numpy.float32'>)
    Parameter conv12_bias (shape=(3,), dtype=<class 'numpy.float32'>)
Conv2D(2 -> 6, kernel_size=(3, 3), stride=(1, 1), groups=2) -> (1, 6, 3, 3) NDArray
    Parameter conv13_weight (shape=(6, 2, 3, 3), dtype=<class 'numpy.float32'>)
    Parameter conv13_bias (shape=(6,), dtype=<class 'numpy.float32'>)
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=3) -> (2, 3, 4, 4) NDArray
    Parameter batchnorm2_gamma (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm2_beta (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm2_running_mean (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm2_running_var (shape=(3,), dtype=<class 'numpy.float32'>)
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=3) -> (2, 3, 2, 2, 2) NDArray
    Parameter batchnorm3_gamma (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm3_beta (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm3_running_mean (shape=(3,), dtype=<class 'numpy.float32'>)
    Parameter batchnorm3_running_var (shape=(3,), dtype=<class 'numpy.float32'>)
MaxPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), ceil_mode=True, global_pool=False, pool_type=max, layout=NCDHW) -> (1, 2, 2, 3, 2) NDArray
GlobalAvgPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCW) -> (2, 3, 1) NDArray
Sequential(
  (0): Conv2D(None -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
  (1): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (2): Conv2D(None -> 16, kernel_size=(5, 5), stride=(1, 1), Activation(sigmoid))
  (3): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (4): Dense(None -> 120, Activation(sigmoid))
  (5): Dense(None -> 84, Activation(sigmoid))
  (6): Dense(None -> 10, linear)
)
sequential1_ (
  Parameter conv14_weight (shape=(6, 0, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv14_bias (shape=(6,), dtype=<class 'numpy.float32'>)
  Parameter conv15_weight (shape=(16, 0, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv15_bias (shape=(16,), dtype=<class 'numpy.float32'>)
  Parameter dense3_weight (shape=(120, 0), dtype=float32)
  Parameter dense3_bias (shape=(120,), dtype=float32)
  Parameter dense4_weight (shape=(84, 0), dtype=float32)
  Parameter dense4_bias (shape=(84,), dtype=float32)
  Parameter dense5_weight (shape=(10, 0), dtype=float32)
  Parameter dense5_bias (shape=(10,), dtype=float32)
)
DeferredInitializationError
conv14 output shape: (1, 6, 28, 28)
pool6 output shape: (1, 6, 14, 14)
conv15 output shape: (1, 16, 10, 10)
pool7 output shape: (1, 16, 5, 5)
dense3 output shape: (1, 120)
dense4 output shape: (1, 84)
dense5 output shape: (1, 10)
Sequential(
  (0): Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
  (1): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (2): Conv2D(6 -> 16, kernel_size=(5, 5), stride=(1, 1), Activation(sigmoid))
  (3): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (4): Dense(400 -> 120, Activation(sigmoid))
  (5): Dense(120 -> 84, Activation(sigmoid))
  (6): Dense(84 -> 10, linear)
)
sequential1_ (
  Parameter conv14_weight (shape=(6, 1, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv14_bias (shape=(6,), dtype=<class 'numpy.float32'>)
  Parameter conv15_weight (shape=(16, 6, 5, 5), dtype=<class 'numpy.float32'>)
  Parameter conv15_bias (shape=(16,), dtype=<class 'numpy.float32'>)
  Parameter dense3_weight (shape=(120, 400), dtype=float32)
  Parameter dense3_bias (shape=(120,), dtype=float32)
  Parameter dense4_weight (shape=(84, 120), dtype=float32)
  Parameter dense4_bias (shape=(84,), dtype=float32)
  Parameter dense5_weight (shape=(10, 84), dtype=float32)
  Parameter dense5_bias (shape=(10,), dtype=float32)
)
"""


def test_printouts_and_parameters_before_initialization_match_mxnet():
    # MXNet's quirks kept: "in -> out" is the weight's dims 1 and 0, so channels-last and
    # transposed layers show a kernel extent or their output count there; output_padding is
    # never printed; a list pool_size prints as a list; GroupNorm's gamma is per group.
    assert run(REPRS_CODE) == REPRS_MXNET


def test_forward_printouts_and_deferred_shapes_match_mxnet():
    assert run(FORWARD_CODE) == FORWARD_MXNET


# ---- outputs and gradients ------------------------------------------------------------------------------


def rand(*shape, seed=0):
    return onp.random.RandomState(seed).uniform(-1.0, 1.0, shape)


CONV_LAYERS = {
    "conv1d": (lambda: nn.Conv1D(3, 3, strides=2, padding=1), (2, 2, 7)),
    "conv2d_grouped_dilated_relu": (lambda: nn.Conv2D(4, (2, 3), strides=(2, 1), padding=(1, 2), dilation=(2, 1),
                                                      groups=2, activation="tanh"), (1, 4, 5, 6)),
    "conv2d_nhwc_no_bias": (lambda: nn.Conv2D(3, 3, padding=1, layout="NHWC", use_bias=False), (1, 4, 4, 2)),
    "conv3d": (lambda: nn.Conv3D(2, 2, strides=(1, 2, 1), padding=(0, 1, 1)), (1, 2, 3, 4, 3)),
    "conv1d_transpose": (lambda: nn.Conv1DTranspose(2, 3, strides=2, padding=1, output_padding=1), (2, 3, 4)),
    "conv2d_transpose": (lambda: nn.Conv2DTranspose(4, (3, 2), strides=(2, 3), padding=(1, 0), output_padding=(0, 2),
                                                    groups=2, activation="sigmoid"), (1, 4, 3, 3)),
    "conv3d_transpose": (lambda: nn.Conv3DTranspose(2, 2, strides=2, in_channels=2), (1, 2, 2, 2, 2)),
}


def _reference(layer, x):
    """The layer's output by conv_reference.py from its own parameters."""
    k = layer._call
    w = layer.weight.data().asnumpy()
    b = None if layer.bias is None else layer.bias.data().asnumpy()
    last = k["layout"].endswith("C")
    if "adj" in k:
        out = ref.deconvolution(x, w, b, k["stride"], k["pad"], k["dilate"], k["adj"], k["num_group"], last)
    else:
        out = ref.convolution(x, w, b, k["stride"], k["pad"], k["dilate"], k["num_group"], last)
    act = {None: lambda v: v, "tanh": onp.tanh, "sigmoid": lambda v: 1 / (1 + onp.exp(-v))}[layer._act_type]
    return act(out)


@pytest.mark.parametrize("name", sorted(CONV_LAYERS))
def test_conv_layers_against_the_reference_and_finite_differences(name):
    make, shape = CONV_LAYERS[name]
    layer = make()
    layer.initialize(init.Normal(0.5))
    x = rand(*shape, seed=len(name))
    layer(np.array(x, dtype="float32"))  # deferred shapes, in float32 as users do
    layer.cast("float64")
    if layer.bias is not None:
        layer.bias.set_data(np.array(rand(*layer.bias.shape, seed=3)))
    out = layer(np.array(x))
    assert out.dtype == onp.float64
    onp.testing.assert_allclose(out.asnumpy(), _reference(layer, x), rtol=1e-10, atol=1e-12)
    check_grads(layer, x, rtol=1e-6, atol=1e-8)


POOL_LAYERS = {
    "max1d": (lambda: nn.MaxPool1D(3, 2, 1), (2, 3, 8)),
    "max2d_ceil": (lambda: nn.MaxPool2D(3, 2, padding=1, ceil_mode=True), (1, 2, 6, 7)),
    "max3d": (lambda: nn.MaxPool3D(2, (1, 2, 2)), (1, 2, 3, 4, 4)),
    "avg1d_nwc": (lambda: nn.AvgPool1D(2, layout="NWC"), (2, 6, 3)),
    "avg2d_no_pad_count": (lambda: nn.AvgPool2D(3, 2, 1, ceil_mode=True, count_include_pad=False), (1, 2, 6, 5)),
    "avg3d": (lambda: nn.AvgPool3D((2, 1, 2), padding=(1, 0, 1)), (1, 1, 4, 3, 4)),
    "global_max1d": (lambda: nn.GlobalMaxPool1D(), (2, 3, 5)),
    "global_max2d_nhwc": (lambda: nn.GlobalMaxPool2D(layout="NHWC"), (2, 3, 4, 2)),
    "global_max3d": (lambda: nn.GlobalMaxPool3D(), (1, 2, 2, 3, 2)),
    "global_avg1d": (lambda: nn.GlobalAvgPool1D(), (2, 3, 5)),
    "global_avg2d": (lambda: nn.GlobalAvgPool2D(), (2, 3, 4, 2)),
    "global_avg3d_ndhwc": (lambda: nn.GlobalAvgPool3D(layout="NDHWC"), (1, 2, 3, 2, 2)),
}


@pytest.mark.parametrize("name", sorted(POOL_LAYERS))
def test_pool_layers_against_the_reference_and_finite_differences(name):
    make, shape = POOL_LAYERS[name]
    layer = make()
    x = onp.random.RandomState(1).permutation(int(onp.prod(shape))).reshape(shape) * 0.1  # no ties
    k = layer._call
    want = ref.pooling(x, k["kernel"], k["stride"], k["pad"], k["pool_type"], k["pooling_convention"] == "full",
                       k.get("count_include_pad", True), k["global_pool"], k["layout"].endswith("C"))
    onp.testing.assert_allclose(layer(np.array(x)).asnumpy(), want, rtol=1e-12)
    check_grads(layer, x)


def test_reflection_pad_2d():
    x = rand(2, 3, 4, 5)
    layer = nn.ReflectionPad2D(2)
    onp.testing.assert_array_equal(layer(np.array(x)).asnumpy(),
                                   onp.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)), mode="reflect"))
    wide = nn.ReflectionPad2D((0, 0, 0, 0, 1, 0, 3, 2))
    onp.testing.assert_array_equal(wide(np.array(x)).asnumpy(),
                                   onp.pad(x, ((0, 0), (0, 0), (1, 0), (3, 2)), mode="reflect"))
    check_grads(layer, rand(1, 1, 3, 4))
    raises(ValueError, nn.ReflectionPad2D, (1, 1), contains="8 numbers")
    raises(ValueError, layer, np.ones((3, 4, 5)), contains="(3, 4, 5)")


def test_activation_and_initializers():
    layer = nn.Conv2D(2, 1, activation="relu", weight_initializer=init.Constant(-1.0),
                      bias_initializer=init.Constant(0.5), in_channels=1)
    layer.initialize()
    x = np.array([[[[0.25, 1.0]]]])
    onp.testing.assert_array_equal(layer(x).asnumpy(), [[[[0.25, 0.0]], [[0.25, 0.0]]]])
    assert isinstance(layer.act, nn.Activation) and list(layer._children) == ["act"]


# ---- InstanceNorm and GroupNorm (values recorded from MXNet 1.9.1, legacy mode) --------------------------


def test_instance_norm_values_recorded_from_mxnet():
    npx.reset_np()
    layer = nn.InstanceNorm()
    layer.initialize()
    out = layer(nd.array([[[1.1, 2.2, 0.5]], [[3.3, 4.4, -1.0]]]))
    assert type(out) is nd.NDArray
    onp.testing.assert_allclose(out.asnumpy(), [[[-0.23675458, 1.325825, -1.0890707]],
                                                [[0.45779684, 0.9298999, -1.3876967]]], rtol=1e-5, atol=1e-6)
    layer = nn.InstanceNorm(in_channels=2, scale=True, gamma_initializer=init.Constant(2.0),
                            beta_initializer=init.Constant(0.5))
    layer.initialize()
    out = layer(nd.array(onp.arange(2 * 2 * 3).reshape(2, 2, 3) ** 1.5))
    onp.testing.assert_allclose(out.asnumpy(), [[[-1.679394, 0.028404, 3.15099], [-1.896538, 0.397328, 2.999208]],
                                                [[-1.91975, 0.441567, 2.978182], [-1.928803, 0.459135, 2.969664]]],
                                rtol=1e-5, atol=1e-5)


def test_group_norm_values_recorded_from_mxnet():
    npx.reset_np()
    layer = nn.GroupNorm(num_groups=2, gamma_initializer=init.Constant(1.5), beta_initializer=init.Constant(0.25))
    layer.initialize()
    x = nd.array(onp.arange(2 * 4 * 3).reshape(2, 4, 3) ** 1.5)
    out = layer(x)
    assert type(out) is nd.NDArray
    onp.testing.assert_allclose(out.asnumpy()[0], [[-1.546686, -1.164479, -0.465641], [0.439319, 1.510969, 2.726517],
                                                   [-1.855314, -1.085889, -0.259344], [0.620618, 1.550929, 2.529]],
                                rtol=1e-5, atol=1e-5)
    # gamma and beta per group: channels 2 and 3 (group 1) get 3x and -1
    layer.gamma.set_data(nd.array([1.0, 3.0]))
    layer.beta.set_data(nd.array([0.0, -1.0]))
    onp.testing.assert_allclose(layer(x).asnumpy()[1], [[-1.429284, -0.885286, -0.319942],
                                                        [0.265972, 0.871757, 1.49678],
                                                        [-5.318816, -3.649563, -1.935782],
                                                        [-0.178602, 1.620928, 3.461836]], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axis, shape", [(1, (2, 3, 4)), (1, (2, 2, 3, 3)), (-1, (2, 3, 4))])
def test_instance_norm_in_numpy_mode_and_gradients(axis, shape):
    # MXNet 1.9.1 runs InstanceNorm only on legacy NDArrays; deepblocks runs it in both modes.
    layer = nn.InstanceNorm(axis=axis, scale=True, gamma_initializer=init.Normal(1.0),
                            beta_initializer=init.Normal(1.0))
    layer.initialize()
    x = rand(*shape, seed=4) * 2
    layer(np.array(x, dtype="float32"))      # deferred init in float32, then the float64 check
    layer.cast("float64")
    c_axis = axis % len(shape)
    red = tuple(a for a in range(1, len(shape)) if a != c_axis)
    bshape = [1] * len(shape)
    bshape[c_axis] = -1
    g, b = layer.gamma.data().asnumpy().reshape(bshape), layer.beta.data().asnumpy().reshape(bshape)
    want = (x - x.mean(red, keepdims=True)) / onp.sqrt(x.var(red, keepdims=True) + 1e-5) * g + b
    onp.testing.assert_allclose(layer(np.array(x)).asnumpy(), want, rtol=1e-10)
    check_grads(layer, x, rtol=1e-5, atol=1e-7)


def test_group_norm_gradients():
    layer = nn.GroupNorm(num_groups=2, gamma_initializer=init.Normal(1.0), beta_initializer=init.Normal(1.0))
    layer.initialize()
    layer.cast("float64")
    check_grads(layer, rand(2, 4, 3, 2, seed=6), rtol=1e-5, atol=1e-7)
    raises(ValueError, layer, np.ones((2, 3, 4), dtype="float64"), contains=["(2, 3, 4)", "num_groups=2"])


# ---- BatchNorm on images ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3, 2, 2), (2, 3, 2, 3, 2)])
def test_batch_norm_on_4d_and_5d_inputs(shape):
    net = nn.BatchNorm(momentum=0.8, gamma_initializer=init.Constant(1.5), beta_initializer=init.Constant(0.25))
    net.initialize()
    net.cast("float64")
    x = rand(*shape, seed=3) * 3 + 1
    red = tuple(a for a in range(len(shape)) if a != 1)
    gamma, beta = onp.full(3, 1.5), onp.full(3, 0.25)
    with autograd.record():
        train = net(np.array(x))
    mean, var = x.mean(red), x.var(red)
    onp.testing.assert_allclose(train.asnumpy(), ref.batch_norm(x, gamma, beta, mean, var, 1e-5), rtol=1e-10)
    onp.testing.assert_allclose(net.running_mean.data().asnumpy(), 0.2 * mean, rtol=1e-12)
    onp.testing.assert_allclose(net.running_var.data().asnumpy(), 0.8 + 0.2 * var, rtol=1e-12)
    pred = net(np.array(x))
    onp.testing.assert_allclose(pred.asnumpy(), ref.batch_norm(x, gamma, beta, 0.2 * mean, 0.8 + 0.2 * var, 1e-5),
                                rtol=1e-12)
    check_grads(net, rand(*shape, seed=4), train=True, rtol=1e-5, atol=1e-7)
    check_grads(net, rand(*shape, seed=5), train=False, rtol=1e-6, atol=1e-8)


def test_batch_norm_use_global_stats_on_images():
    net = nn.BatchNorm(use_global_stats=True, running_mean_initializer=init.Constant(0.5),
                       running_variance_initializer=init.Constant(4.0))
    net.initialize()
    x = rand(2, 3, 2, 2)
    with autograd.record():
        y = net(np.array(x, dtype="float32"))
    onp.testing.assert_allclose(y.asnumpy(), (x - 0.5) / onp.sqrt(4 + 1e-5), rtol=1e-5, atol=1e-6)
    onp.testing.assert_array_equal(net.running_mean.data().asnumpy(), [0.5] * 3)


# ---- an MXNet-saved CNN -------------------------------------------------------------------------------


def mxnet_cnn():
    """The network of fixtures/mxnet/make_fixtures.py (``_cnn``), with its input sizes left
    to deferred initialization."""
    net = nn.Sequential()
    net.add(nn.Conv2D(4, kernel_size=3, padding=1),
            nn.BatchNorm(),
            nn.Activation("relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(6, kernel_size=3, strides=2, padding=1, groups=2, use_bias=False),
            nn.Conv2DTranspose(3, kernel_size=4, strides=2, padding=1),
            nn.GlobalAvgPool2D(),
            nn.Dense(5))
    return net


@pytest.mark.parametrize("mode", ["np", "legacy"])
def test_an_mxnet_saved_cnn_loads_and_predicts_as_mxnet(mode):
    if mode == "legacy":
        npx.reset_np()
    net = mxnet_cnn()
    net.load_parameters(str(FIXTURES / "gluon_cnn.params"))
    expected = onp.load(FIXTURES / "gluon_cnn.expected.npz")
    for key, value in expected.items():
        onp.testing.assert_array_equal(net.collect_params()[key].data().asnumpy(), value)
    io_ = onp.load(FIXTURES / "gluon_cnn_forward.npz")
    y = net((np.array if mode == "np" else nd.array)(io_["x"]))
    onp.testing.assert_allclose(y.asnumpy(), io_["y"], rtol=1e-4, atol=1e-6)
    assert repr(net[4]) == "Conv2D(2 -> 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2, bias=False)"


def test_save_and_reload_round_trip(tmp_path):
    net = mxnet_cnn()
    net.initialize()
    x = np.array(rand(2, 2, 8, 8), dtype="float32")
    with autograd.record():
        net(x)
    net.save_parameters(str(tmp_path / "cnn.params"))
    fresh = mxnet_cnn()
    fresh.load_parameters(str(tmp_path / "cnn.params"))
    onp.testing.assert_array_equal(fresh(x).asnumpy(), net(x).asnumpy())


# ---- deferred initialization and bad input ---------------------------------------------------------------


def test_deferred_in_channels():
    conv = nn.Conv2D(6, 3, groups=2)
    conv.initialize()
    with pytest.raises(DeferredInitializationError):
        conv.weight.data()
    conv(np.ones((1, 4, 5, 5)))
    assert conv.weight.shape == (6, 2, 3, 3) and conv.bias.shape == (6,)
    up = nn.Conv2DTranspose(6, 3, groups=3, layout="NHWC")
    up.initialize()
    assert up(np.ones((1, 4, 4, 6))).shape == (1, 6, 6, 6) and up.weight.shape == (6, 3, 3, 2)
    known = nn.Conv1D(2, 3, in_channels=4)
    known.initialize()
    assert known.weight.data().shape == (2, 4, 3)


def test_bad_input_raises_value_errors_naming_the_shapes():
    raises(ValueError, nn.Conv2D, 6, 3, layout="NCW", contains=["'NCW'", "NCHW or NHWC"])
    raises(ValueError, nn.MaxPool2D, layout="NCDHW", contains="'NCDHW'")
    raises(ValueError, nn.Conv2D, 6, (3, 3, 3), contains="(3, 3, 3)")
    raises(ValueError, nn.Conv2D, 6, 3, strides=(1, 1, 1), contains="(1, 1, 1)")
    raises(ValueError, nn.AvgPool1D, (2, 2), contains="(2, 2)")
    raises(ValueError, nn.Conv2D, 6, 3, groups=4, in_channels=4, contains=["channels=6", "groups=4"])
    conv = nn.Conv2D(6, 3, groups=2)
    conv.initialize()
    raises(ValueError, conv, np.ones((1, 3, 5, 5)), contains=["3 input channels", "(1, 3, 5, 5)", "groups=2"])
    raises(ValueError, conv, np.ones((1, 4, 5)), contains="(1, 4, 5)")          # the wrong number of dims
    conv(np.ones((1, 4, 5, 5)))
    raises(ValueError, conv, np.ones((1, 4, 2, 2)), contains=["(3, 3)", "(2, 2)", "(1, 4, 2, 2)"])  # kernel too big
    raises(ValueError, conv, np.ones((1, 2, 5, 5)), contains=["(6, 2, 3, 3)", "(1, 2, 5, 5)"])  # other channels
    raises(ValueError, nn.MaxPool2D(3), np.ones((1, 1, 2, 2)), contains=["(3, 3)", "(2, 2)"])


def test_layers_answer_ndarrays_in_legacy_mode():
    npx.reset_np()
    x = nd.ones((1, 2, 6, 6))
    for layer in [nn.Conv2D(3, 3), nn.Conv2DTranspose(2, 2), nn.MaxPool2D(), nn.AvgPool2D(), nn.GlobalAvgPool2D(),
                  nn.GlobalMaxPool2D(), nn.ReflectionPad2D(1), nn.BatchNorm(), nn.InstanceNorm(),
                  nn.GroupNorm(num_groups=2)]:
        layer.initialize()
        with autograd.record():
            assert isinstance(layer(x), nd.NDArray), type(layer).__name__
        assert isinstance(layer(x), nd.NDArray), type(layer).__name__


def test_float64_data_into_float32_layers_is_a_type_error():
    """MXNet 1.9.1 refuses float64 data for float32 weights (MXNetError "expected float64, got
    float32"); deepblocks raises TypeError naming both dtypes, and float32 data trains."""
    x = rand(2, 2, 5, 5)  # float64
    for layer in (nn.Conv2D(3, 3), nn.Conv2DTranspose(3, 3), nn.BatchNorm()):
        layer.initialize()
        raises(TypeError, layer, np.array(x), contains=["float64", "float32", "x.astype('float32')"])
        with autograd.record():
            y = layer(np.array(x, dtype="float32"))
        y.backward()
        assert y.dtype == onp.float32, type(layer).__name__
        for p in layer.collect_params().values():
            if p.grad_req != "null":
                assert float(abs(p.grad()).sum()) > 0
    onp.testing.assert_allclose(layer.running_mean.data().asnumpy(), 0.1 * rand(2, 2, 5, 5).mean((0, 2, 3)),
                                rtol=1e-5)

"""The seed examples (examples/*.py) run as scripts and print what MXNet 1.9.1 prints.

Each script runs in a subprocess (``sys.executable``, a fresh temporary cwd, the
environment unchanged). The deterministic scripts are compared line by line with the
output of the same script run on MXNet 1.9.1 (``mxnet`` for ``deepblocks``, numpy
1.23.5); the only edit to those recordings is the module path in ``<class ...>`` lines.
Lines are compared without trailing blanks; the few printouts whose trailing blanks are
part of MXNet's text are checked byte for byte in the tests below. The training scripts
are checked on their numbers (error of w and b, accuracy against chance).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deepblocks import npx

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, cwd, *args):
    """Runs examples/<name> (with command-line ``args``) in ``cwd``; returns its stdout (the
    run must succeed, write nothing to stderr and leave ``cwd`` empty)."""
    proc = subprocess.run([sys.executable, str(EXAMPLES / name), *args], cwd=cwd, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    assert proc.stderr == "", f"{name} wrote to stderr:\n{proc.stderr}"
    assert list(Path(cwd).iterdir()) == [], f"{name} wrote files into its working directory"
    return proc.stdout


def lines(text):
    return [line.rstrip() for line in text.splitlines()]


# Output of each deterministic script under MXNet 1.9.1 (see the module docstring).
MXNET_OUTPUT = {
    "mlp.py": """\
sequential output shape: (2, 10)
Sequential(
  (0): Dense(20 -> 256, Activation(relu))
  (1): Dense(256 -> 10, linear)
)
MLP(
  (hidden): Dense(-1 -> 256, Activation(relu))
  (out): Dense(-1 -> 10, linear)
)
mlp output shape: (2, 10)
MLP(
  (hidden): Dense(20 -> 256, Activation(relu))
  (out): Dense(256 -> 10, linear)
)
name: mlp0 prefix: mlp0_
params: ['dense2_weight', 'dense2_bias', 'dense3_weight', 'dense3_bias']
""",
    "my_sequential.py": """\
output shape: (2, 10)
children: ['dense0', 'dense1']
mysequential0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, 256), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
MySequential(

)
""",
    "fancy_mlp.py": """\
fixed hidden mlp output shape: ()
output at most 1 in absolute value: True
Constant fixedhiddenmlp0_rand_weight (shape=(20, 20), dtype=float32)
constant grad_req: null
fixedhiddenmlp0_ (
  Constant fixedhiddenmlp0_rand_weight (shape=(20, 20), dtype=float32)
  Parameter dense0_weight (shape=(20, 20), dtype=float32)
  Parameter dense0_bias (shape=(20,), dtype=float32)
)
chimera output shape: ()
output at most 1 in absolute value: True
Sequential(
  (0): NestMLP(
    (net): Sequential(
      (0): Dense(20 -> 64, Activation(relu))
      (1): Dense(64 -> 32, Activation(relu))
    )
    (dense): Dense(32 -> 16, Activation(relu))
  )
  (1): Dense(16 -> 20, linear)
  (2): FixedHiddenMLP(
    (dense): Dense(20 -> 20, Activation(relu))
  )
)
['dense1_weight', 'dense1_bias', 'dense2_weight', 'dense2_bias', 'dense3_weight', 'dense3_bias', 'dense4_weight', 'dense4_bias', 'fixedhiddenmlp1_rand_weight', 'dense5_weight', 'dense5_bias']
""",
    "parameters.py": """\
output shape: (2, 1)
dense1_ (
  Parameter dense1_weight (shape=(1, 8), dtype=float32)
  Parameter dense1_bias (shape=(1,), dtype=float32)
)
<class 'deepblocks.gluon.parameter.Parameter'>
Parameter dense1_bias (shape=(1,), dtype=float32)
[0.]
array([0.])
[[0. 0. 0. 0. 0. 0. 0. 0.]]
dense0_ (
  Parameter dense0_weight (shape=(8, 4), dtype=float32)
  Parameter dense0_bias (shape=(8,), dtype=float32)
)
sequential0_ (
  Parameter dense0_weight (shape=(8, 4), dtype=float32)
  Parameter dense0_bias (shape=(8,), dtype=float32)
  Parameter dense1_weight (shape=(1, 8), dtype=float32)
  Parameter dense1_bias (shape=(1,), dtype=float32)
)
sequential0_ (
  Parameter dense0_weight (shape=(8, 4), dtype=float32)
  Parameter dense1_weight (shape=(1, 8), dtype=float32)
)
[0.]
rgnet output shape: (2, 10)
Sequential(
  (0): Sequential(
    (0): Sequential(
      (0): Dense(4 -> 32, Activation(relu))
      (1): Dense(32 -> 16, Activation(relu))
    )
    (1): Sequential(
      (0): Dense(16 -> 32, Activation(relu))
      (1): Dense(32 -> 16, Activation(relu))
    )
    (2): Sequential(
      (0): Dense(16 -> 32, Activation(relu))
      (1): Dense(32 -> 16, Activation(relu))
    )
    (3): Sequential(
      (0): Dense(16 -> 32, Activation(relu))
      (1): Dense(32 -> 16, Activation(relu))
    )
  )
  (1): Dense(16 -> 10, linear)
)
rgnet parameter count: 18
dense4_bias
[0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0.
 0. 0. 0. 0. 0. 0. 0. 0.]
""",
    "init.py": """\
output shape: (2, 10)
Normal(0.01): mean near 0: True std near 0.01: True
[1. 1. 1. 1. 1. 1. 1. 1.]
Xavier: within the bound: True and close to it: True
[[42. 42. 42. 42. 42. 42. 42. 42.]
 [42. 42. 42. 42. 42. 42. 42. 42.]]
all 42: True
[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]
Init dense0_weight (256, 20)
Init dense1_weight (10, 256)
MyInit rows: (2, 20) every value 0 or |w| >= 5: True some of each: True
first weight: 42.0
others shifted by 1: True
""",
    "sharing.py": """\
output shape: (2, 10)
[ True  True  True  True  True  True  True  True]
[ True  True  True  True  True  True  True  True]
same Parameter object: True
dense0_weight dense0_weight
sequential0_ (
  Parameter dense1_weight (shape=(8, 20), dtype=float32)
  Parameter dense1_bias (shape=(8,), dtype=float32)
  Parameter dense0_weight (shape=(8, 8), dtype=float32)
  Parameter dense0_bias (shape=(8,), dtype=float32)
  Parameter dense3_weight (shape=(10, 8), dtype=float32)
  Parameter dense3_bias (shape=(10,), dtype=float32)
)
shared gradient equals the sum of both uses: True
and differs from one use alone: True
""",
    "deferred_init.py": """\
<bound method Block.collect_params of Sequential(
  (0): Dense(-1 -> 256, Activation(relu))
  (1): Dense(-1 -> 10, linear)
)>
sequential0_ (
  Parameter dense0_weight (shape=(256, -1), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, -1), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
sequential0_ (
  Parameter dense0_weight (shape=(256, -1), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, -1), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
DeferredInitializationError
sequential0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, 256), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
Sequential(
  (0): Dense(20 -> 256, Activation(relu))
  (1): Dense(256 -> 10, linear)
)
after initialize: nothing printed yet
Init dense2_weight (256, 20)
Init dense3_weight (10, 256)
second forward: no Init lines
Init dense2_weight (256, 20)
Init dense3_weight (10, 256)
Init dense4_weight (256, 20)
Init dense5_weight (10, 256)
Sequential(
  (0): Dense(20 -> 256, Activation(relu))
  (1): Dense(256 -> 10, linear)
)
""",
    "custom_layers.py": """\
[-2. -1.  0.  1.  2.]
mean after centering is ~0: True
Sequential(
  (0): Dense(8 -> 128, linear)
  (1): CenteredLayer(

  )
)
mydense0_ (
  Parameter mydense0_weight (shape=(5, 3), dtype=<class 'numpy.float32'>)
  Parameter mydense0_bias (shape=(3,), dtype=<class 'numpy.float32'>)
)
mydense output shape: (2, 3) non-negative: True
sequential of MyDense output shape: (2, 1)
sequential1_ (
  Parameter mydense1_weight (shape=(64, 8), dtype=<class 'numpy.float32'>)
  Parameter mydense1_bias (shape=(8,), dtype=<class 'numpy.float32'>)
  Parameter mydense2_weight (shape=(8, 1), dtype=<class 'numpy.float32'>)
  Parameter mydense2_bias (shape=(1,), dtype=<class 'numpy.float32'>)
)
""",
    "save_load.py": """\
[array([0., 1., 2., 3.])]
(array([0., 1., 2., 3.]), array([0., 0., 0., 0.]))
{'x': array([0., 1., 2., 3.]), 'y': array([0., 0., 0., 0.])}
file keys: ['hidden.bias', 'hidden.weight', 'output.bias', 'output.weight']
clone parameters: ['dense2_weight', 'dense2_bias', 'dense3_weight', 'dense3_bias']
[[ True  True  True  True  True  True  True  True  True  True]
 [ True  True  True  True  True  True  True  True  True  True]]
identical outputs: True
""",
    "legacy_nd.py": """\
sequential0_ (
  Parameter dense0_weight (shape=(256, 0), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, 0), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
(dense0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
), <class 'deepblocks.gluon.parameter.ParameterDict'>)
(Parameter dense0_weight (shape=(256, 20), dtype=float32), Parameter dense0_weight (shape=(256, 20), dtype=float32))

[0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]
<NDArray 20 @cpu(0)>

[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]
<NDArray 10 @cpu(0)>
sequential0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, 256), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
sequential0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense1_weight (shape=(10, 256), dtype=float32)
)
Normal(0.01) std near 0.01: True

[1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1.]
<NDArray 20 @cpu(0)>
Xavier within the bound: True
Init dense0_weight (256, 20)
Init dense1_weight (10, 256)
every value 0 or |w| >= 5: True
True

[1. 1. 1. 1. 1. 1. 1. 1.]
<NDArray 8 @cpu(0)>
MLP(
  (hidden): Dense(None -> 256, Activation(relu))
  (output): Dense(None -> 10, linear)
)
NDArray (2, 10)
fancy mlp output shape: (1,)

[-2. -1.  0.  1.  2.]
<NDArray 5 @cpu(0)>
mean ~0: True
(
  Parameter param2 (shape=(2, 3), dtype=<class 'numpy.float32'>)
)
mydense0_ (
  Parameter mydense0_weight (shape=(5, 3), dtype=<class 'numpy.float32'>)
  Parameter mydense0_bias (shape=(3,), dtype=<class 'numpy.float32'>)
)
mydense output shape: (2, 3)
[
[1. 1. 1.]
<NDArray 3 @cpu(0)>]
(
[1. 1. 1.]
<NDArray 3 @cpu(0)>,
[0. 0. 0. 0.]
<NDArray 4 @cpu(0)>)
{'x':
[1. 1. 1.]
<NDArray 3 @cpu(0)>, 'y':
[0. 0. 0. 0.]
<NDArray 4 @cpu(0)>}

[[1. 1. 1. 1. 1. 1. 1. 1. 1. 1.]
 [1. 1. 1. 1. 1. 1. 1. 1. 1. 1.]]
<NDArray 2x10 @cpu(0)>
""",
}


@pytest.mark.parametrize("name", sorted(MXNET_OUTPUT))
def test_output_matches_mxnet(name, tmp_path):
    assert lines(run_example(name, tmp_path)) == lines(MXNET_OUTPUT[name])


def test_every_example_is_tested():
    """Every file in examples/ (not only the *.py ones) is run by a test here."""
    tested = set(MXNET_OUTPUT) | set(MXNET_PREFIX) | {"gpu.py", "train_linear.py", "train_softmax_mlp.py",
                                                      "char_lstm.py", "tiny_transformer.py"}
    present = {p.name for p in EXAMPLES.iterdir() if p.name != "__pycache__"}
    assert present == tested, f"untested: {sorted(present - tested)}; missing: {sorted(tested - present)}"


def test_custom_block_repr_keeps_mxnet_blanks(tmp_path):
    # Block.__repr__ of a leaf custom block indents an empty body: "  " on its own line.
    out = run_example("custom_layers.py", tmp_path)
    assert "  (1): CenteredLayer(\n  \n  )\n" in out


def test_legacy_containers_of_ndarrays_keep_mxnet_blanks(tmp_path):
    # An NDArray repr starts with a newline, so ", " before it ends a line with a blank.
    out = run_example("legacy_nd.py", tmp_path)
    assert ("(\n[1. 1. 1.]\n<NDArray 3 @cpu(0)>, \n[0. 0. 0. 0.]\n<NDArray 4 @cpu(0)>)\n"
            "{'x': \n[1. 1. 1.]\n<NDArray 3 @cpu(0)>, 'y': \n[0. 0. 0. 0.]\n<NDArray 4 @cpu(0)>}\n") in out


@pytest.mark.skipif(npx.num_gpus() > 0, reason="GPUs are present: the example does not fall back")
def test_gpu_fallback(tmp_path):
    out = lines(run_example("gpu.py", tmp_path))
    n = int(re.fullmatch(r"num_gpus: (\d+)", out[0]).group(1))
    best = "gpu(0)" if n else "cpu(0)"
    every = "[" + ", ".join(f"gpu({i})" for i in range(n)) + "]" if n else "[cpu(0)]"
    assert out[1:] == [
        "cpu(0) gpu(0) gpu(1)",
        f"{best} cpu(0) {every}",
        "try_gpu_v1 agrees with try_gpu: True",
        "cpu(0)",
        "X on try_gpu(): True",
        "Y on try_gpu(1): True",
        "Z on try_gpu(1): True ; copyto gives a new array: True",
        "as_in_ctx to the same device returns the array itself: True",
        "[[ True  True  True]",
        " [ True  True  True]]",
        "output shape: (2, 1) on the same device: True",
        "weight on the same device: True",
    ]


def test_train_linear_recovers_w_and_b(tmp_path):
    out = run_example("train_linear.py", tmp_path)
    assert "first batch: (10, 2) (10, 1)\n" in out
    losses = [float(v) for v in re.findall(r"^epoch \d, loss (\S+)$", out, re.M)]
    assert len(losses) == 3
    # The label noise has deviation 0.01, so the L2 loss settles near 0.5e-4.
    assert losses[-1] < 1e-3 and losses[-1] <= losses[0]
    w_err, b_err = map(float, re.search(r"^max error w (\S+) b (\S+)$", out, re.M).groups())
    assert w_err < 0.01 and b_err < 0.01
    assert re.search(r"^error in estimating w: \[.+\]$", out, re.M)
    assert re.search(r"^error in estimating b: \[.+\]$", out, re.M)
    assert out.endswith("errors below 0.01: True\n")


def test_train_softmax_mlp_learns(tmp_path):
    out = run_example("train_softmax_mlp.py", tmp_path)
    assert out.startswith("images: (6000, 1, 28, 28) float32 labels: (6000,) int32\n")
    before = float(re.search(r"^test acc before training (\S+)$", out, re.M).group(1))
    epochs = [tuple(map(float, m)) for m in
              re.findall(r"^epoch \d+, loss (\S+), train acc (\S+), test acc (\S+)$", out, re.M)]
    assert len(epochs) == 10
    (loss0, _, _), (loss, train_acc, test_acc) = epochs[0], epochs[-1]
    # Ten classes: chance is 0.1.
    assert before < 0.4
    assert loss < 0.5 < loss0
    assert train_acc > 0.7 and test_acc > 0.7
    assert out.endswith("Sequential(\n  (0): Dense(784 -> 256, Activation(relu))\n"
                        "  (1): Dense(256 -> 10, linear)\n)\n")


# The CNN scripts: what they print before training (the part MXNet 1.9.1 can run: the
# training uses the digits shipped with deepblocks) is MXNet's output, recorded the same way.
MXNET_PREFIX = {
    "lenet.py": """\
Sequential(
  (0): Conv2D(-1 -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(sigmoid))
  (1): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (2): Conv2D(-1 -> 16, kernel_size=(5, 5), stride=(1, 1), Activation(sigmoid))
  (3): AvgPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=avg, layout=NCHW)
  (4): Dense(-1 -> 120, Activation(sigmoid))
  (5): Dense(-1 -> 84, Activation(sigmoid))
  (6): Dense(-1 -> 10, linear)
)
conv0 output shape: (1, 6, 28, 28)
pool0 output shape: (1, 6, 14, 14)
conv1 output shape: (1, 16, 10, 10)
pool1 output shape: (1, 16, 5, 5)
dense0 output shape: (1, 120)
dense1 output shape: (1, 84)
dense2 output shape: (1, 10)
Parameter conv0_weight (shape=(6, 1, 5, 5), dtype=<class 'numpy.float32'>)
Parameter conv1_weight (shape=(16, 6, 5, 5), dtype=<class 'numpy.float32'>)
""",
    "resnet.py": """\
same shape: (4, 3, 6, 6)
halved, more channels: (4, 6, 3, 3)
conv5 output shape: (1, 64, 48, 48)
batchnorm4 output shape: (1, 64, 48, 48)
relu0 output shape: (1, 64, 48, 48)
pool0 output shape: (1, 64, 24, 24)
sequential1 output shape: (1, 64, 24, 24)
sequential2 output shape: (1, 128, 12, 12)
sequential3 output shape: (1, 256, 6, 6)
sequential4 output shape: (1, 512, 3, 3)
pool1 output shape: (1, 512, 1, 1)
dense0 output shape: (1, 10)
Residual(
  (conv1): Conv2D(64 -> 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (conv2): Conv2D(64 -> 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (bn1): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=64)
  (bn2): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=64)
)
""",
}


def _epochs(out):
    return [tuple(map(float, m)) for m in
            re.findall(r"^epoch \d+, loss (\S+), train acc (\S+), test acc (\S+)$", out, re.M)]


@pytest.mark.parametrize("name, epochs, min_test_acc", [("lenet.py", 6, 0.7), ("resnet.py", 5, 0.9)])
def test_cnn_examples_print_as_mxnet_then_learn_the_digits(name, epochs, min_test_acc, tmp_path):
    out = run_example(name, tmp_path)
    assert out.startswith(MXNET_PREFIX[name])
    history = _epochs(out)
    assert len(history) == epochs
    (loss0, _, _), (loss, train_acc, test_acc) = history[0], history[-1]
    # Ten classes: chance is 0.1.
    assert loss < loss0 and train_acc > 0.9 and test_acc > min_test_acc


# ---- the sequence examples (deepblocks-only: the text and masked_softmax are not in MXNet 1.9.1)


def test_char_lstm_learns_the_time_machine(tmp_path):
    out = run_example("char_lstm.py", tmp_path, "--epochs", "4", "--hidden", "64", "--length", "60")
    assert out.startswith("corpus: 40005 characters of The Time Machine, vocabulary 44, "
                          "32 batches of 32 x 35 per epoch\n"
                          "CharLSTM(\n  (lstm): LSTM(-1 -> 64, TNC)\n  (dense): Dense(-1 -> 44, linear)\n)\n")
    epochs = [tuple(map(float, m)) for m in
              re.findall(r"^epoch \d+, perplexity (\S+) \(held out (\S+)\), \d+ characters/s$", out, re.M)]
    assert len(epochs) == 4
    (train0, held0), (train, held) = epochs[0], epochs[-1]
    # 44 symbols: an untrained model's perplexity is about 44; letter frequencies alone give
    # about 17 (21.7 and 10.0 for training at this seed)
    assert train < 0.7 * train0 and train < 14 and held < held0 and held < 14
    sample = re.search(r"^sample \(temperature 0.6\): (.*)$", out, re.M)
    assert sample and sample[1].startswith("the time traveller ") and len(sample[1]) == 19 + 60
    assert out.endswith(sample[0] + "\n")


def test_char_lstm_rejects_bad_options(tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLES / "char_lstm.py"), "--epochs", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "argument --epochs: must be positive, not 0" in proc.stderr


def test_tiny_transformer_learns_to_reverse(tmp_path):
    out = run_example("tiny_transformer.py", tmp_path, "--epochs", "5")
    assert out.startswith("reversing sequences of 3 to 8 symbols out of 10; 2 blocks, width 32, 4 heads\n")
    example = re.search(r"^example: (\[.*\]) \(length (\d)\) -> (\[.*\])$", out, re.M)
    tokens, n, target = eval(example[1]), int(example[2]), eval(example[3])
    assert target[:n] == tokens[:n][::-1]
    before = float(re.search(r"^before training: position accuracy (\S+) \(chance 0.100\)$", out, re.M)[1])
    epochs = [tuple(map(float, m)) for m in
              re.findall(r"^epoch \d+, loss (\S+), position accuracy (\S+), sequences all right (\S+), \S+ s$",
                         out, re.M)]
    assert len(epochs) == 5
    (loss0, _, _), (loss, accuracy, whole) = epochs[0], epochs[-1]
    # ln(10) = 2.3 at chance; 1.85 after the first epoch, 0.69 after the fifth at this seed
    assert before < 0.2 and loss < 0.5 * loss0 and accuracy > 0.6 and whole > 0.1
    pairs = re.findall(r"^(\[[\d, ]+\]) -> (\[[\d, ]+\])$", out, re.M)
    assert len(pairs) == 3 and all(len(eval(a)) == len(eval(b)) for a, b in pairs)
    assert out.endswith("attention rows sum to 1: True; weight on padding: 0.0\n")

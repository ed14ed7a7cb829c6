"""The ``deepblocks`` command: ``demo`` (with and without tqdm and matplotlib, on a terminal and
in a log, its exit statuses), ``info``, ``bench``, ``cuda-check``, bad options, and the
built-in progress bar.

Each command runs in a subprocess, as a user would run it (``python -m deepblocks ...``). To
run one without tqdm or matplotlib, a small ``-c`` wrapper first sets
``sys.modules[name] = None``, which makes ``import name`` fail as if it were not installed.
"""

import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deepblocks import cuda, npx
from deepblocks.cli import progress

HIDE_AND_RUN = ("import sys\n"
                "for name in sys.argv[1].split(','):\n"
                "    sys.modules[name] = None\n"
                "from deepblocks.cli import main\n"
                "sys.exit(main(sys.argv[2:], prog='python -m deepblocks'))\n")

HAVE_TQDM = importlib.util.find_spec("tqdm") is not None
HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
TRACEBACK = "Traceback (most recent call last)"


def run_cli(*args, cwd=None, hide=(), env=None, timeout=300):
    """``python -m deepblocks ARGS`` (through the wrapper when modules are to be hidden)."""
    if hide:
        cmd = [sys.executable, "-c", HIDE_AND_RUN, ",".join(hide), *args]
    else:
        cmd = [sys.executable, "-m", "deepblocks", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def accuracy(stdout):
    m = re.search(r"^test accuracy (\d\.\d+) \((\d+)/355 images\)", stdout, re.M)
    assert m, stdout
    return float(m[1])


# ---- demo ------------------------------------------------------------------------------------------


def test_demo_with_the_defaults_learns_the_digits(tmp_path):
    """The README's first command: defaults (the convolutional net), in a fresh folder; 0.95
    or more."""
    proc = run_cli("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert accuracy(out) >= 0.95
    assert out.startswith("deepblocks 0.1.0 demo: a Gluon convolutional net learns to read handwritten digits\n")
    # deferred initialization: unknown input channels before, shapes after
    assert "(0): Conv2D(-1 -> 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), Activation(relu))" in out
    assert ("(1): MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, "
            "pool_type=max, layout=NCHW)") in out
    assert "shapes inferred at the first batch: (16, 1, 3, 3), (32, 16, 3, 3), (10, 128)" in out
    assert "reloaded  into a fresh network: predictions identical (355/355 test images)" in out
    assert (tmp_path / "deepblocks-demo" / "digits_cnn.params").is_file()
    assert ("plot      deepblocks-demo/loss_accuracy.png" in out) == HAVE_MATPLOTLIB
    assert (tmp_path / "deepblocks-demo" / "loss_accuracy.png").exists() == HAVE_MATPLOTLIB
    assert "epoch 20/20" in proc.stderr and "46/46" in proc.stderr  # the progress bar
    assert TRACEBACK not in proc.stderr


def test_demo_without_tqdm_and_matplotlib_in_a_log(tmp_path):
    """The built-in bar, not on a terminal: one plain line per epoch; no plot, and a line
    saying how to get one."""
    proc = run_cli("demo", "--epochs", "3", "--out", str(tmp_path / "out"), hide=("tqdm", "matplotlib"))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 3, proc.stderr
    for epoch, line in enumerate(lines, 1):
        assert re.fullmatch(rf"epoch {epoch}/3: 46/46 batches \[\d+\.\ds\] "
                            r"loss=\d\.\d{4}, acc=\d\.\d{3}, test_acc=\d\.\d{3}", line), line
    assert "\r" not in proc.stderr
    assert ("plot      skipped: matplotlib is not installed "
            "(pip install 'deepblocks[demo]' adds it)") in proc.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["digits_cnn.params"]


def test_demo_mlp_learns_the_digits(tmp_path):
    proc = run_cli("demo", "--model", "mlp", "--out", str(tmp_path), hide=("tqdm", "matplotlib"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert accuracy(out) >= 0.95
    assert out.startswith("deepblocks 0.1.0 demo: a Gluon MLP learns to read handwritten digits\n")
    assert "Dense(-1 -> 128, Activation(relu))" in out  # deferred initialization, before
    assert "shapes inferred at the first batch: (128, 64), (64, 128), (10, 64)" in out  # after
    assert "reloaded  into a fresh network: predictions identical (355/355 test images)" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digits_mlp.params"]


def run_on_terminal(cmd, cwd):
    """Runs ``cmd`` with its standard error on a pseudo-terminal; returns (status, stdout,
    what the terminal received)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=300)
    os.close(master)
    return proc.returncode, stdout, b"".join(chunks).decode()


def test_demo_builtin_bar_on_a_terminal(tmp_path):
    """On a terminal the built-in bar redraws one line per epoch in place."""
    cmd = [sys.executable, "-c", HIDE_AND_RUN, "tqdm,matplotlib", "demo", "--epochs", "2",
           "--out", str(tmp_path)]
    status, stdout, terminal = run_on_terminal(cmd, tmp_path)
    assert status in (0, 1), stdout + terminal
    assert "test accuracy" in stdout
    finished = [line.split("\r")[-2] for line in terminal.split("\n") if "\r" in line.rstrip("\r")]
    assert len(finished) == 2, repr(terminal)
    for epoch, line in enumerate(finished, 1):
        assert re.match(rf"epoch {epoch}/2: 100% \[#{{24}}\] 46/46 batches \[\d+\.\ds\] "
                        r"loss=\d\.\d{4}, acc=\d\.\d{3}, test_acc=\d\.\d{3}", line), line


@pytest.mark.skipif(not HAVE_TQDM, reason="tqdm is not installed (pip install 'deepblocks[demo]')")
def test_demo_uses_tqdm_when_installed(tmp_path):
    proc = run_cli("demo", "--epochs", "2", "--out", str(tmp_path), hide=("matplotlib",))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    # tqdm's format: "epoch 1/2: 100%|██████████| 46/46 [00:00<00:00, 2186.37batch/s, loss=..."
    assert re.search(r"epoch 2/2: 100%\|.+\| 46/46 \[.*batch/s, loss=\d\.\d{4}, acc=\d\.\d{3}, "
                     r"test_acc=\d\.\d{3}\]", proc.stderr), proc.stderr


@pytest.mark.skipif(not HAVE_MATPLOTLIB, reason="matplotlib is not installed (pip install 'deepblocks[demo]')")
def test_demo_plot_is_a_png(tmp_path):
    proc = run_cli("demo", "--epochs", "2", "--out", str(tmp_path), hide=("tqdm",))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    png = tmp_path / "loss_accuracy.png"
    assert f"plot      {png}" in proc.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_demo_below_the_accuracy_bar_exits_1(tmp_path):
    proc = run_cli("demo", "--epochs", "1", "--lr", "1e-6", "--out", str(tmp_path), hide=("matplotlib",))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert accuracy(proc.stdout) < 0.95
    assert "images): BELOW 0.95" in proc.stdout and proc.stdout.rstrip().endswith("; FAILED")


def test_demo_options_and_seeds_change_the_run(tmp_path):
    outs = [run_cli("demo", "--epochs", "2", "--batch-size", "64", "--lr", "0.01", "--seed", str(seed),
                    "--out", str(tmp_path / str(seed)), hide=("tqdm", "matplotlib")) for seed in (0, 0, 1)]
    for proc in outs:
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        assert "2 epochs of 23 batches of 64, Adam (learning rate 0.01)" in proc.stdout
    strip_times = [re.sub(r"\[\d+\.\ds\]|done in .*", "", p.stderr + p.stdout) for p in outs]
    assert strip_times[0] == strip_times[1]  # a seed makes the run repeatable
    assert strip_times[0] != strip_times[2]


@pytest.mark.skipif(npx.num_gpus() > 0, reason="a GPU is present")
def test_demo_on_a_missing_gpu_says_why_and_exits_2(tmp_path):
    proc = run_cli("demo", "--ctx", "gpu(0)", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("demo: cannot use gpu(0): ")
    assert "run on the CPU with --ctx cpu" in proc.stderr and TRACEBACK not in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(npx.num_gpus() == 0 or bool(cuda.status()["emulator"]),
                    reason="no real GPU (the emulator would take many minutes for the demo)")
def test_demo_on_a_gpu(tmp_path):
    proc = run_cli("demo", "--ctx", "gpu", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "on gpu(0)" in proc.stdout and accuracy(proc.stdout) >= 0.95


@pytest.mark.parametrize("args, message", [
    (["demo", "--epochs", "0"], "argument --epochs: must be positive, not 0"),
    (["demo", "--batch-size", "-3"], "argument --batch-size: must be positive, not -3"),
    (["demo", "--lr", "fast"], "argument --lr: 'fast' is not a number"),
    (["demo", "--ctx", "tpu"], "argument --ctx: 'tpu' is not a device: use cpu, gpu, cpu(0) or gpu(1)"),
    (["demo", "--ctx", "gpu(-1)"], "argument --ctx: 'gpu(-1)' is not a device"),
    (["demo", "--model", "rnn"], "argument --model: invalid choice: 'rnn'"),
    (["demo", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["frobnicate"], "argument command: invalid choice: 'frobnicate'"),
    (["bench", "--only", "everything"], "argument --only: invalid choice: 'everything'"),
])
def test_bad_options_are_clean_usage_errors(args, message):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr and "usage: python -m deepblocks" in proc.stderr
    assert TRACEBACK not in proc.stderr and proc.stdout == ""


def test_help_lists_every_command():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("demo", "info", "bench", "cuda-check"):
        assert command in proc.stdout
    demo = run_cli("demo", "--help").stdout
    for option in ("--model", "--epochs", "--batch-size", "--lr", "--ctx", "--out", "--seed"):
        assert option in demo


# ---- info, bench, cuda-check, the console script -------------------------------------------------


def test_info_and_the_default_command():
    import deepblocks

    proc = run_cli("info")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"deepblocks {deepblocks.__version__} (")
    for key in ("python", "features", "simd", "threads", "devices", "cuda", "check"):
        assert any(line.startswith(f"{key} ") for line in lines), (key, proc.stdout)
    assert "check      (arange(6).reshape(2, 3) @ ones(3)) = [3.0, 12.0]" in lines
    assert run_cli().stdout == proc.stdout  # no command: info
    assert run_cli("--version").stdout.strip() == f"deepblocks {deepblocks.__version__}"


def test_bench_quick_default():
    """``deepblocks bench`` with no option: the quick subset and its ratio table."""
    from deepblocks.cli.bench import ALL_ITEMS, QUICK

    proc = run_cli("bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert out.startswith("== environment")
    header = next(line for line in out.splitlines() if line.startswith("work "))
    assert header.split()[:3] == ["work", "deepblocks", "numpy"] and "db/numpy" in header
    for item in QUICK:
        row = next((line for line in out.splitlines() if line.startswith(ALL_ITEMS[item][0])), None)
        assert row is not None, (item, out)
    add = next(line for line in out.splitlines() if line.startswith(ALL_ITEMS["add100"][0]))
    cell = r"[\d.]+ (?:ns|us|ms|s) \([\d.]+ (?:ns|us|ms|s)\)"  # best (median); 1.2 us on a busy machine
    assert re.search(rf"{cell}\s+{cell}\s+\d+\.\d\d\s", add), add
    assert re.search(r"^targets: \d+ met, \d+ missed, \d+ not measurable here$", out, re.M)
    assert "WRONG" not in out and TRACEBACK not in proc.stderr


def test_bench_only_with_a_missing_mxnet_interpreter():
    proc = run_cli("bench", "--only", "mlp_forward", "--no-torch", "--repeat", "1",
                   "--mxnet-python", "/nonexistent/python")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "mxnet: cannot run /nonexistent/python" in proc.stdout
    assert re.search(r"^Gluon MLP forward, batch 2, 20-256-10 +[\d.]+ (?:us|ms) \(", proc.stdout, re.M), proc.stdout


def test_bench_sequence_items():
    """The items of bench_rnn.py, through the command, one repeat each, deepblocks alone."""
    from deepblocks.cli.bench_rnn import ITEMS

    proc = run_cli("bench", "--only", *ITEMS, "--no-torch", "--repeat", "1", "--mxnet-python", "/nonexistent/python")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for label, _ in ITEMS.values():
        assert len(label) <= 44   # the width of the table's first column
        assert re.search(rf"^{re.escape(label)} +[\d.]+ (?:ms|s) \([\d.]+ (?:ms|s)\)  <= 1.0x torch: n/a$",
                         proc.stdout, re.M), proc.stdout
    assert "WRONG" not in proc.stdout and TRACEBACK not in proc.stderr


def test_cuda_check_without_nvrtc_fails_cleanly():
    """No NVRTC anywhere (the pip wheel hidden, no library path): a message, exit status 1."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "DEEPBLOCKS_NVRTC", "CUDA_HOME", "CUDA_PATH")}
    if list(Path("/usr/local/cuda/lib64").glob("libnvrtc.so.12*")):
        pytest.skip("a CUDA toolkit in /usr/local/cuda provides NVRTC")
    proc = run_cli("cuda-check", hide=("nvidia",), env=env)
    if proc.returncode == 0:
        pytest.skip("NVRTC is on the system's library path")
    assert proc.returncode == 1
    assert proc.stdout.startswith("cuda-check: libnvrtc was not found: pip install nvidia-cuda-nvrtc-cu12")
    assert TRACEBACK not in proc.stderr


def test_cuda_check_unknown_architecture():
    from deepblocks import cuda

    cuda.load_nvrtc()
    if not cuda.status()["nvrtc"]:
        pytest.skip("NVRTC is not installed (pip install nvidia-cuda-nvrtc-cu12)")
    proc = run_cli("cuda-check", "--arch", "ampere")
    assert proc.returncode == 1
    assert proc.stdout.startswith("cuda-check: ") and "sm_80" in proc.stdout
    assert TRACEBACK not in proc.stderr


def test_console_script_is_declared_and_runs():
    """pyproject.toml's [project.scripts] entry; the script itself where pip installed it
    (tests/test_wheel.py runs it from a fresh install)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    with open(root / "pyproject.toml", "rb") as f:
        scripts = tomllib.load(f)["project"]["scripts"]
    assert scripts == {"deepblocks": "deepblocks.cli:main"}
    script = Path(sys.executable).parent / "deepblocks"
    if not script.exists():
        pytest.skip(f"{script} is not installed (pip install -e . installs it)")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("deepblocks ")
    bad = subprocess.run([str(script), "demo", "--epochs", "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "usage: deepblocks demo" in bad.stderr


# ---- the built-in progress bar, in process -----------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_on_a_terminal_redraws_in_place(monkeypatch):
    clock = iter(range(100))
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock) * 0.2)
    term = Terminal()
    with progress.Bar(total=4, desc="epoch 1/1", unit="batch", file=term) as bar:
        for i in range(4):
            bar.set_postfix({"loss": f"{1 / (i + 1):.2f}"}, refresh=False)
            bar.update()
    text = term.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    frames = text[:-1].split("\r")[1:]
    assert frames[0].startswith("epoch 1/1:   0% [........................] 0/4 batches [0.")
    assert frames[-1].startswith("epoch 1/1: 100% [########################] 4/4 batches [")
    assert frames[-1].endswith("] loss=0.25")
    assert "  50% [############............] 2/4 batches" in text


def test_bar_in_a_log_writes_periodic_lines(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    log = io.StringIO()
    bar = progress.Bar(total=100, desc="epoch 1/1", unit="batch", file=log, interval=10)
    for _ in range(100):
        now[0] += 0.25  # 25 s in all: a line after 10 s and after 20 s, then the last one
        bar.update()
    bar.close()
    bar.close()  # a second close writes nothing
    lines = log.getvalue().splitlines()
    assert [line.split(" [")[0] for line in lines] == [
        "epoch 1/1: 40/100 batches", "epoch 1/1: 80/100 batches", "epoch 1/1: 100/100 batches"]
    assert lines[-1] == "epoch 1/1: 100/100 batches [25.0s]"


def test_progress_bar_is_tqdm_when_installed_else_builtin(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    bar = progress.progress_bar(3, "x", file=io.StringIO())
    assert isinstance(bar, progress.Bar)
    bar.close()
    if HAVE_TQDM:
        monkeypatch.delitem(sys.modules, "tqdm")
        bar = progress.progress_bar(3, "x", file=io.StringIO())
        assert type(bar).__module__.startswith("tqdm")
        bar.close()


def test_bench_sort_and_einsum_items_agree_with_numpy():
    """The sort, argsort and einsum items compute NumPy's answers (run once each, untimed)."""
    import numpy
    from deepblocks.cli import bench_items

    for name in ("sort", "argsort", "einsum_bmm", "einsum_attn"):
        fns = bench_items.make(name, numpy.random.default_rng(0), torch=None)
        assert {"deepblocks", "numpy"} <= set(fns) and "torch" not in fns
        assert bench_items.check(name, fns), name

"""Fuzzing the array API in child processes.

Each child makes a few hundred random calls (creation with huge, negative and zero
dimensions, indexing with random keys, reshape, split, repeat, tile, pad, reductions over
random axes, arithmetic between random dtypes, loading random and corrupted files) and
reports the first one that ends in anything but a clear Python error. The parent fails on a
child that dies by a signal (a Rust abort, a crash), hangs past its timeout, or reports a
``PanicException`` or any exception type outside ``ALLOWED``; the message names the seed
and the call (the calls are Python source, generated from the seed alone).

A child runs under an address-space limit (``RLIMIT_AS``), so that a huge request is refused
the same way on any machine (the engine sizes its limit from it) and an allocation that
escapes the engine's checks aborts here instead of exhausting the machine.

Rerun one child by hand (it prints each call before making it)::

    python tests/test_fuzz_child.py SEED [CALLS [DIRECTORY]]
"""

import concurrent.futures
import os
import random
import struct
import subprocess
import sys
import tempfile

import pytest

SEEDS = range(16)
CALLS = 300
CHILD_TIMEOUT_S = 60
ADDRESS_SPACE_BYTES = 4 << 30
# What `npx.save(path, {"w": np.arange(6.0).reshape(2, 3), "b": np.array([1, 2], dtype="int64")})`
# writes, with its header in one fixed order (the engine's order of metadata keys varies from
# one process to the next, which would make the corrupted bytes differ from run to run).
_HEADER = (b'{"__metadata__":{"container":"dict","format":"deepblocks.arrays","keys":"[\\"w\\", \\"b\\"]"},'
           b'"b":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},'
           b'"w":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]}}')
SAFETENSORS_FILE = (len(_HEADER).to_bytes(8, "little") + _HEADER + struct.pack("<2q", 1, 2)
                    + struct.pack("<6f", 0, 1, 2, 3, 4, 5))
# A file MXNet 1.9.1 wrote (a list of 0-d, empty, float, bool and int64 arrays).
MXNET_FILE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "mxnet", "np_list.params")

# The clear errors (their subclasses too, such as NumPy's AxisError).
ALLOWED = ("ValueError", "TypeError", "IndexError", "MemoryError", "MXNetError", "NotImplementedError",
           "OverflowError", "KeyError", "ZeroDivisionError")

# ---- the generator of calls (Python source text, from one seeded Random) -----------------------

# Any array with one of these dimensions and no zero one needs at least 8 GiB, twice the
# child's address space, so it is refused at once (smaller ones would be filled, slowly).
HUGE = [2**33, 2**35, 2**40, 2**62, 2**63 - 1, 2**63, 2**64]
SMALL = [0, 1, 1, 2, 2, 3, 3, 4, 5, 7]
NEGATIVE = [-1, -2, -(2**63)]
DTYPES = ["'float32'", "'float64'", "'int32'", "'int64'", "'uint8'", "'bool'", "None", "'float16'", "'int8'",
          "'complex64'", "'no-such-type'", "int", "float", "bool"]
SCALARS = ["0", "1", "-1", "2.5", "-0.0", "1e308", "float('nan')", "float('inf')", "True", "False", "2**70",
           "-(2**63)", "255", "0.1"]
BINARY = ["+", "-", "*", "/", "//", "%", "**", "==", "<", ">=", "&", "|", "^", "@"]
UFUNCS = ["add", "subtract", "multiply", "divide", "floor_divide", "mod", "power", "maximum", "minimum",
          "equal", "less", "logical_and", "bitwise_xor", "true_divide", "remainder"]
UNARY = ["negative", "abs", "exp", "log", "sqrt", "sign", "floor", "invert", "logical_not", "square",
         "reciprocal", "isnan", "rint", "bitwise_not", "tanh", "arccos"]
TAKE = ["0", "-1", "2**40", "[0, 2]", "[]", "np.array([1, -5])", "np.array([[0, 1]])", "1.5", "np.array([True])"]
NESTED = ["[[1, 2], [3]]", "[[1, 2], [3, 4]]", "[1, 'a']", "[[]]", "[2**70]", "[-(2**63)]", "[[1], [2, 3]]",
          "onp.zeros((2, 3), dtype='complex64')", "onp.array(['a'])", "onp.zeros((0, 2**40))", "onp.array(2**63)",
          "onp.ones((2, 3))[:, ::2]", "onp.arange(6, dtype='uint16')", "[A[0], 2]", "range(5)", "None", "{}",
          "[float('nan'), True]", "onp.zeros((3,), dtype='datetime64[s]')", "onp.array([object()])"]
SUBSCRIPTS = ["ii->i", "ij,jk->ik", "...,...", "i,i", "ab->ba", "ij->", "i->ii", "a...,a...->...", "ijk,k",
              "ba,ab", "", "->", "i,j->ij"]
ND_SHAPES = ["(0, -1)", "(-2,)", "(-3, -2)", "(-4, 2**40, -1, -2)", "(-4, 1, 2, -2)", "(0, 0, 0)", "(-1, -1)",
             "(2**62, -1)", "(-3,)", "(6,)", "(-4, -1, 0, -2)", "(-5,)"]
ORDS = ["None", "1", "2", "float('inf')", "'fro'", "0", "-1", "'nuc'"]
STEPS = ["1", "1e-15", "1e-300", "-1", "0", "0.5", "2**62", "float('nan')"]
REDUCTIONS = ["sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "all", "any", "cumsum"]

# The pool of arrays the calls act on: every dtype, 0-d, empty and strided ones.
POOL = [
    "np.array(0.5)",
    "np.arange(6).reshape(2, 3)",
    "np.zeros((0, 3))",
    "np.arange(24, dtype='int64').reshape(2, 3, 4)",
    "np.array([True, False, True])",
    "np.arange(5, dtype='uint8')",
    "np.ones((4, 1), dtype='float64')",
    "np.arange(12, dtype='int32').reshape(3, 4)",
    "np.zeros((2, 0, 3), dtype='int32')",
    "np.arange(8.0).reshape(2, 2, 2)[:, ::-1]",
    "np.array([[1.5, -2.0], [float('nan'), float('inf')]])",
    "np.arange(7, dtype='int64')[::3]",
    "np.zeros((2**40, 0))",
    "np.zeros((0, 3, 2**40), dtype='int64')",
]
LEGACY = ["nd.arange(6).reshape((2, 3))", "nd.zeros((0, 3))", "nd.array([1, 2, 3], dtype='int32')"]


class Calls:
    """Random calls as source text; ``A[i]`` are pool arrays, ``L[i]`` legacy NDArrays."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, xs):
        return self.r.choice(xs)

    def dim(self):
        roll = self.r.random()
        if roll < 0.65:
            return self.pick(SMALL)
        if roll < 0.9:
            return self.pick(HUGE)
        return self.pick(NEGATIVE)

    def count(self):
        roll = self.r.random()
        if roll < 0.05:
            return self.pick(["2.0", "None", "'3'", "True"])
        return str(self.dim())

    def shape(self):
        roll = self.r.random()
        if roll < 0.2:
            return str(self.dim())
        if roll < 0.25:
            return self.pick(["None", "2.5", "'a'", "(2, None)", "[[2]]", "()"])
        dims = [self.dim() for _ in range(self.r.randint(0, 5))]
        text = ", ".join(map(str, dims))
        return f"({text},)" if len(dims) == 1 else f"({text})"

    def axis(self):
        roll = self.r.random()
        if roll < 0.2:
            return "None"
        if roll < 0.3:
            return self.pick(["(0, 1)", "(0, 0)", "(-1, 2)", "()", "2**63", "1.0", "'x'", "(0, 5)"])
        return str(self.r.randint(-5, 4))

    def arr(self):
        return f"A[{self.r.randrange(len(POOL))}]"

    def index_item(self):
        roll = self.r.random()
        if roll < 0.3:
            return str(self.pick([0, 1, -1, 2, 3, -4, 5, 2**40, -(2**63), 2**64]))
        if roll < 0.55:
            part = lambda: self.pick(["", "0", "1", "-1", "2", "5", "-7", "2**62", "-(2**63)", "2**64"])
            step = self.pick(["", "", ":1", ":2", ":-1", ":0", ":3", ":2**62", ":-(2**63)"])
            return f"{part()}:{part()}{step}"
        if roll < 0.62:
            return self.pick(["None", "...", "...", "None"])
        if roll < 0.75:
            return self.pick(["np.array([0, 1])", "np.array([-1, 5])", "np.array([], dtype='int64')",
                              "np.array([2**40])", "np.array([[0], [1]])", "[0, 0, 1]", "[]", "[True, False]"])
        if roll < 0.88:
            return self.pick(["np.array([True, False])", "np.array(True)", "np.array(False)",
                              "np.array([True, False, True])", "A[4]", "np.array([[True]])"])
        return self.pick(["1.5", "'a'", "np.array([0.5])", "{}", "(1, 2)", "np.array(2)"])

    def key(self):
        n = self.r.randint(1, 4)
        items = [self.index_item() for _ in range(n)]
        if n == 1 and self.r.random() < 0.6:
            return items[0]
        return ", ".join(items) + ("," if n == 1 else "")

    def pad_width(self):
        roll = self.r.random()
        if roll < 0.4:
            return self.count()
        if roll < 0.7:
            return f"({self.dim()}, {self.dim()})"
        return f"(({self.dim()}, {self.dim()}), ({self.dim()}, {self.dim()}))"

    def creation(self):
        s, d, c = self.shape(), self.pick(DTYPES), self.count()
        return self.pick([
            f"np.zeros({s}, dtype={d})",
            f"np.ones({s}, dtype={d})",
            f"np.empty({s})",
            f"np.full({s}, {self.pick(SCALARS)}, dtype={d})",
            f"nd.zeros({s})",
            f"nd.ones({s}, dtype={d})",
            f"nd.full({s}, 7)",
            f"np.arange({self.pick(['0', '-5', '1e18', '2**62'])}, {self.pick(['1', '10', '1e18', '2**63', '-3'])}, "
            f"{self.pick(STEPS)})",
            f"np.arange({c}, dtype={d})",
            f"nd.arange(0, {c}, repeat={self.count()})",
            f"np.linspace(0, 1, {c})",
            f"nd.linspace(0, 1, {c})",
            f"np.eye({c}, {self.pick(['None', c, self.count()])}, {self.pick(['0', '1', '-2', '2**62'])})",
            f"np.identity({c})",
            f"nd.eye({c})",
            f"np.random.uniform(size={s})",
            f"np.random.normal(0, 1, size={s})",
            f"np.random.randint(0, 10, size={s})",
            f"np.random.permutation({c})",
            f"np.random.choice({c}, size={s}, replace={self.pick(['True', 'False'])})",
            f"nd.random.uniform(shape={s})",
            f"npx.one_hot(np.array([1, 2]), {c})",
            f"nd.one_hot(nd.array([1, 2]), {c})",
            f"np.tril(np.ones((3, 3)), {c})",
            f"np.meshgrid(np.arange({self.count()}), np.arange({self.count()}))",
        ])

    def shaping(self):
        a, c, ax = self.arr(), self.count(), self.axis()
        return self.pick([
            f"{a}.reshape({self.shape()})",
            f"np.reshape({a}, {self.shape()})",
            f"np.broadcast_to({a}, {self.shape()})",
            f"np.split({a}, {self.pick([c, c, '[1, 2]', '[2**62]', '[-2**63, 3]', '[]'])}, axis={ax})",
            f"np.array_split({a}, {c}, axis={ax})",
            f"nd.split({self.pick(['L[0]', 'L[1]', 'L[2]'])}, {c}, axis={ax})",
            f"np.repeat({a}, {c}, axis={ax})",
            f"{a}.repeat({c})",
            f"nd.repeat({self.pick(['L[0]', 'L[2]'])}, {c})",
            f"np.tile({a}, {self.shape()})",
            f"nd.tile({self.pick(['L[0]', 'L[1]'])}, {self.shape()})",
            f"np.pad({a}, {self.pad_width()})",
            f"np.pad({a}, {self.pad_width()}, mode={self.pick(['constant', 'edge', 'reflect', 'symmetric', 'wrap'])!r})",
            f"np.transpose({a}, {self.pick(['None', '(1, 0)', '(0, 0)', '(2, 1, 0)', '(5,)'])})",
            f"np.swapaxes({a}, {self.axis()}, {self.axis()})",
            f"np.moveaxis({a}, {self.axis()}, {self.axis()})",
            f"np.expand_dims({a}, {ax})",
            f"np.squeeze({a}, {ax})",
            f"np.flip({a}, {ax})",
            f"np.concatenate([{a}, {self.arr()}], axis={ax})",
            f"np.stack([{a}, {self.arr()}], axis={ax})",
            f"np.ravel({a})",
        ])

    def indexing(self):
        a = self.arr()
        return self.pick([
            f"{a}[{self.key()}]",
            f"{a}[{self.key()}]",
            f"{a}[{self.key()}] = {self.pick(SCALARS + ['np.arange(3)', 'A[0]', 'np.zeros((0,))'])}",
            f"np.take({a}, {self.pick(TAKE)}, axis={self.axis()})",
            f"{self.pick(['L[0]', 'L[1]', 'L[2]'])}[{self.key()}]",
            f"np.nonzero({a})",
            f"np.where({a}, {self.arr()}, {self.pick(SCALARS)})",
        ])

    def reduction(self):
        a, ax = self.arr(), self.axis()
        red = self.pick(REDUCTIONS)
        keep = "" if red in ("argmax", "argmin", "cumsum") else f", keepdims={self.pick(['True', 'False'])}"
        return self.pick([
            f"{a}.{red}(axis={ax}{keep})",
            f"np.{red}({a}, axis={ax}{keep})",
            f"np.sort({a}, axis={ax})",
            f"np.argsort({a}, axis={ax})",
            f"npx.topk({a}, axis={ax}, k={self.count()})",
            f"{self.pick(['L[0]', 'L[2]'])}.sum(axis={ax})",
        ])

    def arithmetic(self):
        a, b = self.arr(), self.arr()
        op = self.pick(BINARY)
        return self.pick([
            f"{a} {op} {b}",
            f"{a} {op} {self.pick(SCALARS)}",
            f"{self.pick(SCALARS)} {op} {a}",
            f"np.{self.pick(UFUNCS)}({a}, {b})",
            f"np.{self.pick(UNARY)}({a})",
            f"{a}.astype({self.pick(DTYPES)})",
            f"np.matmul({a}, {b})",
            f"np.dot({a}, {b})",
            f"np.outer({a}, {b})",
            f"np.clip({a}, {self.pick(SCALARS)}, {self.pick(SCALARS)})",
            f"{self.pick(['L[0]', 'L[2]'])} {op} {self.pick(['L[0]', 'L[1]', 'L[2]', '2'])}",
        ])

    def conversion(self):
        a = self.arr()
        return self.pick([
            f"np.array({self.pick(NESTED)}, dtype={self.pick(DTYPES)})",
            f"np.array({self.pick(NESTED)})",
            f"nd.array({self.pick(NESTED)})",
            f"{a}.tolist()",
            f"{a}.item()",
            f"float({a})",
            f"int({a})",
            f"len({a})",
            f"bool({a})",
            f"repr({a})",
            f"{a}.asnumpy()",
            f"{a} {self.pick(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '&=', '|='])} "
            f"{self.pick(SCALARS + ['A[0]', 'A[1]', 'A[5]', 'A[12]'])}",
            f"{self.pick(['L[0]', 'L[1]', 'L[2]'])}.asnumpy()",
            f"np.einsum({self.pick(SUBSCRIPTS)!r}, {a}, {self.arr()})",
            f"np.einsum({self.pick(SUBSCRIPTS)!r}, {a})",
            f"np.tensordot({a}, {self.arr()}, axes={self.pick(['0', '1', '2', '([0], [1])', '2**62', '-1'])})",
            f"np.linalg.norm({a}, ord={self.pick(ORDS)}, "
            f"axis={self.axis()})",
        ])

    def layers(self):
        size = lambda: f"({self.count()}, {self.count()})"
        x, w = "np.ones((1, 2, 5, 5))", "np.ones((3, 2, 2, 2))"
        return self.pick([
            f"npx.convolution({x}, {w}, kernel={size()}, stride={size()}, pad={size()}, dilate={size()}, "
            f"num_filter=3, no_bias=True)",
            f"npx.convolution({x}, {w}, kernel=(2, 2), num_filter={self.count()}, num_group={self.count()}, no_bias=True)",
            f"npx.deconvolution({x}, np.ones((2, 3, 2, 2)), kernel=(2, 2), stride={size()}, pad={size()}, "
            f"adj={size()}, num_filter=3)",
            f"npx.pooling({x}, kernel={size()}, stride={size()}, pad={size()}, "
            f"pool_type={self.pick(['max', 'avg', 'sum', 'lp', 'min'])!r}, "
            f"pooling_convention={self.pick(['valid', 'full', 'same'])!r})",
            f"npx.embedding({self.arr()}, np.ones((4, 3)), input_dim={self.count()}, output_dim={self.count()})",
            f"npx.pick({self.arr()}, {self.arr()}, axis={self.axis()}, mode={self.pick(['clip', 'wrap', 'raise'])!r})",
            f"npx.sequence_mask({self.arr()}, {self.arr()}, use_sequence_length=True, axis={self.axis()})",
            f"npx.softmax({self.arr()}, axis={self.axis()})",
            f"npx.log_softmax({self.arr()}, axis={self.axis()}, temperature={self.pick(SCALARS)})",
            f"npx.batch_dot({self.arr()}, {self.arr()})",
            f"npx.dropout({self.arr()}, p={self.pick(SCALARS)})",
            f"npx.layer_norm({self.arr()}, np.ones(3), np.zeros(3), axis={self.axis()})",
            f"npx.activation({self.arr()}, act_type={self.pick(['relu', 'sigmoid', 'tanh', 'softrelu', 'nope'])!r})",
            f"nd.reshape({self.pick(['L[0]', 'L[1]', 'L[2]'])}, {self.pick(ND_SHAPES)}, reverse={self.pick(['True', 'False'])})",
            f"nd.slice_axis(L[0], axis={self.axis()}, begin={self.dim()}, end={self.pick(['None', str(self.dim())])})",
            f"nd.concat(L[0], {self.pick(['L[0]', 'L[1]', 'L[2]'])}, dim={self.axis()})",
            f"nd.sum(L[0], axis={self.axis()}, exclude={self.pick(['True', 'False'])})",
            f"nd.take(L[0], {self.pick(['L[2]', 'nd.array([2**40])', 'nd.array([-5])', 'L[1]'])}, "
            f"axis={self.axis()}, mode={self.pick(['clip', 'wrap', 'raise'])!r})",
            f"nd.broadcast_axis(L[0], axis={self.axis()}, size={self.count()})",
            f"nd.SliceChannel(L[0], num_outputs={self.count()}, axis={self.axis()})",
            f"nd.topk(L[0], k={self.count()}, axis={self.axis()})",
            f"nd.Pooling(nd.ones((1, 1, 4, 4)), kernel={size()}, stride={size()}, pad={size()}, "
            f"global_pool={self.pick(['True', 'False'])})",
        ])

    def files(self):
        k = self.r.randrange(1 << 30)
        return self.pick([
            f"npx.load(random_file({k}))",
            f"npx.load(corrupted('safetensors', {k}))",
            f"npx.load(corrupted('mxnet', {k}))",
            f"nd.load(corrupted('safetensors', {k}))",
            f"npx.load(special({self.pick(['fifo', 'dir', '/dev/zero', '/dev/null', 'missing'])!r}))",
            f"npx.save(PATH, {self.arr()}); npx.load(PATH)",
        ])

    def call(self):
        kind = self.r.choices(
            [self.creation, self.shaping, self.indexing, self.reduction, self.arithmetic, self.conversion,
             self.layers, self.files],
            weights=[4, 5, 4, 3, 4, 3, 3, 1])[0]
        return kind()


# ---- the child ---------------------------------------------------------------------------------


def _child(seed, calls, work):
    import builtins
    import resource

    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    soft = ADDRESS_SPACE_BYTES if hard == resource.RLIM_INFINITY else min(ADDRESS_SPACE_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    import warnings

    import numpy as onp

    import deepblocks as mx
    from deepblocks import nd, np, npx

    warnings.simplefilter("ignore")
    np.random.seed(seed)
    os.makedirs(work, exist_ok=True)
    with open(MXNET_FILE_PATH, "rb") as f:
        MXNET_FILE = f.read()
    path = os.path.join(work, "saved")

    def random_file(k):
        rng = random.Random(k)
        p = os.path.join(work, "random")
        with open(p, "wb") as f:
            f.write(bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 7, 8, 9, 30, 200]))))
        return p

    def corrupted(kind, k):
        """A valid file of ``kind`` with one random field or byte broken."""
        rng = random.Random(k)
        p = os.path.join(work, "corrupt")
        if kind == "safetensors":
            data = bytearray(SAFETENSORS_FILE)
        else:
            data = bytearray(MXNET_FILE)
        how = rng.randrange(4)
        if how == 0 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif how == 1:
            data = data[:rng.randrange(len(data) + 1)]
        elif how == 2:
            at = rng.randrange(max(len(data) - 8, 1))
            data[at:at + 8] = rng.choice([2**64 - 1, 2**40, 2**63, 2**32 + 5]).to_bytes(8, "little")
        else:
            # A header that declares a huge tensor in a tiny file.
            header = b'{"w":{"dtype":"F32","shape":[1099511627776],"data_offsets":[0,4398046511104]}}'
            data = bytearray(len(header).to_bytes(8, "little") + header + b"\0" * rng.randrange(16))
        with open(p, "wb") as f:
            f.write(data)
        return p

    def special(kind):
        if kind == "fifo":
            p = os.path.join(work, "fifo")
            if not os.path.exists(p):
                os.mkfifo(p)
            return p
        if kind == "dir":
            return work
        if kind == "missing":
            return os.path.join(work, "missing")
        return kind

    allowed = tuple(mx.base.MXNetError if name == "MXNetError" else getattr(builtins, name) for name in ALLOWED)
    ns = {"np": np, "npx": npx, "nd": nd, "mx": mx, "onp": onp, "PATH": path, "random_file": random_file,
          "corrupted": corrupted, "special": special}
    exec("A = [" + ", ".join(POOL) + "]", ns)
    exec("L = [" + ", ".join(LEGACY) + "]", ns)
    gen = Calls(seed)
    outcomes = {}
    for i in range(calls):
        code = gen.call()
        print(f"call {i}: {code}", flush=True)
        try:
            try:
                result = eval(compile(code, "<fuzz>", "eval"), ns)
            except SyntaxError:
                exec(compile(code, "<fuzz>", "exec"), ns)
                result = None
            outcomes["returned"] = outcomes.get("returned", 0) + 1
            # Reading the values back exercises the conversion too (small results only).
            if isinstance(result, mx.np.ndarray) and result.size < 100_000:
                result.asnumpy()
        except BaseException as e:  # PanicException derives from BaseException
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            name = type(e).__name__
            outcomes[name] = outcomes.get(name, 0) + 1
            if not isinstance(e, allowed):
                import traceback

                print(f"FAILED seed={seed} call {i}: {code}\n{name}: {e}", flush=True)
                traceback.print_exc(file=sys.stdout)
                sys.exit(3)
    print(f"child done: {dict(sorted(outcomes.items()))}", flush=True)


# ---- the parent --------------------------------------------------------------------------------


def _run_child(seed, work):
    os.makedirs(work)
    cmd = [sys.executable, os.path.abspath(__file__), str(seed), str(CALLS), work]
    try:
        # CPU only: a GPU context reserves more address space than the child's limit.
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return f"seed {seed}: hung for {CHILD_TIMEOUT_S} s at:\n{_last_call(out)}"
    if p.returncode == 0 and "child done" in p.stdout:
        return None
    if p.returncode < 0:
        return f"seed {seed}: killed by signal {-p.returncode} at:\n{_last_call(p.stdout)}\n{p.stderr[-2000:]}"
    if p.returncode == 3:
        return p.stdout[p.stdout.index("FAILED"):][-3000:]
    return f"seed {seed}: exit status {p.returncode} at:\n{_last_call(p.stdout)}\n{p.stderr[-2000:]}"


def _last_call(out):
    calls = [line for line in out.splitlines() if line.startswith("call ")]
    return calls[-1] if calls else "(before the first call)"


def test_the_calls_are_reproducible():
    a, b = Calls(5), Calls(5)
    assert [a.call() for _ in range(50)] == [b.call() for _ in range(50)]
    assert [a.call() for _ in range(5)] != [Calls(6).call() for _ in range(5)]


def test_random_calls_never_abort_hang_or_panic(tmp_path):
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(_run_child, seed, str(tmp_path / f"seed{seed}")) for seed in SEEDS]
        failures = [f for f in (r.result() for r in runs) if f]
    assert not failures, "\n\n".join(failures)


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else CALLS,
           sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="fuzz-"))

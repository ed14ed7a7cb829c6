"""``autograd.Function``: custom differentiable operations written in Python, against MXNet
1.9.1's recorded results, analytic gradients and central finite differences."""

import gc
import threading
import traceback
import weakref

import numpy as onp
import pytest

from conftest import raises
from deepblocks.ndarray.ndarray import _is_legacy
from deepblocks import MXNetError, autograd, gluon, nd, np
from deepblocks.gluon import nn
from test_autograd_grads import check_grad


def _f(name, x):
    """The function ``name`` of the namespace of ``x``'s array class (``nd`` or ``np``)."""
    return getattr(nd if _is_legacy(x) else np, name)(x)


class Sigmoid(autograd.Function):
    """MXNet's documented example, written for either array class."""

    def forward(self, x):
        y = 1 / (1 + _f('exp', -x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


class ProductAndSum(autograd.Function):
    """Two inputs, two outputs: (a * b, sin(a) + b**2)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b, _f('sin', a) + b ** 2

    def backward(self, d_prod, d_sum):
        a, b = self.saved_tensors
        return d_prod * b + d_sum * _f('cos', a), d_prod * a + d_sum * 2 * b


class Cube(autograd.Function):
    """A backward written with differentiable operations on a saved input."""

    def forward(self, x):
        self.save_for_backward(x)
        return x ** 3

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * 3 * x ** 2


def _sigmoid(v):
    return 1 / (1 + onp.exp(-v))


# ---- MXNet's example ----------------------------------------------------------------------------


def test_sigmoid_example_matches_mxnet():
    x = nd.array([-2.0, -0.5, 0.0, 0.25, 1.0, 3.0])
    x.attach_grad()
    with autograd.record():
        m = Sigmoid()(x)
        m.backward()
    assert type(m) is nd.NDArray and m.dtype == onp.float32
    # recorded from MXNet 1.9.1 (the class from its docstring, on these values)
    onp.testing.assert_allclose(m.asnumpy(), [0.11920291930437088, 0.3775406777858734, 0.5, 0.562176525592804,
                                              0.7310585975646973, 0.9525741338729858], rtol=1e-6)
    onp.testing.assert_allclose(x.grad.asnumpy(), [0.10499358177185059, 0.23500370979309082, 0.25,
                                                   0.24613407254219055, 0.1966119259595871, 0.04517665505409241],
                                rtol=1e-6)


@pytest.mark.parametrize("make", [np.array, nd.array], ids=["np", "nd"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_matches_the_analytic_gradient(make, dtype):
    v = onp.random.default_rng(0).uniform(-4, 4, (3, 5))
    x = make(v, dtype=dtype)
    x.attach_grad()
    head = onp.random.default_rng(1).standard_normal((3, 5))
    with autograd.record():
        y = Sigmoid()(x)
    y.backward(make(head, dtype=dtype))
    assert type(y) is type(x) and type(x.grad) is type(x)
    assert onp.dtype(y.dtype) == dtype and onp.dtype(x.grad.dtype) == dtype
    tol = 1e-6 if dtype == "float32" else 1e-12
    s = _sigmoid(v)
    onp.testing.assert_allclose(y.asnumpy(), s, rtol=tol)
    onp.testing.assert_allclose(x.grad.asnumpy(), head * s * (1 - s), rtol=tol, atol=tol)


# ---- several inputs and outputs -----------------------------------------------------------------


@pytest.mark.parametrize("make", [np.array, nd.array], ids=["np", "nd"])
def test_two_inputs_two_outputs(make):
    a0, b0 = onp.array([0.5, -1.0, 2.0]), onp.array([1.5, 0.25, -3.0])
    a, b = make(a0, dtype="float64"), make(b0, dtype="float64")
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        p, s = ProductAndSum()(a, b)
        loss = (p * 2 + s * 3).sum()
    loss.backward()
    assert type(p) is type(a) and type(s) is type(a)
    onp.testing.assert_allclose(p.asnumpy(), a0 * b0, rtol=1e-14)
    onp.testing.assert_allclose(s.asnumpy(), onp.sin(a0) + b0 ** 2, rtol=1e-14)
    onp.testing.assert_allclose(a.grad.asnumpy(), 2 * b0 + 3 * onp.cos(a0), rtol=1e-14)
    onp.testing.assert_allclose(b.grad.asnumpy(), 2 * a0 + 6 * b0, rtol=1e-14)


def test_an_output_backward_never_reached_gets_zeros():
    seen = []

    class Pair(autograd.Function):
        def forward(self, a, b):
            return a * b, a + b

        def backward(self, d1, d2):
            seen.append((type(d1), d1.asnumpy(), d2.asnumpy()))
            return d1, d2

    a, b = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        p, _ = Pair()(a, b)
    p.backward()
    # recorded from MXNet 1.9.1: the unused output's gradient is [0, 0]; a.grad [1, 1], b.grad [0, 0]
    (cls, d1, d2), = seen
    assert cls is nd.NDArray
    onp.testing.assert_array_equal(d1, [1.0, 1.0])
    onp.testing.assert_array_equal(d2, [0.0, 0.0])
    onp.testing.assert_array_equal(a.grad.asnumpy(), [1.0, 1.0])
    onp.testing.assert_array_equal(b.grad.asnumpy(), [0.0, 0.0])


def test_outputs_of_other_shapes_dtypes_and_integer_outputs():
    class MaxWithIndex(autograd.Function):
        """Row maxima (float32 and float64 copies) and their positions (int64, not differentiable)."""

        def forward(self, x):
            idx = x.argmax(axis=1).astype("int64")
            self.save_for_backward(idx)
            m = x.max(axis=1)
            return m, idx, m.astype("float32")

        def backward(self, dm, didx, dm32):
            idx, = self.saved_tensors
            assert didx.dtype == onp.int64 and not didx.asnumpy().any()
            assert dm32.dtype == onp.float32
            one_hot = np.zeros((2, 3), dtype="float64")
            one_hot[onp.arange(2), idx.asnumpy()] = 1.0
            return one_hot * (dm + dm32.astype("float64")).reshape(2, 1)

    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, -1.0]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        m, idx, m32 = MaxWithIndex()(x)
        loss = (m * np.array([1.0, 2.0], dtype="float64")).sum() + (m32 * 10).sum()
    loss.backward()
    assert (m.dtype, idx.dtype, m32.dtype) == (onp.float64, onp.int64, onp.float32)
    onp.testing.assert_array_equal(idx.asnumpy(), [1, 0])
    onp.testing.assert_array_equal(m32.asnumpy(), [5.0, 7.0])
    onp.testing.assert_array_equal(x.grad.asnumpy(), [[0.0, 11.0, 0.0], [12.0, 0.0, 0.0]])


def test_results_are_the_forward_outputs_when_nothing_is_recorded():
    class Double(autograd.Function):
        def forward(self, x):
            self.out = x * 2
            return self.out

        def backward(self, dy):
            return dy * 2

    x = np.array([1.0, 2.0])
    f = Double()
    y = f(x)
    assert y is f.out
    g = Double()
    with autograd.record():
        y = g(x)  # x needs no gradient: nothing to record
    assert y is g.out
    onp.testing.assert_array_equal(y.asnumpy(), [2.0, 4.0])


# ---- finite differences -------------------------------------------------------------------------


def _nd64(a):
    return nd.array(a, dtype="float64")


@pytest.mark.parametrize("make", [np.array, _nd64], ids=["np", "nd"])
def test_gradients_match_central_differences(make):
    rng = onp.random.default_rng(3)
    a, b = rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, (2, 3))
    check_grad(lambda x, y: ProductAndSum()(x, y), a, b, make=make)
    check_grad(lambda x: Sigmoid()(x), a, make=make)
    # Views of the inputs going in and results used in further recorded operations.
    check_grad(lambda x, y: _f('exp', Sigmoid()(x.T * y[::-1].T)) * y.sum(), a, b, make=make)


def test_function_composes_with_itself_and_with_broadcasting():
    rng = onp.random.default_rng(4)
    a, b = rng.uniform(-1, 1, (3, 1)), rng.uniform(-1, 1, (1, 4))
    check_grad(lambda x, y: Sigmoid()(Sigmoid()(x + y) * x), a, b)


# ---- accumulation, retain_graph, higher order --------------------------------------------------


def test_grad_req_add_and_retain_graph_call_backward_each_time():
    calls = []

    class Scale(autograd.Function):
        def forward(self, x):
            return x * 3

        def backward(self, dy):
            calls.append(1)
            return dy * 3

    x = np.array([1.0, -1.0])
    x.attach_grad(grad_req="add")
    with autograd.record():
        y = Scale()(x)
    y.backward(retain_graph=True)
    y.backward()
    assert len(calls) == 2
    onp.testing.assert_array_equal(x.grad.asnumpy(), [6.0, 6.0])
    raises(MXNetError, y.backward, contains="retain_graph")


def test_create_graph_records_backward_for_higher_derivatives():
    v = onp.array([1.0, -2.0, 0.5])
    x = np.array(v, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = Cube()(x)
        dx = autograd.grad(y, x, create_graph=True)
        (dx * dx).sum().backward()
    onp.testing.assert_allclose(dx.asnumpy(), 3 * v ** 2, rtol=1e-14)
    # d/dx sum((3x^2)^2) = 36 x^3
    onp.testing.assert_allclose(x.grad.asnumpy(), 36 * v ** 3, rtol=1e-14)


def test_without_create_graph_backward_is_not_recorded():
    recording = []

    class Probe(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            recording.append(autograd.is_recording())
            return dy

    x = np.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = Probe()(x)
        autograd.grad(y, x)
    with autograd.record():
        y = Probe()(x)
        autograd.grad(y, x, create_graph=True)
    assert recording == [False, True]


# ---- Gluon --------------------------------------------------------------------------------------


class _SigmoidNet(gluon.HybridBlock):
    def __init__(self):
        super().__init__()
        self.d1 = nn.Dense(3, in_units=2)
        self.d2 = nn.Dense(1, in_units=3)

    def hybrid_forward(self, F, x):
        return self.d2(Sigmoid()(self.d1(x)))


def test_inside_a_hybrid_block_trained_with_a_trainer_matches_mxnet():
    net = _SigmoidNet()
    net.initialize()
    net.hybridize()
    net.d1.weight.set_data(nd.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]))
    net.d1.bias.set_data(nd.array([0.1, 0.0, -0.1]))
    net.d2.weight.set_data(nd.array([[0.7, -0.8, 0.9]]))
    net.d2.bias.set_data(nd.array([0.05]))
    x = nd.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.5], [2.0, 1.0]])
    y = nd.array([[1.0], [0.0], [-1.0], [0.5]])
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5, "momentum": 0.9})
    loss_fn = gluon.loss.L2Loss()
    for _ in range(5):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(4)
    # recorded from MXNet 1.9.1 (the same net, values and steps, with MXNet's Function)
    onp.testing.assert_allclose(net.d1.weight.data().asnumpy(),
                                [[0.5282192826271057, 0.5507665276527405], [-0.211045503616333, -0.5009161233901978],
                                 [0.07717229425907135, 1.4752020835876465]], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(net.d1.bias.data().asnumpy(),
                                [0.0004301145672798157, 0.1413315087556839, -0.1578001081943512], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(net.d2.weight.data().asnumpy(),
                                [[0.4488026797771454, -0.5890018939971924, 1.219834327697754]], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(net.d2.bias.data().asnumpy(), [-0.4886906147003174], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(loss.asnumpy(), [0.05789140611886978, 0.009625870734453201, 0.11646103113889694,
                                                 0.0018604211509227753], rtol=1e-5, atol=1e-6)


def test_trains_like_the_built_in_operations():
    class Swish(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x / (1 + _f('exp', -x))

        def backward(self, dy):
            x, = self.saved_tensors
            s = 1 / (1 + _f('exp', -x))
            return dy * (s + x * s * (1 - s))

    class Net(gluon.HybridBlock):
        def __init__(self, custom):
            super().__init__()
            self.custom = custom
            self.hidden = nn.Dense(5, in_units=3)
            self.out = nn.Dense(2, in_units=5)

        def forward(self, x):
            h = self.hidden(x)
            h = Swish()(h) if self.custom else h / (1 + _f('exp', -h))
            return self.out(h)

    rng = onp.random.default_rng(5)
    x, y = np.array(rng.standard_normal((8, 3)), dtype="float32"), np.array(rng.standard_normal((8, 2)), dtype="float32")
    nets = [Net(True), Net(False)]
    for net in nets:
        net.initialize()
    for p, q in zip(nets[0].collect_params().values(), nets[1].collect_params().values()):
        q.set_data(p.data())
    for net in nets:
        trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
        for _ in range(4):
            with autograd.record():
                loss = gluon.loss.L2Loss()(net(x), y)
            loss.backward()
            trainer.step(8)
    for p, q in zip(nets[0].collect_params().values(), nets[1].collect_params().values()):
        onp.testing.assert_allclose(p.data().asnumpy(), q.data().asnumpy(), rtol=1e-5, atol=1e-6)


# ---- errors -------------------------------------------------------------------------------------


def _recorded(fn_class, *inputs):
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        return fn_class()(*inputs)


def test_an_instance_is_good_for_one_call():
    f = Sigmoid()
    f(np.array([1.0]))
    # MXNet 1.9.1 raises AssertionError("Each Function instance can only be called once. ...")
    raises(MXNetError, f, np.array([1.0]), contains=("Sigmoid", "only be called once"))


def test_wrong_number_of_gradients():
    class TooFew(autograd.Function):
        def forward(self, a, b):
            return a + b

        def backward(self, dy):
            return dy

    y = _recorded(TooFew, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    raises(MXNetError, y.backward, contains=("TooFew", "1 gradient", "2 input"))


def test_gradient_of_the_wrong_shape():
    class WrongShape(autograd.Function):
        def forward(self, a, b):
            return a * b

        def backward(self, dy):
            return dy, np.ones((3,))

    y = _recorded(WrongShape, np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]))
    raises(ValueError, y.backward, contains=("WrongShape", "input 1", "(3,)", "(1, 2)"))


def test_a_gradient_that_broadcasts_to_its_input_is_accepted():
    # MXNet assigns the returned gradient into the input's gradient (igrad[:] = ret), which broadcasts.
    class Uniform(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            return np.array([[0.5], [2.0]])

    x = np.zeros((2, 3))
    y = _recorded(Uniform, x)
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [[0.5] * 3, [2.0] * 3])


def test_backward_must_return_arrays():
    class Floats(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return 2.0

    class Mixed(autograd.Function):
        def forward(self, a, b):
            return a * b

        def backward(self, dy):
            return dy, None

    raises(TypeError, _recorded(Floats, np.array([1.0])).backward, contains=("Floats", "float"))
    raises(TypeError, _recorded(Mixed, np.array([1.0]), np.array([2.0])).backward,
           contains=("Mixed", "input 1", "NoneType"))


def test_forward_takes_and_returns_arrays():
    class Num(autograd.Function):
        def forward(self, x):
            return 3.0

    class Identity(autograd.Function):
        def forward(self, x, k):
            return x

    x = np.array([1.0])
    x.attach_grad()
    with autograd.record():
        raises(TypeError, Num(), x, contains=("Num.forward", "float"))
        raises(TypeError, Identity(), x, 2.0, contains=("Identity", "input 1", "float"))


def test_an_exception_in_backward_reaches_the_caller_as_it_is():
    class Boom(KeyError):
        pass

    class Fails(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            raise Boom("no gradient today")

    y = _recorded(Fails, np.array([1.0, 2.0]))
    err = raises(Boom, y.backward, contains="no gradient today")
    assert "in backward" in "".join(traceback.format_tb(err.__traceback__))
    x = np.array([1.0])
    x.attach_grad()
    with autograd.record():
        z = Fails()(x)
    raises(Boom, autograd.grad, z, x)
    # An engine error raised by an operation inside backward keeps its type too.

    class BadOp(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return dy + np.ones((5,))

    raises(ValueError, _recorded(BadOp, np.array([1.0, 2.0])).backward)


# ---- threads and lifetime -----------------------------------------------------------------------


def test_backward_in_other_threads_does_not_deadlock():
    """Python backward runs in the differentiating thread, which takes the GIL back from the
    engine; several threads doing so at once, while the main thread runs Python, must finish."""
    results, errors = {}, []

    def work(k):
        try:
            v = onp.linspace(-1, 1, 50) * (k + 1)
            x = np.array(v, dtype="float64")
            x.attach_grad()
            for _ in range(20):
                with autograd.record():
                    y = Sigmoid()(Cube()(x)).sum()
                y.backward()
            s = _sigmoid(v ** 3)
            results[k] = onp.allclose(x.grad.asnumpy(), s * (1 - s) * 3 * v ** 2, rtol=1e-12)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    busy = sum(i * i for i in range(200_000))  # the main thread holds the GIL now and then
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert busy > 0 and not errors and results == {k: True for k in range(4)}


def test_the_graph_does_not_keep_the_function_alive():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    f = Sigmoid()
    alive = weakref.ref(f)
    with autograd.record():
        y = f(x)
    del f
    gc.collect()
    assert alive() is not None, "the recorded node holds the Function until backward"
    del y
    gc.collect()
    assert alive() is None, "dropping the result frees the node, its rule and the Function"
    # Backward frees the node too (with the GIL released; the references are dropped later).
    f = Sigmoid()
    alive = weakref.ref(f)
    with autograd.record():
        y = f(x)
    del f
    y.backward()
    gc.collect()
    assert alive() is None and y.asnumpy().shape == (2,)

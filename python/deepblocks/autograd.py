"""``deepblocks.autograd``: recording and differentiation, with MXNet Gluon's semantics.

Nothing is recorded outside ``record()``. ``attach_grad()`` makes an array a variable;
``backward()`` overwrites its gradient (``grad_req='write'``, the default), adds to it
(``'add'``) or leaves it alone (``'null'``). The flags are per thread.

>>> from deepblocks import np, autograd
>>> x = np.array([1.0, 2.0, 3.0])
>>> x.attach_grad()
>>> with autograd.record():
...     y = (x ** 2).sum()
>>> y.backward()
>>> x.grad
array([2., 4., 6.])
>>> autograd.is_recording(), autograd.is_training()
(False, False)
"""

from . import _core

__all__ = [
    "record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
    "set_recording", "set_training", "backward", "grad", "mark_variables", "Function", "NDArray",
]

is_recording = _core.is_recording
is_training = _core.is_training
set_recording = _core.set_recording
set_training = _core.set_training


class _RecordingStateScope:
    """Sets the recording and training flags (those not ``None``) for a ``with`` block and
    restores the previous values on exit, also when the block raises."""

    __slots__ = ("_enter_record", "_enter_train", "_prev_record", "_prev_train")

    def __init__(self, is_record, train_mode):
        self._enter_record = is_record
        self._enter_train = train_mode
        self._prev_record = None
        self._prev_train = None

    def __enter__(self):
        if self._enter_record is not None:
            self._prev_record = _core.set_recording(self._enter_record)
        if self._enter_train is not None:
            self._prev_train = _core.set_training(self._enter_train)
        return self

    def __reduce__(self):
        # The flags it sets live in the thread that enters it: a copy sent elsewhere (another
        # process) would switch nothing there. Refused rather than silently meaningless.
        raise TypeError("an autograd scope (autograd.record(), pause(), train_mode(), predict_mode()) cannot be "
                        "pickled or copied: open a new one where it is needed")

    def __exit__(self, *exc):
        if self._enter_record is not None:
            _core.set_recording(self._prev_record)
        if self._enter_train is not None:
            _core.set_training(self._prev_train)
        return False


def record(train_mode=True):
    """Records operations for differentiation inside a ``with`` block (training mode by
    default; ``train_mode=False`` records in prediction mode)."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Stops recording inside a ``with`` block (prediction mode by default)."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Training mode (for Dropout, BatchNorm) inside a ``with`` block, without recording."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Prediction mode inside a ``with`` block."""
    return _RecordingStateScope(None, False)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Back-propagates from ``heads`` (an array or a list) into the variables' gradient
    buffers; ``head_grads`` default to ones. The graph is freed unless ``retain_graph``."""
    _core.backward(heads, head_grads, retain_graph, train_mode)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):
    """Gradients of ``heads`` with respect to ``variables``, returned instead of written into
    the buffers (one array for one variable, else a list). With ``create_graph=True`` the
    result is recorded and can be differentiated again.

    >>> from deepblocks import np, autograd
    >>> x = np.array([3.0])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = x ** 3
    ...     dy = autograd.grad(y, x, create_graph=True)
    >>> dy
    array([27.])
    >>> dy.backward()
    >>> x.grad
    array([18.])
    """
    return _core.grad(heads, variables, head_grads, retain_graph, create_graph, train_mode)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Makes ``variables`` variables whose gradients go into the given ``gradients`` buffers."""
    _core.mark_variables(variables, gradients, grad_reqs)


class Function:
    """A differentiable operation with a hand-written gradient: subclass it and define
    ``forward(*inputs)`` (arrays in, an array or a tuple of arrays out) and
    ``backward(*output_grads)`` (one gradient per output in, one gradient per input out: an
    array when there is one input, else a tuple). Calling an instance runs ``forward`` without
    recording; while recording, and when an input needs a gradient, the call becomes one node
    of the graph whose gradients ``backward`` computes in place of the chain rule through
    ``forward``. ``save_for_backward(*arrays)`` keeps what ``backward`` needs in
    ``saved_tensors``. An instance is good for one call.

    Outputs that backward never reached get zero gradients. A gradient that is not of its
    input's shape must broadcast to it. ``backward`` runs in the thread that differentiates,
    recording when ``autograd.grad(..., create_graph=True)`` asks for it, so a ``backward``
    written with differentiable operations gives higher derivatives; the arrays it saved are
    constants of that graph. An exception raised in ``backward`` reaches the caller of
    ``backward()`` or ``grad()`` as it is.

    >>> from deepblocks import np, autograd
    >>> class Sigmoid(autograd.Function):
    ...     def forward(self, x):
    ...         y = 1 / (1 + np.exp(-x))
    ...         self.save_for_backward(y)
    ...         return y
    ...     def backward(self, dy):
    ...         y, = self.saved_tensors
    ...         return dy * y * (1 - y)
    >>> x = np.array([0.0, 2.0])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = Sigmoid()(x)
    >>> y.backward()
    >>> x.grad
    array([0.25      , 0.10499363])
    """

    # Class-level defaults too, for subclasses whose __init__ does not call this one.
    _used = False
    saved_tensors = ()

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        """Keeps ``args`` for ``backward`` as ``self.saved_tensors``."""
        self.saved_tensors = args

    def __call__(self, *inputs):
        name = type(self).__name__
        if self._used:
            raise _core.MXNetError(
                f"{name}: each Function instance can only be called once; create another instance for this call")
        self._used = True
        for i, x in enumerate(inputs):
            if not isinstance(x, _core.ndarray):
                raise TypeError(f"{name}: the inputs of a Function must be arrays; input {i} is {type(x).__name__}")
        was_recording = _core.set_recording(False)
        try:
            outputs = self.forward(*inputs)
        finally:
            _core.set_recording(was_recording)
        if not was_recording:
            return outputs
        single = isinstance(outputs, _core.ndarray)
        outs = (outputs,) if single else outputs
        if not isinstance(outs, (tuple, list)):
            raise TypeError(f"{name}.forward must return an array or a tuple of arrays, got {type(outputs).__name__}")
        for j, y in enumerate(outs):
            if not isinstance(y, _core.ndarray):
                raise TypeError(f"{name}.forward must return arrays; output {j} is {type(y).__name__}")
        results = _core._record_function(name, inputs, outs, self._backward_entry)
        if single:
            return results[0]
        return results if isinstance(outputs, list) else tuple(results)

    def _backward_entry(self, *output_grads):
        """The node's rule: ``backward``'s gradients as a tuple of arrays (the engine checks
        their number and shapes)."""
        grads = self.backward(*output_grads)
        if isinstance(grads, _core.ndarray):
            return (grads,)
        name = type(self).__name__
        if not isinstance(grads, (tuple, list)):
            raise TypeError(
                f"{name}.backward must return an array or a tuple of arrays (one per input), got {type(grads).__name__}")
        for i, g in enumerate(grads):
            if not isinstance(g, _core.ndarray):
                raise TypeError(f"{name}.backward must return arrays; the gradient for input {i} is {type(g).__name__}")
        return tuple(grads)

    def forward(self, *inputs):
        """The computation (run with recording paused)."""
        raise NotImplementedError

    def backward(self, *output_grads):
        """One gradient per output in, one gradient per input of ``forward`` out."""
        raise NotImplementedError


def __getattr__(name):
    # MXNet's autograd module also hands out the array class (``from mxnet.autograd import *``
    # brings ``NDArray``); it is looked up on first use because the array modules import this one.
    if name == "NDArray":
        from .ndarray import NDArray

        return NDArray
    raise AttributeError(f"module 'deepblocks.autograd' has no attribute {name!r}")

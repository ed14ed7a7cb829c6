"""``Block.summary(*inputs)``: one forward pass with hooks on every Block, printed as MXNet's
table (layer, output shape, parameter count)."""

from .. import _core

__all__ = ["print_summary"]

_LINE = "-" * 80
_DOUBLE = "=" * 80


def _shape(out, nested=False):
    """The shapes of ``out`` as MXNet prints them: the top level's items joined by commas, a
    nested list or tuple in brackets (an RNN layer's ``(80, 32, 60), [(4, 32, 30), (4, 32, 30)]``
    for its output and its list of states)."""
    if isinstance(out, _core.ndarray):
        return str(tuple(out.shape))
    if isinstance(out, (list, tuple)):
        body = ", ".join(_shape(o, True) for o in out)
        return f"[{body}]" if nested else body
    return str(type(out).__name__)


def _count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def print_summary(block, inputs):
    rows = []
    seen_params = {}
    handles = []

    def hook(b, args, out):
        own = [p for _, p in b._own_params()]
        n = sum(_count(p._shape) for p in own if p._shape is not None)
        trainable = sum(_count(p._shape) for p in own if p._shape is not None and p._grad_req != "null")
        shared = sum(_count(p._shape) for p in own if id(p) in seen_params)
        for p in own:
            seen_params[id(p)] = p
        rows.append((f"{type(b).__name__}-{len(rows) + 1}", _shape(out), n, trainable, shared))

    from .nn import HybridSequential, Sequential

    def attach(b):
        # MXNet lists every Block but the Sequential containers (the model itself included).
        if not isinstance(b, (Sequential, HybridSequential)):
            handles.append(b.register_forward_hook(hook))

    block.apply(attach)
    try:
        block(*inputs)
    finally:
        for h in handles:
            h.detach()
    print(_LINE)
    print(f"{'Layer (type)':>20}  {'Output Shape':>42}  {'Param #':>14}")
    print(_DOUBLE)
    print(f"{'Input':>20}  {_shape(inputs if len(inputs) > 1 else inputs[0]):>42}  {0:>14}")
    for name, shape, n, _, _ in rows:
        print(f"{name:>20}  {shape:>42}  {n:>14}")
    total = sum(r[2] for r in rows)
    trainable = sum(r[3] for r in rows)
    shared = sum(r[4] for r in rows)
    unique = sum(_count(p._shape) for p in seen_params.values() if p._shape is not None)
    print(_DOUBLE)
    print("Parameters in forward computation graph, duplicate included")
    print(f"   Total params: {total}")
    print(f"   Trainable params: {trainable}")
    print(f"   Non-trainable params: {total - trainable}")
    print(f"Shared params in forward computation graph: {shared}")
    print(f"Unique parameters in model: {unique}")
    print(_LINE)

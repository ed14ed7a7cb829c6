"""The work items ``deepblocks bench`` times in one process: array operations, autograd and
optimizer steps, each the same work in deepblocks, NumPy and (when given) PyTorch.

``make(name, rng, torch)`` returns ``{library: callable}``, the inputs made beforehand. The
autograd items' NumPy column runs the same forward pass with a hand-written backward pass (no
graph at all); the optimizer items' NumPy column is an in-place implementation of the same
rule. Every callable returns its result, so ``check`` can compare deepblocks with NumPy.

>>> import numpy
>>> fns = make("add100", numpy.random.default_rng(0), torch=None)
>>> sorted(fns)
['deepblocks', 'numpy']
>>> check("add100", fns)
True
"""

import numpy as onp

__all__ = ["ITEMS", "make", "check"]

# name -> (what is timed, {library: the DESIGN.md §5 target for deepblocks / library})
ITEMS = {
    "add100": ("100-element f32 add (a + b)", {"numpy": 1.5, "torch": 0.5}),
    "add16M": ("16M-element f32 add (a + b)", {"numpy": 1.1}),
    "bcast_add": ("4096x4096 + 4096 f32 broadcast add", {}),
    "matmul1024": ("1024^3 f32 matmul (a @ b)", {"numpy": 1.1}),
    "matmul256": ("256^3 f32 matmul (a @ b)", {}),
    "sum16M": ("sum of 16M f32 (a.sum())", {}),
    "transpose_copy": ("4096x4096 f32 a.T.copy()", {}),
    "chain100": ("fwd+bwd, 100-op chain, 100 elements", {"torch": 0.5}),
    "mlp3": ("fwd+bwd MLP 784-256-256-10, batch 256", {"torch": 1.0}),
    "optimizer_sgd": ("SGD momentum step, 256x784 f32", {}),
    "optimizer_adam": ("Adam step, 256x784 f32", {}),
    "linalg_inv512": ("np.linalg.inv of a 512x512 f32", {"numpy": 1.5, "torch": 1.5}),
    "linalg_svd512": ("np.linalg.svd of a 512x512 f32", {"numpy": 1.5, "torch": 1.5}),
    "linalg_cholesky": ("np.linalg.cholesky of 256 SPD 64x64 f32", {"numpy": 1.5, "torch": 1.5}),
    "sort": ("sort of 16M f32 (np.sort(a))", {"numpy": 1.0, "torch": 1.0}),
    "argsort": ("argsort of (4096, 1000) f32, last axis", {"numpy": 1.0, "torch": 1.0}),
    "einsum_bmm": ("einsum bij,bjk->bik, 64 x 128^3 f32", {"numpy": 1.0, "torch": 1.0}),
    "einsum_attn": ("einsum bhqd,bhkd->bhqk, 8x8, 256x256x64", {"numpy": 1.0, "torch": 1.0}),
}

_SHAPES = {
    "add100": [(100,), (100,)],
    "add16M": [(16 * 1024 * 1024,)] * 2,
    "bcast_add": [(4096, 4096), (4096,)],
    "matmul1024": [(1024, 1024)] * 2,
    "matmul256": [(256, 256)] * 2,
    "sum16M": [(16 * 1024 * 1024,)],
    "transpose_copy": [(4096, 4096)],
}


def make(name, rng, torch):
    """``{library: callable}`` for the item ``name``; ``torch`` is the module or None."""
    if name == "chain100":
        return _chain_items(rng, torch)
    if name == "mlp3":
        return _mlp_items(rng, torch)
    if name.startswith("optimizer_"):
        return _optimizer_items(name[len("optimizer_"):], rng, torch)
    if name.startswith("linalg_"):
        return _linalg_items(name, rng, torch)
    if name in ("sort", "argsort") or name.startswith("einsum_"):
        return _sort_einsum_items(name, rng, torch)
    return _array_items(name, rng, torch)


def check(name, fns):
    """Whether deepblocks' result agrees with NumPy's (untimed)."""
    got = fns["deepblocks"]()
    want = fns["numpy"]()
    if name == "linalg_svd512":
        # Singular vectors are unique up to signs: compare the singular values.
        got, want = got[1], want[1]
    got = onp.asarray(got)
    if name == "argsort":  # NumPy's default sort is not stable: equal values may swap places
        x = fns["input"]
        return bool((onp.take_along_axis(x, got, -1) == onp.take_along_axis(x, want, -1)).all())
    rtol = 1e-3 if name.startswith(("sum", "matmul", "mlp", "chain", "einsum")) else 1e-6
    return bool(onp.allclose(got, want, rtol=rtol, atol=1e-3))


def _array_items(name, rng, torch):
    from deepblocks import np as dnp

    host = [rng.random(s, dtype=onp.float32) for s in _SHAPES[name]]
    dev = [dnp.array(h) for h in host]
    tt = [torch.from_numpy(h.copy()) for h in host] if torch is not None else None
    if name == "sum16M":
        op, top = (lambda a: a.sum()), (lambda a: a.sum())
    elif name == "transpose_copy":
        op, top = (lambda a: a.T.copy()), (lambda a: a.t().contiguous())
    elif name.startswith("matmul"):
        op = top = lambda a, b: a @ b
    else:
        op = top = lambda a, b: a + b
    fns = {"deepblocks": lambda: op(*dev), "numpy": lambda: op(*host)}
    if tt is not None:
        fns["torch"] = lambda: top(*tt)
    return fns


def _linalg_items(name, rng, torch):
    """inv and svd of one 512x512 matrix, cholesky of a batch of 256 64x64 SPD ones (f32):
    the engine's faer kernels against NumPy's LAPACK and PyTorch's."""
    from deepblocks import np as dnp

    if name == "linalg_cholesky":
        x = rng.random((256, 64, 64), dtype=onp.float32)
        host = x @ x.transpose(0, 2, 1) + 64 * onp.eye(64, dtype=onp.float32)
        op, top = (lambda m, a: m.linalg.cholesky(a)), (lambda a: torch.linalg.cholesky(a))
    else:
        host = rng.random((512, 512), dtype=onp.float32) + 8 * onp.eye(512, dtype=onp.float32)
        if name == "linalg_inv512":
            op, top = (lambda m, a: m.linalg.inv(a)), (lambda a: torch.linalg.inv(a))
        else:
            op, top = (lambda m, a: tuple(m.linalg.svd(a))), (lambda a: torch.linalg.svd(a))
    dev = dnp.array(host)
    fns = {"deepblocks": lambda: _host_result(op(dnp, dev)), "numpy": lambda: op(onp, host)}
    if torch is not None:
        t = torch.from_numpy(host.copy())
        fns["torch"] = lambda: top(t)
    return fns


def _host_result(out):
    """Waits for the result (asnumpy), as NumPy's call returns a finished one."""
    return tuple(o.asnumpy() for o in out) if isinstance(out, tuple) else out.asnumpy()


_EINSUM = {
    "einsum_bmm": ("bij,bjk->bik", [(64, 128, 128), (64, 128, 128)]),
    "einsum_attn": ("bhqd,bhkd->bhqk", [(8, 8, 256, 64), (8, 8, 256, 64)]),
}


def _sort_einsum_items(name, rng, torch):
    """``sort``, ``argsort`` and ``einsum`` as each library spells them: NumPy's default sort
    kind, ``torch.sort(...).values``; einsum with the libraries' default arguments."""
    from deepblocks import np as dnp

    if name.startswith("einsum_"):
        subscripts, shapes = _EINSUM[name]
        host = [rng.standard_normal(s, dtype=onp.float32) for s in shapes]
        dev = [dnp.array(h) for h in host]
        fns = {"deepblocks": lambda: dnp.einsum(subscripts, *dev), "numpy": lambda: onp.einsum(subscripts, *host)}
        if torch is not None:
            tt = [torch.from_numpy(h.copy()) for h in host]
            fns["torch"] = lambda: torch.einsum(subscripts, *tt)
        return fns
    shape = (16 * 1024 * 1024,) if name == "sort" else (4096, 1000)
    host = rng.standard_normal(shape, dtype=onp.float32)
    dev = dnp.array(host)
    if name == "sort":
        fns = {"deepblocks": lambda: dnp.sort(dev), "numpy": lambda: onp.sort(host)}
    else:
        fns = {"deepblocks": lambda: dnp.argsort(dev, axis=-1), "numpy": lambda: onp.argsort(host, axis=-1),
               "input": host}
    if torch is not None:
        t = torch.from_numpy(host.copy())
        fns["torch"] = (lambda: torch.sort(t).values) if name == "sort" else (lambda: torch.argsort(t, dim=-1))
    return fns


def _chain(x, k, tanh, saved=None):
    """25 x (y * k, y + x, tanh(y), y * x) in any of the three libraries (the tanh outputs
    go to ``saved`` when given: the hand-written NumPy backward needs them)."""
    y = x
    for _ in range(25):
        y = tanh(y * k + x)
        if saved is not None:
            saved.append(y)
        y = y * x
    return y


def _chain_numpy(x, k):
    """``_chain`` then sum: forward and hand-written backward."""
    saved = []
    y = _chain(x, k, onp.tanh, saved)
    g, gx = onp.ones_like(y), onp.zeros_like(x)
    for t in reversed(saved):
        gx += g * t
        g = g * x
        g = g * (1 - t * t)
        gx += g
        g = g * k
    return gx + g


def _chain_items(rng, torch):
    from deepblocks import autograd, np as dnp

    host = rng.random(100, dtype=onp.float32) * 0.5
    k = 1.001
    x = dnp.array(host)
    x.attach_grad()

    def run_db():
        with autograd.record():
            s = _chain(x, k, dnp.tanh).sum()
        s.backward()
        return x.grad

    fns = {"deepblocks": run_db, "numpy": lambda: _chain_numpy(host, onp.float32(k))}
    if torch is not None:
        tx = torch.from_numpy(host.copy()).requires_grad_()

        def run_torch():
            tx.grad = None
            _chain(tx, k, torch.tanh).sum().backward()
            return tx.grad

        fns["torch"] = run_torch
    return fns


def _mlp_numpy(X, labels, params):
    """Forward (ReLU MLP, mean softmax cross-entropy) and hand-written backward; returns the
    gradient of the first weight."""
    (W1, b1), (W2, b2), (W3, b3) = params
    z1 = X @ W1 + b1
    h1 = onp.maximum(z1, 0)
    z2 = h1 @ W2 + b2
    h2 = onp.maximum(z2, 0)
    out = h2 @ W3 + b3
    shifted = out - out.max(axis=1, keepdims=True)
    e = onp.exp(shifted)
    p = e / e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    d = p.copy()
    d[onp.arange(n), labels] -= 1
    d /= n
    grads = [h2.T @ d, d.sum(0)]  # every gradient is computed, as autograd does
    d = (d @ W3.T) * (z2 > 0)
    grads += [h1.T @ d, d.sum(0)]
    d = (d @ W2.T) * (z1 > 0)
    grads += [X.T @ d, d.sum(0)]
    return grads[-2]


def _mlp_items(rng, torch):
    from deepblocks import autograd, np as dnp, npx

    sizes = [784, 256, 256, 10]
    X = rng.random((256, 784), dtype=onp.float32)
    labels = rng.integers(0, 10, 256)
    params = [((rng.standard_normal((i, o)) * 0.05).astype(onp.float32), onp.zeros(o, onp.float32))
              for i, o in zip(sizes, sizes[1:])]
    dX, dlabels = dnp.array(X), dnp.array(labels)
    dparams = [(dnp.array(W), dnp.array(b)) for W, b in params]
    for W, b in dparams:
        W.attach_grad()
        b.attach_grad()

    def run_db():
        with autograd.record():
            h = dX
            for i, (W, b) in enumerate(dparams):
                h = dnp.dot(h, W) + b
                if i < 2:
                    h = npx.relu(h)
            loss = -npx.pick(npx.log_softmax(h), dlabels).mean()
        loss.backward()
        return dparams[0][0].grad

    fns = {"deepblocks": run_db, "numpy": lambda: _mlp_numpy(X, labels, params)}
    if torch is not None:
        tX, tl = torch.from_numpy(X), torch.from_numpy(labels)
        tparams = [(torch.from_numpy(W.copy()).requires_grad_(), torch.from_numpy(b.copy()).requires_grad_())
                   for W, b in params]

        def run_torch():
            for W, b in tparams:
                W.grad = None
                b.grad = None
            h = tX
            for i, (W, b) in enumerate(tparams):
                h = h @ W + b
                if i < 2:
                    h = torch.relu(h)
            torch.nn.functional.cross_entropy(h, tl).backward()
            return tparams[0][0].grad

        fns["torch"] = run_torch
    return fns


def _optimizer_items(kind, rng, torch):
    """One update of a 256x784 float32 weight (the first layer of the MNIST MLP)."""
    from deepblocks import np as dnp, optimizer

    lr, wd, momentum, b1, b2, eps = 1e-3, 1e-4, 0.9, 0.9, 0.999, 1e-8
    w0 = rng.standard_normal((256, 784), dtype=onp.float32)
    g0 = rng.standard_normal((256, 784), dtype=onp.float32)
    w, g = dnp.array(w0), dnp.array(g0)
    if kind == "sgd":
        opt = optimizer.SGD(learning_rate=lr, wd=wd, momentum=momentum)
    else:
        opt = optimizer.Adam(learning_rate=lr, wd=wd, beta1=b1, beta2=b2, epsilon=eps)
    state = opt.create_state(0, w)

    def run_db():
        opt.update(0, w, g, state)
        return w

    hw, hg = w0.copy(), g0
    hm, hv, t = onp.zeros_like(hw), onp.zeros_like(hw), 0

    def run_numpy():
        nonlocal t, hw, hm, hv  # augmented assignments below rebind the names (in place)
        if kind == "sgd":  # mom = momentum * mom - lr * (g + wd * w); w += mom
            hm *= momentum
            hm -= lr * (hg + wd * hw)
            hw += hm
            return hw
        t += 1
        G = hg + wd * hw
        hm *= b1
        hm += (1 - b1) * G
        hv *= b2
        hv += (1 - b2) * G * G
        hw -= (lr * (1 - b2**t) ** 0.5 / (1 - b1**t)) * hm / (onp.sqrt(hv) + eps)
        return hw

    fns = {"deepblocks": run_db, "numpy": run_numpy}
    if torch is not None:
        tw = torch.from_numpy(w0.copy()).requires_grad_()
        tw.grad = torch.from_numpy(g0.copy())
        if kind == "sgd":
            topt = torch.optim.SGD([tw], lr=lr, momentum=momentum, weight_decay=wd)
        else:
            topt = torch.optim.Adam([tw], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)

        def run_torch():
            topt.step()
            return tw

        fns["torch"] = run_torch
    return fns

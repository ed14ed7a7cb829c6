"""``np.einsum`` and ``np.tensordot`` against NumPy: hypothesis-drawn subscripts (one to three
operands, implicit and explicit outputs, ``...`` broadcasting, repeated labels for diagonals,
empty axes) on drawn dtypes and views; the attention-style subscripts; gradients against
central differences in float64; bad subscripts and shapes raising ValueError that names them."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, compare, raises, shares_memory, views
from deepblocks import np as dnp
from test_autograd_grads import check_grad

LETTERS = "abcdB"  # an uppercase letter: implicit outputs sort 'B' before 'a', as NumPy does


@st.composite
def einsum_cases(draw, max_operands=3, min_side=0):
    """``(subscripts, shapes)`` valid for NumPy: each operand's labels drawn from a small pool
    (repeats allowed), an optional ``...`` whose axes broadcast (size 1 or full) across
    operands, and an implicit or explicit output."""
    sizes = {c: draw(st.integers(min_side, 3)) for c in LETTERS}
    nbroad = draw(st.integers(0, 2))
    bsizes = [draw(st.integers(min_side, 3)) for _ in range(nbroad)]
    terms, shapes, used, any_ellipsis = [], [], [], False
    for _ in range(draw(st.integers(1, max_operands))):
        labels = draw(st.lists(st.sampled_from(LETTERS), max_size=3))
        shape = [sizes[c] for c in labels]
        term = "".join(labels)
        if nbroad and draw(st.booleans()):
            any_ellipsis = True
            k = draw(st.integers(0, nbroad))
            extra = [1 if draw(st.booleans()) else d for d in bsizes[nbroad - k:]]
            at = draw(st.integers(0, len(labels)))
            term = term[:at] + "..." + term[at:]
            shape[at:at] = extra
        terms.append(term)
        shapes.append(tuple(shape))
        used.extend(labels)
    subscripts = ",".join(terms)
    if draw(st.booleans()):
        out = draw(st.permutations(sorted(set(used))))
        out = "".join(out[:draw(st.integers(0, len(out)))])
        if any_ellipsis:
            at = draw(st.integers(0, len(out)))
            out = out[:at] + "..." + out[at:]
        subscripts += "->" + out
    return subscripts, shapes


@given(data=st.data(), case=einsum_cases(), dtype=st.sampled_from(["float32", "float64", "int32", "int64",
                                                                     "uint8", "bool"]))
def test_einsum_against_numpy(data, case, dtype):
    subscripts, shapes = case
    pairs = [data.draw(views(dtype, s, small=True)) for s in shapes]
    hosts, devs = [h for h, _ in pairs], [d for _, d in pairs]
    ref = onp.einsum(subscripts, *hosts)
    got = dnp.einsum(subscripts, *devs)
    if dtype == "float32":
        # The contraction order differs from NumPy's: bound the rounding by the magnitudes.
        bound = onp.einsum(subscripts, *[onp.abs(h).astype("float64") for h in hosts])
        assert got.dtype == onp.float32 and got.shape == onp.shape(ref)
        assert (onp.abs(got.asnumpy() - ref) <= 1e-5 * bound + 1e-6).all()
    else:
        assert_same(got, onp.asarray(ref), rtol=1e-12)


@given(data=st.data(), case=einsum_cases(max_operands=2))
def test_einsum_mixed_dtypes(data, case):
    subscripts, shapes = case
    dtypes = [data.draw(st.sampled_from(["float32", "int32", "uint8", "bool", "float64"])) for _ in shapes]
    pairs = [data.draw(views(d, s, small=True, kind="contig")) for d, s in zip(dtypes, shapes)]
    got = dnp.einsum(subscripts, *[d for _, d in pairs])
    ref = onp.einsum(subscripts, *[h for h, _ in pairs])
    assert got.dtype == ref.dtype and got.shape == ref.shape


ATTENTION = [
    ("bqd,bkd->bqk", [(2, 3, 4), (2, 5, 4)]),
    ("bhqk,bhkd->bhqd", [(2, 3, 4, 5), (2, 3, 5, 6)]),
    ("bqhd,bkhd->bhqk", [(2, 3, 2, 4), (2, 5, 2, 4)]),
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("i,i->", [(4,), (4,)]),
    ("ij->ji", [(3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii->", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("bij,bjk", [(2, 3, 4), (2, 4, 5)]),
    ("iij->ij", [(2, 2, 3)]),
    ("iji,j->i", [(2, 3, 2), (3,)]),
    ("ij,jk->ik", [(2, 1), (3, 4)]),            # a size-1 axis broadcasts, as in NumPy
    (",->", [(), ()]),
    ("i,i", [(0,), (0,)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),
]


@pytest.mark.parametrize("subscripts,shapes", ATTENTION)
def test_einsum_subscripts(subscripts, shapes):
    rng = onp.random.default_rng(0)
    hosts = [rng.uniform(-2, 2, s) for s in shapes]
    assert_same(dnp.einsum(subscripts, *[dnp.array(h) for h in hosts]), onp.asarray(onp.einsum(subscripts, *hosts)))
    if all(onp.prod(s) > 0 for s in shapes):
        check_grad(lambda *xs: dnp.einsum(subscripts, *xs), *hosts)


@given(case=einsum_cases(min_side=1), seed=st.integers(0, 2**32 - 1))
def test_einsum_gradients(case, seed):
    subscripts, shapes = case
    rng = onp.random.default_rng(seed)
    hosts = [rng.uniform(-2, 2, s) for s in shapes]
    # Through views (negative steps), so the composed ops' backward rules meet strided inputs.
    check_grad(lambda *xs: dnp.einsum(subscripts, *[x[::-1] if x.ndim else x for x in xs]), *hosts)


def test_einsum_is_one_gemm_for_attention():
    # 'bqd,bkd->bqk' keeps strided views (no reshape copy of k): the result matches NumPy on
    # non-contiguous operands too.
    q = onp.random.default_rng(1).uniform(-1, 1, (3, 4, 2)).transpose(1, 0, 2)
    k = onp.random.default_rng(2).uniform(-1, 1, (4, 2, 5))[:, ::-1].transpose(0, 2, 1)
    assert_same(dnp.einsum("bqd,bkd->bqk", dnp.array(q)[:, ::-1], dnp.array(k)),
                onp.einsum("bqd,bkd->bqk", q[:, ::-1], k))


@pytest.mark.parametrize("subscripts", ["bhqd,bhkd->bhqk", "bij,bjk->bik", "bhqk,bhkd->bhqd"])
def test_einsum_passes_views_to_one_matmul(monkeypatch, subscripts):
    # Several batch labels stay separate axes: operands whose batch axes do not merge into
    # one stride (swapped, reversed) reach the matrix product as views, not copies.
    import importlib

    einsum_module = importlib.import_module("deepblocks.numpy.einsum")  # the module, not the function

    rng = onp.random.default_rng(3)
    sizes = dict(b=2, h=3, q=4, k=5, d=6, i=4, j=5)
    lhs, rhs = subscripts.split("->")[0].split(",")
    hosts, devs = [], []
    for term in (lhs, rhs):
        base = rng.uniform(-1, 1, tuple(sizes[c] for c in reversed(term)))
        dev = dnp.array(base)
        hosts.append(base.transpose()[::-1])
        devs.append(dev.transpose()[::-1])
    calls = []
    real = einsum_module._core.matmul
    monkeypatch.setattr(einsum_module._core, "matmul", lambda a, b: calls.append((a, b)) or real(a, b))
    assert_same(dnp.einsum(subscripts, *devs), onp.einsum(subscripts, *hosts))
    assert len(calls) == 1
    assert all(shares_memory(a, d) for a, d in zip(calls[0], devs))


BAD = [
    ("ij,jk", [(2, 3)], ["1 were given", "2 operand"]),
    ("ij", [(2, 3), (3,)], ["1 operand", "2 were given"]),
    ("ijk", [(2, 3)], ["(2, 3)", "'ijk'"]),
    ("i", [(2, 3)], ["(2, 3)"]),
    ("ij,jk->ik", [(2, 2), (3, 4)], ["'j'", "(2, 2)", "(3, 4)"]),
    ("ii->i", [(3, 4)], ["(3, 4)", "'i'"]),
    ("ij->ii", [(3, 3)], ["repeat"]),
    ("ij->k", [(3, 3)], ["'k'"]),
    ("i.j", [(2, 3)], ["'.'"]),
    ("i..", [(2, 3)], ["'.'"]),
    ("i1", [(2, 3)], ["'1'"]),
    ("i->i->i", [(2,)], ["'->'"]),
    ("...i->i", [(2, 3)], ["'...'", "(2, 3)"]),
    ("a...b,b...c->ac", [(2, 5, 3), (3, 5, 4)], ["'...'"]),
    ("...i,...i", [(2, 3), (4, 3)], ["'...'", "(2, 3)", "(4, 3)"]),
]


@pytest.mark.parametrize("subscripts,shapes,words", BAD)
def test_einsum_bad_input(subscripts, shapes, words):
    hosts = [onp.ones(s) for s in shapes]
    with pytest.raises(ValueError):
        onp.einsum(subscripts, *hosts)   # NumPy refuses them too
    raises(ValueError, dnp.einsum, subscripts, *[dnp.ones(s) for s in shapes], contains=words)


def test_einsum_other_bad_calls():
    raises(TypeError, dnp.einsum, "i", dnp.ones(2), out=dnp.ones(2))
    raises(TypeError, dnp.einsum, ["i"], dnp.ones(2))
    raises(ValueError, dnp.einsum, "")
    assert dnp.einsum("ij->ji", dnp.ones((2, 3)), optimize=True).shape == (3, 2)
    assert dnp.einsum("ij->ji", dnp.ones((2, 3)), optimize="greedy").shape == (3, 2)


# ---- tensordot ------------------------------------------------------------------------------------------


@st.composite
def tensordot_cases(draw):
    n = draw(st.integers(0, 2))
    summed = [draw(st.integers(0, 3)) for _ in range(n)]
    free_a = [draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, 2)))]
    free_b = [draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        return tuple(free_a + summed), tuple(summed + free_b), n
    # Named axes, in a drawn order and with negative numbers.
    perm = draw(st.permutations(range(len(free_a) + n)))
    shape_a = [0] * len(perm)
    for pos, src in enumerate(perm):
        shape_a[pos] = (free_a + summed)[src]
    axes_a = [perm.index(len(free_a) + i) - (len(perm) if draw(st.booleans()) else 0) for i in range(n)]
    axes_b = list(range(n))
    return tuple(shape_a), tuple(summed + free_b), (axes_a, axes_b)


@given(data=st.data(), case=tensordot_cases(), dtype=st.sampled_from(["float64", "int64", "float32"]))
def test_tensordot_against_numpy(data, case, dtype):
    sa, sb, axes = case
    ha, da = data.draw(views(dtype, sa, small=True))
    hb, db = data.draw(views(dtype, sb, small=True))
    compare(lambda a, b: dnp.tensordot(a, b, axes), lambda a, b: onp.tensordot(a, b, axes), [da, db], [ha, hb],
            rtol=1e-4 if dtype == "float32" else None, atol=1e-3 if dtype == "float32" else 0.0)


def test_tensordot_gradients_and_bad_input():
    rng = onp.random.default_rng(4)
    a, b = rng.uniform(-1, 1, (2, 3, 4)), rng.uniform(-1, 1, (4, 3, 2))
    check_grad(lambda x, y: dnp.tensordot(x, y, axes=([1, 2], [1, 0])), a, b)
    check_grad(lambda x, y: dnp.tensordot(x, y, axes=1), a, b)
    raises(ValueError, dnp.tensordot, dnp.ones((2, 3)), dnp.ones((4, 5)), 1, contains=["(2, 3)", "(4, 5)"])
    raises(ValueError, dnp.tensordot, dnp.ones((2, 3)), dnp.ones((3,)), 2, contains="axes=2")
    raises(ValueError, dnp.tensordot, dnp.ones((2, 3)), dnp.ones((3,)), ([0, 1], [0]))
    raises(ValueError, dnp.tensordot, dnp.ones((2, 3)), dnp.ones((3,)), ([5], [0]), contains="axis 5")
    raises(ValueError, dnp.tensordot, dnp.ones((2, 3)), dnp.ones((3,)), "x")

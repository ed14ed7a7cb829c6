"""Data iterators of MXNet 1.x's ``mxnet.io``: ``NDArrayIter`` over in-memory arrays,
``CSVIter`` over CSV files, ``ResizeIter`` and ``PrefetchingIter`` wrappers, and the
``DataBatch`` / ``DataDesc`` records they yield.

Gluon code loads data with ``gluon.data.DataLoader``; these iterators are for the MXNet 1.x
scripts (Module-era examples, many tutorials) that step through ``mx.io.NDArrayIter``.

>>> import numpy as onp
>>> from deepblocks import io
>>> it = io.NDArrayIter(onp.arange(10.0).reshape(5, 2), onp.arange(5), batch_size=2)
>>> [(b.data[0].shape, b.label[0].asnumpy().tolist(), b.pad) for b in it]
[((2, 2), [0.0, 1.0], 0), ((2, 2), [2.0, 3.0], 0), ((2, 2), [4.0, 0.0], 1)]
"""

import collections

import numpy as _onp

from .base import MXNetError

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "CSVIter", "ResizeIter", "PrefetchingIter"]


class DataDesc(collections.namedtuple("DataDesc", ["name", "shape"])):
    """The name, shape, dtype and layout of one input of a batch.

    >>> DataDesc('data', (2, 3))
    DataDesc[data,(2, 3),<class 'numpy.float32'>,NCHW]
    """

    def __new__(cls, name, shape, dtype=_onp.float32, layout="NCHW"):
        desc = super().__new__(cls, name, shape)
        desc.dtype = dtype
        desc.layout = layout
        return desc

    def __repr__(self):
        return f"DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]"

    @staticmethod
    def get_batch_axis(layout):
        """The batch axis of ``layout`` (the position of ``N``; 0 for None)."""
        return 0 if layout is None else layout.find("N")

    @staticmethod
    def get_list(shapes, types):
        """``DataDesc`` records from ``(name, shape)`` pairs and optional ``(name, dtype)`` pairs."""
        if types is not None:
            dtypes = dict(types)
            return [DataDesc(name, shape, dtypes[name]) for name, shape in shapes]
        return [DataDesc(name, shape) for name, shape in shapes]


class DataBatch:
    """One batch: lists of data and label arrays, how many trailing samples are padding,
    and optional indices, bucket key and descriptions."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        for what, value in (("data", data), ("label", label)):
            if value is not None and not isinstance(value, (list, tuple)):
                raise TypeError(f"DataBatch: {what} must be a list of arrays, got {type(value).__name__}")
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data = [d.shape for d in self.data]
        label = None if self.label is None else [l.shape for l in self.label]
        return f"{type(self).__name__}: data shapes: {data} label shapes: {label}"


class DataIter:
    """The base class of iterators: Python iteration over ``next()``, which a subclass gives
    through ``iter_next``/``getdata``/``getlabel``/``getpad``/``getindex`` or directly."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Starts the next pass over the data."""

    def next(self):
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Moves to the next batch; False at the end of the data."""
        raise NotImplementedError()

    def getdata(self):
        raise NotImplementedError()

    def getlabel(self):
        return None

    def getindex(self):
        return None

    def getpad(self):
        raise NotImplementedError()


def _named_arrays(data, default_name, allow_empty):
    """``[(name, NDArray)]`` sorted by name, from one array, a list or a dict of arrays (MXNet
    names list entries ``_0_data``, ``_1_data``, ...)."""
    from . import ndarray as nd
    if data is None:
        if not allow_empty:
            raise ValueError("NDArrayIter: data is required")
        return []
    if isinstance(data, (list, tuple)):
        if not data and not allow_empty:
            raise ValueError("NDArrayIter: data is an empty list")
        data = {default_name: data[0]} if len(data) == 1 else {
            f"_{i}_{default_name}": d for i, d in enumerate(data)}
    elif not isinstance(data, dict):
        data = {default_name: data}
    named = []
    for name, value in sorted(data.items()):
        if not isinstance(value, nd.NDArray):
            try:
                # nd.array's rule, as MXNet: NumPy input of any dtype becomes float32
                value = nd.array(value.asnumpy() if hasattr(value, "asnumpy") else value)
            except (TypeError, ValueError) as err:
                raise TypeError(f"NDArrayIter: invalid type {type(value).__name__} for {name!r}; "
                                "expected an array, a list of arrays or a dict of arrays") from err
        named.append((name, value))
    return named


class NDArrayIter(DataIter):
    """Batches of in-memory arrays along their first axis.

    Parameters
    ----------
    data, label : array, list of arrays or dict of name to array
        NumPy or deepblocks arrays with equal first dimensions; ``label`` may be None.
    batch_size : int
    shuffle : bool
        Reorder the samples (NumPy's global generator, as MXNet) at construction and at each
        ``reset``.
    last_batch_handle : {'pad', 'discard', 'roll_over'}
        The last, short batch is filled up with samples from the start (``pad`` counts them),
        dropped, or carried over to start the next pass.
    data_name, label_name : str
        The names in ``provide_data`` / ``provide_label``.

    Unlike MXNet, which accepts them silently, data and labels of different lengths and an
    unknown ``last_batch_handle`` raise ValueError here.

    >>> import numpy as onp
    >>> it = NDArrayIter(onp.arange(5.0), batch_size=2, last_batch_handle='roll_over')
    >>> [b.data[0].asnumpy().tolist() for b in it]
    [[0.0, 1.0], [2.0, 3.0]]
    >>> it.reset(); [(b.data[0].asnumpy().tolist(), b.pad) for b in it]
    [([4.0, 0.0], 1), ([1.0, 2.0], 0), ([3.0, 4.0], 0)]
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label", layout="NCHW"):
        super().__init__(batch_size)
        if last_batch_handle not in ("pad", "discard", "roll_over"):
            raise ValueError(f"NDArrayIter: last_batch_handle must be 'pad', 'discard' or 'roll_over', "
                             f"got {last_batch_handle!r}")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"NDArrayIter: batch_size must be a positive int, got {batch_size!r}")
        self.data = _named_arrays(data, data_name, allow_empty=False)
        self.label = _named_arrays(label, label_name, allow_empty=True)
        self.layout = layout
        self._axis = DataDesc.get_batch_axis(layout)
        lengths = {name: v.shape[self._axis] for name, v in self.data + self.label}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"NDArrayIter: inputs differ in length along the batch axis: {lengths}")
        self.num_data = next(iter(lengths.values()))
        self.idx = _onp.arange(self.num_data)
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.data_list = [v for _, v in self.data] + [v for _, v in self.label]
        self.num_source = len(self.data_list)
        # The cursor is the first sample of the current batch; a negative cursor in roll_over
        # mode means the batch starts with the -cursor samples left over from the last pass.
        self.cursor = -batch_size
        self._carry = None
        self.reset()

    def _describe(self, named):
        return [DataDesc(name, v.shape[:self._axis] + (self.batch_size,) + v.shape[self._axis + 1:],
                         v.dtype, layout=self.layout) for name, v in named]

    @property
    def provide_data(self):
        """``DataDesc`` of each data input, with the batch size in the batch axis."""
        return self._describe(self.data)

    @property
    def provide_label(self):
        """``DataDesc`` of each label input."""
        return self._describe(self.label)

    def hard_reset(self):
        """Starts over, dropping any rolled-over samples."""
        self._shuffle()
        self.cursor = -self.batch_size
        self._carry = None

    def reset(self):
        self._shuffle()
        leftover = self.num_data - self.cursor
        if self.last_batch_handle == "roll_over" and 0 < leftover < self.batch_size:
            self.cursor = -leftover - self.batch_size
        else:
            self.cursor = -self.batch_size

    def _shuffle(self):
        if self.shuffle:
            _onp.random.shuffle(self.idx)

    def iter_next(self):
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self):
        if not self.iter_next():
            raise StopIteration
        data, label = self.getdata(), self.getlabel()
        if data[0].shape[self._axis] != self.batch_size:
            # a short last batch (discard / roll_over): kept for the next pass
            self._carry = (data, label)
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _rows(self, array, start, stop):
        """Samples ``start:stop`` of the (possibly shuffled) order, as one array."""
        from . import ndarray as nd
        if not self.shuffle:
            key = (slice(None),) * self._axis + (slice(start, stop),)
            return array[key]
        take = nd.array(self.idx[start:stop], dtype="int64")
        return nd.take(array, take, axis=self._axis)

    def _batch(self, which):
        from . import ndarray as nd
        named = self.data if which == 0 else self.label
        if not named:
            return []
        arrays = [v for _, v in named]
        n, b, c = self.num_data, self.batch_size, self.cursor
        if c >= n:
            raise MXNetError("NDArrayIter: the iterator is at its end; call reset()")
        if self.last_batch_handle == "roll_over" and -b < c < 0:
            if self._carry is None:
                raise MXNetError("NDArrayIter: no rolled-over samples to start this pass with")
            head = self._carry[which]
            if which == 1 or not self.label:
                self._carry = None
            return [nd.concat(h, self._rows(a, 0, c + b), dim=self._axis) for h, a in zip(head, arrays)]
        if self.last_batch_handle == "pad" and c + b > n:
            pad = c + b - n
            # wrap around to the start, as many times as the padding needs
            pieces = [[self._rows(a, c, n)] for a in arrays]
            while pad > 0:
                take = min(pad, n)
                for p, a in zip(pieces, arrays):
                    p.append(self._rows(a, 0, take))
                pad -= take
            return [nd.concat(*p, dim=self._axis) for p in pieces]
        return [self._rows(a, c, min(c + b, n)) for a in arrays]

    def getdata(self):
        return self._batch(0)

    def getlabel(self):
        return self._batch(1)

    def getpad(self):
        c, b, n = self.cursor, self.batch_size, self.num_data
        if self.last_batch_handle == "pad" and c + b > n:
            return c + b - n
        if self.last_batch_handle == "roll_over" and -b < c < 0:
            return -c
        return 0


class CSVIter(NDArrayIter):
    """Batches of rows of a CSV file of numbers (MXNet's ``CSVIter``): each row is reshaped to
    ``data_shape`` (and ``label_shape``; ``(1,)`` gives one number per sample); without
    ``label_csv`` the labels are zeros. A short last batch is filled up with rows from the
    start and ``pad`` counts them; with ``round_batch=False`` MXNet reports the same ``pad``
    but leaves stale rows in the filled-up places, which deepblocks does not reproduce."""

    def __init__(self, data_csv, data_shape, label_csv=None, label_shape=(1,), batch_size=1,
                 round_batch=True, dtype="float32", **kwargs):
        unknown = set(kwargs) - {"prefetch_buffer", "ctx", "dtype", "shuffle", "seed"}
        if unknown:
            raise TypeError(f"CSVIter: unexpected keyword argument(s) {sorted(unknown)}")
        data = self._read(data_csv, data_shape, dtype)
        label_shape = tuple(label_shape)
        label = (self._read(label_csv, label_shape, dtype) if label_csv is not None
                 else _onp.zeros((data.shape[0],) + label_shape, dtype=dtype))
        if label_shape == (1,):
            label = label.reshape(-1)
        super().__init__(data, label, batch_size=batch_size, last_batch_handle="pad",
                         data_name="data", label_name="softmax_label")

    @staticmethod
    def _read(path, shape, dtype):
        import os
        import stat
        # a FIFO or device would block or never end: refuse before opening
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ValueError(f"CSVIter: {path!r} is not a regular file")
        rows = _onp.loadtxt(path, delimiter=",", dtype=dtype, ndmin=2)
        shape = tuple(shape)
        size = int(_onp.prod(shape))
        if rows.shape[1] != size:
            raise ValueError(f"CSVIter: rows of {path!r} have {rows.shape[1]} values, "
                             f"but data_shape {shape} needs {size}")
        return rows.reshape((rows.shape[0],) + shape)


class _WrappingIter(DataIter):
    """An iterator over other iterators' batches: ``iter_next`` sets ``current_batch``, and
    the getters read it."""

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class ResizeIter(_WrappingIter):
    """``size`` batches per pass from ``data_iter``, restarting it when it runs out
    (and at ``reset`` when ``reset_internal``)."""

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__(data_iter.batch_size)
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.default_bucket_key = getattr(data_iter, "default_bucket_key", None)

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True



class PrefetchingIter(_WrappingIter):
    """Batches of one or more iterators side by side (their data and labels concatenated
    into one list), fetched one step ahead in a background thread.

    ``rename_data`` / ``rename_label``: one dict per iterator renaming its inputs.
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        import concurrent.futures
        iters = list(iters) if isinstance(iters, (list, tuple)) else [iters]
        if not iters:
            raise ValueError("PrefetchingIter: needs at least one iterator")
        super().__init__(iters[0].batch_size)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._pending = None
        self.current_batch = None
        self._prefetch()

    def _renamed(self, descs, renames):
        if renames is None:
            return [d for descs_i in descs for d in descs_i]
        return [DataDesc(r.get(d.name, d.name), d.shape, d.dtype, d.layout)
                for r, descs_i in zip(renames, descs) for d in descs_i]

    @property
    def provide_data(self):
        return self._renamed([i.provide_data for i in self.iters], self.rename_data)

    @property
    def provide_label(self):
        return self._renamed([i.provide_label for i in self.iters], self.rename_label)

    def _fetch(self):
        batches = []
        for it in self.iters:
            try:
                batches.append(it.next())
            except StopIteration:
                return None
        return batches

    def _prefetch(self):
        self._pending = self._pool.submit(self._fetch)

    def reset(self):
        self._pending.result()
        for it in self.iters:
            it.reset()
        self._prefetch()

    def iter_next(self):
        batches = self._pending.result()
        if batches is None:
            return False
        self.current_batch = DataBatch(
            data=[d for b in batches for d in b.data],
            label=[l for b in batches for l in (b.label or [])],
            pad=batches[0].pad, index=batches[0].index,
            provide_data=self.provide_data, provide_label=self.provide_label)
        self._prefetch()
        return True


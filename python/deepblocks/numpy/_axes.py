"""NumPy's axis normalizers (``normalize_axis_index``/``normalize_axis_tuple``: negative axes
counted from the end, NumPy's AxisError out of range), imported from where the installed
NumPy keeps them: ``numpy.lib.array_utils`` from NumPy 2, ``numpy.core`` before."""

try:
    from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple
except ImportError:  # NumPy 1.x
    from numpy.core.multiarray import normalize_axis_index  # type: ignore[no-redef]
    from numpy.core.numeric import normalize_axis_tuple  # type: ignore[no-redef]

__all__ = ["normalize_axis_index", "normalize_axis_tuple"]

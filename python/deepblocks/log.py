"""``mx.log``: loggers with MXNet's compact, coloured line format
(``I1207 23:10:05 4242 train.py:main:12] message``).

>>> import logging
>>> from deepblocks import log
>>> logger = log.get_logger("demo", level=log.INFO)
>>> logger.level == logging.INFO and len(logger.handlers) == 1
True
"""

import logging
import warnings

from logging import CRITICAL, DEBUG, ERROR, INFO, NOTSET, WARNING  # noqa: F401 (MXNet re-exports them)

__all__ = ["get_logger", "getLogger", "CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET"]

_LABELS = {CRITICAL: "C", ERROR: "E", WARNING: "W", INFO: "I", DEBUG: "D"}


class _Formatter(logging.Formatter):
    """One letter for the level, then date, process, place and message; red from warnings up,
    green for information, blue below."""

    def __init__(self):
        super().__init__(datefmt="%m%d %H:%M:%S")

    def format(self, record):
        level = record.levelno
        color = "\x1b[31m" if level >= WARNING else "\x1b[32m" if level >= INFO else "\x1b[34m"
        self._style._fmt = (color + _LABELS.get(level, "U")
                            + "%(asctime)s %(process)d %(pathname)s:%(funcName)s:%(lineno)d]\x1b[0m %(message)s")
        return super().format(record)


def get_logger(name=None, filename=None, filemode=None, level=WARNING):
    """A logger named ``name`` at ``level`` that writes to ``filename`` (opened with
    ``filemode``, default append) or to stderr, in MXNet's format. Asking again for the same
    name adds no second handler."""
    logger = logging.getLogger(name)
    if name is not None and not getattr(logger, "_init_done", False):
        logger._init_done = True
        if filename:
            handler = logging.FileHandler(filename, filemode or "a")
        else:
            handler = logging.StreamHandler()
        handler.setFormatter(_Formatter())
        logger.addHandler(handler)
    logger.setLevel(level)
    return logger


def getLogger(name=None, filename=None, filemode=None, level=WARNING):  # noqa: N802 (MXNet's name)
    """Deprecated name of ``get_logger``."""
    warnings.warn("getLogger is deprecated, Use get_logger instead.", DeprecationWarning, stacklevel=2)
    return get_logger(name, filename, filemode, level)

"""Progress bars for long loops: tqdm's when tqdm is installed, else a small built-in one.

The built-in ``Bar`` follows tqdm's interface as far as the demo uses it (``update``,
``set_postfix``, ``close``, ``with``). On a terminal it redraws one line in place (``\\r``);
anywhere else (a CI log, a pipe) it writes plain lines instead: one when the bar is closed,
and one every ``interval`` seconds before that, so a long loop still shows signs of life.

>>> import io
>>> log = io.StringIO()                      # not a terminal: plain lines
>>> with Bar(total=46, desc="epoch 1/20", unit="batch", file=log) as bar:
...     for _ in range(46):
...         bar.update()
...     bar.set_postfix({"loss": "0.2500", "acc": "0.930"})
>>> print(log.getvalue(), end="")  # doctest: +ELLIPSIS
epoch 1/20: 46/46 batches [0...s] loss=0.2500, acc=0.930
"""

import sys
import time

__all__ = ["Bar", "progress_bar"]


def progress_bar(total, desc, unit="it", file=None):
    """A bar for ``total`` steps: tqdm's when ``import tqdm`` works, else ``Bar``. Either way
    it writes to ``file`` (default: standard error)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return Bar(total, desc, unit, file)
    return tqdm(total=total, desc=desc, unit=unit, file=file, leave=True, dynamic_ncols=True)


class Bar:
    """A text progress bar for ``total`` steps of a loop.

    Parameters
    ----------
    total : int
        The number of steps.
    desc : str
        Written at the start of the line (``"epoch 3/20"``).
    unit : str
        The name of a step (``"batch"``: ``46/46 batches``).
    file : text stream, default ``sys.stderr``
        Where the bar goes; whether it is a terminal decides how (see the module docstring).
    interval : float
        Not on a terminal: seconds between two intermediate lines.
    """

    width = 24  # characters of the bar itself, on a terminal
    _redraw = 0.1  # seconds between two redraws on a terminal

    def __init__(self, total, desc="", unit="it", file=None, interval=10.0):
        self.total = total
        self.desc = desc
        self.unit = unit
        self.n = 0
        self.postfix = ""
        self._file = sys.stderr if file is None else file
        self._tty = _isatty(self._file)
        self._interval = interval
        self._start = time.perf_counter()
        self._last = self._start  # when the last line or redraw was written
        self._shown = 0  # length of the line on the terminal, to blank what is left of it
        self._closed = False
        if self._tty:
            self._draw()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def update(self, n=1):
        """Counts ``n`` more steps done."""
        self.n += n
        now = time.perf_counter()
        if self._tty:
            if now - self._last >= self._redraw or self.n >= self.total:
                self._draw()
        elif now - self._last >= self._interval and self.n < self.total:
            self._line()

    def set_postfix(self, ordered_dict=None, refresh=True, **values):
        """Shows ``name=value`` pairs after the counts (those of ``ordered_dict`` in their
        order, then ``values``), at once when ``refresh``, else at the next redraw: tqdm's
        call."""
        pairs = {**(ordered_dict or {}), **values}
        self.postfix = ", ".join(f"{k}={v}" for k, v in pairs.items())
        if self._tty and refresh:
            self._draw()

    def close(self):
        """Writes the final state and ends the line."""
        if self._closed:
            return
        self._closed = True
        if self._tty:
            self._draw()
            self._file.write("\n")
            self._file.flush()
        else:
            self._line()

    def elapsed_text(self):
        """The time since the bar was made, as the bar shows it (``12.3s`` or ``2:05``)."""
        s = time.perf_counter() - self._start
        return f"{s:.1f}s" if s < 60 else f"{int(s // 60)}:{int(s % 60):02d}"

    def _counts(self):
        units = self.unit if self.total == 1 else _plural(self.unit)
        return f"{self.n}/{self.total} {units}"

    def _line(self):
        tail = f" {self.postfix}" if self.postfix else ""
        self._file.write(f"{self.desc}: {self._counts()} [{self.elapsed_text()}]{tail}\n")
        self._file.flush()
        self._last = time.perf_counter()

    def _draw(self):
        done = min(self.n / self.total, 1.0) if self.total else 1.0
        filled = int(done * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        tail = f" {self.postfix}" if self.postfix else ""
        text = f"{self.desc}: {done:4.0%} [{bar}] {self._counts()} [{self.elapsed_text()}]{tail}"
        pad = " " * max(0, self._shown - len(text))
        self._file.write("\r" + text + pad)
        self._file.flush()
        self._shown = len(text)
        self._last = time.perf_counter()


def _plural(noun):
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _isatty(file):
    try:
        return file.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False

"""``gluon.data.text``: the short public-domain text that deepblocks ships for sequence models.

MXNet 1.9.1 has no ``gluon.data.text``; this is a deepblocks addition so that the language
models of *Dive into Deep Learning* (and ``examples/char_lstm.py``) have a corpus without a
download. ``timemachine.txt`` beside this module holds the opening chapters (I to III) of
H. G. Wells' *The Time Machine* (1895, public domain; Project Gutenberg eBook #35, the edition
the book uses); README.txt says where it came from.

>>> from deepblocks.gluon.data import text
>>> book = text.load_time_machine()
>>> book.splitlines()[0]
'The Time Machine, by H. G. Wells [1898]'
>>> len(book)
40136
>>> text.load_time_machine(lower=True, letters_only=True)[:40]
'the time machine by h g wells i the time'
"""

import os
import re

__all__ = ["load_time_machine", "TIME_MACHINE_PATH"]

TIME_MACHINE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timemachine.txt")


def load_time_machine(lower=False, letters_only=False):
    """The text of ``timemachine.txt`` as one string (40,136 ASCII characters, lines ending
    in ``\\n``).

    ``letters_only=True`` does what the book's ``read_time_machine`` does to each line:
    every run of characters other than A-Z and a-z becomes one space (line ends included,
    so the result is one line), with no space at either end. ``lower=True`` lower-cases.

    >>> load_time_machine(letters_only=True)[:16]
    'The Time Machine'
    """
    # Read as ASCII on purpose: the file is plain ASCII, and this keeps the result the
    # same whatever the platform's default encoding is.
    with open(TIME_MACHINE_PATH, encoding="ascii") as f:
        book = f.read()
    if letters_only:
        book = re.sub("[^A-Za-z]+", " ", book).strip()
    if lower:
        book = book.lower()
    return book

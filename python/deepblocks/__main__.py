"""``python -m deepblocks``: the ``deepblocks`` command (``demo``, ``info``, ``bench``,
``cuda-check``; see ``deepblocks.cli``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m deepblocks"))

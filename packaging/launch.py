"""The built app's entry point: the same as the ``nnstudio`` command."""

import sys

from nnstudio.__main__ import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m nnstudio`` and the ``nnstudio`` command."""

import sys

from nnstudio.cli import main as _cli_main


def main() -> int:
    return _cli_main()


if __name__ == "__main__":
    sys.exit(main())

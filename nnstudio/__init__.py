"""nnstudio: build a neural network by hand and watch it think."""

import os

# One BLAS thread unless the person asks for more. The studio's matrices are small and its training steps
# many: OpenBLAS's threads cost more than they bring (training digits-wide from the command line: 13.8k
# samples/s on one thread, 6.9k on two; the ConvNet example: 975 against 146 on a busy machine). Set here,
# before anything imports numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

"""nnstudio: build a neural network by hand and watch it think."""

__version__ = "0.1.0"

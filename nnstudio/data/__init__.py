"""Datasets: the pixel-pattern sets, the MNIST digits, loaders for a user's own data, image preprocessing."""

from .dataset import DataError, Dataset, one_hot

__all__ = ["DataError", "Dataset", "one_hot"]

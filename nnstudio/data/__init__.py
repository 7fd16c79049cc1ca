"""Datasets: the XOR truth table and the pixel-pattern sets, the MNIST digits, loaders for a user's own data, image preprocessing."""

from .dataset import DataError, Dataset, one_hot
from .digits import digits, digits_test, digits_train, split_indices
from .idx import read_idx, write_idx
from .loaders import BUILTIN_DATASETS, load_csv, load_dataset, load_idx, load_image_folder
from .patterns import four_pixel, four_pixel_canonical, shapes3x3, xor_truth_table
from .preprocess import default_value_range, load_grayscale_image, to_input_grid

__all__ = [
    "BUILTIN_DATASETS",
    "DataError",
    "Dataset",
    "default_value_range",
    "digits",
    "digits_test",
    "digits_train",
    "four_pixel",
    "four_pixel_canonical",
    "load_csv",
    "load_dataset",
    "load_grayscale_image",
    "load_idx",
    "load_image_folder",
    "one_hot",
    "read_idx",
    "shapes3x3",
    "split_indices",
    "to_input_grid",
    "write_idx",
    "xor_truth_table",
]

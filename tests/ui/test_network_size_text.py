"""The status bar's size of a network counts what it is made of, kernels too."""

from nnstudio.examples import load_example
from nnstudio.ui.network_status import network_size_text


def test_a_convolutional_network_counts_its_kernels_beside_its_connections():
    text = network_size_text(load_example("digits-convnet").network)
    assert text == "14,874 neurons, 5,120 connections, 48 kernels (13,200 weights)"  # 16x1x5x5 + 32x16x5x5


def test_a_network_without_kernels_says_nothing_of_them():
    assert network_size_text(load_example("xor-single").network) == "3 neurons, 2 connections"

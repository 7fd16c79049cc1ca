"""Training and test error on one plot: the test curve is the held-out half's error at each epoch's end."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from nnstudio.data import load_dataset
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import TrainSettings, evaluate

from .test_training_panel import four_pixel_document, panel_with  # noqa: F401 - the fixture


def digits_document(epochs: int = 3, hidden: int = 4) -> Document:
    """A small 784-4-10 network that trains on digits:train in a second or two."""
    rng = np.random.default_rng(0)
    pixels = [Neuron(f"px{k}", Role.INPUT) for k in range(784)]
    middle = [Neuron(f"h{k}", Role.HIDDEN, "sigmoid") for k in range(hidden)]
    digits = [Neuron(f"d{k}", Role.OUTPUT, "sigmoid", label=str(k)) for k in range(10)]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-0.1, 0.1)))
        for upper, lower in ((pixels, middle), (middle, digits))
        for a in upper
        for b in lower
    ]
    return Document(
        Network.from_parts(pixels + middle + digits, edges),
        grid=(28, 28),
        value_range=(0.0, 1.0),
        training_data="digits:train",
        training=TrainSettings(epochs=epochs, learning_rate=1.0, batch_size=100, seed=0),
    )


def test_the_test_curve_is_the_held_out_error_of_each_epochs_weights(panel_with, qtbot):  # noqa: F811
    panel, live, stack = panel_with(digits_document())
    with qtbot.waitSignal(panel.controller.ended, timeout=60_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "completed"
    train_x, train_y = panel.plot.epoch_losses()
    test_x, test_y = panel.plot.test_losses()
    assert len(train_x) == len(test_x) == 3 and np.array_equal(train_x, test_x)
    # Each test point is the error, on digits:test, of the weights the run had at that epoch's end.
    history = panel.controller.history
    held_out = load_dataset("digits:test")
    network = live.document.network.copy()
    plan = compile_network(network)
    for epoch, drawn in zip((1, 2, 3), test_y, strict=True):
        plan.restore(history.at_epoch(epoch).parameters)
        loss, _, _ = evaluate(plan, held_out.inputs, held_out.targets, LOSSES["squared"])
        assert np.isclose(drawn, loss, rtol=1e-6)
        assert history.at_epoch(epoch).test_loss == drawn
    # Going back to an epoch's end says its test error too.
    index = next(i for i, s in enumerate(history) if s.epoch == 2 and s.epoch_end)
    panel.timeline.show_point(index)
    assert f"test error {test_y[1]:.3g}" in panel.timeline.label.text()
    panel.timeline.back_to_now()
    key = panel.plot.key_text()
    assert "epoch average" in key and "▲ test set" in key and "No test curve" not in key
    # Accuracy is shown for the classes, the test set's too.
    assert panel.plot.accuracy_plot.isVisible()
    assert panel.plot.test_accuracy_curve.getData()[0] is not None


def test_without_a_test_half_the_key_says_why_there_is_no_test_curve(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    document.training = TrainSettings(epochs=3, learning_rate=0.02, seed=3)
    panel, live, stack = panel_with(document)
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert len(panel.plot.test_losses()[0]) == 0
    # The dataset is named as the dataset box names it.
    assert (
        "No test curve: Four-pixel camera: all 16 images has no held-out test half" in panel.plot.key_text()
    )

"""The Samples panel on a set with samples of no class: each is called "none" (never the last class), and
the count names them, so its total adds up."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from nnstudio.data import load_dataset
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.samples import NO_CLASS, SamplesPanel

from .test_pad_samples import four_pixel_document


def test_samples_of_no_class_are_named_and_counted(qtbot):
    document = four_pixel_document()
    document.dataset = load_dataset("four-pixel")
    live = LiveNetwork(document)
    panel = SamplesPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    panel.show()
    texts = [panel.list.item(k).text() for k in range(panel.list.count())]
    assert texts.count(NO_CLASS) == 8 and texts.count("horizontal") == 2
    assert panel.count_label.text() == (
        "16 samples: 2 solid, 2 vertical, 2 diagonal, 2 horizontal, 8 of no class"
    )
    live.detach()

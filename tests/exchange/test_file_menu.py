"""File > Export Network... and File > Import Network... in the window, as a person uses them."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from nnstudio.examples import load_example
from nnstudio.exchange.onnx_export import export_onnx

from .networks import our_outputs, sample_inputs


def _file_menu_texts(window) -> list[str]:
    menu = window.findChild(QMenu, "fileMenu")
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_the_file_menu_has_export_and_import_after_the_pictures(window):
    texts = _file_menu_texts(window)
    at = texts.index("Export Network...")
    assert texts[at - 1].startswith("Export") and texts[at + 1] == "Import Network..."


def test_export_as_onnx_and_as_a_script_from_the_menu(window, tmp_path, monkeypatch):
    pytest.importorskip("onnx")
    action = window.findChild(QAction, "action_export_network")
    for name in ("camera.onnx", "camera.py"):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        action.trigger()
        assert target.exists()
        assert window.statusBar().currentMessage().startswith(f"Exported {name}")
    assert "def forward(x):" in (tmp_path / "camera.py").read_text()


def test_import_opens_the_model_as_a_new_network(window, tmp_path, monkeypatch):
    pytest.importorskip("onnx")
    original = load_example("digits-wide")
    export_onnx(original, tmp_path / "wide.onnx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "wide.onnx"), ""))
    window.findChild(QAction, "action_import_network").trigger()
    assert window.document.title == original.title
    assert window.statusBar().currentMessage() == (
        "Imported wide.onnx as a 784-100-10 network; save it to keep it"
    )
    x = sample_inputs(original, 8)
    assert np.abs(our_outputs(window.document, x) - our_outputs(original, x)).max() <= 1e-6


def test_a_model_that_cannot_come_in_says_why_and_keeps_the_network(window, tmp_path, monkeypatch):
    pytest.importorskip("onnx")
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a model at all")
    said: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))
    before = window.document
    window.findChild(QAction, "action_import_network").trigger()
    assert said == [
        "broken.onnx could not be imported.\n\nbroken.onnx is not an ONNX model (it could not be read as one)"
    ]
    assert window.document is before

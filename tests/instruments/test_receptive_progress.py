"""Long receptive-field work, as a person meets it in the gallery: a progress bar that counts the layer's neurons
up to the last while their tiles come a piece at a time, a Cancel button that stops the work and says so, another layer chosen mid-work showing only
that layer, and a gallery closed mid-work leaving no busy pointer. The engine tells how far it is after each
piece of work, and the fields are the same whether anyone listens or not.

The climb is held at a gate the test opens a piece at a time, so nothing depends on how fast the machine is."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

import nnstudio.engine.receptive as receptive
from nnstudio.app import create_main_window
from nnstudio.document.builders import conv_network, dense_network, parse_network_spec
from nnstudio.document.fileformat import save_document
from nnstudio.document.model import Document
from nnstudio.engine.plan import compile_network
from nnstudio.engine.receptive import Stopped, channel_fields, receptive_fields
from nnstudio.ui.instruments.receptive_gallery import PIECE, ReceptiveGallery

# Neurons of the climbed second layer: three pieces of PIECE.
CLIMBED = 3 * PIECE


# ---------------------------------------------------------------------------------------------- engine
@pytest.fixture(scope="module")
def dense_plan():
    network = dense_network([25, 4, 6, 3], "tanh", seed=3, grid=(5, 5))
    return compile_network(network, np.float64)


def same_fields(a: dict, b: dict) -> bool:
    return list(a) == list(b) and all(
        np.array_equal(a[n].pattern, b[n].pattern)
        and a[n].activation == b[n].activation
        and np.array_equal(a[n].indifferent, b[n].indifferent)
        and a[n].method == b[n].method
        for n in a
    )


def test_the_engine_counts_the_neurons_done_and_the_fields_are_the_same_without_listening(dense_plan):
    ids = dense_plan.levels[2].ids + dense_plan.levels[3].ids  # 6 + 3 neurons, all climbed
    told: list[tuple[int, int]] = []
    pieces: list[dict] = []
    heard = receptive_fields(
        dense_plan,
        ids,
        (0.0, 1.0),
        piece=2,
        progress=lambda done, total: told.append((done, total)),
        found=pieces.append,
    )
    quiet = receptive_fields(dense_plan, ids, (0.0, 1.0), piece=2)
    assert same_fields(heard, quiet)
    # Each piece's fields are handed over as it is done, and they are the fields of the end.
    assert [len(p) for p in pieces] == [2, 2, 2, 2, 1]
    assert same_fields({n: f for p in pieces for n, f in p.items()}, heard)
    done = [d for d, _t in told]
    assert {t for _d, t in told} == {len(ids)}
    assert len(told) > 2 and done == sorted(done) and len(set(done)) == len(done)
    assert done[-1] == len(ids)


def test_the_engine_counts_feature_maps_too_and_stops_when_asked():
    plan = compile_network(conv_network(parse_network_spec("10x10-c3k3-p2-c4k3-4"), seed=1), np.float64)
    images = np.random.default_rng(0).uniform(0.0, 1.0, (60, 100))
    told: list[int] = []
    heard = channel_fields(
        plan, 3, (0.0, 1.0), images, piece=1, progress=lambda done, _total: told.append(done)
    )
    quiet = channel_fields(plan, 3, (0.0, 1.0), images, piece=1)
    assert told == [1, 2, 3, 4]
    assert same_fields({m.neuron: m.field for m in heard}, {m.neuron: m.field for m in quiet})
    assert all(np.array_equal(h.strongest, q.strongest) for h, q in zip(heard, quiet, strict=True))

    told.clear()
    with pytest.raises(Stopped):
        channel_fields(
            plan,
            3,
            (0.0, 1.0),
            images,
            piece=1,
            progress=lambda done, _total: told.append(done),
            should_stop=lambda: len(told) >= 2,
        )
    assert told == [1, 2]


# ---------------------------------------------------------------------------------------------- gallery
class Gate:
    """Holds each climb of a piece until the test lets one through."""

    def __init__(self, monkeypatch) -> None:
        self._permits = threading.Semaphore(0)
        climb = receptive._by_ascent

        def held(*args, **kwargs):
            self._permits.acquire(timeout=20)
            return climb(*args, **kwargs)

        monkeypatch.setattr(receptive, "_by_ascent", held)

    def open(self, pieces: int = 1) -> None:
        self._permits.release(pieces)


def workers_done() -> bool:
    return not any(t.name == "receptive-fields" and t.is_alive() for t in threading.enumerate())


@pytest.fixture
def studio(qtbot, tmp_path):
    network = dense_network([100, 6, CLIMBED, 3], "tanh", seed=2, grid=(10, 10))
    path = tmp_path / "climbed.nnet"
    save_document(Document(network, grid=(10, 10), value_range=(0.0, 1.0)), path)
    window = create_main_window(path)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.findChild(QAction, "receptiveGalleryAction").trigger()
    gallery = window.findChild(ReceptiveGallery, "receptiveGallery")
    qtbot.waitExposed(gallery)
    qtbot.waitUntil(lambda: not gallery.busy, timeout=30_000)
    yield window, gallery
    gallery.close()
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
    window.deleteLater()


def choose_layer(qtbot, gallery, key=Qt.Key.Key_Down) -> None:
    gallery.layer_box.setFocus()
    qtbot.keyClick(gallery.layer_box, key)


def test_long_work_shows_progress_up_to_the_last_neuron(studio, qtbot, monkeypatch):
    window, gallery = studio
    gate = Gate(monkeypatch)
    assert not gallery.progress.isVisible()  # the first layer is read off the weights: no bar
    choose_layer(qtbot, gallery)
    assert gallery.busy
    assert gallery.progress.isVisible() and gallery.cancel_button.isVisible()
    assert gallery.progress.maximum() == CLIMBED
    assert gallery.progress.text() == f"0 of {CLIMBED} neurons"
    assert gallery.message.text() == f"Finding the fields of {CLIMBED} neurons..."
    assert gallery.tiles == {}  # the first layer's tiles are gone: they would read as this layer's
    seen: list[int] = []
    gallery.progress.valueChanged.connect(seen.append)
    gate.open()
    qtbot.waitUntil(lambda: gallery.progress.value() == PIECE, timeout=20_000)
    assert gallery.progress.text() == f"{PIECE} of {CLIMBED} neurons"
    second = window.live.plan.levels[2].ids
    assert list(gallery.tiles) == second[:PIECE]  # the tiles that are done show while the rest are climbed
    gate.open(2)
    qtbot.waitUntil(lambda: not gallery.busy, timeout=20_000)
    assert seen == sorted(seen) and seen[-1] == CLIMBED
    assert not gallery.progress.isVisible() and not gallery.cancel_button.isVisible()
    assert set(gallery.tiles) == set(window.live.plan.levels[2].ids)
    assert "gradient ascent" in gallery.message.text()


def test_cancel_stops_the_work_and_says_so(studio, qtbot, monkeypatch):
    window, gallery = studio
    gate = Gate(monkeypatch)
    choose_layer(qtbot, gallery)
    gate.open()
    qtbot.waitUntil(lambda: gallery.progress.value() == PIECE, timeout=20_000)
    qtbot.mouseClick(gallery.cancel_button, Qt.MouseButton.LeftButton)
    assert not gallery.busy and not gallery.progress.isVisible()
    assert f"Stopped after {PIECE} of {CLIMBED} neurons" in gallery.message.text()
    done = window.live.plan.levels[2].ids[:PIECE]
    assert list(gallery.tiles) == done  # the tiles done stay
    gate.open(10)
    qtbot.waitUntil(workers_done, timeout=20_000)
    QApplication.processEvents()
    # The piece under way when Cancel came ran out unseen.
    assert list(gallery.tiles) == done
    assert "Stopped after" in gallery.message.text()


def test_another_layer_chosen_mid_work_shows_only_that_layer(studio, qtbot, monkeypatch):
    window, gallery = studio
    gate = Gate(monkeypatch)
    choose_layer(qtbot, gallery)
    assert gallery.busy
    choose_layer(qtbot, gallery, Qt.Key.Key_Up)  # back to the first layer, read off the weights
    qtbot.waitUntil(lambda: not gallery.busy, timeout=20_000)
    first = set(window.live.plan.levels[1].ids)
    assert set(gallery.tiles) == first
    assert "sign of each weight" in gallery.message.text()
    gate.open(10)
    qtbot.waitUntil(workers_done, timeout=20_000)
    QApplication.processEvents()
    assert set(gallery.tiles) == first
    assert not gallery.progress.isVisible()


def test_closing_mid_work_is_clean_and_opening_again_works_the_layer_out(studio, qtbot, monkeypatch):
    window, gallery = studio
    gate = Gate(monkeypatch)
    choose_layer(qtbot, gallery)
    assert gallery.busy
    gallery.close()
    assert not gallery.busy
    assert QApplication.overrideCursor() is None
    gate.open(100)
    qtbot.waitUntil(workers_done, timeout=20_000)
    QApplication.processEvents()
    window.findChild(QAction, "receptiveGalleryAction").trigger()
    qtbot.waitExposed(gallery)
    qtbot.waitUntil(lambda: not gallery.busy, timeout=20_000)
    assert set(gallery.tiles) == set(window.live.plan.levels[2].ids)
    assert QApplication.overrideCursor() is None

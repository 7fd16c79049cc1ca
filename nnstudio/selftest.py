"""``nnstudio --self-test``: open every example in a window offscreen, run it forward and train it one step.

It checks what a built app needs to have brought along (Qt and its plugins, numpy, the examples and the
digits data) and prints one line per example, then ``self-test passed``; the exit status is 0 when every
example worked, 1 when one did not (its line says what went wrong). The studio's own settings, recent
files and autosaves are left alone: the test works in a temporary folder it removes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

WINDOW_SIZE = (1366, 768)


def _sample(doc, n_inputs: int, n_outputs: int) -> tuple[np.ndarray, np.ndarray, str]:  # noqa: ANN001
    """One sample of the example's own training data (where it has some), else inputs in its value range."""
    from nnstudio.data import load_dataset

    spec = doc.training_data
    data = doc.dataset if spec == "document" else (load_dataset(spec) if spec else None)
    if data is not None and len(data):
        # Points meet inputs named after features (X1^2, sin X1, ...) the way the window's training does.
        from nnstudio.data.points import fit_to_network

        data = fit_to_network(data, [n.display_name for n in doc.network.inputs()], n_outputs)
    if data is not None and len(data) and (data.n_inputs, data.n_outputs) == (n_inputs, n_outputs):
        return np.asarray(data.inputs[0], float), np.asarray(data.targets[0], float), data.name
    low, high = doc.value_range
    x = np.random.default_rng(0).uniform(low, high, n_inputs)
    return x, np.zeros(n_outputs), "random inputs"


def check_example(name: str, window_for: Callable[[str], object]) -> str:
    """Open ``name`` in a window, paint it, run one sample forward and one training step; a line saying so.
    Raises AssertionError (or the error that broke it) when something does not work."""
    from PySide6.QtWidgets import QApplication

    from nnstudio.engine.step import training_step
    from nnstudio.examples import example_info, load_example

    # An unknown name or a missing file stops here, before a window would say so in a dialog.
    example_info(name)
    load_example(name)
    window = window_for(name)
    try:
        window.resize(*WINDOW_SIZE)
        window.show()
        QApplication.processEvents()
        picture = window.grab()
        assert not picture.isNull() and picture.width() > 0, "the window did not paint"
        live = window.live
        assert live is not None and live.plan is not None, "the example does not compile into a runnable plan"
        plan, doc = live.plan, live.document
        x, truth, source = _sample(doc, plan.n_inputs, plan.n_outputs)
        outputs = plan.forward(x).output[0]
        assert outputs.shape == (plan.n_outputs,) and np.isfinite(outputs).all(), "the outputs are not finite"
        settings = doc.training
        step = training_step(plan, doc.network, x, truth, settings.loss, settings.learning_rate)
        assert np.isfinite(step.loss), "the training step's loss is not finite"
        before, after = step.before, step.after
        changed = sum(int(np.count_nonzero(after.weights[k] != w)) for k, w in before.weights.items())
        changed += sum(after.biases[nid] != b for nid, b in before.biases.items())
        labels = doc.output_labels
        answer = labels[int(np.argmax(outputs))] if len(labels) > 1 else f"{labels[0]} {outputs[0]:.3g}"
        return (
            f"ok  {name:<22} {plan.n_inputs}->{plan.n_outputs}, answer {answer!r} on {source}, "
            f"one step: loss {step.loss:.4g}, {changed:,} parameters changed"
        )
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()


def _quiet_offscreen_notes() -> None:
    """The offscreen platform notes that it has no window manager for size hints; say nothing of it."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind, _context, message: str) -> None:  # noqa: ANN001
        if "This plugin does not support" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


class _DialogWatch:
    """Closes any message box the window opens (nobody is there to answer it) and keeps what it said."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.said: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            text = dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle()
            self.said.append(_one_line(text))
            dialog.reject()


def _dismiss_dialogs() -> _DialogWatch:
    return _DialogWatch()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run(names: list[str] | None = None, out=sys.stdout) -> int:  # noqa: ANN001 - a text stream
    """Check ``names`` (default: every example); 0 when all pass, else 1."""
    home = Path(tempfile.mkdtemp(prefix="nnstudio-self-test-"))
    os.environ["NNSTUDIO_DATA_DIR"] = str(home / "data")
    os.environ["NNSTUDIO_CONFIG_DIR"] = str(home / "config")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from nnstudio.qt_guard import check_qt_binding

        problem = check_qt_binding()
        if problem is not None:
            print(f"FAIL Qt: {problem}", file=out)
            return 1
        from PySide6.QtCore import QSettings

        from nnstudio.app import create_application, create_main_window
        from nnstudio.examples import EXAMPLE_NAMES

        create_application(["nnstudio"])
        _quiet_offscreen_notes()
        settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)

        def window_for(name: str):  # noqa: ANN202 - a MainWindow
            return create_main_window(example=name, settings=settings)

        watchdog = _dismiss_dialogs()
        started = time.perf_counter()
        failures = 0
        for name in names or list(EXAMPLE_NAMES):
            watchdog.said.clear()
            try:
                line = check_example(name, window_for)
                if watchdog.said:
                    raise AssertionError(f"the window showed a message: {watchdog.said[0]}")
            except Exception as exc:  # noqa: BLE001 - each example reports on its own line
                failures += 1
                line = f"FAIL {name}: {type(exc).__name__}: {_one_line(str(exc)) or 'no message'}"
            print(line, file=out, flush=True)
        seconds = time.perf_counter() - started
        if failures:
            print(f"self-test failed: {failures} example(s) did not work", file=out)
            return 1
        print(f"self-test passed: {len(names or EXAMPLE_NAMES)} examples in {seconds:.1f} s", file=out)
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``nnstudio --self-test [EXAMPLE ...]``."""
    return run(list(argv) if argv else None)

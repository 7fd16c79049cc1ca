"""The studio ends cleanly after a Copy on Qt's offscreen platform (a self-test, a run with no display): that
platform crashed on the way out while the clipboard held the copied neurons."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_quitting_after_a_copy_exits_with_status_0(tmp_path):
    script = textwrap.dedent(
        """
        from PySide6.QtCore import QTimer
        from nnstudio.app import create_application, create_main_window

        app = create_application([])
        window = create_main_window(None, "four-pixel-camera")
        window.show()

        def copy_and_quit():
            window.canvas.select_all()
            window.canvas.copy_selection()
            QTimer.singleShot(100, app.quit)

        QTimer.singleShot(200, copy_and_quit)
        app.exec()
        """
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        NNSTUDIO_DATA_DIR=str(tmp_path / "data"),
        NNSTUDIO_CONFIG_DIR=str(tmp_path / "config"),
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]

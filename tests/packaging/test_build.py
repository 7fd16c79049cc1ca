"""packaging/build.sh makes a one-folder app that runs its self-test with no Python on PATH, and whose
install.sh adds it to the user's menu with its icons and the .nnet file type.

The build takes 25 to 35 s on two cores (PyInstaller's analysis and copying, at nice 10) and makes a folder
of about 220 MB, so it runs once for the module (about 45 s with the checks); it is skipped where PyInstaller
is not installed (it is a test extra)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("PyInstaller")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the build recipe is for Linux")

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("app")
    env = dict(
        os.environ,
        PYTHON=sys.executable,
        NNSTUDIO_DIST=str(folder / "dist"),
        NNSTUDIO_BUILD_WORK=str(folder / "work"),
    )
    done = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh")], env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return folder / "dist" / PROJECT["name"]


def _bare_env(tmp_path: Path, **more: str) -> dict[str, str]:
    """No Python anywhere on PATH: an empty folder is all there is."""
    empty = tmp_path / "no-programs"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty), "HOME": str(tmp_path), "LANG": "C.UTF-8", **more}


def test_the_folder_holds_the_launcher_the_icons_and_the_name_and_version(app):
    assert (app / "nnstudio").is_file() and os.access(app / "nnstudio", os.X_OK)
    assert (app / "VERSION").read_text().split() == [PROJECT["name"], PROJECT["version"]]
    icons = app / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "nnstudio.svg").is_file()
    for size in (16, 32, 48, 64, 128, 256):
        assert (icons / f"{size}x{size}" / "apps" / "nnstudio.png").is_file()
    # Only the Qt modules nnstudio uses come along.
    qt = {p.name.split(".")[0] for p in (app / "_internal" / "PySide6").glob("Qt*.so")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= qt
    assert not qt & {"QtNetwork", "QtQml", "QtQuick", "QtWebEngineCore", "QtMultimedia", "QtSql"}


def test_the_built_app_passes_its_self_test_with_no_python(app, tmp_path):
    done = subprocess.run(
        [str(app / "nnstudio"), "--self-test"],
        env=_bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("self-test passed")


def test_the_built_app_exports_onnx_and_a_numpy_script(app, tmp_path):
    for fmt, name in (("onnx", "camera.onnx"), ("numpy", "camera.py")):
        done = subprocess.run(
            [str(app / "nnstudio"), "export", "four-pixel-camera", "--format", fmt, "--out", name],
            env=_bare_env(tmp_path),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert (tmp_path / name).stat().st_size > 0


def test_install_puts_the_menu_entry_icons_and_file_type_in_the_users_folders(app, tmp_path):
    data = tmp_path / "xdg-data"
    done = subprocess.run(
        ["bash", str(app / "install.sh")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    entry = (data / "applications" / "nnstudio.desktop").read_text()
    assert f'Exec="{app / "nnstudio"}" %f' in entry
    assert "MimeType=application/x-nnstudio-network;" in entry
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / "nnstudio.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "nnstudio.svg").is_file()
    assert "*.nnet" in (data / "mime" / "packages" / "nnstudio.xml").read_text()

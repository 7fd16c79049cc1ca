"""Test-wide setup: Qt without a screen; user folders (settings, autosave) inside each test's tmp_path."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path, monkeypatch):
    data = tmp_path / "user-data"
    config = tmp_path / "user-config"
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    yield

"""Window tests train at full speed unless they say otherwise.

A short run plays at a watchable pace by default (issue 9, finding 7), so a newcomer sees the error fall. The
tests here check what training does, not how fast it goes, so they start with the person's choice "As fast as
possible" already made; tests/ui/test_run_pacing.py checks the pace itself with the default restored.
"""

from __future__ import annotations

import pytest

from nnstudio.ui.settings import studio_settings
from nnstudio.ui.training.panel import FASTEST_KEY


@pytest.fixture(autouse=True)
def _train_as_fast_as_possible(_isolated_user_folders, request):
    if request.node.get_closest_marker("watchable_pace") is None:
        settings = studio_settings()
        settings.setValue(FASTEST_KEY, True)
        settings.sync()
    yield


@pytest.fixture(autouse=True)
def _close_canvases_after_the_test():
    yield
    from .canvas_fixtures import close_open_canvases

    close_open_canvases()


def pytest_configure(config):
    config.addinivalue_line("markers", "watchable_pace: train at the default, watchable pace")

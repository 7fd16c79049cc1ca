"""Random sequences of going back, restoring, returning to now, undo and redo keep the network, the timeline
and the undo history in agreement with a simple model of what each should show."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.parameters import ParameterSnapshot

from .test_rewind import trained  # noqa: F401 - the fixture


@pytest.mark.parametrize("seed", [0])
def test_random_sequences_agree_with_the_model(trained, seed):  # noqa: F811
    panel, live, stack, start = trained
    controller, timeline = panel.controller, panel.timeline
    network = live.document.network
    history = controller.history
    layout = controller._history_layout

    def point(index: int) -> ParameterSnapshot:
        if index == 0:
            return start
        return ParameterSnapshot.from_plan(network, layout, history[index].parameters)

    # The model: the states the undo stack steps through, where it stands, and the point shown (or None).
    base = stack.index()
    states = [ParameterSnapshot.of(network)]
    at = 0
    shown: int | None = None
    rng = np.random.default_rng(seed)
    for _ in range(200):
        action = rng.choice(["show", "show", "now", "restore", "undo", "redo"])
        if action == "show":
            shown = int(rng.integers(len(history)))
            timeline.show_point(shown)
        elif action == "now":
            timeline.back_to_now()
            shown = None
        elif action == "restore":
            if shown is None:
                continue
            timeline.restore()
            restored = point(shown)
            if not restored.same_as(states[at]):
                states = [*states[: at + 1], restored]
                at += 1
            shown = None
        elif action == "undo":
            if stack.index() <= base:
                continue
            stack.undo()
            at -= 1
            shown = None
        else:
            if not stack.canRedo():
                continue
            stack.redo()
            at += 1
            shown = None
        expected = states[at] if shown is None else point(shown)
        assert ParameterSnapshot.of(network).same_as(expected), action
        assert controller.preview_index == shown, action
        assert stack.index() - base == at, action
        assert timeline.restore_button.isEnabled() == (shown is not None)

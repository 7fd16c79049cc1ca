"""benchmarks/convnet_vs_torch.py keeps working: both runners train the same small net a few steps."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "convnet_vs_torch.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("convnet_vs_torch", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("batch", [1, 10])
def test_both_runners_train_the_same_small_convnet(batch: int) -> None:
    bench = _benchmark()
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (64, 100)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
    spec = "10x10-c2k3-p2-a2s1-3"
    assert bench.engine_runner(x, y, batch, spec)() >= bench.SAMPLES_PER_CALL
    pytest.importorskip("torch")
    assert bench.torch_runner(x, y, batch, spec)() >= bench.SAMPLES_PER_CALL

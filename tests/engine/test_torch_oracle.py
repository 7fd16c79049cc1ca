"""Gradients against PyTorch's autograd on the same network and data (skipped where torch is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network

from .helpers import layered_network

torch = pytest.importorskip("torch")

TORCH_ACTIVATIONS = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "identity": lambda z: z,
}


@pytest.mark.parametrize(
    ("hidden", "output"), [("tanh", "sigmoid"), ("relu", "identity"), ("sigmoid", "tanh")]
)
def test_gradients_match_autograd(hidden: str, output: str) -> None:
    net = layered_network([5, 6, 4, 3], [hidden, hidden, output], seed=12)
    plan = compile_network(net, np.float64)
    rng = np.random.default_rng(13)
    x = rng.uniform(-1, 1, (7, 5))
    y = rng.uniform(-1, 1, (7, 3))
    ours = plan.backward(plan.forward(x), y, LOSSES["squared"])

    weights = [torch.tensor(b.W, requires_grad=True) for b in plan.blocks]
    biases = [torch.tensor(l.bias, requires_grad=True) for l in plan.levels[1:]]
    a = torch.tensor(x)
    acts = [hidden, hidden, output]
    for W, b, name in zip(weights, biases, acts, strict=True):
        a = TORCH_ACTIVATIONS[name](a @ W.T + b)
    loss = ((a - torch.tensor(y)) ** 2).sum(dim=1).mean()
    loss.backward()

    assert ours.loss == pytest.approx(loss.item(), rel=1e-12)
    for mine, theirs in zip(ours.weights, weights, strict=True):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)
    for mine, theirs in zip(ours.biases[1:], biases, strict=True):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_softmax_cross_entropy_matches_autograd() -> None:
    net = layered_network([4, 5, 3], ["tanh", "softmax"], seed=14)
    plan = compile_network(net, np.float64)
    rng = np.random.default_rng(15)
    x = rng.uniform(-1, 1, (6, 4))
    labels = rng.integers(0, 3, 6)
    y = np.eye(3)[labels]
    ours = plan.backward(plan.forward(x), y, LOSSES["cross_entropy"])
    W1, W2 = (torch.tensor(b.W, requires_grad=True) for b in plan.blocks)
    b1, b2 = (torch.tensor(l.bias, requires_grad=True) for l in plan.levels[1:])
    logits = torch.tanh(torch.tensor(x) @ W1.T + b1) @ W2.T + b2
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    assert ours.loss == pytest.approx(loss.item(), rel=1e-10)
    np.testing.assert_allclose(ours.weights[0], W1.grad.numpy(), rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(ours.weights[1], W2.grad.numpy(), rtol=1e-9, atol=1e-13)

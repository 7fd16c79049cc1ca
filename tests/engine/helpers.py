"""Small networks for engine tests, built by hand so each test shows exactly what it runs."""

from __future__ import annotations

import numpy as np

from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id


def layered_network(
    sizes: list[int], activations: list[str], seed: int = 0, *, skip: bool = False, sparse: float = 0.0
) -> Network:
    """Layers of the given sizes, fully connected (less a ``sparse`` share), optionally with input->output
    skip connections."""
    rng = np.random.default_rng(seed)
    neurons: list[Neuron] = []
    layers: list[list[str]] = []
    for li, size in enumerate(sizes):
        ids = []
        for k in range(size):
            if li == 0:
                n = Neuron(f"i{k}", Role.INPUT, "identity")
            elif li == len(sizes) - 1:
                n = Neuron(f"o{k}", Role.OUTPUT, activations[li - 1], float(rng.uniform(-0.5, 0.5)))
            else:
                n = Neuron(f"h{li}_{k}", Role.HIDDEN, activations[li - 1], float(rng.uniform(-0.5, 0.5)))
            neurons.append(n)
            ids.append(n.id)
        layers.append(ids)
    edges: list[Edge] = []
    for a, b in zip(layers, layers[1:], strict=False):
        for t in b:
            for s in a:
                if sparse and rng.random() < sparse:
                    continue
                edges.append(Edge(edge_id(s, t), s, t, float(rng.uniform(-1, 1))))
    if skip and len(layers) > 2:
        for t in layers[-1]:
            for s in layers[0]:
                edges.append(Edge(edge_id(s, t), s, t, float(rng.uniform(-1, 1))))
    return Network.from_parts(neurons, edges)

"""What a network is made of, in numbers: the facts ``nnstudio info`` prints and scripts read."""

from __future__ import annotations

from typing import Any

from ..engine.graph import Network, Role
from .model import Document


def layer_summaries(network: Network, grid: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """One entry per layer in network order: name, kind, shape, role, activation and connections in.

    Kinds: ``input`` (an image grid's shape when the layer is the grid), ``dense`` (every neuron fed by
    every source of its layer's matrix), ``sparse`` (some of those links missing), ``neuron`` (a neuron
    placed on its own), ``unconnected`` (a layer nothing feeds), ``conv2d``, ``maxpool`` and ``avgpool``
    (a shaped layer: ``shape`` is [channels, height, width], with ``reads``, ``window``, ``stride``,
    ``padding`` and ``parameters``), and ``flatten``: not a layer of neurons but the step where a dense
    layer reads a shaped one in order (channel by channel, row by row), listed just before that layer.
    """
    blocks = {tuple(b.targets): b for b in network.blocks()}
    block_of = network.edges.block_of
    shaped_of = {nid: name for name in network.convolutions for nid in network.layer_members(name)}
    out: list[dict[str, Any]] = []
    for name, ids in network.layers():
        conv = network.convolutions.get(name)
        if conv is not None:
            out.append(
                {
                    "name": name,
                    "kind": conv.kind.value,
                    "shape": list(conv.out_shape),
                    "role": network.neurons[ids[0]].role.value,
                    "activation": network.neurons[ids[0]].activation,
                    "connections_in": 0,
                    "reads": conv.source,
                    "window": conv.size,
                    "stride": conv.stride,
                    "padding": conv.padding,
                    "parameters": conv.n_parameters,
                }
            )
            continue
        keys_in = {block_of.get(n) for n in ids} - {None}
        read = {shaped_of.get(s) for k in keys_in for s in network.edges.blocks[k].sources}
        if len(read) == 1 and None not in read:
            (source,) = read
            width = len(network.layer_members(source))
            out.append(
                {
                    "name": f"{source} flattened",
                    "kind": "flatten",
                    "shape": [width],
                    "role": "hidden",
                    "activation": "identity",
                    "connections_in": 0,
                    "reads": source,
                }
            )
        neurons = [network.neurons[n] for n in ids]
        roles = {n.role for n in neurons}
        activations = sorted({n.activation for n in neurons})
        role = roles.pop().value if len(roles) == 1 else "mixed"
        shape: list[int] = [len(ids)]
        keys = {block_of.get(n) for n in ids} - {None}
        incoming = sum(network.edges.blocks[k].count for k in keys)
        if role == Role.INPUT.value:
            kind = "input"
            if grid is not None and len(ids) == grid[0] * grid[1]:
                shape = [grid[1], grid[0]]
        elif not keys:
            kind = "unconnected"
        elif len(ids) == 1 and not neurons[0].layer:
            kind = "neuron"
        else:
            full = all(network.edges.blocks[k].full for k in keys) and tuple(ids) in blocks
            kind = "dense" if full else "sparse"
        out.append(
            {
                "name": name,
                "kind": kind,
                "shape": shape,
                "role": role,
                "activation": activations[0] if len(activations) == 1 else "mixed",
                "connections_in": incoming,
            }
        )
    return out


def network_summary(doc: Document) -> dict[str, Any]:
    """Counts of neurons, inputs, outputs, connections and parameters, and the layers."""
    network = doc.network
    connections = len(network.edges)
    frozen = sum(int((b.frozen & b.present).sum()) for b in network.blocks())
    # A shaped layer's neurons have no bias of their own: its kernels and their biases are its parameters.
    shaped = sum(len(network.layer_members(name)) for name in network.convolutions)
    kernels = sum(c.n_parameters for c in network.convolutions.values())
    biases = sum(1 for n in network if n.role is not Role.INPUT) - shaped + kernels
    return {
        "title": doc.title,
        "neurons": len(network.neurons),
        "inputs": len(network.inputs()),
        "outputs": len(network.outputs()),
        "connections": connections,
        "frozen": frozen,
        "parameters": connections + biases,
        "trainable": connections - frozen + biases,
        "grid": list(doc.grid) if doc.grid is not None else None,
        "range": list(doc.value_range),
        "output_labels": doc.output_labels,
        "training_data": doc.training_data,
        "layers": layer_summaries(network, doc.grid),
    }

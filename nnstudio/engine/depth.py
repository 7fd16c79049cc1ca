"""How deep each neuron of a network sits: depths, levels, an order to compute in, and loops.

Depths are worked out block by block in the order the layers feed each other, so a layer of a million links
costs a few numpy calls; only a graph whose layers feed each other in a circle (though its neurons do not)
falls back to a walk over single connections. :class:`~nnstudio.engine.graph.Network` keeps the result
until its structure changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .connections import LayerKey
from .neuron import GraphError, Role

if TYPE_CHECKING:
    from .graph import Network


def depths(network: Network) -> dict[str, int]:
    """Each neuron's depth: 0 for inputs, else one more than the deepest neuron feeding it (at least 1)."""
    found = _block_depths(network)
    return found if found is not None else _neuron_depths(network)


def _block_depths(network: Network) -> dict[str, int] | None:
    blocks = network.edges.blocks
    block_of = network.edges.block_of
    # A shaped layer is fed by its convolution, known here by the key (layer name, ">"): no neuron id
    # or layer key has that form.
    convs = {(name, ">"): conv for name, conv in network.convolutions.items()}
    if convs:
        block_of = dict(block_of)
        for key, conv in convs.items():
            block_of.update(dict.fromkeys(network.layer_members(conv.target), key))
    needs: dict[LayerKey, set[LayerKey]] = {}
    users: dict[LayerKey, list[LayerKey]] = {k: [] for k in blocks}
    users.update({k: [] for k in convs})
    for key, block in blocks.items():
        if block.full:
            deps = {block_of[s] for s in block.sources if s in block_of}
        else:
            used = block.present.any(axis=0).tolist()
            deps = {block_of[s] for s, u in zip(block.sources, used, strict=True) if u and s in block_of}
        needs[key] = deps
        for d in deps:
            users[d].append(key)
    for key, conv in convs.items():
        first = network.layer_members(conv.source)[:1]
        deps = {block_of[s] for s in first if s in block_of}
        needs[key] = deps
        for d in deps:
            users[d].append(key)
    remaining = {k: len(v) for k, v in needs.items()}
    ready = [k for k, n in remaining.items() if n == 0]
    order: list[LayerKey] = []
    while ready:
        key = ready.pop()
        order.append(key)
        for user in users[key]:
            remaining[user] -= 1
            if remaining[user] == 0:
                ready.append(user)
    if len(order) != len(blocks) + len(convs):
        return None
    depth = {nid: 0 if n.role is Role.INPUT else 1 for nid, n in network.neurons.items()}
    for key in order:
        conv = convs.get(key)
        if conv is not None:
            below = 1 + max((depth[s] for s in network.layer_members(conv.source)), default=0)
            depth.update(dict.fromkeys(network.layer_members(conv.target), below))
            continue
        block = blocks[key]
        if not block.sources:
            continue
        if block.present.size <= 64:
            # Plain Python for a small matrix: numpy calls would cost more than the arithmetic.
            sources = [depth[s] for s in block.sources]
            for target, row in zip(block.targets, block.present.tolist(), strict=True):
                depth[target] = 1 + max((d for d, p in zip(sources, row, strict=True) if p), default=0)
            continue
        src = np.fromiter((depth[s] for s in block.sources), dtype=np.int64, count=len(block.sources))
        if block.full:
            rows = np.full(len(block.targets), int(src.max()) + 1)
        else:
            rows = np.where(block.present, src[None, :], 0).max(axis=1) + 1
        depth.update(zip(block.targets, rows.tolist(), strict=True))
    return depth


def _neuron_depths(network: Network) -> dict[str, int]:
    depth: dict[str, int] = {}
    for nid in topological_order(network):
        neuron = network.neurons[nid]
        if neuron.role is Role.INPUT:
            depth[nid] = 0
        else:
            depth[nid] = 1 + max((depth[s] for s in network.edges.source_ids(nid)), default=0)
    return depth


def levels(network: Network) -> list[list[str]]:
    """Neuron ids grouped by depth: level 0 holds the inputs, the last level holds every output.

    Outputs are all put in the last level so that a softmax over them sees every output at once.
    """
    depth = dict(network.depths())
    outputs = [n.id for n in network.outputs()]
    last = max((d for n, d in depth.items() if network.neurons[n].role is not Role.OUTPUT), default=0) + 1
    if outputs:
        last = max(last, max(depth[o] for o in outputs))
        for o in outputs:
            depth[o] = last
    count = max(depth.values(), default=-1) + 1
    grouped: list[list[str]] = [[] for _ in range(count)]
    for nid in network.neurons:  # insertion order inside each level
        grouped[depth[nid]].append(nid)
    return [level for i, level in enumerate(grouped) if level or i == 0]


def topological_order(network: Network) -> list[str]:
    """Kahn's algorithm over single connections; raises :class:`GraphError` naming a loop if there is one."""
    indegree = {nid: len(network.edges.source_ids(nid)) for nid in network.neurons}
    ready = [nid for nid, d in indegree.items() if d == 0]
    order: list[str] = []
    while ready:
        nid = ready.pop()
        order.append(nid)
        for target in network.edges.target_ids(nid):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    if len(order) != len(network.neurons):
        stuck = {nid for nid, d in indegree.items() if d > 0}
        cycle = _find_cycle(network, stuck)
        names = " -> ".join(cycle + cycle[:1])
        raise GraphError(f"the connections form a loop: {names}; a network must be acyclic")
    return order


def _find_cycle(network: Network, among: set[str]) -> list[str]:
    # Every neuron left by Kahn's algorithm has a predecessor also left, so walking back must repeat.
    start = next(iter(sorted(among)))
    path: list[str] = []
    seen: dict[str, int] = {}
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(s for s in network.edges.source_ids(node) if s in among)
    cycle = path[seen[node] :]
    cycle.reverse()
    return cycle


def path_between(network: Network, start: str, goal: str) -> list[str] | None:
    """A path of neuron ids from start to goal along connections, or None.

    Depth only grows along a path, so neurons as deep as ``goal`` or deeper are never explored.
    """
    depth = network.depths()
    limit = depth.get(goal, 0)
    if depth.get(start, 0) >= limit and start != goal:
        return None
    stack = [(start, [start])]
    seen = {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for nxt in network.edges.target_ids(node):
            if nxt not in seen and (nxt == goal or depth.get(nxt, 0) < limit):
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None

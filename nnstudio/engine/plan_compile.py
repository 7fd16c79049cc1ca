"""Compiling a :class:`~nnstudio.engine.graph.Network` into a :class:`~nnstudio.engine.plan.Plan`: its
neurons grouped in levels by depth, one weight block per fed level placed in one flat parameter buffer, and
where each of the network's weight matrices sits in those blocks. Time linear in neurons plus connections.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, Activation
from .connections import LayerKey
from .conv import ConvBlock
from .graph import GraphError, Network, Role
from .plan import Plan
from .plan_parameters import cast_overflow_to_infinity, fill_convs, fill_weights
from .plan_parts import Block, BlockMap, Level, Piece

Array = np.ndarray


# A weight matrix with at most this many entries is mapped connection by connection (see compile_network).
_SMALL = 64


def _run(indices: Array) -> Array | slice:
    """A slice when ``indices`` is 0, 1, 2, ... (so copies go through views), else the indices."""
    n = len(indices)
    if n and indices[0] == 0 and indices[-1] == n - 1 and (n < 3 or np.array_equal(indices, np.arange(n))):
        return slice(0, n)
    return indices


def _place_convs(
    network: Network, levels: list[Level], position: dict[str, tuple[int, int]], offset: int
) -> tuple[list[ConvBlock], int]:
    """A :class:`ConvBlock` per convolution or pooling of the network, in level order, with its parameters
    placed from ``offset`` on (its kernel and bias are placeholders shaped like them until the flat buffer
    exists); and the offset after them."""
    convs: list[ConvBlock] = []
    for name, conv in network.convolutions.items():
        targets = network.layer_members(name)
        level = position[targets[0]][0]
        if levels[level].ids != targets:
            raise GraphError(
                f"layer {name!r} is fed by a {conv.kind.value} and must be alone at its depth; "
                f"other neurons are as deep as it is"
            )
        sources = network.layer_members(conv.source)
        where = [position[s] for s in sources]
        source = where[0][0]
        if any(lv != source for lv, _ in where):
            raise GraphError(
                f"layer {conv.source!r}, which a {conv.kind.value} reads, is not all at one depth"
            )
        columns = _run(np.fromiter((i for _, i in where), dtype=np.intp, count=len(where)))
        if isinstance(columns, slice) and columns.stop == len(levels[source].ids):
            columns = slice(None)
        kernel = bias = None
        if conv.kernel is not None and conv.bias is not None:
            kernel, bias = np.empty(conv.kernel.shape), np.empty(conv.bias.shape)
        block = ConvBlock(
            name,
            conv.source,
            conv.kind,
            level,
            source,
            columns,
            conv.in_shape,
            conv.out_shape,
            conv.size,
            conv.stride,
            conv.padding,
            offset,
            kernel,
            bias,
        )
        offset += block.n_parameters
        convs.append(block)
    convs.sort(key=lambda c: c.target)
    return convs, offset


@cast_overflow_to_infinity
def compile_network(network: Network, dtype: np.dtype | type = np.float32) -> Plan:
    """Turn the graph into levels and one weight block per level. Raises :class:`GraphError` with what is
    missing. Takes time linear in neurons plus connections, with one numpy step per weight matrix."""
    dtype = np.dtype(dtype)
    if not network.inputs():
        raise GraphError("the network has no input neurons; add an input or an image grid")
    if not network.outputs():
        raise GraphError("the network has no output neurons; add at least one output")
    level_ids = network.levels()
    for ids in level_ids[1:]:
        for nid in ids:
            if network.neurons[nid].role is Role.INPUT:
                raise GraphError(f"input {network.neurons[nid].display_name!r} has incoming connections")
    position: dict[str, tuple[int, int]] = {}
    levels: list[Level] = []
    biases: list[float] = []
    flat_placeholder = np.zeros(0, dtype)
    for li, ids in enumerate(level_ids):
        for i, nid in enumerate(ids):
            position[nid] = (li, i)
        neurons = [network.neurons[n] for n in ids]
        by_act: dict[str, list[int]] = {}
        for i, neuron in enumerate(neurons):
            by_act.setdefault("identity" if li == 0 else neuron.activation, []).append(i)
        groups: list[tuple[Activation, slice | Array]] = []
        for name, cols in by_act.items():
            sel: slice | Array = slice(None) if len(by_act) == 1 else np.array(cols, dtype=np.intp)
            groups.append((ACTIVATIONS[name], sel))
        levels.append(Level(list(ids), flat_placeholder, groups))
        if li:
            biases.extend(n.bias for n in neurons)

    # Which rows of each network block sit in which level, and which source levels feed each level.
    level_arr = {}
    index_arr = {}
    pending: list[tuple[object, list[tuple[int, Array, Array]]]] = []
    feeds: dict[int, set[int]] = {}
    # Small matrices (a hand-wired neuron, a chain) are walked connection by connection in plain Python:
    # a few numpy calls per matrix would cost more than the arithmetic, 20,000 times over for a chain.
    small: list[tuple[LayerKey, list[tuple[int, int, int, int, int, int]]]] = []
    for key, block in network.edges.blocks.items():
        if block.count == 0:
            continue
        if block.present.size <= _SMALL:
            links = []
            targets, sources = block.targets, block.sources
            for r, row in enumerate(block.present.tolist()):
                tl, ti = position[targets[r]]
                for c, there in enumerate(row):
                    if there:
                        sl, si = position[sources[c]]
                        links.append((r, c, tl, ti, sl, si))
                        feeds.setdefault(tl, set()).add(sl)
            small.append((key, links))
            continue
        t_pos = [position[t] for t in block.targets]
        t_level = np.fromiter((p[0] for p in t_pos), dtype=np.intp, count=len(t_pos))
        s_pos = [position[s] for s in block.sources]
        s_level = np.fromiter((p[0] for p in s_pos), dtype=np.intp, count=len(s_pos))
        level_arr[key] = (t_level, s_level)
        index_arr[key] = (
            np.fromiter((p[1] for p in t_pos), dtype=np.intp, count=len(t_pos)),
            np.fromiter((p[1] for p in s_pos), dtype=np.intp, count=len(s_pos)),
        )
        groups_of_rows: list[tuple[int, Array, Array]] = []
        for lv in np.unique(t_level).tolist():
            rows = np.flatnonzero(t_level == lv)
            used = (
                np.arange(len(block.sources))
                if block.full
                else np.flatnonzero(block.present[rows].any(axis=0))
            )
            if used.size == 0:
                continue
            groups_of_rows.append((lv, rows, used))
            feeds.setdefault(lv, set()).update(np.unique(s_level[used]).tolist())
        pending.append((key, groups_of_rows))

    # One block per fed level: its sources are whole levels, side by side, in level order.
    blocks: list[Block] = []
    offset = 0
    offsets: list[int] = []
    starts_of: dict[int, dict[int, int]] = {}
    for li in sorted(feeds):
        # A run of whole levels ending just before this one: in a forward pass the levels' activations lie
        # side by side in one buffer, so the block's input is a view of it, never a copy.
        sources = list(range(min(feeds[li]), li))
        starts: list[int] = []
        width = 0
        for s in sources:
            starts.append(width)
            width += len(levels[s].ids)
        starts_of[li] = dict(zip(sources, starts, strict=True))
        blocks.append(Block(li, sources, starts, flat_placeholder, None, offset))
        offsets.append(offset)
        offset += len(levels[li].ids) * width
    for level in levels[1:]:
        offsets.append(offset)
        offset += len(level.ids)
    convs, offset = _place_convs(network, levels, position, offset)
    flat = np.zeros(offset, dtype=dtype)
    flat_trainable = np.zeros(offset, dtype=dtype)
    for block in blocks:
        shape = (len(levels[block.target].ids), sum(len(levels[s].ids) for s in block.sources))
        block.W = flat[block.offset : block.offset + shape[0] * shape[1]].reshape(shape)
        block.trainable = flat_trainable[block.offset : block.offset + shape[0] * shape[1]].reshape(shape)
    nb = len(blocks)
    for level, o in zip(levels[1:], offsets[nb:], strict=True):
        level.bias = flat[o : o + len(level.ids)]
    bias_start = offsets[nb] if len(levels) > 1 else offset
    bias_end = bias_start + len(biases)
    flat[bias_start:bias_end] = biases
    flat_trainable[bias_start:] = 1.0
    for conv in convs:
        # The layer's neurons add no bias of their own: each kernel has one, shared by its whole map.
        flat_trainable[
            offsets[nb + conv.target - 1] : offsets[nb + conv.target - 1] + len(levels[conv.target].ids)
        ] = 0.0
        if conv.kernel is not None and conv.bias is not None:
            k = conv.kernel.size
            conv.kernel = flat[conv.offset : conv.offset + k].reshape(conv.kernel.shape)
            conv.bias = flat[conv.offset + k : conv.offset + k + conv.bias.size]

    maps: list[BlockMap] = []
    for key, groups_of_rows in pending:
        source = network.edges.blocks[key]
        t_index, s_index = index_arr[key]
        _, s_level = level_arr[key]
        pieces: list[Piece] = []
        for lv, rows, used in groups_of_rows:
            starts = starts_of[lv]
            col_start = np.fromiter(
                (starts[s] for s in s_level[used].tolist()), dtype=np.intp, count=len(used)
            )
            r = t_index[rows]
            c = col_start + s_index[used]
            pieces.append(Piece(_run(rows), _run(used), lv, _run(r), _run(c)))
        present = None if source.full else source.present.copy()
        maps.append(
            BlockMap(key, list(source.targets), list(source.sources), source.weight.shape, present, pieces)
        )
    by_level = {b.target: b for b in blocks}
    small_index: list[int] = []
    small_rows: list[int] = []
    small_cols: list[int] = []
    small_weight: list[float] = []
    small_trains: list[bool] = []
    small_spans: list[tuple[LayerKey, int, int]] = []
    for key, links in small:
        source = network.edges.blocks[key]
        first = len(small_index)
        weights, frozen = source.weight.tolist(), source.frozen.tolist()
        for r, c, tl, ti, sl, si in links:
            block = by_level[tl]
            small_index.append(block.offset + ti * block.W.shape[1] + starts_of[tl][sl] + si)
            small_rows.append(r)
            small_cols.append(c)
            small_weight.append(weights[r][c])
            small_trains.append(not frozen[r][c])
        small_spans.append((key, first, len(small_index)))
    # One array each for all the small matrices; each matrix's map holds views of its stretch.
    all_index = np.array(small_index, dtype=np.intp)
    all_rows = np.array(small_rows, dtype=np.intp)
    all_cols = np.array(small_cols, dtype=np.intp)
    for key, first, last in small_spans:
        source = network.edges.blocks[key]
        present = None if source.full else source.present.copy()
        maps.append(
            BlockMap(
                key,
                list(source.targets),
                list(source.sources),
                source.weight.shape,
                present,
                [],
                all_rows[first:last],
                all_cols[first:last],
                all_index[first:last],
            )
        )
    order = {key: k for k, key in enumerate(network.edges.blocks)}
    maps.sort(key=lambda m: order[m.key])
    plan = Plan(
        levels,
        blocks,
        dtype,
        network.revision,
        network.structure_revision,
        flat,
        flat_trainable,
        position,
        offsets,
        len(network.edges),
        maps,
        dict(network.edges.alias_pair),
        convs,
    )
    fill_weights(plan, network, small=False)
    fill_convs(plan, network)
    if small_index:
        flat[small_index] = small_weight
        flat_trainable[small_index] = small_trains
    if bool(flat_trainable.all()):
        # Everything may train: no mask to multiply by on every step, and a block needs none either.
        plan.flat_trainable = None
        for block in blocks:
            block.trainable = None
    return plan

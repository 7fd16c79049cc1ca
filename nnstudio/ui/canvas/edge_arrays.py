"""Numpy helpers of the edge arrays: positions grouped by a small integer key, runs, per-group
percentiles and fair shares of a budget."""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def as_run(index: Array) -> Array | slice:
    """``index`` as a slice when it counts up by one from its first value, else itself."""
    if index.size == 0:
        return index
    start = int(index[0])
    if int(index[-1]) - start + 1 != index.size or not np.array_equal(
        index, np.arange(start, start + index.size, dtype=index.dtype)
    ):
        return index
    return slice(start, start + index.size)


def split_by(key: Array) -> list[tuple[int, Array]]:
    """Each value of the small non-negative integers ``key`` with the (sorted) positions holding it."""
    if key.size == 0:
        return []
    counts = np.bincount(key)
    values = np.flatnonzero(counts)
    if values.size <= 16:
        return [(int(v), np.flatnonzero(key == v)) for v in values.tolist()]
    order = np.argsort(key, kind="stable")
    bounds = np.cumsum(counts[values])
    return [
        (int(v), order[b - c : b])
        for v, b, c in zip(values.tolist(), bounds.tolist(), counts[values].tolist(), strict=True)
    ]


def percentile_by(values: Array, key: Array, q: float) -> Array:
    """The ``q`` th percentile of ``values`` within each value of the small non-negative integers ``key``
    (linear between ranks, as ``np.percentile``; at least 1e-6), indexed by key."""
    order = np.lexsort((values, key))
    ordered = values[order]
    counts = np.bincount(key)
    starts = np.cumsum(counts) - counts
    rank = starts + (q / 100.0) * np.maximum(counts - 1, 0)
    low = np.floor(rank).astype(np.intp)
    high = np.minimum(low + 1, starts + np.maximum(counts - 1, 0))
    low, high = np.minimum(low, values.size - 1), np.minimum(high, values.size - 1)
    found = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return np.maximum(found, 1e-6).astype(values.dtype)


def fair_shares(totals: Array, budget: float) -> Array:
    """Split ``budget`` between groups wanting ``totals``: every group gets an equal share, and what a
    group needs less than its share goes to the others (water filling)."""
    shares = np.zeros(totals.size)
    wanting = np.flatnonzero(totals > 0)
    left = float(budget)
    while wanting.size:
        equal = left / wanting.size
        small = wanting[totals[wanting] <= equal]
        if small.size == 0:
            shares[wanting] = equal
            break
        shares[small] = totals[small]
        left -= float(totals[small].sum())
        wanting = wanting[totals[wanting] > equal]
    return shares

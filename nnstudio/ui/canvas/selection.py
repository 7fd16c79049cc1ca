"""What is selected on the canvas: neuron and edge ids, in the order they were picked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, KeysView
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nnstudio.engine.graph import Network


class Selection:
    """The selected neurons and edges; ``changed(neuron_ids, edge_ids)`` hears every change by a person."""

    def __init__(self, changed: Callable[[list[str], list[str]], None]) -> None:
        self._neurons: dict[str, None] = {}
        self._edges: dict[str, None] = {}
        self._changed = changed

    @property
    def neurons(self) -> KeysView[str]:
        return self._neurons.keys()

    @property
    def edges(self) -> KeysView[str]:
        return self._edges.keys()

    def set(self, neuron_ids: Iterable[str], edge_ids: Iterable[str]) -> None:
        neurons = dict.fromkeys(neuron_ids)
        edges = dict.fromkeys(edge_ids)
        if neurons.keys() == self._neurons.keys() and edges.keys() == self._edges.keys():
            return
        self._neurons, self._edges = neurons, edges
        self._changed(list(neurons), list(edges))

    def toggle(self, neuron_ids: list[str], edge_ids: list[str]) -> None:
        """Ctrl-click: a group of neurons leaves the selection when all of it was in, else joins it."""
        neurons = dict(self._neurons)
        edges = dict(self._edges)
        if neuron_ids:
            if all(n in neurons for n in neuron_ids):
                for n in neuron_ids:
                    neurons.pop(n, None)
            else:
                neurons.update(dict.fromkeys(neuron_ids))
        for e in edge_ids:
            if e in edges:
                edges.pop(e)
            else:
                edges[e] = None
        self.set(neurons, edges)

    def forget(self) -> None:
        """Select nothing, telling no one (a new document is being bound)."""
        self._neurons.clear()
        self._edges.clear()

    def keep_existing(self, network: Network) -> bool:
        """Drop what the network no longer has, telling no one; True when something was dropped."""
        kept_n = {n: None for n in self._neurons if n in network.neurons}
        kept_e = {e: None for e in self._edges if e in network.edges}
        changed = kept_n.keys() != self._neurons.keys() or kept_e.keys() != self._edges.keys()
        self._neurons, self._edges = kept_n, kept_e
        return changed

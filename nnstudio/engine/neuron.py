"""A neuron as the network holds it: its id, role, activation, bias, label and layer (no position: where it
sits on the canvas is the document's layout, :mod:`nnstudio.document.layout`), and the error every invalid
edit of a network raises."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = ["GraphError", "Neuron", "Role", "finite"]


class GraphError(ValueError):
    """An edit or a graph that would make the network invalid; the message says what and where."""


def finite(value: object, what: str) -> float:
    """``value`` as a finite float, or a :class:`GraphError` saying what it is and why it cannot be."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GraphError(f"{what} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise GraphError(f"{what} must be a finite number, not {number}")
    return number


class Role(StrEnum):
    INPUT = "input"
    HIDDEN = "hidden"
    OUTPUT = "output"


@dataclass(slots=True)
class Neuron:
    id: str
    role: Role = Role.HIDDEN
    activation: str = "tanh"
    bias: float = 0.0
    label: str = ""
    # The layer the neuron belongs to ("" for a neuron that is a layer of its own, as a hand-placed one is).
    layer: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            try:
                self.role = Role(self.role)
            except ValueError:
                raise GraphError(
                    f"neuron {self.id!r}: unknown role {self.role!r} (input, hidden or output)"
                ) from None

    def copy(self) -> Neuron:
        return replace(self)

    @property
    def display_name(self) -> str:
        return self.label or self.id

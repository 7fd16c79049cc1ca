"""A document: one network together with what the studio needs to show and train it.

The network is the part a person edits (its maths); the layout says where its neurons sit on the canvas;
the rest says how to read its inputs as an image, how to train it by default and, when the person drew or
labelled samples of their own, carries those samples along.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..data.dataset import Dataset
from ..engine.events import Event
from ..engine.graph import Network, Neuron, Role
from ..engine.train import TrainSettings
from .layout import Layout


class DocumentEvents:
    """What a :class:`Document` announces besides its network's own events (``document.network.events``)
    and its layout's (``document.layout.events``: neurons moved).

    - ``dataset()``: the document's own samples changed (added, deleted, or the whole set replaced).
    - ``properties()``: the title, description, input grid, value range, training settings or training
      data changed.

    Whoever changes these (the undo commands, the training panel) emits; views subscribe and look again.
    """

    def __init__(self) -> None:
        self.dataset = Event()
        self.properties = Event()


@dataclass
class Document:
    """Everything one ``.nnet`` file holds.

    ``grid`` is ``(width, height)`` of the input image: the first ``width * height`` input neurons, row by
    row from the top left. ``value_range`` is the range of those pixels, black to white. ``training_data``
    names the dataset to train on by default (``"four-pixel"``, ``"digits:train"``, or ``"document"`` for
    the samples in ``dataset``). ``layout`` holds where each neuron sits on the canvas; a document made
    from a network alone places its neurons layer by layer (:func:`~nnstudio.document.layout.layer_positions`).
    """

    network: Network
    title: str = ""
    description: str = ""
    grid: tuple[int, int] | None = None
    value_range: tuple[float, float] = (-1.0, 1.0)
    training: TrainSettings = field(default_factory=TrainSettings)
    training_data: str | None = None
    dataset: Dataset | None = None
    layout: Layout = field(default_factory=Layout, repr=False)
    events: DocumentEvents = field(default_factory=DocumentEvents, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.layout.place_missing(self.network, self.grid)

    def shape_problem(self, inputs: int, outputs: int) -> str | None:
        """Why the document could no longer be saved if its network had this many inputs and outputs (its
        own samples and its image grid are sized for the network as it is), or None if it could."""
        if self.grid is not None and self.grid[0] * self.grid[1] > inputs:
            width, height = self.grid
            return (
                f"the {width} x {height} image needs its {width * height} pixels as inputs; delete the image"
                f" first to rewire them"
            )
        data = self.dataset
        if data is not None and len(data) and (data.n_inputs != inputs or data.n_outputs != outputs):
            count = f"{len(data)} sample{'s' if len(data) != 1 else ''}"
            if data.n_inputs != inputs:
                what = f"{data.n_inputs} value{'s' if data.n_inputs != 1 else ''} each, one per input"
            else:
                what = f"a truth for each of {data.n_outputs} output{'s' if data.n_outputs != 1 else ''}"
            return (
                f"your {count} of this network have {what}; delete them in the Samples panel first,"
                f" then change the inputs or outputs"
            )
        return None

    def edit_problem(
        self,
        add: Iterable[Neuron] = (),
        remove: Iterable[str] = (),
        roles: Mapping[str, object] | None = None,
        drops_grid: bool = False,
    ) -> str | None:
        """Why adding the neurons ``add``, removing the neurons ``remove`` and giving neurons new ``roles``
        would leave the document unsaveable (see :meth:`shape_problem`), or None; ``drops_grid``: the edit
        removes the image grid too (deleting pixels). Views ask before they push the edit, so an undo step
        never leaves the samples or the image without their inputs."""
        role_of = {nid: n.role for nid, n in self.network.neurons.items()}
        for nid in remove:
            role_of.pop(nid, None)
        for nid, role in (roles or {}).items():
            if nid in role_of:
                role_of[nid] = Role(role)
        for neuron in add:
            role_of[neuron.id] = neuron.role
        counted = Counter(role_of.values())
        inputs, outputs = counted[Role.INPUT], counted[Role.OUTPUT]
        before = Counter(n.role for n in self.network.neurons.values())
        if (inputs, outputs) == (before[Role.INPUT], before[Role.OUTPUT]) and not roles:
            return None
        grid = self.grid
        if drops_grid:
            self.grid = None
        try:
            problem = self.shape_problem(inputs, outputs)
        finally:
            self.grid = grid
        if problem is None and roles and self.grid is not None:
            pixels = [nid for nid, n in self.network.neurons.items() if n.role is Role.INPUT]
            moved = [nid for nid in pixels[: self.grid[0] * self.grid[1]] if nid in roles]
            if any(Role(roles[nid]) is not Role.INPUT for nid in moved):
                width, height = self.grid
                problem = f"a pixel of the {width} x {height} image is always an input; delete the image to rewire it"
        return problem

    @property
    def output_labels(self) -> list[str]:
        """Each output neuron's label, or its id when it has none, in output order."""
        return [neuron.display_name for neuron in self.network.outputs()]

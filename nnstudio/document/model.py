"""A document: one network together with what the studio needs to show and train it.

The network is the part a person edits; the rest says how to read its inputs as an image, how to train
it by default and, when the person drew or labelled samples of their own, carries those samples along.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.dataset import Dataset
from ..engine.events import Event
from ..engine.graph import Network
from ..engine.train import TrainSettings


class DocumentEvents:
    """What a :class:`Document` announces besides its network's own events (``document.network.events``).

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
    the samples in ``dataset``).
    """

    network: Network
    title: str = ""
    description: str = ""
    grid: tuple[int, int] | None = None
    value_range: tuple[float, float] = (-1.0, 1.0)
    training: TrainSettings = field(default_factory=TrainSettings)
    training_data: str | None = None
    dataset: Dataset | None = None
    events: DocumentEvents = field(default_factory=DocumentEvents, compare=False, repr=False)

    @property
    def output_labels(self) -> list[str]:
        """Each output neuron's label, or its id when it has none, in output order."""
        return [neuron.display_name for neuron in self.network.outputs()]

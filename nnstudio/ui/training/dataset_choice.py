"""The Training panel's dataset choice: the box of datasets (the built-in ones, this document's samples,
imported files and folders) and the datasets behind it, files read in the background so a slow or hostile
file never freezes the window.

Built-in datasets are named in words (their name, ``digits:train``, is the item's data), each with a tip
saying what it holds: inputs, outputs and samples. Those that do not fit the open network are greyed, their
tip saying why, and a network that names no dataset starts on the first one that fits (a new network of two
inputs and one output on the XOR truth table).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QComboBox

from nnstudio.data import BUILTIN_DATASETS, DataError, Dataset, load_dataset
from nnstudio.data.digits import DIGIT_LABELS, N_DIGITS, N_TEST
from nnstudio.data.points import POINT_KINDS, feature_names, fit_dataset_to, is_point_spec
from nnstudio.data.preprocess import MNIST_GRID
from nnstudio.ui.dataset_loading import reads_a_file, shared_loader
from nnstudio.ui.live import LiveNetwork

from .controller import TrainingController
from .naming import named

DOCUMENT_SAMPLES = "document"
DOCUMENT_SAMPLES_TITLE = "This document's samples"
# The two last entries of the box ask for a file or a folder to import.
IMPORT_FILE = "\x00import-file"
IMPORT_FOLDER = "\x00import-folder"
DATASET_FILTER = "Datasets (*.csv *.gz *.idx *ubyte *.idx3-ubyte);;CSV files (*.csv);;All files (*)"
# A new network's run has at least this many steps on a small dataset: 10 epochs of the XOR truth table
# (40 steps) barely move the error, and a newcomer concludes that training does nothing.
NEW_NETWORK_STEPS = 4000
# ... but never more epochs than this, and never fewer than a new document's own default.
NEW_NETWORK_MAX_EPOCHS = 1000
# A name from a file is shown this long at most in the one line that says it cannot be found.
SHOWN_NAME_LENGTH = 60


def suggested_epochs(samples: int, batch_size: int, default: int) -> int:
    """Epochs for a new network on ``samples`` samples: enough for :data:`NEW_NETWORK_STEPS` steps, at
    least ``default`` (a big dataset keeps it) and at most :data:`NEW_NETWORK_MAX_EPOCHS`."""
    steps_per_epoch = max(1, math.ceil(samples / max(1, batch_size)))
    wanted = math.ceil(NEW_NETWORK_STEPS / steps_per_epoch)
    return max(default, min(NEW_NETWORK_MAX_EPOCHS, wanted))


def is_missing(spec: str) -> bool:
    """Whether ``spec`` names no dataset nnstudio can find: not built in, not a point recipe, not this
    document's samples and no file or folder that exists."""
    return not (
        spec in BUILTIN_DATASETS or spec == DOCUMENT_SAMPLES or is_point_spec(spec) or reads_a_file(spec)
    )


def missing_text(spec: str) -> str:
    """One line for the person: which dataset cannot be found, and what to do."""
    name = spec if len(spec) <= SHOWN_NAME_LENGTH else f"{spec[: SHOWN_NAME_LENGTH - 3]}..."
    return (
        f"This network names a dataset nnstudio cannot find ({name!r}): choose a dataset in the Dataset box."
    )


def missing_tip() -> str:
    """The names nnstudio knows, for the tip of the line that says a dataset cannot be found."""
    return (
        f"Built-in datasets: {', '.join(BUILTIN_DATASETS)}.\n"
        f"Or import a file or folder with the last entries of the Dataset box."
    )


def companion_test_set(name: str) -> str | None:
    """The built-in test set that goes with a built-in training set (``digits:train`` -> ``digits:test``)."""
    if name.endswith(":train"):
        candidate = name[: -len(":train")] + ":test"
        if candidate in BUILTIN_DATASETS or is_point_spec(candidate):
            return candidate
    return None


# The built-in datasets in words; the point sets are named after their kind (see builtin_title).
BUILTIN_TITLES = {
    "xor": "XOR truth table",
    "four-pixel": "Four-pixel camera: all 16 images",
    "four-pixel:canonical": "Four-pixel camera: the 8 patterns",
    "shapes3x3": "Shapes on a 3x3 grid",
    "digits": "Handwritten digits: all",
    "digits:train": "Handwritten digits: training part",
    "digits:test": "Handwritten digits: test part",
}
POINT_PARTS = {"": "", "train": ": training half", "test": ": test half"}


def builtin_title(spec: str) -> str:
    """A built-in dataset's name in words (``circle:train`` -> ``Circle points: training half``)."""
    if spec in BUILTIN_TITLES:
        return BUILTIN_TITLES[spec]
    kind, _, part = spec.partition(":")
    if kind in POINT_KINDS and part in POINT_PARTS:
        return f"{POINT_KINDS[kind].title} points{POINT_PARTS[part]}"
    return spec


def title_of(spec: str) -> str:
    """A dataset's name for the person: a built-in one's in words, a file's name, or the spec itself."""
    if spec in BUILTIN_DATASETS:
        return builtin_title(spec)
    return Path(spec).name or spec


@dataclass(frozen=True)
class SetShape:
    """What a built-in dataset holds, as far as fitting a network goes."""

    inputs: int
    outputs: int
    samples: int
    # Every sample is of one of exactly two classes: one output answering yes or no fits too.
    two_classes: bool


@lru_cache(maxsize=64)
def builtin_shape(spec: str) -> SetShape:
    """The shape of a built-in dataset; the digits' from their numbers, without reading 10,000 images."""
    if spec.startswith("digits"):
        samples = {"digits": N_DIGITS, "digits:train": N_DIGITS - N_TEST, "digits:test": N_TEST}[spec]
        return SetShape(MNIST_GRID[0] * MNIST_GRID[1], len(DIGIT_LABELS), samples, False)
    data = load_dataset(spec)
    two = data.n_outputs == 2 and bool((data.classes >= 0).all())
    return SetShape(data.n_inputs, data.n_outputs, len(data), two)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def fit_problem(shape: SetShape, input_labels: Sequence[str], n_outputs: int) -> str | None:
    """Why a dataset of ``shape`` cannot train a network with these inputs and outputs, or None.

    As :func:`~nnstudio.data.points.fit_to_network` fits data: two coordinates feed feature inputs (X1^2,
    sin X1, ...), and two classes feed one output that answers yes or no."""
    n_inputs = len(input_labels)
    inputs_fit = shape.inputs == n_inputs or (shape.inputs == 2 and feature_names(input_labels) is not None)
    outputs_fit = shape.outputs == n_outputs or (n_outputs == 1 and shape.two_classes)
    if inputs_fit and outputs_fit:
        return None
    return (
        f"Does not fit this network ({_count(n_inputs, 'input')}, {_count(n_outputs, 'output')}): this set"
        f" has {_count(shape.inputs, 'input')} and {_count(shape.outputs, 'output')}."
    )


def builtin_tip(spec: str, shape: SetShape, problem: str | None) -> str:
    """A built-in dataset's tip: what it is, what it holds, and why it does not fit when it does not."""
    holds = f"{_count(shape.inputs, 'input')}, {_count(shape.outputs, 'output')}, {_count(shape.samples, 'sample')}"
    tip = f"{BUILTIN_DATASETS[spec]}.\n{holds} (named {spec})."
    return f"{tip}\n{problem}" if problem else tip


class DatasetChoice(QObject):
    """The dataset box (``combo``, ``trainingDataset``) and the datasets it names, loaded and kept.

    ``say(text, error)`` shows a message; ``ask_path(kind)`` asks the person for a file (``IMPORT_FILE``) or
    a folder (``IMPORT_FOLDER``) to import and gives its path, or "" when they cancel. While ``controller``
    runs, loading a file leaves the run's messages alone."""

    def __init__(
        self,
        controller: TrainingController,
        say: Callable[[str, bool], None],
        ask_path: Callable[[str], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self._say = say
        self._ask_path = ask_path
        self.live: LiveNetwork | None = None
        self._datasets: dict[str, Dataset] = {}
        self._index = 0
        # Whether the person picked a dataset since the document was opened (then new samples do not
        # take over the choice).
        self._chosen = False
        self._step_cursor: dict[str, int] = {}
        # Datasets named by a path load in the background, so a slow or hostile file never freezes the window.
        self.loader = shared_loader()
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self._load_errors: dict[str, str] = {}
        self._pending_import: str | None = None

        self.combo = named(QComboBox(), "trainingDataset", "Dataset to train on")
        for name in BUILTIN_DATASETS:
            self.combo.addItem(builtin_title(name), name)
            self.combo.setItemData(
                self.combo.count() - 1,
                builtin_tip(name, builtin_shape(name), None),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.combo.addItem(DOCUMENT_SAMPLES_TITLE, DOCUMENT_SAMPLES)
        self.combo.addItem("Import file (IDX or CSV)...", IMPORT_FILE)
        self.combo.addItem("Import image folder...", IMPORT_FOLDER)
        self.combo.activated.connect(self._on_activated)
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    # ------------------------------------------------------------------ a document opened
    def forget_document(self, live: LiveNetwork) -> None:
        """Another document: nothing chosen yet, no samples of the old one kept."""
        if self.live is not None:
            self.live.planChanged.disconnect(self._on_network_changed)
        self.live = live
        live.planChanged.connect(self._on_network_changed)
        self._step_cursor.clear()
        self._forget_document_samples()
        self._chosen = False
        # A dataset the last document named and nnstudio could not find is no choice for this one.
        for index in reversed(range(self.combo.count())):
            spec = self.combo.itemData(index)
            if isinstance(spec, str) and spec not in (IMPORT_FILE, IMPORT_FOLDER) and is_missing(spec):
                self.combo.removeItem(index)

    def choose_for_document(self) -> None:
        """Show the document's samples and choose the dataset it names (or its own samples, if it has
        some); nothing is loading for it yet."""
        document = self.live.document if self.live is not None else None
        self._show_document_samples()
        self._show_fit()
        if document is not None:
            if document.training_data:
                self.select(document.training_data)
            elif document.dataset is not None:
                self.select(DOCUMENT_SAMPLES)
            else:
                # Its own choice, as a new network gets: not what the last document trained on.
                self._choose_first_fitting()
        self._pending_import = None
        self._load_errors.clear()

    # ------------------------------------------------------------------ what fits the network
    def _network_shape(self) -> tuple[list[str], int] | None:
        """The open network's input labels and number of outputs; None while it has no inputs or outputs
        (nothing to judge a dataset by yet)."""
        if self.live is None:
            return None
        network = self.live.document.network
        labels = [neuron.label for neuron in network.inputs()]
        outputs = len(network.outputs())
        return (labels, outputs) if labels and outputs else None

    def _show_fit(self) -> None:
        """Grey the built-in datasets that do not fit the network, their tips saying why."""
        shape = self._network_shape()
        model = self.combo.model()
        for name in BUILTIN_DATASETS:
            index = self.combo.findData(name)
            data_shape = builtin_shape(name)
            problem = None if shape is None else fit_problem(data_shape, *shape)
            self.combo.setItemData(index, builtin_tip(name, data_shape, problem), Qt.ItemDataRole.ToolTipRole)
            model.item(index).setEnabled(problem is None)  # type: ignore[attr-defined]

    def fits(self, spec: str) -> bool:
        """Whether the box offers ``spec`` as fitting the network (a file or the document's samples: yes)."""
        index = self.combo.findData(spec)
        return index < 0 or spec not in BUILTIN_DATASETS or self.combo.model().item(index).isEnabled()  # type: ignore[attr-defined]

    def _choose_what_fits(self) -> None:
        """Keep the chosen built-in dataset while it fits the network, else the first one that does."""
        spec = self.spec()
        if spec not in BUILTIN_DATASETS or self.fits(spec):
            return
        self._choose_first_fitting()

    def _choose_first_fitting(self) -> None:
        for name in BUILTIN_DATASETS:
            if self.fits(name):
                self.select(name)
                return

    @Slot()
    def _on_network_changed(self) -> None:
        """The network's inputs or outputs may have changed: grey again; a network that names no dataset,
        whose dataset nobody picked, moves to one that fits."""
        self._show_fit()
        document = self.live.document if self.live is not None else None
        if document is None or self.controller.running or self._chosen or document.training_data:
            return
        self._choose_what_fits()

    # ------------------------------------------------------------------ what is chosen
    def spec(self) -> str:
        """What the dataset box names: a built-in name, ``"document"`` or a file path."""
        return str(self.combo.currentData())

    def title(self) -> str:
        spec = self.spec()
        return "This document's samples" if spec == DOCUMENT_SAMPLES else title_of(spec)

    def missing(self) -> bool:
        """Whether the box names a dataset that cannot be found (a file's name for one that is not there)."""
        return is_missing(self.spec())

    def sample_count(self) -> int | None:
        """How many samples the chosen dataset has, when known without reading a file."""
        spec = self.spec()
        if spec == DOCUMENT_SAMPLES:
            return self._document_sample_count()
        if spec in BUILTIN_DATASETS:
            return builtin_shape(spec).samples
        dataset = self._datasets.get(spec)
        return None if dataset is None else len(dataset)

    def selected(self) -> Dataset:
        """The chosen dataset, loaded (and kept). Raises :class:`DataError` with what is wrong."""
        spec = self.spec()
        if is_missing(spec):
            raise DataError(missing_text(spec))
        if spec == DOCUMENT_SAMPLES:
            dataset = self.live.document.dataset if self.live is not None else None
            if dataset is None:
                raise DataError("This document has no samples of its own; choose another dataset.")
            return dataset
        if spec not in self._datasets:
            if reads_a_file(spec):
                self._wait_for_load(spec)
            self._datasets[spec] = load_dataset(spec)
        return self._fitted(self._datasets[spec])

    def test_dataset(self) -> Dataset | None:
        name = companion_test_set(self.spec())
        if name is None:
            return None
        if name not in self._datasets:
            self._datasets[name] = load_dataset(name)
        return self._fitted(self._datasets[name])

    def next_index(self, size: int) -> int:
        """The index of the next sample of the chosen dataset (of ``size`` samples) for a single step,
        going round the samples in order."""
        spec = self.spec()
        index = self._step_cursor.get(spec, 0) % size
        self._step_cursor[spec] = index + 1
        return index

    def _fitted(self, dataset: Dataset) -> Dataset:
        """Points in the plane as this network takes them: feature inputs get their features."""
        return fit_dataset_to(dataset, self.live.document.network) if self.live is not None else dataset

    def select(self, spec: str) -> None:
        index = self.combo.findData(spec)
        if index < 0:
            index = self._add_item(spec, Path(spec).name or spec)
        self.combo.setCurrentIndex(index)
        self._index = index

    def _add_item(self, spec: str, title: str) -> int:
        index = self.combo.findData(DOCUMENT_SAMPLES) + 1
        missing = is_missing(spec)
        self.combo.insertItem(index, f"{title} (not found)" if missing else title, spec)
        self.combo.setItemData(index, missing_text(spec) if missing else spec, Qt.ItemDataRole.ToolTipRole)
        return index

    # ------------------------------------------------------------------ loading
    def _wait_for_load(self, spec: str) -> None:
        """Raise a DataError that says the dataset at ``spec`` is loading (starting it) or why it failed."""
        problem = self._load_errors.pop(spec, None)
        if problem is not None:
            raise DataError(problem)  # said once; asking again tries the file again
        self.start_loading(spec)
        raise DataError(f"{title_of(spec)} is still loading; try again when it has loaded.")

    def start_loading(self, spec: str) -> bool:
        """Start loading a dataset named by a path, unless it is loaded already; True when it started."""
        if spec in self._datasets or not reads_a_file(spec):
            return False
        self.loader.start(spec)
        return True

    @Slot(str, object)
    def _on_loaded(self, spec: str, dataset: Dataset) -> None:
        self._datasets[spec] = dataset
        self._load_errors.pop(spec, None)
        if spec == self._pending_import:
            self._pending_import = None
            self._select_imported(spec, dataset)
        elif spec == self.spec() and not self.controller.running:
            # (While a run goes on, its own messages stay: the table may have asked for the same file.)
            self._say(f"Loaded {len(dataset)} samples from {title_of(spec)}.", False)

    @Slot(str, str)
    def _on_failed(self, spec: str, message: str) -> None:
        if spec == self._pending_import:
            self._pending_import = None
            self._say(message, True)
        elif spec == self.spec() and not self.controller.running:
            self._load_errors[spec] = message
            self._say(message, True)

    # ------------------------------------------------------------------ the document's own samples
    def _forget_document_samples(self) -> None:
        self._datasets.pop(DOCUMENT_SAMPLES, None)

    def _document_sample_count(self) -> int:
        dataset = self.live.document.dataset if self.live is not None else None
        return 0 if dataset is None else len(dataset)

    def _show_document_samples(self) -> None:
        """Name the document's own samples with their number; they can be chosen once there are some."""
        index = self.combo.findData(DOCUMENT_SAMPLES)
        count = self._document_sample_count()
        self.combo.setItemText(index, f"{DOCUMENT_SAMPLES_TITLE} ({count if count else 'none yet'})")
        tip = (
            "The samples drawn and labelled in the Samples panel, saved with the network"
            if count
            else "Draw on the pad, pick a class and add it in the Samples panel to train on your own samples"
        )
        self.combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        item = self.combo.model().item(index)  # type: ignore[attr-defined]
        item.setEnabled(count > 0)

    def refresh(self) -> None:
        """Look again at the document's own samples (one was added or deleted, or that was undone).

        The dataset box shows how many there are. A document that names no dataset of its own, and whose
        dataset the person has not picked, switches to its samples when it gets some.
        """
        self._forget_document_samples()
        self._step_cursor.pop(DOCUMENT_SAMPLES, None)
        self._show_document_samples()
        if self.live is None or self.controller.running:
            return
        document = self.live.document
        if self._document_sample_count() and not document.training_data and not self._chosen:
            self.select(DOCUMENT_SAMPLES)

    # ------------------------------------------------------------------ choosing and importing
    @Slot(int)
    def _on_activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        self._chosen = True
        if data not in (IMPORT_FILE, IMPORT_FOLDER):
            self._index = index
            if self.start_loading(str(data)):
                self._say(f"Loading {title_of(str(data))}...", False)
            return
        path = self._ask_path(data)
        self.combo.setCurrentIndex(self._index)
        if path:
            self.import_dataset(path)

    def import_dataset(self, path: str) -> Dataset | None:
        """Load a dataset file or folder and select it; on a problem, say what is wrong and change nothing.

        A path that exists is read in the background: the dataset is selected (and returned by a later
        :meth:`selected`) when it has loaded, and None is returned now."""
        if reads_a_file(path):
            self._datasets.pop(path, None)  # read it again: the file may have changed since
            self._pending_import = path
            self.loader.start(path, self._picture())
            self._say(f"Loading {title_of(path)}...", False)
            return None
        try:
            dataset = load_dataset(path)
        except DataError as exc:
            self._say(str(exc), True)
            return None
        self._select_imported(path, dataset)
        return dataset

    def _picture(self) -> tuple[tuple[int, int], tuple[float, float]] | None:
        """The open network's input grid and value range (a folder's pictures are made that size), if any."""
        document = self.live.document if self.live is not None else None
        if document is None or document.grid is None:
            return None
        low, high = document.value_range
        return (tuple(document.grid), (float(low), float(high)))  # type: ignore[return-value]

    def importing(self) -> bool:
        """True while an imported file or folder is still loading."""
        return self._pending_import is not None

    def _select_imported(self, path: str, dataset: Dataset) -> None:
        self._datasets[path] = dataset
        index = self.combo.findData(path)
        if index < 0:
            index = self._add_item(path, Path(path).name or path)
        self.combo.setCurrentIndex(index)
        self._index = index
        self._say(f"Imported {len(dataset)} samples from {Path(path).name}.", False)

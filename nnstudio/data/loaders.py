"""Loading datasets: the built-in ones by name, and a user's own data from IDX files, image folders or CSV.

Every problem with a user's file is a :class:`DataError` whose message names the file and says what is wrong.

* IDX (the MNIST format): an images file (samples x rows x columns, unsigned bytes become 0..1, floats must
  already be 0..1) and its labels file (one non-negative integer per image), gzip-compressed or raw. The
  labels file is found beside the images file by the standard names (``train-images-idx3-ubyte.gz`` ->
  ``train-labels-idx1-ubyte.gz``) or given explicitly.
* An image folder: ``folder/<class name>/<image>.png`` (also JPEG and BMP); classes are the sub-folder
  names in sorted order; every image is made the same grid size with :func:`to_input_grid`.
* CSV: one sample per row, ``pixel1,...,pixelN,label``. A first row whose pixel fields are not all numbers
  is a header; a header whose first field is ``label`` or ``class`` puts the label first. Labels may be
  names (classes in sorted order) or integers 0..K-1. Pixel values are read as 0..255 when any value
  exceeds 1, as -1..1 when any is negative, else as 0..1 (so a 0..255 file whose values are all 0 or 1 is
  read as 0..1); 0..255 is scaled to 0..1, the others are kept with their range. N that is a perfect square
  gives a square grid.

Nothing a path leads to is trusted. Only regular files are opened, without blocking, and at most
:data:`~nnstudio.data.files.MAX_FILE_BYTES` on disk (:mod:`nnstudio.data.files`); a gzip stream that inflates
like a bomb is stopped (:mod:`nnstudio.data.idx`); images are PNG, JPEG or BMP by their content, their size
checked before decoding (:mod:`nnstudio.data.images`). What a dataset will cost in memory, float32 inputs
and one-hot targets, is checked against :data:`~nnstudio.data.dataset.MEMORY_BUDGET` before it is built:
from an IDX header, from the number of images in a folder, and for CSV from its first rows and again as the
rows stream in.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from . import dataset as dataset_module
from .dataset import DataError, Dataset, check_cost, dataset_cost, one_hot
from .digits import digits, digits_test, digits_train
from .files import open_regular_file, path_status, read_head
from .idx import GZIP_MAGIC, read_idx, read_idx_header
from .patterns import four_pixel, four_pixel_canonical, shapes3x3, xor_truth_table
from .points import POINT_DATASETS, is_point_spec, load_points
from .preprocess import MNIST_GRID, SMALL_GRID_MAX, default_value_range, load_grayscale_image, to_input_grid

BUILTIN_DATASETS: dict[str, str] = {
    "xor": "The XOR truth table: the 4 rows of A xor B, for a network of two inputs and one output",
    "four-pixel": "All 16 black-and-white 2x2 images: solid, vertical, diagonal, horizontal and the rest",
    "four-pixel:canonical": "The 8 2x2 images that are solid, vertical, diagonal or horizontal",
    "shapes3x3": "Square, V, X and cross on a 3x3 grid, dark on light and inverted (8 images)",
    "digits": "10,000 MNIST handwritten digits, 28x28",
    "digits:train": "8,000 of the MNIST digits, for training (fixed split)",
    "digits:test": "The other 2,000 MNIST digits, for testing (fixed split)",
    **POINT_DATASETS,
}

_BUILTIN_LOADERS: dict[str, Callable[[], Dataset]] = {
    "xor": xor_truth_table,
    "four-pixel": four_pixel,
    "four-pixel:canonical": four_pixel_canonical,
    "shapes3x3": shapes3x3,
    "digits": digits,
    "digits:train": digits_train,
    "digits:test": digits_test,
}

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
MAX_GRID_PIXELS = 128 * 128
# All the pictures of an image folder together: 60,000 MNIST digits are 47 million pixels. Each one is
# decoded in full before it is made grid-sized, so this bounds the work a folder of big pictures can ask for.
MAX_FOLDER_PIXELS = 1 << 28
MAX_CLASSES = 10_000


def load_dataset(
    spec: str, grid: tuple[int, int] | None = None, value_range: tuple[float, float] | None = None
) -> Dataset:
    """A built-in dataset by name (see ``BUILTIN_DATASETS``), or a dataset file or folder by path:
    an IDX images file (its labels file found beside it), a folder of images in class sub-folders, or a
    ``.csv`` file.

    ``grid`` and ``value_range`` are the network's, when known: a folder's pictures are then made that
    size, in that range, the way the drawing pad prepares a drawing (see :func:`load_image_folder`).
    """
    if spec in _BUILTIN_LOADERS:
        return _BUILTIN_LOADERS[spec]()
    if is_point_spec(spec):
        return load_points(spec)
    names = ", ".join(BUILTIN_DATASETS)
    if not spec.strip():
        raise DataError(f"no dataset given; built-in datasets are {names}, or give a file or folder")
    path = Path(spec).expanduser()
    if not os.path.lexists(path):
        raise DataError(f"{spec!r} is neither a built-in dataset ({names}) nor an existing file or folder")
    # A path from a file may name anything: say what it is instead of opening a pipe or a device.
    mode = path_status(path).st_mode
    if stat.S_ISDIR(mode):
        return load_image_folder(path, grid, value_range if grid is not None else None)
    if path.suffix.lower() == ".csv":
        return load_csv(path)
    head = read_head(path, 2, "a dataset file")
    if head in (GZIP_MAGIC, b"\x00\x00"):
        return load_idx(path)
    raise DataError(
        f"{path}: not a dataset nnstudio can read: expected an IDX file (MNIST format, raw or"
        f" .gz), a .csv file or a folder of images in class sub-folders"
    )


# ---------------------------------------------------------------------------------------------- IDX files

_IMAGES_NAME = re.compile(r"images([-._])idx3", re.IGNORECASE)


def labels_file_for(images_path: str | Path) -> Path:
    """The labels file beside an IDX images file, by the standard naming (raw or .gz, either way)."""
    images_path = Path(images_path)
    name = images_path.name
    if not _IMAGES_NAME.search(name):
        raise DataError(
            f"{images_path}: cannot tell the labels file from this name (expected a name like"
            f" train-images-idx3-ubyte.gz); give the labels file explicitly"
        )
    labels_name = _IMAGES_NAME.sub(lambda m: f"labels{m.group(1)}idx1", name)
    stem = labels_name[:-3] if labels_name.endswith(".gz") else labels_name
    candidates = [images_path.with_name(n) for n in (labels_name, stem, f"{stem}.gz")]
    for candidate in dict.fromkeys(candidates):
        # Any entry by that name counts (a pipe, a broken link): reading it then says what is wrong.
        if os.path.lexists(candidate):
            return candidate
    tried = " or ".join(c.name for c in dict.fromkeys(candidates))
    raise DataError(f"{images_path}: its labels file is missing: looked for {tried} in {images_path.parent}")


def load_idx(
    images_path: str | Path,
    labels_path: str | Path | None = None,
    label_names: Sequence[str] | None = None,
    name: str | None = None,
) -> Dataset:
    """An IDX images file and its labels file as a dataset of 0..1 images.

    ``labels_path`` defaults to :func:`labels_file_for`; ``label_names`` defaults to "0", "1", ... up to the
    largest label (at least "0".."9").
    """
    images_path = Path(images_path)
    # The header first: what the images will cost in memory is known before any pixel is read.
    dtype, dims = read_idx_header(images_path)
    if len(dims) == 1:
        raise DataError(f"{images_path}: holds one value per sample (a labels file?); give the images file")
    if len(dims) != 3:
        raise DataError(
            f"{images_path}: an images file holds samples x rows x columns (3 dimensions),"
            f" this one has {len(dims)}"
        )
    n, rows, cols = dims
    if n == 0 or rows == 0 or cols == 0:
        raise DataError(f"{images_path}: holds no pixels ({n} images of {rows}x{cols})")
    if dtype != np.uint8 and dtype.kind != "f":
        raise DataError(
            f"{images_path}: pixels must be unsigned bytes (type 0x08) or floats 0..1, not {dtype.newbyteorder('=')}"
        )
    check_cost(images_path, n, rows * cols)
    labels_path = labels_file_for(images_path) if labels_path is None else Path(labels_path)
    labels = read_idx(labels_path, max_bytes=n * 8 + 8)
    if labels.ndim != 1:
        raise DataError(
            f"{labels_path}: a labels file holds one value per sample, this one has {labels.ndim} dimensions"
        )
    if labels.dtype.kind not in "iu":
        raise DataError(f"{labels_path}: labels must be integers, not {labels.dtype}")
    if len(labels) != n:
        raise DataError(f"{labels_path}: {len(labels)} labels for the {n} images of {images_path.name}")
    if labels.min() < 0:
        raise DataError(f"{labels_path}: label {int(labels.min())} is negative")
    largest = int(labels.max())
    if label_names is None:
        if largest >= MAX_CLASSES:
            raise DataError(f"{labels_path}: label {largest} is far too large for a class number")
        label_names = [str(i) for i in range(max(10, largest + 1))]
    elif largest >= len(label_names):
        raise DataError(f"{labels_path}: label {largest} but only {len(label_names)} label names")
    check_cost(images_path, n, rows * cols, len(label_names))
    # The file's own bytes are held for a moment too: 64-bit floats cost twice what they become.
    raw_bytes = n * rows * cols * dtype.itemsize
    if raw_bytes > dataset_module.MEMORY_BUDGET:
        raise DataError(
            f"{images_path}: {raw_bytes / 2**20:,.0f} MiB of {dtype.itemsize}-byte values, more than the"
            f" {dataset_module.MEMORY_BUDGET / 2**20:,.0f} MiB a dataset may use here"
        )
    images = read_idx(images_path, max_bytes=raw_bytes)
    if images.shape != (n, rows, cols):
        raise DataError(f"{images_path}: changed while it was being read")
    if images.dtype == np.uint8:
        inputs = images.reshape(n, -1).astype(np.float32)
        inputs *= np.float32(1.0 / 255.0)
    else:
        inputs = images.reshape(n, -1).astype(np.float32)
        if not np.isfinite(inputs).all() or inputs.min() < 0.0 or inputs.max() > 1.0:
            raise DataError(f"{images_path}: float pixel values must lie in 0..1")
    del images
    classes = labels.astype(np.int64)
    return Dataset(
        name or images_path.name,
        inputs,
        one_hot(classes, len(label_names)),
        list(label_names),
        classes,
        grid=(cols, rows),
        value_range=(0.0, 1.0),
        description=f"{n} images {cols}x{rows} from {images_path}",
    )


# ------------------------------------------------------------------------------------------ image folders


def load_image_folder(
    folder: str | Path, grid: tuple[int, int] | None = None, value_range: tuple[float, float] | None = None
) -> Dataset:
    """Images in ``folder/<class name>/`` as a dataset, all made ``grid`` (width, height) in size.

    Every picture goes through :func:`~nnstudio.data.preprocess.to_input_grid`, the drawing pad's own
    preparation, so photos or scans of any size work: for the 28x28 grid each is made an MNIST-style digit.
    Without a grid, a folder of small pictures (up to 32x32, pixel patterns) keeps the first one's size and
    anything larger becomes 28x28 digits. ``value_range`` defaults to :func:`default_value_range` of the grid.
    """
    folder = Path(folder)
    if not stat.S_ISDIR(path_status(folder, "folder").st_mode):
        raise DataError(f"{folder}: no such folder")
    try:
        class_dirs = sorted(p for p in folder.iterdir() if _is_folder(p) and not p.name.startswith("."))
        if len(class_dirs) > MAX_CLASSES:
            raise DataError(f"{folder}: {len(class_dirs):,} class sub-folders, too many classes")
        # Only regular files are images: a pipe or device named like one is left alone, never opened.
        files_by_class = [
            (d.name, sorted(p for p in d.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and _is_regular(p)))
            for d in class_dirs
        ]
    except OSError as exc:
        raise DataError(f"{folder}: cannot be listed ({exc.strerror or exc})") from None
    files_by_class = [(label, files) for label, files in files_by_class if files]
    if not files_by_class:
        hint = ""
        if any(p.name.lower().endswith(("idx3-ubyte", "idx3-ubyte.gz")) for p in folder.iterdir()):
            hint = "; for the IDX files in it, give the images file itself (e.g. train-images-idx3-ubyte.gz)"
        suffixes = ", ".join(IMAGE_SUFFIXES)
        raise DataError(
            f"{folder}: no images in class sub-folders (expected {folder.name}/<class>/<image>"
            f" with {suffixes}){hint}"
        )
    labels = [label for label, _ in files_by_class]
    if grid is None:
        first_image = load_grayscale_image(files_by_class[0][1][0])
        height, width = first_image.shape
        grid = (width, height) if max(width, height) <= SMALL_GRID_MAX else MNIST_GRID
    width, height = int(grid[0]), int(grid[1])
    if width < 1 or height < 1 or width * height > MAX_GRID_PIXELS:
        raise DataError(f"{folder}: a {width}x{height} grid is not possible (1 to {MAX_GRID_PIXELS} pixels)")
    value_range = value_range or default_value_range((width, height))
    n_images = sum(len(files) for _, files in files_by_class)
    check_cost(folder, n_images, width * height, len(labels))
    rows: list[np.ndarray] = []
    classes: list[int] = []
    names: list[str] = []
    decoded = 0
    for cls, (label, files) in enumerate(files_by_class):
        for path in files:
            picture = load_grayscale_image(path)
            decoded += picture.size
            if decoded > MAX_FOLDER_PIXELS:
                raise DataError(
                    f"{folder}: the pictures hold more than {MAX_FOLDER_PIXELS:,} pixels in all (reached at"
                    f" {label}/{path.name}); make them smaller or use fewer"
                )
            rows.append(to_input_grid(picture, (width, height), value_range))
            classes.append(cls)
            names.append(f"{label}/{path.name}")
    class_array = np.array(classes, dtype=np.int64)
    return Dataset(
        folder.name,
        np.stack(rows),
        one_hot(class_array, len(labels)),
        labels,
        class_array,
        grid=(width, height),
        value_range=value_range,
        description=f"{len(rows)} images {width}x{height} in {len(labels)} classes from {folder}",
        sample_names=names,
    )


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------- CSV files

# A row holds at most as many pixels as an image grid may have, and a line is read at most this long: a
# file of one endless line is refused at once instead of being held whole in memory.
MAX_CSV_COLUMNS = MAX_GRID_PIXELS + 1
MAX_CSV_LINE_CHARS = MAX_CSV_COLUMNS * 32
_CSV_BATCH_ROWS = 4096


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _csv_lines(path: Path, text: io.TextIOBase) -> Iterator[tuple[int, str]]:
    """(line number, line) of every non-blank line, each read at most :data:`MAX_CSV_LINE_CHARS` long."""
    number = 0
    while True:
        line = text.readline(MAX_CSV_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_CSV_LINE_CHARS:
            raise DataError(
                f"{path}: line {number} is longer than {MAX_CSV_LINE_CHARS:,} characters; a row holds"
                f" at most {MAX_CSV_COLUMNS - 1:,} pixel values and a label"
            )
        if line.strip():
            yield number, line.rstrip("\r\n")


def _split_fields(path: Path, number: int, line: str) -> list[str]:
    """The fields of one line; the csv module only when quotes call for it."""
    if '"' not in line:
        return line.split(",")
    try:
        rows = list(csv.reader([line], skipinitialspace=True, strict=True))
    except csv.Error as exc:
        raise DataError(f"{path}: line {number}: {exc}") from None
    return rows[0] if rows else []


class _CsvReader:
    """Rows of a CSV file turned into float32 pixel blocks and label numbers as they are read."""

    def __init__(
        self, path: Path, n_columns: int, label_first: bool, file_size: int, position: Callable[[], int]
    ) -> None:
        self.path = path
        self.position = position
        self.n_columns = n_columns
        self.label_first = label_first
        self.file_size = file_size
        self.blocks: list[np.ndarray] = []
        self.label_ids: list[np.ndarray] = []
        # label text -> (its number in order of appearance, the line it first appears on)
        self.label_texts: dict[str, tuple[int, int]] = {}
        self.rows = 0
        self.low = math.inf
        self.high = -math.inf
        self._pixels: list[str] = []
        self._labels: list[int] = []
        self._lines: list[int] = []

    def add(self, number: int, line: str) -> None:
        if '"' in line:
            fields = _split_fields(self.path, number, line)
            if len(fields) != self.n_columns:
                self._wrong_count(number, len(fields))
            label = fields[0] if self.label_first else fields[-1]
            pixels = ",".join(fields[1:] if self.label_first else fields[:-1])
        else:
            if line.count(",") + 1 != self.n_columns:
                self._wrong_count(number, line.count(",") + 1)
            if self.label_first:
                label, _, pixels = line.partition(",")
            else:
                pixels, _, label = line.rpartition(",")
        label = label.strip()
        known = self.label_texts.get(label)
        if known is None:
            if len(self.label_texts) >= MAX_CLASSES:
                raise DataError(
                    f"{self.path}: line {number}: more than {MAX_CLASSES:,} different labels, too many classes"
                )
            known = (len(self.label_texts), number)
            self.label_texts[label] = known
        self._labels.append(known[0])
        self._pixels.append(pixels)
        self._lines.append(number)
        if len(self._pixels) >= _CSV_BATCH_ROWS:
            self.flush()

    def _wrong_count(self, number: int, count: int) -> None:
        raise DataError(f"{self.path}: line {number} has {count} fields, the first line has {self.n_columns}")

    def flush(self) -> None:
        if not self._pixels:
            return
        values = self._parse(self._pixels, self._lines)
        finite = np.isfinite(values).all(axis=1)
        if not finite.all():
            raise DataError(
                f"{self.path}: line {self._lines[int(np.flatnonzero(~finite)[0])]}: pixel values must be finite numbers"
            )
        self.low = min(self.low, float(values.min()))
        self.high = max(self.high, float(values.max()))
        if self.low < -1.0 or self.high > 255.0:
            # Outside every range a CSV may use (and beyond float32 for the largest): stop here.
            raise DataError(
                f"{self.path}: pixel values run from {self.low:g} to {self.high:g}; expected 0..255,"
                f" 0..1 or -1..1"
            )
        self.rows += len(values)
        check_cost(self.path, self.rows, values.shape[1])
        self.blocks.append(values.astype(np.float32))
        self.label_ids.append(np.array(self._labels, dtype=np.int32))
        self._pixels, self._labels, self._lines = [], [], []
        consumed = self.position()
        if len(self.blocks) == 1 and 0 < consumed < self.file_size:
            # From the first rows' length, what the whole file will cost: refuse a file far too large now.
            estimate = int(self.rows * self.file_size / consumed)
            try:
                check_cost(self.path, estimate, values.shape[1])
            except DataError:
                raise DataError(
                    f"{self.path}: about {estimate:,} samples of {values.shape[1]:,} values would take"
                    f" {dataset_cost(estimate, values.shape[1]) / 2**20:,.0f} MiB of memory, more than"
                    f" a dataset may use here; use fewer or smaller samples"
                ) from None

    def _parse(self, pixels: list[str], lines: list[int]) -> np.ndarray:
        try:
            # numpy's parser is several times faster than converting field by field in Python
            return np.loadtxt(pixels, delimiter=",", dtype=np.float64, ndmin=2, comments=None)
        except ValueError:
            pass
        for line_number, text in zip(lines, pixels, strict=True):
            for column, field in enumerate(text.split(","), start=1):
                try:
                    float(field)
                except ValueError:
                    raise DataError(
                        f"{self.path}: line {line_number}: pixel {column} is {field.strip()!r}, not a number"
                    ) from None
        raise DataError(f"{self.path}: the pixel values cannot be read as numbers")


def _class_numbers(path: Path, texts: dict[str, tuple[int, int]]) -> tuple[np.ndarray, list[str]]:
    """For each label text (in order of appearance), its class; and the label names.

    Integers 0..K-1 keep their number; otherwise the labels are names, in sorted order. A label that reads
    as a number but is not one a class can have (too large, negative, not finite) is an error.
    """
    numbers: list[int] | None = []
    for text, (_, line) in texts.items():
        try:
            value = float(text)
        except ValueError:
            numbers = None
            continue
        if not math.isfinite(value):
            raise DataError(
                f"{path}: line {line}: label {text!r} is not a class; labels are names or numbers 0, 1, 2, ..."
            )
        if numbers is None or not value.is_integer():
            numbers = None
            continue
        if value < 0:
            raise DataError(
                f"{path}: line {line}: label {text} is negative; labels are names or numbers 0, 1, 2, ..."
            )
        if value >= MAX_CLASSES:
            raise DataError(
                f"{path}: line {line}: label {text} is far too large for a class number (at most"
                f" {MAX_CLASSES - 1:,})"
            )
        numbers.append(int(value))
    if numbers is not None:
        return np.array(numbers, dtype=np.int64), [str(i) for i in range(max(numbers) + 1)]
    if "" in texts:
        raise DataError(f"{path}: line {texts[''][1]}: the label is empty")
    labels = sorted(texts)
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[t] for t in texts], dtype=np.int64), labels


def load_csv(path: str | Path, grid: tuple[int, int] | None = None) -> Dataset:
    """A CSV file of ``pixel1,...,pixelN,label`` rows as a dataset (see the module's description).

    The file is read as a stream, a batch of rows at a time; what it will cost in memory is estimated from
    the first rows and checked as it grows, so a file too large is refused early with a clear message.
    """
    path = Path(path)
    try:
        with open_regular_file(path, "a CSV file") as raw:
            file_size = os.fstat(raw.fileno()).st_size
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = _read_csv_rows(path, text, raw, file_size)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text file (a CSV file must be UTF-8 text)") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    class_of_text, labels = _class_numbers(path, reader.label_texts)
    classes = class_of_text[np.concatenate(reader.label_ids)]
    n_pixels = reader.blocks[0].shape[1]
    check_cost(path, reader.rows, n_pixels, len(labels))
    pixels = _join_blocks(reader.blocks, reader.rows, n_pixels)
    low, high = reader.low, reader.high
    expected = "expected 0..255, 0..1 or -1..1"
    if high > 1.0:
        if low < 0.0:
            raise DataError(f"{path}: pixel values run from {low:g} to {high:g}; {expected}")
        pixels /= np.float32(255.0)
        value_range = (0.0, 1.0)
    elif low < 0.0:
        value_range = (-1.0, 1.0)
    else:
        value_range = (0.0, 1.0)
    if grid is None:
        side = math.isqrt(n_pixels)
        grid = (side, side) if side * side == n_pixels else None
    elif grid[0] * grid[1] != n_pixels:
        raise DataError(
            f"{path}: a {grid[0]}x{grid[1]} grid needs {grid[0] * grid[1]} pixels per row,"
            f" the rows have {n_pixels}"
        )
    return Dataset(
        path.stem,
        pixels,
        one_hot(classes, len(labels)),
        labels,
        classes,
        grid=grid,
        value_range=value_range,
        description=f"{len(pixels)} samples of {n_pixels} values in {len(labels)} classes from {path}",
    )


def _join_blocks(blocks: list[np.ndarray], rows: int, n_pixels: int) -> np.ndarray:
    """The blocks as one array, each block let go as soon as it is copied (so the rows are not held twice)."""
    if len(blocks) == 1:
        return blocks.pop()
    joined = np.empty((rows, n_pixels), dtype=np.float32)
    at = 0
    blocks.reverse()
    while blocks:
        block = blocks.pop()
        joined[at : at + len(block)] = block
        at += len(block)
    return joined


def _read_csv_rows(path: Path, text: io.TextIOBase, raw: BinaryIO, file_size: int) -> _CsvReader:
    lines = _csv_lines(path, text)
    first_line = next(lines, None)
    if first_line is None:
        raise DataError(f"{path}: the file is empty")
    number, line = first_line
    first = _split_fields(path, number, line)
    n_columns = len(first)
    if n_columns < 2:
        raise DataError(
            f"{path}: each row needs pixel values and a label separated by commas; line {number} has one field"
        )
    if n_columns > MAX_CSV_COLUMNS:
        raise DataError(
            f"{path}: line {number} has {n_columns:,} fields; a row holds at most {MAX_CSV_COLUMNS - 1:,}"
            f" pixel values and a label"
        )
    label_first = False
    header = not all(_is_number(cell) for cell in first[:-1])
    if header:
        names = [cell.strip().lower() for cell in first]
        label_first = names[0] in ("label", "class") and names[-1] not in ("label", "class")
    reader = _CsvReader(path, n_columns, label_first, file_size, raw.tell)
    if not header:
        reader.add(number, line)
    for number, line in lines:
        reader.add(number, line)
    reader.flush()
    if reader.rows == 0:
        raise DataError(f"{path}: a header line but no samples")
    return reader

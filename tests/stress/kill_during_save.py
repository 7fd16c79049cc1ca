"""Kill a process in the middle of saving, again and again: nothing is lost and nothing is left behind.

Each trial forks a process that saves a network over and over (two versions in turn, so every save really
writes), kills it with SIGKILL after a random moment, and checks that the file still opens as one of the
two versions. The next save of that file must then leave no temporary file behind. Trials take turns over a
few files, so a trial's leftovers are a moment old when that file is next saved, as they would be when a
person saves again after a crash. Prints the counts; exits 1 if anything was lost or left.

Run as ``.venv/bin/python tests/stress/kill_during_save.py [--trials 500]``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nnstudio.document import atomic, document_to_bytes, load_document  # noqa: E402
from nnstudio.document.fileformat import FormatError  # noqa: E402
from nnstudio.examples import load_example  # noqa: E402

FILES = 20  # trials take turns over this many files


@dataclass
class Counts:
    trials: int = 0
    intact: int = 0  # the file opened as one of the two versions after the kill
    lost: list[str] = field(default_factory=list)
    killed_with_temp: int = 0  # kills that left a temporary file (the save was cut off half-way)
    leftovers_after_next_save: int = 0
    leftover_names: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"trials {self.trials}, file intact {self.intact}, lost {len(self.lost)}, "
            f"kills that left a temporary file {self.killed_with_temp}, "
            f"temporary files left after the next save {self.leftovers_after_next_save}"
        )


def _temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def _save_forever(path: Path, versions: list[bytes]) -> None:
    """The child: save the two versions in turn until killed."""
    k = 0
    while True:
        atomic.atomic_write(path, versions[k % 2], keep_backup=True)
        k += 1


def run_trials(trials: int, folder: Path, seed: int = 0, max_delay: float = 0.1) -> Counts:
    """``trials`` kills during saves in ``folder``; a kill comes 0 to ``max_delay`` s into the saving."""
    rng = random.Random(seed)
    doc = load_example("digits")  # about 100 KB of weights: a save takes a few milliseconds
    first = document_to_bytes(doc)
    doc.title = "the other version"
    second = document_to_bytes(doc)
    versions = [first, second]
    paths = [folder / f"net{k}.nnet" for k in range(FILES)]
    for path in paths:
        atomic.atomic_write(path, first)
    counts = Counts()
    pending: dict[Path, float] = {}  # files whose kill may have left something, and when
    for trial in range(trials):
        path = paths[trial % FILES]
        if path in pending:
            _next_save(path, pending.pop(path), versions, counts)
        before = set(_temps(folder))
        pid = os.fork()
        if pid == 0:  # the child never returns
            try:
                _save_forever(path, versions)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, max_delay))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        counts.trials += 1
        if set(_temps(folder)) - before:
            counts.killed_with_temp += 1
        # Byte for byte one of the two versions (each a valid network) is what "nothing lost" means here.
        try:
            data = path.read_bytes()
        except OSError as exc:
            counts.lost.append(f"{path.name}: {exc}")
        else:
            if data in versions:
                counts.intact += 1
            else:
                counts.lost.append(f"{path.name}: holds neither version ({_problem(path)})")
        pending[path] = time.time()
    for path, killed_at in list(pending.items()):
        _next_save(path, killed_at, versions, counts)
    return counts


def _problem(path: Path) -> str:
    try:
        load_document(path)
    except FormatError as exc:
        return str(exc)
    return "a valid network, but another one"


def _next_save(path: Path, killed_at: float, versions: list[bytes], counts: Counts) -> None:
    """Save ``path`` again once its leftovers are a moment old, and count what is left of them."""
    wait = atomic.STALE_AFTER_SECONDS - (time.time() - killed_at) + 0.05
    if wait > 0:
        time.sleep(wait)
    atomic.atomic_write(path, versions[0], keep_backup=True)
    left = [p for p in _temps(path.parent) if atomic.is_temp_name(p.name, path.name)]
    counts.leftovers_after_next_save += len(left)
    counts.leftover_names += [p.name for p in left]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        counts = run_trials(args.trials, Path(folder), args.seed)
        others = [p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp")]
    for problem in counts.lost:
        print(f"LOST {problem}")
    for name in counts.leftover_names:
        print(f"LEFT {name}")
    print(f"{counts.line()}; temporary files in the folder at the end {len(others)}")
    print(f"{time.perf_counter() - start:.1f} s")
    good = counts.intact == counts.trials and not counts.lost and counts.leftovers_after_next_save == 0
    return 0 if good and not others else 1


if __name__ == "__main__":
    sys.exit(main())

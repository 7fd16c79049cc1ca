"""How the model scales: big layered networks, long chains and hand-built graphs with skip connections.

Prints, side by side in one run (medians of --repeats runs, seconds unless said):

1. Layered 784-H-H-10 networks (H = 16, 256, 1024): build, save, load (from the .nnet file), copy and
   compile, and the memory the network and its plan hold (tracemalloc) beside their float32 bytes.
   Targets at H=1024: load, copy and compile each <= 0.3 s; network + plan <= 3x float32 bytes + 50 MB.
2. A chain of 20,000 hidden neurons: build, compile, one forward and one backward pass.
   Target: compile and run in under 1 s.
3. A 200-neuron hand-built graph with skip connections (every neuron fed by a few earlier ones): the
   engine's forward + backward against a hand-written numpy loop doing one masked product per level over
   all earlier neurons. Target: within 1.3x.
4. Launch to a usable window (a fresh process opening the file until the window has painted), for digits
   and for 784-1024-1024-10. Targets: digits <= 1.2 s, 784-1024-1024-10 <= 2.5 s. Skip with --no-launch.

    python benchmarks/engine_scale.py [--repeats 3] [--no-launch]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from nnstudio.document.builders import dense_network  # noqa: E402
from nnstudio.document.fileformat import load_document, save_document  # noqa: E402
from nnstudio.document.model import Document  # noqa: E402
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id  # noqa: E402
from nnstudio.engine.losses import LOSSES  # noqa: E402
from nnstudio.engine.plan import compile_network  # noqa: E402

MB = 1024 * 1024


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def layered(repeats: int, folder: Path) -> None:
    print("1. layered 784-H-H-10 networks (seconds; memory in MB)")
    header = (
        f"{'H':>5} {'connections':>12} {'build':>7} {'save':>7} {'load':>7} {'copy':>7} {'compile':>8}"
        f" {'net+plan MB':>12} {'f32 MB':>7} {'limit MB':>9}"
    )
    print(header)
    print("-" * len(header))
    for hidden in (16, 256, 1024):
        sizes = [784, hidden, hidden, 10]
        build, network = median_time(lambda s=sizes: dense_network(s, "relu", 0, grid=(28, 28)), repeats)
        doc = Document(network, grid=(28, 28), value_range=(0.0, 1.0))
        path = folder / f"h{hidden}.nnet"
        save, _ = median_time(lambda d=doc, p=path: save_document(d, p), repeats)
        load, loaded = median_time(lambda p=path: load_document(p), repeats)
        copy, _ = median_time(lambda n=loaded.network: n.copy(), repeats)
        compile_, _ = median_time(lambda n=loaded.network: compile_network(n), repeats)
        tracemalloc.start()
        held = load_document(path)
        plan = compile_network(held.network)
        used = tracemalloc.get_traced_memory()[0] / MB
        tracemalloc.stop()
        del plan, held
        f32 = len(network.edges) * 4 / MB
        print(
            f"{hidden:5d} {len(network.edges):12,} {build:7.3f} {save:7.3f} {load:7.3f} {copy:7.3f}"
            f" {compile_:8.3f} {used:12.1f} {f32:7.1f} {3 * f32 + 50:9.1f}"
        )
    print("targets at H=1024: load, copy, compile <= 0.3 s each; net+plan <= limit (3x float32 + 50 MB)")
    print()


def chain_network(length: int) -> Network:
    ids = ["x"] + [f"n{k}" for k in range(length)] + ["y"]
    neurons = [Neuron("x", Role.INPUT, "identity")]
    neurons += [Neuron(f"n{k}", Role.HIDDEN, "tanh") for k in range(length)]
    neurons += [Neuron("y", Role.OUTPUT, "identity")]
    edges = [Edge(edge_id(a, b), a, b, 0.9) for a, b in zip(ids, ids[1:], strict=False)]
    return Network.from_parts(neurons, edges)


def chain(repeats: int) -> None:
    length = 20_000
    print(f"2. a chain of {length:,} hidden neurons")
    build, network = median_time(lambda: chain_network(length), repeats)
    compile_, plan = median_time(lambda: compile_network(network), repeats)
    x = np.ones((1, 1), np.float32)
    forward, fw = median_time(lambda: plan.forward(x), repeats)
    backward, _ = median_time(lambda: plan.backward(fw, np.zeros((1, 1)), LOSSES["squared"]), repeats)
    total = compile_ + forward + backward
    print(
        f"build {build:.3f}  compile {compile_:.3f}  forward {forward:.3f}  backward {backward:.3f}"
        f"  compile+run {total:.3f}  ({len(plan.levels):,} levels)"
    )
    print("target: compile and run in under 1 s")
    print()


def skip_graph(n_hidden: int = 200, fan_in: int = 4, seed: int = 0) -> Network:
    """Inputs, then hidden neurons each fed by ``fan_in`` random earlier neurons, then outputs fed by all
    of the last hidden ones: a hand-built graph whose levels are fed by many earlier levels."""
    rng = np.random.default_rng(seed)
    inputs = [Neuron(f"i{k}", Role.INPUT, "identity") for k in range(8)]
    hidden = [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(n_hidden)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, "sigmoid") for k in range(4)]
    earlier = [n.id for n in inputs]
    edges = []
    for neuron in hidden:
        for source in rng.choice(earlier, size=min(fan_in, len(earlier)), replace=False):
            edges.append(Edge(edge_id(source, neuron.id), source, neuron.id, float(rng.normal())))
        earlier.append(neuron.id)
    for out in outputs:
        for source in earlier[-10:]:
            edges.append(Edge(edge_id(source, out.id), source, out.id, float(rng.normal())))
    return Network.from_parts(inputs + hidden + outputs, edges)


def masked_baseline(network: Network):
    """One masked product per level over every earlier neuron, written by hand from the engine's levels:
    the same work as the engine's step (biases, squared error, weight and bias slopes), no more."""
    levels = network.levels()
    order = [nid for level in levels for nid in level]
    index = {nid: i for i, nid in enumerate(order)}
    n = len(order)
    weights = np.zeros((n, n), np.float32)
    for e in network.edges.values():
        weights[index[e.target], index[e.source]] = e.weight
    bias = np.array([network.neurons[nid].bias for nid in order], np.float32)
    bounds = np.cumsum([0] + [len(level) for level in levels])
    steps = [(int(bounds[k]), int(bounds[k + 1])) for k in range(1, len(levels))]
    Ws = [weights[a:b, :a].copy() for a, b in steps]
    sigmoid_out = len(steps) - 1

    def run(x: np.ndarray, y: np.ndarray) -> None:
        a = np.empty((len(x), n), np.float32)
        a[:, : bounds[1]] = x
        for k, ((lo, hi), W) in enumerate(zip(steps, Ws, strict=True)):
            z = a[:, :lo] @ W.T + bias[lo:hi]
            a[:, lo:hi] = 0.5 * np.tanh(0.5 * z) + 0.5 if k == sigmoid_out else np.tanh(z)
        g = np.zeros((len(x), n), np.float32)
        out = a[:, steps[-1][0] :]
        g[:, steps[-1][0] :] = 2 * (out - y) / len(x)
        for k, ((lo, hi), W) in reversed(list(enumerate(zip(steps, Ws, strict=True)))):
            act = a[:, lo:hi]
            delta = g[:, lo:hi] * (act * (1 - act) if k == sigmoid_out else 1 - act * act)
            _ = delta.T @ a[:, :lo], delta.sum(axis=0)
            g[:, bounds[1] : lo] += delta @ W[:, bounds[1] :]

    return run


def skip(repeats: int) -> None:
    network = skip_graph()
    plan = compile_network(network)
    baseline = masked_baseline(network)
    loss = LOSSES["squared"]
    rows = []
    for batch in (1, 32):
        x = np.random.default_rng(1).uniform(-1, 1, (batch, plan.n_inputs)).astype(np.float32)
        y = np.zeros((batch, plan.n_outputs), np.float32)
        ours_runs, base_runs = [], []
        for _ in range(repeats * 3):
            start = time.perf_counter()
            for _ in range(20):
                plan.backward(plan.forward(x), y, loss)
            ours_runs.append((time.perf_counter() - start) / 20)
            start = time.perf_counter()
            for _ in range(20):
                baseline(x, y)
            base_runs.append((time.perf_counter() - start) / 20)
        ours, base = statistics.median(ours_runs), statistics.median(base_runs)
        rows.append((batch, ours, base))
    print(f"3. a {len(network.neurons)}-neuron graph with skip connections ({len(plan.levels)} levels)")
    for batch, ours, base in rows:
        print(
            f"batch {batch:3d}: nnstudio {ours * 1e3:6.2f} ms, one masked product per level {base * 1e3:6.2f} ms"
            f" per forward + backward: {ours / base:.2f}x"
        )
    print("target: within 1.3x")
    print()


LAUNCH = """
import sys, time
from PySide6.QtCore import QTimer
from nnstudio.app import create_application, create_main_window
app = create_application([])
window = create_main_window(__import__("pathlib").Path(sys.argv[1]))
window.resize(1600, 1000)
window.show()
def done():
    window.repaint()
    app.processEvents()
    print("painted", flush=True)
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def launch(repeats: int, folder: Path) -> None:
    print("4. launch to a usable window (a fresh process, until the window has painted; offscreen)")
    from nnstudio.examples import example_path

    big = folder / "h1024.nnet"
    if not big.exists():
        save_document(Document(dense_network([784, 1024, 1024, 10], "relu", 0, grid=(28, 28))), big)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNSTUDIO_DATA_DIR=str(folder / "data"))
    for name, path in (("digits", example_path("digits")), ("784-1024-1024-10", big)):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", LAUNCH, str(path)],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            times.append(time.perf_counter() - start)
            if "painted" not in out.stdout:
                print(f"{name}: the window did not open: {out.stderr.strip()[-300:]}")
                break
        else:
            print(f"{name:<18} {statistics.median(times):6.2f} s")
    print("targets: digits <= 1.2 s; 784-1024-1024-10 <= 2.5 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-launch", action="store_true", help="skip the launch-to-window figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        layered(args.repeats, folder)
        chain(args.repeats)
        skip(args.repeats)
        if not args.no_launch:
            launch(args.repeats, folder)


if __name__ == "__main__":
    main()

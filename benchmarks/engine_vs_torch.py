"""Training speed of nnstudio's engine beside a plain hand-written numpy MLP and PyTorch CPU.

The same network (784-16-16-10, sigmoid, squared error, plain SGD), the same data (digits:train, 8,000
samples) and the same batch sizes, all on one thread, printed side by side as samples per second and ratios.

    python benchmarks/engine_vs_torch.py [--seconds 3] [--batches 1,10,32,250] [--repeats 3]

The last column is the share of the arithmetic limit: the floating-point work of one training sample
(forward, backward and update; about 52.7k operations for 784-16-16-10) at the single-precision matrix
speed this machine reaches in one large product, measured in the same interleaved slices as the rest.

PyTorch is optional (``pip install torch==2.13.0``); without it its column says so.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from nnstudio.data import load_dataset  # noqa: E402
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id  # noqa: E402
from nnstudio.engine.plan import compile_network  # noqa: E402
from nnstudio.engine.train import Step, TrainSettings, initialise, train  # noqa: E402

SIZES = [784, 16, 16, 10]


def mlp_network(sizes: list[int]) -> Network:
    layers = [[f"i{k}" for k in range(sizes[0])]]
    layers += [[f"h{li}_{k}" for k in range(n)] for li, n in enumerate(sizes[1:-1], start=1)]
    layers += [[f"o{k}" for k in range(sizes[-1])]]
    neurons = [Neuron(i, Role.INPUT, "identity") for i in layers[0]]
    neurons += [Neuron(h, Role.HIDDEN, "sigmoid") for layer in layers[1:-1] for h in layer]
    neurons += [Neuron(o, Role.OUTPUT, "sigmoid") for o in layers[-1]]
    edges = [
        Edge(edge_id(s, t), s, t) for a, b in zip(layers, layers[1:], strict=False) for t in b for s in a
    ]
    return Network.from_parts(neurons, edges)


ROUNDS = 7
# Multiply-adds count two. Per sample: the forward products, the weight slopes, and the slopes passed back
# to every layer but the inputs (the update is left out, as in ENVIRONMENT.md's 52.7k for 784-16-16-10).
_PRODUCTS = [i * o for i, o in zip(SIZES, SIZES[1:], strict=False)]
FLOPS_PER_SAMPLE = 2 * sum(_PRODUCTS) + 2 * sum(_PRODUCTS) + 2 * sum(_PRODUCTS[1:])


def limit_runner():
    """The arithmetic limit as a runner: one large float32 matrix product on one core, counted as the training
    samples its operations would pay for. Measured in the same interleaved slices as the implementations, so
    a busy neighbour slows it alike (this machine's sgemm rate varies twofold with the load)."""
    rng = np.random.default_rng(0)
    a = rng.random((1024, 1024), dtype=np.float32)
    b = rng.random((1024, 1024), dtype=np.float32)
    out = a @ b
    samples = 2 * 1024**3 / FLOPS_PER_SAMPLE

    def run() -> float:
        np.matmul(a, b, out=out)
        return samples

    return run


def rate(run_steps, seconds: float) -> float:
    """Samples per second over one timed slice."""
    start = time.perf_counter()
    done = 0.0
    while time.perf_counter() - start < seconds:
        done += run_steps()
    return done / (time.perf_counter() - start)


def interleaved(runners: dict[str, object], seconds: float) -> dict[str, float]:
    """Median rate of each runner, measured in alternating slices so a busy neighbour hurts all alike."""
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(ROUNDS):
        for name, run in runners.items():
            if run is not None:
                rates[name].append(rate(run, seconds / ROUNDS))
    return {name: float(np.median(r)) for name, r in rates.items() if r}


def engine_runner(x: np.ndarray, y: np.ndarray, batch: int):
    plan = compile_network(mlp_network(SIZES), np.float32)
    initialise(plan, "xavier", seed=0)
    settings = TrainSettings(epochs=10**6, learning_rate=0.1, batch_size=batch, momentum=0.0, seed=0)
    # The other two do no evaluation pass at the end of an epoch, so neither does this one.
    gen = train(plan, x, y, settings, measure_epochs=False)

    def run() -> int:
        done = 0
        for event in gen:
            if isinstance(event, Step):
                done += len(event.sample_indices)
                if done >= 2000:
                    break
        return done

    return run


def numpy_runner(x: np.ndarray, y: np.ndarray, batch: int):
    """The textbook loop (Nielsen's network.py, batched): what a person would write by hand."""
    rng = np.random.default_rng(0)
    Ws = [
        rng.uniform(-1, 1, (o, i)).astype(np.float32) * np.sqrt(6 / (i + o)).astype(np.float32)
        for i, o in zip(SIZES, SIZES[1:], strict=False)
    ]
    bs = [np.zeros(o, np.float32) for o in SIZES[1:]]
    lr = np.float32(0.1)
    n = len(x)
    state = {"pos": 0, "order": rng.permutation(n)}

    def sigmoid(z: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-z))

    def run() -> int:
        done = 0
        while done < 2000:
            if state["pos"] >= n:
                state["order"] = rng.permutation(n)
                state["pos"] = 0
            idx = state["order"][state["pos"] : state["pos"] + batch]
            state["pos"] += batch
            acts = [x[idx]]
            for W, b in zip(Ws, bs, strict=True):
                acts.append(sigmoid(acts[-1] @ W.T + b))
            delta = 2 * (acts[-1] - y[idx]) / len(idx) * acts[-1] * (1 - acts[-1])
            for li in range(len(Ws) - 1, -1, -1):
                gW = delta.T @ acts[li]
                gb = delta.sum(axis=0)
                if li:
                    delta = (delta @ Ws[li]) * acts[li] * (1 - acts[li])
                Ws[li] -= lr * gW
                bs[li] -= lr * gb
            done += len(idx)
        return done

    return run


def torch_runner(x: np.ndarray, y: np.ndarray, batch: int):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers: list = []
    for i, o in zip(SIZES, SIZES[1:], strict=False):
        layers += [torch.nn.Linear(i, o), torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    n = len(x)
    state = {"pos": 0, "order": torch.randperm(n)}

    def run() -> int:
        done = 0
        while done < 2000:
            if state["pos"] >= n:
                state["order"] = torch.randperm(n)
                state["pos"] = 0
            idx = state["order"][state["pos"] : state["pos"] + batch]
            state["pos"] += batch
            opt.zero_grad()
            loss = ((model(tx[idx]) - ty[idx]) ** 2).sum(dim=1).mean()
            loss.backward()
            opt.step()
            done += len(idx)
        return done

    return run


def measure(x: np.ndarray, y: np.ndarray, batches: list[int], seconds: float) -> dict[int, dict[str, float]]:
    """One table: per batch size, each implementation's median rate."""
    table = {}
    for batch in batches:
        table[batch] = interleaved(
            {
                "ours": engine_runner(x, y, batch),
                "numpy": numpy_runner(x, y, batch),
                "torch": torch_runner(x, y, batch),
                "limit": limit_runner(),
            },
            seconds,
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="time per implementation and batch size")
    parser.add_argument("--batches", default="1,10,32,250")
    parser.add_argument(
        "--repeats", type=int, default=1, help="whole tables to measure; with more than one, their medians"
    )
    args = parser.parse_args()
    data = load_dataset("digits:train")
    x, y = data.inputs, data.targets
    batches = [int(b) for b in args.batches.split(",")]
    print(
        f"784-16-16-10 sigmoid, squared error, SGD, {len(x)} digits, float32, one thread;"
        f" samples/s, median of {ROUNDS} interleaved slices"
    )
    header = f"{'batch':>5} {'nnstudio':>10} {'numpy':>10} {'torch':>10} {'vs numpy':>9} {'vs torch':>9} {'of limit':>9}"
    runs = []
    for repeat in range(args.repeats):
        table = measure(x, y, batches, args.seconds)
        runs.append(table)
        if args.repeats > 1:
            print(f"\nrun {repeat + 1} of {args.repeats}")
        _print_table(header, table)
    if args.repeats > 1:
        # Each figure is the median over the runs, the ratios too (each run's own ratio).
        print(f"\nmedians of {args.repeats} runs")
        _print_limit([t[b]["limit"] for t in runs for b in batches])
        print(header)
        print("-" * len(header))
        for batch in batches:
            ours = [t[batch]["ours"] for t in runs]
            hand = [t[batch]["numpy"] for t in runs]
            torch_rates = [t[batch].get("torch") for t in runs]
            limits = [t[batch]["limit"] for t in runs]
            vs_numpy = np.median([o / h for o, h in zip(ours, hand, strict=True)])
            of_limit = np.median([o / lim for o, lim in zip(ours, limits, strict=True)])
            if all(torch_rates):
                t = f"{np.median(torch_rates):10.0f}"
                vs_t = f"{np.median([o / r for o, r in zip(ours, torch_rates, strict=True)]):8.2f}x"
            else:
                t, vs_t = f"{'absent':>10}", f"{'-':>9}"
            print(
                f"{batch:5d} {np.median(ours):10.0f} {np.median(hand):10.0f} {t} {vs_numpy:8.2f}x {vs_t}"
                f" {of_limit:8.0%}"
            )
    print("targets: >= 0.95x numpy at every batch; >= 3x torch at batch 32; >= 50% of the limit at batch 250")


def _print_limit(limits: list[float]) -> None:
    print(
        f"arithmetic limit: {np.median(limits):,.0f} samples/s (median; one core, {FLOPS_PER_SAMPLE:,}"
        " operations a sample; each row's share is of the limit measured in its own slices)"
    )


def _print_table(header: str, table: dict[int, dict[str, float]]) -> None:
    _print_limit([rates["limit"] for rates in table.values()])
    print(header)
    print("-" * len(header))
    for batch, rates in table.items():
        ours, hand, torch_rate, limit = rates["ours"], rates["numpy"], rates.get("torch"), rates["limit"]
        t = f"{torch_rate:10.0f}" if torch_rate else f"{'absent':>10}"
        vs_t = f"{ours / torch_rate:8.2f}x" if torch_rate else f"{'-':>9}"
        print(f"{batch:5d} {ours:10.0f} {hand:10.0f} {t} {ours / hand:8.2f}x {vs_t} {ours / limit:8.0%}")


if __name__ == "__main__":
    main()

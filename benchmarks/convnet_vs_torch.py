"""Training speed of a small ConvNet in nnstudio's engine beside the same net in PyTorch CPU.

The same network (28x28-c8k5-p2-c16k5-p2-10: two 5x5 convolutions with ReLU, each followed by a 2x2
max-pool, then a dense softmax layer), the same data (digits:train), cross-entropy, plain SGD, one thread,
at batch sizes 1, 10 and 32, printed side by side as samples per second and the ratio.

    python benchmarks/convnet_vs_torch.py [--seconds 4] [--batches 1,10,32] [--spec SPEC]

PyTorch is optional (``pip install torch==2.13.0``); without it its column says so.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from nnstudio.data import load_dataset  # noqa: E402
from nnstudio.document.builders import conv_network, parse_network_spec  # noqa: E402
from nnstudio.engine.conv import ConvKind  # noqa: E402
from nnstudio.engine.plan import Plan, compile_network  # noqa: E402
from nnstudio.engine.train import Step, TrainSettings, train  # noqa: E402

# The timing of alternating slices is the dense benchmark's, so both measure alike.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_vs_torch import ROUNDS, interleaved  # noqa: E402

SPEC = "28x28-c8k5-p2-c16k5-p2-10"
SAMPLES_PER_CALL = 600


def engine_plan(spec: str) -> Plan:
    return compile_network(conv_network(parse_network_spec(spec), "relu", "softmax", seed=0), np.float32)


def engine_runner(x: np.ndarray, y: np.ndarray, batch: int, spec: str):
    plan = engine_plan(spec)
    settings = TrainSettings(
        epochs=10**6, learning_rate=0.05, batch_size=batch, momentum=0.0, seed=0, loss="cross_entropy"
    )
    # PyTorch's loop does no evaluation pass at the end of an epoch, so neither does this one.
    gen = train(plan, x, y, settings, measure_epochs=False)

    def run() -> int:
        done = 0
        for event in gen:
            if isinstance(event, Step):
                done += len(event.sample_indices)
                if done >= SAMPLES_PER_CALL:
                    break
        return done

    return run


def torch_runner(x: np.ndarray, y: np.ndarray, batch: int, spec: str):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    plan = engine_plan(spec)
    layers: list = []
    for conv in plan.convs:
        if conv.kind is ConvKind.CONV2D:
            channels_in, channels_out = conv.in_shape[0], conv.out_shape[0]
            layer = torch.nn.Conv2d(channels_in, channels_out, conv.size, conv.stride, conv.padding)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(conv.kernel.copy()))
                layer.bias.copy_(torch.from_numpy(conv.bias.copy()))
            layers += [layer, torch.nn.ReLU()]
        elif conv.kind is ConvKind.MAXPOOL:
            layers.append(torch.nn.MaxPool2d(conv.size, conv.stride))
        else:
            layers.append(torch.nn.AvgPool2d(conv.size, conv.stride))
    layers.append(torch.nn.Flatten())
    for block in plan.blocks:
        dense = torch.nn.Linear(block.W.shape[1], block.W.shape[0])
        with torch.no_grad():
            dense.weight.copy_(torch.from_numpy(block.W.copy()))
            dense.bias.zero_()
        layers.append(dense)
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    width = plan.convs[0].in_shape
    tx = torch.from_numpy(x).reshape(len(x), *width)
    labels = torch.from_numpy(y.argmax(axis=1))
    n = len(x)
    state = {"pos": 0, "order": torch.randperm(n)}
    loss_of = torch.nn.CrossEntropyLoss()

    def run() -> int:
        done = 0
        while done < SAMPLES_PER_CALL:
            if state["pos"] >= n:
                state["order"] = torch.randperm(n)
                state["pos"] = 0
            idx = state["order"][state["pos"] : state["pos"] + batch]
            state["pos"] += batch
            opt.zero_grad()
            loss = loss_of(model(tx[idx]), labels[idx])
            loss.backward()
            opt.step()
            done += len(idx)
        return done

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="time per implementation and batch size")
    parser.add_argument("--batches", default="1,10,32")
    parser.add_argument("--spec", default=SPEC)
    args = parser.parse_args()
    data = load_dataset("digits:train")
    x, y = data.inputs.astype(np.float32), data.targets.astype(np.float32)
    print(
        f"{args.spec}, ReLU, softmax + cross-entropy, SGD, {len(x)} digits, float32, one thread;"
        f" samples/s, median of {ROUNDS} interleaved slices"
    )
    header = f"{'batch':>5} {'nnstudio':>10} {'torch':>10} {'vs torch':>9}"
    print(header)
    print("-" * len(header))
    for batch in (int(b) for b in args.batches.split(",")):
        rates = interleaved(
            {
                "nnstudio": engine_runner(x, y, batch, args.spec),
                "torch": torch_runner(x, y, batch, args.spec),
            },
            args.seconds,
        )
        ours = rates["nnstudio"]
        theirs = rates.get("torch")
        if theirs is None:
            print(f"{batch:>5} {ours:>10,.0f} {'absent':>10} {'-':>9}")
        else:
            print(f"{batch:>5} {ours:>10,.0f} {theirs:>10,.0f} {ours / theirs:>8.2f}x")


if __name__ == "__main__":
    main()

"""Write a network as a standalone Python script that needs numpy alone: ``forward(x)`` and the weights.

A small network keeps its weights in the script, one row per neuron, so a reader can check them against the
canvas; a big one (more than :data:`INLINE_LIMIT` parameters) keeps them in an ``.npz`` file beside it,
which the script loads from its own folder. Numbers are written in full (``repr`` of a float64), so the
script reproduces the engine's outputs to the last digit numpy allows.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import __version__
from ..document.atomic import atomic_write
from ..document.model import Document
from .layers import Level, NetworkDescription, describe

INLINE_LIMIT = 5_000
# Above this many inputs the script names only how many there are (784 pixel names say nothing).
LABELLED_INPUTS = 64

_FUNCTIONS = {
    "identity": ("def identity(z):\n    return z\n"),
    "sigmoid": (
        "def sigmoid(z):\n"
        "    # 1 / (1 + e^-z), written through tanh so that it never overflows.\n"
        "    return 0.5 * np.tanh(0.5 * z) + 0.5\n"
    ),
    "tanh": "def tanh(z):\n    return np.tanh(z)\n",
    "relu": "def relu(z):\n    return np.maximum(z, 0.0)\n",
    "step": "def step(z):\n    return (z > 0).astype(z.dtype)\n",
    "softmax": (
        "def softmax(z):\n"
        "    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
        "    return e / e.sum(axis=-1, keepdims=True)\n"
    ),
}


def _matrix_text(values: np.ndarray, indent: str) -> str:
    rows = [f"{indent}    [{', '.join(repr(float(v)) for v in row)}]," for row in np.atleast_2d(values)]
    return "np.array(\n" + f"{indent}  [\n" + "\n".join(rows) + f"\n{indent}  ]\n{indent})"


def _vector_text(values: np.ndarray) -> str:
    return f"np.array([{', '.join(repr(float(v)) for v in values)}])"


def _source_text(level: Level, names: list[str]) -> str:
    if level.first_source == level.index - 1:
        return names[level.first_source]
    joined = ", ".join(names[level.first_source : level.index])
    return f"np.concatenate([{joined}], axis=1)"


def _level_lines(level: Level, names: list[str]) -> list[str]:
    k = level.index
    lines = [f"    z{k} = {_source_text(level, names)} @ W{k}.T + b{k}"]
    if len(level.activations) == 1 and level.activations[0][1] is None:
        lines.append(f"    a{k} = {level.activations[0][0]}(z{k})")
        return lines
    lines.append(f"    a{k} = np.empty_like(z{k})")
    for name, cols in level.activations:
        assert cols is not None
        index = f"[{', '.join(str(int(c)) for c in cols)}]"
        lines.append(f"    a{k}[:, {index}] = {name}(z{k}[:, {index}])")
    return lines


def _describe_level(level: Level, description: NetworkDescription) -> str:
    kinds = ", ".join(sorted({name for name, _ in level.activations}))
    if level.first_source == level.index - 1:
        source = "the inputs" if level.first_source == 0 else f"level {level.first_source}"
    else:
        source = f"levels {level.first_source} to {level.index - 1} side by side"
    return f"# Level {level.index}, {level.name!r}: {level.size} neurons ({kinds}) from {source}."


def numpy_script(
    description: NetworkDescription, weights_file: str | None = None, script_name: str = "network.py"
) -> str:
    """The script's text; with ``weights_file`` the weights are read from that .npz beside the script."""
    title = description.title or "A network"
    used = sorted({name for level in description.levels for name, _ in level.activations})
    head = [
        f'"""{title}, exported from nnstudio {__version__}.',
        "",
        f"forward(x) takes rows of {description.n_inputs} input values and returns rows of "
        f"{description.n_outputs} outputs:",
        f"{', '.join(description.output_labels)}.",
        "Needs numpy only. Run it with input values to see the answer:",
        f"    python {script_name} {' '.join(['0'] * min(description.n_inputs, 4))}"
        f"{' ...' if description.n_inputs > 4 else ''}",
        '"""',
        "",
        "import sys",
    ]
    if weights_file is not None:
        head.append("from pathlib import Path")
    head += ["", "import numpy as np", ""]
    head.append(f"N_INPUTS = {description.n_inputs}")
    if description.n_inputs <= LABELLED_INPUTS:
        head.append(f"INPUTS = {json.dumps(description.input_labels)}")
    head.append(f"OUTPUTS = {json.dumps(description.output_labels)}")
    if description.grid is not None:
        head.append(
            f"# The first {description.grid[0]} x {description.grid[1]} inputs are an image, row by row."
        )
        head.append(f"GRID = {tuple(description.grid)!r}")
    head.append(f"VALUE_RANGE = {tuple(description.value_range)!r}")
    head.append("")
    head += ["", "\n\n\n".join(_FUNCTIONS[name].rstrip("\n") for name in used)]
    body = ["", ""]
    if weights_file is not None:
        body.append(f"_WEIGHTS = np.load(Path(__file__).with_name({weights_file!r}))")
    for level in description.levels:
        k = level.index
        body.append(_describe_level(level, description))
        if weights_file is not None:
            body.append(f'W{k} = _WEIGHTS["W{k}"]')
            body.append(f'b{k} = _WEIGHTS["b{k}"]')
        else:
            body.append(f"W{k} = {_matrix_text(level.W, '')}")
            body.append(f"b{k} = {_vector_text(level.bias)}")
        body.append("")
    names = ["x"] + [f"a{level.index}" for level in description.levels]
    body += ["", "def forward(x):", '    """Outputs for rows of inputs (one row: one sample)."""']
    body.append("    x = np.atleast_2d(np.asarray(x, dtype=np.float64))")
    for level in description.levels:
        body += _level_lines(level, names)
    body.append(f"    return {names[-1]}")
    body += [
        "",
        "",
        'if __name__ == "__main__":',
        "    values = [float(v) for v in sys.argv[1:]]",
        "    if len(values) != N_INPUTS:",
        '        sys.exit(f"give {N_INPUTS} input values, not {len(values)}")',
        "    for label, value in zip(OUTPUTS, forward(values)[0]):",
        '        print(f"{label}: {value:.6g}")',
    ]
    return "\n".join(head + body) + "\n"


def export_numpy(doc: Document, out: Path) -> tuple[NetworkDescription, Path | None]:
    """Write the script to ``out`` (and the weights beside it, as ``out`` with ``.npz``, for a big network);
    what was written, and the weights file if there is one."""
    description = describe(doc)
    out = Path(out)
    weights: Path | None = None
    if description.n_parameters > INLINE_LIMIT:
        weights = out.with_suffix(".npz")
        arrays = {}
        for level in description.levels:
            arrays[f"W{level.index}"] = level.W
            arrays[f"b{level.index}"] = level.bias
        import io

        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        atomic_write(weights, buffer.getvalue())
    text = numpy_script(description, weights.name if weights is not None else None, out.name)
    atomic_write(out, text.encode("utf-8"))
    return description, weights

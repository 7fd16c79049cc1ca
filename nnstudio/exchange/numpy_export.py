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


_CONV_FUNCTIONS = {
    "conv2d": (
        "def conv2d(images, kernel, bias, stride, padding):\n"
        "    # images (samples, channels, height, width), kernel (kernels, channels, size, size).\n"
        "    p = padding\n"
        "    images = np.pad(images, ((0, 0), (0, 0), (p, p), (p, p)))\n"
        "    windows = sliding_window_view(images, kernel.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]\n"
        '    return np.einsum("ncijab,kcab->nkij", windows, kernel) + bias[None, :, None, None]\n'
    ),
    "maxpool": (
        "def maxpool(images, size, stride):\n"
        "    windows = sliding_window_view(images, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]\n"
        "    return windows.max(axis=(4, 5))\n"
    ),
    "avgpool": (
        "def avgpool(images, size, stride):\n"
        "    windows = sliding_window_view(images, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]\n"
        "    return windows.mean(axis=(4, 5))\n"
    ),
}


def _array_text(values: np.ndarray, indent: str) -> str:
    """A matrix row by row; a tensor of more dimensions as its numbers in order, reshaped."""
    if values.ndim <= 2:
        return _matrix_text(values, indent)
    shape = ", ".join(str(d) for d in values.shape)
    return f"{_vector_text(values.reshape(-1))}.reshape({shape})"


def _conv_lines(level: Level, names: list[str]) -> list[str]:
    link = level.conv
    assert link is not None
    k = level.index
    source = names[link.source]
    if link.columns is not None:
        source = f"{source}[:, [{', '.join(str(int(c)) for c in link.columns)}]]"
    shape = ", ".join(str(d) for d in link.in_shape)
    images = f"{source}.reshape(-1, {shape})"
    if link.kind == "conv2d":
        call = f"conv2d({images}, K{k}, kb{k}, stride={link.stride}, padding={link.padding})"
    else:
        call = f"{link.kind}({images}, size={link.size}, stride={link.stride})"
    return [f"    m{k} = {call}", f"    z{k} = m{k}.reshape(len(x), -1) + b{k}"]


def _source_text(level: Level, names: list[str]) -> str:
    if level.first_source == level.index - 1:
        return names[level.first_source]
    joined = ", ".join(names[level.first_source : level.index])
    return f"np.concatenate([{joined}], axis=1)"


def _level_lines(level: Level, names: list[str]) -> list[str]:
    k = level.index
    if level.conv is not None:
        lines = _conv_lines(level, names)
    else:
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
    link = level.conv
    if link is not None:
        what = {"conv2d": "a convolution", "maxpool": "max-pooling", "avgpool": "average-pooling"}[link.kind]
        geometry = f"{link.size}x{link.size}, stride {link.stride}" + (
            f", padding {link.padding}" if link.padding else ""
        )
        shape = "x".join(str(d) for d in link.out_shape)
        return (
            f"# Level {level.index}, {level.name!r}: {shape} maps (channels x height x width, {kinds}) by"
            f" {what} ({geometry}) of level {link.source}."
        )
    if level.first_source == level.index - 1:
        source = "the inputs" if level.first_source == 0 else f"level {level.first_source}"
    else:
        source = f"levels {level.first_source} to {level.index - 1} side by side"
    return f"# Level {level.index}, {level.name!r}: {level.size} neurons ({kinds}) from {source}."


def _parameters(level: Level) -> dict[str, np.ndarray]:
    """The level's arrays by the names the script gives them."""
    k = level.index
    out: dict[str, np.ndarray] = {}
    if level.W is not None:
        out[f"W{k}"] = level.W
    link = level.conv
    if link is not None and link.kernel is not None and link.bias is not None:
        out[f"K{k}"] = link.kernel
        out[f"kb{k}"] = link.bias
    out[f"b{k}"] = level.bias
    return out


def _docstring_safe(text: str) -> str:
    """``text`` on one line, safe inside the script's docstring (no backslash escapes, no closing quotes)."""
    return " ".join(text.split()).replace("\\", "/").replace('"', "'")


def numpy_script(
    description: NetworkDescription, weights_file: str | None = None, script_name: str = "network.py"
) -> str:
    """The script's text; with ``weights_file`` the weights are read from that .npz beside the script."""
    title = _docstring_safe(description.title) or "A network"
    used = sorted({name for level in description.levels for name, _ in level.activations})
    links = sorted({level.conv.kind for level in description.levels if level.conv is not None})
    head = [
        f'"""{title}, exported from nnstudio {__version__}.',
        "",
        f"forward(x) takes rows of {description.n_inputs} input values and returns rows of "
        f"{description.n_outputs} outputs:",
        f"{_docstring_safe(', '.join(description.output_labels))}.",
        "Needs numpy only. Run it with input values to see the answer:",
        f"    python {script_name} {' '.join(['0'] * min(description.n_inputs, 4))}"
        f"{' ...' if description.n_inputs > 4 else ''}",
        '"""',
        "",
        "import sys",
    ]
    if weights_file is not None:
        head.append("from pathlib import Path")
    head += ["", "import numpy as np"]
    if links:
        head.append("from numpy.lib.stride_tricks import sliding_window_view")
    head.append("")
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
    functions = [_FUNCTIONS[name] for name in used] + [_CONV_FUNCTIONS[kind] for kind in links]
    head += ["", "\n\n\n".join(text.rstrip("\n") for text in functions)]
    body = ["", ""]
    if weights_file is not None:
        body.append(f"_WEIGHTS = np.load(Path(__file__).with_name({weights_file!r}))")
    for level in description.levels:
        body.append(_describe_level(level, description))
        for key, value in _parameters(level).items():
            if weights_file is not None:
                body.append(f'{key} = _WEIGHTS["{key}"]')
            elif value.ndim == 1:
                body.append(f"{key} = {_vector_text(value)}")
            else:
                body.append(f"{key} = {_array_text(value, '')}")
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
            arrays.update(_parameters(level))
        import io

        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        atomic_write(weights, buffer.getvalue())
    text = numpy_script(description, weights.name if weights is not None else None, out.name)
    atomic_write(out, text.encode("utf-8"))
    return description, weights

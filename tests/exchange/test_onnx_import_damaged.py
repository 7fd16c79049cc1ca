"""Damaged exports: nodes dropped, operands swapped, attributes and weights changed at random. Each comes in
computing what onnxruntime computes, or is refused with one line; never a traceback."""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from nnstudio.exchange import ExchangeError
from nnstudio.exchange.layers import describe
from nnstudio.exchange.onnx_export import build_model
from nnstudio.exchange.onnx_import import import_onnx

from .networks import document, our_outputs

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

_OPS = ["Relu", "Add", "Concat", "Gather", "Flatten", "Conv", "MaxPool", "Softmax", "Cast", "Reshape"]


def _damage(model, rng: random.Random) -> None:
    graph = model.graph
    nodes = graph.node
    for _ in range(rng.randint(1, 3)):
        what = rng.randrange(5)
        node = rng.choice(nodes)
        if what == 0 and len(nodes) > 1:
            nodes.remove(node)
        elif what == 1 and node.input:
            names = [t.name for t in graph.initializer] + [o for n in nodes for o in n.output]
            node.input[rng.randrange(len(node.input))] = rng.choice([*names, graph.input[0].name])
        elif what == 2 and node.attribute:
            attribute = rng.choice(node.attribute)
            if attribute.type == onnx.AttributeProto.INT:
                attribute.i = rng.choice([-2, -1, 0, 1, 2, 3])
            elif attribute.type == onnx.AttributeProto.INTS and attribute.ints:
                attribute.ints[rng.randrange(len(attribute.ints))] = rng.choice([0, 1, 2, 5, -1])
        elif what == 3 and graph.initializer:
            tensor = rng.choice(graph.initializer)
            values = onnx.numpy_helper.to_array(tensor).reshape(-1)
            cut = values[: rng.randint(1, max(1, values.size))]
            tensor.CopyFrom(onnx.numpy_helper.from_array(cut, tensor.name))
        else:
            node.op_type = rng.choice(_OPS)


def _runtime_outputs(path, x):
    """onnxruntime's outputs, or None where it will not run the damaged model either."""
    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        (out,) = session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)})
    except Exception:  # noqa: BLE001 - onnxruntime refuses invalid models in many ways
        return None
    return out


@pytest.mark.parametrize("name", ["hand-built", "conv-max-pool"])
def test_a_damaged_export_comes_in_right_or_is_refused_in_one_line(name, tmp_path):
    original = build_model(describe(document(name)))
    rng = random.Random(name)
    accepted = compared = 0
    for trial in range(150):
        model = copy.deepcopy(original)
        _damage(model, rng)
        path = tmp_path / f"damaged{trial}.onnx"
        onnx.save(model, str(path))
        try:
            doc = import_onnx(path)
        except ExchangeError as exc:
            assert str(exc).startswith("cannot import this model: ") and "\n" not in str(exc)
            # Each refusal says what is wrong, not only that something failed.
            assert "could not be read (" not in str(exc)
            continue
        accepted += 1
        x = np.random.default_rng(trial).normal(size=(4, len(doc.network.inputs())))
        theirs = _runtime_outputs(path, x)
        if theirs is None or theirs.shape != (4, len(doc.network.outputs())):
            continue
        compared += 1
        assert abs(our_outputs(doc, x) - theirs).max() <= 1e-4, f"damaged model {trial} computes otherwise"
    # Some damage leaves a model nnstudio and onnxruntime both read (an attribute set to its default).
    assert compared >= 1 and accepted >= compared

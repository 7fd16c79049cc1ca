"""The numpy script: runs with numpy alone in its own process and reproduces our outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from nnstudio.exchange.numpy_export import INLINE_LIMIT, export_numpy

from .networks import DOCUMENT_NAMES, document, our_outputs, sample_inputs

RUNNER = """
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import {module} as net
x = np.load(sys.argv[2])
print(json.dumps(net.forward(x).tolist()))
"""


def _run_script(folder, module, x, tmp_path):
    np.save(tmp_path / "x.npy", x)
    # -I: isolated, so nothing of nnstudio (or of this checkout) can be imported by the script.
    done = subprocess.run(
        [sys.executable, "-I", "-c", RUNNER.format(module=module), str(folder), str(tmp_path / "x.npy")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return np.array(json.loads(done.stdout))


@pytest.mark.parametrize("name", DOCUMENT_NAMES)
def test_the_script_reproduces_our_outputs(name, tmp_path):
    doc = document(name)
    folder = tmp_path / "exported"
    folder.mkdir()
    module = name.replace("-", "_")
    description, weights = export_numpy(doc, folder / f"{module}.py")
    assert (weights is not None) == (description.n_parameters > INLINE_LIMIT)
    x = sample_inputs(doc, 16)
    got = _run_script(folder, module, x, tmp_path)
    assert abs(got - our_outputs(doc, x)).max() <= 1e-12


def test_a_small_network_keeps_its_weights_in_the_script_and_answers_from_the_command_line(tmp_path):
    doc = document("four-pixel-camera")
    script = tmp_path / "camera.py"
    _, weights = export_numpy(doc, script)
    assert weights is None
    text = script.read_text()
    assert "def forward(x):" in text and "W1 = np.array(" in text
    done = subprocess.run(
        [sys.executable, "-I", str(script), "1", "1", "1", "1"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("solid: ")
    wrong = subprocess.run(
        [sys.executable, "-I", str(script), "1"], capture_output=True, text=True, check=False
    )
    assert wrong.returncode != 0 and "give 4 input values, not 1" in wrong.stderr


def test_names_with_quotes_and_backslashes_cannot_break_the_script(tmp_path):
    doc = document("xor")
    doc.title = 'A "tricky""" title \\ with \n a newline'
    output = doc.network.outputs()[0]
    doc.network.set_neuron_fields({output.id: {"label": 'say """ \\'}})
    script = tmp_path / "tricky.py"
    export_numpy(doc, script)
    done = subprocess.run(
        [sys.executable, "-I", str(script), "1", "0"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('say """ \\: ')

"""The engine, the document and the data layers never need Qt: importing them loads no Qt module, and their
code names Qt only inside a function (image decoding in data/ uses QtGui lazily), never at module level."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nnstudio"
QT = {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"}


def module_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:  # module level only
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", ["engine", "document", "data"])
def test_no_module_of_the_layer_imports_qt_at_module_level(layer):
    for path in sorted((PACKAGE / layer).glob("*.py")):
        for name in module_level_imports(path):
            assert name.split(".")[0] not in QT, f"{path.name} imports {name}"


def test_importing_the_qt_free_layers_loads_no_qt():
    code = (
        "import sys, nnstudio.engine.plan, nnstudio.engine.train, nnstudio.engine.step, "
        "nnstudio.engine.parameters, nnstudio.document, nnstudio.document.summary, nnstudio.data;"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(QT)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

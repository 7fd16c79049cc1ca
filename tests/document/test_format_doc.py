"""The examples in docs/FORMAT.md are real: the reader accepts them, the writer writes them byte for byte."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nnstudio.document import Document, dense_network, document_from_bytes, document_to_bytes

FORMAT_MD = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"


def json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", FORMAT_MD.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_complete_example_loads_and_is_what_the_writer_writes():
    example = json_blocks()[0]
    doc = document_from_bytes(example.encode("utf-8"), source="FORMAT.md")
    assert doc.title == "Lines on four pixels"
    assert doc.network.edges["p2>left"].frozen
    assert doc.dataset is not None and doc.dataset.classes.tolist() == [0, 1, -1]
    assert document_to_bytes(doc).decode("utf-8") == example


def test_the_dense_block_example_is_what_the_writer_writes():
    block = json.loads(json_blocks()[1])
    written = json.loads(document_to_bytes(Document(dense_network([8, 8, 1], "tanh", 0))))
    assert written["dense"] == [block]

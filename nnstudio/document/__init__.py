"""The saved network: the ``.nnet`` file format, its checks and migrations, atomic save and autosave."""

from .atomic import SaveError, atomic_write
from .autosave import AutosaveStore, Recovery, default_data_dir
from .builders import dense_network
from .fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    FormatError,
    document_from_bytes,
    document_to_bytes,
    load_document,
    save_document,
)
from .model import Document

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "AutosaveStore",
    "Document",
    "FormatError",
    "Recovery",
    "SaveError",
    "atomic_write",
    "default_data_dir",
    "dense_network",
    "document_from_bytes",
    "document_to_bytes",
    "load_document",
    "save_document",
]

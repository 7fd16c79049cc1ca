"""Networks in and out of nnstudio: ONNX export and import, and a standalone numpy script.

Every exporter reads the same description of a compiled network (:func:`describe`): its levels in order,
each one weight matrix over the levels that feed it and one activation per group of neurons, so an ONNX
graph and a numpy script compute exactly what the engine's forward pass computes.
"""

from __future__ import annotations

from .layers import ConvLink, ExchangeError, Level, NetworkDescription, describe

__all__ = ["ConvLink", "ExchangeError", "Level", "NetworkDescription", "describe"]

"""The numpy engine: network graph, dense blocks, forward, backward, losses, training. No Qt here."""

from .activations import ACTIVATIONS, Activation, activation
from .graph import Edge, GraphError, Network, Neuron, Role, edge_id
from .losses import LOSSES, Loss, loss
from .plan import ForwardResult, Gradients, Plan, compile_network

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "Activation",
    "Edge",
    "ForwardResult",
    "Gradients",
    "GraphError",
    "Loss",
    "Network",
    "Neuron",
    "Plan",
    "Role",
    "activation",
    "compile_network",
    "edge_id",
    "loss",
]

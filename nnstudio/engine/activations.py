"""Activation functions, each a value and the backward step through it; one table entry per kind.

The table is closed: a file names an activation by its key here, and nothing else is ever looked up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# The numbers an in-place step needs, 0.5 and 1, as 0-d arrays of the arrays' own type: a Python number as an
# operand costs numpy a conversion on every call (about half of a small multiply), and gives the same result.
Constants = tuple[Array, Array]


@dataclass(frozen=True, slots=True)
class InPlace:
    """An activation's value and backward step writing into arrays made once (a training step's own), with
    exactly the arithmetic of the entry's ``value`` and ``slope``.

    ``value(z, a, constants)`` writes the activations of the sums ``z`` into ``a`` and returns them (it may
    return ``z`` itself); ``backward(z, a, grad_a, delta, scratch, constants)`` writes dE/dz into ``delta`` and
    returns it (it may return ``grad_a`` itself). ``scratch`` is the type of the scratch array (None: the
    values' own type).
    """

    value: Callable[[Array, Array, Constants], Array]
    backward: Callable[[Array, Array, Array, Array, Array, Constants], Array]
    scratch: type | None = None


@dataclass(frozen=True, slots=True)
class Activation:
    name: str
    title: str
    # The range a neuron's value lives in, for drawing it (brightness) and for the pad's value scale.
    low: float
    high: float
    formula: str
    value: Callable[[Array], Array]
    # d(activation)/d(sum) given the sum z and the activation a (elementwise); None for joint ones.
    slope: Callable[[Array, Array], Array] | None = None
    # Joint activations (softmax) act on the whole group of neurons; they give the backward product.
    vjp: Callable[[Array, Array, Array], Array] | None = None

    # Where the slope jumps (ReLU and step at a sum of 0): a nudged slope across it is not the true one.
    kink: float | None = None
    # The same arithmetic into given arrays, for a training step that makes its arrays once; None: the
    # step calls ``value`` and ``backward``.
    in_place: InPlace | None = None

    @property
    def threshold(self) -> float:
        """Where a lone output's answer turns from no to yes: the middle of its range, an unbounded end
        taken as +-1 (0.5 for sigmoid, step and ReLU; 0 for tanh and identity)."""
        low = self.low if math.isfinite(self.low) else -1.0
        high = self.high if math.isfinite(self.high) else max(1.0, low + 1.0)
        return (low + high) / 2

    @property
    def joint(self) -> bool:
        """Acts on the whole group of outputs at once (softmax), so only an output may have it."""
        return self.vjp is not None

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dE/dz from dE/da: multiply by the slope, or apply the Jacobian for a joint activation."""
        if self.vjp is not None:
            return self.vjp(z, a, grad_a)
        return grad_a * self.slope(z, a)  # type: ignore[misc]


def _sigmoid(z: Array) -> Array:
    # The logistic function through tanh: never overflows (1 / (1 + e^-z) does for z < -88 in float32),
    # and costs four cheap calls on the small arrays of one training step.
    out = z * 0.5
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def _sigmoid_value(z: Array, a: Array, constants: Constants) -> Array:
    half = constants[0]
    np.multiply(z, half, out=a)
    np.tanh(a, out=a)
    np.multiply(a, half, out=a)
    np.add(a, half, out=a)
    return a


def _sigmoid_backward(
    z: Array, a: Array, grad_a: Array, delta: Array, scratch: Array, constants: Constants
) -> Array:
    # grad_a * (a * (1 - a)), as the entry's slope computes it.
    np.subtract(constants[1], a, out=scratch)
    np.multiply(a, scratch, out=scratch)
    return np.multiply(grad_a, scratch, out=delta)


def _tanh_value(z: Array, a: Array, constants: Constants) -> Array:
    return np.tanh(z, out=a)


def _tanh_backward(
    z: Array, a: Array, grad_a: Array, delta: Array, scratch: Array, constants: Constants
) -> Array:
    np.multiply(a, a, out=scratch)
    np.subtract(constants[1], scratch, out=scratch)
    return np.multiply(grad_a, scratch, out=delta)


def _relu_value(z: Array, a: Array, constants: Constants) -> Array:
    return np.maximum(z, 0, out=a)


def _relu_backward(
    z: Array, a: Array, grad_a: Array, delta: Array, scratch: Array, constants: Constants
) -> Array:
    np.greater(z, 0, out=scratch)
    return np.multiply(grad_a, scratch, out=delta)


def _identity_value(z: Array, a: Array, constants: Constants) -> Array:
    return z


def _identity_backward(
    z: Array, a: Array, grad_a: Array, delta: Array, scratch: Array, constants: Constants
) -> Array:
    # grad_a times a slope of ones is grad_a itself.
    return grad_a


def _softmax(z: Array) -> Array:
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_vjp(z: Array, a: Array, g: Array) -> Array:
    return a * (g - (a * g).sum(axis=-1, keepdims=True))


def _relu(z: Array) -> Array:
    return np.maximum(z, 0)


def _step(z: Array) -> Array:
    return (z > 0).astype(z.dtype)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "identity",
            "Identity",
            -np.inf,
            np.inf,
            "a = z",
            lambda z: z,
            lambda z, a: np.ones_like(z),
            in_place=InPlace(_identity_value, _identity_backward),
        ),
        Activation(
            "sigmoid",
            "Sigmoid (0..1)",
            0.0,
            1.0,
            "a = 1 / (1 + e^-z)",
            _sigmoid,
            lambda z, a: a * (1 - a),
            in_place=InPlace(_sigmoid_value, _sigmoid_backward),
        ),
        Activation(
            "tanh",
            "Tanh squash (-1..1)",
            -1.0,
            1.0,
            "a = tanh(z)",
            np.tanh,
            lambda z, a: 1 - a * a,
            in_place=InPlace(_tanh_value, _tanh_backward),
        ),
        Activation(
            "relu",
            "ReLU",
            0.0,
            np.inf,
            "a = max(z, 0)",
            _relu,
            lambda z, a: (z > 0).astype(z.dtype),
            kink=0.0,
            in_place=InPlace(_relu_value, _relu_backward, bool),
        ),
        Activation(
            "step",
            "Step (threshold)",
            0.0,
            1.0,
            "a = 1 if z > 0 else 0",
            _step,
            lambda z, a: np.zeros_like(z),
            kink=0.0,
        ),
        Activation(
            "softmax",
            "Softmax over the outputs",
            0.0,
            1.0,
            "a_i = e^z_i / sum_j e^z_j",
            _softmax,
            vjp=_softmax_vjp,
        ),
    )
}


def activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise KeyError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}") from None

"""Running a compiled plan: a batch forward through every level, and the loss's gradient back through them.

A plain stack of layers runs level by level (one product per layer); a general graph (a level fed by several
levels, or by one further back) runs on one buffer of every level's activations side by side, so each
level's input is a view of it. Convolutions and poolings run their own :class:`~nnstudio.engine.conv.ConvBlock`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conv import ConvBlock, ConvKind
from .losses import Loss
from .plan_parts import (
    Block,
    ForwardResult,
    Gradients,
    Level,
    activate_level,
    level_backward,
    single_activation,
)

Array = np.ndarray


class PlanRunning:
    """Forward and backward passes of a :class:`~nnstudio.engine.plan.Plan` (its levels, blocks and
    convolutions; see there)."""

    levels: list[Level]
    blocks: list[Block]
    convs: list[ConvBlock]
    dtype: np.dtype

    def _prepare_running(self) -> None:
        # Precomputed per-level steps keep a training step's Python work to a few list walks; at batch 1 that
        # overhead, not arithmetic, is what costs (see ENVIRONMENT.md's measured figures).
        by_target = {b.target: (bi, b) for bi, b in enumerate(self.blocks)}
        self._conv_of = {c.target: c for c in self.convs}
        self._steps = []
        for li in range(1, len(self.levels)):
            level = self.levels[li]
            bi, block = by_target.get(li, (-1, None))
            simple = (
                block.W.T
                if block is not None and len(block.sources) == 1 and block.sources[0] == li - 1
                else None
            )
            self._steps.append(
                (li, level, block, bi, simple, single_activation(level), self._conv_of.get(li))
            )
        # A general graph (a level fed by several levels, or by one further back) runs on one buffer of
        # every level's activations side by side; a plain stack of layers runs level by level.
        self._general = any(step[2] is not None and step[4] is None for step in self._steps)
        sizes = [len(level.ids) for level in self.levels]
        self._level_start = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()

    def _rows(self, values: Array) -> Array:
        """``values`` as a batch of rows in the plan's dtype: one sample becomes a batch of one, and an array
        that already is one is used as it is (no copy on the training path)."""
        rows = (
            values
            if type(values) is np.ndarray and values.dtype == self.dtype
            else np.asarray(values, self.dtype)
        )
        return rows[None, :] if rows.ndim == 1 else rows

    def forward(self, inputs: Array) -> ForwardResult:
        """Run a batch (samples, inputs) or one sample (inputs,) forward; every level's sums and values."""
        x = self._rows(inputs)
        if x.ndim != 2 or x.shape[1] != len(self.levels[0].ids):
            raise ValueError(f"the network takes {self.n_inputs} inputs; got data shaped {np.shape(inputs)}")
        if self._general:
            return self._forward_general(x)
        sums = [x]
        acts = [x]
        kept: dict[int, Any] = {}
        for li, level, block, _bi, simple, single, conv in self._steps:
            if simple is not None:
                z = acts[-1] @ simple
            elif block is not None:
                z = block.forward(acts)
            elif conv is not None:
                z, kept[li] = conv.forward(acts[conv.source])
            else:
                z = np.zeros((x.shape[0], len(level.ids)), dtype=self.dtype)
            z += level.bias
            sums.append(z)
            acts.append(single.value(z) if single is not None else activate_level(level, z))
        return ForwardResult(sums, acts, None, kept)

    def _forward_general(self, x: Array) -> ForwardResult:
        start = self._level_start
        buffer = np.empty((x.shape[0], start[-1]), dtype=self.dtype)
        buffer[:, : start[1]] = x
        sums = [x]
        acts = [buffer[:, : start[1]]]
        kept: dict[int, Any] = {}
        for li, level, block, _bi, _simple, single, conv in self._steps:
            if block is not None:
                z = buffer[:, start[block.sources[0]] : start[li]] @ block.W.T
            elif conv is not None:
                z, kept[li] = conv.forward(acts[conv.source])
            else:
                z = np.zeros((x.shape[0], len(level.ids)), dtype=self.dtype)
            z += level.bias
            sums.append(z)
            here = buffer[:, start[li] : start[li + 1]]
            here[...] = single.value(z) if single is not None else activate_level(level, z)
            acts.append(here)
        return ForwardResult(sums, acts, buffer, kept)

    def backward(
        self,
        fw: ForwardResult,
        truth: Array,
        loss: Loss,
        *,
        input_gradient: bool = False,
        out: Array | None = None,
    ) -> Gradients:
        """Backpropagate the mean loss of the batch in ``fw`` against ``truth`` (samples, outputs).

        With ``out`` (a flat array shaped like :attr:`flat`) the gradients are written into it, laid out like
        the parameters, and the returned arrays are views of it.
        """
        y = self._rows(truth)
        answer = fw.activations[-1]
        if y.shape != answer.shape:
            raise ValueError(f"the network has {self.n_outputs} outputs; truth is shaped {np.shape(truth)}")
        n = answer.shape[0]
        per_sample, slope = loss.per_sample_and_slope(answer, y)
        slope /= n
        grad_a: list[Array | None] = [None] * len(self.levels)
        grad_a[-1] = slope
        deltas: list[Array] = [fw.sums[0][:, :0]] * len(self.levels)
        if out is None:
            out = np.empty_like(self.flat)
            w_grads, b_grads = self.views(out)
        else:
            cached = self._grad_views
            if cached is None or cached[0] is not out:
                cached = self._grad_views = (out, *self.views(out))
            w_grads, b_grads = cached[1], cached[2]
        sums, acts = fw.sums, fw.activations
        if self._general and fw.buffer is not None:
            self._backward_general(fw, grad_a, deltas, w_grads, b_grads, input_gradient, out)
            inputs = grad_a[0] if input_gradient else None
            return Gradients(
                w_grads, b_grads, deltas, float(np.add.reduce(per_sample)) / n, per_sample, inputs, out
            )
        for li, level, block, bi, simple, single, conv in reversed(self._steps):
            ga = grad_a[li]
            if ga is None:
                delta = np.zeros_like(sums[li])
            elif single is not None:
                delta = single.backward(sums[li], acts[li], ga)
            else:
                delta = level_backward(level, sums[li], acts[li], ga)
            deltas[li] = delta
            np.add.reduce(delta, axis=0, out=b_grads[li])
            if conv is not None:
                back = self._conv_backward(conv, fw, delta, out, input_gradient)
                if back is not None:
                    src = conv.source
                    if isinstance(conv.columns, slice) and back.shape[1] == len(self.levels[src].ids):
                        if grad_a[src] is None:
                            grad_a[src] = back
                        else:
                            grad_a[src] += back
                    else:
                        if grad_a[src] is None:
                            grad_a[src] = np.zeros_like(sums[src])
                        grad_a[src][:, conv.columns] += back
                continue
            if block is None:
                continue
            if simple is not None:
                src = li - 1
                if n == 1:
                    np.multiply(delta.T, acts[src], out=w_grads[bi])
                else:
                    np.matmul(delta.T, acts[src], out=w_grads[bi])
                if src > 0 or input_gradient:
                    back = delta @ block.W
                    prev = grad_a[src]
                    if prev is None:
                        grad_a[src] = back
                    else:
                        prev += back
            else:
                block.backward(delta, acts, w_grads[bi], grad_a, input_gradient)
        inputs = grad_a[0] if input_gradient else None
        if input_gradient and inputs is None:
            inputs = np.zeros_like(fw.sums[0])
        return Gradients(
            w_grads, b_grads, deltas, float(np.add.reduce(per_sample)) / n, per_sample, inputs, out
        )

    def _backward_general(
        self,
        fw: ForwardResult,
        grad_a: list[Array | None],
        deltas: list[Array],
        w_grads: list[Array],
        b_grads: list[Array],
        input_gradient: bool,
        out: Array,
    ) -> None:
        """Backward over the activation buffer: each block adds its sources' slopes into one view."""
        start = self._level_start
        buffer = fw.buffer
        grads = np.zeros_like(buffer)
        last = len(self.levels) - 1
        grads[:, start[last] :] = grad_a[last]
        for li, level, block, bi, _simple, single, conv in reversed(self._steps):
            ga = grads[:, start[li] : start[li + 1]]
            z, a = fw.sums[li], fw.activations[li]
            delta = single.backward(z, a, ga) if single is not None else level_backward(level, z, a, ga)
            deltas[li] = delta
            np.add.reduce(delta, axis=0, out=b_grads[li])
            if conv is not None:
                back = self._conv_backward(conv, fw, delta, out, input_gradient)
                if back is not None:
                    grads[:, start[conv.source] : start[conv.source + 1]][:, conv.columns] += back
                continue
            if block is None:
                continue
            first = block.sources[0]
            np.matmul(delta.T, buffer[:, start[first] : start[li]], out=w_grads[bi])
            # Slopes for the inputs only when asked for: the image is not a parameter.
            low = start[first] if (first > 0 or input_gradient) else start[1]
            if low < start[li]:
                grads[:, low : start[li]] += delta @ block.W[:, low - start[first] :]
        for li in range(len(self.levels)):
            grad_a[li] = grads[:, start[li] : start[li + 1]]

    def _conv_backward(
        self, conv: ConvBlock, fw: ForwardResult, delta: Array, out: Array, input_gradient: bool
    ) -> Array | None:
        keep = fw.kept.get(conv.target)
        if keep is None and conv.kind is not ConvKind.AVGPOOL:
            # A forward result made elsewhere: work out again what the backward pass needs.
            _, keep = conv.forward(fw.activations[conv.source])
        return conv.backward(delta, keep, out, conv.source > 0 or input_gradient)

    # ------------------------------------------------------------------ convolutions
    def convolution(self, layer: str) -> ConvBlock:
        """The compiled convolution or pooling that feeds ``layer`` (KeyError if none does): its ``kind``,
        ``in_shape`` and ``out_shape`` (channels, height, width), ``size``, ``stride``, ``padding``, and for a
        convolution ``kernel`` (kernels, in channels, size, size) and ``bias`` (kernels,), live views of
        :attr:`flat` (read them; write through the network's ``set_convolution_values``)."""
        for conv in self.convs:
            if conv.layer == layer:
                return conv
        raise KeyError(layer)

    def feature_maps(self, fw: ForwardResult, layer: str, sample: int = 0, *, sums: bool = False) -> Array:
        """One sample's values of a shaped layer as images (channels, height, width): the activations (or,
        with ``sums``, the weighted sums) of a convolution or pooling layer, or the image a convolution
        reads. KeyError when ``layer`` has no shape in this plan."""
        for conv in self.convs:
            if conv.layer == layer:
                values = (fw.sums if sums else fw.activations)[conv.target][sample]
                return values.reshape(conv.out_shape)
        for conv in self.convs:
            if conv.source_layer == layer:
                values = (fw.sums if sums else fw.activations)[conv.source][sample][conv.columns]
                return values.reshape(conv.in_shape)
        raise KeyError(layer)

    def conv_values(self, flat: Array | None = None) -> dict[str, tuple[Array, Array]]:
        """Each convolution's (kernel, bias) as this plan (or ``flat``) holds them, by layer name."""
        values = self.flat if flat is None else flat
        return {c.layer: c.split(values) for c in self.convs if c.kernel is not None}

    def loss_value(self, inputs: Array, truth: Array, loss: Loss) -> float:
        return loss.value(self.forward(inputs).output, np.asarray(truth, dtype=self.dtype))

    # ------------------------------------------------------------------ reading results
    def neuron_values(self, fw: ForwardResult, sample: int = 0) -> dict[str, tuple[float, float]]:
        """id -> (weighted sum, activation) for one sample of a forward result."""
        values: dict[str, tuple[float, float]] = {}
        for li, level in enumerate(self.levels):
            z = fw.sums[li][sample].tolist()
            a = fw.activations[li][sample].tolist()
            values.update(zip(level.ids, zip(z, a, strict=True), strict=True))
        return values

"""The drawn segments of the edges as QLineF, and the drawn edges bucketed for one ``drawLines`` each.

:class:`EdgeLines` is mixed into :class:`~nnstudio.ui.canvas.edge_model.EdgeModel`, whose arrays it reads.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF

# Opacity of each bucket's colour (white/black or green/red).
BUCKET_MIX = (0.14, 0.28, 0.48, 0.72)
# Positive and negative edges of one strength are drawn in this many alternating chunks.
INTERLEAVE_CHUNKS = 16
# Networks up to this many edges keep one QLineF per edge (built once per geometry); bigger ones make
# QLineFs only for the edges a view draws.
KEEP_LINES_UP_TO = 60_000
# A big network keeps the QLineFs it made (a training frame draws much the same strongest edges as the
# last) until there are this many; then it starts again.
LINE_CACHE_LIMIT = 250_000

Array = np.ndarray


class EdgeLines:
    """QLineFs of the edges, made once per geometry (part of ``EdgeModel``)."""

    # ------------------------------------------------------------------ drawing geometry
    def lines(self) -> list[QLineF]:
        """One QLineF per edge (built once per geometry; only for networks up to KEEP_LINES_UP_TO edges)."""
        if self._lines is None:
            self._lines = self._make_lines(slice(None))
            self.line_builds += 1
            self._bucket_lines = None
        return self._lines

    def _make_lines(self, which: Array | slice) -> list[QLineF]:
        return [
            QLineF(*seg)
            for seg in zip(
                self.x1[which].tolist(),
                self.y1[which].tolist(),
                self.x2[which].tolist(),
                self.y2[which].tolist(),
                strict=True,
            )
        ]

    def segments(self, which: Array) -> list[QLineF]:
        """The drawn segments of the edges ``which``, in that order."""
        if self._lines is not None or self.count <= KEEP_LINES_UP_TO:
            lines = self.lines()
            return [lines[i] for i in which.tolist()]
        # By position, only the lines made so far: no table as long as the network (15 MB at 1.86M edges).
        cache = self._line_cache
        wanted = which.tolist()
        missing = [i for i in wanted if i not in cache]
        if missing:
            if len(cache) + len(missing) > LINE_CACHE_LIMIT:
                cache.clear()
            cache.update(zip(missing, self._make_lines(np.array(missing, dtype=np.intp)), strict=True))
        return [cache[i] for i in wanted]

    def bucket_lines(self, every: bool = False) -> list[tuple[int, list[QLineF]]]:
        """(bucket key, lines) of the drawn edges (:meth:`drawn`), faint buckets first so strong edges are
        drawn on top; ``every`` ignores the thinning of a training run and the choice made for the view
        (for exported pictures: see :meth:`_export_choice`).

        Within a strength level, positive and negative edges are drawn in alternating chunks, so where
        thousands of lines cross neither colour is simply painted over the other.
        """
        if every and (self.thinned or self.chooses_per_view):
            return self._batches(self._export_choice())
        if self._bucket_lines is None:
            self._bucket_lines = self._batches(self.drawn())
        return self._bucket_lines

    def _batches(self, drawn: Array) -> list[tuple[int, list[QLineF]]]:
        if drawn.size == 0:
            # Nothing strong enough to draw (every weight 0, say, in a network that omits the faint bucket).
            return []
        by_bucket = np.argsort(self.bucket[drawn], kind="stable")
        order = drawn[by_bucket]
        cached = self._drawn_lines
        if cached is not None and cached[0] is drawn and cached[1] == self.geometry_version:
            # The same edges as the last picture (a training frame between two choices): their lines in the
            # new buckets' order, without looking each one up by position again.
            drawn_lines = cached[2]
            lines = [drawn_lines[i] for i in by_bucket.tolist()]
        else:
            lines = self.segments(order)
            in_drawn_order: list[QLineF] = [None] * len(lines)  # type: ignore[list-item]
            for i, line in zip(by_bucket.tolist(), lines, strict=True):
                in_drawn_order[i] = line
            self._drawn_lines = (drawn, self.geometry_version, in_drawn_order)
        # Where each bucket's run starts and ends in ``order`` (sorted by bucket), from its count.
        counts = np.bincount(self.bucket[order], minlength=4 * len(BUCKET_MIX)).tolist()
        by_key: dict[int, tuple[int, int]] = {}
        start = 0
        for key, count in enumerate(counts):
            if count:
                by_key[key] = (start, start + count)
            start += count
        result: list[tuple[int, list[QLineF]]] = []
        for level in range(len(BUCKET_MIX)):
            for frozen in (0, 1):
                # INTERLEAVE_CHUNKS + 1 bounds evenly spaced over each sign's run, rounded down, in integers.
                parts = [
                    (
                        key,
                        [a + (b - a) * chunk // INTERLEAVE_CHUNKS for chunk in range(INTERLEAVE_CHUNKS + 1)],
                    )
                    for key in (level * 4 + frozen * 2, level * 4 + frozen * 2 + 1)
                    if key in by_key
                    for a, b in (by_key[key],)
                ]
                for chunk in range(INTERLEAVE_CHUNKS):
                    for key, bounds in parts:
                        a, b = bounds[chunk], bounds[chunk + 1]
                        if b > a:
                            result.append((key, lines[a:b]))
        return result

    def bounds(self) -> QRectF:
        if self.count == 0:
            return QRectF()
        if self._bounds is None:
            left = float(min(self.x1.min(), self.x2.min()))
            top = float(min(self.y1.min(), self.y2.min()))
            right = float(max(self.x1.max(), self.x2.max()))
            bottom = float(max(self.y1.max(), self.y2.max()))
            self._bounds = QRectF(QPointF(left, top), QPointF(right, bottom)).adjusted(-8, -8, 8, 8)
        return QRectF(self._bounds)

    def segment_bounds(self, which: Array, margin: float = 40.0) -> QRectF:
        which = which[which < self.count]
        if which.size == 0:
            return QRectF()
        xs = np.concatenate([self.x1[which], self.x2[which]])
        ys = np.concatenate([self.y1[which], self.y2[which]])
        return QRectF(
            QPointF(float(xs.min()), float(ys.min())), QPointF(float(xs.max()), float(ys.max()))
        ).adjusted(-margin, -margin, margin, margin)

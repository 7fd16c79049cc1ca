"""The inspector dock: the numbers behind what is selected on the canvas, editable.

One connection shows its weight (a spin box for any value, a slider over a round range around it: -3..3 for
the usual weights, wider for larger ones), whether training may change it, and which neurons it joins, with
a button that opens its slope. One neuron shows its label, bias, activation, role, what it holds right now
and the arithmetic that gave it, product by product. Several selected items are set all at once. Every edit
is an undo command; the inspector refreshes from the network's events, so undo and redo show up here as
well.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.fileformat import NAME_CHARS
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.explain import NeuronArithmetic, neuron_arithmetic
from nnstudio.engine.graph import GraphError, Network, Role
from nnstudio.ui.commands import SetFrozen, SetNeuronFields, SetWeights
from nnstudio.ui.instruments import connection_ends
from nnstudio.ui.instruments.arithmetic import ArithmeticView
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel
from nnstudio.ui.theme import Tone, set_tone
from nnstudio.ui.widgets.signals import signals_blocked

VALUE_LIMIT = 1000.0
# A slider's range is the first of these that covers the value it shows (the festival's bias of -25 gets
# -30..30), so it never sits pinned at an end with a value it cannot show.
SLIDER_LIMITS = (3.0, 5.0, 10.0, 20.0, 30.0, 50.0, 100.0, 200.0, 300.0, 500.0, VALUE_LIMIT)
SLIDER_LIMIT = SLIDER_LIMITS[0]


def slider_limit(value: float) -> float:
    """The smallest round range -limit..limit that holds ``value``."""
    size = abs(value)
    return next((limit for limit in SLIDER_LIMITS if size <= limit), SLIDER_LIMITS[-1])


def slider_resolution(limit: float) -> float:
    """What one step of a slider over -limit..limit is worth: a thousandth of its order of magnitude (0.001
    for -3..3, 0.01 for -30..30), so dragged values are round and a pixel moves the value a little."""
    return 10.0 ** (math.floor(math.log10(limit)) - 3)


BUILD_HINT = (
    "Nothing selected.\n\n"
    "Drag a neuron from the palette onto the canvas to add it. Drag from one neuron to another to connect "
    "them; drag a neuron by its name (or Shift+drag it) to move it. Click a neuron or a connection to see "
    "and edit its numbers here; drag a box or Ctrl+click to select several and set them all at once."
)


def _named(widget: QWidget, object_name: str, accessible_name: str) -> QWidget:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


def neuron_fields_problem(network: Network, changes: Mapping[str, Mapping[str, object]]) -> str | None:
    """Why ``Network.set_neuron_fields(changes)`` would refuse, or None (an undo command must never fail)."""
    try:
        network.check_neuron_fields(changes)
    except GraphError as exc:
        return str(exc)
    return None


class ValueEditor(QWidget):
    """A spin box that takes any value in -1000..1000 and a slider, kept in step.

    The slider's range is a round one around the value (:func:`slider_limit`): it grows when a value beyond
    it is typed or set, stays put while the slider is held (the handle stays under the hand), and starts
    again from -3..3 with :meth:`fit_range` (another item selected).

    ``valueEdited(value, dragging)``: the person set a value; ``dragging`` is True while the slider is held,
    so the edits of one drag can become one undo step. ``dragFinished()`` when the slider is let go.
    """

    valueEdited = Signal(float, bool)
    dragFinished = Signal()

    def __init__(self, object_prefix: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QDoubleSpinBox()
        _named(self.spin, f"{object_prefix}Spin", what)
        self.spin.setRange(-VALUE_LIMIT, VALUE_LIMIT)
        self.spin.setDecimals(3)
        self.spin.setSingleStep(0.1)
        # Typed values apply on Enter or when focus leaves, not on every keystroke.
        self.spin.setKeyboardTracking(False)
        self.spin.setToolTip(f"Type any {what.lower()} from {-VALUE_LIMIT:g} to {VALUE_LIMIT:g}, then Enter")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        _named(self.slider, f"{object_prefix}Slider", f"{what} slider")
        self._what = what
        self._limit = 0.0
        self._resolution = 1.0
        self._set_range(SLIDER_LIMIT)
        self.mixed = QLabel("mixed")
        _named(self.mixed, f"{object_prefix}Mixed", f"{what} differs between the selected items")
        self.mixed.setToolTip("The selected items differ; a value set here applies to all of them")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin, 2)
        layout.addWidget(self.slider, 3)
        layout.addWidget(self.mixed)
        self._is_mixed = False
        self.spin.valueChanged.connect(self._on_spin)
        self.spin.editingFinished.connect(self._on_spin_finished)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(self.dragFinished)

    def set_value(self, value: float, mixed: bool = False) -> None:
        with signals_blocked(self.spin, self.slider):
            self.spin.setValue(value)
            self._show_on_slider(value)
        self._is_mixed = mixed
        self.mixed.setVisible(mixed)

    def value(self) -> float:
        return self.spin.value()

    def slider_range(self) -> tuple[float, float]:
        """The values at the slider's two ends."""
        return -self._limit, self._limit

    def fit_range(self) -> None:
        """Forget the range grown so far: the next value shown gets the smallest round range around it."""
        if not self.slider.isSliderDown():
            self._limit = 0.0

    def _set_range(self, limit: float) -> None:
        self._limit, self._resolution = limit, slider_resolution(limit)
        steps = round(limit / self._resolution)
        with signals_blocked(self.slider):
            self.slider.setRange(-steps, steps)
            self.slider.setSingleStep(max(1, steps // 300))
            self.slider.setPageStep(max(1, steps // 12))
        what = self._what.lower()
        self.slider.setToolTip(f"Drag to set the {what} from {-limit:g} to {limit:g}; type any other value")

    def _show_on_slider(self, value: float) -> None:
        """Put the handle at ``value``, first growing the range to hold it (never while the slider is held:
        the range would move under the hand; a held slider's values are inside its range anyway)."""
        if not self.slider.isSliderDown():
            limit = slider_limit(value)
            if limit > self._limit:
                self._set_range(limit)
        position = round(value / self._resolution) if math.isfinite(value) else 0
        with signals_blocked(self.slider):
            self.slider.setValue(max(self.slider.minimum(), min(self.slider.maximum(), position)))

    def _on_spin(self, value: float) -> None:
        self._show_on_slider(value)
        self.valueEdited.emit(value, False)

    def _on_spin_finished(self) -> None:
        # Enter on an unchanged number emits no valueChanged; for a mixed selection it still means "set all".
        if self._is_mixed:
            self.valueEdited.emit(self.spin.value(), False)

    def _on_slider(self, position: int) -> None:
        # Rounded to the step, free of binary noise (-24.990000000000002).
        value = round(position * self._resolution, 6)
        with signals_blocked(self.spin):
            self.spin.setValue(value)
        self.valueEdited.emit(value, self.slider.isSliderDown())


class Inspector(Panel):
    """Shows and edits the selected neurons and connections. Call :meth:`bind` before use.

    ``statusMessage(str)`` tells the window why an edit was refused (and "" to take that back once an edit has
    been made since, if the status bar still shows it). ``connectionHovered(edge_id, source_id)``:
    the mouse is on that connection's product in the arithmetic (both "" when it left; the edge is "" for a
    kernel's weight), for the canvas to light the connection and the neuron it comes from.
    ``slopeRequested(edge_id)``: the person asked to see the selected connection's slope.
    """

    statusMessage = Signal(str)
    connectionHovered = Signal(str, str)
    slopeRequested = Signal(str)
    # (layer, kernel): the person asked to see and edit the kernel that makes the selected neuron's feature map.
    kernelRequested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "inspector", "Inspector")
        self._live: LiveNetwork | None = None
        self._stack: QUndoStack | None = None
        self._network: Network | None = None
        self._neuron_ids: list[str] = []
        self._edge_ids: list[str] = []
        self._drag_command: QUndoCommand | None = None
        # The refusal last put in the status bar, taken back when an edit succeeds (see _on_undo_index).
        self._refusal = ""
        self._build()
        self.show_selection([], [])

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.hint = QLabel(BUILD_HINT)
        _named(self.hint, "inspectorHint", "How to build a network")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.edge_box = QGroupBox("Connection")
        _named(self.edge_box, "inspectorEdges", "Selected connections")
        self.edge_ends = QLabel()
        self.edge_ends.setTextFormat(Qt.TextFormat.PlainText)  # neuron names come from the file
        _named(self.edge_ends, "edgeEnds", "Connected neurons")
        self.edge_ends.setWordWrap(True)
        self.edge_ends.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.weight = ValueEditor("weight", "Weight")
        self.frozen = QCheckBox("Frozen (training leaves it alone)")
        _named(self.frozen, "frozenCheck", "Frozen")
        self.slope_button = QPushButton("Slope…")
        _named(self.slope_button, "slopeButton", "Show this connection's slope")
        self.slope_button.setToolTip(
            "How the error changes with this weight: the curve, its slope by backprop and by nudging, and the"
            " chain of local slopes"
        )
        self.slope_button.clicked.connect(self._request_slope)
        edge_form = QFormLayout(self.edge_box)
        edge_form.addRow(self.edge_ends)
        edge_form.addRow("Weight", self.weight)
        edge_form.addRow(self.frozen)
        edge_form.addRow(self.slope_button)

        self.neuron_box = QGroupBox("Neuron")
        _named(self.neuron_box, "inspectorNeurons", "Selected neurons")
        self.neuron_id = QLabel()
        self.neuron_id.setTextFormat(Qt.TextFormat.PlainText)
        _named(self.neuron_id, "neuronId", "Neuron id")
        self.neuron_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label_edit = QLineEdit()
        self.label_edit.setMaxLength(NAME_CHARS)  # what a file may hold, so the network can always be saved
        _named(self.label_edit, "neuronLabelEdit", "Neuron label")
        self.label_edit.setPlaceholderText("a name shown on the canvas")
        self.bias = ValueEditor("bias", "Bias")
        self.activation = QComboBox()
        _named(self.activation, "activationCombo", "Activation")
        # Its longest entry would hold the inspector wider than a 1024-pixel screen's side column (fields cut
        # off behind a scroll bar): the box shrinks to fit, its list still shows every name whole.
        self.activation.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activation.setMinimumContentsLength(10)
        for act in ACTIVATIONS.values():
            self.activation.addItem(act.title, act.name)
            self.activation.setItemData(self.activation.count() - 1, act.formula, Qt.ItemDataRole.ToolTipRole)
        self.role = QComboBox()
        _named(self.role, "roleCombo", "Role")
        for role in Role:
            self.role.addItem(role.value.capitalize(), role.value)
        self.neuron_values = QLabel()
        self.neuron_values.setTextFormat(Qt.TextFormat.PlainText)
        _named(self.neuron_values, "neuronValues", "Current sum and activation")
        self.neuron_values.setWordWrap(True)
        self.neuron_values.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.arithmetic = ArithmeticView()
        self.arithmetic.setToolTip("Point at a product to light its connection on the canvas")
        self.arithmetic.termHovered.connect(self.connectionHovered)
        self._neuron_form = neuron_form = QFormLayout(self.neuron_box)
        neuron_form.addRow("Id", self.neuron_id)
        neuron_form.addRow("Label", self.label_edit)
        neuron_form.addRow("Bias", self.bias)
        self.kernel_button = QPushButton("Kernel…")
        _named(self.kernel_button, "kernelButton", "Show and edit this feature map's kernel")
        self.kernel_button.setToolTip(
            "How this feature map is made (each input channel times its kernel, plus the bias), with the"
            " kernel's numbers to edit"
        )
        self.kernel_button.clicked.connect(self._request_kernel)
        self.kernel_button.hide()
        self._kernel: tuple[str, int] | None = None
        neuron_form.addRow(self.kernel_button)
        neuron_form.addRow("Activation", self.activation)
        neuron_form.addRow("Role", self.role)
        neuron_form.addRow("Now", self.neuron_values)
        neuron_form.addRow(self.arithmetic)

        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        _named(self.problem, "inspectorProblem", "Why the last edit was refused")
        self.problem.setWordWrap(True)
        set_tone(self.problem, Tone.PROBLEM)
        self.problem.hide()

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.hint)
        column.addWidget(self.edge_box)
        column.addWidget(self.neuron_box)
        column.addWidget(self.problem)
        column.addStretch(1)
        scroll = QScrollArea()
        _named(scroll, "inspectorScroll", "Inspector contents")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.weight.valueEdited.connect(self._set_weight)
        self.weight.dragFinished.connect(self._end_drag)
        self.frozen.clicked.connect(self._set_frozen)
        self.label_edit.editingFinished.connect(self._set_label)
        self.bias.valueEdited.connect(self._set_bias)
        self.bias.dragFinished.connect(self._end_drag)
        self.activation.activated.connect(self._set_activation)
        self.role.activated.connect(self._set_role)

    # ------------------------------------------------------------------ binding
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """Show this document's network (and stop following the previous one)."""
        self._unbind()
        self._live = live
        self._stack = undo_stack
        undo_stack.indexChanged.connect(self._on_undo_index)
        self._network = live.document.network
        events = self._network.events
        events.structure.connect(self._on_structure)
        events.neurons.connect(self._on_neurons)
        events.weights.connect(self._on_weights)
        events.parameters.connect(self._refresh)
        live.valuesChanged.connect(self._show_values)
        live.lockedChanged.connect(self._on_locked)
        self.show_selection([], [])
        self._on_locked(live.locked)

    def _unbind(self) -> None:
        self._end_drag()
        if self._network is not None:
            events = self._network.events
            events.structure.disconnect(self._on_structure)
            events.neurons.disconnect(self._on_neurons)
            events.weights.disconnect(self._on_weights)
            events.parameters.disconnect(self._refresh)
        if self._live is not None:
            self._live.valuesChanged.disconnect(self._show_values)
            self._live.lockedChanged.disconnect(self._on_locked)
        if self._stack is not None:
            self._stack.indexChanged.disconnect(self._on_undo_index)
        self._refusal = ""
        self._live = self._stack = self._network = None

    # ------------------------------------------------------------------ selection
    def show_selection(self, neuron_ids: list[str], edge_ids: list[str]) -> None:
        """What the canvas selected (its ``selectionChangedIds`` signal connects here)."""
        self._end_drag()
        network = self._network
        self._neuron_ids = [n for n in neuron_ids if network is not None and n in network.neurons]
        self._edge_ids = [e for e in edge_ids if network is not None and e in network.edges]
        self.problem.hide()
        # Another item: its sliders start again from the smallest round range around its values.
        self.weight.fit_range()
        self.bias.fit_range()
        self._refresh()

    def selected_ids(self) -> tuple[list[str], list[str]]:
        return list(self._neuron_ids), list(self._edge_ids)

    def _refresh(self) -> None:
        self.hint.setVisible(not self._neuron_ids and not self._edge_ids)
        self.edge_box.setVisible(bool(self._edge_ids))
        self.neuron_box.setVisible(bool(self._neuron_ids))
        if self._edge_ids:
            self._show_edges()
        if self._neuron_ids:
            self._show_neurons()

    def _show_edges(self) -> None:
        assert self._network is not None
        edges = [self._network.edges[e] for e in self._edge_ids]
        self.slope_button.setVisible(len(edges) == 1)
        if len(edges) == 1:
            edge = edges[0]
            self.edge_box.setTitle("Connection")
            grid = self._live.document.grid if self._live is not None else None
            source, target = connection_ends(self._network, edge, grid)
            self.edge_ends.setText(f"from {source} to {target}")
        else:
            self.edge_box.setTitle(f"{len(edges)} connections")
            self.edge_ends.setText(f"{len(edges)} connections selected: a value set here applies to all")
        weights = {e.weight for e in edges}
        self.weight.set_value(edges[0].weight, mixed=len(weights) > 1)
        frozen = {e.frozen for e in edges}
        with signals_blocked(self.frozen):
            if len(frozen) > 1:
                self.frozen.setTristate(True)
                self.frozen.setCheckState(Qt.CheckState.PartiallyChecked)
            else:
                self.frozen.setTristate(False)
                self.frozen.setChecked(frozen.pop())

    def _show_neurons(self) -> None:
        assert self._network is not None
        neurons = [self._network.neurons[n] for n in self._neuron_ids]
        single = len(neurons) == 1
        first = neurons[0]
        self.neuron_box.setTitle(first.display_name if single else f"{len(neurons)} neurons")
        self.neuron_id.setText(first.id)
        with signals_blocked(self.label_edit, self.activation, self.role):
            self.label_edit.setEnabled(single and not self._is_locked())
            self.label_edit.setText(first.label if single else "")
            self.label_edit.setPlaceholderText("a name shown on the canvas" if single else "one at a time")
            same_activation = len({n.activation for n in neurons}) == 1
            activation_index = self.activation.findData(first.activation)
            self.activation.setCurrentIndex(activation_index if same_activation else -1)
            self._offer_joint_activations(all(n.role is Role.OUTPUT for n in neurons))
            same_role = len({n.role for n in neurons}) == 1
            self.role.setCurrentIndex(self.role.findData(first.role.value) if same_role else -1)
        biases = {n.bias for n in neurons}
        self.bias.set_value(first.bias, mixed=len(biases) > 1)
        self._show_shared_bias(neurons)
        self._show_values()

    def _show_shared_bias(self, neurons: list) -> None:
        """A neuron of a feature map adds its kernel's bias, shared by the whole map, and a pooling neuron
        none: its own bias field would change nothing, so the box shows what is added and is greyed out."""
        assert self._network is not None
        convolutions = self._network.convolutions
        shaped = [n for n in neurons if n.layer in convolutions]
        self.bias.setEnabled(not shaped)
        self._kernel = None
        self.kernel_button.hide()
        if not shaped:
            self.bias.setToolTip("")
            return
        if len(neurons) > 1:
            self.bias.setToolTip(
                "Neurons of a feature map take their kernel's bias: select plain neurons to set one."
            )
            return
        neuron = shaped[0]
        conv = convolutions[neuron.layer]
        if conv.bias is None:
            self.bias.set_value(0.0)
            self.bias.setToolTip(
                "A pooling neuron has no bias: it passes on the largest or the mean of its window."
            )
            return
        shape = self._network.layer_shape(neuron.layer)
        members = self._network.layer_members(neuron.layer)
        per_map = shape[1] * shape[2] if shape is not None else len(members)
        kernel = members.index(neuron.id) // max(1, per_map)
        self._kernel = (neuron.layer, kernel)
        self.kernel_button.setText(f"Kernel {kernel + 1} of {neuron.layer}…")
        self.kernel_button.show()
        self.bias.set_value(float(conv.bias[kernel]))
        self.bias.setToolTip(
            f"The bias of kernel {kernel + 1} of {neuron.layer}, shared by every position of its feature map."
        )

    def _offer_joint_activations(self, outputs_only: bool) -> None:
        """A joint activation (softmax) works over all the outputs together: offered only while every
        selected neuron is an output, and saying so where it is greyed out."""
        model = self.activation.model()
        for index in range(self.activation.count()):
            act = ACTIVATIONS[self.activation.itemData(index)]
            if not act.joint:
                continue
            model.item(index).setEnabled(outputs_only)  # type: ignore[attr-defined]
            tip = act.formula if outputs_only else f"{act.formula} (works over all the outputs: outputs only)"
            self.activation.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

    def _show_values(self) -> None:
        single = len(self._neuron_ids) == 1
        self._neuron_form.setRowVisible(self.neuron_values, single)
        self._neuron_form.setRowVisible(self.neuron_id, single)
        arithmetic = self.current_arithmetic() if single else None
        self._neuron_form.setRowVisible(self.arithmetic, arithmetic is not None)
        self.arithmetic.show_arithmetic(arithmetic, self._network)
        if not single or self._live is None:
            return
        values = self._live.values().get(self._neuron_ids[0])
        if values is None:
            problem = self._live.problem
            self.neuron_values.setText(f"not running: {problem}" if problem else "no value yet")
        else:
            total, activation = values
            if arithmetic is not None and arithmetic.is_threshold and not arithmetic.is_input:
                # The arithmetic line compares the weighted sum with the threshold (26 > 25); the sum the
                # step sees is their difference, said as such so that "1.000" does not contradict "26".
                self.neuron_values.setText(
                    f"{arithmetic.weighted_sum:.3f} − threshold {arithmetic.threshold:.3f} = {total:.3f}"
                    f" → activation {activation:.3f}"
                )
            else:
                self.neuron_values.setText(f"sum {total:.3f} → activation {activation:.3f}")

    def current_arithmetic(self) -> NeuronArithmetic | None:
        """The selected neuron's arithmetic for the current input, or None (several or no neurons selected,
        or a network that cannot run)."""
        live, network = self._live, self._network
        if len(self._neuron_ids) != 1 or live is None or network is None:
            return None
        plan, forward = live.plan, live.forward_result
        if plan is None or forward is None or plan.structure_revision != network.structure_revision:
            return None
        try:
            return neuron_arithmetic(network, plan, self._neuron_ids[0], forward)
        except KeyError:
            return None

    def _request_kernel(self) -> None:
        if self._kernel is not None:
            self.kernelRequested.emit(*self._kernel)

    def _request_slope(self) -> None:
        if len(self._edge_ids) == 1:
            self.slopeRequested.emit(self._edge_ids[0])

    # ------------------------------------------------------------------ following the model
    def _on_structure(self) -> None:
        if self._network is None:
            return
        self._neuron_ids = [n for n in self._neuron_ids if n in self._network.neurons]
        self._edge_ids = [e for e in self._edge_ids if e in self._network.edges]
        self._refresh()

    def _on_neurons(self, ids: list[str]) -> None:
        if self._neuron_ids and not set(ids).isdisjoint(self._neuron_ids):
            self._show_neurons()
        if self._edge_ids:  # a renamed neuron shows in the connection's description
            self._show_edges()

    def _on_weights(self, ids: list[str]) -> None:
        if self._edge_ids and not set(ids).isdisjoint(self._edge_ids):
            self._show_edges()

    def _is_locked(self) -> bool:
        return self._live is not None and self._live.locked

    def _on_locked(self, locked: bool) -> None:
        for box in (self.edge_box, self.neuron_box):
            box.setEnabled(not locked)
        if locked:
            self._end_drag()
        self._refresh()

    # ------------------------------------------------------------------ edits
    def _can_edit(self) -> bool:
        if self._stack is None or self._network is None:
            return False
        if self._is_locked():
            self._refuse("Training is running; stop it to edit the network.")
            self._refresh()
            return False
        return True

    def _refuse(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        self._refusal = message
        self.statusMessage.emit(message)

    def _on_undo_index(self, _index: int) -> None:
        """An edit was made (here, on the canvas or by Undo): a refusal still in the status bar no longer
        describes the last thing that happened, so it goes, and so does the one under the fields."""
        self.problem.hide()
        refusal, self._refusal = self._refusal, ""
        if not refusal:
            return
        window = self.parentWidget()
        while window is not None and not isinstance(window, QMainWindow):
            window = window.parentWidget()
        if window is None or window.statusBar().currentMessage() == refusal:
            self.statusMessage.emit("")

    def _push(self, command: QUndoCommand, dragging: bool = False) -> None:
        assert self._stack is not None
        self.problem.hide()
        index_before = self._stack.index()
        self._stack.push(command)
        if dragging and self._stack.index() != index_before:
            self._drag_command = command  # the step later edits of this drag merge into

    def _end_drag(self) -> None:
        # Once the slider is let go, the next edit must start a new undo step.
        if self._drag_command is not None:
            self._drag_command.merge = False  # type: ignore[attr-defined]
            self._drag_command = None

    def _set_weight(self, value: float, dragging: bool) -> None:
        if not self._edge_ids or not self._can_edit():
            return
        assert self._network is not None
        changed = {e: value for e in self._edge_ids if self._network.edges[e].weight != value}
        if changed:
            self._push(SetWeights(self._network, changed, merge=dragging), dragging)

    def _set_frozen(self, checked: bool) -> None:
        if not self._edge_ids or not self._can_edit():
            return
        assert self._network is not None
        # A click on a partly frozen selection freezes all of them.
        frozen = checked or self.frozen.checkState() == Qt.CheckState.PartiallyChecked
        changed = {e: frozen for e in self._edge_ids if self._network.edges[e].frozen != frozen}
        if changed:
            self._push(SetFrozen(self._network, changed))
        else:
            self._show_edges()

    def _set_neuron_fields(self, changes: dict[str, dict[str, object]], dragging: bool = False) -> None:
        assert self._network is not None
        problem = neuron_fields_problem(self._network, changes)
        if problem is not None:
            self._refuse(f"Not changed: {problem}.")
            self._show_neurons()
            return
        if changes:
            self._push(SetNeuronFields(self._network, changes, merge=dragging), dragging)

    def _set_label(self) -> None:
        if len(self._neuron_ids) != 1 or self._network is None:
            return
        nid = self._neuron_ids[0]
        text = self.label_edit.text().strip()
        if text == self._network.neurons[nid].label or not self._can_edit():
            return
        self._set_neuron_fields({nid: {"label": text}})

    def _set_bias(self, value: float, dragging: bool) -> None:
        if not self._neuron_ids or not self._can_edit():
            return
        assert self._network is not None
        changes = {n: {"bias": value} for n in self._neuron_ids if self._network.neurons[n].bias != value}
        self._set_neuron_fields(changes, dragging)

    def _set_activation(self, index: int) -> None:
        if not self._neuron_ids or index < 0 or not self._can_edit():
            return
        assert self._network is not None
        name = self.activation.itemData(index)
        neurons = self._network.neurons
        changes = {n: {"activation": name} for n in self._neuron_ids if neurons[n].activation != name}
        self._set_neuron_fields(changes)

    def _set_role(self, index: int) -> None:
        if not self._neuron_ids or index < 0 or not self._can_edit():
            return
        assert self._network is not None
        role = Role(self.role.itemData(index))
        changes: dict[str, dict[str, object]] = {
            n: {"role": role.value} for n in self._neuron_ids if self._network.neurons[n].role is not role
        }
        problem = self._live.document.edit_problem(roles={n: role for n in changes}) if self._live else None
        if problem is not None:
            self._refuse(f"Not changed: {problem}.")
            self._show_neurons()
            return
        self._set_neuron_fields(changes)

"""The Help menu's texts and dialogs: how to build a network, and About nnstudio."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from nnstudio import __version__

ABOUT_TEXT = f"""
<h3>nnstudio {__version__}</h3>
<p>Build a neural network by hand and watch it think: every neuron, weight and sum is on the canvas,
and you can change any of them, feed it your own drawings and train it.</p>
<p>Licensed under the MIT licence.</p>
<p><b>Ideas from</b> Brandon Rohrer (<i>How Deep Neural Networks Work</i>: the four-pixel camera, the
error table, slopes and chaining), Grant Sanderson / 3Blue1Brown (<i>But what is a neural network?</i>:
the 784-16-16-10 digit reader and its green and red weights), Rosie Campbell (<i>Demystifying Deep
Neural Networks</i>: the festival neuron) and Singularity Prosperity (<i>Building an AI</i>: the hand-built
3x3 shape network). The handwritten digits come from the MNIST database of Yann LeCun, Corinna Cortes
and Christopher Burges.</p>
<p>Built with Qt for Python (PySide6), NumPy and pyqtgraph.</p>
"""

HELP_TEXT = """
<h3>How to build a network</h3>
<ol>
<li><b>Add neurons.</b> Drag a neuron from the <i>Neurons</i> palette onto the canvas: inputs take their
value from the drawing pad, outputs give the answer, hidden neurons sit in between. An image grid adds a
whole grid of inputs at once.</li>
<li><b>Connect them.</b> Drag from one neuron to another (the pointer turns into a cross over a neuron;
the small + beside it does the same). A connection goes forward only: into hidden neurons and outputs,
never back into an input or out of an output, and never round in a loop; dragging from an output onto a
neuron makes that neuron feed the output.</li>
<li><b>Move them.</b> Drag a neuron by its name (the pointer turns into a hand), or hold Shift and drag
the neuron itself; hold Alt as well to place it off the grid. An image moves by its caption. The middle
button or Space+drag moves the whole view; the wheel zooms.</li>
<li><b>Set the numbers.</b> Click a connection or a neuron and change its weight, bias or activation in
the <i>Inspector</i>. White connections are positive, black negative; thicker is stronger. Select
several to set them all at once.</li>
<li><b>Try it.</b> Draw on the pad and watch every neuron's value change: black is -1, grey 0, white +1
(the legend in the canvas's corner says so too; hover over anything for what it is and what its colour
means). The output panel shows the answer.</li>
<li><b>Train it.</b> Pick the training data and press Train; the error plot shows it learning. Frozen
connections keep their weights.</li>
</ol>
<p><b>Moving around the canvas.</b> Drag with the middle mouse button, or hold Space and drag, to pan; the
arrow keys scroll. The mouse wheel zooms around the pointer, and Ctrl+0 fits the whole network in view.</p>
<p><b>Running it.</b> The <i>Run</i> menu and the toolbar: <b>Train</b> (F5 or Ctrl+Return),
<b>Pause</b> and resume (F6), <b>Stop</b> (Shift+F5 or Esc), <b>Step</b> (F10: one sample forward, then
backward, then one small change of every weight, animated at the speed of the <i>Animation</i> slider) and
<b>Randomize</b> (Ctrl+R). A short run plays at a pace you can watch; tick <i>As fast as possible</i> in the
Training panel for full speed.</p>
<p>Every change can be undone with Ctrl+Z. <i>Network &gt; Arrange in layers</i> tidies the canvas;
<i>File &gt; Open Example</i> shows finished networks to take apart. Your work is autosaved a few
seconds after your first change, then every two minutes while it has unsaved changes.</p>
"""


def show_about_box(parent: QWidget) -> None:
    QMessageBox.about(parent, "About nnstudio", ABOUT_TEXT)


def build_help_dialog(parent: QWidget) -> QDialog:
    """The "How to build a network" dialog (not yet shown): the help text and a Close button."""
    dialog = QDialog(parent)
    dialog.setObjectName("buildHelp")
    dialog.setAccessibleName("How to build a network")
    dialog.setWindowTitle("How to build a network")
    text = QTextBrowser()
    text.setObjectName("buildHelpText")
    text.setAccessibleName("Help text")
    text.setHtml(HELP_TEXT)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.setObjectName("buildHelpButtons")
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    close.setObjectName("buildHelpClose")
    close.setAccessibleName("Close the help")
    buttons.rejected.connect(dialog.close)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(560, 480)
    return dialog

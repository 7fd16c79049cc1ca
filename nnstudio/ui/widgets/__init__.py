"""Small Qt pieces shared by the panels: a wrapping layout, signal bookkeeping and pixel pictures.

Import from the module that names the piece, e.g. ``nnstudio.ui.widgets.flow_layout.FlowLayout``.
"""

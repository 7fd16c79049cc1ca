"""Hostile ``.nnet`` files, and their replay through the document API, ``nnstudio run`` and the window."""

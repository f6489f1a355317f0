"""digitpad: draw a digit and watch a small convolutional network read it.

The package root is the Qt-free core; only ``digitpad.ui`` imports PySide6 or pyqtgraph.
"""

__version__ = "0.1.0"

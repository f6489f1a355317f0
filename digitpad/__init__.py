"""digitpad: draw a digit and watch a small convolutional network read it.

The package root is the Qt-free core; only ``digitpad.ui`` imports PySide6 or pyqtgraph.
"""

__version__ = "0.1.0"


def bundled_folder(package: str, checkout_folder: str):
    """The folder of a data-only package (``digitpad._shipped``, ``digitpad._resources``).

    Installed, these are namespace packages mapped from ``models/`` and ``resources/``;
    ``importlib.resources.files`` gives no plain path for those, the import spec does.
    Running from a checkout without installing, the top-level folder is used.
    """
    import importlib.util
    from pathlib import Path

    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    return Path(__file__).resolve().parent.parent / checkout_folder

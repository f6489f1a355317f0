"""File ▸ Open Network… and File ▸ Export Network: a network of the user's own, from a
Python file (after saying plainly that its code will run) or an ONNX file, and the live
network out again as ONNX or safetensors. The core (``digitpad.networks``) opens, checks
and exports; this asks, reports and hands the result to the session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ..compare import SecondNetwork
from ..models import file_stem
from ..networks import (
    ONNX_SUFFIX,
    NetworkError,
    OpenedNetwork,
    export_onnx,
    file_hash,
    import_python_file,
    network_candidates,
    onnx_network,
    parse_reference,
    python_network,
)
from ..weights import SAFETENSORS_SUFFIX, WeightsError, save_weights

TRUSTED_KEY = "trusted_networks"  # content hashes of Python files the user agreed to run
MAX_TRUSTED = 200
STATUS_TIMEOUT_MS = 8000


class NetworkDialogs(QObject):
    """Opens and exports networks for ``window`` (its session, settings, status bar and
    ``warn``). ``opened``: the last network opened, for tests and scripts."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.trusted_here: set[str] = set()  # without settings (a screenshot): this run only
        self.opened: OpenedNetwork | None = None

    # ------------------------------------------------------------------ opening

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open Network"), self._folder(),
            self.tr("Networks (*.py *.onnx);;Python files (*.py);;ONNX files (*.onnx);;All files (*)"))
        if path:
            self.open(path)

    def open(self, path, name: str | None = None, *, ask: bool = True) -> bool:
        """Open the network in ``path`` (``name``: the class or factory in a Python file;
        asked for when there are several) and make it the live one. A Python file runs
        only once the user agrees (``ask`` False: agreed already, say on the command line).
        On any problem a dialog says why, with the traceback under Show Details, and the
        live network stays as it was."""
        path = Path(path)
        opened = self.opened_network(path, name, ask=ask)
        if opened is None:
            return False
        self.opened = opened
        self.session.open_network(opened, origin=self.tr("weights from {file}").format(file=path.name))
        self.window.statusBar().showMessage(
            self.tr("Opened {network}, {parameters:,} parameters").format(
                network=opened.spec.display_name,
                parameters=sum(p.numel() for p in opened.model.parameters())), STATUS_TIMEOUT_MS)
        return True

    def opened_network(self, path: Path, name: str | None = None, *, ask: bool = True,
                       keeps: str | None = None) -> OpenedNetwork | None:
        """The network in ``path``, built and checked but not installed; None when the user
        declined, or when it failed (a dialog said why, ending with ``keeps``)."""
        try:
            if path.suffix.lower() == ONNX_SUFFIX:
                return onnx_network(path)
            if ask and not self.may_run(path):
                return None
            module = import_python_file(path)
            if name is None:
                name = self.choose(path, network_candidates(module))
                if name is None:
                    return None
            return python_network(path, name)
        except NetworkError as exc:
            keeps = keeps or self.tr("The live network stays as it was.")
            self.window.warn(self.tr("Cannot open the network"),
                             self.tr("{reason}\n\n{keeps}").format(reason=exc, keeps=keeps),
                             exc.details)
            return None

    def compare_dialog(self) -> None:
        """Model ▸ Compare With ▸ Network of Your Own: a Python file (then its weights, if
        any) or an ONNX file reads every drawing beside the live network."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Compare With a Network"), self._folder(),
            self.tr("Networks (*.py *.onnx);;Python files (*.py);;ONNX files (*.onnx);;All files (*)"))
        if not path:
            return
        opened = self.opened_network(Path(path), keeps=self.tr("Nothing was changed."))
        if opened is None:
            return
        weights = ""
        if Path(path).suffix.lower() != ONNX_SUFFIX:
            weights, _ = QFileDialog.getOpenFileName(
                self.window, self.tr("Weights for {network} (Cancel: untrained)").format(
                    network=opened.spec.display_name), self._folder(), self.window._weights_filter())
        self.compare_with_opened(opened, weights or None)

    def compare_with_opened(self, opened: OpenedNetwork, weights=None) -> bool:
        """Compare with ``opened``, with ``weights`` loaded into it if given (validated in
        full: on a problem a dialog says why and nothing changes)."""
        device = str(self.session.classifier.device)
        if weights is not None:
            return self.window.compare_with_file(weights)
        name = opened.spec.display_name
        if not opened.trained:
            name = self.tr("{network} (untrained)").format(network=name)
        self.window.compare_with(SecondNetwork(opened.model, name, device=device))
        return True

    def open_reference(self, reference: str, weights=None, *, ask: bool = True) -> bool:
        """Open ``net.py:Net`` or ``net.onnx`` (as ``--model`` names it), then ``weights``."""
        path, name = parse_reference(reference)
        if not self.open(path, name, ask=ask):
            return False
        return self.window.load_weights(weights) if weights else True

    def may_run(self, path: Path) -> bool:
        """Say that opening a Python file runs it; True once the user agrees (remembered
        for this content: a changed file is asked about again)."""
        sha = file_hash(path)  # NetworkError for a file that cannot be read
        if sha in self.trusted():
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Run this Python file?"), self.tr(
            "Opening {name} runs the Python code in it, with your permissions, as "
            "“python {name}” would. Open only files you wrote or trust.").format(name=path.name),
            parent=self.window)
        box.setInformativeText(self.tr("digitpad remembers your answer for this content of the "
                                       "file, and asks again when it changes."))
        run = box.addButton(self.tr("Run and Open"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not run:
            return False
        self.trust(sha)
        return True

    def trusted(self) -> set[str]:
        return set(self.window._saved(TRUSTED_KEY, [])) | self.trusted_here

    def trust(self, sha: str) -> None:
        self.trusted_here.add(sha)
        stored = [h for h in self.window._saved(TRUSTED_KEY, []) if h != sha]
        self.window._save(TRUSTED_KEY, (stored + [sha])[-MAX_TRUSTED:])

    def choose(self, path: Path, candidates: list[str]) -> str | None:
        """The one network in the file, or the one the user picks; None: cancelled, or none
        (the dialog said so)."""
        if not candidates:
            raise NetworkError(self.tr(
                "{name} has no nn.Module class that takes no arguments, nor a function of no "
                "arguments annotated to return one").format(name=path.name))
        if len(candidates) == 1:
            return candidates[0]
        name, ok = QInputDialog.getItem(self.window, self.tr("Open Network"), self.tr(
            "{name} defines several networks. Which one?").format(name=path.name),
            candidates, 0, False)
        return name if ok else None

    # ------------------------------------------------------------------ exporting

    def export_onnx_dialog(self) -> None:
        path = self._save_path(self.tr("Export Network as ONNX"), ONNX_SUFFIX,
                               self.tr("ONNX networks (*.onnx);;All files (*)"))
        if path:
            self.export_onnx(path)

    def export_safetensors_dialog(self) -> None:
        path = self._save_path(self.tr("Export Weights as safetensors"), SAFETENSORS_SUFFIX,
                               self.tr("safetensors weights (*.safetensors);;All files (*)"))
        if path:
            self.export_safetensors(path)

    def export_onnx(self, path) -> bool:
        """Write the live network, edits and corrections included, as ONNX."""
        try:
            exported = export_onnx(self.session.model, path)
        except NetworkError as exc:
            self.window.warn(self.tr("Cannot export the network"), str(exc), exc.details)
            return False
        self.window.statusBar().showMessage(self.tr("Exported {name} (ONNX, in {seconds:.2f} s)").format(
            name=Path(path).name, seconds=exported.seconds), STATUS_TIMEOUT_MS)
        return True

    def export_safetensors(self, path) -> bool:
        """Write the live weights as safetensors; unlike Save Weights As, the weights
        keep their own file (this is a copy for other tools)."""
        state = self.session.live()
        try:
            save_weights(path, state.model, arch=state.arch, metadata=state.save_metadata(state.model))
        except WeightsError as exc:
            self.window.warn(self.tr("Cannot export the weights"), str(exc), exc.details)
            return False
        self.window.statusBar().showMessage(self.tr("Exported {name}").format(name=Path(path).name),
                                            STATUS_TIMEOUT_MS)
        return True

    def _save_path(self, title: str, suffix: str, filters: str) -> str:
        state = self.session.live()
        stem = file_stem(state.arch)
        suggestion = str(Path(self._folder()) / f"{stem}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self.window, title, suggestion, filters)
        if path and not Path(path).suffix:
            path += suffix
        return path

    def _folder(self) -> str:
        return self.window._saved("save_folder", "") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())

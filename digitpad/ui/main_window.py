"""The main window: the drawing canvas in the centre, dock panels around it, and menus for
weights, model and device. It wires the core's Classifier to the canvas and the panels.

Data flow: the canvas announces its image (at most once per event-loop turn), the window
classifies it once, and every visible panel draws that one Prediction.
"""

from __future__ import annotations

import html
import platform
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import PySide6
import torch
from PySide6.QtCore import QByteArray, QSettings, Qt, qVersion
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..capture import FEATURE_MAP_TYPES
from ..classifier import Classifier, cuda_unavailable_reason
from ..edits import LoadedWeights
from ..export import ExportError, export_reading
from ..models import ARCHITECTURES, DEFAULT_ARCH, create_model
from ..preprocess import as_ink
from ..weights import WeightsError, describe_metadata, load_model, save_weights, shipped_weights_path
from .canvas import LOGICAL_SIZE, MAX_BRUSH, MIN_BRUSH, PAD_MARGIN, DrawingCanvas
from .panels.correction import CorrectionPanel
from .panels.evaluation import EvaluationPanel
from .panels.evidence import EvidencePanel
from .panels.feature_maps import FeatureMapsPanel
from .panels.network_input import NetworkInputPanel
from .panels.parameters import ParametersPanel
from .panels.probabilities import ProbabilitiesPanel
from .panels.timeline import TimelinePanel
from .panels.training import TrainingPanel
from .panels.uncertainty import UncertaintyPanel
from .settings import typed_setting
from .translation import (LANGUAGE_KEY, LANGUAGE_NAMES, SYSTEM_LANGUAGE, chosen_language,
                          core_message)
from .workers import Jobs

DEFAULT_SIZE = (1280, 800)
DEFAULT_DOCK_WIDTH = 420
MIN_PAD_SIDE = 300
MAX_RECENT_FILES = 8
STATUS_TIMEOUT_MS = 8000


class MainWindow(QMainWindow):
    """``settings`` (a QSettings, or None to remember nothing) keeps geometry, dock layout,
    brush size, recent files, device and architecture. ``weights`` is a file to start
    with; without it, or when it cannot be read, the architecture's shipped weights, else
    random ones under a warning. A start-up problem is left in ``startup_error``."""

    def __init__(self, settings: QSettings | None = None, weights=None):
        super().__init__()
        self.settings = settings
        self.classifier: Classifier | None = None
        self.prediction = None
        self.weights_path: Path | None = None  # None: in no file (see weights_origin)
        self.weights_metadata: dict = {}
        self.weights_origin: str | None = None  # of weights in no file; None: random
        self.loaded_weights: LoadedWeights | None = None  # the weights as loaded, to restore
        self.jobs = Jobs(self)  # training, corrections, evaluations: one at a time, off the GUI thread
        self.recent_files: list[str] = []
        self.ignored_settings: list[str] = []  # keys whose stored values were unusable

        self.canvas = DrawingCanvas()
        # With docks on both sides, they give way before the pad gets too small to draw on.
        self.canvas.setMinimumSize(MIN_PAD_SIDE + 2 * PAD_MARGIN, MIN_PAD_SIDE + 2 * PAD_MARGIN)
        self.warning_banner = QLabel()
        self.warning_banner.setObjectName("weights_warning")
        self.warning_banner.setWordWrap(True)
        self.warning_banner.setStyleSheet(
            "background: #fff4d6; color: #6b4a00; border: 1px solid #f0c36d;"
            "border-radius: 4px; padding: 6px 10px;")
        self.warning_banner.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.warning_banner)
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(central)

        self.panels = []
        self.view_menu = None  # panels added once it exists get their toggle there too
        self.probabilities = self.add_panel(ProbabilitiesPanel(self))
        self.network_input = self.add_panel(NetworkInputPanel(self))
        # On the left, the inside of the network: its feature maps and its parameters.
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.feature_maps = self.add_panel(FeatureMapsPanel(self), left)
        self.parameters = self.add_panel(ParametersPanel(self), left)
        # Why it says what it says: how sure it is, right under the pad; in tabs beside
        # the input, the evidence on the strokes and the reading stroke by stroke.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.uncertainty = self.add_panel(UncertaintyPanel(self), Qt.DockWidgetArea.BottomDockWidgetArea)
        self.evidence = self.add_panel(EvidencePanel(self.canvas, self))
        self.timeline = self.add_panel(TimelinePanel(self.canvas, self))
        # Teaching and judging the network: tabs under the prediction, shown on demand.
        self.training = self.add_panel(TrainingPanel(self))
        self.correction = self.add_panel(CorrectionPanel(self))
        self.evaluation = self.add_panel(EvaluationPanel(self))
        for panel in (self.evidence, self.timeline, self.training, self.correction, self.evaluation):
            self.tabifyDockWidget(self.network_input, panel)
        for panel in (self.training, self.correction, self.evaluation):
            panel.hide()
        self.evidence.raise_()

        self.create_actions()
        self.create_menus()
        self.create_tool_bars()
        self.create_status_bar()
        self.read_settings()
        self.startup_error = self.open_initial_weights(weights)
        if self.ignored_settings:
            self.statusBar().showMessage(self.tr(
                "Ignored unreadable settings: {keys} (defaults used)").format(
                keys=", ".join(self.ignored_settings)), 3 * STATUS_TIMEOUT_MS)
        self.canvas.image_changed.connect(lambda _image: self.classify())
        self.jobs.busy_changed.connect(self._set_busy)

    # ------------------------------------------------------------------ panels

    def add_panel(self, panel, area=Qt.DockWidgetArea.RightDockWidgetArea):
        """Dock ``panel`` (see digitpad.ui.panels for what a panel provides)."""
        self.addDockWidget(area, panel)
        self.panels.append(panel)
        if self.view_menu is not None:
            self.view_menu.insertAction(self.view_panels_end, panel.toggleViewAction())
        panel.visibilityChanged.connect(lambda visible: self._panel_shown(panel, visible))
        edited = getattr(panel, "parameters_edited", None)
        if edited is not None:
            edited.connect(self.reclassify_after_edit)
        if self.classifier is not None:
            panel.set_classifier(self.classifier)
        return panel

    def _panel_shown(self, panel, visible: bool) -> None:
        if visible and self.prediction is not None:
            panel.show_prediction(self.prediction)  # it skipped predictions while hidden

    def classify(self, image: np.ndarray | None = None) -> None:
        """Classify the drawing and show it: the canvas's strokes through the rasteriser
        (the pixels the networks were trained on), or a given picture, or the canvas's
        picture when a placed digit is part of it, through the pixel recipe."""
        strokes = self.canvas.pen_strokes() if image is None else None
        if strokes is not None:
            self.prediction = self.classifier.classify_strokes(
                strokes, surface=LOGICAL_SIZE, image=as_ink(self.canvas.image()))
        else:
            self.prediction = self.classifier.classify(self.canvas.image() if image is None else image)
        for panel in self.panels:
            if panel.on_screen() or panel.needs_every_prediction:
                panel.show_prediction(self.prediction)

    def reclassify_after_edit(self) -> None:
        """Parameters changed in place (a panel's edit, or a restore): tell the panels,
        mark what differs from the loaded weights, read the drawing again."""
        self.classifier.invalidate()
        edited = self.loaded_weights.edited()
        for panel in self.panels:
            panel.weights_edited(edited)
        self._show_edits(edited)
        self.classify()

    def _show_edits(self, edited: frozenset[str], modified: bool = False) -> None:
        self.setWindowModified(modified or bool(edited))
        self.restore_act.setEnabled(bool(edited) and not self.jobs.busy)
        self.edited_badge.setVisible(bool(edited))
        self.edited_badge.setText(self.tr("edited: {names}").format(names=", ".join(sorted(edited))))

    # ------------------------------------------------------------------ actions and menus

    def create_actions(self) -> None:
        self.open_act = QAction(self.tr("&Open Weights…"), self,
                                shortcut=QKeySequence.StandardKey.Open,
                                statusTip=self.tr("Open a weights file"),
                                triggered=self.open_weights_dialog)
        self.save_as_act = QAction(self.tr("Save Weights &As…"), self,
                                   shortcut=QKeySequence.StandardKey.SaveAs,
                                   statusTip=self.tr("Save the model's current weights to a file"),
                                   triggered=self.save_weights_dialog)
        self.revert_act = QAction(self.tr("&Revert to Shipped Weights"), self,
                                  statusTip=self.tr("Load the weights that came with digitpad"),
                                  triggered=self.revert_to_shipped)
        self.export_act = QAction(self.tr("&Export Reading…"), self, shortcut="Ctrl+Shift+E",
                                  statusTip=self.tr("Save the drawing, the 28 × 28 input, the "
                                                    "feature maps, the evidence and the "
                                                    "probabilities in a folder"),
                                  triggered=self.export_reading_dialog)
        self.restore_act = QAction(self.tr("Restore &Loaded Weights"), self, enabled=False,
                                   statusTip=self.tr("Undo every what-if edit: the weights "
                                                     "exactly as they were loaded"),
                                   triggered=self.restore_loaded_weights)
        self.quit_act = QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit,
                                triggered=self.close)

        stack = self.canvas.undo_stack
        self.undo_act = stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_act.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_act = stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_act.setShortcuts(QKeySequence.StandardKey.Redo)
        self.clear_act = QAction(self.tr("&Clear"), self,
                                 statusTip=self.tr("Wipe the pad (undoable)"),
                                 triggered=self.canvas.clear)
        self.clear_act.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete),
                                     QKeySequence(Qt.Key.Key_Escape)])
        self.eraser_act = QAction(self.tr("&Eraser"), self, checkable=True, shortcut="E",
                                  statusTip=self.tr("Erase with the left button (the right "
                                                    "button always erases)"),
                                  toggled=self.canvas.set_eraser)
        self.canvas.eraser_changed.connect(self.eraser_act.setChecked)
        self.smaller_act = QAction(self.tr("&Smaller Brush"), self, shortcut="[",
                                   triggered=self.canvas.shrink_brush)
        self.larger_act = QAction(self.tr("&Larger Brush"), self, shortcut="]",
                                  triggered=self.canvas.grow_brush)

        self.steps_act = QAction(self.tr("&Preprocessing Steps"), self, checkable=True,
                                 statusTip=self.tr("Show how the drawing becomes the 28 × 28 "
                                                   "input"),
                                 toggled=self._show_steps)
        # Asked for, the steps come to the front of their tab group.
        self.steps_act.triggered.connect(lambda shown: shown and self.network_input.raise_())

        self.arch_group = QActionGroup(self)
        for arch in ARCHITECTURES:
            action = QAction(arch, self.arch_group, checkable=True, data=arch,
                             statusTip=self.tr("Use {arch}, with its shipped weights if there "
                                               "are any").format(arch=arch))
            action.triggered.connect(lambda _=False, a=arch: self.set_architecture(a))

        self.device_group = QActionGroup(self)
        self.cpu_act = QAction("&CPU", self.device_group, checkable=True, data="cpu",
                               triggered=lambda: self.set_device("cpu"))
        self.cuda_act = QAction("C&UDA", self.device_group, checkable=True, data="cuda",
                                triggered=lambda: self.set_device("cuda"))
        reason = cuda_unavailable_reason()
        if reason is not None:
            self.cuda_act.setEnabled(False)
            self.cuda_act.setText(self.tr("CUDA (unavailable)"))
            why = self.tr("CUDA cannot be used: {reason}").format(reason=core_message(reason))
            self.cuda_act.setToolTip(why)
            self.cuda_act.setStatusTip(why)

        self.train_act = QAction(self.tr("&Train…"), self, shortcut="Ctrl+T",
                                 statusTip=self.tr("Train a network on MNIST and watch it learn"),
                                 triggered=self.training.present)
        self.correct_act = QAction(self.tr("&Correct It…"), self, shortcut="Ctrl+K",
                                   statusTip=self.tr("Read wrong? Tell the network what you drew "
                                                     "and it learns from it"),
                                   triggered=self.correction.present)
        self.undo_correction_act = self.correction.undo_action
        self.evaluate_act = QAction(self.tr("&Evaluate…"), self, shortcut="Ctrl+E",
                                    statusTip=self.tr("Measure the current weights on the MNIST "
                                                      "test set: accuracy, confusions, examples"),
                                    triggered=self.evaluation.present)

        self.about_act = QAction(self.tr("&About digitpad"), self, triggered=self.about)
        self.about_qt_act = QAction(self.tr("About &Qt"), self, triggered=QApplication.aboutQt)

    def create_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.open_act)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.save_as_act)
        file_menu.addSeparator()
        file_menu.addAction(self.export_act)
        file_menu.addSeparator()
        file_menu.addAction(self.revert_act)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_act)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.undo_act, self.redo_act])
        edit_menu.addSeparator()
        edit_menu.addActions([self.clear_act, self.eraser_act, self.smaller_act, self.larger_act])

        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        for panel in self.panels:
            self.view_menu.addAction(panel.toggleViewAction())
        self.view_panels_end = self.view_menu.addSeparator()
        self.view_menu.addAction(self.steps_act)
        self.view_menu.addSeparator()
        self.create_language_menu(self.view_menu)

        model_menu = self.menuBar().addMenu(self.tr("&Model"))
        model_menu.addActions(self.arch_group.actions())
        model_menu.addSeparator()
        model_menu.addAction(self.restore_act)
        model_menu.addSeparator()
        device_menu = model_menu.addMenu(self.tr("&Device"))
        device_menu.setToolTipsVisible(True)  # says why CUDA is unavailable
        device_menu.addActions(self.device_group.actions())
        model_menu.addSeparator()
        model_menu.addActions([self.train_act, self.correct_act, self.undo_correction_act,
                               self.evaluate_act])

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_act)
        help_menu.addAction(self.about_qt_act)

    def create_tool_bars(self) -> None:
        bar = self.addToolBar(self.tr("Drawing"))
        bar.setObjectName("drawing_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.undo_act, self.redo_act, self.clear_act, self.eraser_act])
        bar.addSeparator()
        bar.addWidget(QLabel(self.tr(" Brush ")))
        self.brush_slider = QSlider(Qt.Orientation.Horizontal)
        self.brush_slider.setObjectName("brush_size")
        self.brush_slider.setRange(MIN_BRUSH, MAX_BRUSH)
        self.brush_slider.setFixedWidth(140)
        self.brush_slider.setToolTip(self.tr("Brush size ([ and ] change it)"))
        self.brush_slider.setValue(self.canvas.brush_size)
        self.brush_slider.valueChanged.connect(self.canvas.set_brush_size)
        self.canvas.brush_size_changed.connect(self.brush_slider.setValue)
        bar.addWidget(self.brush_slider)
        self.view_menu.insertAction(self.steps_act, bar.toggleViewAction())

        bar = self.addToolBar(self.tr("Teaching"))
        bar.setObjectName("teaching_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.train_act, self.correct_act, self.evaluate_act])
        self.view_menu.insertAction(self.steps_act, bar.toggleViewAction())

    def create_status_bar(self) -> None:
        self.edited_badge = QLabel()
        self.edited_badge.setObjectName("edited_badge")
        self.edited_badge.setStyleSheet("background: #fff4d6; color: #6b4a00; "
                                        "border-radius: 3px; padding: 0 6px;")
        self.edited_badge.setToolTip(self.tr("Parameters changed since the weights were "
                                             "loaded (Model ▸ Restore Loaded Weights)"))
        self.edited_badge.hide()
        self.statusBar().addPermanentWidget(self.edited_badge)
        self.model_status = QLabel()
        self.model_status.setTextFormat(Qt.TextFormat.PlainText)  # it shows a file's metadata
        self.statusBar().addPermanentWidget(self.model_status)
        self.statusBar().showMessage(self.tr("Ready"))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for number, path in enumerate(self.recent_files, 1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name}")
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.load_weights(p))
        if not self.recent_files:
            self.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    def _show_steps(self, visible: bool) -> None:
        self.network_input.set_steps_visible(visible)

    # ------------------------------------------------------------------ weights

    def open_initial_weights(self, weights) -> str | None:
        """Install the first model; returns why ``weights`` could not be used, if so."""
        arch = self._saved("architecture", DEFAULT_ARCH, allowed=ARCHITECTURES)
        error = None
        if weights is not None:
            try:
                loaded = load_model(weights, arch=arch)
            except WeightsError as exc:
                error = str(exc)
            else:
                self.install_model(loaded.model, Path(weights), loaded.file.metadata)
        if self.classifier is None:
            shipped_error = self.use_shipped_or_random(arch)
            error = error or shipped_error
        device = self._saved("device", "cpu", allowed=("cpu", "cuda"))
        if device != "cpu":
            self.set_device(device, report=False)
        return error

    def install_model(self, model, path: Path | None, metadata: dict, *,
                      origin: str | None = None, modified: bool = False) -> None:
        """Make ``model`` (already validated) the live one, from ``path``; weights in no
        file say where they come from in ``origin`` (None: random). ``modified``: changed
        since they were loaded or made."""
        if self.classifier is None:
            # The feature-map dock shows ReLU and pooling outputs too, and the parameters
            # dock every module's output shape.
            self.classifier = Classifier(model, capture_types=FEATURE_MAP_TYPES, record_shapes=True)
        else:
            self.classifier.set_model(model)
        # Weights changed here (a correction) are compared with those loaded before.
        previous = self.loaded_weights
        self.loaded_weights = ((previous.compared_with(model) if modified and previous else None)
                               or LoadedWeights(model))
        self.weights_path = None if path is None else Path(path).resolve()
        self.weights_metadata = dict(metadata)
        self.weights_origin = None if path is not None else origin
        edited = self.loaded_weights.edited()
        self._show_edits(edited, modified)
        self._model_changed()
        if edited:
            for panel in self.panels:
                panel.weights_edited(edited)

    def load_weights(self, path) -> bool:
        """Load a weights file; on any problem a dialog says why and nothing changes."""
        try:
            loaded = load_model(path, arch=self.classifier.arch)
        except WeightsError as exc:
            QMessageBox.warning(self, self.tr("Cannot open weights"),
                                self.tr("{reason}\n\nThe model keeps its current weights.").format(
                                    reason=exc))
            self._forget_recent(path)
            return False
        self.install_model(loaded.model, Path(path), loaded.file.metadata)
        self._remember_recent(path)
        self.statusBar().showMessage(self.tr("Opened {name}").format(name=Path(path).name),
                                     STATUS_TIMEOUT_MS)
        return True

    def save_weights(self, path, model=None) -> bool:
        """Save the live model's weights (or ``model``'s, say the weights as loaded); the
        file saved becomes the one the weights are restored to."""
        model = self.classifier.model if model is None else model
        metadata = dict(self.weights_metadata)
        if model is self.classifier.model and self.isWindowModified():
            # Edited here: earlier measurements no longer hold.
            metadata.pop("test_accuracy", None)
            metadata["edited_in_app"] = True
        metadata["saved_from"] = self.weights_source()
        try:
            saved = save_weights(path, model, arch=self.classifier.arch, metadata=metadata)
        except WeightsError as exc:
            QMessageBox.warning(self, self.tr("Cannot save weights"), str(exc))
            return False
        if model is self.classifier.model:
            self.loaded_weights = LoadedWeights(model)
            self._show_edits(frozenset())
            for panel in self.panels:
                panel.weights_edited(frozenset())
        self.weights_path, self.weights_metadata = Path(saved).resolve(), metadata
        self.weights_origin = None
        self._update_title()
        self._remember_recent(saved)
        self.statusBar().showMessage(self.tr("Saved {name}").format(name=Path(saved).name),
                                     STATUS_TIMEOUT_MS)
        return True

    def use_shipped_or_random(self, arch: str) -> str | None:
        """The shipped weights of ``arch``; random ones (under a warning) if there are none
        or they cannot be read, in which case the reason is returned."""
        path, error = shipped_weights_path(arch), None
        if path.is_file():
            try:
                loaded = load_model(path, arch=arch)
            except WeightsError as exc:
                error = str(exc)
            else:
                self.install_model(loaded.model, path, loaded.file.metadata)
                return None
        self.install_model(create_model(arch), None, {})
        return error

    def set_architecture(self, arch: str) -> None:
        if arch == self.classifier.arch:
            return
        error = self.use_shipped_or_random(arch)
        if error:
            QMessageBox.warning(self, self.tr("Cannot open the shipped weights"),
                                self.tr("{reason}\n\n{arch} starts with random weights.").format(
                                    reason=error, arch=arch))

    def revert_to_shipped(self) -> None:
        path = shipped_weights_path(self.classifier.arch)
        if not path.is_file():
            QMessageBox.information(
                self, self.tr("No shipped weights"),
                self.tr("digitpad has no shipped weights for {arch} (looked for {path}). The "
                        "model keeps its current weights.").format(arch=self.classifier.arch,
                                                                   path=path))
            return
        self.load_weights(path)

    def open_weights_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open Weights"), self._dialog_folder(),
                                              self._weights_filter())
        if path:
            self.load_weights(path)

    def save_weights_dialog(self) -> None:
        model = self.classifier.model
        edited = self.loaded_weights.edited()
        if edited:
            model = self._choose_weights_to_save(edited)
            if model is None:
                return
        suggestion = str(Path(self._dialog_folder()) / f"{self.classifier.arch.lower()}.pt")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Weights As"), suggestion,
                                              self._weights_filter())
        if path:
            self.save_weights(path, model)

    def _weights_filter(self) -> str:
        return self.tr("Weights (*.pt *.pth *.safetensors);;All files (*)")

    def _choose_weights_to_save(self, edited: frozenset[str]):
        """Ask whether to save the edited weights or those loaded; None: cancelled."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Save the edited weights?"),
                          self.tr("You changed {names} since the weights were loaded. Save "
                                  "the weights with your edits, or as they were loaded?").format(
                              names=", ".join(sorted(edited))), parent=self)
        save_edited = box.addButton(self.tr("Save Edited"), QMessageBox.ButtonRole.AcceptRole)
        save_loaded = box.addButton(self.tr("Save As Loaded"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save_edited)
        box.exec()
        if box.clickedButton() is save_edited:
            return self.classifier.model
        if box.clickedButton() is save_loaded:
            return self.loaded_weights.loaded_copy()
        return None

    def restore_loaded_weights(self) -> None:
        restored = self.loaded_weights.restore()
        if restored:
            self.reclassify_after_edit()
            self.statusBar().showMessage(self.tr("Restored the loaded weights of {names}").format(
                names=", ".join(sorted(restored))), STATUS_TIMEOUT_MS)

    # ------------------------------------------------------------------ export

    def export_reading_dialog(self) -> None:
        prediction = self.prediction
        if prediction is None or not prediction.has_digit:
            QMessageBox.information(self, self.tr("Nothing to export"),
                                    self.tr("Draw a digit first: an export saves what the "
                                            "network made of it."))
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export Reading To Folder"),
                                                  self._saved("export_folder", str(Path.home())))
        if folder:
            self.export_to(folder)

    def export_to(self, folder) -> bool:
        """Write the current reading into ``folder``; a dialog says why if it cannot."""
        prediction = self.prediction
        info = {"arch": self.classifier.arch, "weights": self.weights_path.name
                if self.weights_path else "random initial weights",
                "edited_parameters": sorted(self.loaded_weights.edited()),
                "digitpad": __version__}
        try:
            written = export_reading(folder, prediction, evidence=self.evidence.explain(prediction),
                                     uncertainty=self.uncertainty.assess(prediction), info=info)
        except ExportError as exc:
            QMessageBox.warning(self, self.tr("Cannot export the reading"),
                                self.tr("{reason}\n\nNothing else was changed.").format(reason=exc))
            return False
        self._save("export_folder", str(folder))
        self.statusBar().showMessage(self.tr("Exported {count} files to {folder}").format(
            count=len(written), folder=folder), STATUS_TIMEOUT_MS)
        return True

    def _dialog_folder(self) -> str:
        if self.recent_files:
            return str(Path(self.recent_files[0]).parent)
        return str(Path.home())

    def _remember_recent(self, path) -> None:
        path = str(Path(path).resolve())
        self.recent_files = [path] + [p for p in self.recent_files if p != path]
        del self.recent_files[MAX_RECENT_FILES:]
        self._save("recent_files", self.recent_files)

    def _forget_recent(self, path) -> None:
        path = str(Path(path).resolve())
        if path in self.recent_files:
            self.recent_files.remove(path)
            self._save("recent_files", self.recent_files)

    # ------------------------------------------------------------------ device

    def set_device(self, device: str, report: bool = True) -> None:
        """Move the model live; when the device cannot be used it stays where it is and
        the status bar (and, if ``report``, a dialog) says why."""
        status = self.classifier.set_device(device)
        if status.message:
            message = self.tr("Staying on {device}: {reason}.").format(
                device=status.device.upper(), reason=core_message(status.message))
            self.statusBar().showMessage(message, 3 * STATUS_TIMEOUT_MS)
            if report:
                QMessageBox.warning(self, self.tr("Device not changed"), message)
        self._model_changed()

    # ------------------------------------------------------------------ state shown

    def _model_changed(self) -> None:
        classifier = self.classifier
        for action in self.arch_group.actions():
            action.setChecked(action.data() == classifier.arch)
        device = classifier.device.type
        for action in self.device_group.actions():
            action.setChecked(action.data() == device)
        random = self.weights_path is None and self.weights_origin is None
        self.warning_banner.setText(self.tr(
            "⚠  {arch} has random, untrained weights: its predictions mean nothing until you "
            "open trained weights (File ▸ Open Weights…) or train it.").format(
            arch=classifier.arch))
        self.warning_banner.setVisible(random)
        self.revert_act.setEnabled(self._can_revert())
        provenance = self.provenance()
        self.model_status.setText(" · ".join(
            part for part in (classifier.arch, device.upper(), provenance) if part))
        self._update_title()
        for panel in self.panels:
            panel.set_classifier(classifier)
        self.classify()

    def weights_source(self) -> str:
        """The weights file's name, else where the weights come from."""
        if self.weights_path is not None:
            return self.weights_path.name
        return self.weights_origin or self.tr("random initial weights")

    def _update_title(self) -> None:
        if self.weights_path is None:
            name = self.tr("{arch} ({origin})").format(
                arch=self.classifier.arch, origin=self.weights_origin or self.tr("random weights"))
        else:
            name = self.weights_path.name
        self.setWindowTitle(f"{name}[*] — digitpad")

    def _can_revert(self) -> bool:
        return not self.jobs.busy and shipped_weights_path(self.classifier.arch).is_file()

    def _set_busy(self, busy: bool) -> None:
        """While a job reads or trains the network, the weights stay as they are."""
        for action in (self.open_act, self.recent_menu.menuAction(), self.save_as_act,
                       *self.arch_group.actions(), *self.device_group.actions()):
            action.setEnabled(not busy)
        self.revert_act.setEnabled(self._can_revert())
        self.restore_act.setEnabled(not busy and bool(self.loaded_weights.edited()))
        if not busy:
            self.cuda_act.setEnabled(cuda_unavailable_reason() is None)

    def about(self) -> None:
        classifier = self.classifier
        weights = str(self.weights_path) if self.weights_path else self.weights_source()
        provenance = self.provenance() or self.tr("no provenance recorded")
        parameters = sum(p.numel() for p in classifier.model.parameters())
        QMessageBox.about(
            self, self.tr("About digitpad"),
            f"<h3>digitpad {__version__}</h3>"
            + self.tr("<p>Draw a digit and watch a small convolutional network read it, live.</p>"
                      "<p><b>Model:</b> {arch}, {parameters:,} parameters, on {device}<br>"
                      "<b>Weights:</b> {weights}<br><b>Provenance:</b> {provenance}</p>").format(
                arch=classifier.arch, parameters=parameters, device=str(classifier.device).upper(),
                weights=html.escape(weights), provenance=html.escape(provenance))
            + f"<p>Python {platform.python_version()} · PyTorch {torch.__version__} · "
            f"Qt {qVersion()} · PySide6 {PySide6.__version__} · pyqtgraph {pg.__version__} · "
            f"NumPy {np.__version__}</p>")

    def provenance(self) -> str:
        """Where the weights come from, in a line: their metadata in words."""
        return describe_metadata(self.weights_metadata,
                                 accuracy=self.tr("test accuracy {:.2f} %"),
                                 epochs=self.tr("{} epochs"), separator=self.tr(", "))

    # ------------------------------------------------------------------ language

    def create_language_menu(self, menu) -> None:
        """System, then each language under its own name; checked: the one chosen."""
        self.language_menu = menu.addMenu(self.tr("&Language"))
        self.language_group = QActionGroup(self)
        chosen = chosen_language(self.settings)
        for language, name in [(SYSTEM_LANGUAGE, self.tr("System")), *LANGUAGE_NAMES.items()]:
            action = QAction(name, self.language_group, checkable=True, data=language,
                             checked=language == chosen)
            action.triggered.connect(lambda _=False, chosen=language: self.set_language(chosen))
        self.language_menu.addActions(self.language_group.actions())

    def set_language(self, language: str) -> None:
        """Remember ``language`` (a key of LANGUAGE_NAMES, or SYSTEM_LANGUAGE) for the next
        start: the texts on screen are set once, when the window is made."""
        if language == chosen_language(self.settings):
            return
        self._save(LANGUAGE_KEY, language)
        QMessageBox.information(self, self.tr("Language"),
                                self.tr("digitpad shows the language you chose the next time "
                                        "it starts."))

    # ------------------------------------------------------------------ settings

    def _saved(self, key: str, default, *, allowed=None):
        """The setting ``key`` as the type of ``default``; a bad stored value gives the
        default and is named in the status bar (see ``typed_setting``)."""
        value, ignored = typed_setting(self.settings, key, default, allowed=allowed)
        if ignored and key not in self.ignored_settings:
            self.ignored_settings.append(key)
        return value

    def _save(self, key: str, value) -> None:
        if self.settings is not None:
            self.settings.setValue(key, value)

    def read_settings(self) -> None:
        geometry = self._saved("geometry", QByteArray())
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # the default size, or nine tenths of a smaller screen
            room = self.screen().availableGeometry().size() * 0.9
            self.resize(min(DEFAULT_SIZE[0], room.width()), min(DEFAULT_SIZE[1], room.height()))
        state = self._saved("window_state", QByteArray())
        if not (isinstance(state, QByteArray) and self.restoreState(state)):
            beside = [panel for panel in self.panels if self.dockWidgetArea(panel) in (
                Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)]
            self.resizeDocks(beside, [DEFAULT_DOCK_WIDTH] * len(beside), Qt.Orientation.Horizontal)
            self.resizeDocks([self.feature_maps, self.parameters], [380, 380],
                             Qt.Orientation.Vertical)
            self.resizeDocks([self.probabilities, self.evidence], [240, 480],
                             Qt.Orientation.Vertical)
        self.canvas.set_brush_size(self._saved("brush_size", self.canvas.brush_size,
                                               allowed=range(MIN_BRUSH, MAX_BRUSH + 1)))
        self.recent_files = self._saved("recent_files", [])[:MAX_RECENT_FILES]
        self.steps_act.setChecked(self._saved("show_steps", False))
        self._saved(LANGUAGE_KEY, SYSTEM_LANGUAGE, allowed=(SYSTEM_LANGUAGE, *LANGUAGE_NAMES))  # named if bad

    def write_settings(self) -> None:
        self._save("geometry", self.saveGeometry())
        self._save("window_state", self.saveState())
        self._save("brush_size", self.canvas.brush_size)
        self._save("recent_files", self.recent_files)
        self._save("device", self.classifier.device.type)
        self._save("architecture", self.classifier.arch)
        self._save("show_steps", self.steps_act.isChecked())

    def closeEvent(self, event) -> None:
        self.jobs.stop()  # a cancelled training keeps the weights from before it
        for panel in self.panels:
            panel.shut_down()
        self.write_settings()
        event.accept()


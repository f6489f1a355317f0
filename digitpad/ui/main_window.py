"""The main window: the drawing canvas in the centre, dock panels around it, menus, the
status bar, dialogs and settings. The state lives elsewhere: the live weights in the
session (``digitpad.ui.session.AppSession``, around ``digitpad.session.Session``), the
drawing in the canvas. The window wires them: the canvas's drawing goes to the session,
the session's news goes to the docks, and the docks' requests go where they point.

Data flow: the canvas announces its image (at most once per event-loop turn), the window
has the session classify it once, and every visible panel draws that one Prediction.
"""

from __future__ import annotations

import html
import platform
import sys
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import PySide6
import torch
from PySide6.QtCore import QByteArray, QProcess, QSettings, QStandardPaths, Qt, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..classifier import cuda_unavailable_reason
from ..collection import CollectionError
from ..compare import SecondNetwork
from ..export import ExportError, export_reading
from ..models import DEFAULT_ARCH, MODEL_SPECS, file_stem
from ..preprocess import as_ink
from ..weights import WeightsError, load_model, shipped_dir
from . import style
from .autosave import Autosave, pending_autosave
from .canvas import LOGICAL_SIZE, MAX_BRUSH, MIN_BRUSH, PAD_MARGIN, DrawingCanvas
from .collect import CollectBar
from .dock_focus import DockFocus
from .dock_layout import DockSharing, drop_retired_tab_bars, make_scrollable
from .menus import digits_menu, edit_menu, file_menu, help_menu, model_menu, view_menu
from .menus.edit_menu import UndoStackAction
from .networks import NetworkDialogs
from .panels import Panel
from .panels.correction import CorrectionPanel
from .panels.evaluation import EvaluationPanel
from .panels.evidence import EvidencePanel
from .panels.feature_maps import FeatureMapsPanel
from .panels.my_digits import MyDigitsPanel, collection_path
from .panels.network_input import NetworkInputPanel
from .panels.network_view import NetworkViewPanel
from .panels.parameters import ParametersPanel
from .panels.probabilities import ProbabilitiesPanel
from .panels.timeline import TimelinePanel
from .panels.training import TrainingPanel
from .panels.uncertainty import UncertaintyPanel
from .session import AppSession
from .settings import typed_setting
from .translation import LANGUAGE_KEY, LANGUAGE_NAMES, SYSTEM_LANGUAGE, chosen_language, core_message
from .widgets import ToolBar

DEFAULT_SIZE = (1280, 800)
DEFAULT_DOCK_WIDTH = 420
# Saved dock layouts of another version are not restored (the default is used): bump it
# when the default layout changes. 1: the teaching docks tabbed with the parameters.
WINDOW_STATE_VERSION = 1
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
        self.session = AppSession(self)
        self.recent_files: list[str] = []
        self.ignored_settings: list[str] = []  # keys whose stored values were unusable
        self.panels: list[Panel] = []
        self.view_menu = None  # panels added once it exists get their toggle there too

        self.canvas = DrawingCanvas()
        # With docks on both sides, they give way before the pad gets too small to draw on.
        self.canvas.setMinimumSize(MIN_PAD_SIDE + 2 * PAD_MARGIN, MIN_PAD_SIDE + 2 * PAD_MARGIN)
        self.warning_banner = QLabel()
        self.warning_banner.setObjectName("weights_warning")
        self.warning_banner.setWordWrap(True)
        self.warning_banner.setStyleSheet(style.WARNING_BANNER)
        self.warning_banner.linkActivated.connect(lambda _link: self.training.present())
        self.warning_banner.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.warning_banner)
        self.collect_bar = CollectBar()
        self.collect_bar.next_requested.connect(self._collect_next)
        self.collect_bar.stopped.connect(self._collect_stopped)
        layout.addWidget(self.collect_bar)
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(central)
        self.session.open_collection(collection_path())  # without it, the app works on
        self.create_panels()
        self.networks = NetworkDialogs(self)
        self.create_menus()
        self.create_tool_bars()
        self.create_status_bar()
        self.read_settings()

        session = self.session
        session.model_changed.connect(self._model_changed)
        session.weights_edited.connect(self._weights_edited)
        session.weights_saved.connect(self._update_title)
        session.prediction_changed.connect(self._show_prediction)
        session.comparison_changed.connect(self._comparison_changed)
        session.jobs.busy_changed.connect(self._set_busy)
        self.startup_error = self.open_initial_weights(weights)
        if self.ignored_settings:
            self.statusBar().showMessage(self.tr(
                "Ignored unreadable settings: {keys} (defaults used)").format(
                keys=", ".join(self.ignored_settings)), 3 * STATUS_TIMEOUT_MS)
        if self.session.collection_error:
            self.statusBar().showMessage(self.tr(
                "My Digits is off: {reason}. Everything else works.").format(
                reason=self.session.collection_error), 3 * STATUS_TIMEOUT_MS)
        self.canvas.image_changed.connect(lambda drawing: self.classify(drawing=drawing))
        self.autosave = Autosave(session, self)

    # ------------------------------------------------------------------ panels

    def create_panels(self) -> None:
        session, canvas = self.session, self.canvas
        self.probabilities = self.add_panel(ProbabilitiesPanel(session, self))
        self.network_input = self.add_panel(NetworkInputPanel(session, self))
        # On the left, the inside of the network: the whole network layer by layer in
        # front, its feature maps and its parameters in tabs behind it.
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.feature_maps = self.add_panel(FeatureMapsPanel(session, self), left)
        self.parameters = self.add_panel(ParametersPanel(session, self), left)
        self.network_view = self.add_panel(NetworkViewPanel(session, self), left)
        self.network_focus = DockFocus(self, self.network_view, MIN_PAD_SIDE + 2 * PAD_MARGIN)
        self.network_view.full_window_requested.connect(self.network_focus.set_active)
        self.network_focus.active_changed.connect(self.network_view.full_window_action.setChecked)
        # Why it says what it says: how sure it is, right under the pad; in tabs beside
        # the input, the evidence on the strokes and the reading stroke by stroke.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.uncertainty = self.add_panel(UncertaintyPanel(session, self),
                                          Qt.DockWidgetArea.BottomDockWidgetArea)
        self.evidence = self.add_panel(EvidencePanel(session, self))
        self.evidence.overlay_changed.connect(canvas.set_overlay)
        self.timeline = self.add_panel(TimelinePanel(session, self))
        self.timeline.pad_drawing = lambda: (canvas.history_key, not canvas.strokes)
        canvas.history_trimmed.connect(self.timeline.drop_oldest)
        canvas.undo_stack.indexChanged.connect(self.timeline.follow)
        self.timeline.reading_requested.connect(canvas.flush)
        # Teaching and judging the network: tabs under the prediction, shown on demand.
        self.training = self.add_panel(TrainingPanel(session, self))
        self.training.save_weights_requested.connect(self.save_weights_dialog)
        self.correction = self.add_panel(CorrectionPanel(session, self))
        self.evaluation = self.add_panel(EvaluationPanel(session, self))
        self.evaluation.place_digit_requested.connect(canvas.place_image)
        self.my_digits = self.add_panel(MyDigitsPanel(session, self))
        self.my_digits.place_digit_requested.connect(canvas.place_image)
        self.my_digits.collect_requested.connect(self.collect_dialog)
        self.correction.keep_requested.connect(self.keep_drawing)
        # The news of a digit placed on the pad goes once the pad changes again (Undo).
        self._pad_news: tuple[str, int] | None = None
        self.evaluation.status_message.connect(
            lambda text: setattr(self, "_pad_news", (text, canvas.undo_stack.index())))
        canvas.undo_stack.indexChanged.connect(self._clear_stale_pad_news)
        # Tab groups of a few docks each, tabs along the window's outer edges: every title
        # shown whole, one click away, even in a window of 800 x 600.
        self.setTabPosition(left, QTabWidget.TabPosition.West)
        self.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.East)
        for panel in (self.evidence, self.timeline):
            self.tabifyDockWidget(self.network_input, panel)
        self.tabifyDockWidget(self.network_view, self.feature_maps)
        self.tabifyDockWidget(self.network_view, self.parameters)
        # Shown on demand, two on the left and two under the pad: a vertical tab bar needs
        # the height of all its tabs, and seven in one would not fit a window 600 high.
        for group, panels in ((self.parameters, (self.training, self.correction)),
                              (self.uncertainty, (self.evaluation, self.my_digits))):
            for panel in panels:
                panel.hide()  # before joining the group: a tab bar made for it would be left on screen
                self.tabifyDockWidget(group, panel)
        self.evidence.raise_()
        self.network_view.raise_()
        for dock in self.findChildren(QDockWidget):  # any dock, however it was added
            make_scrollable(dock)

    def add_panel(self, panel: Panel, area=Qt.DockWidgetArea.RightDockWidgetArea) -> Panel:
        """Dock ``panel`` (see digitpad.ui.panels for what a panel provides)."""
        make_scrollable(panel)  # a full dock scrolls rather than widen the window
        self.addDockWidget(area, panel)
        self.panels.append(panel)
        if self.view_menu is not None:
            self.view_menu.insertAction(self.view_panels_end, panel.toggleViewAction())
        panel.visibilityChanged.connect(lambda visible: self._panel_shown(panel, visible))
        panel.parameters_edited.connect(self.session.parameters_edited)
        panel.status_message.connect(
            lambda text: self.statusBar().showMessage(text, STATUS_TIMEOUT_MS))
        if self.session.classifier is not None:
            panel.set_classifier(self.session.classifier)
        return panel

    def _clear_stale_pad_news(self, index: int) -> None:
        news = self._pad_news
        if news is not None and index != news[1]:
            self._pad_news = None
            if self.statusBar().currentMessage() == news[0]:
                self.statusBar().clearMessage()

    def _panel_shown(self, panel: Panel, visible: bool) -> None:
        if visible and self.session.prediction is not None:
            panel.show_prediction(self.session.prediction)  # it skipped predictions while hidden

    def classify(self, image: np.ndarray | None = None, *, drawing: np.ndarray | None = None) -> None:
        """Classify the drawing and show it: the canvas's strokes through the rasteriser
        (the pixels the networks were trained on), or a given picture, or the canvas's
        picture when a placed digit is part of it, through the pixel recipe. The one
        forward pass also takes the gradients the receiving panels will read.
        ``drawing``: the canvas's picture as it announced it (made once per change, not
        again here: about 0.1 ms a move)."""
        strokes = self.canvas.pen_strokes() if image is None else None
        gradients = self.wanted_gradients()
        if image is None:
            image = drawing if drawing is not None else self.canvas.image()
        if strokes is not None:
            self.session.classify(strokes, surface=LOGICAL_SIZE, image=as_ink(image), gradients=gradients)
        else:
            self.session.classify(None, image=image, gradients=gradients)

    def receiving_panels(self) -> list[Panel]:
        """The panels the next prediction goes to: those on screen (not behind a tab) and
        those that ask for every one."""
        return [panel for panel in self.panels if panel.on_screen() or panel.needs_every_prediction]

    def wanted_gradients(self) -> tuple:
        """Every GradientRequest of the receiving panels, each once."""
        return tuple(dict.fromkeys(
            request for panel in self.receiving_panels() for request in panel.wanted_gradients()))

    def _show_prediction(self, prediction) -> None:
        for panel in self.receiving_panels():
            panel.show_prediction(prediction)

    def _weights_edited(self, edited: frozenset[str]) -> None:
        """Parameters changed in place (a panel's edit, a restore, a save): tell the
        panels, mark what differs from the loaded weights, read the drawing again."""
        for panel in self.panels:
            panel.weights_edited(edited)
        self._show_edits(edited)
        self.classify()

    def _show_edits(self, edited: frozenset[str] | None = None) -> None:
        """``edited``: what differs from the loaded weights, when just worked out (each
        time compares every parameter)."""
        state = self.session.live()
        if edited is None:
            edited = state.edited()
        self.setWindowModified(state.modified_given(edited))
        self.restore_act.setEnabled(bool(edited) and not self.session.jobs.busy)
        self.edited_badge.setVisible(bool(edited))
        self.edited_badge.setText(self.tr("edited: {names}").format(names=", ".join(sorted(edited))))
        device = state.classifier.device.type
        self.model_status.setText(" · ".join(  # no stale accuracy once the weights change
            part for part in (state.spec.display_name, device.upper(), self.session.provenance())
            if part))

    # ------------------------------------------------------------------ menus and bars

    def create_menus(self) -> None:
        file_menu.create(self)
        edit_menu.create(self)
        self.view_menu = view_menu.create(self)
        model_menu.create(self)
        digits_menu.create(self)
        help_menu.create(self)

    def create_tool_bars(self) -> None:
        bar = ToolBar(self.tr("Drawing"), self)  # its buttons without "(&C)"
        self.addToolBar(bar)
        bar.setObjectName("drawing_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Fixed labels: "Undo Place Digit" would shift every button after it sideways.
        stack = self.canvas.undo_stack
        self.undo_tool_act = UndoStackAction(
            self, self.tr("Undo"), self.tr("{action}: {what}").format(action=self.tr("Undo"), what="{what}"),
            stack.undo, stack.canUndoChanged, stack.undoTextChanged, stack.canUndo(), stack.undoText(),
            fixed=True)
        self.redo_tool_act = UndoStackAction(
            self, self.tr("Redo"), self.tr("{action}: {what}").format(action=self.tr("Redo"), what="{what}"),
            stack.redo, stack.canRedoChanged, stack.redoTextChanged, stack.canRedo(), stack.redoText(),
            fixed=True)
        bar.addActions([self.undo_tool_act, self.redo_tool_act, self.clear_act, self.eraser_act])
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

        bar = ToolBar(self.tr("Teaching"), self)
        self.addToolBar(bar)
        bar.setObjectName("teaching_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.train_act, self.correct_act, self.evaluate_act])
        self.view_menu.insertAction(self.steps_act, bar.toggleViewAction())

        bar = ToolBar(self.tr("Keep As"), self)
        self.addToolBar(bar)
        bar.setObjectName("keep_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(QLabel(self.tr(" Keep as ")))
        bar.addActions(self.keep_acts)
        self.view_menu.insertAction(self.steps_act, bar.toggleViewAction())

    def create_status_bar(self) -> None:
        self.edited_badge = QLabel()
        self.edited_badge.setObjectName("edited_badge")
        self.edited_badge.setStyleSheet(style.EDITED_BADGE)
        self.edited_badge.setToolTip(self.tr("Parameters changed since the weights were "
                                             "loaded (Model ▸ Restore Loaded Weights)"))
        self.edited_badge.hide()
        self.statusBar().addPermanentWidget(self.edited_badge)
        self.model_status = QLabel()
        self.model_status.setTextFormat(Qt.TextFormat.PlainText)  # it shows a file's metadata
        self.statusBar().addPermanentWidget(self.model_status)
        self.statusBar().showMessage(self.tr("Ready"))

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for number, path in enumerate(self.recent_files, 1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name}")
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.load_weights(p))
        if not self.recent_files:
            self.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    # ------------------------------------------------------------------ weights

    def open_initial_weights(self, weights) -> str | None:
        """Install the first model; returns why ``weights`` could not be used, if so."""
        arch = self._saved("architecture", DEFAULT_ARCH, allowed=tuple(MODEL_SPECS))
        error = None
        if weights is not None:
            try:
                loaded = load_model(weights, arch=arch)
            except WeightsError as exc:
                error = str(exc)
            else:
                self.session.install(loaded.model, weights, loaded.file.metadata)
        if self.session.state is None:
            error = self.session.use_shipped_or_random(arch) or error
        device = self._saved("device", "cpu", allowed=("cpu", "cuda"))
        if device != "cpu":
            self.set_device(device, report=False)
        return error

    def load_weights(self, path) -> bool:
        """Load a weights file; on any problem a dialog says why and nothing changes."""
        try:
            note = self.session.open(path)
        except WeightsError as exc:
            self.warn(self.tr("Cannot open weights"),
                      self.tr("{reason}\n\nThe model keeps its current weights.").format(reason=exc),
                      exc.details)
            self._forget_recent(path)
            return False
        self._remember_recent(path)
        if note:  # loaded, but from another version of the network: worth a look
            QMessageBox.information(self, self.tr("Another version of the network"), note)
        self.statusBar().showMessage(self.tr("Opened {name}").format(name=Path(path).name),
                                     STATUS_TIMEOUT_MS)
        return True

    def save_weights(self, path, model=None) -> bool:
        """Save the live model's weights (or ``model``'s, say the weights as loaded); the
        file saved becomes the one the weights are restored to."""
        try:
            saved = self.session.save(path, model)
        except WeightsError as exc:
            self.warn(self.tr("Cannot save weights"), str(exc), exc.details)
            return False
        self._remember_recent(saved)
        self.statusBar().showMessage(self.tr("Saved {name}").format(name=Path(saved).name),
                                     STATUS_TIMEOUT_MS)
        return True

    def set_architecture(self, arch: str) -> None:
        if arch == self.session.live().arch:
            return
        error = self.session.use_shipped_or_random(arch)
        if error:
            QMessageBox.warning(self, self.tr("Cannot open the shipped weights"),
                                self.tr("{reason}\n\n{arch} starts with random weights.").format(
                                    reason=error, arch=MODEL_SPECS[arch].display_name))

    def revert_to_shipped(self) -> None:
        state = self.session.live()
        path = state.shipped_path()
        if not path.is_file():
            QMessageBox.information(
                self, self.tr("No shipped weights"),
                self.tr("digitpad has no shipped weights for {arch} (looked for {path}). The "
                        "model keeps its current weights.").format(arch=state.arch, path=path))
            return
        self.load_weights(path)

    def open_weights_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open Weights"), self._dialog_folder(),
                                              self._weights_filter())
        if path:
            self.load_weights(path)

    def save_weights_dialog(self) -> bool:
        """File ▸ Save Weights As…: True when the weights were saved."""
        return self.save_weights_as()

    def save_weights_as(self, model=None) -> bool:
        """Ask where to save (``model``: these weights, else the live ones, or those as
        loaded when the user says so); True when the weights were saved."""
        state = self.session.live()
        edited = state.edited()
        if model is None and edited:
            model = self._choose_weights_to_save(edited)
            if model is None:
                return False
        model = state.model if model is None else model
        # In the user's documents (or the last folder saved to), under a name no shipped
        # file has: one Enter must never overwrite the weights digitpad ships.
        folder = self._saved("save_folder", "") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        if self._is_shipped(Path(folder)):
            folder = str(Path.home())
        suggestion = str(Path(folder) / f"{file_stem(state.arch)}-mine.pt")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Weights As"), suggestion,
                                              self._weights_filter())
        if not path:
            return False
        if self._is_shipped(Path(path)):
            self.warn(self.tr("Cannot save weights"), self.tr(
                "{name} is in the folder of the weights shipped with digitpad; choose "
                "another folder.").format(name=Path(path).name))
            return False
        if not self.save_weights(path, model):
            return False
        self._save("save_folder", str(Path(path).parent))
        return True

    @staticmethod
    def _is_shipped(path: Path) -> bool:
        """Inside the shipped weights' folder (models/ in a checkout, digitpad/_shipped
        when installed)."""
        shipped = shipped_dir().resolve()
        try:
            target = path.resolve()
        except OSError:
            return False
        return target == shipped or shipped in target.parents

    def warn(self, title: str, text: str, details: str = "") -> None:
        """A warning in plain words; ``details`` (tensor lists, a library's own words)
        under the box's Show Details."""
        if not details:
            QMessageBox.warning(self, title, text)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(details)
        box.exec()

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
            return self.session.model
        if box.clickedButton() is save_loaded:
            return self.session.live().loaded_copy()
        return None

    def restore_loaded_weights(self) -> None:
        restored = self.session.restore_loaded()
        if restored:
            self.statusBar().showMessage(self.tr("Restored the loaded weights of {names}").format(
                names=", ".join(sorted(restored))), STATUS_TIMEOUT_MS)

    # ------------------------------------------------------------------ comparing

    def compare_with(self, second: SecondNetwork) -> None:
        """Have ``second`` (a network already loaded and validated, from any source) read
        every drawing beside the live one."""
        self.session.compare_with(second)
        self.statusBar().showMessage(self.tr(
            "Comparing with {name}: both networks read every drawing (Model ▸ Stop "
            "Comparing)").format(name=second.name), STATUS_TIMEOUT_MS)

    def compare_with_shipped(self, arch: str) -> bool:
        try:
            second = SecondNetwork.shipped(arch, device=str(self.session.classifier.device))
        except WeightsError as exc:
            self.warn(self.tr("Cannot compare"), self.tr(
                "{reason}\n\nNothing was changed.").format(reason=exc), exc.details)
            return False
        self.compare_with(second)
        return True

    def compare_with_loaded(self) -> None:
        """The live weights as they were loaded: what edits and corrections changed."""
        state = self.session.live()
        name = self.tr("{weights} as loaded").format(weights=self.session.source_name())
        self.compare_with(SecondNetwork(state.loaded_copy(), name, path=state.source.path,
                                        metadata=state.source.metadata,
                                        device=str(state.classifier.device)))

    def compare_with_file(self, path) -> bool:
        """Compare with the weights in ``path``, validated in full first; on any problem a
        dialog says why and nothing changes (a comparison already on stays)."""
        try:
            second = SecondNetwork.from_file(path, device=str(self.session.classifier.device))
        except WeightsError as exc:
            self.warn(self.tr("Cannot compare with these weights"), self.tr(
                "{reason}\n\nNothing was changed.").format(reason=exc), exc.details)
            return False
        self.compare_with(second)
        return True

    def compare_with_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Compare With Weights"),
                                              self._dialog_folder(), self._weights_filter())
        if path:
            self.compare_with_file(path)

    def stop_comparing(self) -> None:
        self.session.stop_comparing()

    def _comparison_changed(self) -> None:
        second = self.session.second
        self.stop_comparing_act.setEnabled(second is not None)
        self.evaluate_both_act.setEnabled(second is not None)
        if second is None:
            self.statusBar().showMessage(self.tr("One network reads the drawing again"),
                                         STATUS_TIMEOUT_MS)
        for panel in self.panels:
            panel.set_second(second)
        self.classify()  # both read the drawing now (or one only)

    # ------------------------------------------------------------------ export

    def export_reading_dialog(self) -> None:
        prediction = self.session.prediction
        if prediction is None or not prediction.has_digit:
            QMessageBox.information(self, self.tr("Nothing to export"),
                                    self.tr("Draw a digit first: an export saves what the "
                                            "network made of it."))
            return
        # A save dialog, not a folder picker: it takes the name of a folder that does not
        # exist yet, which the export then creates.
        parent = Path(self._saved("export_folder", str(Path.home()))).parent
        if not parent.is_dir():
            parent = Path.home()
        suggestion = next(parent / f"digitpad-reading-{n}" for n in range(1, 10_000)
                          if not (parent / f"digitpad-reading-{n}").exists())
        folder, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export Reading To a New Folder"), str(suggestion),
            self.tr("Folder (*)"), options=QFileDialog.Option.DontConfirmOverwrite)
        if folder:
            self.export_to(folder)

    def export_to(self, folder) -> bool:
        """Write the current reading into ``folder``; a dialog says why if it cannot."""
        prediction = self.session.prediction
        state = self.session.live()
        info = {"arch": state.arch, "weights": state.source_name(),
                "edited_parameters": sorted(state.edited()),
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

    # ------------------------------------------------------------------ my digits

    def keep_drawing(self, label: int, collection: str | None = None) -> bool:
        """Keep the drawing on the pad in My Digits as ``label``; the status bar says how
        it went."""
        self.canvas.flush()  # the reading of the latest point
        try:
            self.session.keep(self.canvas.pen_strokes(), label, collection=collection)
        except (CollectionError, ValueError) as exc:
            self.statusBar().showMessage(self.tr("Not kept: {reason}").format(reason=exc),
                                         STATUS_TIMEOUT_MS)
            return False
        counts = self.session.collection.counts()
        self.statusBar().showMessage(self.tr("Kept as a {digit} in My Digits ({count:,} {digit}s, "
                                             "{total:,} in all)").format(
            digit=label, count=counts[label], total=sum(counts)), STATUS_TIMEOUT_MS)
        return True

    def collect_dialog(self) -> None:
        if self.session.collection is None:
            QMessageBox.information(self, self.tr("My Digits"), self.tr(
                "My Digits is off: {reason}").format(reason=self.session.collection_error))
            return
        name, ok = QInputDialog.getText(self, self.tr("Collect Digits"), self.tr(
            "Whose digits? Each person's drawings go to a collection of their own."),
            text=self._saved("collect_name", ""))
        if ok and name.strip():
            self.start_collecting(name.strip())

    def start_collecting(self, name: str) -> None:
        """Collect mode for ``name``: the bar over the pad asks for digits in turn."""
        self._save("collect_name", name)
        self.canvas.clear()
        self.collect_bar.start(name)
        self.canvas.setFocus()

    def _collect_next(self, digit: int, name: str) -> None:
        if self.keep_drawing(digit, collection=name):
            self.canvas.clear()
            self.collect_bar.advance()

    def _collect_stopped(self, kept: int) -> None:
        self.statusBar().showMessage(self.tr("Collect mode stopped: {kept:,} drawings kept.").format(
            kept=kept), STATUS_TIMEOUT_MS)

    # ------------------------------------------------------------------ device

    def set_device(self, device: str, report: bool = True) -> None:
        """Move the model live; when the device cannot be used it stays where it is and
        the status bar (and, if ``report``, a dialog) says why."""
        status = self.session.set_device(device)
        if status.message:
            message = self.tr("Staying on {device}: {reason}.").format(
                device=status.device.upper(), reason=core_message(status.message))
            self.statusBar().showMessage(message, 3 * STATUS_TIMEOUT_MS)
            if report:
                QMessageBox.warning(self, self.tr("Device not changed"), message)

    # ------------------------------------------------------------------ state shown

    def _model_changed(self) -> None:
        state = self.session.live()
        for action in self.arch_group.actions():
            action.setChecked(action.data() == state.arch)
        device = state.classifier.device.type
        for action in self.device_group.actions():
            action.setChecked(action.data() == device)
        self._add_network_actions()
        self.warning_banner.setText(self.tr(
            "⚠  {arch} has random, untrained weights: its predictions mean nothing until you "
            "open trained weights (File ▸ Open Weights…) or train it.").format(
            arch=html.escape(state.spec.display_name))
            + " <a href='train'>" + self.tr("Train…") + "</a>")
        self.warning_banner.setVisible(state.is_random)
        self.revert_act.setEnabled(self._can_revert())
        self._show_edits()
        self._update_title()
        for panel in self.panels:
            panel.set_classifier(state.classifier)
        self.classify()

    def _add_network_actions(self) -> None:
        """Model ▸ Architecture lists the networks opened in this session too."""
        listed = {action.data() for action in self.arch_group.actions()}
        for spec in MODEL_SPECS.values():
            if spec.name not in listed:
                action = QAction(spec.display_name, self.arch_group, checkable=True, data=spec.name,
                                 statusTip=self.tr("Use {arch}, with random weights").format(
                                     arch=spec.display_name))
                action.triggered.connect(lambda _=False, a=spec.name: self.set_architecture(a))
                self.arch_menu.addAction(action)
                action.setChecked(spec.name == self.session.live().arch)

    def _update_title(self) -> None:
        source = self.session.live().source
        if source.path is None:
            name = self.tr("{arch} ({origin})").format(
                arch=self.session.live().spec.display_name,
                origin=source.origin or self.tr("random weights"))
        else:
            name = source.path.name
        self.setWindowTitle(f"{name}[*] — digitpad")

    def _can_revert(self) -> bool:
        return not self.session.jobs.busy and self.session.live().shipped_path().is_file()

    def _set_busy(self, busy: bool) -> None:
        """While a job reads or trains the network, the weights stay as they are."""
        for action in (self.open_act, self.recent_menu.menuAction(), self.save_as_act,
                       self.open_network_act, self.export_network_menu.menuAction(),
                       *self.arch_group.actions(), *self.device_group.actions()):
            action.setEnabled(not busy)
        self.revert_act.setEnabled(self._can_revert())
        self.restore_act.setEnabled(not busy and bool(self.session.live().edited()))
        if not busy:
            self.cuda_act.setEnabled(cuda_unavailable_reason() is None)

    def about(self) -> None:
        state = self.session.live()
        weights = str(state.source.path) if state.source.path else self.session.source_name()
        provenance = self.session.provenance() or self.tr("no provenance recorded")
        parameters = sum(p.numel() for p in state.model.parameters())
        QMessageBox.about(
            self, self.tr("About digitpad"),
            f"<h3>digitpad {__version__}</h3>"
            + self.tr("<p>Draw a digit and watch a small convolutional network read it, live.</p>"
                      "<p><b>Model:</b> {arch}, {parameters:,} parameters, on {device}<br>"
                      "<b>Weights:</b> {weights}<br><b>Provenance:</b> {provenance}</p>").format(
                arch=state.spec.display_name, parameters=parameters,
                device=str(state.classifier.device).upper(), weights=html.escape(weights),
                provenance=html.escape(provenance))
            + f"<p>Python {platform.python_version()} · PyTorch {torch.__version__} · "
            f"Qt {qVersion()} · PySide6 {PySide6.__version__} · pyqtgraph {pg.__version__} · "
            f"NumPy {np.__version__}</p>")

    def set_language(self, language: str) -> None:
        """Remember ``language`` (a key of LANGUAGE_NAMES, or SYSTEM_LANGUAGE) for the next
        start: the texts on screen are set once, when the window is made."""
        if language == chosen_language(self.settings):
            return
        self._save(LANGUAGE_KEY, language)
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Language"),
                          self.tr("digitpad shows the language you chose the next time "
                                  "it starts."), parent=self)
        restart = box.addButton(self.tr("Restart Now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restart)
        box.exec()
        if box.clickedButton() is restart:
            self.restart()

    def restart(self) -> bool:
        """Quit (asking about unsaved weights as any quit does) and start again with the
        same command line; False when the user chose to stay."""
        if self.settings is not None:
            self.settings.sync()  # the new process reads what this one just chose
        if not self.close():
            return False
        arguments = list(getattr(sys, "orig_argv", sys.argv))[1:]  # as typed: python -m digitpad …
        QProcess.startDetached(sys.executable, arguments)
        QApplication.quit()
        return True

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
        # The side columns keep their share of the window as it grows and shrinks.
        self.dock_sharing = DockSharing(self, {
            area: DEFAULT_DOCK_WIDTH / DEFAULT_SIZE[0] for area in (
                Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)})
        if isinstance(state, QByteArray) and self.restoreState(state, WINDOW_STATE_VERSION):
            self.dock_sharing.measure_at_show = True  # the shares the user left
        else:
            beside = [panel for panel in self.panels if self.dockWidgetArea(panel) in (
                Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)]
            self.resizeDocks(beside, [DEFAULT_DOCK_WIDTH] * len(beside), Qt.Orientation.Horizontal)
            self.resizeDocks([self.feature_maps, self.parameters], [380, 380],
                             Qt.Orientation.Vertical)
            self.resizeDocks([self.probabilities, self.evidence], [240, 480],
                             Qt.Orientation.Vertical)
        drop_retired_tab_bars(self)  # those of the tab groups made above, or restored
        self.canvas.set_brush_size(self._saved("brush_size", self.canvas.brush_size,
                                               allowed=range(MIN_BRUSH, MAX_BRUSH + 1)))
        self.recent_files = self._saved("recent_files", [])[:MAX_RECENT_FILES]
        self.steps_act.setChecked(self._saved("show_steps", False))
        self._saved(LANGUAGE_KEY, SYSTEM_LANGUAGE, allowed=(SYSTEM_LANGUAGE, *LANGUAGE_NAMES))  # named if bad

    def write_settings(self) -> None:
        self._save("geometry", self.saveGeometry())
        self._save("window_state", self.saveState(WINDOW_STATE_VERSION))
        self._save("brush_size", self.canvas.brush_size)
        self._save("recent_files", self.recent_files)
        self._save("device", self.session.live().classifier.device.type)
        self._save("architecture", self.session.live().arch)
        self._save("show_steps", self.steps_act.isChecked())

    def may_close(self) -> bool:
        """With unsaved weights (the title's ``*``) or a job still changing them, ask:
        Save, Discard or Cancel. False: stay open."""
        unsaved = self.session.state is not None and self.session.live().modified
        if not (unsaved or self.session.jobs.busy):
            return True
        text = (self.tr("The weights have changed since they were loaded or saved.")
                if unsaved else self.tr("A job is still training the network."))
        answer = QMessageBox.question(
            self, self.tr("Save the changed weights?"),
            text + " " + self.tr("Save them before quitting?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            self.session.jobs.stop()  # a cancelled job keeps the weights from before it
            if self.session.live().modified and not self.save_weights_as(self.session.model):
                return False
            return True
        return answer == QMessageBox.StandardButton.Discard

    def offer_unsaved_weights(self) -> bool:
        """At start: weights left unsaved by a crash are offered back; True if restored."""
        path = pending_autosave()
        if path is None:
            return False
        answer = QMessageBox.question(
            self, self.tr("Restore unsaved weights?"),
            self.tr("digitpad closed last time with weights that were never saved. Restore "
                    "them?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            self.autosave.discard()
            return False
        try:
            loaded = load_model(path)
        except WeightsError as exc:
            self.warn(self.tr("Cannot restore the unsaved weights"), str(exc), exc.details)
            self.autosave.discard()
            return False
        self.session.install(loaded.model, None, loaded.file.metadata,
                             origin=self.tr("restored unsaved weights"), modified=True)
        self.autosave.wrote = True  # the copy is this window's now: kept until saved or discarded
        return True

    def closeEvent(self, event) -> None:
        if not self.may_close():
            event.ignore()
            return
        if self.autosave.wrote:
            self.autosave.discard()  # saved or discarded: nothing left to restore
        self.autosave.close()
        self.session.jobs.stop()  # a cancelled training keeps the weights from before it
        self.network_focus.set_active(False)  # the docks as they were are what is saved
        for panel in self.panels:
            panel.shut_down()
        self.session.close_collection()
        self.write_settings()
        event.accept()

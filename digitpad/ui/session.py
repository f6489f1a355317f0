"""The app's session: the Qt face of ``digitpad.session.Session``.

``AppSession`` owns the core ``Session`` (and through it the ``Classifier`` and the live
model), the ``Jobs`` runner for long work and the latest ``Prediction``, and says what
changed with signals. Panels take it, read from it and call it; the window shows what
it announces. Nothing here knows about docks, menus or the canvas.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch.nn as nn
from PySide6.QtCore import QCoreApplication, QObject, Signal

from ..capture import FEATURE_MAP_TYPES
from ..classifier import Classifier, DeviceStatus, GradientRequest, Prediction
from ..collection import Collection, CollectionError, Drawing, input_pixels, weights_hash
from ..compare import SecondNetwork
from ..networks import OpenedNetwork
from ..session import Session, Snapshot
from ..strokes import PenStroke
from .workers import Jobs


class AppSession(QObject):
    """``state`` is the core session (None until the first model is installed)."""

    model_changed = Signal()  # another model, architecture, device or weights source
    weights_edited = Signal(object)  # frozenset: parameters now unlike those loaded
    weights_saved = Signal(object)  # the Path written
    prediction_changed = Signal(object)  # the latest Prediction
    collection_changed = Signal()  # drawings kept, relabelled, deleted or imported
    comparison_changed = Signal()  # a second network now reads beside the live one, or none
    shown_outputs_changed = Signal()  # a module's output is shown, or no longer, on demand

    # (Prediction, looks_like_digit): the digit check's verdict on a prediction, so every
    # panel that shows the reading tells the same story as the Certainty dock.
    digit_check_done = Signal(object, bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.state: Session | None = None
        self.prediction: Prediction | None = None
        # The second network's reading of the same input, made in the same step as
        # ``prediction`` (None when not comparing).
        self.second_prediction: Prediction | None = None
        self.jobs = Jobs(self)  # training, corrections, evaluations: one at a time, off the GUI thread
        # My Digits: None when the file cannot be used (``collection_error`` says why).
        self.collection: Collection | None = None
        self.collection_error: str | None = None

    @property
    def classifier(self) -> Classifier | None:
        return None if self.state is None else self.state.classifier

    @property
    def model(self) -> nn.Module:
        return self.live().model

    def live(self) -> Session:
        if self.state is None:
            raise RuntimeError("no model installed yet")
        return self.state

    # --------------------------------------------------------------- changing the weights

    def install(self, model: nn.Module, path, metadata: dict, *, origin: str | None = None,
                modified: bool = False) -> None:
        """Make ``model`` (already validated) the live one (see ``Session.install``)."""
        if self.state is None:
            # The feature-map dock shows ReLU and pooling outputs too, and the parameters
            # dock every module's output shape.
            self.state = Session(model, path, metadata, origin=origin,
                                 capture_types=FEATURE_MAP_TYPES, record_shapes=True)
            edited = frozenset[str]()
        else:
            edited = self.state.install(model, path, metadata, origin=origin, modified=modified)
        self.model_changed.emit()
        if edited:
            self.weights_edited.emit(edited)

    def open(self, path) -> str:
        """Load a weights file for the live architecture (``WeightsError`` if it cannot);
        returns a note to tell even so, else ""."""
        note = self.live().open(path)
        self.model_changed.emit()
        return note

    def open_network(self, opened: OpenedNetwork, origin: str | None = None) -> None:
        """Make a network the user opened the live one (see ``Session.open_network``):
        the hooks move to it and every panel rebuilds for it."""
        if self.state is None:
            self.install(opened.model, None, {}, origin=origin if opened.trained else None)
            return
        self.state.open_network(opened, origin)
        self.model_changed.emit()

    def use_shipped_or_random(self, arch: str) -> str | None:
        """``arch``'s shipped weights, else random ones; returns why not shipped, if so."""
        if self.state is None:
            self.state, error = Session.shipped(arch, capture_types=FEATURE_MAP_TYPES,
                                                record_shapes=True)
        else:
            error = self.state.use_shipped_or_random(arch)
        self.model_changed.emit()
        return error

    def snapshot(self) -> Snapshot:
        return self.live().snapshot()

    def restore(self, snapshot: Snapshot) -> None:
        self.install(snapshot.model, snapshot.path, snapshot.metadata, origin=snapshot.origin,
                     modified=snapshot.modified)

    def show_output(self, name: str, shown: bool = True) -> None:
        """Show (or stop showing) module ``name``'s output: a forward hook is added to it
        (or removed) now; the feature maps follow from the next reading on."""
        self.live().classifier.show_output(name, shown)
        self.shown_outputs_changed.emit()

    def parameters_edited(self) -> None:
        """Parameters were written in place (a panel's what-if edit)."""
        self.weights_edited.emit(self.live().weights_changed_in_place())

    def restore_loaded(self) -> frozenset[str]:
        """Undo every what-if edit; returns the names of the parameters put back."""
        restored = self.live().restore_loaded()
        if restored:
            self.weights_edited.emit(self.live().edited())
        return restored

    def save(self, path, model: nn.Module | None = None) -> Path:
        """Save the live weights (or ``model``'s); raises ``WeightsError``."""
        live = model is None or model is self.model
        saved = self.live().save(path, model)
        if live:
            self.weights_edited.emit(frozenset[str]())
        self.weights_saved.emit(saved)
        return saved

    def set_device(self, device: str) -> DeviceStatus:
        status = self.live().classifier.set_device(device)
        second = self.second
        if second is not None:  # both on one device: one step serves both
            second.set_device(status.device)
        self.model_changed.emit()
        return status

    # --------------------------------------------------------------- a second network

    @property
    def second(self) -> SecondNetwork | None:
        """The network compared with the live one, if any."""
        return None if self.state is None else self.state.second

    def compare_with(self, second: SecondNetwork) -> None:
        """Have ``second`` (already validated) read every drawing beside the live one."""
        state = self.live()
        second.set_device(str(state.classifier.device))
        state.compare_with(second)
        self.second_prediction = None
        self.comparison_changed.emit()

    def stop_comparing(self) -> None:
        """Back to one network: the second's hooks go with it."""
        if self.second is None:
            return
        self.live().stop_comparing()
        self.second_prediction = None
        self.comparison_changed.emit()

    def second_reading(self, prediction: Prediction | None) -> Prediction | None:
        """The second network's reading made with ``prediction`` (None when not comparing
        or when it belongs to another reading)."""
        second = self.second_prediction
        if second is None or prediction is None or self.second is None:
            return None
        return second if second.steps is prediction.steps else None

    # --------------------------------------------------------------- reading the drawing

    def classify(self, strokes: list[PenStroke] | None, *, surface: float | None = None,
                 image: np.ndarray, gradients: Iterable[GradientRequest] = ()) -> Prediction:
        """Read the drawing from its ``strokes`` (``image``: as shown), or from ``image``
        alone when there are no strokes to read; every listener gets the prediction.
        ``gradients``: those the listeners will read, taken in the same forward pass."""
        state = self.live()
        if strokes is not None:
            self.prediction = state.classify(strokes, surface=surface, image=image,
                                             gradients=gradients)
        else:
            self.prediction = state.classify_image(image, gradients=gradients)
        # The same step reads it with the second network: the panels get both at once.
        self.second_prediction = state.read_second(self.prediction)
        self.prediction_changed.emit(self.prediction)
        return self.prediction

    # --------------------------------------------------------------- my digits

    def open_collection(self, path) -> bool:
        """Open the My Digits file; when it cannot be used the app goes on without it,
        leaves the file alone and keeps the reason in ``collection_error``."""
        try:
            self.collection = Collection(path)
        except CollectionError as exc:
            self.collection, self.collection_error = None, str(exc)
            return False
        self.collection_error = None
        self.collection_changed.emit()
        return True

    def close_collection(self) -> None:
        if self.collection is not None:
            self.collection.close()
            self.collection = None

    def keep(self, strokes: list[PenStroke] | None, label: int, *,
             collection: str | None = None) -> Drawing:
        """Keep the drawing just read (``strokes``, None for a placed picture: its input
        is kept as an image) as ``label``, with what the live network saw and read.
        Raises CollectionError (no collection, nothing drawn, the file refused)."""
        if self.collection is None:
            raise CollectionError(self.collection_error or "no collection is open")
        prediction = self.prediction
        if prediction is None or not prediction.has_digit:
            raise CollectionError("the pad holds no digit")
        state = self.live()
        named = {} if collection is None else {"collection": collection}
        if strokes:
            drawing = self.collection.add(
                strokes, label, model_input=prediction.model_input, network=state.arch,
                weights_hash=weights_hash(state.model), reading=prediction.digit,
                confidence=prediction.confidence, **named)
        else:
            drawing = self.collection.add_image(input_pixels(prediction.model_input), label,
                                                model_input=prediction.model_input, **named)
        self.collection_changed.emit()
        return drawing
    def report_digit_check(self, prediction: Prediction, looks_like_digit: bool) -> None:
        self.digit_check_done.emit(prediction, looks_like_digit)

    # --------------------------------------------------------------- described

    # Their texts keep the window's translation context, where the catalogue has them.
    def source_name(self) -> str:
        """The weights file's name, else where the weights come from."""
        random = QCoreApplication.translate("MainWindow", "random initial weights")
        return self.live().source_name(random=random)

    def provenance(self) -> str:
        """Where the weights come from, in a line: their metadata in words."""
        return self.live().provenance(
            accuracy=QCoreApplication.translate("MainWindow", "test accuracy {:.2f} %"),
            epochs=QCoreApplication.translate("MainWindow", "{} epochs"),
            separator=QCoreApplication.translate("MainWindow", ", "))

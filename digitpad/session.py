"""One working session: the live network, where its weights come from, and what changed.

This is where the live weights live. A ``Session`` holds the ``Classifier`` (and through
it the model), the weights' source (a file, or an origin in words for weights in no
file: trained here, corrected, a training preview), their metadata, and a snapshot of
the parameters as loaded, to tell and undo what-if edits. Loading, installing, reverting
to the shipped weights, restoring and saving all happen here; the app's window only asks
and shows the result. No Qt: it works the same from a notebook::

    Session.load("w.pt").classify(strokes)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch.nn as nn

from .classifier import Classifier, GradientRequest, Prediction
from .compare import SecondNetwork
from .edits import LoadedWeights
from .models import DEFAULT_ARCH, ModelSpec, create_model, spec_of
from .networks import OpenedNetwork
from .strokes import PenStroke
from .weights import WeightsError, describe_metadata, load_model, save_weights, shipped_weights_path


@dataclass(frozen=True)
class Snapshot:
    """The live model and its source at one moment, to put back later (a cancelled
    training, an undone correction)."""

    model: nn.Module
    path: Path | None
    metadata: dict
    origin: str | None
    modified: bool


@dataclass
class WeightsSource:
    """Where the live weights come from: ``path`` (None: in no file, see ``origin``;
    both None: random initial weights) and the file's ``metadata`` (provenance)."""

    path: Path | None = None
    metadata: dict = field(default_factory=dict)
    origin: str | None = None


class Session:
    """The live network of one session. ``classifier_options`` go to the ``Classifier``
    (the app captures every stage for its views)."""

    def __init__(self, model: nn.Module, path=None, metadata: dict | None = None, *,
                 origin: str | None = None, **classifier_options):
        self.classifier = Classifier(model, **classifier_options)
        self.source = weights_source(path, metadata or {}, origin)
        self.loaded = LoadedWeights(model)  # the parameters as loaded, to restore
        # Changed before ``loaded`` was taken, say corrected: modified even without edits.
        self.changed_since_loaded = False
        # A network that reads every drawing beside the live one; it stays through any
        # change of the live weights until ``stop_comparing``.
        self.second: SecondNetwork | None = None

    # --------------------------------------------------------------- opening

    @classmethod
    def load(cls, path, arch: str | None = None, **classifier_options) -> Session:
        """A session on a weights file (raises ``WeightsError`` when it cannot be used)."""
        loaded = load_model(path, arch=arch)
        return cls(loaded.model, path, loaded.file.metadata, **classifier_options)

    @classmethod
    def shipped(cls, arch: str = DEFAULT_ARCH, **classifier_options) -> tuple[Session, str | None]:
        """A session on ``arch``'s shipped weights, else random ones; the second item
        says why the shipped weights could not be used (None: they were, or there are none)."""
        model, path, metadata, error = shipped_or_random(arch)
        return cls(model, path, metadata, **classifier_options), error

    # --------------------------------------------------------------- the live model

    @property
    def model(self) -> nn.Module:
        return self.classifier.model

    @property
    def arch(self) -> str:
        return self.classifier.arch

    @property
    def spec(self) -> ModelSpec:
        return spec_of(self.arch)

    def install(self, model: nn.Module, path, metadata: dict, *, origin: str | None = None,
                modified: bool = False) -> frozenset[str]:
        """Make ``model`` (already validated) the live one, from ``path``; weights in no
        file say where they come from in ``origin`` (None: random). ``modified``: changed
        since they were loaded, so edits are told against the weights loaded before.
        Returns the names of the parameters that differ from those loaded."""
        if model is not self.classifier.model:
            self.classifier.set_model(model)
        self.loaded = ((self.loaded.compared_with(model) if modified else None)
                       or LoadedWeights(model))
        self.source = weights_source(path, metadata, origin)
        self.changed_since_loaded = modified
        return self.edited()

    def open(self, path) -> str:
        """Load a weights file for the live architecture; on any problem a
        ``WeightsError`` says why and nothing changes. Returns a note to tell even so
        (weights saved from another version of the network), else ""."""
        loaded = load_model(path, arch=self.arch)
        self.install(loaded.model, path, loaded.file.metadata)
        return loaded.note

    def open_network(self, opened: OpenedNetwork, origin: str | None = None) -> None:
        """Make a network the user opened (``networks.open_network``, contract already
        checked) the live one: untrained from Python, with the file's weights from ONNX
        (``origin`` says so in words; None: random)."""
        self.install(opened.model, None, {}, origin=origin if opened.trained else None)

    def use_shipped_or_random(self, arch: str) -> str | None:
        """Install ``arch``'s shipped weights, or random ones (the reason is returned) when
        there are none or they cannot be read."""
        model, path, metadata, error = shipped_or_random(arch)
        self.install(model, path, metadata)
        return error

    def shipped_path(self) -> Path:
        return shipped_weights_path(self.arch)

    def revert(self) -> None:
        """Load the shipped weights of the live architecture (``WeightsError`` if none)."""
        self.open(self.shipped_path())

    # --------------------------------------------------------------- edits

    def edited(self) -> frozenset[str]:
        """The names of the parameters that differ from the weights as loaded."""
        return self.loaded.edited()

    @property
    def modified(self) -> bool:
        """Changed since loaded or saved: edited, corrected or trained on."""
        return self.modified_given(self.edited())

    def modified_given(self, edited: frozenset[str]) -> bool:
        """``modified``, for the edited set just worked out (each time compares every
        parameter)."""
        return self.changed_since_loaded or bool(edited)

    def weights_changed_in_place(self) -> frozenset[str]:
        """Call after writing into the live parameters; returns what differs now."""
        self.classifier.invalidate()
        self.changed_since_loaded = False  # from now on the edits tell what changed
        return self.edited()

    def restore_loaded(self) -> frozenset[str]:
        """Undo every what-if edit; returns the names of the parameters put back."""
        restored = self.loaded.restore()
        if restored:
            self.classifier.invalidate()
            self.changed_since_loaded = False  # exactly the weights as loaded again
        return restored

    def snapshot(self) -> Snapshot:
        source = self.source
        return Snapshot(self.model, source.path, dict(source.metadata), source.origin,
                        self.modified)

    def restore(self, snapshot: Snapshot) -> frozenset[str]:
        return self.install(snapshot.model, snapshot.path, snapshot.metadata,
                            origin=snapshot.origin, modified=snapshot.modified)

    # --------------------------------------------------------------- saving

    def save_metadata(self, model: nn.Module) -> dict:
        """The metadata a save of ``model`` records: the loaded file's, less the
        measurements edits made stale, and where it was saved from."""
        metadata = dict(self.source.metadata)
        if model is self.model and self.modified:
            metadata.pop("test_accuracy", None)
            metadata["edited_in_app"] = True
        metadata["saved_from"] = self.source_name()
        return metadata

    def save(self, path, model: nn.Module | None = None) -> Path:
        """Save the live weights (or ``model``'s, say the weights as loaded); the file saved
        becomes the one edits are compared with. Raises ``WeightsError``."""
        model = self.model if model is None else model
        metadata = self.save_metadata(model)
        saved = save_weights(path, model, arch=self.arch, metadata=metadata)
        if model is self.model:
            self.loaded = LoadedWeights(model)
            self.changed_since_loaded = False
        self.source = WeightsSource(Path(saved).resolve(), metadata, None)
        return saved

    def loaded_copy(self) -> nn.Module:
        """A copy of the model with the weights as loaded (the live one keeps its edits)."""
        return self.loaded.loaded_copy()

    # --------------------------------------------------------------- described

    @property
    def is_random(self) -> bool:
        return self.source.path is None and self.source.origin is None

    def source_name(self, random: str = "random initial weights") -> str:
        """The weights file's name, else where the weights come from."""
        if self.source.path is not None:
            return self.source.path.name
        return self.source.origin or random

    def provenance(self, **wording) -> str:
        """Where the weights come from, in a line: their metadata in words. A measured
        accuracy is left out once the weights changed: it was measured on others."""
        metadata = self.source.metadata
        if self.modified:
            metadata = {key: value for key, value in metadata.items() if key != "test_accuracy"}
        return describe_metadata(metadata, **wording)

    # --------------------------------------------------------------- reading

    def classify(self, strokes: list[PenStroke], *, surface: float | None = None,
                 image: np.ndarray | None = None,
                 gradients: Iterable[GradientRequest] = ()) -> Prediction:
        """Read a drawing given as pen strokes (see ``digitpad.strokes``), with the
        ``gradients`` views will read from the same pass (see ``Classifier``)."""
        return self.classifier.classify_strokes(strokes, surface=surface, image=image,
                                                gradients=gradients)

    def classify_image(self, image: np.ndarray,
                       gradients: Iterable[GradientRequest] = ()) -> Prediction:
        """Read a drawing given as a picture (any size, ink high)."""
        return self.classifier.classify(image, gradients=gradients)

    # --------------------------------------------------------------- a second network

    def compare_with(self, second: SecondNetwork) -> None:
        """Have ``second`` (already validated) read every drawing beside the live network;
        a second network compared before is closed, its hooks removed."""
        if self.second is not None and self.second is not second:
            self.second.close()
        self.second = second

    def stop_comparing(self) -> None:
        if self.second is not None:
            self.second.close()
            self.second = None

    def read_second(self, prediction: Prediction) -> Prediction | None:
        """The second network's reading of the input the live one read (None when there
        is no second network)."""
        return None if self.second is None else self.second.read(prediction)

    def close(self) -> None:
        self.stop_comparing()
        self.classifier.close()


def weights_source(path, metadata: dict, origin: str | None) -> WeightsSource:
    """The source of weights from ``path``, else (in no file) from ``origin``."""
    if path is not None:
        return WeightsSource(Path(path).resolve(), dict(metadata), None)
    return WeightsSource(None, dict(metadata), origin)


# Checked shipped weights by architecture, with the file's stamp: switching networks back
# and forth copies them (2 ms for DeepCNN) instead of reading and checking the file
# again (10-20 ms), while an edited or replaced file is read afresh.
_shipped_models: dict[str, tuple[tuple, nn.Module, dict]] = {}


def shipped_or_random(arch: str) -> tuple[nn.Module, Path | None, dict, str | None]:
    """``arch``'s shipped weights (model, path, metadata, None), or a random model and
    why the shipped weights could not be used (None when there are none). The model is
    the caller's own: a fresh copy each time."""
    path = shipped_weights_path(arch)
    try:
        info = path.stat() if path.is_file() else None
    except OSError:
        info = None
    if info is None:
        return create_model(arch), None, {}, None
    stamp = (str(path), info.st_mtime_ns, info.st_size, info.st_ino)
    cached = _shipped_models.get(arch)
    if cached is None or cached[0] != stamp:
        try:
            loaded = load_model(path, arch=arch)
        except WeightsError as exc:
            _shipped_models.pop(arch, None)
            return create_model(arch), None, {}, str(exc)
        cached = stamp, loaded.model, loaded.file.metadata
        _shipped_models[arch] = cached
    _, model, metadata = cached
    return copy.deepcopy(model), path, copy.deepcopy(metadata), None

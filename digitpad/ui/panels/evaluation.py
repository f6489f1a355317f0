"""The evaluation dock: how well the current weights read MNIST's 10,000 test digits, or
digits drawn by people.

For MNIST: accuracy, accuracy on a perturbed copy of the test set, accuracy per digit and
the confusion matrix all come from ``digitpad.evaluate.evaluate``, what ``digitpad eval``
prints. For drawn digits: ``digitpad.drawn.evaluate_drawn``, what ``digitpad eval
--drawn`` prints, with accuracy per drawing size. Both run in a worker thread on a copy
of the live model. Clicking a cell of the matrix lists its digits; clicking a digit puts
it on the pad, where every dock shows how the network reads it.

While a second network reads beside the live one, both read the chosen set (a copy of
each, the drawn digits drawn once for both): the dock adds the second network's
accuracy, McNemar's test on the paired results in words, and the digits the two read
differently, each of which goes on the pad with a click.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...collection import CollectionError, CollectionEvaluation, evaluate_drawings
from ...compare import Comparison, McNemar
from ...data import Digits
from ...drawn import DrawnEvaluation, evaluate_drawn, making_drawn_sets, prepare
from ...evaluate import Evaluation, evaluate
from ...models import NUM_CLASSES, display_name, fresh_copy
from ...pendata import strokes_cache, unipen_dir
from ...preprocess import denormalise
from ..style import EXPLAINING
from ..teaching import bring_forward, describe_augmentation, missing_mnist_message, mnist
from ..widgets import text_label, thumbnail_grid
from ..workers import single
from . import Panel
from .probabilities import SECOND

if TYPE_CHECKING:
    from ..session import AppSession

MAX_EXAMPLES = 200  # thumbnails listed for one cell
THUMBNAIL = 48  # pixels: a 28 x 28 digit, enlarged
ACCURACY_COLUMN = NUM_CLASSES
ROW_HEIGHT = 21
RIGHT = QColor("#dbe8f6")
RIGHT_TEXT = QColor("#1a4e8a")
WRONG = QColor(221, 107, 32)  # with an alpha that grows with the count
NEUTRAL = QColor("#f4f6f9")


MNIST_SET, DRAWN_SET, MY_SET = "mnist", "drawn", "mine"
MAX_DISAGREEMENTS = 200  # thumbnails listed of the digits the two networks read differently


@dataclass(frozen=True)
class Stage:
    """A worker's progress: what it does now, in words, and the share done."""

    text: str
    done: float


def evaluation_work(model, device: str, which: str = MNIST_SET, second=None, stages=None):
    """Evaluate ``model`` (a copy: the live one keeps serving the pad) on the test set or
    on the drawn digits, and ``second`` (a copy of the second network's model, or None)
    on the same digits. Yields a ``Stage`` before each step (``stages``: their texts),
    then (result, the digits read as 28 x 28 pictures, the ``Comparison`` or None)."""
    stages = stages or {}

    def work(cancelled):
        test_set = mnist("test")
        if which == MNIST_SET:
            yield Stage(stages.get("first", ""), 0.0)
            result = evaluate(model, test_set, device)
            digits = test_set
            if second is not None:
                yield Stage(stages.get("second", ""), 0.5)
                second_result = evaluate(second, test_set, device)
        else:
            yield Stage(stages.get("drawing", ""), 0.0)
            making = making_drawn_sets(None, test_set, cache_folder=strokes_cache())
            while True:  # tracing MNIST's digits into strokes, the first time only
                try:
                    share = next(making)
                except StopIteration as end:
                    sets = end.value
                    break
                if cancelled():
                    return
                yield Stage(stages.get("tracing", ""), 0.6 * share)
            yield Stage(stages.get("drawing", ""), 0.6)
            prepared = prepare(sets)
            if cancelled():
                return
            yield Stage(stages.get("first", ""), 0.8)
            result = evaluate_drawn(model, sets, device=device, prepared=prepared)
            pictures = (denormalise(prepared[4]).clip(0, 1) * 255).round().astype(np.uint8)
            digits = Digits(pictures, result.labels)
            if second is not None:
                yield Stage(stages.get("second", ""), 0.9)
                second_result = evaluate_drawn(second, sets, device=device, prepared=prepared)
        comparison = (Comparison.of(result, second_result, digits.labels)
                      if second is not None else None)
        yield result, digits, comparison
    return work


def my_digits_work(model, device: str, drawings, second=None):
    """Read the user's kept drawings (``digitpad.collection.evaluate_drawings``, what
    ``digitpad eval --digits`` prints) with ``model`` and ``second`` (None: none), with
    the drawings as 28 x 28 pictures."""
    def measure():
        result = evaluate_drawings(model, drawings, device)
        pictures = np.stack([d.pixels for d in drawings])
        digits = Digits(pictures, np.array([d.label for d in drawings], np.int64))
        comparison = None
        if second is not None:
            comparison = Comparison.of(result, evaluate_drawings(second, drawings, device),
                                       digits.labels)
        return result, digits, comparison
    return single(measure)


def thumbnail(image: np.ndarray) -> QIcon:
    """A 28 x 28 MNIST digit as the pad shows it: dark ink on white, crisp pixels."""
    paper = np.ascontiguousarray(255 - image)
    picture = QImage(paper.data, paper.shape[1], paper.shape[0], paper.shape[1],
                     QImage.Format.Format_Grayscale8)
    return QIcon(QPixmap.fromImage(picture.scaled(THUMBNAIL, THUMBNAIL)))  # copies the pixels


class EvaluationPanel(Panel):
    """Accuracy, the confusion matrix with per-digit accuracy, and example digits."""

    place_digit_requested = Signal(object)  # a 28 x 28 test digit (uint8) for the pad

    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(self.tr("Evaluation"), "evaluation", session, parent)
        self.result: Evaluation | None = None
        self.test_set = None
        self.evaluated_model = None
        self.shown_cell: tuple[int, int | None] | None = None
        layout = self.body_layout()

        header = QHBoxLayout()
        self.set_choice = QComboBox()
        self.set_choice.setObjectName("evaluation_set")
        self.set_choice.addItem(self.tr("MNIST test digits"), MNIST_SET)
        self.set_choice.addItem(self.tr("Drawn digits"), DRAWN_SET)
        self.set_choice.addItem(self.tr("My digits"), MY_SET)
        self.set_choice.setToolTip(self.tr(
            "Drawn digits: pen digits by writers the networks never saw (UNIPEN) and MNIST's "
            "test digits as strokes, replayed on the pad at every size and brush"))
        header.addWidget(self.set_choice)
        self.evaluate_button = QPushButton(self.tr("Evaluate"))
        self.evaluate_button.setObjectName("evaluate_button")
        self.evaluate_button.setToolTip(self.tr("Read the 10,000 MNIST test digits with the "
                                                "current weights"))
        self.evaluate_button.clicked.connect(self.start)
        self.summary = text_label(object_name="evaluation_summary")
        header.addWidget(self.evaluate_button)
        header.addWidget(self.summary, 1)
        layout.addLayout(header)

        self.status = text_label(object_name="evaluation_status", explaining=True)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("evaluation_progress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        layout.addWidget(self.progress)
        self._build_comparison(layout)

        # The live network's confusions; beside them, in a tab while two networks were
        # measured, the digits the two read differently.
        self.pages = QTabWidget()
        self.pages.setObjectName("evaluation_pages")
        self.pages.setDocumentMode(True)
        confusions = QWidget()
        layout.addWidget(self.pages, 1)
        page = QVBoxLayout(confusions)
        page.setContentsMargins(0, 4, 0, 0)
        self.pages.addTab(confusions, self.tr("Confusions"))
        self.pages.tabBar().hide()  # one page until two networks are measured
        self.matrix = self._build_matrix()
        # Axis titles: the rows are the true digits, the columns what the network read.
        self.matrix_axes = QLabel(self.tr("rows: <b>true</b> digit ↓ · columns: <b>read as</b> →"))
        self.matrix_axes.setObjectName("matrix_axes")
        page.addWidget(self.matrix_axes)
        page.addWidget(self.matrix)

        self.examples_caption = text_label(object_name="examples_caption")
        page.addWidget(self.examples_caption)
        self.examples = thumbnail_grid(QListWidget(), "examples", THUMBNAIL)
        self.examples.itemClicked.connect(self._place_example)
        self.examples.itemActivated.connect(self._place_example)
        page.addWidget(self.examples, 1)

        session.jobs.busy_changed.connect(self._update_controls)
        self._show_nothing_yet()

    def _build_comparison(self, layout) -> None:
        """The second network's results: hidden until an evaluation with two networks."""
        self.comparison: Comparison | None = None
        self.evaluated_second = None  # the SecondNetwork the comparison measured
        self.comparison_box = QWidget()
        self.comparison_box.setObjectName("comparison_results")
        box = QVBoxLayout(self.comparison_box)
        box.setContentsMargins(0, 4, 0, 4)
        self.second_summary = text_label(object_name="second_summary")
        box.addWidget(self.second_summary)
        self.mcnemar_line = text_label(object_name="mcnemar")
        box.addWidget(self.mcnemar_line)
        self.comparison_box.hide()
        layout.addWidget(self.comparison_box)
        page = QWidget()
        disagreeing = QVBoxLayout(page)
        disagreeing.setContentsMargins(0, 4, 0, 0)
        self.disagreements_caption = text_label(object_name="disagreements_caption")
        disagreeing.addWidget(self.disagreements_caption)
        self.disagreements = thumbnail_grid(QListWidget(), "disagreements", THUMBNAIL)
        self.disagreements.itemClicked.connect(self._place_disagreement)
        self.disagreements.itemActivated.connect(self._place_disagreement)
        disagreeing.addWidget(self.disagreements, 1)
        self.disagreements_page = page

    def _build_matrix(self) -> QTableWidget:
        table = QTableWidget(NUM_CLASSES, NUM_CLASSES + 1)
        table.setObjectName("confusion_matrix")
        table.setHorizontalHeaderLabels([str(d) for d in range(NUM_CLASSES)] + [self.tr("% right")])
        table.setVerticalHeaderLabels([str(d) for d in range(NUM_CLASSES)])
        table.horizontalHeaderItem(ACCURACY_COLUMN).setToolTip(
            self.tr("The share of each true digit read right; click for the ones read wrong"))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        table.setCornerButtonEnabled(False)
        font = QFont(table.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)  # four-digit counts fit a narrow dock
        table.setFont(font)
        columns = table.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        columns.setSectionResizeMode(ACCURACY_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        columns.setMinimumSectionSize(24)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setFixedHeight(columns.sizeHint().height() + NUM_CLASSES * ROW_HEIGHT
                             + 2 * table.frameWidth())
        table.setToolTip(self.tr("Rows: the true digit. Columns: what the network read."))
        table.cellClicked.connect(self.show_cell)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.setStyleSheet("QTableWidget { gridline-color: #e2e8f0; }"
                            "QTableWidget::item { padding: 0px; }"
                            "QTableWidget::item:selected { background: #2b6cb0; color: white; }")
        return table

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier) -> None:
        if self.result is not None and classifier.model is not self.evaluated_model:
            self.status.setText(self.tr("The weights have changed since this evaluation: "
                                        "Evaluate again to measure the current ones."))

    def weights_edited(self, edited: frozenset[str]) -> None:
        """A what-if edit changed the weights in place (a save changes none)."""
        if self.result is not None and edited:
            self.status.setText(self.tr("The weights have changed since this evaluation: "
                                        "Evaluate again to measure the current ones."))

    def set_second(self, second) -> None:
        """Another second network (or none): the comparison shown no longer fits it."""
        if self.result is None or second is self.evaluated_second:
            return
        if second is None:
            self.status.setText(self.tr("One network reads the drawing now: Evaluate "
                                        "again to measure it alone."))
        else:
            self.status.setText(self.tr("Evaluate again to compare with {name}.").format(
                name=html.escape(second.name)))

    def show_prediction(self, prediction) -> None:
        pass  # about the test set, not the drawing

    def present(self) -> None:
        """Show the dock in front and evaluate the current weights (with the second
        network, while comparing) unless that is done."""
        bring_forward(self)
        done = (self.evaluated_model is self.session.classifier.model
                and self.evaluated_second is self.session.second)
        if not done and not self.session.jobs.busy:
            self.start()

    # ------------------------------------------------------------------ running

    def start(self) -> bool:
        if self.set_choice.currentData() == MY_SET:
            return self.start_my_digits()
        missing = missing_mnist_message()
        if missing:
            self.status.setText(missing)
            return False
        classifier = self.session.classifier
        model = classifier.model
        which = self.set_choice.currentData()
        if which == DRAWN_SET and unipen_dir() is None:
            self.status.setText(self.tr("The drawn digits need the UNIPEN pen data: set "
                                        "<code>DIGITPAD_UNIPEN</code> to its folder."))
            return False
        second = self.session.second
        stages = {"tracing": self.tr("Tracing MNIST's 10,000 test digits into strokes (once)…"),
                  "drawing": self.tr("Drawing some 14,000 digits on the pad…"),
                  "first": (self.tr("Reading the 10,000 test digits, as they are and distorted…")
                            if which == MNIST_SET else self.tr("Reading them…")),
                  "second": self.tr("Reading them with {name}…").format(
                      name=second.name if second else "")}
        if second is not None and which == MNIST_SET:
            stages["first"] = self.tr("Reading the 10,000 test digits with the live network…")
        work = evaluation_work(fresh_copy(model), str(classifier.device), which,
                               fresh_copy(second.model) if second is not None else None, stages)
        started = self.session.jobs.start(
            work, lambda item: self._event(model, second, item), self._finished, self._failed)
        if not started:
            self.status.setText(self.tr("Busy with another job; try again when it is done."))
            return False
        self._show_stage(Stage(stages["first" if which == MNIST_SET else "drawing"], 0.0))
        return True

    def _event(self, model, second, item) -> None:
        if isinstance(item, Stage):
            self._show_stage(item)
        else:
            self._show_result(model, *item, second=second)

    def _show_stage(self, stage: Stage) -> None:
        self.status.setText(stage.text)
        self.progress.setValue(round(100 * stage.done))
        self.progress.show()

    def start_my_digits(self) -> bool:
        """Evaluate on the drawings kept in My Digits (no MNIST needed)."""
        collection = self.session.collection
        if collection is None:
            self.status.setText(self.tr("My Digits is off: {reason}").format(
                reason=self.session.collection_error))
            return False
        try:
            drawings = collection.drawings()
        except CollectionError as exc:
            self.status.setText(self.tr("Cannot read My Digits: {reason}").format(reason=exc))
            return False
        if not drawings:
            self.status.setText(self.tr("My Digits is empty: keep some drawings first."))
            return False
        classifier = self.session.classifier
        model = classifier.model
        second = self.session.second
        work = my_digits_work(fresh_copy(model), str(classifier.device), drawings,
                              fresh_copy(second.model) if second is not None else None)
        if not self.session.jobs.start(work, lambda item: self._event(model, second, item),
                                       self._finished, self._failed):
            self.status.setText(self.tr("Busy with another job; try again when it is done."))
            return False
        self.status.setText(self.tr("Reading your {count:,} drawings…").format(count=len(drawings)))
        return True

    def _finished(self, completed: bool) -> None:
        self.progress.hide()
        self._update_controls()

    def _failed(self, message: str) -> None:
        self.status.setText(self.tr("The evaluation failed: {message}").format(message=message))

    def _update_controls(self) -> None:
        self.evaluate_button.setEnabled(not self.session.jobs.busy)

    # ------------------------------------------------------------------ results

    def _show_result(self, model, result: Evaluation | DrawnEvaluation | CollectionEvaluation,
                     test_set, comparison: Comparison | None = None, second=None) -> None:
        self.result, self.test_set, self.evaluated_model = result, test_set, model
        self.comparison, self.evaluated_second = comparison, second
        self._show_comparison()
        if isinstance(result, CollectionEvaluation):
            self._show_my_digits_summary(model, result)
        elif isinstance(result, DrawnEvaluation):
            self._show_drawn_summary(model, result)
        else:
            self._show_mnist_summary(model, result)
        self._fill_matrix(result)
        self.shown_cell = None
        off_diagonal = result.confusion - np.diag(np.diag(result.confusion))
        if off_diagonal.any():  # start with the most common confusion
            true, read = np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)
            self.show_cell(int(true), int(read))

    def _show_drawn_summary(self, model, result: DrawnEvaluation) -> None:
        sizes = [accuracy for _, accuracy, _ in result.per_size]
        self.summary.setText(self.tr(
            "<span style='font-size:15pt; font-weight:600'>{accuracy:.2f} %</span> right · "
            "<span style='font-size:11pt'>{low:.1f}–{high:.1f} %</span> by drawing size").format(
            accuracy=100 * result.accuracy, low=100 * min(sizes), high=100 * max(sizes)))
        self.summary.setToolTip("\n".join(
            [f"{name}: {100 * accuracy:.2f} %" for name, accuracy in result.per_set.items()]
            + [self.tr("size {bucket}: {accuracy:.2f} %").format(bucket=b, accuracy=100 * a)
               for b, a, _ in result.per_size]
            + [self.tr("brush {bucket}: {accuracy:.2f} %").format(bucket=b, accuracy=100 * a)
               for b, a, _ in result.per_brush]))
        self.status.setText(self.tr("{arch} · {weights} · {count:,} drawn digits").format(
            arch=display_name(model), weights=self.session.source_name(), count=result.count))

    def _show_my_digits_summary(self, model, result: CollectionEvaluation) -> None:
        held_out = (self.tr("{accuracy:.1f} % on the {count:,} held out").format(
            accuracy=100 * result.held_out_accuracy, count=result.held_out_count)
            if result.held_out_accuracy is not None else self.tr("none held out yet"))
        self.summary.setText(self.tr(
            "<span style='font-size:15pt; font-weight:600'>{accuracy:.2f} %</span> right · "
            "<span style='font-size:11pt'>{held_out}</span>").format(
            accuracy=100 * result.accuracy, held_out=held_out))
        self.summary.setToolTip(self.tr("Held out: the part of your drawings training never uses, "
                                        "so it shows whether the network learnt your handwriting"))
        self.status.setText(self.tr("{arch} · {weights} · {count:,} of your drawings").format(
            arch=display_name(model), weights=self.session.source_name(), count=result.count))

    def _show_mnist_summary(self, model, result: Evaluation) -> None:
        self.summary.setText(self.tr(
            "<span style='font-size:15pt; font-weight:600'>{accuracy:.2f} %</span> right · "
            "<span style='font-size:11pt'>{perturbed:.1f} %</span> on distorted digits").format(
            accuracy=100 * result.accuracy, perturbed=100 * result.perturbed_accuracy))
        self.summary.setToolTip(self.tr("Distorted: the test digits shifted, scaled, rotated, "
                                        "slanted, thicker or thinner ({how})").format(
            how=describe_augmentation(result.perturbation)))
        self.status.setText(self.tr("{arch} · {weights} · {count:,} MNIST test digits").format(
            arch=display_name(model), weights=self.session.source_name(), count=result.count))

    def _fill_matrix(self, result: Evaluation) -> None:
        confusion = result.confusion
        off_diagonal = confusion - np.diag(np.diag(confusion))
        scale = math.log1p(max(1, int(off_diagonal.max())))
        for true in range(NUM_CLASSES):
            for read in range(NUM_CLASSES):
                count = int(confusion[true, read])
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if true == read:
                    item.setBackground(QBrush(RIGHT))
                    item.setForeground(QBrush(RIGHT_TEXT))
                    item.setToolTip(self.tr("{count:,} test digits {true} read right").format(
                        count=count, true=true))
                else:
                    if count:
                        colour = QColor(WRONG)
                        colour.setAlphaF(0.15 + 0.75 * math.log1p(count) / scale)
                        item.setBackground(QBrush(colour))
                    item.setToolTip(self.tr("{count:,} test digits {true} read as {read}").format(
                        count=count, true=true, read=read))
                self.matrix.setItem(true, read, item)
            share = result.per_class[true]
            if share is None:  # none of this digit among the user's drawings
                self.matrix.setItem(true, ACCURACY_COLUMN, QTableWidgetItem("–"))
                continue
            item = QTableWidgetItem(f"{100 * share:.1f}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setBackground(QBrush(NEUTRAL))
            item.setToolTip(self.tr("{share:.2f} % of the test digits {true} read right").format(
                share=100 * result.per_class[true], true=true))
            self.matrix.setItem(true, ACCURACY_COLUMN, item)

    def examples_of(self, true: int, read: int | None) -> np.ndarray:
        """Indices of the test digits ``true`` read as ``read`` (None: read wrong)."""
        labels, predictions = self.test_set.labels, self.result.predictions
        chosen = (predictions != true) if read is None else (predictions == read)
        return np.flatnonzero((labels == true) & chosen)

    def show_cell(self, true: int, read: int) -> None:
        """List the test digits of one cell (the accuracy column: the row's misreadings)."""
        if self.result is None:
            return
        which = None if read == ACCURACY_COLUMN else read
        self.matrix.setCurrentCell(true, read)
        self.shown_cell = (true, which)
        indices = self.examples_of(true, which)
        self.examples.clear()
        for index in indices[:MAX_EXAMPLES]:
            item = QListWidgetItem(thumbnail(self.test_set.images[index]), "")
            item.setData(Qt.ItemDataRole.UserRole, int(index))
            item.setToolTip(self.tr("Test digit #{index}: a {true}, read as {read}").format(
                index=int(index), true=true, read=int(self.result.predictions[index])))
            self.examples.addItem(item)
        if which is None:
            what = self.tr("{count:,} test digits {true} read wrong").format(count=len(indices), true=true)
        elif which == true:
            what = self.tr("{count:,} test digits {true} read right").format(count=len(indices), true=true)
        else:
            what = self.tr("{count:,} test digits {true} read as {read}").format(
                count=len(indices), true=true, read=which)
        if len(indices) > MAX_EXAMPLES:
            what += self.tr(" (the first {shown})").format(shown=MAX_EXAMPLES)
        hint = self.tr("click one to put it on the pad") if len(indices) else ""
        self.examples_caption.setText(f"<b>{what}</b>" + (f" · {hint}" if hint else ""))

    def _place_example(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        self.place_digit_requested.emit(self.test_set.images[index])
        self.status_message.emit(self.tr(
            "Test digit #{index} (a {true}, read as {read} in the evaluation) is on the pad; "
            "Undo brings your drawing back.").format(
            index=index, true=int(self.test_set.labels[index]),
            read=int(self.result.predictions[index])))

    # ------------------------------------------------------------------ two networks

    def _show_comparison(self) -> None:
        comparison, second = self.comparison, self.evaluated_second
        self.comparison_box.setVisible(comparison is not None)
        self.disagreements.clear()
        page = self.pages.indexOf(self.disagreements_page)
        if comparison is None:
            if page >= 0:
                self.pages.removeTab(page)
            self.pages.tabBar().hide()
            return
        if page < 0:
            self.pages.addTab(self.disagreements_page, self.tr("Where they disagree"))
        self.pages.tabBar().show()
        self.pages.setCurrentWidget(self.disagreements_page)  # what a comparison is for
        pairs = comparison.pairs
        self.second_summary.setText(self.tr(
            "<span style='color:{colour}'>■</span> <b>{name}</b>: "
            "<span style='font-size:13pt; font-weight:600'>{second:.2f} %</span> right, "
            "the live network {first:.2f} %").format(
            colour=SECOND, name=html.escape(second.name), second=100 * pairs.second_accuracy,
            first=100 * pairs.first_accuracy))
        self.mcnemar_line.setText(self.describe_test(pairs.test, second.name))
        self.mcnemar_line.setToolTip(self.tr(
            "McNemar's test on the paired results: b = {b:,} digits only the live network "
            "reads right, c = {c:,} only {name} reads right ({method})").format(
            b=pairs.b, c=pairs.c, name=html.escape(second.name), method=self.method_words(pairs.test)))
        indices = pairs.disagreements
        for index in indices[:MAX_DISAGREEMENTS]:
            item = QListWidgetItem(thumbnail(self.test_set.images[index]), "")
            item.setData(Qt.ItemDataRole.UserRole, int(index))
            item.setToolTip(self.disagreement_words(int(index)))
            self.disagreements.addItem(item)
        what = self.tr("They read {count:,} digits differently").format(count=len(indices))
        if len(indices) > MAX_DISAGREEMENTS:
            what += self.tr(" (the first {shown})").format(shown=MAX_DISAGREEMENTS)
        hint = self.tr("click one to put it on the pad") if len(indices) else ""
        self.disagreements_caption.setText(f"<b>{what}</b>" + (f" · {hint}" if hint else ""))

    def method_words(self, test: McNemar) -> str:
        if test.statistic is None:
            return self.tr("the exact binomial test, as b + c is small")
        return self.tr("the chi-square test with continuity correction, χ² = {statistic:.2f}").format(
            statistic=test.statistic)

    def describe_test(self, test: McNemar, name: str) -> str:
        """McNemar's verdict in plain words."""
        if test.b + test.c == 0:
            return self.tr("Every digit one network reads right the other does too: no "
                           "difference to test.")
        p = html.escape(p_value_text(test.p_value))  # "p < 0.001" in rich text
        if test.more_than_chance:
            better = self.tr("the live network") if test.b > test.c else html.escape(name)
            return self.tr("The difference is likely more than chance ({p}): {better} "
                           "reads better here.").format(p=p, better=better)
        return self.tr("The difference could well be chance ({p}).").format(p=p)

    def disagreement_words(self, index: int) -> str:
        pairs = self.comparison.pairs
        return self.tr("A {true}: the live network reads {first}, {name} reads {second}").format(
            true=int(pairs.labels[index]), first=reading_text(pairs.first[index]),
            name=self.evaluated_second.name, second=reading_text(pairs.second[index]))

    def _place_disagreement(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        self.place_digit_requested.emit(self.test_set.images[index])
        self.status_message.emit(self.tr(
            "{what} in the evaluation: it is on the pad; Undo brings your drawing back.").format(
            what=self.disagreement_words(index)))

    def _show_nothing_yet(self) -> None:
        self.summary.setText(self.tr("<span style='color:{muted}'>Not evaluated yet</span>").format(
            muted=EXPLAINING))
        self.status.setText(missing_mnist_message() or self.tr(
            "Measure the current weights on the 10,000 MNIST test digits they never trained on."))
        self.examples_caption.setText(self.tr("Click a cell of the matrix to see its digits."))


def p_value_text(p: float) -> str:
    """A p-value as people quote it: "p = 0.003", or "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def reading_text(digit) -> str:
    """What a network read: the digit, or a dash where it found no digit."""
    return "–" if int(digit) < 0 else str(int(digit))

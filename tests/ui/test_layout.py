"""The window's layout at common screen sizes, in English and in Chinese, with either
network: no text without the room its font needs, every dock on screen or one click away,
the docks sharing the window as it shrinks and grows, and saved layouts of an older
version left alone.

The docks are found by walking the window (QDockWidget children), so a new dock is
checked without a change here. Chinese needs a CJK font for real metrics: without one
(fonts-noto-cjk, which `make test` installs) the Chinese half is skipped, saying so."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QStyle, QTabBar, QTreeView, QTreeWidget, QTreeWidgetItem

from digitpad.models import MODEL_SPECS
from digitpad.networks import forget
from digitpad.samples import sample
from digitpad.ui.canvas import draw_strokes
from digitpad.ui.dock_layout import SIDE_AREAS, area_extent, contents_of
from digitpad.ui.main_window import DEFAULT_SIZE, WINDOW_STATE_VERSION
from digitpad.ui.panels.parameters import TREE_NAME, TREE_SHAPE, TREE_TYPE
from digitpad.ui.translation import LANGUAGE_KEY, install_language, remove_translators

from .layout_support import cut_texts, item_problems, on_screen, unreachable_docks

SIZES = [(800, 600), (1280, 800), (1366, 768), (1920, 1080)]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LEFT, RIGHT = SIDE_AREAS


def settle(rounds: int = 8) -> None:
    for _ in range(rounds):  # the layout, then the docks' balancing after it
        QApplication.processEvents()


def has_cjk_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


@pytest.fixture(params=["en", "zh_CN"])
def language_window(request, settings):
    """The window as the app makes it, in each language."""
    if request.param == "zh_CN" and not has_cjk_font():
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk): Chinese text "
                    "would be measured in a fallback font without its real metrics")
    settings.setValue(LANGUAGE_KEY, request.param)
    translators = install_language(settings)
    try:
        if request.param != "en":
            assert translators, f"the {request.param} translation did not load"
        yield request.getfixturevalue("window")
    finally:
        remove_translators(translators)


def open_docks(window) -> list[QDockWidget]:
    return [dock for dock in window.findChildren(QDockWidget) if not dock.isHidden()]


def problems_at(window, size) -> list[str]:
    window.resize(*size)
    settle()
    found = []
    if window.size().toTuple() != size:
        found.append(f"the window cannot be {size}: it stays {window.size().toTuple()}, "
                     f"its minimum is {window.minimumSizeHint().toTuple()}")
    found += [f"cut: {where} {text!r}: {why}" for where, text, why in cut_texts(window)]
    found += [f"unreachable: {dock}: {why}" for dock, why in unreachable_docks(window)]
    return [f"{size}: {problem}" for problem in found]


def scrolling_docks(window) -> list[str]:
    """Docks on screen whose contents do not fit them."""
    found = []
    for dock in open_docks(window):
        scroller = dock.widget()
        if on_screen(dock) and (scroller.verticalScrollBar().isVisible()
                                or scroller.horizontalScrollBar().isVisible()):
            found.append(f"{dock.objectName()}: {scroller.viewport().size().toTuple()} for "
                         f"{contents_of(dock).minimumSizeHint().toTuple()}")
    return found


def columns_cut(table, titles: list[str]) -> list[str]:
    """Of the columns titled ``titles``, those not whole in the table's (or tree's) view."""
    header = table.header() if isinstance(table, QTreeView) else table.horizontalHeader()
    view = table.viewport().width()
    found = []
    for section in range(header.count()):
        title = table.model().headerData(section, Qt.Orientation.Horizontal)
        if title in titles:
            left = header.sectionViewportPosition(section)
            if left < 0 or left + header.sectionSize(section) > view:
                found.append(title)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["SimpleCNN", "DeepCNN"])
def test_every_text_fits_and_every_dock_is_reachable(language_window, arch, qtbot):
    window = language_window
    if arch != window.session.live().arch:
        window.set_architecture(arch)
    for stroke in sample(3).strokes:  # the texts of a reading too: evidence, certainty…
        draw_strokes(window.canvas, [stroke])
    qtbot.waitUntil(lambda: window.session.prediction is not None
                    and window.session.prediction.has_digit)
    parameters = window.parameters
    found = []
    for size in SIZES:
        found += problems_at(window, size)
        if size[0] >= DEFAULT_SIZE[0]:  # room enough that nothing needs to scroll
            found += [f"{size}: scrolls: {dock}" for dock in scrolling_docks(window)]
        parameters.raise_()  # behind the network view's tab: its table as shown
        settle()
        found += [f"{size}: parameters: {problem}" for problem in problems_at(window, size)]
        parameters.tabs.setCurrentWidget(parameters.tree)  # the Modules tree, each cell
        settle()
        found += [f"{size}: modules: {problem}" for problem in problems_at(window, size)]
        if size[0] >= DEFAULT_SIZE[0]:  # whole in view, no scrolling sideways
            table, tree = parameters.table, parameters.tree
            found += [f"{size}: parameters column {title!r} not whole"
                      for title in columns_cut(table, [table.model().headerData(
                          column, Qt.Orientation.Horizontal) for column in (3, 4)])]
            found += [f"{size}: modules column {title!r} not whole"
                      for title in columns_cut(tree, [tree.headerItem().text(column) for column in (
                          TREE_NAME, TREE_TYPE, TREE_SHAPE)])]
        parameters.tabs.setCurrentIndex(0)
        window.network_view.raise_()
    parameters.tabs.setCurrentWidget(parameters.tree)  # below, each dock in front: the tree too
    # Every dock open (Train, Correct It, Evaluate, My Digits and any other), each in turn
    # brought forward: still nothing cut, every dock reachable, 800 x 600 still fits.
    for dock in window.findChildren(QDockWidget):
        dock.show()
    for dock in window.findChildren(QDockWidget):
        dock.raise_()
        settle(2)
        for size in SIZES:
            found += [f"all open, {dock.objectName()} in front: {problem}"
                      for problem in problems_at(window, size)]
    assert found == [], "\n".join(found)


def scroll_bars_shown(dock) -> list[str]:
    scroller = dock.widget()
    return [name for name, bar in (("vertical", scroller.verticalScrollBar()),
                                   ("horizontal", scroller.horizontalScrollBar())) if bar.isVisible()]


def test_the_prediction_fits_its_dock_in_a_window_of_800_by_600(language_window, qtbot):
    window = language_window
    panel = window.probabilities
    window.resize(800, 600)
    settle()
    assert on_screen(panel)
    assert scroll_bars_shown(panel) == [], f"an empty pad: {panel.room()} px high"
    for stroke in sample(5).strokes:
        draw_strokes(window.canvas, [stroke])
    qtbot.waitUntil(lambda: window.session.prediction is not None
                    and window.session.prediction.has_digit)
    settle()
    assert scroll_bars_shown(panel) == [], f"a reading: {panel.room()} px high"
    assert [cut for cut in cut_texts(window) if cut[0].startswith("probabilities/")] == []
    chart, view = panel.plot, panel.widget().viewport()
    assert view.rect().contains(QRect(chart.mapTo(view, QPoint(0, 0)), chart.size()))  # all of it
    window.resize(*DEFAULT_SIZE)  # room again: the roomy reading, its big digit
    settle()
    assert panel.digit_label.font().pixelSize() >= 72 and scroll_bars_shown(panel) == []


def side_widths(window) -> tuple[int, int]:
    return area_extent(window, LEFT), area_extent(window, RIGHT)


def test_docks_share_the_window_as_it_shrinks_and_grows(window):
    window.resize(*DEFAULT_SIZE)
    settle()
    default = side_widths(window)
    assert min(default) >= 380
    window.resize(800, 600)
    settle()
    small = side_widths(window)
    assert max(small) < min(default) - 100  # the docks gave room to the pad
    window.resize(*DEFAULT_SIZE)
    settle()
    back = side_widths(window)
    assert all(abs(a - b) <= 2 for a, b in zip(back, default)), (default, small, back)
    window.resize(1920, 1080)
    settle()
    large = side_widths(window)
    for width, before in zip(large, default):  # the new room is shared, not all the pad's
        assert width == pytest.approx(before * 1920 / DEFAULT_SIZE[0], abs=4)


def test_a_separator_dragged_by_the_user_is_kept_through_resizes(window, qtbot):
    window.resize(*DEFAULT_SIZE)
    settle()
    left, _ = side_widths(window)
    separator = window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent,
                                           None, window)
    grip = QPoint(left + separator // 2, window.centralWidget().geometry().center().y())
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grip)
    for step in range(1, 9):
        QTest.mouseMove(window, grip - QPoint(10 * step, 0))
        settle(2)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       grip - QPoint(80, 0))
    settle()
    dragged, _ = side_widths(window)
    assert dragged == pytest.approx(left - 80, abs=3)
    window.resize(800, 600)
    settle()
    window.resize(*DEFAULT_SIZE)
    settle()
    assert side_widths(window)[0] == pytest.approx(dragged, abs=2)


def reopened(settings, trained_weights, qtbot):
    from digitpad.ui.main_window import MainWindow

    again = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(again)
    again.show()
    settle()
    return again


def test_a_saved_layout_comes_back_and_an_older_version_is_left_alone(
        window, settings, trained_weights, qtbot):
    window.training.present()
    settle()
    assert window.training in window.tabifiedDockWidgets(window.parameters)
    window.training.close()
    window.evidence.close()
    window.write_settings()
    again = reopened(settings, trained_weights, qtbot)
    assert again.evidence.isHidden()  # the user's layout, as left
    again.close()

    # A state saved by the layout before this version (version 0): the default instead.
    window.evidence.show()
    window.removeDockWidget(window.training)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.training)
    window.training.show()
    settings.setValue("window_state", window.saveState(WINDOW_STATE_VERSION - 1))
    again = reopened(settings, trained_weights, qtbot)
    assert again.training.isHidden() and not again.evidence.isHidden()
    again.training.present()
    settle()
    assert again.training in again.tabifiedDockWidgets(again.parameters)


def duplicate_tab_bars(window) -> list[str]:
    """Dock titles shown by more than one of the window's tab bars (a tab bar left over
    from an earlier layout, drawn over the docks)."""
    titles = Counter()
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window and bar.isVisible() and window.rect().intersects(bar.geometry()):
            titles.update(bar.tabText(index) for index in range(bar.count()))
    return sorted(title for title, bars in titles.items() if bars > 1)


@pytest.fixture
def registry_as_it_was():
    """Networks opened by a test are forgotten after it (later windows would list them)."""
    before = set(MODEL_SPECS)
    yield
    for name in set(MODEL_SPECS) - before:
        forget(name)


def test_every_tab_group_has_one_tab_bar_through_layout_changes(
        window, settings, trained_weights, qtbot, registry_as_it_was):
    # settle() runs no event loop, as a script driving the window would not: a tab bar
    # Qt retired but only deletes later would still be on screen.
    settle()
    assert duplicate_tab_bars(window) == [], "as first shown"
    assert window.networks.open(EXAMPLES / "lenet5.py", "LeNet5", ask=False)
    settle()
    assert duplicate_tab_bars(window) == [], "after opening a network"
    window.network_focus.set_active(True)
    settle()
    window.network_focus.set_active(False)  # the layout from before, restored
    settle()
    assert duplicate_tab_bars(window) == [], "after the network view's full window"
    window.write_settings()
    again = reopened(settings, trained_weights, qtbot)  # the saved layout restored
    assert duplicate_tab_bars(again) == [], "a saved layout, restored"


def test_a_cell_narrower_than_its_text_is_found(qtbot):
    tree = QTreeWidget()
    qtbot.addWidget(tree)
    tree.setHeaderLabels(["name", "shape"])
    parent = QTreeWidgetItem(tree, ["classifier", "[1, 10]"])
    QTreeWidgetItem(parent, ["num_batches_tracked", "[1, 32, 28, 28]"])
    tree.expandAll()
    tree.show()
    tree.setColumnWidth(0, 60)  # the child's name, one level in, cannot fit
    tree.setColumnWidth(1, 200)
    settle()
    assert [text for text, _ in item_problems(tree)] == ["classifier", "num_batches_tracked"]
    tree.resizeColumnToContents(0)
    settle()
    assert list(item_problems(tree)) == []
    tree.setIndentation(tree.indentation() + 40)  # the indentation counts too
    settle()
    assert [text for text, _ in item_problems(tree)] == ["num_batches_tracked"]

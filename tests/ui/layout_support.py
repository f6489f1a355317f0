"""What the layout tests read off a window as laid out: texts that do not get the room
their font needs (cut, elided or hidden under something), and docks that are neither on
screen nor one click away behind a tab.

Every measure compares the font's metrics with the space the widget was given, the way
the style lays the text out: a label's size hint (or its height for its width when it
wraps), a push button's contents rectangle, a tab's rectangle less the style's padding, a
header section less its margins, a tree's or table's cell less the item's margins (and a
tree's indentation), a dock's title bar less its buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QToolButton,
    QTreeView,
    QWidget,
)

from digitpad.ui.dock_layout import DOCK_FLOOR, DockScroller, contents_of
from digitpad.ui.widgets import Caption, Meter

SLACK = 1  # px: rounding between the font's advances and the style's integer rectangles


def plain(text: str) -> str:
    """The text as drawn: a mnemonic's ``&`` gone, ``&&`` kept as one."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def on_screen(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def where(widget: QWidget) -> str:
    """The widget's name and the dock it is in, for the report."""
    name = widget.objectName() or type(widget).__name__
    owner = widget.parent()
    while owner is not None and not isinstance(owner, QDockWidget):
        owner = owner.parent()
    return f"{owner.objectName()}/{name}" if owner is not None else name


def hidden_by_an_edge(widget: QWidget) -> bool:
    """Part of ``widget`` lies outside a widget it is in (a dock squeezed shorter than its
    contents, the window's edge), not counting a scroll area's view, which scrolls to it."""
    rect = widget.rect()
    child = widget
    parent = widget.parentWidget()
    while parent is not None:
        rect = QRect(child.mapTo(parent, rect.topLeft()), rect.size())
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and \
                parent is parent.parentWidget().viewport():
            return False
        if not parent.rect().contains(rect):
            return True
        if parent.isWindow():
            return False
        child, parent = parent, parent.parentWidget()
    return False


def label_problem(label: QLabel) -> str | None:
    if not label.text() or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    need = label.minimumSizeHint() if label.wordWrap() else label.sizeHint()
    if label.width() + SLACK < need.width():
        return f"{label.width()} px wide, needs {need.width()}"
    height = label.heightForWidth(label.width()) if label.wordWrap() else need.height()
    if label.height() + SLACK < height:
        return f"{label.height()} px high, needs {height}"
    return None


def button_problem(button: QAbstractButton) -> str | None:
    text = plain(button.text())
    if not text:
        return None
    metrics = button.fontMetrics()
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        option.initFrom(button)
        option.text = button.text()
        space = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option,
                                              button).width()
        need = metrics.horizontalAdvance(text)
        if not button.icon().isNull():
            need += button.iconSize().width() + 4
    elif isinstance(button, QToolButton):  # the text in the middle, inside the frame
        frame = button.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, button)
        space = button.width() - 2 * frame
        need = metrics.horizontalAdvance(text)
        if button.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonTextOnly and not button.icon().isNull():
            need += button.iconSize().width()
    elif isinstance(button, (QCheckBox, QRadioButton)):
        space, need = button.width(), button.sizeHint().width()
    else:
        space, need = button.width(), metrics.horizontalAdvance(text)
    if space + SLACK < need:
        return f"{space} px for the text, needs {need}"
    return None


def tab_problems(bar: QTabBar):
    style = bar.style()
    padding = style.pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    vertical = bar.shape() in (QTabBar.Shape.RoundedWest, QTabBar.Shape.RoundedEast,
                               QTabBar.Shape.TriangularWest, QTabBar.Shape.TriangularEast)
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = plain(bar.tabText(index))
        rect = bar.tabRect(index)
        length = rect.height() if vertical else rect.width()
        need = bar.fontMetrics().horizontalAdvance(text) + padding
        if length + SLACK < need:
            yield text, f"tab {length} px long, needs {need}"
        elif not bar.rect().contains(rect):
            yield text, "tab outside its bar (scrolled away)"


def header_problems(header: QHeaderView):
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    model = header.model()
    if model is None or header.orientation().name != "Horizontal":
        return
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, header.orientation())
        if not isinstance(text, str) or not text:
            continue
        need = header.fontMetrics().horizontalAdvance(text) + 2 * margin
        if header.sectionSize(section) + SLACK < need:
            yield text, f"column {header.sectionSize(section)} px wide, needs {need}"


def shown_rows(view: QAbstractItemView, parent: QModelIndex = QModelIndex()):
    """The first cell of every row a tree or table shows (a tree's expanded ones)."""
    model = view.model()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if isinstance(view, QTableView) and view.isRowHidden(row) or \
                isinstance(view, QTreeView) and view.isRowHidden(row, parent):
            continue
        yield index
        if isinstance(view, QTreeView) and view.isExpanded(index):
            yield from shown_rows(view, index)


def item_problems(view: QAbstractItemView):
    """Cells of a tree or table whose text is wider than its column leaves it (elided),
    whether scrolled into view or not."""
    model = view.model()
    if model is None:
        return
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    for first in shown_rows(view):
        for column in range(model.columnCount(first.parent())):
            if view.isColumnHidden(column):
                continue
            index = first.siblingAtColumn(column)
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is None or str(text) == "":
                continue
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
            need = metrics.horizontalAdvance(str(text)) + 2 * margin
            if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                need += view.iconSize().width() + 2 * margin
            space = view.visualRect(index).width()  # a tree's indentation already left out
            if space + SLACK < need:
                yield str(text), f"cell {space} px wide, needs {need}"


def caption_problem(caption: Caption) -> str | None:
    document = QTextDocument()
    document.setDefaultFont(caption.font())
    document.setHtml(caption.text())
    document.setTextWidth(caption.width())
    need = document.size().height()
    if caption.height() + SLACK < need:
        return f"{caption.height()} px high, needs {need:.0f}"
    return None


def meter_problem(meter: Meter) -> str | None:
    need = meter.fontMetrics().horizontalAdvance(meter.text()) + 4
    if meter.width() + SLACK < need:
        return f"{meter.width()} px wide, needs {need}"
    return None


def combo_problem(box: QComboBox) -> str | None:
    option = QStyleOptionComboBox()
    option.initFrom(box)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    need = box.fontMetrics().horizontalAdvance(box.currentText())
    if field.width() + SLACK < need:
        return f"{field.width()} px for the text, needs {need}"
    return None


def dock_title_problem(dock: QDockWidget) -> str | None:
    """A dock's title bar: its text, the float and close buttons beside it."""
    if dock.titleBarWidget() is not None:
        return None
    style = dock.style()
    buttons = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_DockWidgetTitleBarButtonMargin, None, dock)
                   + dock.fontMetrics().height())
    margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_DockWidgetTitleMargin, None, dock)
    need = dock.fontMetrics().horizontalAdvance(dock.windowTitle()) + buttons + margin
    if dock.width() + SLACK < need:
        return f"{dock.width()} px for the title bar, needs {need}"
    return None


def tabbed(window: QMainWindow, dock: QDockWidget) -> bool:
    return bool(window.tabifiedDockWidgets(dock))


def cut_texts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, text, why) for every text on screen in ``window`` without the room it needs."""
    found = []
    for widget in window.findChildren(QWidget):
        if not on_screen(widget):
            continue
        problem, text = None, ""
        if isinstance(widget, QLabel):
            text, problem = widget.text(), label_problem(widget)
        elif isinstance(widget, QAbstractButton):
            text, problem = widget.text(), button_problem(widget)
        elif isinstance(widget, Caption):
            text, problem = widget.text(), caption_problem(widget)
        elif isinstance(widget, Meter):
            text, problem = widget.text(), meter_problem(widget)
        elif isinstance(widget, QComboBox):
            text, problem = widget.currentText(), combo_problem(widget)
        elif isinstance(widget, QDockWidget) and not widget.isFloating() and not tabbed(window, widget):
            text, problem = widget.windowTitle(), dock_title_problem(widget)
        elif isinstance(widget, QTabBar):
            found.extend((where(widget), tab, why) for tab, why in tab_problems(widget))
        elif isinstance(widget, QHeaderView):
            found.extend((where(widget), title, why) for title, why in header_problems(widget))
        elif isinstance(widget, (QTreeView, QTableView)):
            found.extend((where(widget), text, why) for text, why in item_problems(widget))
        if problem is None and text and not isinstance(widget, QDockWidget) \
                and hidden_by_an_edge(widget):
            problem = "partly outside what holds it"
        if problem is not None:
            found.append((where(widget), text, problem))
    return found


def tab_bar_showing(window: QMainWindow, title: str) -> QTabBar | None:
    """The window's dock tab bar on screen with a whole tab titled ``title``."""
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not on_screen(bar):
            continue
        inside = window.rect().contains(QRect(bar.mapTo(window, bar.rect().topLeft()), bar.size()))
        for index in range(bar.count()):
            if bar.tabText(index) == title and inside and bar.rect().contains(bar.tabRect(index)):
                return bar
    return None


def unreachable_docks(window: QMainWindow) -> list[tuple[str, str]]:
    """(dock, why) for each open dock neither on screen at its floor size nor behind a tab
    of a tab bar on screen."""
    found = []
    for dock in window.findChildren(QDockWidget):
        if dock.isHidden() or dock.isFloating():
            continue
        if on_screen(dock):
            inside = window.rect().contains(QRect(dock.mapTo(window, dock.rect().topLeft()),
                                                  dock.size()))
            scroller = dock.widget()
            contents = contents_of(dock)
            floor = contents.minimumSizeHint().boundedTo(DOCK_FLOOR)
            if not isinstance(scroller, DockScroller):
                found.append((dock.objectName(), "its contents do not scroll"))
            elif not inside:
                found.append((dock.objectName(), "partly outside the window"))
            elif scroller.viewport().width() + SLACK < floor.width() or \
                    scroller.viewport().height() + SLACK < floor.height():
                found.append((dock.objectName(), f"a speck: {scroller.viewport().size().toTuple()}"))
        elif tab_bar_showing(window, dock.windowTitle()) is None:
            found.append((dock.objectName(), "not on screen and no tab shows it"))
    return found

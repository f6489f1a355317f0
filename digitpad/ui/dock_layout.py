"""How the main window's docks share its space, for any set of docks.

- A dock's contents scroll when the dock is smaller than they need (``DockScroller``), so
  that no dock, however full, keeps the window from shrinking to a small screen: a dock
  asks for its contents' minimum only up to ``DOCK_FLOOR``.
- The tab bars of tabbed docks never elide a title and never scroll: every tab shows
  its whole title and is one click away. The dock layout makes room for them.
- ``DockSharing`` keeps each dock area's share of the window: when the window grows or
  shrinks, the side columns grow or shrink with it (Qt alone gives every change of size
  to the central widget, so docks squeezed by a small window stay small). The shares
  are what the user last set by dragging a separator, or the default layout's.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QSizePolicy, QStyle, QTabBar, QWidget

# The least a dock asks for, whatever its contents need (they scroll below that): small
# enough that every dock fits a window of 800 x 600, large enough to stay usable.
DOCK_FLOOR = QSize(180, 72)
SIDE_AREAS = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
END_AREAS = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)


class DockScroller(QScrollArea):
    """A dock's contents, scrolled when the dock is smaller than their minimum.

    It sizes the contents itself: to the view, but never below their minimum size, or
    below the least height their wrapped texts need at that width (QScrollArea's own
    resizing would insist on their preferred height for the width, and scroll sooner)."""

    needs_changed = Signal()  # the contents' least height changed

    def __init__(self, contents: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dock_scroller")
        self._needed = -1
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Not Expanding (a scroll area's default): the dock layout ignores the sizes asked
        # for an expanding dock (resizeDocks, the user's separators) and shares by hints.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setWidget(contents)
        self._minimum = self.minimumSizeHint()

    def _bars(self) -> QSize:
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return QSize(extent, extent)

    def contents_minimum(self) -> QSize:
        contents = self.widget()
        return contents.minimumSizeHint().expandedTo(contents.minimumSize())

    def least_height(self, width: int) -> int:
        """The least height of the contents at ``width``."""
        contents = self.widget()
        height = self.contents_minimum().height()
        layout = contents.layout()
        if layout is not None and layout.hasHeightForWidth():
            height = max(height, layout.minimumHeightForWidth(width))
        elif contents.sizePolicy().hasHeightForWidth():
            height = max(height, contents.heightForWidth(width))
        return height

    def needed_height(self) -> int:
        """The least height of the contents at the width they have now."""
        return self.least_height(self.widget().width())

    def fit_contents(self) -> None:
        contents = self.widget()
        view, bars = self.maximumViewportSize(), self._bars()
        least_width = self.contents_minimum().width()
        width = max(view.width(), least_width)
        if self.least_height(width) > view.height():  # a vertical bar takes some width
            width = max(view.width() - bars.width(), least_width)
        room = view.height() - (bars.height() if width > view.width() else 0)
        size = QSize(width, max(room, self.least_height(width))).boundedTo(contents.maximumSize())
        if size != contents.size():
            contents.resize(size)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_contents()

    def eventFilter(self, watched, event) -> bool:
        handled = super().eventFilter(watched, event)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit_contents()
            needed = self.needed_height()
            if needed != self._needed:
                self._needed = needed
                self.needs_changed.emit()
            # Contents that need more room (a text grew a line) tell the window's
            # layout, as a dock without a scroll area would, when the minimum changes.
            minimum = self.minimumSizeHint()
            if minimum != self._minimum:
                self._minimum = minimum
                self.updateGeometry()
        return handled

    def minimumSizeHint(self) -> QSize:
        return self.contents_minimum().boundedTo(DOCK_FLOOR + self._bars())

    def sizeHint(self) -> QSize:
        # The contents' own wish (QScrollArea caps it at a few dozen lines of text).
        return self.widget().sizeHint().expandedTo(self.minimumSizeHint())


def make_scrollable(dock: QDockWidget) -> None:
    """Put ``dock``'s contents in a DockScroller (once)."""
    contents = dock.widget()
    if contents is not None and not isinstance(contents, DockScroller):
        dock.setWidget(DockScroller(contents))


def contents_of(dock: QDockWidget) -> QWidget | None:
    """What a dock shows, inside its scroller."""
    widget = dock.widget()
    return widget.widget() if isinstance(widget, DockScroller) else widget


def fit_tab_bar(bar: QTabBar) -> None:
    """Whole titles, no scroll buttons: the bar's minimum is then all its tabs."""
    bar.setElideMode(Qt.TextElideMode.ElideNone)
    bar.setUsesScrollButtons(False)


def drop_retired_tab_bars(window: QMainWindow) -> None:
    """Delete now the dock tab bars Qt has retired. Qt (6.11) makes one tab bar too many
    when a second tab group forms (tabifyDockWidget) and a new bar per group on
    restoreState; it retires the spare ones with deleteLater but leaves them shown, so
    until the event loop deletes them they sit, stale, over the docks (a duplicate tab
    bar in a window driven without an event loop, a test's, a screenshot's)."""
    window.layout().activate()  # the layout retires the bars no tab group uses
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        QCoreApplication.sendPostedEvents(bar, QEvent.Type.DeferredDelete)


def wished_height(dock: QDockWidget) -> int:
    """The height ``dock``'s contents would like: their least height, or more where the
    dock says so (``wished_contents_height()``: a roomier layout it uses when it can)."""
    need = dock.widget().needed_height()
    wish = getattr(dock, "wished_contents_height", None)
    return max(need, wish()) if callable(wish) else need


def docks_in(window: QMainWindow, area: Qt.DockWidgetArea) -> list[QDockWidget]:
    """The docks shown in ``area``: not floating, not closed, not behind another's tab
    (the dock layout moves those out of the window)."""
    return [dock for dock in window.findChildren(QDockWidget)
            if dock.parent() is window and not dock.isFloating() and not dock.isHidden()
            and window.dockWidgetArea(dock) == area and dock.geometry().intersects(window.rect())]


def area_extent(window: QMainWindow, area: Qt.DockWidgetArea) -> int:
    """The width of a side area, the height of a top or bottom one (0 when empty)."""
    docks = docks_in(window, area)
    if not docks:
        return 0
    if area in SIDE_AREAS:  # up to the central widget: tab bars beside docks count too
        centre = window.centralWidget().geometry()
        separator = window.style().pixelMetric(
            QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, window)
        if area == Qt.DockWidgetArea.LeftDockWidgetArea:
            return max(0, centre.left() - separator)
        return max(0, window.width() - centre.right() - 1 - separator)
    united = docks[0].geometry()
    for dock in docks[1:]:
        united = united.united(dock.geometry())
    return united.height()


def lines_of(docks: list[QDockWidget], side: bool) -> list[list[QDockWidget]]:
    """The docks in lines across the area (the columns of a side area, the rows of the
    top or bottom one): a change of the area's extent is shared between the lines."""
    def span(dock):
        return (dock.x(), dock.x() + dock.width()) if side else (dock.y(), dock.y() + dock.height())

    lines: list[list[QDockWidget]] = []
    end = None
    for dock in sorted(docks, key=span):
        start, stop = span(dock)
        if end is None or start >= end:
            lines.append([])
            end = stop
        lines[-1].append(dock)
        end = max(end, stop)
    return lines


class DockSharing(QObject):
    """Keeps every dock area's share of ``window`` (a fraction of its width for the side
    areas, of its height for the top and bottom ones) through resizes. ``shares`` are the
    default layout's; ``measure_at_show`` takes them from the window as first shown
    instead (a layout restored from the settings)."""

    def __init__(self, window: QMainWindow, shares: dict[Qt.DockWidgetArea, float]):
        super().__init__(window)
        self.window = window
        self.shares = dict(shares)
        self.measure_at_show = False
        self._applying = False
        self._balance_queued = False
        self._watched: set[QDockWidget] = set()
        for dock in window.findChildren(QDockWidget):
            self.watch(dock)
        for bar in window.findChildren(QTabBar):
            if bar.parent() is window:
                fit_tab_bar(bar)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Resize:
                self.apply()  # the layout has already given the new size to the centre
                self.balance_soon()
            elif kind == QEvent.Type.MouseButtonRelease:
                QTimer.singleShot(0, self.remember)  # the end of a separator's drag
            elif kind == QEvent.Type.ChildPolished and isinstance(event.child(), QTabBar):
                fit_tab_bar(event.child())  # the dock layout makes one per tab group
            elif kind == QEvent.Type.ChildPolished and isinstance(event.child(), QDockWidget):
                self.watch(event.child())
            elif kind == QEvent.Type.Show and self.measure_at_show:
                self.measure_at_show = False
                QTimer.singleShot(0, self.remember)
        return False

    def watch(self, dock: QDockWidget) -> None:
        """Balance the docks again when ``dock`` is shown, closed or brought forward."""
        if dock not in self._watched:
            self._watched.add(dock)
            dock.visibilityChanged.connect(self.balance_soon)
            if isinstance(dock.widget(), DockScroller):
                dock.widget().needs_changed.connect(self.balance_soon)

    def balance_soon(self, *_) -> None:
        """Balance once the layout has settled (after the events queued now)."""
        if not self._balance_queued:
            self._balance_queued = True
            QTimer.singleShot(0, self.balance)

    def balance(self) -> None:
        """Within each column of docks, give height from docks with room to spare to
        docks whose contents would scroll (or that wish for more, ``wished_height``): Qt
        only knows their floors (DOCK_FLOOR)."""
        self._balance_queued = False
        for area in SIDE_AREAS:
            for line in lines_of(docks_in(self.window, area), side=True):
                line = [dock for dock in line if isinstance(dock.widget(), DockScroller)]
                needs = [dock.height() - dock.widget().viewport().height()
                         + wished_height(dock) for dock in line]
                short = sum(max(0, need - dock.height()) for dock, need in zip(line, needs))
                spare = sum(max(0, dock.height() - need) for dock, need in zip(line, needs))
                if short <= 0 or spare <= 0:
                    continue
                given = min(short, spare)
                heights = []
                for dock, need in zip(line, needs):
                    if dock.height() < need:
                        heights.append(dock.height() + round((need - dock.height()) * given / short))
                    else:
                        heights.append(dock.height() - round((dock.height() - need) * given / spare))
                self.window.resizeDocks(line, heights, Qt.Orientation.Vertical)

    def remember(self) -> None:
        """Take the shares from the window as it is now."""
        size = self.window.size()
        for area in (*SIDE_AREAS, *END_AREAS):
            extent = area_extent(self.window, area)
            whole = size.width() if area in SIDE_AREAS else size.height()
            if extent > 0 and whole > 0:
                self.shares[area] = extent / whole

    def apply(self) -> None:
        """Size each dock area to its share of the window (as far as minimums allow)."""
        if self._applying:
            return
        self._applying = True
        try:
            size = self.window.size()
            for area, share in self.shares.items():
                side = area in SIDE_AREAS
                docks = docks_in(self.window, area)
                extent = area_extent(self.window, area)
                if not docks or extent <= 0:
                    continue
                wanted = round(share * (size.width() if side else size.height()))
                lines = lines_of(docks, side)
                change = (wanted - extent) / len(lines)
                if abs(change) < 1:
                    continue
                # Qt sizes a line by what is asked for any dock in it (the tab bar beside a
                # tabbed dock included): ask the line's whole extent for each.
                docks, sizes = [], []
                for line in lines:
                    across = max(dock.width() if side else dock.height() for dock in line)
                    if len(lines) == 1:
                        across = extent
                    docks.extend(line)
                    sizes.extend([max(1, round(across + change))] * len(line))
                self.window.resizeDocks(docks, sizes, Qt.Orientation.Horizontal if side
                                        else Qt.Orientation.Vertical)
        finally:
            self._applying = False

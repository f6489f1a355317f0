"""Mnemonics (the underlined &-letters): no two actions of one menu (the menu bar
included) share one, nor do any two toolbar buttons, in English and in Chinese; tool
buttons show their texts without them ("清除", not "清除(C)"), menus keep them."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from digitpad.ui.translation import LANGUAGE_KEY, install_language, remove_translators
from digitpad.ui.widgets import tool_button_text

# An access key left on a button: "清除(C)", "清除（C）", "(&C)", or a lone "&".
ACCESS_KEY_SHOWN = re.compile(r"[(（]&?[A-Za-z0-9][)）]|&(?!&)")


def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` ("&&" is a literal ampersand), upper-cased."""
    index = 0
    while (index := text.find("&", index)) != -1 and index + 1 < len(text):
        if text[index + 1] != "&":
            return text[index + 1].upper()
        index += 2
    return None


def clashes(texts: list[str]) -> dict[str, list[str]]:
    """Mnemonic letter -> the texts sharing it, for the letters used more than once."""
    by_letter = defaultdict(list)
    for text in texts:
        letter = mnemonic(text)
        if letter is not None:
            by_letter[letter].append(text)
    return {letter: shared for letter, shared in by_letter.items() if len(shared) > 1}


def menu_clashes(menu: QMenu, where: str):
    menu.aboutToShow.emit()  # menus filled when opened (Open Recent)
    actions = [action for action in menu.actions() if not action.isSeparator() and action.isVisible()]
    found = clashes([action.text() for action in actions])
    if found:
        yield where, found
    for action in actions:
        if action.menu() is not None:
            yield from menu_clashes(action.menu(), f"{where} ▸ {action.text()}")


def all_clashes(window) -> list:
    bar_actions = window.menuBar().actions()
    found = []
    if clashes([action.text() for action in bar_actions]):
        found.append(("menu bar", clashes([action.text() for action in bar_actions])))
    for action in bar_actions:
        found.extend(menu_clashes(action.menu(), action.text()))
    buttons = [action.text() for bar in window.findChildren(QToolBar) for action in bar.actions()
               if not action.isSeparator() and bar.widgetForAction(action) is not None]
    if clashes(buttons):
        found.append(("toolbars", clashes(buttons)))
    return found


def test_mnemonic_reads_the_letter_after_a_single_ampersand():
    assert mnemonic("&File") == "F"
    assert mnemonic("Re&vert") == "V"
    assert mnemonic("文件(&F)") == "F"
    assert mnemonic("Save && &Quit") == "Q"
    assert mnemonic("Plain") is None
    assert clashes(["&Clear", "&Correct It…", "&Eraser"]) == {"C": ["&Clear", "&Correct It…"]}


@pytest.fixture(params=["en", "zh_CN"])
def any_language_window(request, settings):
    """The main window made as the app makes it, in English and in Chinese."""
    settings.setValue(LANGUAGE_KEY, request.param)
    translators = install_language(settings)
    try:
        if request.param != "en":
            assert translators, f"the {request.param} translation did not load"
        yield request.getfixturevalue("window")
    finally:
        remove_translators(translators)


def test_no_two_actions_of_a_menu_or_toolbar_buttons_share_a_mnemonic(any_language_window):
    window = any_language_window
    found = all_clashes(window)
    assert found == [], "shared mnemonics:\n" + "\n".join(
        f"  {where}: {shared}" for where, shared in found)
    window.set_architecture("DeepCNN")  # menus rebuilt with the model keep them apart too
    assert all_clashes(window) == []


def test_a_tool_button_text_leaves_out_the_access_key_in_either_form(qapp):
    def shown(text, icon_text=None):
        action = QAction(text)
        if icon_text is not None:
            action.setIconText(icon_text)
        return tool_button_text(action)

    assert shown("清除(&C)") == "清除"
    assert shown("训练(&T)…") == "训练"
    assert shown("撤销 (&U)") == "撤销"
    assert shown("&Clear") == "Clear"
    assert shown("E&valuate…") == "Evaluate"
    assert shown("Save && &Quit") == "Save & Quit"
    assert shown("Network View, Full Window", "Full Window") == "Full Window"  # set on purpose


def test_tool_buttons_show_no_access_key_and_menus_keep_theirs(any_language_window):
    window = any_language_window
    for arch in ("SimpleCNN", "DeepCNN"):
        if arch != window.session.live().arch:
            window.set_architecture(arch)
        toolbar_buttons = [bar.widgetForAction(action) for bar in window.findChildren(QToolBar)
                           for action in bar.actions()
                           if not action.isSeparator() and isinstance(bar.widgetForAction(action), QToolButton)]
        assert len(toolbar_buttons) >= 17  # undo, redo, clear, eraser, three teaching, ten digits
        every_button = set(toolbar_buttons) | set(window.findChildren(QToolButton))
        shown = [button.text() for button in every_button if ACCESS_KEY_SHOWN.search(button.text())]
        assert shown == [], f"{arch}: tool buttons showing an access key: {shown}"
    # The menus keep theirs: the same actions, each with its letter.
    for action in (window.clear_act, window.eraser_act, window.train_act, window.evaluate_act):
        assert mnemonic(action.text()) is not None, action.text()

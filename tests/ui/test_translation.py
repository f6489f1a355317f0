"""The Chinese interface: with zh_CN chosen no English is left in the window; without a
translation file the interface is English; the system language is followed; the language
menu saves the choice; the catalogue covers every text of digitpad/ui and is compiled."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo
from PySide6.QtWidgets import QMessageBox

from digitpad.samples import sample
from digitpad.ui.canvas import draw_strokes
from digitpad.ui.translation import (
    LANGUAGE_KEY,
    SYSTEM_LANGUAGE,
    chosen_language,
    install_language,
    install_translators,
    remove_translators,
    translations_folder,
)

from .translation_support import english_left

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "resources" / "digitpad_zh_CN.ts"
COMPILED = REPO / "resources" / "digitpad_zh_CN.qm"
ENGLISH_MENUS = ["&File", "&Edit", "&View", "&Model", "&Digits", "&Help"]
CHINESE_MENUS = ["文件(&F)", "编辑(&E)", "视图(&V)", "模型(&M)", "数字(&D)", "帮助(&H)"]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@pytest.fixture
def chinese_window(request, settings):
    """The main window made as the app makes it, with the language set to zh_CN; the
    translators are removed again afterwards, so no other test sees them."""
    settings.setValue(LANGUAGE_KEY, "zh_CN")
    translators = install_language(settings)
    try:
        assert translators, "the zh_CN translation did not load"
        yield request.getfixturevalue("window")  # closed before the translators go
    finally:
        remove_translators(translators)


def menu_titles(window) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def report(found) -> str:
    return "English left in the Chinese interface:\n" + "\n".join(
        f"  {where}: {text!r} -> {words}" for where, text, words in found)


def test_the_chinese_interface_has_no_english_in_menus_and_docks(chinese_window, qtbot):
    window = chinese_window
    assert menu_titles(window) == CHINESE_MENUS
    assert english_left(window) == [], report(english_left(window))

    for stroke in sample(3).strokes:  # the texts of a reading too: confidence, evidence…
        draw_strokes(window.canvas, [stroke])
    qtbot.waitUntil(lambda: window.session.prediction is not None and window.session.prediction.has_digit)
    assert english_left(window) == [], report(english_left(window))

    window.set_architecture("DeepCNN")  # other layers, and Grad-CAM instead of the split
    qtbot.waitUntil(lambda: not window.network_view.stale)  # built in the next turn
    assert english_left(window) == [], report(english_left(window))


def test_qt_dialogs_are_chinese_too(chinese_window):
    qt_catalogue = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if not (qt_catalogue / "qtbase_zh_CN.qm").is_file():
        pytest.skip("this Qt has no qtbase_zh_CN.qm")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_without_a_translation_file_the_interface_is_english(tmp_path, settings, request):
    settings.setValue(LANGUAGE_KEY, "zh_CN")
    assert install_language(settings, folder=tmp_path) == []  # an empty folder: no .qm
    window = request.getfixturevalue("window")
    assert menu_titles(window) == ENGLISH_MENUS
    assert window.parameters.table.horizontalHeaderItem(0).text() == "name"
    assert english_left(window)  # the same check finds the English it should


def test_english_needs_no_translation_file():
    assert install_translators("en") == []
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


SHOW_LANGUAGE = """
import sys
from PySide6.QtCore import QCoreApplication
from digitpad.ui.translation import install_translators, remove_translators
app = QCoreApplication([])
for language in sys.argv[1:]:
    translators = install_translators(language)
    print(language, QCoreApplication.translate("MainWindow", "&File"))
    remove_translators(translators)
"""


@pytest.mark.parametrize("lang, expected", [
    ("zh_CN.UTF-8", {"system": "文件(&F)", "en": "&File", "zh_CN": "文件(&F)"}),
    ("C", {"system": "&File", "en": "&File", "zh_CN": "文件(&F)"}),
])
def test_the_system_language_follows_the_locale(lang, expected):
    env = {key: value for key, value in os.environ.items()
           if key not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(LANG=lang, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", SHOW_LANGUAGE, *expected], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shown = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert shown == expected


def test_the_language_menu_saves_the_choice_for_the_next_start(window, settings, monkeypatch):
    told = []

    def shown(box):  # the box offers Restart Now or Later; the test answers Later
        told.append(box.text())
        assert [b.text() for b in box.buttons()] == ["Restart Now", "Later"]
        box.buttons()[1].click()

    monkeypatch.setattr(QMessageBox, "exec", shown)
    actions = {action.data(): action for action in window.language_group.actions()}
    assert [action.text() for action in actions.values()] == ["System", "English", "中文"]
    assert window.language_menu.menuAction() in window.view_menu.actions()
    assert actions[SYSTEM_LANGUAGE].isChecked()

    actions["zh_CN"].trigger()
    assert settings.value(LANGUAGE_KEY) == "zh_CN" and chosen_language(settings) == "zh_CN"
    assert actions["zh_CN"].isChecked() and len(told) == 1 and "next time" in told[0]
    assert menu_titles(window) == ENGLISH_MENUS  # the texts change at the next start

    actions[SYSTEM_LANGUAGE].trigger()
    assert settings.value(LANGUAGE_KEY) == SYSTEM_LANGUAGE and len(told) == 2


def test_restart_now_starts_the_same_command_again(window, monkeypatch):
    from PySide6.QtCore import QProcess
    from PySide6.QtWidgets import QApplication

    started = []
    monkeypatch.setattr(QProcess, "startDetached", lambda program, arguments: started.append(
        [program, *arguments]) or True)
    monkeypatch.setattr(QApplication, "quit", lambda: None)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: box.buttons()[0].click())  # Restart Now
    actions = {action.data(): action for action in window.language_group.actions()}
    actions["zh_CN"].trigger()
    assert started == [[sys.executable, *sys.orig_argv[1:]]]
    assert not window.isVisible()


def test_an_unknown_language_setting_means_the_system_language(settings):
    settings.setValue(LANGUAGE_KEY, "xx")
    assert chosen_language(settings) == SYSTEM_LANGUAGE
    assert chosen_language(None) == SYSTEM_LANGUAGE


# ---------------------------------------------------------------------- the catalogue


def run_qt_tool(tool: str, *args):
    """pyside6-lupdate or pyside6-lrelease of the PySide6 the tests run with."""
    code = f"import sys; from PySide6.scripts.pyside_tool import {tool}; sys.exit({tool}())"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def messages(ts: Path):
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name"), message.findtext("source"), message.find("translation")


def test_every_text_of_the_interface_is_in_the_catalogue_and_translated(tmp_path):
    refreshed = tmp_path / CATALOGUE.name
    refreshed.write_bytes(CATALOGUE.read_bytes())
    sources = sorted(str(path.relative_to(REPO))
                     for path in (REPO / "digitpad" / "ui").rglob("*.py"))
    # As `make translations` runs it: new texts come in unfinished, gone ones are dropped.
    result = run_qt_tool("lupdate", "-no-obsolete", "-locations", "none", *sources,
                         "-ts", refreshed)
    assert result.returncode == 0, result.stderr
    untranslated = [(context, source) for context, source, translation in messages(refreshed)
                    if translation.get("type") is not None or not translation.text]
    assert untranslated == [], "run `make translations` and translate these in " \
                               f"{CATALOGUE.relative_to(REPO)}: {untranslated}"
    assert refreshed.read_text(encoding="utf-8") == CATALOGUE.read_text(encoding="utf-8"), \
        "the catalogue is not what `make translations` makes of the sources: run it"


def test_translations_keep_every_placeholder():
    for context, source, translation in messages(CATALOGUE):
        placeholders = sorted(PLACEHOLDER.findall(source))
        assert sorted(PLACEHOLDER.findall(translation.text)) == placeholders, \
            (context, source, translation.text)
        assert source.count("\n") == translation.text.count("\n"), (context, source)


def test_the_compiled_translation_is_made_from_the_catalogue(tmp_path):
    compiled = tmp_path / COMPILED.name
    result = run_qt_tool("lrelease", CATALOGUE, "-qm", compiled)
    assert result.returncode == 0, result.stderr
    assert compiled.read_bytes() == COMPILED.read_bytes(), "run `make translations`"
    assert translations_folder().resolve() == COMPILED.parent.resolve()


def test_chinese_undo_texts_and_mnemonics(chinese_window, qtbot):
    window = chinese_window
    draw_strokes(window.canvas, sample(1).strokes[:1])
    qtbot.waitUntil(lambda: window.canvas.undo_stack.canUndo())
    assert window.undo_act.text() == "撤销笔画(&U)"  # no stray space
    assert window.undo_tool_act.text() == "撤销"

    def mnemonic(action):
        text = action.text()
        return text[text.index("&") + 1].upper() if "&" in text else None

    assert mnemonic(window.clear_act) != mnemonic(window.correct_act)

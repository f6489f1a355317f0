"""The interface language: which one the user chose (a setting, the system's by default),
the Qt translators that put it on screen, and the few fixed sentences of the core that
the interface shows and translates.

Translations are ``digitpad_<language>.qm`` files in ``resources/`` (the package
``digitpad._resources`` once installed), made from the ``.ts`` sources by
``make translations``. A language without a file, or a file that cannot be read, leaves
the interface in English, the language of the source texts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from .. import bundled_folder

LANGUAGE_KEY = "language"
SYSTEM_LANGUAGE = "system"
# Each language under its own name, so that a user who cannot read the current one still
# finds theirs.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}
CATALOG = "digitpad"
QT_CATALOG = "qtbase"  # the buttons and titles of Qt's own dialogs

log = logging.getLogger("digitpad")

# Fixed sentences of the Qt-free core that the interface shows as they are; the core stays
# English and these are translated where they are shown (see core_message).
CORE_CONTEXT = "core"
CORE_MESSAGES = (
    QT_TRANSLATE_NOOP("core", "this PyTorch build has no CUDA support"),
    QT_TRANSLATE_NOOP("core", "no CUDA device was found (or its driver is missing)"),
    QT_TRANSLATE_NOOP("core", "too small to be a digit"),
)


def core_message(message: str) -> str:
    """A message of the core in the interface's language when it is one of the fixed
    sentences above; any other (one with details filled in) as it is."""
    if message in CORE_MESSAGES:
        return QCoreApplication.translate(CORE_CONTEXT, message)
    return message


def translations_folder() -> Path:
    return bundled_folder("digitpad._resources", "resources")


def chosen_language(settings: QSettings | None) -> str:
    """The language setting: a key of LANGUAGE_NAMES, or SYSTEM_LANGUAGE (the default, and
    what an unknown value means)."""
    from .settings import typed_setting

    value, _ = typed_setting(settings, LANGUAGE_KEY, SYSTEM_LANGUAGE,
                             allowed=(SYSTEM_LANGUAGE, *LANGUAGE_NAMES))
    return value


def interface_locale(language: str) -> QLocale:
    return QLocale.system() if language == SYSTEM_LANGUAGE else QLocale(language)


def install_translators(language: str, folder: Path | None = None) -> list[QTranslator]:
    """Install the translators of ``language`` (digitpad's from ``folder``, by default the
    packaged ones, then Qt's own) in the running application; returns those installed, to
    remove again (the application, their parent, keeps them alive). None installed means English."""
    app = QCoreApplication.instance()
    locale = interface_locale(language)
    if locale.language() in (QLocale.Language.English, QLocale.Language.C):
        return []  # the source texts are English
    folder = translations_folder() if folder is None else folder
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for catalog, where in ((CATALOG, folder), (QT_CATALOG, qt_folder)):
        translator = QTranslator(app)
        if not translator.load(locale, catalog, "_", str(where)):
            log.info("no %s translation for %s in %s", catalog, locale.name(), where)
            if catalog == CATALOG:
                return []  # all English rather than Qt's dialogs alone translated
            continue
        app.installTranslator(translator)
        installed.append(translator)
    return installed


def remove_translators(translators: list[QTranslator]) -> None:
    app = QCoreApplication.instance()
    for translator in translators:
        app.removeTranslator(translator)


def install_language(settings: QSettings | None, folder: Path | None = None) -> list[QTranslator]:
    """The translators of the language chosen in ``settings``, installed (see
    install_translators). Call before the window is made: its texts are set once."""
    return install_translators(chosen_language(settings), folder)

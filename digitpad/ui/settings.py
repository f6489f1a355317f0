"""Reading the user's settings so that no stored value can stop the app starting.

QSettings gives back whatever the file holds: an INI file turns ``12.5`` into a string
and ``en, zh_CN`` into a list, a hand-edited one anything at all. ``typed_setting``
returns a value of the default's type (or the default), and says whether the stored one
had to be ignored.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger("digitpad")

MISSING = object()


def typed_setting(settings: QSettings | None, key: str, default, *, allowed=None):
    """(value, ignored): the stored ``key`` as the type of ``default`` (bool, int, str,
    list of str or QByteArray) and, with ``allowed``, one of those values; otherwise
    ``default``, and ``ignored`` is True (the bad value is logged)."""
    if settings is None:
        return default, False
    try:
        stored = settings.value(key, MISSING)
    except Exception as exc:  # a value Qt cannot turn into a Python object
        log.warning("setting %s ignored: unreadable (%s)", key, exc)
        return default, True
    if stored is MISSING or stored is None:
        return default, False
    value = _as_type(stored, default)
    if value is MISSING or (allowed is not None and value not in allowed):
        log.warning("setting %s ignored: %r is not a valid value", key, stored)
        return default, True
    return value, False


def _as_type(stored, default):
    if isinstance(default, bool):
        if isinstance(stored, bool):
            return stored
        text = str(stored).strip().lower() if isinstance(stored, (str, int)) else None
        return {"true": True, "1": True, "false": False, "0": False}.get(text, MISSING)
    if isinstance(default, int):
        if isinstance(stored, int) and not isinstance(stored, bool):
            return stored
        if isinstance(stored, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", stored):
            return int(stored)
        return MISSING
    if isinstance(default, str):
        return stored if isinstance(stored, str) else MISSING
    if isinstance(default, list):
        if isinstance(stored, str):
            return [stored] if stored else []  # an INI file stores a one-item list as its item
        if isinstance(stored, (list, tuple)) and all(isinstance(item, str) for item in stored):
            return list(stored)
        return MISSING
    if isinstance(default, QByteArray):
        return stored if isinstance(stored, QByteArray) else MISSING
    return stored

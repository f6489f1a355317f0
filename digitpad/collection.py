"""My digits: the user's own labelled drawings, kept in one SQLite file.

Each drawing keeps its strokes as vectors (pressure factors and eraser strokes included),
so any later rasteriser can render it again, and the 28x28 input the network saw when it
was stored, with its label, time, collection name, the network (name and weights hash)
and that network's reading. Imported images have no strokes: their input is all there is.

A drawing's identity is a hash of its strokes (of its pixels for an image), so importing
the same drawings twice adds nothing. Part of every collection is held out, chosen by the
identity alone, so a drawing never changes sides and a network trained on the rest can be
measured on drawings it has not seen.

Durability: WAL mode, ``synchronous=FULL``, one transaction per change. A file this
module cannot use (locked, read-only, newer, corrupt, not ours) raises a one-line
CollectionError and is left exactly as it was.

    with Collection(default_database_path()) as digits:
        digits.add(strokes, 7, model_input=steps.model_input, network="SimpleCNN")
        print(digits.counts())
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .preprocess import INPUT_SIZE, MNIST_MEAN, MNIST_STD, normalise

ORGANIZATION = "digitpad"  # as digitpad.ui.app names itself for QStandardPaths
APPLICATION = "digitpad"
DATABASE_NAME = "my-digits.sqlite"
SCHEMA_VERSION = 2
APPLICATION_ID = 0x44504447  # "DPDG": marks the file as a digitpad collection
DEFAULT_COLLECTION = "mine"
HELD_OUT_EVERY = 5  # one drawing in five (by identity) is held out: 20 %
PAD_SIZE = 280  # logical pixels of the pad (digitpad.ui.canvas.LOGICAL_SIZE)
LABELS_FILE = "labels.csv"
IDX_IMAGES = "digits-images-idx3-ubyte"
IDX_LABELS = "digits-labels-idx1-ubyte"
PARTS = ("train", "held-out")


class CollectionError(Exception):
    """A collection file or an import that cannot be used; the message says why, in one line."""


# ------------------------------------------------------------------ where it lives


def data_folder() -> Path:
    """The user's data folder for digitpad, the one Qt's ``QStandardPaths.AppDataLocation``
    gives the app (organisation and application name appended), found without Qt."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        # Qt, like the XDG spec, ignores a relative XDG_DATA_HOME.
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / ORGANIZATION / APPLICATION


def default_database_path() -> Path:
    return data_folder() / DATABASE_NAME


# ------------------------------------------------------------------ drawings


@dataclass(frozen=True, eq=False)  # arrays inside: compare summary() and the arrays
class Drawing:
    """One stored drawing. ``strokes`` is None for an imported image."""

    identity: str  # hex sha256 of the strokes (or the pixels)
    label: int
    model_input: np.ndarray  # (28, 28) float32, normalised, as the network saw it
    strokes: tuple | None = None  # of digitpad.strokes.PenStroke
    collection: str = DEFAULT_COLLECTION
    created: str = ""  # ISO 8601, UTC
    network: str | None = None  # the network's name when it was stored
    weights_hash: str | None = None
    reading: int | None = None  # what that network read
    confidence: float | None = None

    @property
    def held_out(self) -> bool:
        return is_held_out(self.identity)

    @property
    def part(self) -> str:
        return "held-out" if self.held_out else "train"

    @property
    def kind(self) -> str:
        return "image" if self.strokes is None else "strokes"

    @property
    def pixels(self) -> np.ndarray:
        """The input as a 28x28 uint8 image, ink high, as MNIST stores its digits."""
        return input_pixels(self.model_input)

    def summary(self) -> dict:
        """Plain values for listings (no strokes, no pixels)."""
        return {"id": self.identity, "label": self.label, "collection": self.collection,
                "created": self.created, "kind": self.kind, "part": self.part,
                "network": self.network, "weights_hash": self.weights_hash,
                "reading": self.reading, "confidence": self.confidence}


def is_held_out(identity: str) -> bool:
    return int(identity[:8], 16) % HELD_OUT_EVERY == 0


def strokes_identity(strokes) -> str:
    """A hash of the strokes exactly as stored (float32 points, factors, width, eraser)."""
    digest = hashlib.sha256(b"digitpad strokes 1\0")
    for stroke in _pen_strokes(strokes):
        points = np.ascontiguousarray(stroke.points, "<f4")
        digest.update(b"E" if stroke.erase else b"P")
        digest.update(np.float64(stroke.width).astype("<f8").tobytes())
        digest.update(len(points).to_bytes(8, "little") + points.tobytes())
        if stroke.factors is None:
            digest.update(b"-")
        else:
            digest.update(b"F" + np.ascontiguousarray(stroke.factors, "<f4").tobytes())
    return digest.hexdigest()


def image_identity(pixels: np.ndarray) -> str:
    """A hash of an image's grey pixels (uint8, any size)."""
    pixels = np.ascontiguousarray(pixels, np.uint8)
    header = f"digitpad pixels {pixels.shape[0]}x{pixels.shape[1]}\0".encode()
    return hashlib.sha256(header + pixels.tobytes()).hexdigest()


def input_pixels(model_input: np.ndarray) -> np.ndarray:
    ink = np.asarray(model_input, np.float32) * MNIST_STD + MNIST_MEAN
    return np.round(np.clip(ink, 0, 1) * 255).astype(np.uint8).reshape(INPUT_SIZE, INPUT_SIZE)


def _pen_strokes(strokes) -> list:
    from .strokes import as_strokes  # torch comes with it; only when strokes are used

    return as_strokes(strokes)


def strokes_to_plain(strokes) -> list[dict]:
    """Strokes as JSON-ready values; float32 values survive the round trip exactly."""
    return [{"points": np.asarray(s.points, np.float32).tolist(),
             "factors": None if s.factors is None else np.asarray(s.factors, np.float32).tolist(),
             "width": float(s.width), "erase": bool(s.erase)} for s in _pen_strokes(strokes)]


def strokes_from_plain(plain) -> tuple:
    """The inverse of ``strokes_to_plain``; a ValueError says what is wrong."""
    from .strokes import PenStroke

    if not isinstance(plain, list):
        raise ValueError("strokes must be a list")
    strokes = []
    for number, item in enumerate(plain, 1):
        if not isinstance(item, dict) or "points" not in item:
            raise ValueError(f"stroke {number} has no points")
        try:
            points = np.asarray(item["points"], np.float32)
            if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
                raise ValueError("points must be a non-empty list of [x, y]")
            if not np.isfinite(points).all():
                raise ValueError("points must be finite numbers")
            width = float(item.get("width", 1.0))
            strokes.append(PenStroke.of(points, item.get("factors"), width, bool(item.get("erase", False))))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"stroke {number}: {exc}") from None
    if not strokes:
        raise ValueError("a drawing needs at least one stroke")
    return tuple(strokes)


def render_input(strokes) -> np.ndarray | None:
    """The network's input for ``strokes``, rendered by the pad's rasteriser; None when
    they hold no digit."""
    from .strokes import rasterise

    steps = rasterise(strokes, surface=PAD_SIZE)
    return steps.model_input if steps.has_digit else None


def weights_hash(model) -> str:
    """A short hash of a network's weights, to tell which network read a drawing."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        array = tensor.detach().cpu().contiguous().numpy()
        digest.update(f"{name}:{array.dtype}:{array.shape}\0".encode() + array.tobytes())
    return digest.hexdigest()[:16]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


# ------------------------------------------------------------------ the schema

# Version 1, the first layout: one table, no collections and no record of the network.
# Kept so the migration from it is tested; new files start at SCHEMA_VERSION.
SCHEMA_V1 = """
CREATE TABLE drawings (
    hash TEXT PRIMARY KEY,
    label INTEGER NOT NULL,
    created TEXT NOT NULL,
    strokes TEXT,
    input BLOB NOT NULL
);
"""

SCHEMA_V2 = """
CREATE TABLE drawings (
    id TEXT PRIMARY KEY,              -- sha256 of the strokes, or of the pixels for an image
    label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
    collection TEXT NOT NULL,
    created TEXT NOT NULL,            -- ISO 8601, UTC
    strokes TEXT,                     -- JSON list of strokes, NULL for an imported image
    input BLOB NOT NULL,              -- 784 float32, little-endian: the network's input
    input_hash TEXT NOT NULL,         -- image_identity of the input's 28x28 uint8 pixels
    held_out INTEGER NOT NULL,        -- 1 for the held-out part (from the id, never changes)
    network TEXT,
    weights_hash TEXT,
    reading INTEGER,
    confidence REAL
);
CREATE INDEX drawings_label ON drawings (label);
CREATE INDEX drawings_collection ON drawings (collection);
CREATE INDEX drawings_input_hash ON drawings (input_hash);
"""


def _migrate_1_to_2(connection: sqlite3.Connection) -> None:
    """Version 1 had no collections and no network: its drawings go to the default
    collection with no reading recorded."""
    connection.execute("ALTER TABLE drawings RENAME TO drawings_v1")
    _run_script(connection, SCHEMA_V2)
    rows = connection.execute("SELECT hash, label, created, strokes, input FROM drawings_v1").fetchall()
    for identity, label, created, strokes, blob in rows:
        connection.execute(
            "INSERT INTO drawings (id, label, collection, created, strokes, input, input_hash, held_out) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (identity, label, DEFAULT_COLLECTION, created, strokes, blob,
             image_identity(input_pixels(_input_from_blob(blob))), int(is_held_out(identity))))
    connection.execute("DROP TABLE drawings_v1")


MIGRATIONS = {1: _migrate_1_to_2}  # from version N to N + 1


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    # Not executescript: it commits first, and these must run inside the caller's transaction.
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _input_to_blob(model_input) -> bytes:
    array = np.asarray(model_input, np.float32)
    if array.size != INPUT_SIZE * INPUT_SIZE or not np.isfinite(array).all():
        raise ValueError(f"the input must be {INPUT_SIZE}x{INPUT_SIZE} finite numbers")
    return array.astype("<f4").tobytes()


def _input_from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, "<f4").astype(np.float32).reshape(INPUT_SIZE, INPUT_SIZE)


# ------------------------------------------------------------------ the collection


class Collection:
    """The drawings in one SQLite file. Every change is one transaction.

    ``readonly`` opens without writing anything (a file that does not exist yet reads as
    empty). ``timeout``: seconds to wait for another program's write to finish.
    """

    def __init__(self, path, *, readonly: bool = False, timeout: float = 2.0):
        self.path = Path(path)
        self.readonly = readonly
        self._connection = self._open(timeout)

    # -------------------------------------------------------------- opening

    def _open(self, timeout: float) -> sqlite3.Connection:
        path = self.path
        if path.is_dir():
            raise CollectionError(f"{path}: is a folder, not a collection file")
        if self.readonly and not path.exists():
            connection = sqlite3.connect(":memory:", isolation_level=None)
            connection.executescript(SCHEMA_V2)
            return connection
        if not self.readonly:
            # Write bits too: a file marked read-only stays so even for an administrator.
            if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
                raise CollectionError(f"{path}: the collection file is read-only")
            if not path.exists():
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise CollectionError(f"{path}: cannot create its folder ({exc.strerror or exc})") from None
            if not os.access(path.parent, os.W_OK):
                raise CollectionError(f"{path}: its folder is read-only (SQLite writes its journal there)")
        uri = f"{path.resolve().as_uri()}?mode={'ro' if self.readonly else 'rwc'}"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None,
                                         check_same_thread=False)
        except sqlite3.Error as exc:
            raise CollectionError(f"{path}: cannot open the collection ({exc})") from None
        try:
            self._prepare(connection)
        except sqlite3.Error as exc:
            connection.close()
            raise CollectionError(f"{path}: {_describe(exc)}") from None
        except CollectionError:
            connection.close()
            raise
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Check what the file is, create or migrate the schema, switch to WAL."""
        path = self.path
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables and version == 0):
            raise CollectionError(f"{path}: an SQLite database, but not a digitpad collection")
        if version > SCHEMA_VERSION:
            raise CollectionError(f"{path}: made by a newer digitpad (schema {version}; this one "
                                  f"reads up to {SCHEMA_VERSION}); update digitpad to use it")
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise CollectionError(f"{path}: an older collection (schema {version}); open it "
                                      "once with write access to upgrade it")
            return
        if connection.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise CollectionError(f"{path}: cannot switch the collection to WAL mode")
        connection.execute("PRAGMA synchronous = FULL")
        if version == SCHEMA_VERSION:
            return
        with _transaction(connection):
            # Read again inside the write lock: another program may have just done this.
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                _run_script(connection, SCHEMA_V2)
            while 0 < version < SCHEMA_VERSION:
                MIGRATIONS[version](connection)
                version += 1
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _change(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; any SQLite failure becomes a CollectionError."""
        if self.readonly:
            raise CollectionError(f"{self.path}: opened read-only")
        try:
            with _transaction(self._connection):
                yield self._connection
        except sqlite3.Error as exc:
            raise CollectionError(f"{self.path}: {_describe(exc)}") from None

    def _query(self, sql: str, parameters: Sequence = ()) -> list:
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise CollectionError(f"{self.path}: {_describe(exc)}") from None

    # -------------------------------------------------------------- adding

    def add(self, strokes, label: int, *, model_input=None, collection: str = DEFAULT_COLLECTION,
            network: str | None = None, weights_hash: str | None = None, reading: int | None = None,
            confidence: float | None = None) -> Drawing:
        """Keep a drawing as ``label``. ``model_input`` is what the network saw (rendered
        from the strokes when not given). A drawing already kept (the same strokes) is
        returned as it is."""
        strokes = tuple(_pen_strokes(strokes))
        if model_input is None:
            model_input = render_input(strokes)
            if model_input is None:
                raise CollectionError("the drawing holds no digit")
        drawing = Drawing(strokes_identity(strokes), _digit(label), np.asarray(model_input, np.float32),
                          strokes, collection, now(), network, weights_hash,
                          None if reading is None else int(reading),
                          None if confidence is None else float(confidence))
        if not self.insert(drawing):  # already kept: the stored one
            return self.get(drawing.identity) or drawing
        return drawing

    def add_image(self, pixels: np.ndarray, label: int, *, model_input=None,
                  collection: str = DEFAULT_COLLECTION) -> Drawing:
        """Keep an image (grey uint8 pixels, ink high) as ``label``; its identity is a hash of
        the pixels. ``model_input`` defaults to the pixels as a ready 28x28 MNIST image."""
        pixels = np.asarray(pixels, np.uint8)
        if model_input is None:
            model_input = normalise(pixels.astype(np.float32) / 255)
        drawing = Drawing(image_identity(pixels), _digit(label), np.asarray(model_input, np.float32),
                          None, collection, now())
        if not self.insert(drawing):  # already kept: the stored one
            return self.get(drawing.identity) or drawing
        return drawing

    def insert(self, drawing: Drawing) -> bool:
        """Store ``drawing`` exactly as given (an undone delete, an import); False when a
        drawing with its identity is already kept."""
        return self.insert_many([drawing]) == 1

    def insert_many(self, drawings: Iterable[Drawing]) -> int:
        """Store drawings in one transaction, all or none; returns how many were new. An
        image whose pixels are some drawing's input (an exported drawing coming back)
        counts as kept already."""
        rows = [_row(d) for d in drawings]
        added = 0
        with self._change() as connection:
            for row in rows:
                if row[6] is None and connection.execute(  # an image: match inputs too
                        "SELECT 1 FROM drawings WHERE input_hash = ? LIMIT 1", (row[0],)).fetchone():
                    continue
                added += connection.execute(
                    "INSERT OR IGNORE INTO drawings (id, label, collection, created, network, weights_hash, "
                    "strokes, input, input_hash, held_out, reading, confidence) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row).rowcount
        return added

    # -------------------------------------------------------------- changing

    def relabel(self, identity: str, label: int) -> int:
        """Give a drawing a new label; returns the old one (relabel back to undo)."""
        label = _digit(label)
        with self._change() as connection:
            row = connection.execute("SELECT label FROM drawings WHERE id = ?", (identity,)).fetchone()
            if row is None:
                raise CollectionError(f"no drawing {identity[:12]} in {self.path}")
            connection.execute("UPDATE drawings SET label = ? WHERE id = ?", (label, identity))
        return row[0]

    def delete(self, identity: str) -> Drawing:
        """Remove a drawing; returns it, so ``insert`` puts it back as it was (undo)."""
        with self._change() as connection:
            row = connection.execute(f"SELECT {_COLUMNS} FROM drawings WHERE id = ?", (identity,)).fetchone()
            if row is None:
                raise CollectionError(f"no drawing {identity[:12]} in {self.path}")
            connection.execute("DELETE FROM drawings WHERE id = ?", (identity,))
        return _drawing(row)

    # -------------------------------------------------------------- reading

    def get(self, identity: str) -> Drawing | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM drawings WHERE id = ?", (identity,))
        return _drawing(rows[0]) if rows else None

    def __contains__(self, identity: str) -> bool:
        return bool(self._query("SELECT 1 FROM drawings WHERE id = ?", (identity,)))

    def __len__(self) -> int:
        return self._query("SELECT COUNT(*) FROM drawings")[0][0]

    def drawings(self, *, label: int | None = None, collection: str | None = None,
                 part: str | None = None, misread_by=None, device="cpu") -> list[Drawing]:
        """Drawings, oldest first, filtered by label, collection name, part ("train" or
        "held-out") and being misread by a network (``misread_by``: a torch module, run on
        inputs rendered from the strokes as ``evaluate_drawings`` does)."""
        where, parameters = [], []
        if label is not None:
            where.append("label = ?")
            parameters.append(_digit(label))
        if collection is not None:
            where.append("collection = ?")
            parameters.append(collection)
        if part is not None:
            if part not in PARTS:
                raise ValueError(f"part must be one of {PARTS}, not {part!r}")
            where.append("held_out = ?")
            parameters.append(int(part == "held-out"))
        sql = f"SELECT {_COLUMNS} FROM drawings"
        if where:
            sql += " WHERE " + " AND ".join(where)
        found = [_drawing(row) for row in self._query(sql + " ORDER BY created, rowid", parameters)]
        if misread_by is not None and found:
            readings = read_drawings(misread_by, found, device)
            found = [d for d, reading in zip(found, readings) if reading != d.label]
        return found

    def counts(self, collection: str | None = None) -> list[int]:
        """How many drawings of each digit, 0-9."""
        sql, parameters = "SELECT label, COUNT(*) FROM drawings", []
        if collection is not None:
            sql += " WHERE collection = ?"
            parameters.append(collection)
        counts = [0] * 10
        for label, count in self._query(sql + " GROUP BY label", parameters):
            counts[label] = count
        return counts

    def collections(self) -> dict[str, int]:
        """Each collection's name and size."""
        return dict(self._query("SELECT collection, COUNT(*) FROM drawings GROUP BY collection ORDER BY collection"))

    def stats(self) -> dict:
        held_out = self._query("SELECT COUNT(*) FROM drawings WHERE held_out = 1")[0][0]
        counts = self.counts()
        return {"database": str(self.path), "count": sum(counts),
                "per_label": {str(d): n for d, n in enumerate(counts)},
                "held_out": held_out, "collections": self.collections()}


_COLUMNS = ("id, label, collection, created, network, weights_hash, strokes, input, "
            "reading, confidence")


def _row(drawing: Drawing) -> tuple:
    strokes = None if drawing.strokes is None else json.dumps(strokes_to_plain(drawing.strokes),
                                                               separators=(",", ":"))
    return (drawing.identity, _digit(drawing.label), drawing.collection, drawing.created or now(),
            drawing.network, drawing.weights_hash, strokes, _input_to_blob(drawing.model_input),
            image_identity(drawing.pixels), int(drawing.held_out), drawing.reading, drawing.confidence)


def _drawing(row) -> Drawing:
    identity, label, collection, created, network, hash_, strokes, blob, reading, confidence = row
    return Drawing(identity, label, _input_from_blob(blob),
                   None if strokes is None else strokes_from_plain(json.loads(strokes)),
                   collection, created, network, hash_, reading, confidence)


def _digit(label) -> int:
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (int, np.integer)) or not 0 <= label <= 9:
        raise ValueError(f"a label is a digit 0-9, not {label!r}")
    return int(label)


@contextmanager
def _transaction(connection: sqlite3.Connection):
    # IMMEDIATE takes the write lock first, so a busy file fails before any work is done.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _describe(exc: sqlite3.Error) -> str:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return "the collection is locked by another program; close it there and try again"
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return f"the collection file is damaged ({message}); it was left as it is"
    if "readonly" in message or "read-only" in message:
        return "the collection file is read-only"
    return message


# ------------------------------------------------------------------ using the drawings


def model_inputs(drawings: Sequence[Drawing]) -> np.ndarray:
    """(N, 28, 28) inputs: strokes rendered again by the pad's rasteriser, so a better
    rasteriser improves old drawings too; an image's stored input as it is."""
    inputs = []
    for drawing in drawings:
        rendered = render_input(drawing.strokes) if drawing.strokes is not None else None
        inputs.append(drawing.model_input if rendered is None else rendered)
    return np.stack(inputs).astype(np.float32) if inputs else np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)


def read_drawings(model, drawings: Sequence[Drawing], device="cpu") -> np.ndarray:
    """The digit ``model`` reads in each drawing."""
    import torch

    if not drawings:
        return np.zeros(0, np.int64)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            batch = torch.from_numpy(model_inputs(drawings)).unsqueeze(1).to(device)
            return model.to(device)(batch).argmax(1).cpu().numpy()
    finally:
        model.train(was_training)


@dataclass(frozen=True)
class CollectionEvaluation:
    count: int
    accuracy: float
    per_class: list  # accuracy of each digit, None where there are none of it
    confusion: np.ndarray  # (10, 10) counts; rows: true digit, columns: read as
    held_out_count: int
    held_out_accuracy: float | None
    predictions: np.ndarray

    def as_dict(self) -> dict:
        return {"drawings": self.count, "accuracy": self.accuracy, "per_class": self.per_class,
                "confusion": self.confusion.tolist(), "held_out_drawings": self.held_out_count,
                "held_out_accuracy": self.held_out_accuracy}


def evaluate_drawings(model, drawings: Sequence[Drawing], device="cpu") -> CollectionEvaluation:
    """Accuracy overall, per digit and on the held-out part, and the confusion matrix."""
    from .evaluate import confusion_matrix

    labels = np.array([d.label for d in drawings], np.int64)
    predictions = read_drawings(model, drawings, device)
    confusion = confusion_matrix(labels, predictions)
    totals = confusion.sum(axis=1)
    per_class = [float(confusion[d, d] / totals[d]) if totals[d] else None for d in range(10)]
    held = np.array([d.held_out for d in drawings], bool)
    right = predictions == labels
    return CollectionEvaluation(len(drawings), float(right.mean()) if len(drawings) else 0.0, per_class,
                                confusion, int(held.sum()),
                                float(right[held].mean()) if held.any() else None, predictions)


def pen_digits(drawings: Sequence[Drawing]):
    """(PenDigits, left out): the drawings as the trainer's pen data. Images have no
    strokes and pen data has no eraser, so drawings with either are left out."""
    from .pendata import PenDigits

    kept = [d for d in drawings if d.strokes is not None and not any(s.erase for s in d.strokes)]
    digits = PenDigits([[np.asarray(s.points, np.float32) for s in d.strokes] for d in kept],
                       np.array([d.label for d in kept], np.int64),
                       np.array([d.collection for d in kept], dtype=str))
    return digits, len(drawings) - len(kept)


def mix_pen_sets(pen_set, pen_share: float, mine, weight: float):
    """(pen set, pen share) for ``train``: ``mine`` (PenDigits) added to ``pen_set`` (or
    alone) so that about ``weight`` of each batch comes from ``mine``. The trainer draws
    pen drawings evenly, so ``mine`` is repeated to get its share beside a larger set."""
    from .pendata import PenDigits

    if len(mine) == 0 or weight <= 0:
        return pen_set, pen_share
    if pen_set is None or len(pen_set) == 0 or pen_share <= 0:
        return mine, weight
    repeats = max(1, round(weight * len(pen_set) / (pen_share * len(mine))))
    index = np.tile(np.arange(len(mine)), repeats)
    repeated = mine.subset(index)
    mixed = PenDigits(pen_set.strokes + repeated.strokes,
                      np.concatenate([pen_set.labels, repeated.labels]),
                      np.concatenate([pen_set.writers.astype(str), repeated.writers.astype(str)]))
    return mixed, min(1.0, pen_share + weight)


# ------------------------------------------------------------------ export and import


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_there: int
    source: str

    def __str__(self) -> str:
        return f"{self.source}: {self.added} added, {self.already_there} already there"


def export_png_folder(drawings: Sequence[Drawing], folder) -> Path:
    """Each drawing's input as a 28x28 PNG (ink white on black, like MNIST) and
    ``labels.csv`` (``file,label``)."""
    from PIL import Image

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for drawing in drawings:
            name = f"{drawing.identity[:16]}.png"
            Image.fromarray(drawing.pixels, mode="L").save(folder / name)
            rows.append((name, drawing.label))
        with open(folder / LABELS_FILE, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["file", "label"])
            writer.writerows(rows)
    except OSError as exc:
        raise CollectionError(f"cannot export to {folder}: {exc.strerror or exc}") from None
    return folder


def read_png_folder(folder, collection: str | None = None) -> list[Drawing]:
    """Drawings from a folder of digit images with ``labels.csv`` (``file,label``), each
    image through the app's image path (any size, either polarity). Everything is checked
    first: a CollectionError names the first bad line."""
    from PIL import Image

    from .preprocess import ImageFileError, load_image, preprocess

    folder = Path(folder)
    labels_path = folder / LABELS_FILE
    collection = collection or folder.resolve().name
    try:
        with open(labels_path, newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle))
    except FileNotFoundError:
        raise CollectionError(f"{folder}: no {LABELS_FILE} (a header line file,label, then one "
                              "line per image)") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CollectionError(f"{labels_path}: cannot be read ({exc})") from None
    if not lines or [cell.strip() for cell in lines[0][:2]] != ["file", "label"]:
        raise CollectionError(f"{labels_path} line 1: the header must be file,label")
    drawings = []
    for number, cells in enumerate(lines[1:], 2):
        where = f"{labels_path} line {number}"
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) < 2:
            raise CollectionError(f"{where}: expected file,label")
        name, label_text = cells[0].strip(), cells[1].strip()
        label = _parse_label(label_text, where)
        try:
            ink = load_image(folder / name)
            with Image.open(folder / name) as image:
                grey = np.asarray(image.convert("L"))
        except (ImageFileError, OSError, ValueError) as exc:
            raise CollectionError(f"{where}: {exc}") from None
        steps = preprocess(ink)
        if not steps.has_digit:
            raise CollectionError(f"{where}: {name} holds no digit ({steps.reason})")
        drawings.append(Drawing(image_identity(grey), label, steps.model_input, None, collection, now()))
    return drawings


def export_idx(drawings: Sequence[Drawing], folder) -> tuple[Path, Path]:
    """The inputs and labels as MNIST-format IDX files (uint8, ink high)."""
    from .data import IMAGES_MAGIC, LABELS_MAGIC

    folder = Path(folder)
    count = len(drawings)
    images = np.stack([d.pixels for d in drawings]) if count else np.zeros((0, 28, 28), np.uint8)
    labels = np.array([d.label for d in drawings], np.uint8)
    paths = folder / IDX_IMAGES, folder / IDX_LABELS
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths[0].write_bytes(IMAGES_MAGIC.to_bytes(4, "big") + b"".join(
            n.to_bytes(4, "big") for n in (count, INPUT_SIZE, INPUT_SIZE)) + images.tobytes())
        paths[1].write_bytes(LABELS_MAGIC.to_bytes(4, "big") + count.to_bytes(4, "big") + labels.tobytes())
    except OSError as exc:
        raise CollectionError(f"cannot export to {folder}: {exc.strerror or exc}") from None
    return paths


def idx_pair(path) -> tuple[Path, Path]:
    """(images, labels) IDX files: ``path`` is the images file, or a folder holding one
    ``*images-idx3-ubyte[.gz]`` file and its labels file."""
    path = Path(path)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.name.endswith(("images-idx3-ubyte", "images-idx3-ubyte.gz")))
        if len(found) != 1:
            raise CollectionError(f"{path}: expected one *images-idx3-ubyte file, found {len(found)}")
        path = found[0]
    if "images-idx3" not in path.name:
        raise CollectionError(f"{path}: not an IDX images file (its name holds images-idx3)")
    labels = path.with_name(path.name.replace("images-idx3", "labels-idx1"))
    if not labels.is_file():
        raise CollectionError(f"{path}: no labels file {labels.name} beside it")
    return path, labels


def read_idx_files(path, collection: str | None = None) -> list[Drawing]:
    """Drawings from MNIST-format IDX files; each 28x28 image is taken as the input."""
    from .data import IMAGES_MAGIC, LABELS_MAGIC, DataError, read_idx

    images_path, labels_path = idx_pair(path)
    try:
        images = read_idx(images_path, IMAGES_MAGIC)
        labels = read_idx(labels_path, LABELS_MAGIC, len(images))
    except DataError as exc:
        raise CollectionError(str(exc)) from None
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        raise CollectionError(f"{labels_path}: label {labels[bad[0]]} of item {bad[0] + 1} is not a digit 0-9")
    collection = collection or images_path.name.split("-images-idx3")[0].split("images-idx3")[0].rstrip("-_.") or "idx"
    created = now()
    return [Drawing(image_identity(image), int(label), normalise(image.astype(np.float32) / 255), None,
                    collection, created) for image, label in zip(images, labels)]


def export_json(drawings: Sequence[Drawing], path) -> Path:
    """A JSON array of drawings, one per line: strokes, label, collection, time, network,
    reading, and the input (base64 float32) as the network saw it."""
    from .fileio import atomic_write

    lines = [json.dumps(_plain_drawing(d), separators=(",", ":")) for d in drawings]
    text = "[\n" + ",\n".join(lines) + "\n]\n"
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")), error=CollectionError)
    return Path(path)


def _plain_drawing(drawing: Drawing) -> dict:
    plain = {"id": drawing.identity, "label": drawing.label, "collection": drawing.collection,
             "created": drawing.created, "network": drawing.network,
             "weights_hash": drawing.weights_hash, "reading": drawing.reading,
             "confidence": drawing.confidence,
             "input": base64.b64encode(_input_to_blob(drawing.model_input)).decode("ascii")}
    if drawing.strokes is not None:
        plain["strokes"] = strokes_to_plain(drawing.strokes)
    else:
        plain["pixels"] = drawing.pixels.tolist()
    return plain


def read_json(path, collection: str | None = None) -> list[Drawing]:
    """Drawings from a JSON array as ``export_json`` writes it: each needs ``label`` and
    ``strokes`` (or ``pixels``, 28x28 0-255); the rest is optional. The identity is
    computed again, never trusted. A CollectionError names the first bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CollectionError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise CollectionError(f"{path}: not a text file") from None
    drawings = []
    for start, item in _json_array_items(path, text):
        where = f"{path} line {text.count(chr(10), 0, start) + 1}"
        try:
            drawings.append(_drawing_from_plain(item, collection))
        except (ValueError, TypeError, KeyError) as exc:
            message = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise CollectionError(f"{where}: {message}") from None
    return drawings


def _json_array_items(path: Path, text: str) -> Iterator[tuple[int, object]]:
    """(start offset, value) of each item of the JSON array ``text``, so errors can name
    the line an item starts on."""
    decoder = json.JSONDecoder()

    def fail(at: int, message: str):
        return CollectionError(f"{path} line {text.count(chr(10), 0, at) + 1}: {message}")

    def skip(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    at = skip(0)
    if text[at:at + 1] != "[":
        raise fail(at, "expected a JSON array of drawings ([ ... ])")
    at = skip(at + 1)
    if text[at:at + 1] == "]":
        at = skip(at + 1)
    else:
        while True:
            try:
                item, end = decoder.raw_decode(text, at)
            except json.JSONDecodeError as exc:
                raise CollectionError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from None
            yield at, item
            at = skip(end)
            if text[at:at + 1] == ",":
                at = skip(at + 1)
            elif text[at:at + 1] == "]":
                at = skip(at + 1)
                break
            else:
                raise fail(at, "expected , or ] after a drawing")
    if at != len(text):
        raise fail(at, "unexpected text after the array")


def _drawing_from_plain(item, collection: str | None) -> Drawing:
    if not isinstance(item, dict):
        raise ValueError("each drawing is a JSON object")
    label = item["label"]
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label <= 9:
        raise ValueError(f"label {label!r} is not a digit 0-9")
    model_input = None
    if item.get("input") is not None:
        try:
            model_input = _input_from_blob(base64.b64decode(item["input"], validate=True))
        except (ValueError, TypeError):
            raise ValueError("input is not 784 base64 float32 values") from None
    if "strokes" in item:
        strokes = strokes_from_plain(item["strokes"])
        identity = strokes_identity(strokes)
        if model_input is None:
            model_input = render_input(strokes)
            if model_input is None:
                raise ValueError("the strokes hold no digit")
    elif "pixels" in item:
        pixels = np.asarray(item["pixels"])
        if (pixels.shape != (INPUT_SIZE, INPUT_SIZE) or pixels.dtype.kind not in "iu"
                or pixels.min() < 0 or pixels.max() > 255):
            raise ValueError("pixels must be 28 rows of 28 whole numbers 0-255")
        pixels = pixels.astype(np.uint8)
        strokes, identity = None, image_identity(pixels)
        if model_input is None:
            model_input = normalise(pixels.astype(np.float32) / 255)
    else:
        raise ValueError("a drawing needs strokes or pixels")
    if not np.isfinite(model_input).all():
        raise ValueError("input holds values that are not finite")
    reading = item.get("reading")
    if reading is not None and (isinstance(reading, bool) or not isinstance(reading, int) or not 0 <= reading <= 9):
        raise ValueError(f"reading {reading!r} is not a digit 0-9")
    confidence = item.get("confidence")
    if confidence is not None and not isinstance(confidence, (int, float)):
        raise ValueError(f"confidence {confidence!r} is not a number")
    return Drawing(identity, label, model_input, strokes,
                   collection or str(item.get("collection") or DEFAULT_COLLECTION),
                   str(item.get("created") or now()), _optional_text(item, "network"),
                   _optional_text(item, "weights_hash"), reading,
                   None if confidence is None else float(confidence))


def _optional_text(item: dict, key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value


def _parse_label(text: str, where: str) -> int:
    if len(text) != 1 or not text.isdigit():
        raise CollectionError(f"{where}: label {text!r} is not a digit 0-9")
    return int(text)


FORMATS = ("png", "idx", "json")


def guess_format(path) -> str:
    """The export/import format a path names: .json is JSON; a folder with labels.csv is
    PNG; an IDX file, or a folder with one, is IDX."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return "json"
    if "idx3-ubyte" in path.name or (path.is_dir() and any(
            "images-idx3-ubyte" in p.name for p in path.iterdir())):
        return "idx"
    return "png"


def read_drawings_from(path, format: str | None = None, collection: str | None = None) -> list[Drawing]:
    """Every drawing in an export (any of ``FORMATS``), checked in full before anything is
    stored."""
    format = format or guess_format(path)
    if not Path(path).exists():
        raise CollectionError(f"{path}: no such file or folder")
    if format == "json":
        return read_json(path, collection)
    if format == "idx":
        return read_idx_files(path, collection)
    return read_png_folder(path, collection)


def import_drawings(target: Collection, path, format: str | None = None,
                    collection: str | None = None) -> ImportResult:
    """Read an export and store what is new in one transaction: a malformed file adds
    nothing; drawings already kept are skipped."""
    drawings = read_drawings_from(path, format, collection)
    added = target.insert_many(drawings)
    return ImportResult(added, len(drawings) - added, str(path))


def export_drawings(drawings: Sequence[Drawing], path, format: str | None = None):
    format = format or ("json" if Path(path).suffix.lower() == ".json" else "png")
    if format == "json":
        return export_json(drawings, path)
    if format == "idx":
        return export_idx(drawings, path)
    return export_png_folder(drawings, path)

"""My Digits: the SQLite collection of the user's drawings, its schema and migrations, bad
files, export and import, evaluation and training on it, and surviving SIGKILL."""

import json
import os
import select
import signal
import sqlite3
import time

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from torch import nn

from digitpad.collection import (
    APPLICATION_ID,
    DEFAULT_COLLECTION,
    SCHEMA_V1,
    SCHEMA_VERSION,
    Collection,
    CollectionError,
    Drawing,
    data_folder,
    default_database_path,
    evaluate_drawings,
    export_idx,
    export_json,
    export_png_folder,
    image_identity,
    import_drawings,
    input_pixels,
    is_held_out,
    mix_pen_sets,
    pen_digits,
    render_input,
    strokes_identity,
    weights_hash,
)
from digitpad.data import IMAGES_MAGIC, LABELS_MAGIC, Digits, read_idx
from digitpad.pendata import PenDigits
from digitpad.samples import SAMPLES, varied_strokes
from digitpad.strokes import PenStroke
from digitpad.train import TrainConfig, train
from digitpad.weights import load_model, shipped_weights_path


def drawings_by_hand(count, seed=0, tilt=0.0):
    """``count`` (strokes, label) pairs: the sample digits as one person's hand draws them,
    each a little different; ``tilt`` degrees turns the whole hand (a writer who leans)."""
    rng = np.random.default_rng(seed)
    angle = np.radians(tilt)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    drawn = []
    for i in range(count):
        sample = SAMPLES[i % len(SAMPLES)] if i < len(SAMPLES) else SAMPLES[rng.integers(len(SAMPLES))]
        strokes = []
        for points, factors in varied_strokes(sample, rng, pressure=True):
            points = ((points - 140) @ turn.T + 140).astype(np.float32)
            strokes.append(PenStroke.of(points, factors if i % 2 else None, width=12.0))
        drawn.append((strokes, sample.digit))
    return drawn


def unchanged(path):
    return path.read_bytes()


class FixedReader(nn.Module):
    """A 'network' that reads every drawing as ``digit``."""

    def __init__(self, digit):
        super().__init__()
        self.digit = digit
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, x):
        logits = torch.zeros(len(x), 10) + self.bias
        logits[:, self.digit] = 1.0
        return logits


# ------------------------------------------------------------------ storing and reading


def test_a_drawing_comes_back_exactly_as_it_was_stored(tmp_path):
    strokes, label = drawings_by_hand(2)[1]
    eraser = PenStroke.of([[100, 100], [140, 120]], width=30.0, erase=True)
    strokes = strokes + [eraser]
    model_input = render_input(strokes)
    with Collection(tmp_path / "digits.sqlite") as digits:
        stored = digits.add(strokes, label, model_input=model_input, collection="ana",
                            network="SimpleCNN", weights_hash="abc123", reading=7, confidence=0.62)
    with Collection(tmp_path / "digits.sqlite") as digits:  # a new session
        again = digits.get(stored.identity)
    assert again.identity == strokes_identity(strokes)
    assert (again.label, again.collection, again.network, again.weights_hash, again.reading) == (
        label, "ana", "SimpleCNN", "abc123", 7)
    assert again.confidence == pytest.approx(0.62)
    assert again.created == stored.created
    assert np.array_equal(again.model_input, model_input)
    assert len(again.strokes) == len(strokes)
    for kept, drawn in zip(again.strokes, strokes):
        assert np.array_equal(kept.points, drawn.points)
        assert (kept.factors is None) == (drawn.factors is None)
        if drawn.factors is not None:
            assert np.array_equal(kept.factors, drawn.factors)
        assert (kept.width, kept.erase) == (drawn.width, drawn.erase)


def test_the_same_strokes_are_kept_once_and_any_change_is_a_new_drawing(tmp_path):
    strokes, label = drawings_by_hand(1)[0]
    with Collection(tmp_path / "d.sqlite") as digits:
        first = digits.add(strokes, label)
        again = digits.add([PenStroke.of(s.points.copy(), s.factors, s.width) for s in strokes], 5)
        assert again.identity == first.identity and again.label == label and len(digits) == 1
        moved = [PenStroke.of(strokes[0].points + np.float32(0.5))] + list(strokes[1:])
        assert digits.add(moved, label).identity != first.identity
        assert len(digits) == 2


def test_new_files_are_wal_at_the_current_schema(tmp_path):
    path = tmp_path / "folder" / "d.sqlite"
    Collection(path).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_relabel_and_delete_return_what_undo_needs(tmp_path):
    with Collection(tmp_path / "d.sqlite") as digits:
        for strokes, label in drawings_by_hand(4):
            digits.add(strokes, label, network="SimpleCNN", reading=label)
        target = digits.drawings()[2]
        old = digits.relabel(target.identity, 9)
        assert old == target.label and digits.get(target.identity).label == 9
        digits.relabel(target.identity, old)  # undo
        assert digits.get(target.identity).summary() == target.summary()

        removed = digits.delete(target.identity)
        assert target.identity not in digits and len(digits) == 3
        assert digits.insert(removed)  # undo
        back = digits.get(target.identity)
        assert back.summary() == target.summary()
        assert np.array_equal(back.model_input, target.model_input)
        with pytest.raises(CollectionError, match="no drawing"):
            digits.delete("0" * 64)
        with pytest.raises(ValueError, match="digit 0-9"):
            digits.relabel(target.identity, 10)


def test_filters_counts_and_collections(tmp_path):
    with Collection(tmp_path / "d.sqlite") as digits:
        for i, (strokes, label) in enumerate(drawings_by_hand(30)):
            digits.add(strokes, label, collection="ana" if i % 3 else "ben")
        everything = digits.drawings()
        assert len(everything) == 30
        assert digits.counts() == list(np.bincount([d.label for d in everything], minlength=10))
        assert digits.collections() == {"ana": 20, "ben": 10}
        assert sum(digits.counts("ben")) == 10
        assert {d.label for d in digits.drawings(label=3)} == {3}
        assert all(d.collection == "ben" for d in digits.drawings(collection="ben"))
        held = digits.drawings(part="held-out")
        assert all(d.held_out for d in held) and not any(d.held_out for d in digits.drawings(part="train"))
        assert len(held) + len(digits.drawings(part="train")) == 30
        # A network that reads everything as 1 misreads exactly the drawings that are not 1s.
        misread = digits.drawings(misread_by=FixedReader(1))
        assert {d.identity for d in misread} == {d.identity for d in everything if d.label != 1}
        assert digits.stats()["count"] == 30 and digits.stats()["per_label"]["1"] == digits.counts()[1]


def test_the_held_out_part_is_a_fifth_chosen_by_identity_alone(tmp_path):
    identities = [image_identity(np.full((28, 28), i % 256, np.uint8) + np.uint8(i // 256)) for i in range(1000)]
    share = np.mean([is_held_out(i) for i in identities])
    assert 0.15 < share < 0.25
    strokes, label = drawings_by_hand(1)[0]
    with Collection(tmp_path / "a.sqlite") as a, Collection(tmp_path / "b.sqlite") as b:
        assert a.add(strokes, label).held_out == b.add(strokes, 4, collection="x").held_out


# ------------------------------------------------------------------ schema versions and bad files


def make_version_1(path, rows):
    with sqlite3.connect(path) as raw:
        raw.executescript(SCHEMA_V1)
        raw.executemany("INSERT INTO drawings VALUES (?, ?, ?, ?, ?)", rows)
        raw.execute("PRAGMA user_version = 1")
    raw.close()


def test_a_version_1_file_is_migrated_with_its_drawings(tmp_path):
    path = tmp_path / "old.sqlite"
    strokes, label = drawings_by_hand(1)[0]
    model_input = render_input(strokes)
    identity = strokes_identity(strokes)
    from digitpad.collection import strokes_to_plain
    make_version_1(path, [(identity, label, "2024-05-01T10:00:00+00:00",
                           json.dumps(strokes_to_plain(strokes)), model_input.astype("<f4").tobytes())])
    with Collection(path) as digits:
        assert len(digits) == 1
        drawing = digits.get(identity)
        assert (drawing.label, drawing.collection, drawing.created) == (
            label, DEFAULT_COLLECTION, "2024-05-01T10:00:00+00:00")
        assert drawing.reading is None and drawing.network is None
        assert np.array_equal(drawing.model_input, model_input)
        assert digits.drawings(part=drawing.part)[0].identity == identity
        digits.add(*drawings_by_hand(2)[1], collection="new")  # the new columns work
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_old_file_opened_read_only_is_not_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    make_version_1(path, [])
    before = unchanged(path)
    with pytest.raises(CollectionError, match="older collection"):
        Collection(path, readonly=True)
    assert unchanged(path) == before


def test_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.sqlite"
    Collection(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 3")
    raw.close()
    before = unchanged(path)
    with pytest.raises(CollectionError, match=r"newer digitpad \(schema 3"):
        Collection(path)
    assert unchanged(path) == before


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_file_gets_one_line_and_is_never_overwritten(tmp_path, content):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(content)
    for readonly in (False, True):
        with pytest.raises(CollectionError) as error:
            Collection(path, readonly=readonly)
        assert "\n" not in str(error.value) and str(path) in str(error.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.sqlite"]


def test_another_programs_database_is_not_taken_over(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE accounts (name TEXT)")
    raw.close()
    before = unchanged(path)
    with pytest.raises(CollectionError, match="not a digitpad collection"):
        Collection(path)
    assert unchanged(path) == before


def test_a_read_only_file_is_refused_for_writing_but_can_be_read(tmp_path):
    path = tmp_path / "ro.sqlite"
    with Collection(path) as digits:
        digits.add(*drawings_by_hand(1)[0])
    os.chmod(path, 0o444)
    before = unchanged(path)
    try:
        with pytest.raises(CollectionError, match="read-only"):
            Collection(path)
        with Collection(path, readonly=True) as digits:
            assert len(digits) == 1
            with pytest.raises(CollectionError, match="read-only"):
                digits.relabel(digits.drawings()[0].identity, 3)
    finally:
        os.chmod(path, 0o644)
    assert unchanged(path) == before


def test_a_locked_file_says_so_and_keeps_its_drawings(tmp_path):
    path = tmp_path / "d.sqlite"
    with Collection(path) as digits:
        digits.add(*drawings_by_hand(1)[0])
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program in the middle of a write
    try:
        with Collection(path, timeout=0.1) as digits:
            with pytest.raises(CollectionError, match="locked by another program"):
                digits.add(*drawings_by_hand(2)[1])
            assert len(digits) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Collection(path) as digits:
        assert len(digits) == 1


def test_a_missing_file_reads_as_empty_without_creating_it(tmp_path):
    with Collection(tmp_path / "none.sqlite", readonly=True) as digits:
        assert len(digits) == 0 and digits.counts() == [0] * 10
    assert not (tmp_path / "none.sqlite").exists()


def test_the_default_database_is_in_the_apps_data_folder(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_path() == tmp_path / "digitpad" / "digitpad" / "my-digits.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # ignored, as Qt does
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_folder() == tmp_path / "home" / ".local" / "share" / "digitpad" / "digitpad"


# ------------------------------------------------------------------ export and import


def filled(path, count=12, **kwargs):
    digits = Collection(path)
    for i, (strokes, label) in enumerate(drawings_by_hand(count)):
        digits.add(strokes, label, collection="ana" if i % 2 else "ben", **kwargs)
    return digits


def test_json_export_and_import_keep_every_drawing_and_merge(tmp_path):
    with filled(tmp_path / "a.sqlite", network="SimpleCNN", reading=3) as source:
        source.add_image(np.eye(28, dtype=np.uint8) * 255, 1, collection="scan")
        originals = source.drawings()
        export_json(originals, tmp_path / "digits.json")
        assert import_drawings(source, tmp_path / "digits.json").added == 0
    with Collection(tmp_path / "b.sqlite") as copy:
        result = import_drawings(copy, tmp_path / "digits.json")
        assert (result.added, result.already_there) == (13, 0)
        assert import_drawings(copy, tmp_path / "digits.json").added == 0
        for original in originals:
            again = copy.get(original.identity)
            assert again.summary() == original.summary()
            assert np.array_equal(again.model_input, original.model_input)
    assert json.loads((tmp_path / "digits.json").read_text())[0]["strokes"][0]["points"]


def test_png_folder_export_and_import(tmp_path):
    with filled(tmp_path / "a.sqlite") as source:
        originals = source.drawings()
        export_png_folder(originals, tmp_path / "png")
        lines = (tmp_path / "png" / "labels.csv").read_text().splitlines()
        assert lines[0] == "file,label" and len(lines) == 13
        image = np.asarray(Image.open(tmp_path / "png" / lines[1].split(",")[0]))
        assert image.shape == (28, 28) and np.array_equal(image, originals[0].pixels)
        # Its own drawings coming back are recognised by their pixels.
        assert import_drawings(source, tmp_path / "png").added == 0
    with Collection(tmp_path / "b.sqlite") as copy:
        assert import_drawings(copy, tmp_path / "png", collection="back").added == 12
        assert sorted(d.label for d in copy.drawings()) == sorted(d.label for d in originals)
        assert all(d.kind == "image" and d.collection == "back" for d in copy.drawings())
        assert import_drawings(copy, tmp_path / "png").added == 0


def test_any_folder_of_digit_images_imports_through_the_image_path(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, line in (("one.png", [(60, 20), (60, 100)]), ("seven.jpg", [(30, 20), (90, 20), (50, 100)])):
        image = Image.new("RGB", (120, 120), "white")
        ImageDraw.Draw(image).line(line, fill="black", width=9)  # dark on light, large
        image.save(folder / name)
    (folder / "labels.csv").write_text("file,label\none.png,1\nseven.jpg,7\n")
    with Collection(tmp_path / "d.sqlite") as digits:
        assert import_drawings(digits, folder).added == 2
        model = load_model(shipped_weights_path()).model
        result = evaluate_drawings(model, digits.drawings())
        assert result.count == 2 and result.accuracy == 1.0
        assert {d.collection for d in digits.drawings()} == {"scans"}


def test_idx_export_reads_as_mnist_and_imports(tmp_path):
    with filled(tmp_path / "a.sqlite") as source:
        originals = source.drawings()
        images_path, labels_path = export_idx(originals, tmp_path / "idx")
        images = read_idx(images_path, IMAGES_MAGIC)
        labels = read_idx(labels_path, LABELS_MAGIC, len(images))
        assert images.shape == (12, 28, 28)
        assert np.array_equal(images[3], input_pixels(originals[3].model_input))
        assert list(labels) == [d.label for d in originals]
        assert import_drawings(source, tmp_path / "idx").added == 0
    with Collection(tmp_path / "b.sqlite") as copy:
        assert import_drawings(copy, images_path).added == 12
        assert np.array_equal(copy.drawings()[0].pixels, images[0])


@pytest.mark.parametrize("name, content, line", [
    ("labels.csv", "file,label\na.png,1\nb.png,x\n", 3),
    ("labels.csv", "file,label\na.png,1\nmissing.png,2\n", 3),
    ("labels.csv", "name,digit\na.png,1\n", 1),
    ("digits.json", None, 3),
    ("digits.json", '[\n{"label": 1, "pixels": [[0]]}\n]', 2),
    ("digits.json", '[\n{"label": 1,\n "strokes": [{"points": [[1, 2], [3]]}]}\n', 2),
])
def test_a_malformed_import_adds_nothing_and_names_the_line(tmp_path, name, content, line):
    with filled(tmp_path / "a.sqlite", count=4) as digits:
        export_png_folder(digits.drawings()[:2], tmp_path / "in")
        (tmp_path / "in" / (digits.drawings()[0].identity[:16] + ".png")).rename(tmp_path / "in" / "a.png")
        if content is None:  # two good drawings, then a bad label on the third line
            export_json(digits.drawings()[:2], tmp_path / "in" / name)
            text = (tmp_path / "in" / name).read_text().splitlines()
            text[2] = text[2].replace('"label":', '"label":12,"old":')
            (tmp_path / "in" / name).write_text("\n".join(text))
        else:
            (tmp_path / "in" / name).write_text(content)
        before = [d.summary() for d in digits.drawings()]
        with Collection(tmp_path / "empty.sqlite") as empty:
            with pytest.raises(CollectionError, match=f"line {line}:") as error:
                import_drawings(empty, tmp_path / "in" / name if name.endswith(".json") else tmp_path / "in")
            assert len(empty) == 0 and "\n" not in str(error.value)
        assert [d.summary() for d in digits.drawings()] == before


def test_a_broken_idx_file_adds_nothing(tmp_path):
    with filled(tmp_path / "a.sqlite", count=3) as source:
        images_path, _ = export_idx(source.drawings(), tmp_path / "idx")
    images_path.write_bytes(images_path.read_bytes()[:-5])
    with Collection(tmp_path / "b.sqlite") as digits:
        with pytest.raises(CollectionError, match="follow"):
            import_drawings(digits, tmp_path / "idx")
        assert len(digits) == 0


# ------------------------------------------------------------------ evaluating and training


def test_evaluation_renders_strokes_again_and_counts_confusions(tmp_path):
    with filled(tmp_path / "a.sqlite", count=20) as digits:
        drawings = digits.drawings()
    result = evaluate_drawings(FixedReader(4), drawings)
    labels = np.array([d.label for d in drawings])
    assert result.accuracy == pytest.approx(np.mean(labels == 4))
    assert result.confusion[:, 4].sum() == 20 and result.confusion.sum() == 20
    assert result.per_class[4] == 1.0 and (result.per_class[2] == 0.0 or result.per_class[2] is None)
    assert result.held_out_count == sum(d.held_out for d in drawings)
    model = load_model(shipped_weights_path()).model
    assert evaluate_drawings(model, drawings).accuracy >= 0.9
    assert len(weights_hash(model)) == 16 and weights_hash(model) != weights_hash(FixedReader(1))


def test_pen_data_leaves_out_images_and_erased_drawings_and_mixes_by_weight(tmp_path):
    with filled(tmp_path / "a.sqlite", count=6) as digits:
        digits.add_image(np.eye(28, dtype=np.uint8) * 255, 1)
        strokes, label = drawings_by_hand(7)[6]
        digits.add(strokes + [PenStroke.of([[0, 0], [50, 50]], width=20, erase=True)], label)
        mine, left_out = pen_digits(digits.drawings())
    assert (len(mine), left_out) == (6, 2)
    assert set(mine.writers) == {"ana", "ben"}
    alone, share = mix_pen_sets(None, 0.0, mine, 0.2)
    assert alone is mine and share == 0.2
    big = PenDigits(mine.strokes * 100, np.tile(mine.labels, 100), np.full(600, "unipen"))
    mixed, share = mix_pen_sets(big, 0.3, mine, 0.1)
    assert share == pytest.approx(0.4)
    ours = np.mean(mixed.writers != "unipen")
    assert ours == pytest.approx(0.1 / 0.4, abs=0.02)  # a quarter of the pen rows: 0.1 of 0.4


@pytest.mark.slow
def test_training_on_the_collection_improves_its_held_out_part(tmp_path, mnist_train):
    """The Done-when story: 60 drawings of a hand that leans back, stored, trained on,
    measured on the held-out fifth before and after."""
    with Collection(tmp_path / "mine.sqlite") as digits:
        for strokes, label in drawings_by_hand(60, seed=1, tilt=-32):
            digits.add(strokes, label)
        training, _ = pen_digits(digits.drawings(part="train"))
        held_out = digits.drawings(part="held-out")
        seen = digits.drawings(part="train")
    model = load_model(shipped_weights_path()).model
    before = evaluate_drawings(model, held_out).accuracy
    before_seen = evaluate_drawings(model, seen).accuracy
    replay = Digits(mnist_train.images[:3000], mnist_train.labels[:3000])
    config = TrainConfig(epochs=1, batch_size=64, lr=2e-3, pen_share=0.3, augmentation=None)
    *_, done = train(config, replay, model=model, pen_set=training)
    after = evaluate_drawings(done.model, held_out).accuracy
    after_seen = evaluate_drawings(done.model, seen).accuracy
    print(f"\nheld-out accuracy on {len(held_out)} of 60 drawings: before {before:.1%}, after {after:.1%}; "
          f"training part ({len(seen)}): before {before_seen:.1%}, after {after_seen:.1%}")
    assert len(held_out) >= 6
    assert after_seen > before_seen
    assert after >= before


# ------------------------------------------------------------------ crash safety


KILLS = 40


def _writer(path, pipe, pool, start):
    """Child process: keep adding drawings, one at a time or ten in one transaction,
    and say which ones were committed, until killed."""
    try:
        digits = Collection(path, timeout=10)
        counter = start
        while True:
            batch = []
            for _ in range(10 if counter % 4 == 0 else 1):
                strokes = [PenStroke.of(s + np.float32(counter % 97), width=counter % 7 + 1)
                           for s in pool[counter % len(pool)]]
                batch.append(Drawing(strokes_identity(strokes), counter % 10,
                                     np.full((28, 28), counter % 3, np.float32),
                                     tuple(strokes), "crash", network="SimpleCNN", reading=counter % 10))
                counter += 1
            digits.insert_many(batch)
            os.write(pipe, "".join(d.identity + "\n" for d in batch).encode())
    finally:
        os._exit(1)


def test_killing_a_writer_never_damages_the_file_or_loses_a_commit(tmp_path):
    path = tmp_path / "crash.sqlite"
    Collection(path).close()
    rng = np.random.default_rng(0)
    pool = [[rng.uniform(0, 280, (rng.integers(20, 200), 2)).astype(np.float32) for _ in range(3)]
            for _ in range(5)]
    committed, checks, start, deadline = set(), 0, 0, time.monotonic() + 120
    for kill in range(KILLS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _writer(path, write_end, pool, start)
        os.close(write_end)
        received = b""
        wanted = int(rng.integers(1, 12))  # commits to see before killing
        while received.count(b"\n") < wanted:
            ready, _, _ = select.select([read_end], [], [], 20)
            assert ready, "the writer stopped committing"
            received += os.read(read_end, 65536)
        time.sleep(rng.uniform(0, 0.004))  # land anywhere in the next write
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_end, 65536):  # commits reported before the kill
            received += chunk
        os.close(read_end)
        lines = received.decode().splitlines()
        committed.update(lines)
        start += 10_000  # each writer draws new drawings

        raw = sqlite3.connect(path)
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in raw.execute("SELECT id FROM drawings")}
        raw.close()
        checks += 1
        assert committed <= stored, f"kill {kill + 1}: {len(committed - stored)} committed drawings lost"
        assert time.monotonic() < deadline
    with Collection(path) as digits:
        assert len(digits) >= len(committed)
        assert all(digits.get(i) is not None for i in list(committed)[:50])
    print(f"\ncrash test: {KILLS} SIGKILLs, {checks} integrity checks passed, "
          f"{len(committed)} committed drawings all present")

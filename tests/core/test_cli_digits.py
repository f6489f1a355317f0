"""`digitpad digits list|stats|export|import`, `eval --digits` and `train --digits`: the
collection from the command line, with one-line errors for bad files."""

import json
import sqlite3

import numpy as np
import pytest

from digitpad import cli
from digitpad.collection import Collection
from digitpad.data import Digits
from digitpad.samples import SAMPLES, varied_strokes
from digitpad.weights import read_weights


def run(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # errors end with a message, as the console script shows it
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def fill(path, count=25, seed=0):
    rng = np.random.default_rng(seed)
    with Collection(path) as digits:
        for i in range(count):
            sample = SAMPLES[i % len(SAMPLES)]
            digits.add(varied_strokes(sample, rng), sample.digit, collection="ana" if i % 2 else "ben",
                       network="SimpleCNN", reading=sample.digit)
    return str(path)


def test_stats_and_list_as_json(tmp_path, capsys):
    db = fill(tmp_path / "d.sqlite")
    code, out, err = run(capsys, "digits", "stats", "--db", db, "--json")
    assert code == 0 and err == ""
    stats = json.loads(out)
    assert stats["count"] == 25 and sum(stats["per_label"].values()) == 25
    assert set(stats["per_label"]) == {str(d) for d in range(10)}
    assert stats["collections"] == {"ana": 12, "ben": 13}
    code, out, _ = run(capsys, "digits", "list", "--db", db, "--json", "--collection", "ana", "--label", "1")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows and all(r["collection"] == "ana" and r["label"] == 1 for r in rows)
    code, out, _ = run(capsys, "digits", "list", "--db", db)
    assert code == 0 and len(out.splitlines()) == 25


def test_the_default_database_is_the_apps_and_missing_reads_as_empty(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    code, out, _ = run(capsys, "digits", "stats", "--json")
    assert code == 0 and json.loads(out)["count"] == 0
    assert not (tmp_path / "digitpad").exists()  # reading creates nothing
    exported = tmp_path / "elsewhere.sqlite"
    fill(exported, count=5)
    run(capsys, "digits", "export", str(tmp_path / "mine.json"), "--db", str(exported))
    code, out, _ = run(capsys, "digits", "import", str(tmp_path / "mine.json"))
    assert code == 0 and "5 added" in out
    assert (tmp_path / "digitpad" / "digitpad" / "my-digits.sqlite").is_file()
    assert json.loads(run(capsys, "digits", "stats", "--json")[1])["count"] == 5


@pytest.mark.parametrize("format_, target", [("json", "out.json"), ("png", "png"), ("idx", "idx")])
def test_export_then_import_merges_without_duplicates(tmp_path, capsys, format_, target):
    db = fill(tmp_path / "d.sqlite")
    path = str(tmp_path / target)
    code, out, _ = run(capsys, "digits", "export", path, "--db", db, "--format", format_)
    assert code == 0 and "25 drawings" in out
    code, out, _ = run(capsys, "digits", "import", path, "--db", db, "--json")
    assert code == 0 and json.loads(out) == {"path": path, "added": 0, "already_there": 25}
    other = str(tmp_path / "other.sqlite")
    code, out, _ = run(capsys, "digits", "import", path, "--db", other)
    assert code == 0 and "25 added, 0 already there" in out
    assert json.loads(run(capsys, "digits", "stats", "--db", other, "--json")[1])["count"] == 25


def test_a_malformed_import_names_the_line_and_adds_nothing(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "labels.csv").write_text("file,label\nmissing.png,4\n")
    db = fill(tmp_path / "d.sqlite", count=3)
    code, out, err = run(capsys, "digits", "import", str(folder), "--db", db)
    assert code != 0 and out == ""
    assert "labels.csv line 2" in str(code) and "nothing was imported" in str(code)
    assert "\n" not in str(code) and "Traceback" not in err
    assert json.loads(run(capsys, "digits", "stats", "--db", db, "--json")[1])["count"] == 3


@pytest.mark.parametrize("problem, message", [
    ("corrupt", "damaged"), ("newer", "newer digitpad"), ("read-only", "read-only"), ("locked", "locked")])
def test_bad_database_files_get_one_line_and_stay_as_they_were(tmp_path, capsys, problem, message):
    path = tmp_path / "d.sqlite"
    fill(path, count=2)
    (tmp_path / "in.json").write_text("[]")
    holder = None
    if problem == "corrupt":
        path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 3000)
        for extra in ("-wal", "-shm"):
            (tmp_path / f"d.sqlite{extra}").unlink(missing_ok=True)
    elif problem == "newer":
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA user_version = 7")
        raw.close()
    elif problem == "read-only":
        path.chmod(0o444)
    else:
        holder = sqlite3.connect(path, isolation_level=None, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
    before = path.read_bytes()
    try:
        code, _, err = run(capsys, "digits", "import", str(tmp_path / "in.json"), "--db", str(path))
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
        path.chmod(0o644)
    assert code != 0 and isinstance(code, str) and message in code and "\n" not in code
    assert "Traceback" not in err
    assert path.read_bytes() == before


def test_eval_on_the_collection(tmp_path, capsys):
    db = fill(tmp_path / "d.sqlite", count=30)
    code, out, _ = run(capsys, "eval", "--digits", db, "--device", "cpu", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["drawings"] == 30 and result["accuracy"] >= 0.9
    assert len(result["per_class"]) == 10 and np.array(result["confusion"]).sum() == 30
    assert result["held_out_drawings"] == sum(
        d.held_out for d in Collection(db, readonly=True).drawings())
    code, out, _ = run(capsys, "eval", "--digits", db, "--device", "cpu")
    assert code == 0 and "accuracy:" in out and "confusion" in out and "held out:" in out


def test_list_misread_by_the_network(tmp_path, capsys):
    db = fill(tmp_path / "d.sqlite", count=10)
    with Collection(db) as digits:
        wrong = digits.drawings()[0]
        digits.relabel(wrong.identity, (wrong.label + 1) % 10)  # surely misread now
    code, out, _ = run(capsys, "digits", "list", "--db", db, "--misread", "--json")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert code == 0 and wrong.identity in ids


def test_train_mixes_the_collection_in(tmp_path, capsys, monkeypatch, mnist_train, mnist_test, mnist_dir):
    subsets = {"train": Digits(mnist_train.images[:1000], mnist_train.labels[:1000]),
               "test": Digits(mnist_test.images[:200], mnist_test.labels[:200])}
    monkeypatch.setattr("digitpad.data.load_mnist", lambda folder, split: subsets[split])
    db = fill(tmp_path / "d.sqlite", count=30)
    out_path = tmp_path / "mine.pt"
    code, out, err = run(capsys, "train", "--data", str(mnist_dir), "--epochs", "1", "--batch-size", "100",
                         "--device", "cpu", "--no-augment", "--digits", db, "--digits-weight", "0.2",
                         "--out", str(out_path))
    assert code == 0, err
    assert "20% from" in err and "pen validation" in err
    assert "your held-out drawings:" in out
    pen = read_weights(out_path).metadata["pen_data"]
    assert pen["share"] == 0.2 and pen["my_digits"]["weight"] == 0.2
    assert pen["drawings"] == len(Collection(db, readonly=True).drawings(part="train"))

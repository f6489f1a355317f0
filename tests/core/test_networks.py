"""Networks of the user's own: opened from a Python file or ONNX, held to the contract
before anything is replaced, trained, saved with their spec, and exported to ONNX that
onnxruntime and digitpad's own import read back with the same probabilities."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn

from digitpad import cli
from digitpad.capture import FeatureCapture
from digitpad.data import Digits
from digitpad.models import MODEL_SPECS, arch_name, create_model, fresh_copy
from digitpad.networks import (
    NetworkError,
    check_contract,
    export_onnx,
    forget,
    import_python_file,
    network_candidates,
    onnx_constants,
    open_network,
    parse_reference,
)
from digitpad.session import Session
from digitpad.train import DoneEvent, TrainConfig, train
from digitpad.weights import WeightsError, load_model, read_weights, save_weights

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LESSON_NET = f"{EXAMPLES / 'lesson_net.py'}:LessonNet"
LENET = f"{EXAMPLES / 'lenet5.py'}:LeNet5"
TOLERANCE = 1e-5

onnxruntime = pytest.importorskip("onnxruntime")


@pytest.fixture(autouse=True)
def registry_as_it_was():
    """Each test's networks are forgotten after it, as in a new session."""
    before = set(MODEL_SPECS)
    yield
    for name in set(MODEL_SPECS) - before:
        forget(name)


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code))
    return path


def probabilities(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model(x).softmax(1).numpy()


def onnxruntime_probabilities(path: Path, x: torch.Tensor) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    logits = session.run(None, {"input": x.numpy()})[0]
    return torch.from_numpy(logits).softmax(1).numpy()


def inputs(count: int = 8) -> torch.Tensor:
    return torch.randn(count, 1, 28, 28, generator=torch.Generator().manual_seed(1))


# ---------------------------------------------------------------------------- opening


def test_the_lesson_network_opens_with_every_kind_of_parameter_holder():
    opened = open_network(LESSON_NET)
    model = opened.model
    assert opened.source.name == "LessonNet" and opened.source.file == "lesson_net.py"
    assert len(opened.source.sha256) == 64 and not opened.trained
    assert MODEL_SPECS[opened.spec.name] is opened.spec and arch_name(model) == opened.spec.name
    names = dict(model.named_parameters())
    assert {"block_gains.0", "block_gains.1", "head_mix.coarse", "head_mix.fine", "temperature",
            "heads.fine.2.weight", "features.1.0.weight"} <= set(names)
    assert "input_shift" in dict(model.named_buffers())
    assert isinstance(model.heads, nn.ModuleDict) and isinstance(model.block_gains, nn.ParameterList)
    # Built again by name, copied, hooked: a user network is a registry network like any other.
    again = create_model(opened.spec.name)
    assert type(again) is type(model) and arch_name(again) == opened.spec.name
    copy = fresh_copy(model)
    assert arch_name(copy) == opened.spec.name
    np.testing.assert_array_equal(probabilities(copy, inputs()), probabilities(model, inputs()))
    with FeatureCapture(model) as capture, torch.no_grad():
        model(inputs(1))
        assert list(capture.outputs()) == ["features.0.0", "features.1.0"]


def test_lenet5_opens_as_the_only_network_in_its_file():
    opened = open_network(EXAMPLES / "lenet5.py")  # no class named: the only candidate
    assert opened.source.name == "LeNet5"
    assert [n for n, m in opened.model.named_modules() if isinstance(m, nn.Conv2d)] == ["conv1", "conv2"]


def test_a_file_is_run_once_per_content_and_its_candidates_found(tmp_path):
    path = write(tmp_path, "two.py", """
        import torch.nn as nn
        RUNS = []
        RUNS.append(1)
        class Helper(nn.Module):
            def __init__(self, width):
                super().__init__()
        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 10)
            def forward(self, x):
                return self.fc(x.flatten(1))
        def make() -> nn.Module:
            return A()
        def train():
            raise SystemExit("never called")
    """)
    module = import_python_file(path)
    assert import_python_file(path) is module and module.RUNS == [1]
    assert network_candidates(module) == ["A", "make"]
    with pytest.raises(NetworkError, match="name the network to open"):
        open_network(path)
    assert open_network(path, "make").source.name == "make"


def test_references_split_at_the_last_colon():
    assert parse_reference("net.py:Net") == (Path("net.py"), "Net")
    assert parse_reference("C:\\nets\\net.py:Net") == (Path("C:\\nets\\net.py"), "Net")
    assert parse_reference("net.onnx") == (Path("net.onnx"), None)


BROKEN = {
    "wrong_shape.py": ("""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 128)
            def forward(self, x):
                return self.fc(x.flatten(1))
    """, r"returned shape \(1, 128\)"),
    "wrong_channels.py": ("""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(8 * 26 * 26, 10)
            def forward(self, x):
                return self.fc(self.conv(x).flatten(1))
    """, r"fails on a float input of shape \(1, 1, 28, 28\): RuntimeError: .*3 channels"),
    "raises.py": ("""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 10)
            def forward(self, x):
                raise ValueError("not written yet")
    """, "fails on a float input .*ValueError: not written yet"),
    "returns_tuple.py": ("""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 10)
            def forward(self, x):
                logits = self.fc(x.flatten(1))
                return logits, logits.softmax(1)
    """, "returned a tuple of 2 items; digitpad needs one tensor of 10 logits"),
    "one_at_a_time.py": ("""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 10)
            def forward(self, x):
                return self.fc(x.view(1, 784))
    """, r"input of shape \(2, 1, 28, 28\)"),
    "cannot_import.py": ("""
        import torch.nn as nn
        import a_module_nobody_has
    """, "cannot_import.py failed to import: ModuleNotFoundError"),
    "cannot_build.py": ("""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 10)
                self.fc.weight.view(3, -1)
    """, r"Net\(\) failed: RuntimeError"),
    "quits.py": ("""
        import sys
        sys.exit("bye")
    """, "quits.py failed to import: SystemExit: bye"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_network_says_what_is_wrong_and_registers_nothing(tmp_path, name):
    code, message = BROKEN[name]
    path = write(tmp_path, name, code)
    before = dict(MODEL_SPECS)
    with pytest.raises(NetworkError, match=message) as raised:
        open_network(path, "Net")
    assert MODEL_SPECS == before
    if "fails on" in message or "failed" in message:
        assert "Traceback" in raised.value.details


def test_the_contract_is_checked_on_a_model_as_it_is():
    check_contract(create_model("SimpleCNN"))
    with pytest.raises(NetworkError, match="no parameters"):
        check_contract(nn.Sequential(nn.Flatten()))


def test_a_failed_open_leaves_the_live_network_as_it_was(tmp_path):
    session = Session(create_model("SimpleCNN"))
    model = session.model
    with pytest.raises(NetworkError):
        open_network(write(tmp_path, "bad.py", BROKEN["wrong_shape.py"][0]), "Net")
    assert session.model is model and session.arch == "SimpleCNN"


# ---------------------------------------------------------------------------- ONNX


def shipped_or_example(which: str) -> nn.Module:
    if which in ("SimpleCNN", "DeepCNN"):
        return Session.shipped(which)[0].model
    return open_network(LESSON_NET if which == "LessonNet" else LENET).model


@pytest.mark.parametrize("which", ["SimpleCNN", "DeepCNN", "LessonNet", "LeNet5"])
def test_export_gives_onnxruntime_and_the_import_the_same_probabilities(tmp_path, which):
    model = shipped_or_example(which)
    path = tmp_path / f"{which}.onnx"
    exported = export_onnx(model, path)
    assert exported.path == path and exported.seconds > 0
    x = inputs()
    live = probabilities(model, x)
    np.testing.assert_allclose(onnxruntime_probabilities(path, x), live, atol=TOLERANCE, rtol=0)
    reopened = open_network(path)  # no code runs: onnx2torch rebuilds named layers
    assert reopened.trained and reopened.source.kind == "onnx"
    np.testing.assert_allclose(probabilities(reopened.model, x), live, atol=TOLERANCE, rtol=0)
    assert any(isinstance(m, nn.Conv2d) for m in reopened.model.modules())


def test_an_export_keeps_edits_and_leaves_the_live_model_unhooked(tmp_path):
    session = Session.shipped("SimpleCNN", capture_types=(nn.Conv2d,))[0]
    with torch.no_grad():
        session.model.conv1.weight[0].zero_()
    hooks = sum(len(m._forward_hooks) for m in session.model.modules())
    export_onnx(session.model, tmp_path / "edited.onnx")
    assert sum(len(m._forward_hooks) for m in session.model.modules()) == hooks
    x = inputs()
    np.testing.assert_allclose(onnxruntime_probabilities(tmp_path / "edited.onnx", x),
                               probabilities(session.model, x), atol=TOLERANCE, rtol=0)


def test_a_parameter_the_round_trip_made_a_constant_is_named_so(tmp_path):
    export_onnx(shipped_or_example("SimpleCNN"), tmp_path / "s.onnx")
    reopened = open_network(tmp_path / "s.onnx")
    assert "scale" not in dict(reopened.model.named_parameters())
    constants = onnx_constants(reopened.model)
    assert len(constants) == 1 and dict(reopened.model.named_buffers())[constants[0]].numel() == 1


def test_an_operator_the_converter_lacks_is_named_with_its_opset(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Hardmax", ["input"], ["logits"])], "g",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, None)])
    path = tmp_path / "hardmax.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)]), path)
    with pytest.raises(NetworkError, match=r"the operator Hardmax \(opset 19\).*re-export it with opset 17"):
        open_network(path)


def test_an_onnx_network_that_breaks_the_contract_is_refused(tmp_path):
    export_onnx(nn.Sequential(nn.Flatten(), nn.Linear(784, 128)), tmp_path / "wide.onnx")
    with pytest.raises(NetworkError, match=r"returned shape \(1, 128\)"):
        open_network(tmp_path / "wide.onnx")


def test_not_an_onnx_file_says_so(tmp_path):
    (tmp_path / "junk.onnx").write_bytes(b"not protobuf at all \xff\xfe")
    with pytest.raises(NetworkError, match="not a readable ONNX file"):
        open_network(tmp_path / "junk.onnx")


# ---------------------------------------------------------------------------- weights


def test_saved_weights_record_the_network_and_load_into_it(tmp_path):
    opened = open_network(LENET)
    session = Session(opened.model)
    saved = session.save(tmp_path / "lenet.pt")
    network = read_weights(saved).metadata["network"]
    assert network == {"kind": "python", "file": "lenet5.py", "class": "LeNet5",
                       "sha256": opened.source.sha256}
    loaded = load_model(saved)
    assert loaded.arch == opened.spec.name and loaded.note == ""
    save_weights(tmp_path / "lenet.safetensors", opened.model)
    assert load_model(tmp_path / "lenet.safetensors").arch == opened.spec.name


def test_weights_of_another_version_load_with_a_note_and_of_an_unopened_network_not(tmp_path):
    code = (EXAMPLES / "lenet5.py").read_text()
    first = open_network(write(tmp_path, "mine.py", code), "LeNet5")
    saved = save_weights(tmp_path / "mine.pt", first.model)
    # The file changes, and the old version is no longer registered (a new session).
    forget(first.spec.name)
    changed = open_network(write(tmp_path, "mine.py", code + "\n# a comment\n"), "LeNet5")
    session = Session(changed.model)
    note = session.open(saved)
    assert "saved from another version of mine.py:LeNet5" in note
    assert session.arch == changed.spec.name
    forget(changed.spec.name)
    with pytest.raises(WeightsError, match="made for the network mine.py:LeNet5 .* which is not open"):
        load_model(saved, arch="SimpleCNN")


def test_a_user_network_trains(mnist_train, mnist_test, tmp_path):
    opened = open_network(LESSON_NET)
    train_set = Digits(mnist_train.images[:2000], mnist_train.labels[:2000])
    test_set = Digits(mnist_test.images[:500], mnist_test.labels[:500])
    config = TrainConfig(arch=opened.spec.name, epochs=1, batch_size=64, lr=0.01, augmentation=None)
    done = list(train(config, train_set, test_set, out=tmp_path / "lesson.pt"))[-1]
    assert isinstance(done, DoneEvent) and done.test_accuracy > 0.5  # chance is 0.10
    assert read_weights(tmp_path / "lesson.pt").metadata["network"]["class"] == "LessonNet"


# ---------------------------------------------------------------------------- command line


def test_cli_export_writes_onnx_and_safetensors_of_the_weights_given(tmp_path, capsys):
    opened = open_network(LENET)
    weights = save_weights(tmp_path / "w.pt", opened.model)
    onnx_path, tensors = tmp_path / "out.onnx", tmp_path / "out.safetensors"
    assert cli.main(["export", "--model", LENET, "--weights", str(weights), "--onnx", str(onnx_path),
                     "--safetensors", str(tensors)]) == 0
    assert "ONNX opset 17" in capsys.readouterr().out
    x = inputs()
    np.testing.assert_allclose(onnxruntime_probabilities(onnx_path, x), probabilities(opened.model, x),
                               atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(probabilities(load_model(tensors).model, x), probabilities(opened.model, x),
                               atol=TOLERANCE, rtol=0)


def test_cli_export_of_the_shipped_network_and_its_mistakes(tmp_path, capsys):
    assert cli.main(["export", "--onnx", str(tmp_path / "simple.onnx")]) == 0
    x = inputs()
    np.testing.assert_allclose(onnxruntime_probabilities(tmp_path / "simple.onnx", x),
                               probabilities(shipped_or_example("SimpleCNN"), x), atol=TOLERANCE, rtol=0)
    with pytest.raises(SystemExit, match="say what to write"):
        cli.main(["export"])
    with pytest.raises(SystemExit, match=r"cannot open the network .*returned shape \(1, 128\)"):
        bad = write(tmp_path, "bad.py", BROKEN["wrong_shape.py"][0])
        cli.main(["export", "--model", f"{bad}:Net", "--onnx", str(tmp_path / "bad.onnx")])
    assert not (tmp_path / "bad.onnx").exists()


def test_cli_predict_with_a_network_of_ones_own(tmp_path, capsys):
    from PIL import Image

    opened = open_network(LENET)
    weights = save_weights(tmp_path / "w.pt", opened.model)
    picture = tmp_path / "seven.png"
    image = np.zeros((28, 28), np.uint8)
    image[5:8, 6:22] = 255
    image[8:24, 18:21] = 255
    Image.fromarray(image).save(picture)
    assert cli.main(["predict", "--model", LENET, "--weights", str(weights), "--json", str(picture)]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[0])
    assert 0 <= result["digit"] <= 9
    with pytest.raises(SystemExit, match="has no trained weights"):
        cli.main(["predict", "--model", LENET, str(picture)])


def test_a_modules_output_is_hooked_on_demand_and_unhooked_after():
    from digitpad.capture import hook_count
    from digitpad.classifier import Classifier

    opened = open_network(LESSON_NET)
    classifier = Classifier(opened.model)
    hooks = hook_count(opened.model)
    classifier.show_output("heads.coarse")
    assert hook_count(opened.model) == hooks + 1 and classifier.shown_outputs == ("heads.coarse",)
    prediction = classifier.classify(np.pad(np.ones((20, 4), np.float32), 4))
    assert prediction.feature_maps["heads.coarse"].shape == (10,)
    classifier.show_output("heads.coarse", False)
    assert hook_count(opened.model) == hooks and "heads.coarse" not in classifier.classify(
        np.pad(np.ones((20, 4), np.float32), 4)).feature_maps
    with pytest.raises(ValueError, match="no module"):
        classifier.show_output("nowhere")

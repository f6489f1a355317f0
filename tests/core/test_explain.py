import numpy as np
import pytest
import torch
import torch.nn.functional as F

from digitpad.anatomy import anatomy
from digitpad.capture import hook_count
from digitpad.classifier import Classifier
from digitpad.explain import EXACT, GRAD_CAM, SALIENCY, Evidence, Explainer, spread_matrix, to_input
from digitpad.models import create_model
from digitpad.synthetic import render_strokes


@pytest.fixture
def seven():
    """A 7 drawn on a 280x280 canvas, off centre, as a user would."""
    return render_strokes([[(60, 50), (170, 50), (100, 200)], [(90, 125), (150, 125)]])


@pytest.fixture
def simple(simple_model):
    classifier = Classifier(simple_model)
    return classifier, Explainer(classifier)


def pooled_by_hand(model, model_input):
    x = torch.from_numpy(model_input).view(1, 1, 28, 28)
    with torch.no_grad():
        return F.max_pool2d(F.relu(model.conv1(x)), 2)[0].double().numpy()


def test_anatomy_finds_the_linear_head_only_where_there_is_one():
    simple = anatomy(create_model("SimpleCNN"))
    assert (simple.head, simple.linear_source, simple.last_conv, simple.last_map) == (
        "fc", "pool", "conv1", "pool")
    deep = anatomy(create_model("DeepCNN"))
    assert deep.linear_source is None  # ReLU and dropout sit between the maps and the head
    assert (deep.head, deep.last_conv, deep.last_map, deep.grad_cam_layer) == (
        "classifier.4", "block2.0", "block2.3", "block2.2")


def test_exact_split_sums_to_each_logit_minus_the_scaled_bias(simple, seven):
    classifier, explainer = simple
    prediction = classifier.classify(seven)
    model = classifier.model
    h = pooled_by_hand(model, prediction.model_input)
    scale = float(model.scale.detach())
    for target in range(10):
        evidence = explainer.explain(prediction, target)
        assert evidence.method == EXACT and evidence.layer == "pool"
        assert evidence.grid.shape == (13, 13) and evidence.input_map.shape == (28, 28)
        bias_term = scale * float(model.fc.bias[target].detach())
        assert evidence.bias_term == pytest.approx(bias_term, rel=1e-5, abs=1e-6)
        explained = float(prediction.logits[target]) - bias_term
        assert float(evidence.grid.sum()) == pytest.approx(explained, rel=1e-4, abs=1e-4)
        assert float(evidence.input_map.sum()) == pytest.approx(explained, rel=1e-4, abs=1e-4)
        assert float(evidence.channel_totals.sum()) == pytest.approx(explained, rel=1e-4, abs=1e-4)
        by_hand = scale * (model.fc.weight[target].detach().double().numpy().reshape(16, 13, 13) * h).sum(0)
        np.testing.assert_allclose(evidence.grid, by_hand, rtol=1e-4, atol=1e-5)
    # The predicted class is the one whose positions and bias add up to the most.
    totals = [explainer.explain(prediction, c).grid.sum() + explainer.explain(prediction, c).bias_term
              for c in range(10)]
    assert int(np.argmax(totals)) == prediction.digit


def test_exact_split_reads_the_classifiers_own_forward_pass(simple, seven):
    classifier, explainer = simple
    explainer.explain(classifier.classify(seven))  # first call: asks the classifier for "pool"
    prediction = classifier.classify(seven)
    assert "pool" in prediction.feature_maps and "conv1" in prediction.feature_maps
    calls = []
    handle = classifier.model.register_forward_pre_hook(lambda *_: calls.append(1))
    try:
        evidence = explainer.explain(prediction)
    finally:
        handle.remove()
    assert calls == [] and evidence.method == EXACT


def test_exact_split_follows_an_edited_scale(simple, seven):
    classifier, explainer = simple
    before = explainer.explain(classifier.classify(seven), 3)
    with torch.no_grad():
        classifier.model.scale.mul_(2.0)
    classifier.invalidate()
    after = explainer.explain(classifier.classify(seven), 3)
    assert after.method == EXACT
    assert after.bias_term == pytest.approx(2 * before.bias_term, rel=1e-5)
    np.testing.assert_allclose(after.grid, 2 * before.grid, rtol=1e-4, atol=1e-5)


def test_spread_keeps_totals_and_centres_cells_on_their_receptive_fields():
    weights = spread_matrix(13)
    np.testing.assert_allclose(weights.sum(axis=0), 1.0)
    # Pooled cell k of SimpleCNN sees input pixels 2k..2k+3: its weight peaks there.
    assert set(np.flatnonzero(weights[:, 5] == weights[:, 5].max())) <= {11, 12}
    grid = np.random.default_rng(0).normal(size=(7, 7))
    assert to_input(grid).sum() == pytest.approx(grid.sum(), rel=1e-5)
    np.testing.assert_array_equal(spread_matrix(28), np.eye(28))


def test_evidence_lands_on_the_users_strokes(simple, seven):
    classifier, explainer = simple
    prediction = classifier.classify(seven)
    evidence = explainer.explain(prediction)
    assert evidence.source_shape == seven.shape
    # Put the 28x28 input itself back on the canvas: it must cover the strokes drawn.
    placed = Evidence(**{**evidence.__dict__, "input_map": prediction.steps.centred}).on_source()
    ink, back = seven > 0.5, placed > 0.3
    assert (ink & back).sum() / (ink | back).sum() > 0.7
    overlay = evidence.on_source()
    assert overlay.shape == seven.shape
    x, y, width, height = evidence.input_rect
    rows, cols = np.mgrid[: seven.shape[0], : seven.shape[1]] + 0.5
    outside = (rows < y) | (rows >= y + height) | (cols < x) | (cols >= x + width)
    assert outside.any() and np.all(overlay[outside] == 0)
    assert np.abs(overlay[~outside]).max() == pytest.approx(np.abs(evidence.input_map).max(), rel=0.05)


def test_grad_cam_matches_a_hand_computation_and_leaves_nothing_behind(seven):
    torch.manual_seed(0)
    model = create_model("DeepCNN").eval()
    classifier = Classifier(model)
    explainer = Explainer(classifier)
    explainer.anatomy()  # the classifier now also captures the deepest map and Grad-CAM's
    prediction = classifier.classify(seven)
    hooks = hook_count(model)
    assert hooks == classifier.capture.handle_count == 4  # two convs, block2.2 and block2.3
    with torch.no_grad():
        evidence = explainer.explain(prediction, 4)
        assert not torch.is_grad_enabled()
    assert evidence.method == GRAD_CAM and evidence.layer == "block2.2"
    assert evidence.grid.shape == (14, 14)
    assert hook_count(model) == hooks
    assert all(p.grad is None for p in model.parameters())

    x = torch.from_numpy(prediction.model_input).view(1, 1, 28, 28)
    activation = model.block2[:3](model.block1(x)).detach().requires_grad_(True)
    logit = model.classifier(model.block2[3:](activation))[0, 4]
    grad, = torch.autograd.grad(logit, activation)
    by_hand = (grad[0].mean(dim=(1, 2))[:, None, None] * activation[0]).sum(0).detach().numpy()
    np.testing.assert_allclose(evidence.grid, by_hand, rtol=1e-4, atol=1e-6)
    assert evidence.logit == pytest.approx(float(prediction.logits[4]), rel=1e-5, abs=1e-5)
    assert explainer.explain(prediction).method == GRAD_CAM  # the default without an exact split
    with pytest.raises(ValueError, match="no exact split"):
        explainer.explain(prediction, method=EXACT)


def test_saliency_is_gradient_times_ink(simple, seven):
    classifier, explainer = simple
    prediction = classifier.classify(seven)
    evidence = explainer.explain(prediction, 7, method=SALIENCY)
    assert evidence.method == SALIENCY and evidence.grid.shape == (28, 28)
    x = torch.from_numpy(prediction.model_input).view(1, 1, 28, 28).requires_grad_(True)
    grad, = torch.autograd.grad(classifier.model(x)[0, 7], x)
    by_hand = grad[0, 0].numpy() * prediction.steps.centred / 0.3081
    np.testing.assert_allclose(evidence.grid, by_hand, rtol=1e-4, atol=1e-6)
    assert np.all(evidence.grid[prediction.steps.centred == 0] == 0)
    assert all(p.grad is None for p in classifier.model.parameters())


def test_bad_requests_are_refused_clearly(simple, seven):
    classifier, explainer = simple
    with pytest.raises(ValueError, match="no digit"):
        explainer.explain(classifier.classify(np.zeros((50, 50))))
    prediction = classifier.classify(seven)
    with pytest.raises(ValueError, match="unknown method"):
        explainer.explain(prediction, method="lime")
    with pytest.raises(ValueError, match="no class 10"):
        explainer.explain(prediction, 10)


def test_grad_cam_is_not_sign_inverted():
    """Hiding the drawing where Grad-CAM is most positive must lower the read digit's
    logit more than hiding it where the map is most negative. Weighing the conv output
    before BatchNorm and ReLU turned the shipped DeepCNN's maps blue for a clear 8."""
    from digitpad.preprocess import BLANK_INPUT
    from digitpad.weights import load_model, shipped_weights_path

    model = load_model(shipped_weights_path("DeepCNN")).model.eval()
    classifier = Classifier(model)
    explainer = Explainer(classifier)
    drawings = {
        8: [[(140, 40), (90, 70), (140, 130), (190, 190), (140, 240), (90, 190), (140, 130),
             (190, 70), (140, 40)]],
        7: [[(60, 50), (170, 50), (100, 200)], [(90, 125), (150, 125)]],
        1: [[(140, 40), (140, 240)]],
        4: [[(100, 40), (80, 150), (200, 150)], [(170, 60), (170, 240)]],
    }

    def deletion_score(model_input, digit, order):
        """The logit summed over the input with ever more pixels blanked, in ``order``
        (the deletion measure of saliency maps): low when ``order`` starts with what matters."""
        masked, total = model_input.copy().reshape(-1), 0.0
        for start in range(0, 196, 28):
            masked[order[start:start + 28]] = BLANK_INPUT
            with torch.no_grad():
                total += float(model(torch.from_numpy(masked).view(1, 1, 28, 28))[0, digit])
        return total

    assert explainer.anatomy().grad_cam_layer == "block2.2"  # the ReLU after the last conv
    agreeing = []
    for digit, strokes in drawings.items():
        prediction = classifier.classify(render_strokes(strokes))
        assert prediction.digit == digit
        evidence = explainer.explain(prediction)
        assert evidence.method == GRAD_CAM and evidence.layer == "block2.2"
        inked = prediction.model_input.reshape(-1) > BLANK_INPUT + 0.5  # on the strokes only
        values = np.where(inked, evidence.input_map.reshape(-1), np.nan)
        positive_first = np.argsort(-np.nan_to_num(values, nan=-np.inf))
        negative_first = np.argsort(np.nan_to_num(values, nan=np.inf))
        agreeing.append(deletion_score(prediction.model_input, digit, positive_first)
                        < deletion_score(prediction.model_input, digit, negative_first))
    # Grad-CAM is coarse (one 7x7 map), so one drawing may disagree; an inverted map fails most.
    assert sum(agreeing) >= 3, agreeing  # the same maps negated give the opposite answers


def separate_pass(model, model_input, target, layer):
    """Grad-CAM (``layer``) or saliency (``""``) as digitpad made them before the shared
    pass: hooks and a forward and backward pass of their own."""
    from digitpad.capture import FeatureCapture
    from digitpad.preprocess import BLANK_INPUT

    x = torch.from_numpy(model_input).view(1, 1, 28, 28).requires_grad_(True)
    names = (layer,) if layer else ()
    with torch.enable_grad(), FeatureCapture(model, types=(), names=names, keep_graph=True) as capture:
        logits = model(x)
        if layer:
            activation = capture.latest()[layer]
            grad, = torch.autograd.grad(logits[0, target], activation)
            grid = (grad[0].mean(dim=(1, 2))[:, None, None] * activation[0]).sum(dim=0)
        else:
            grad, = torch.autograd.grad(logits[0, target], x)
            grid = grad[0, 0] * (x[0, 0].detach() - BLANK_INPUT)
    return grid.detach().numpy(), float(logits[0, target].detach())


def shipped_or_seeded(arch):
    from digitpad.weights import load_model, shipped_weights_path

    if shipped_weights_path(arch).is_file():
        return load_model(shipped_weights_path(arch)).model
    torch.manual_seed(0)
    return create_model(arch)


@pytest.mark.parametrize("arch, method", [("DeepCNN", None), ("DeepCNN", SALIENCY),
                                          ("SimpleCNN", GRAD_CAM), ("SimpleCNN", SALIENCY)])
def test_gradient_maps_from_the_shared_pass_equal_a_separate_pass(arch, method, seven):
    from digitpad.capture import FEATURE_MAP_TYPES

    model = shipped_or_seeded(arch)
    classifier = Classifier(model, capture_types=FEATURE_MAP_TYPES, record_shapes=True)  # as the app
    explainer = Explainer(classifier)
    calls = []
    counter = model.register_forward_hook(lambda *_: calls.append(1))
    for target in (None, 3):
        requests = explainer.gradient_requests(target, method)
        assert len(requests) == 1
        calls.clear()
        prediction = classifier.classify(seven, gradients=requests)
        assert len(calls) == 1
        evidence = explainer.explain(prediction, target, method)
        assert len(calls) == 1  # read from the prediction's pass: no pass of its own
        assert evidence.method == (method or GRAD_CAM)
        digit = prediction.digit if target is None else target
        assert evidence.target == digit
        reference, logit = separate_pass(model, prediction.model_input, digit, evidence.layer)
        np.testing.assert_allclose(evidence.grid, reference, rtol=1e-5, atol=1e-7)
        assert evidence.logit == pytest.approx(logit, rel=1e-6, abs=1e-6)

        # Not asked for with the prediction: one pass of the classifier, the same map.
        plain = classifier.classify(seven)
        assert plain.gradients == {}
        calls.clear()
        again = explainer.explain(plain, target, method)
        assert len(calls) == 1
        np.testing.assert_array_equal(again.grid, evidence.grid)
        assert again.logit == evidence.logit
    # Autograd on changes nothing the other views read from the same pass.
    np.testing.assert_allclose(prediction.logits, plain.logits, rtol=1e-6, atol=1e-6)
    assert list(prediction.feature_maps) == list(plain.feature_maps)
    for name, values in plain.feature_maps.items():
        np.testing.assert_allclose(prediction.feature_maps[name], values, rtol=1e-6, atol=1e-6)
    assert prediction.output_shapes == plain.output_shapes
    assert all(p.grad is None for p in model.parameters())
    counter.remove()
    assert hook_count(model) == classifier.capture.handle_count  # none left behind


def test_what_an_explanation_asks_of_the_forward_pass(simple):
    classifier, explainer = simple
    assert explainer.gradient_requests() == ()  # the exact split reads the maps
    assert explainer.gradient_requests(4, EXACT) == ()
    grad_cam, = explainer.gradient_requests(4, GRAD_CAM)
    assert (grad_cam.target, grad_cam.module) == (4, "pool")
    saliency, = explainer.gradient_requests(None, SALIENCY)
    assert (saliency.target, saliency.module) == (None, "")
    with pytest.raises(ValueError, match="unknown method"):
        explainer.gradient_requests(method="lime")
    deep = Explainer(Classifier(create_model("DeepCNN")))
    request, = deep.gradient_requests()
    assert request.module == "block2.2"


class OwnNetwork(torch.nn.Module):
    """A network as a user might write one: nested blocks, in-place ReLUs, a pooled head."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(inplace=True),
                                      nn.MaxPool2d(2), nn.Conv2d(8, 12, 3), nn.ReLU(inplace=True))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(48, 10))

    def forward(self, x):
        return self.head(self.features(x))


@pytest.mark.parametrize("method", [GRAD_CAM, SALIENCY])
def test_any_networks_gradient_maps_come_from_its_one_pass(method, seven):
    from digitpad.capture import FEATURE_MAP_TYPES

    torch.manual_seed(0)
    model = OwnNetwork().eval()
    classifier = Classifier(model, capture_types=FEATURE_MAP_TYPES, record_shapes=True)
    explainer = Explainer(classifier)
    request, = explainer.gradient_requests(None, method)  # after probing the network once
    assert request.module == ("features.4" if method == GRAD_CAM else "")  # found generically
    calls = []
    counter = model.register_forward_hook(lambda *_: calls.append(1))
    prediction = classifier.classify(seven, gradients=[request])
    evidence = explainer.explain(prediction, None, method)
    assert len(calls) == 1
    counter.remove()
    reference, logit = separate_pass(model, prediction.model_input, prediction.digit, evidence.layer)
    np.testing.assert_allclose(evidence.grid, reference, rtol=1e-5, atol=1e-7)
    assert evidence.logit == pytest.approx(logit, rel=1e-6, abs=1e-6)
    # The in-place ReLU after the last conv changes not the conv's map the views show.
    assert prediction.feature_maps["features.3"].min() < 0

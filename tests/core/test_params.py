import pytest

from digitpad.models import ARCHITECTURES, SimpleCNN, create_model
from digitpad.params import format_shape, summarize_parameters


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_one_row_per_named_parameter_with_its_statistics(arch):
    model = create_model(arch)
    table = summarize_parameters(model)
    named = list(model.named_parameters())
    assert [row.name for row in table] == [name for name, _ in named]
    for row, (_, param) in zip(table, named):
        values = param.detach().double()
        assert row.shape == tuple(param.shape) and row.numel == param.numel()
        assert row.dtype == "float32" and row.device == "cpu" and row.requires_grad
        assert row.mean == pytest.approx(values.mean().item())
        assert row.std == pytest.approx(values.std(correction=0).item())
        assert (row.min, row.max) == (values.min().item(), values.max().item())
    assert table.total == sum(p.numel() for _, p in named)


def test_simplecnn_totals_and_the_scalar_scale():
    model = SimpleCNN()
    model.fc.requires_grad_(False)
    table = summarize_parameters(model)
    scale = table.rows[0]
    assert scale.name == "scale" and scale.shape == () and scale.numel == 1
    assert scale.mean == scale.min == scale.max == 1.0 and scale.std == 0.0
    assert table.total == 1 + 16 * 9 + 16 + 10 * 2704 + 10 == 27211
    assert table.trainable == 1 + 16 * 9 + 16
    assert [row.requires_grad for row in table] == [True, True, True, False, False]
    assert format_shape((16, 1, 3, 3)) == "[16, 1, 3, 3]"


@pytest.mark.cuda
def test_device_is_reported():
    table = summarize_parameters(SimpleCNN().cuda())
    assert {row.device for row in table} == {"cuda:0"}

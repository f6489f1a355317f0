"""Summaries of ``named_parameters()``: what the model has learnt, in numbers."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass(frozen=True)
class ParameterSummary:
    name: str
    shape: tuple[int, ...]
    numel: int
    dtype: str
    device: str
    requires_grad: bool
    mean: float
    std: float
    min: float
    max: float


@dataclass(frozen=True)
class ParameterTable:
    rows: tuple[ParameterSummary, ...]
    total: int  # elements in all parameters
    trainable: int  # elements in parameters with requires_grad

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def summarize_tensor(name: str, tensor: torch.Tensor, requires_grad: bool) -> ParameterSummary:
    values = tensor.detach().double()
    if values.numel():
        std = values.std(correction=0).item()  # population std: 0 for a scalar, not NaN
        stats = values.mean().item(), std, values.min().item(), values.max().item()
    else:
        stats = (float("nan"),) * 4
    return ParameterSummary(
        name=name,
        shape=tuple(tensor.shape),
        numel=tensor.numel(),
        dtype=str(tensor.dtype).removeprefix("torch."),
        device=str(tensor.device),
        requires_grad=requires_grad,
        mean=stats[0],
        std=stats[1],
        min=stats[2],
        max=stats[3],
    )


def summarize_parameters(model: nn.Module) -> ParameterTable:
    """One row per entry of ``model.named_parameters()``, in that order, and totals."""
    rows = tuple(
        summarize_tensor(name, param, param.requires_grad)
        for name, param in model.named_parameters()
    )
    return ParameterTable(
        rows=rows,
        total=sum(row.numel for row in rows),
        trainable=sum(row.numel for row in rows if row.requires_grad),
    )


def format_shape(shape) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"

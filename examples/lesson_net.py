"""A network written the way the lesson teaches, using every way PyTorch has of holding
parameters: nested nn.Sequential blocks, an nn.ParameterList, register_parameter, an
nn.ModuleDict of heads, an nn.ParameterDict and a buffer.

Open it in digitpad with File > Open Network... or ``digitpad --model examples/lesson_net.py:LessonNet``.
"""

import torch
import torch.nn as nn


def conv_block(in_channels, out_channels):
    """Convolution, ReLU and 2x2 max-pooling: halves the map."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class LessonNet(nn.Module):
    def __init__(self):
        super().__init__()
        # Blocks inside a block: 28x28 -> 14x14 -> 7x7.
        self.features = nn.Sequential(conv_block(1, 8), conv_block(8, 16))
        # One learnt gain per channel of each block.
        self.block_gains = nn.ParameterList([nn.Parameter(torch.ones(8, 1, 1)),
                                             nn.Parameter(torch.ones(16, 1, 1))])
        # Two heads read the same features; their mix is learnt too.
        self.heads = nn.ModuleDict({
            "coarse": nn.Linear(16 * 7 * 7, 10),
            "fine": nn.Sequential(nn.Linear(16 * 7 * 7, 32), nn.ReLU(), nn.Linear(32, 10)),
        })
        self.head_mix = nn.ParameterDict({"coarse": nn.Parameter(torch.tensor(0.5)),
                                          "fine": nn.Parameter(torch.tensor(0.5))})
        self.register_parameter("temperature", nn.Parameter(torch.tensor(1.0)))
        # Saved with the weights but never trained.
        self.register_buffer("input_shift", torch.zeros(1))

    def forward(self, x):
        x = x - self.input_shift
        for block, gain in zip(self.features, self.block_gains):
            x = block(x) * gain
        x = x.flatten(1)
        logits = sum(self.head_mix[name] * head(x) for name, head in self.heads.items())
        return logits / self.temperature

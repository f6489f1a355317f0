"""LeNet-5 (LeCun et al., 1998) for 28x28 digits, as lessons write it today: ReLU and
max-pooling where the original had squashing functions and sub-sampling.

Open it in digitpad with File > Open Network... or ``digitpad --model examples/lenet5.py:LeNet5``.
"""

import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)  # 28x28, padded as the original's 32x32
        self.pool1 = nn.MaxPool2d(2)  # -> 14x14
        self.conv2 = nn.Conv2d(6, 16, 5)  # -> 10x10
        self.pool2 = nn.MaxPool2d(2)  # -> 5x5
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

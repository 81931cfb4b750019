"""Golden values for DigitLabCore, computed once with PyTorch and stored as JSON.

Run:  /tmp/torch-venv/bin/python Tests/DigitLabCoreTests/Fixtures/make_golden.py
Each case: a small nn.Sequential on 1x6x6 inputs with weights set by a formula, a batch,
labels; stored: logits, cross-entropy loss, every parameter's gradient (state_dict order),
and the input gradient. Batchnorm runs in training mode (batch statistics).
"""
import json, math, os
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # reference in double; Swift runs Float32


def fill(model):
    k = 0
    for name, p in model.named_parameters():
        with torch.no_grad():
            flat = p.view(-1)
            for i in range(flat.numel()):
                flat[i] = 0.5 * math.sin(1.3 * k + 0.7) + (1.0 if name.endswith("weight") and p.dim() == 1 else 0.0)
                k += 1


CASES = {
    "conv_relu_maxpool_dense": (
        ["conv 3 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 4", "leakyrelu", "dense 3"],
        lambda: nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(27, 4), nn.LeakyReLU(0.01), nn.Linear(4, 3))),
    "stride_batchnorm_tanh_avgpool_sigmoid": (
        ["conv 2 3x3 stride 2 pad 1", "batchnorm", "tanh", "avgpool 3", "flatten", "dense 5", "batchnorm", "sigmoid", "dense 3"],
        lambda: nn.Sequential(nn.Conv2d(1, 2, 3, stride=2, padding=1), nn.BatchNorm2d(2), nn.Tanh(), nn.AvgPool2d(3),
                              nn.Flatten(), nn.Linear(2, 5), nn.BatchNorm1d(5), nn.Sigmoid(), nn.Linear(5, 3))),
}

def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def fill_scaled(model):
    """Weights 0.5·sin(1.3k + 0.7)/√fan_in (k counts every parameter value in order)."""
    k = 0
    for m in model:
        if not isinstance(m, (nn.Conv2d, nn.Linear)):
            continue
        fan_in = m.weight[0].numel()
        for p in (m.weight, m.bias):
            with torch.no_grad():
                flat = p.view(-1)
                for i in range(flat.numel()):
                    flat[i] = 0.5 * math.sin(1.3 * k + 0.7) / math.sqrt(fan_in)
                    k += 1


out = {}
# LeNet at full size, batch 13: uneven parallel parts and several im2col groups.
# Inputs and weights come from formulas (rebuilt in Swift); only results are stored,
# and gradients as sums, squared sums and their first values, to keep the file small.
model = lenet()
fill_scaled(model)
n = 13
x = torch.tensor([[math.sin(0.05 * i + 0.3 * b) for i in range(784)] for b in range(n)]).view(n, 1, 28, 28)
x.requires_grad_(True)
labels = torch.tensor([b % 10 for b in range(n)])
logits = model(x)
loss = F.cross_entropy(logits, labels)
loss.backward()
out["lenet5_batch13"] = {
    "logits": logits.detach().view(-1).tolist(),
    "loss": loss.item(),
    "gradient_sums": [p.grad.sum().item() for p in model.parameters()],
    "gradient_squares": [(p.grad ** 2).sum().item() for p in model.parameters()],
    "gradient_heads": [p.grad.view(-1)[:16].tolist() for p in model.parameters()],
    "input_gradient_sum": x.grad.sum().item(),
}

for name, (layers, build) in CASES.items():
    model = build()
    fill(model)
    model.train()
    n = 4
    x = torch.tensor([[math.cos(0.37 * i + 0.11 * b) for i in range(36)] for b in range(n)]).view(n, 1, 6, 6)
    x.requires_grad_(True)
    labels = torch.tensor([0, 2, 1, 2])
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    out[name] = {
        "layers": layers,
        "input": x.detach().view(-1).tolist(),
        "labels": labels.tolist(),
        "parameters": [p.detach().view(-1).tolist() for p in model.parameters()],
        "logits": logits.detach().view(-1).tolist(),
        "loss": loss.item(),
        "gradients": [p.grad.view(-1).tolist() for p in model.parameters()],
        "input_gradient": x.grad.view(-1).tolist(),
    }

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)

"""A model file made by PyTorch, for DigitLab to load (the other direction of the format).

Run once:  /tmp/torch-venv/bin/python Tests/DigitLabIOTests/Fixtures/make_model_golden.py
Trains the reference LeNet-5 for 200 steps, saves its state_dict with safetensors plus
DigitLab's metadata, and stores PyTorch's probabilities for the first 10 test images.
"""
import json, os, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "shared", "bench"))
from mnist_idx import load_mnist  # noqa: E402

torch.manual_seed(3)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
trx, try_, tex, tey = load_mnist(os.path.join(HERE, "..", "..", "..", "data", "mnist"))
norm = lambda x: torch.from_numpy(x.astype(np.float32)).div_(255).sub_(0.1307).div_(0.3081).unsqueeze(1)
xtr, ytr = norm(trx[:12800]), torch.from_numpy(try_[:12800].astype(np.int64))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for i in range(200):
    opt.zero_grad(); F.cross_entropy(model(xtr[i * 64:(i + 1) * 64]), ytr[i * 64:(i + 1) * 64]).backward(); opt.step()
model.eval()
with torch.no_grad():
    probs = F.softmax(model(norm(tex[:10])), dim=1)

architecture = ('{"input":[1,28,28],"layers":[{"conv":{"filters":6,"kernel":5,"padding":{"fixed":{"_0":2}},"stride":1}},'
                '{"activation":{"_0":"relu"}},{"maxpool":{"size":2}},{"conv":{"filters":16,"kernel":5,"padding":{"fixed":{"_0":0}},"stride":1}},'
                '{"activation":{"_0":"relu"}},{"maxpool":{"size":2}},{"flatten":{}},{"dense":{"units":120}},{"activation":{"_0":"relu"}},'
                '{"dense":{"units":84}},{"activation":{"_0":"relu"}},{"dense":{"units":10}}]}')
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(HERE, "pytorch-lenet5.safetensors"),
          metadata={"format": "digitlab-model", "architecture": architecture, "normalization_mean": "0.1307",
                    "normalization_std": "0.3081", "classes": json.dumps([str(c) for c in range(10)]),
                    "training": '{"steps": 200, "made_by": "PyTorch"}'})
with open(os.path.join(HERE, "pytorch-lenet5-probabilities.json"), "w") as f:
    json.dump(probs.tolist(), f)
print("ok", probs.argmax(1).tolist(), tey[:10].tolist())

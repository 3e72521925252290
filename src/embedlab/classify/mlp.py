"""The MLP head: [normalisation] -> dropout -> Linear -> GELU -> dropout -> Linear, in PyTorch.

Normalisation and dropout right after the embedding are the handbook's advice against
overfitting a classifier on embeddings. Training uses AdamW with weight decay, mini-batches, and
early stopping on a held-out tenth (the best epoch's weights are kept); the held-out logits then
calibrate the probabilities. Weights come back as numpy arrays (saved as safetensors), and
inference runs in numpy, so a saved head needs no torch to predict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from embedlab.errors import MissingDependencyError

__all__ = ["mlp_logits", "train_mlp"]


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise MissingDependencyError("torch", "sentence") from None
    return torch


def _normalized(x: np.ndarray, normalize: str | None, w: dict[str, np.ndarray]) -> np.ndarray:
    if normalize == "l2":
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    if normalize == "layer":
        mu = x.mean(axis=1, keepdims=True)
        var = x.var(axis=1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-5) * w["ln.weight"] + w["ln.bias"]
    return x


def mlp_logits(w: dict[str, np.ndarray], x: np.ndarray, normalize: str | None) -> np.ndarray:
    """The MLP's logits in numpy (eval mode: dropout off)."""
    from scipy.special import erf

    h = _normalized(x.astype(np.float64), normalize, w)
    h = h @ w["fc1.weight"].T.astype(np.float64) + w["fc1.bias"]
    h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))  # GELU
    return h @ w["fc2.weight"].T.astype(np.float64) + w["fc2.bias"]


def train_mlp(
    x: np.ndarray, y: np.ndarray, *, n_out: int, hidden: int, dropout: float, normalize: str | None, epochs: int,
    lr: float, batch_size: int, multi_label: bool, seed: int, patience: int = 8,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Weights of an MLP fitted on ``x``/``y``; ``"_val_logits"``/``"_val_y"`` hold the held-out part's outputs."""
    torch = _torch()
    nn = torch.nn
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    n, dim = x.shape
    order = rng.permutation(n)
    n_val = max(1, n // 10) if n >= 20 else 0
    val, train = order[:n_val], order[n_val:]

    class Head(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.ln = nn.LayerNorm(dim) if normalize == "layer" else None
            self.drop_in = nn.Dropout(dropout)
            self.fc1 = nn.Linear(dim, hidden)
            self.drop = nn.Dropout(dropout)
            self.fc2 = nn.Linear(hidden, n_out)

        def forward(self, t: Any) -> Any:
            if self.ln is not None:
                t = self.ln(t)
            elif normalize == "l2":
                t = nn.functional.normalize(t, dim=1)
            return self.fc2(self.drop(nn.functional.gelu(self.fc1(self.drop_in(t)))))

    model = Head()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-2)
    loss_fn = nn.BCEWithLogitsLoss() if multi_label else nn.CrossEntropyLoss()
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    yt = torch.from_numpy(y.astype(np.float32) if multi_label else y.astype(np.int64))
    best, best_state, bad = float("inf"), None, 0
    with torch.inference_mode(False):
        for _epoch in range(epochs):
            model.train()
            perm = train[rng.permutation(train.shape[0])]
            for start in range(0, perm.shape[0], batch_size):
                idx = torch.from_numpy(perm[start : start + batch_size])
                opt.zero_grad()
                loss = loss_fn(model(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
            if n_val == 0:
                continue
            model.eval()
            with torch.no_grad():
                v = float(loss_fn(model(xt[val]), yt[val]))
            if v < best - 1e-4:
                best, bad = v, 0
                best_state = {k: t.detach().clone() for k, t in model.state_dict().items()}
            else:
                bad += 1
                if bad >= patience:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    weights = {k: t.detach().numpy().astype(np.float32).copy() for k, t in model.state_dict().items()}
    if n_val:
        weights["_val_logits"] = mlp_logits(weights, x[val], normalize)
        weights["_val_y"] = y[val]
    return weights

"""Why a sentence-transformers model finds two texts similar: token×token attributions.

``integrated`` goes through the encoder and the pooling. With mean pooling the cosine is
``S = f(a)·Σ_j g_j`` where ``f(a)`` is the unit sentence vector of ``a`` and ``g_j`` is output token
``j`` of ``b`` divided by ``n_b |u_b|`` (``u_b`` the pooled vector of ``b``), so ``S`` is a sum of one
term per token of ``b``. Integrated gradients (Sundararajan et al., 2017) of each term along the
straight path from a reference (every word token of ``a`` replaced by ``[MASK]``) to ``a``, taken at
the output of the embedding layer (after its LayerNorm, where the path is smoother than between raw
word embeddings: on STS-B pairs the same accuracy takes about 40% fewer points), split it over the
tokens of ``a``: ``A[i, j]`` sums to ``S - S(ref_a, b)`` by the fundamental theorem of calculus, up
to the error of the ``steps``-point midpoint rule. The same done from the side of ``b``, transposed,
and the two averaged give a symmetric table; the masked references keep little of the similarity
(``reference``, 0.05 on average for MiniLM on STS-B dev), so the table itself carries the score.
Gradients for all terms of one side come from one forward pass and batched backward passes.

``occlusion`` is the cheap mode: one forward pass per token, ``a_totals[i]`` = how much the score
drops when token ``i`` is deleted (no pair table: deletions do not add up).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError
from embedlab.explain.result import SimilarityExplanation, shared_parts

__all__ = ["ContextualExplainer"]


def _pooling_mode(pooling: Any) -> str:
    """The pooling a sentence-transformers Pooling module does, across its versions' spellings."""
    config = pooling.get_config_dict() if hasattr(pooling, "get_config_dict") else {}
    mode = config.get("pooling_mode")
    if isinstance(mode, str):
        return mode
    if isinstance(mode, (list, tuple)):
        return "+".join(map(str, mode))
    on = [k[len("pooling_mode_") :] for k, v in config.items() if k.startswith("pooling_mode_") and v is True]
    return "mean" if on == ["mean_tokens"] else "+".join(on) or "unknown"


class ContextualExplainer:
    """Explanations of similarities under a :class:`~embedlab.encoders.transformer.SentenceEncoder`
    whose model is a transformer, mean pooling and optionally a normalisation (as MiniLM)."""

    def __init__(self, encoder: Any) -> None:
        model = getattr(encoder, "model", None)
        modules = list(model) if model is not None else []
        names = [type(m).__name__ for m in modules]
        if not names or names[0] != "Transformer" or len(names) < 2 or names[1] != "Pooling":
            raise ConfigError(
                f"token attributions need a sentence-transformers model made of a transformer and a pooling "
                f"layer; {getattr(encoder, 'name', type(encoder).__name__)} has {names or 'no such modules'}"
            )
        mode = _pooling_mode(modules[1])
        if mode != "mean" or any(n != "Normalize" for n in names[2:]):
            raise ConfigError(
                f"token attributions are exact for mean pooling (optionally normalised); this model pools by "
                f"{mode!r} with {names[2:] or 'nothing'} after it"
            )
        self.encoder = encoder
        self._torch = encoder._torch
        self.bert = modules[0].auto_model
        self.tokenizer = encoder.tokenizer

    # ------------------------------------------------------------------ tokens
    def tokens(self, text: str) -> tuple[list[int], list[bool]]:
        """Token ids of ``text`` as the model sees it (truncated) and which of them are special."""
        if not isinstance(text, str) or not text.strip():
            raise ConfigError("text is empty; give two non-empty texts to compare")
        enc = self.tokenizer(text, truncation=True, max_length=self.encoder.max_seq_length,
                             return_special_tokens_mask=True)  # fmt: skip
        return list(enc["input_ids"]), [bool(s) for s in enc["special_tokens_mask"]]

    def _embed(self, ids_rows: list[list[int]]) -> np.ndarray:
        """Sentence vectors (float64, not normalised) of token id rows, padded into one batch."""
        torch = self._torch
        n = max(len(r) for r in ids_rows)
        ids = torch.zeros((len(ids_rows), n), dtype=torch.long)
        mask = torch.zeros((len(ids_rows), n), dtype=torch.long)
        for i, r in enumerate(ids_rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        with torch.inference_mode():
            out = self.encoder.model({"input_ids": ids, "attention_mask": mask})["sentence_embedding"]
        return out.float().numpy().astype(np.float64)

    def similarity_without(self, a: str, b: str, drop_a: list[int], drop_b: list[int]) -> float:
        """Cosine of ``a`` and ``b`` with the tokens at positions ``drop_a`` / ``drop_b`` deleted."""
        (ia, _), (ib, _) = self.tokens(a), self.tokens(b)
        ra = [t for i, t in enumerate(ia) if i not in set(drop_a)]
        rb = [t for i, t in enumerate(ib) if i not in set(drop_b)]
        u, v = self._embed([ra, rb])
        return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))

    # ------------------------------------------------------------------ explanations
    def explain(self, a: str, b: str, *, mode: str = "integrated", steps: int = 16) -> SimilarityExplanation:
        """Token×token attributions (``integrated``) or token deletions (``occlusion``)."""
        mode = check_choice("mode", mode, ("integrated", "occlusion"))
        steps = check_int("steps", steps, 1, 1000)
        t0 = time.perf_counter()
        (ia, sa), (ib, sb) = self.tokens(a), self.tokens(b)
        parts_a = self.tokenizer.convert_ids_to_tokens(ia)
        parts_b = self.tokenizer.convert_ids_to_tokens(ib)
        if mode == "occlusion":
            return self._occlusion(a, b, ia, sa, ib, sb, parts_a, parts_b, t0)
        if self.encoder.precision == "int8":
            raise ConfigError("integrated gradients need the float model; load it with precision='float32' "
                              "or use mode='occlusion'")  # fmt: skip
        torch = self._torch
        with torch.enable_grad():
            xa, ra = self._inputs(ia, sa)
            xb, rb = self._inputs(ib, sb)
            with torch.no_grad():
                ha, hb = self._hidden(xa[None])[0], self._hidden(xb[None])[0]
                ua, ub = ha.mean(0), hb.mean(0)
                ga = (ha / (ha.shape[0] * ua.norm())).double()  # a's terms: Σ_i ga_i = unit vector of a
                gb = (hb / (hb.shape[0] * ub.norm())).double()
                score = float((ua / ua.norm()).double() @ (ub / ub.norm()).double())
            a_side, ref_a = self._side(xa, ra, gb, steps)  # [n_a, n_b], S(ref_a, b)
            b_side, ref_b = self._side(xb, rb, ga, steps)  # [n_b, n_a], S(a, ref_b)
        pairs = (a_side + b_side.T) / 2
        shared = shared_parts(parts_a, parts_b, skip=sa)
        return SimilarityExplanation("integrated", a, b, score, parts_a, parts_b, pairs,
                                     reference=(ref_a + ref_b) / 2, shared=shared,
                                     seconds=time.perf_counter() - t0)  # fmt: skip

    def _inputs(self, ids: list[int], special: list[bool]) -> tuple[Any, Any]:
        """The embedding layer's output for the tokens and for the reference (word tokens masked,
        special tokens kept): word + position + type embeddings after the layer's LayerNorm."""
        torch = self._torch
        fill = self.tokenizer.mask_token_id
        if fill is None:
            fill = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        ref = [t if s else fill for t, s in zip(ids, special, strict=True)]
        with torch.no_grad():
            x = self.bert.embeddings(input_ids=torch.tensor([ids]))[0].float()
            r = self.bert.embeddings(input_ids=torch.tensor([ref]))[0].float()
        return x, r

    def _hidden(self, x: Any) -> Any:
        """The encoder's output states from the embedding layer's output (every token attended)."""
        return self.bert.encoder(x).last_hidden_state

    def _unit(self, x: Any) -> Any:
        u = self._hidden(x).mean(1)
        return u / u.norm(dim=-1, keepdim=True)

    def _side(self, x: Any, r: Any, terms: Any, steps: int, chunk: int = 32) -> tuple[np.ndarray, float]:
        """IG of ``unit(x)·terms_j`` for every row ``j`` of ``terms`` over the tokens of ``x``:
        ``[n_tokens, n_terms]``, plus the similarity of the reference, ``unit(r)·Σ_j terms_j``."""
        torch = self._torch
        alphas = torch.tensor((np.arange(steps) + 0.5) / steps, dtype=torch.float32)
        delta = x - r
        path = (r[None] + alphas[:, None, None] * delta[None]).detach().requires_grad_(True)
        out = (self._unit(path).double() @ terms.T) / steps  # [steps, m]
        m = terms.shape[0]
        cols = []
        for s in range(0, m, chunk):
            k = min(chunk, m - s)
            cot = torch.zeros((k, steps, m), dtype=out.dtype)
            cot[torch.arange(k), :, s + torch.arange(k)] = 1.0
            (g,) = torch.autograd.grad(out, path, cot, retain_graph=s + k < m, is_grads_batched=True)
            cols.append((g.sum(1).double() * delta.double()[None]).sum(-1))  # [k, n]
        with torch.no_grad():
            ref = float(self._unit(r[None])[0].double() @ terms.sum(0))
        return torch.cat(cols).T.numpy(), ref

    def _occlusion(self, a, b, ia, sa, ib, sb, parts_a, parts_b, t0) -> SimilarityExplanation:
        rows = [ia, ib]
        where_a = [i for i, s in enumerate(sa) if not s]
        where_b = [j for j, s in enumerate(sb) if not s]
        rows += [[t for k, t in enumerate(ia) if k != i] for i in where_a]
        rows += [[t for k, t in enumerate(ib) if k != j] for j in where_b]
        vecs = self._embed(rows)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        u, v = vecs[0], vecs[1]
        score = float(u @ v)
        drops_a, drops_b = np.zeros(len(ia)), np.zeros(len(ib))
        drops_a[where_a] = score - vecs[2 : 2 + len(where_a)] @ v
        drops_b[where_b] = score - vecs[2 + len(where_a) :] @ u
        shared = shared_parts(parts_a, parts_b, skip=sa)
        return SimilarityExplanation("occlusion", a, b, score, parts_a, parts_b, None, drops_a, drops_b,
                                     shared=shared, seconds=time.perf_counter() - t0)  # fmt: skip

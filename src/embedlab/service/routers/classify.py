"""``/v1/classify``: labels and scores of texts from a served classifier.

Served by a supervised model (fastText-style; ``k`` best labels above ``threshold``), a classifier
head on an encoder, or an intent model (the nearest intent and its confidence, with
``out_of_scope: true`` below the model's threshold; ``history`` gives the conversation's earlier turns).
"""

from fastapi import APIRouter

from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.served import Served


def router(served: Served, limits: Limits) -> APIRouter:
    from embedlab.classify import IntentClassifier, SupervisedFastText

    r = APIRouter(tags=["v1"])
    model = served.classifier

    @r.post("/v1/classify", response_model=S.ClassifyResponse)
    def classify(req: S.ClassifyRequest) -> S.ClassifyResponse:
        texts = limits.texts(req.all_texts())
        results = []
        if isinstance(model, IntentClassifier):  # the nearest intent, flagged when below the model's threshold
            if req.k != 1 or req.threshold != 0.0:
                from embedlab.errors import ConfigError

                raise ConfigError(
                    "an intent model answers one intent per text, or out of scope below its own "
                    "threshold: k and threshold do not apply to it"
                )
            histories = [req.history] if req.history is not None else None
            best, conf = model.confidence_vectors(model.context_vectors(texts, histories))
            for text, b, c in zip(texts, best.tolist(), conf.tolist(), strict=True):
                oos = model.threshold is not None and c < model.threshold
                label = S.LabelScore(label=model.classes_[b], score=c)
                results.append(S.Classification(text=text, labels=[label], out_of_scope=oos))
        elif isinstance(model, SupervisedFastText):
            if req.history is not None:
                raise_history()
            labs, probs = model.predict(texts, k=req.k, threshold=req.threshold)
            for text, lab, p in zip(texts, labs, probs, strict=True):
                scores = [S.LabelScore(label=x, score=float(v)) for x, v in zip(lab, p, strict=True)]
                results.append(S.Classification(text=text, labels=scores))
        else:
            if req.history is not None:
                raise_history()
            k = len(model.classes_) if req.k == -1 else req.k
            for text, top in zip(texts, model.top_k(texts, k=k), strict=True):
                scores = [S.LabelScore(label=x, score=v) for x, v in top if v >= req.threshold]
                results.append(S.Classification(text=text, labels=scores))
        return S.ClassifyResponse(model=served.name, results=results)

    return r


def raise_history() -> None:
    from embedlab.errors import ConfigError

    raise ConfigError("history needs an intent model (embedlab classify train-head --intents)")

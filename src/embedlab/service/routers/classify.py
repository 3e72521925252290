"""``/v1/classify``: labels and scores of texts from a served classifier.

Served by a supervised model (fastText-style; ``k`` best labels above ``threshold``), a classifier
head on an encoder, or an intent model (one intent, or ``out_of_scope: true`` below its threshold;
``history`` gives the conversation's earlier turns).
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
        if isinstance(model, IntentClassifier):
            histories = [req.history] if req.history is not None else None
            for text, (intent, conf) in zip(texts, model.predict_intents(texts, histories), strict=True):
                label = intent if intent is not None else model.classes_[0]
                labels = [] if intent is None else [S.LabelScore(label=label, score=conf)]
                results.append(S.Classification(text=text, labels=labels, out_of_scope=intent is None))
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

    raise ConfigError("history needs an intent model (embedlab train classifier --intents)")

"""Request and response bodies (pydantic); /v1/embeddings follows OpenAI's embeddings API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from embedlab.errors import ConfigError
from embedlab.queries import AnalogyQuery, ClassifyQuery, ExplainQuery, NeighboursQuery, RecommendQuery, SearchQuery
from embedlab.service.fields import config_field


def _check_unicode(value: Any, where: str) -> None:
    """ValueError (a 422) for a string holding an unpaired surrogate (valid JSON, but not Unicode text)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{where} holds an unpaired surrogate (U+{ord(value[exc.start]):04X}); send valid "
                             "Unicode text") from None  # fmt: skip
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_unicode(v, f"{where}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_unicode(k, f"{where} key")
            _check_unicode(v, f"{where}.{k}")


class _Text(BaseModel):
    """Every request: its strings must be encodable Unicode (no lone surrogates)."""

    @model_validator(mode="after")
    def _unicode_only(self) -> Any:
        for name in type(self).model_fields:
            _check_unicode(getattr(self, name), name)
        return self


class _Strict(_Text):
    model_config = ConfigDict(extra="forbid")


class EmbeddingsRequest(_Text):
    """OpenAI-compatible: ``input`` is one string or a list of strings. Image models take ``images``
    instead: base64-encoded image files (PNG, JPEG, ...; a ``data:image/...;base64,`` prefix is allowed)."""

    model_config = ConfigDict(extra="ignore")  # OpenAI clients send fields such as "user"

    input: str | list[str] | list[int] | list[list[int]] | None = None  # token ids are refused with a message
    images: list[str] | None = None
    model: str | None = None
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(default=None, ge=1)
    on_long: Literal["truncate", "window", "error"] | None = Field(
        default=None,
        description="A text longer than the model reads: truncate (counted in usage), window (encoded in windows "
        "and pooled) or error (a 400). Default: the served encoder's (truncate, as sentence-transformers).",
    )


class EmbeddingItem(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class Usage(BaseModel):
    """OpenAI's token counts (the model's own tokens where it has a tokenizer, else words), and what was cut."""

    prompt_tokens: int
    total_tokens: int
    truncated_texts: int = 0
    truncated_tokens: int = 0


class EmbeddingsResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[EmbeddingItem]
    model: str
    usage: Usage


class SimilarRequest(_Strict):
    """Give exactly one of ``word`` (word models), ``text``, ``id`` (collections) or ``vector``."""

    word: str | None = None
    text: str | None = None
    id: str | None = None
    vector: list[float] | None = None
    k: int = config_field(NeighboursQuery, "k")

    def one_of(self) -> str:
        """The one field given (``"word"``, ``"text"``, ``"id"`` or ``"vector"``); ConfigError otherwise."""
        return _one_given(self, ("word", "text", "id", "vector"))


class Neighbour(BaseModel):
    item: str
    score: float
    metadata: dict[str, Any] | None = None


class NeighboursResponse(BaseModel):
    query: str
    results: list[Neighbour]


class AnalogyRequest(_Strict):
    a: str
    b: str
    c: str
    k: int = config_field(AnalogyQuery, "k")
    method: Literal["add", "mul"] = config_field(AnalogyQuery, "method")


class ExplainRequest(_Strict):
    """Two words or texts (for a collection, a text or a document id) and how to explain them."""

    a: str
    b: str
    mode: Literal["auto", "dimensions", "ngrams", "pooled", "integrated", "occlusion"] = config_field(
        ExplainQuery, "mode"
    )
    steps: int = config_field(ExplainQuery, "steps")
    k: int = config_field(ExplainQuery, "k")


class SearchRequest(_Strict):
    query: str | None = None
    queries: list[str] | None = None
    k: int = config_field(SearchQuery, "k")
    filter: dict[str, Any] | None = None
    index: Literal["exact", "hnsw", "ivf", "int8", "binary", "pq"] | None = config_field(SearchQuery, "index")
    mode: Literal["dense", "lexical", "hybrid"] | None = config_field(SearchQuery, "mode")
    fusion: Literal["rrf", "linear"] = config_field(SearchQuery, "fusion")
    lexical_weight: float = config_field(SearchQuery, "lexical_weight")
    chunk_score: Literal["max", "softmax"] = config_field(SearchQuery, "chunk_score")


class Hit(BaseModel):
    id: str
    score: float
    text: str | None = None
    metadata: dict[str, Any] = {}
    passage: str | None = Field(None, description="Long-document collections: the chunk that matched best.")
    span: list[int] | None = Field(None, description="Where the passage lies in the text: [start, end) characters.")


class SearchResult(BaseModel):
    query: str
    hits: list[Hit]


class SearchResponse(BaseModel):
    results: list[SearchResult]


class ProjectRequest(_Strict):
    """Coordinates on the explorer's map for words, texts or document ids."""

    words: list[str] | None = None
    texts: list[str] | None = None


class ProjectedPoint(BaseModel):
    item: str
    x: float
    y: float
    index: int | None = None


class ProjectResponse(BaseModel):
    points: list[ProjectedPoint]


class MapInfo(BaseModel):
    total: int
    method: str  # what the points are now: "pca", then "umap" once the background map is ready
    color_by: str | None
    categories: list[str]
    kind: str
    dim: int
    colorings: list[str] = []
    pending: bool = False  # a neighbourhood map is being computed; ask again for its version
    version: int = 0  # changes when the coordinates change
    error: str | None = None  # why the neighbourhood map could not be made (the PCA map stays)
    images: bool = False  # the points are images: /v1/thumbnail shows them


class Coloring(BaseModel):
    color_by: str | None
    categories: list[str]


class RecommendRequest(_Strict):
    """Give exactly one of ``user`` (a known user), ``items`` (a session, or a new user's items) or ``item``."""

    user: str | None = None
    items: list[str] | None = Field(default=None, min_length=1, max_length=1000)
    item: str | None = None
    k: int = config_field(RecommendQuery, "k")
    exclude_seen: bool = config_field(RecommendQuery, "exclude_seen")
    reasons: bool = False

    def one_of(self) -> str:
        return _one_given(self, ("user", "items", "item"))


class Recommendation(BaseModel):
    item: str
    score: float
    title: str | None = None  # the item's title, when the model was trained with an item-title column
    because: list[str] | None = None


class RecommendResponse(BaseModel):
    query: str
    results: list[Recommendation]


class ClassifyRequest(_Strict):
    """Give ``text`` (one) or ``texts`` (several); ``history`` (earlier turns, oldest first) goes with one text."""

    text: str | None = None
    texts: list[str] | None = Field(default=None, min_length=1)
    k: int = config_field(ClassifyQuery, "k")
    threshold: float = config_field(ClassifyQuery, "threshold")
    history: list[str] | None = Field(default=None, max_length=100)

    def all_texts(self) -> list[str]:
        given = _one_given(self, ("text", "texts"))
        if self.history is not None and given != "text":
            raise ConfigError("history goes with one text: send 'text', not 'texts'")
        if self.k == 0:
            raise ConfigError("k must be a positive number or -1 (all labels)")
        return [self.text] if given == "text" else list(self.texts or [])  # type: ignore[list-item]


class LabelScore(BaseModel):
    label: str
    score: float


class Classification(BaseModel):
    text: str
    labels: list[LabelScore]
    out_of_scope: bool = False


class ClassifyResponse(BaseModel):
    model: str
    results: list[Classification]


def _one_given(request: BaseModel, fields: tuple[str, ...]) -> str:
    """The one of ``fields`` that ``request`` sets; ConfigError naming them all otherwise."""
    given = [x for x in fields if getattr(request, x) is not None]
    if len(given) != 1:
        raise ConfigError(f"give exactly one of {', '.join(fields[:-1])} or {fields[-1]}")
    return given[0]

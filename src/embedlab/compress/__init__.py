"""Compression: smaller vectors that answer the same queries, and what each shrink cost.

``compress_vectors(kv, "int8")`` gives :class:`~embedlab.vectors.quantized.QuantizedVectors`
(float16, int8 with calibrated ranges, binary sign bits, or product quantization), which answer
similarity, neighbours, analogies and the evaluators from their codes and save as a native folder;
:func:`retention` measures quality, bytes and query time before and after. :func:`distill` turns a
sentence-transformers model into a static encoder that needs no transformer at inference.
"""

from embedlab.compress.distill import distill
from embedlab.compress.vectors import METHODS, compress_vectors, retention

__all__ = ["METHODS", "compress_vectors", "distill", "retention"]

"""Vector stores: corpora encoded into Parquet shards with a manifest, on this machine or on Ray Data
(:func:`~embedlab.store.encode_corpus.encode_corpus`, :class:`~embedlab.io.vector_store.VectorStore`)."""

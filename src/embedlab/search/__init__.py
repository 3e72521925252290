"""Semantic search: collections of documents with vectors, metadata filters, exact or ANN search.

:class:`~embedlab.search.collection.Collection` keeps documents (string ids, text, JSON
metadata) in SQLite and their vectors in an append-only file beside it; filters are compiled
to SQL by :mod:`embedlab.search.filters`.
"""

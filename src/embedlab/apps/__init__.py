"""Applications built on embeddings: search collections (and, later, classifiers, recommenders)."""

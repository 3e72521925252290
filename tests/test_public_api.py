import subprocess
import sys

import embedlab

PUBLIC = {
    "Collection", "ConfigError", "CorpusError", "EmbedlabError", "EncodedCorpus", "FastText", "FastTextConfig",
    "FormatError", "GloVe", "GloVeConfig", "KeyedVectors", "LongCollection", "MissingDependencyError", "NotFoundError",
    "SentenceEncoder", "StaticEncoder", "SubwordVectors", "TrainingInterrupted", "UnknownKeyError",
    "UnknownWordError", "Vocab", "Word2Vec", "Word2VecConfig", "__version__", "evaluate_analogies",
    "evaluate_retrieval", "evaluate_sts", "evaluate_word_pairs", "load", "load_encoder", "save",
    "CNNEncoder", "EfficientNetEncoder", "ImageTextEncoder", "train_image_embedder", "train_image_text",
}  # fmt: skip


def test_all_is_exactly_the_curated_list_and_importable():
    assert len(embedlab.__all__) == len(set(embedlab.__all__))
    assert set(embedlab.__all__) == PUBLIC, (
        f"added {set(embedlab.__all__) - PUBLIC}, removed {PUBLIC - set(embedlab.__all__)}"
    )
    for name in embedlab.__all__:
        assert getattr(embedlab, name) is not None
    assert sorted(dir(embedlab)) == sorted(PUBLIC)


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    assert embedlab.__version__ == version("embedlab")


def test_package_is_typed():
    from importlib import resources

    assert (resources.files("embedlab") / "py.typed").is_file()


def test_import_is_light():
    # importing the package must not pull numba, scipy or the CLI stack
    code = "import sys, embedlab; print(any(m in sys.modules for m in ('numba', 'scipy', 'typer')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_error_tree():
    assert issubclass(embedlab.UnknownWordError, KeyError)
    assert issubclass(embedlab.ConfigError, ValueError)
    for name in ("ConfigError", "CorpusError", "FormatError", "UnknownWordError", "MissingDependencyError"):
        assert issubclass(getattr(embedlab, name), embedlab.EmbedlabError)
    err = embedlab.UnknownWordError("kign", ["king"])
    assert "kign" in str(err) and "king" in str(err)
    assert embedlab.UnknownWordError is embedlab.UnknownKeyError and err.key == err.word == "kign"
    assert issubclass(embedlab.UnknownKeyError, embedlab.NotFoundError)
    from embedlab.errors import UnknownIdError

    assert issubclass(UnknownIdError, embedlab.NotFoundError) and issubclass(UnknownIdError, embedlab.ConfigError)
    assert "item 'x'" in str(embedlab.UnknownKeyError("x", kind="item"))


def test_graph_product_api():
    import embedlab.graph as graph

    assert set(graph.__all__) == {
        "DeepWalk", "EdgeSplit", "Graph", "Node2Vec", "Node2VecConfig", "evaluate_link_prediction",
        "evaluate_node_classification", "heuristic_scores", "random_walks", "read_edgelist", "read_node_labels",
        "split_edges",
    }  # fmt: skip
    assert all(getattr(graph, name) is not None for name in graph.__all__)


def test_classify_product_api():
    import embedlab.classify as classify

    assert set(classify.__all__) == {
        "EmbeddingClassifier", "IntentClassifier", "SupervisedConfig", "SupervisedFastText", "evaluate_intents",
        "evaluate_predictions", "load_classifier", "open_classifier", "read_labelled",
    }  # fmt: skip
    assert all(getattr(classify, name) is not None for name in classify.__all__)


def test_compress_product_api():
    import embedlab.compress as compress

    assert set(compress.__all__) == {"METHODS", "compress_vectors", "distill", "retention"}
    assert compress.METHODS == ("float16", "int8", "binary", "pq")


def test_explain_product_api():
    import embedlab.explain as explain

    assert set(explain.__all__) == {
        "MODES", "WEAT_TESTS", "SimilarityExplanation", "explain_analogy", "explain_similarity",
        "frequency_bands", "korean_pos_labels", "probe", "read_labels", "shared_contributions",
        "shared_neighbors", "weat", "weat_lists", "weat_test",
    }  # fmt: skip
    assert all(hasattr(explain, name) for name in explain.__all__)
    assert explain.MODES == ("dimensions", "ngrams", "pooled", "integrated", "occlusion")

"""A threads= given to one index or encoder applies to its own work only, never to the rest of the process."""

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info


def _openmp_threads():
    return {i["filepath"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp"}


def test_a_faiss_index_with_threads_leaves_the_process_setting_alone():
    pytest.importorskip("faiss")
    from embedlab.index.ann import FaissIndex

    x = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
    before = _openmp_threads()
    index = FaissIndex("hnsw", 8, threads=1)
    index.add(x, np.arange(300))
    assert index.search(x[:3], 2)[0][:, 0].tolist() == [0, 1, 2]
    assert _openmp_threads() == before


def test_an_image_encoder_with_threads_gives_torch_its_setting_back():
    torch = pytest.importorskip("torch")
    from embedlab.encoders.images import EfficientNetEncoder

    before = torch.get_num_threads()
    enc = EfficientNetEncoder(size=32, threads=1)
    assert torch.get_num_threads() == before  # making it changes nothing
    enc.encode(np.zeros((2, 32, 32, 3), np.uint8))
    assert torch.get_num_threads() == before  # nor does its work


def test_a_search_of_few_queries_runs_on_its_own_thread_and_leaves_others_alone():
    faiss = pytest.importorskip("faiss")
    from embedlab._threads import FEW_QUERIES, faiss_threads_for

    main = faiss.omp_get_max_threads()
    inside, other = {}, {}
    entered, checked = threading.Event(), threading.Event()

    def search():
        with faiss_threads_for(1):
            inside["few"] = faiss.omp_get_max_threads()
            entered.set()
            checked.wait(5)
        with faiss_threads_for(FEW_QUERIES):
            inside["many"] = faiss.omp_get_max_threads()
        inside["after"] = faiss.omp_get_max_threads()

    t = threading.Thread(target=search)
    t.start()
    entered.wait(5)
    other["main"] = faiss.omp_get_max_threads()  # while the other thread holds one thread
    checked.set()
    t.join()
    assert inside == {"few": 1, "many": main, "after": main} and other == {"main": main}

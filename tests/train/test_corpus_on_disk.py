"""A corpus larger than the memory training may take: the encoded corpus stays on disk (memory-mapped, read
a job at a time), so a training process holds the weights and the jobs in flight, not the corpus."""

import json
import subprocess
import sys

import numpy as np
import pytest

from embedlab.vocab.encoded import EncodedCorpus

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

# both children sample their peak anonymous memory the same way
WATCH = """
import json, sys, threading, time

peak = [0]


def watch():  # the process's anonymous memory (heap, arrays): not the corpus pages the kernel maps from disk
    while True:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    peak[0] = max(peak[0], int(line.split()[1]) * 1024)
        time.sleep(0.02)


threading.Thread(target=watch, daemon=True).start()
"""

TRAIN = (
    WATCH
    + """
from embedlab import Word2Vec
from embedlab.vocab.encoded import EncodedCorpus

corpus = EncodedCorpus.load(sys.argv[1])  # memory-mapped
Word2Vec(dim=8, window=2, negative=1, epochs=1, min_count=1, threads=2, sample=0).fit(corpus, progress=False)
time.sleep(0.1)
print(json.dumps({"peak": peak[0], "tokens": corpus.n_tokens}))
"""
)

BASELINE = (
    WATCH
    + """
from embedlab import Word2Vec  # the same imports and a tiny training run: what any training process holds
Word2Vec(dim=8, window=2, negative=1, epochs=1, min_count=1, threads=2).fit([["a", "b", "c"]] * 50, progress=False)
time.sleep(0.1)
print(json.dumps({"peak": peak[0]}))
"""
)


def test_training_memory_does_not_grow_with_the_corpus(tmp_path):
    rng = np.random.default_rng(0)
    n_tokens, vocab = 60_000_000, 5_000  # 240 MB of token ids on disk
    counts = np.sort(rng.zipf(1.3, vocab).astype(np.int64))[::-1] + 1
    p = counts / counts.sum()
    tokens = rng.choice(vocab, size=n_tokens, p=p).astype(np.int32)
    offsets = np.arange(0, n_tokens + 1, 1000, dtype=np.int64)
    corpus = EncodedCorpus.from_ids(tokens, offsets, keys=[f"w{i}" for i in range(vocab)])
    corpus.save(tmp_path / "c")
    size = (tmp_path / "c" / "tokens.npy").stat().st_size
    del tokens, corpus

    def run(code, *args):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    base = run(BASELINE)["peak"]
    trained = run(TRAIN, str(tmp_path / "c"))
    assert trained["tokens"] == n_tokens
    # the corpus is 240 MB; what training adds to a process that trained on 150 tokens stays far below it
    assert trained["peak"] - base < 0.25 * size, (trained["peak"] - base, size)

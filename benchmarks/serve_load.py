"""Load test of ``embedlab serve``: bounded requests from concurrent clients on 127.0.0.1.

    .venv/bin/python benchmarks/serve_load.py --update BENCHMARKS.md

Starts ``embedlab serve MODEL`` in its own process (default MODEL: skip-gram Word2Vec trained here on
en_wiki_early_a), waits for /health, then sends ``--requests`` requests (half ``/v1/similar`` for a random
word among the 20,000 most frequent, half ``/v1/embeddings`` for 4 random sentences of 8-20 words)
from ``--clients`` concurrent keep-alive clients (httpx, asyncio). Reports requests/s, p50/p99 latency
per route, errors, and the server's RSS before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import DEFAULT_CORPUS, measure_and_render, section_args  # noqa: E402

MARK_BEGIN = "<!-- serve_load:begin -->"
MARK_END = "<!-- serve_load:end -->"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def hammer(base: str, words: list[str], n: int, clients: int, seed: int) -> dict:
    import httpx

    rng = random.Random(seed)
    jobs = []
    for i in range(n):
        if i % 2 == 0:
            jobs.append(("/v1/similar", {"word": rng.choice(words), "k": 10}))
        else:
            texts = [" ".join(rng.choices(words, k=rng.randint(8, 20))) for _ in range(4)]
            jobs.append(("/v1/embeddings", {"input": texts}))
    lat: dict[str, list[float]] = {"/v1/similar": [], "/v1/embeddings": []}
    errors: list[str] = []
    it = iter(jobs)

    async def worker(client: httpx.AsyncClient) -> None:
        for route, body in it:
            t0 = time.perf_counter()
            try:
                r = await client.post(route, json=body)
                if r.status_code != 200:
                    errors.append(f"{route}: {r.status_code} {r.text[:100]}")
            except httpx.HTTPError as exc:
                errors.append(f"{route}: {exc!r}")
            lat[route].append(time.perf_counter() - t0)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        wall = time.perf_counter() - t0
    out = {
        "requests": n,
        "clients": clients,
        "seconds": wall,
        "rps": n / wall,
        "errors": len(errors),
        "error_samples": errors[:5],
        "routes": {},
    }
    for route, xs in lat.items():
        a = np.array(xs) * 1000
        out["routes"][route] = {
            "count": len(xs),
            "p50_ms": float(np.percentile(a, 50)),
            "p99_ms": float(np.percentile(a, 99)),
            "mean_ms": float(a.mean()),
        }
    return out


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        model = args.model
        if model is None:
            if not DEFAULT_CORPUS.exists():
                sys.exit(f"corpus not found: {DEFAULT_CORPUS}; pass --model")
            from embedlab import Word2Vec

            model = Path(tmp) / "w2v"
            Word2Vec(dim=100, min_count=5, epochs=1, threads=2).fit(
                DEFAULT_CORPUS, skip_doc_tags=True, progress=False
            ).save(model)
        from embedlab.io import load

        kv = load(model)
        words = kv.words[:20_000]
        port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        server = subprocess.Popen([sys.executable, "-m", "embedlab", "serve", str(model), "--port", str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            deadline = time.time() + 120
            while True:
                try:
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("server did not start")
                time.sleep(0.3)
            asyncio.run(hammer(base, words, 200, args.clients, 0))  # warm-up (JIT, caches)
            rss_start = rss_mb(server.pid)
            res = asyncio.run(hammer(base, words, args.requests, args.clients, 1))
            rss_end = rss_mb(server.pid)
            res2 = asyncio.run(hammer(base, words, args.requests, args.clients, 2))  # memory must stay flat
            rss_end2 = rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
    res.update(
        {
            "model_words": len(kv),
            "dim": kv.dim,
            "requests": args.requests,
            "clients": args.clients,
            "rss_start_mb": rss_start,
            "rss_end_mb": rss_end,
            "rss_after_second_round_mb": rss_end2,
            "second_round_rps": res2["rps"],
            "second_round_errors": res2["errors"],
        }
    )
    return res


def markdown(res: dict) -> str:
    s, e = res["routes"]["/v1/similar"], res["routes"]["/v1/embeddings"]
    return (
        f"Command: `.venv/bin/python benchmarks/serve_load.py --update BENCHMARKS.md`; `embedlab serve` on a "
        f"{res['model_words']:,}-word {res['dim']}-d Word2Vec model (embeddings = mean pooling), "
        f"{res['requests']:,} requests from {res['clients']} concurrent keep-alive clients on 127.0.0.1, client and "
        "server sharing the 2 cores.\n\n"
        "| route | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|\n"
        f"| /v1/similar (k=10) | {s['count']:,} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} |\n"
        f"| /v1/embeddings (4 texts) | {e['count']:,} | {e['p50_ms']:.1f} | {e['p99_ms']:.1f} |\n\n"
        f"**{res['rps']:.0f} requests/s**, {res['errors']} errors. Server RSS {res['rss_start_mb']:.0f} MB before, "
        f"{res['rss_end_mb']:.0f} MB after, {res['rss_after_second_round_mb']:.0f} MB after a second round of "
        f"{res['requests']:,} ({res['second_round_rps']:.0f} requests/s, {res['second_round_errors']} errors)."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="Model to serve (default: train Word2Vec on en_wiki_early_a).")
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--clients", type=int, default=16)
    section_args(ap, HERE / "results" / "serve_load.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()

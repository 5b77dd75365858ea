"""FAISS IndexFlatIP (exact, float32) timed in-process for the search benchmark (scripts/bench/peers/faiss-python.ts).

Usage: python3 faiss_flat.py DATA N D NQ K RUNS CHECKS
DATA holds N*D int8 codes, N float32 scales and NQ*D float32 queries, back to back. Prints one
JSON line: load and per-query times (ms), and the top-K ids of the first CHECKS queries.
"""
import json
import sys
import time

import faiss
import numpy as np


def main() -> None:
    path, n, d, nq, k, runs, checks = sys.argv[1], *map(int, sys.argv[2:8])
    raw = np.fromfile(path, dtype=np.uint8)
    codes = raw[: n * d].view(np.int8).reshape(n, d)
    scales = raw[n * d : n * d + 4 * n].view(np.float32)
    queries = raw[n * d + 4 * n :].view(np.float32).reshape(nq, d)
    started = time.perf_counter()
    vectors = codes.astype(np.float32) * scales[:, None]
    index = faiss.IndexFlatIP(d)
    index.add(vectors)
    load_ms = (time.perf_counter() - started) * 1000
    del vectors
    check_ids = [index.search(queries[q : q + 1], k)[1][0].tolist() for q in range(checks)]
    for q in range(2):  # warm-up
        index.search(queries[q : q + 1], k)
    times = []
    for r in range(runs):
        query = queries[r % nq : r % nq + 1]
        t0 = time.perf_counter()
        index.search(query, k)
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"version": faiss.__version__, "load_ms": load_ms, "times": times, "check_ids": check_ids}))


main()

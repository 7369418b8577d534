"""Scaling of TextIndex.neighbours on a dask.distributed LocalCluster: 1 vs 2 worker processes.

Run: python benchmarks/bench_dask.py [--n 100000] [--corpus prose] [--json out.json]; ``--quick``
(run by the test suite): 2,000 texts, the local runs and a cluster of one worker only.

Fits one index (real-prose corpus), then times ``neighbours(k)`` locally (all cores, then one
numba thread) and with a LocalCluster of 1 and of 2 worker processes (one thread each; the
engine inside a task uses as many numba threads as its worker has), checking that every
result equals the local one. Cluster start-up is not timed; scattering the index is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--corpus", default="prose")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quick", action="store_true", help="2,000 texts, one cluster of one worker")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 2_000
    import distributed
    from corpora import corpus

    from policybench.similarity.text import TextIndex

    texts = corpus(args.corpus, args.n)
    index = TextIndex(segmenter=None).fit(texts, [f"m{i}" for i in range(args.n)])
    rows = []
    start = time.perf_counter()
    local = index.neighbours(k=args.k)
    import numba

    seconds = time.perf_counter() - start
    rows.append({"setting": "local (no Dask)", "seconds": seconds, "same": True, "threads": numba.get_num_threads()})
    print(rows[-1], flush=True)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    start = time.perf_counter()
    one = index.neighbours(k=args.k)
    seconds, same = time.perf_counter() - start, bool(one.equals(local))
    rows.append({"setting": "local, 1 thread", "seconds": seconds, "same": same, "threads": 1})
    numba.set_num_threads(threads)
    print(rows[-1], flush=True)
    for workers in (1,) if args.quick else (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            start = time.perf_counter()
            got = index.neighbours(k=args.k, client=client)
            seconds = time.perf_counter() - start
        rows.append(
            {
                "setting": f"LocalCluster, {workers} worker(s)",
                "seconds": seconds,
                "same": bool(got.equals(local)),
                "threads": workers,  # one thread per worker process
            }
        )
        print(rows[-1], flush=True)
    meta = {"n": args.n, "corpus": args.corpus, "cores": os.cpu_count(), "load": os.getloadavg()[0]}
    print(json.dumps({"meta": meta, "rows": rows}, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

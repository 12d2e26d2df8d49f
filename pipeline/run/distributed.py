"""The same extraction on a Dask cluster (dask.distributed): shards of the input are Dask tasks.

The client (the machine running ``extract --dask``) reads the input, cuts it
into shards of ``--chunk-size`` articles and submits each shard as one task
of ``pipeline.run.parallel.run_chunk``; Dask places the tasks on its workers. The
client keeps a bounded number of shards in flight and writes the results in
input order, so resume, manifest and output are exactly those of a local run.

Each Dask worker process builds its state once (engines, cache connection) and
keeps it for every later shard. The workers need the package installed, the
models on disk and, for the annotation cache, a writable local directory (the
client's ``--cache`` path, or ``$CITYLINKS_CACHE`` as set on the client).
"""
from __future__ import annotations

import os
from contextlib import contextmanager

from pipeline.run.parallel import WorkerSettings, one_thread_per_worker, run_chunk


def _local_workers(address: str) -> int | None:
    """'local' -> the number of cores, 'local:N' -> N, anything else -> None (a scheduler address)."""
    if address == "local":
        return os.cpu_count() or 1
    if address.startswith("local:"):
        return max(1, int(address.split(":", 1)[1]))
    return None


@contextmanager
def dask_submitter(address: str, settings: WorkerSettings):
    """Connect to (or start) a cluster; yields (submit, worker threads, description)."""
    from dask.distributed import Client, LocalCluster

    local = _local_workers(address)
    with_cluster = None
    if local is not None:
        one_thread_per_worker()
        with_cluster = LocalCluster(n_workers=local, threads_per_worker=1, processes=True,
                                    dashboard_address=None)
        client = Client(with_cluster)
        description = f"dask LocalCluster ({local} worker processes)"
    else:
        client = Client(address)
        description = f"dask {address}"
    try:
        threads = max(1, sum(client.nthreads().values()))
        description += f", {threads} worker threads"

        def submit(chunk):
            return client.submit(run_chunk, settings, chunk, pure=False)

        yield submit, threads, description
    finally:
        client.close()
        if with_cluster is not None:
            with_cluster.close()

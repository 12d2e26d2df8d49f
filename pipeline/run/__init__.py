"""The run machinery: one article end to end (extract), batches, workers, resume, caches, manifest, Dask."""

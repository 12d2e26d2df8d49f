"""The batch driver: stream articles from the readers through extraction to JSONL writers.

    readers -> skip what is done -> chunks -> executor (in process, process
    pool or Dask) -> writer in input order -> output, errors, progress

Local worker processes get chunks of one language lane each (pipeline.run.lanes),
reordered to input order before the writer.

Nothing is held in memory beyond the chunks in flight (with lanes, also the
chunks formed and waiting and the records waiting for an earlier one: bounded by
``lanes.MAX_DELAY`` and ``LOOKAHEAD_PER_SLOT``). Every input item ends
as a record in the output, a line in the errors file, or both; in a resumed
run the items already done are skipped: read = written + failed + skipped.
With a file output the run is resumable (pipeline.run.resume) and leaves a
manifest beside the output (pipeline.run.manifest).
"""
from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TextIO

from pipeline import __version__

from pipeline.run import manifest

from pipeline.run import resume
from pipeline.run.extract import Outcome, extract_article
from pipeline.run.lanes import MAX_DELAY, lane_chunks, lane_results
from pipeline.run.parallel import (
    PHASES, START_METHOD, ChunkResult, WorkerSettings, in_process_results, ordered_results, process_pool,
)
from pipeline.ingest.readers import read_inputs
from pipeline.rules import rules_hash
from pipeline.types import RawArticle, ReadFailure
from schemas.record import ErrorRecord

Item = RawArticle | ReadFailure
CHUNKS_PER_WORKER = 2  # chunks in flight per worker: one running, one queued
LOOKAHEAD_PER_SLOT = 4  # chunks formed and waiting for a lane's worker, per chunk in flight


@dataclass
class RunOptions:
    workers: int = 1
    chunk_size: int = 16
    cache_dir: Path | None = None  # None: no annotation cache
    rules_only: bool = False
    force: bool = False
    dask: str | None = None  # scheduler address, or "local" / "local:N" for a LocalCluster
    checkpoint_seconds: float = 10.0
    start_method: str = START_METHOD


@dataclass
class WorkerStats:
    """RSS of one worker process, sampled after each of its chunks."""

    samples: list[tuple[int, int]] = field(default_factory=list)  # (articles done by the run, rss bytes)
    peak_rss: int = 0
    articles: int = 0
    cpu_seconds: float = 0.0
    phase_cpu_seconds: Counter = field(default_factory=Counter)  # summed over the worker's chunks
    articles_by_lane: Counter = field(default_factory=Counter)  # with language lanes (pipeline.run.lanes)

    def add(self, done: int, result: ChunkResult) -> None:
        self.samples.append((done, result.rss))
        self.peak_rss = max(self.peak_rss, result.peak_rss)
        self.cpu_seconds = max(self.cpu_seconds, result.cpu_seconds)
        self.phase_cpu_seconds.update(result.phase_cpu_seconds)
        self.articles += result.articles
        if result.lane is not None:
            self.articles_by_lane[result.lane] += result.articles
        if len(self.samples) > 512:  # keep memory flat: every other sample, first and last kept
            self.samples = self.samples[:1] + self.samples[1:-1:2] + self.samples[-1:]

    def as_dict(self) -> dict:
        middle = self.samples[len(self.samples) // 2] if self.samples else (0, 0)
        mb = lambda b: round(b / 2**20, 1)  # noqa: E731
        picks = sorted({round(i * (len(self.samples) - 1) / 10) for i in range(11)}) if self.samples else []
        return {"articles": self.articles, "peak_rss_mb": mb(self.peak_rss), "cpu_seconds": round(self.cpu_seconds, 2),
                "phase_cpu_seconds": {k: round(v, 3) for k, v in self.phase_cpu_seconds.items()},
                "articles_by_lane": dict(sorted(self.articles_by_lane.items())),
                "rss_mb_start": mb(self.samples[0][1]) if self.samples else None,
                "rss_mb_middle": mb(middle[1]), "rss_mb_end": mb(self.samples[-1][1]) if self.samples else None,
                "rss_mb_by_articles_done": [[self.samples[i][0], mb(self.samples[i][1])] for i in picks]}


@dataclass
class RunSummary:
    read: int = 0
    written: int = 0
    failed: int = 0
    skipped: int = 0  # done by an earlier run of the same output
    not_extracted: int = 0  # written with a non-ok status (no route for the language)
    words: int = 0
    per_language: Counter = field(default_factory=Counter)
    engines: dict = field(default_factory=lambda: defaultdict(set))  # language -> engine model ids
    language_methods: set = field(default_factory=set)
    cache: dict = field(default_factory=lambda: {"language": Counter(), "annotation": Counter(), "stages": Counter()})
    workers: dict = field(default_factory=dict)  # pid -> WorkerStats
    executor: str = "in-process"
    wall_seconds: float = 0.0
    first_result_seconds: float | None = None  # start-up: until the first chunk came back
    interrupted: bool = False
    resumed: bool = False

    @property
    def processed(self) -> int:
        return self.read - self.skipped

    def add(self, result: ChunkResult) -> None:
        for item in result.items:
            self.read += 1
            if item.record is not None:
                self.written += 1
                self.words += item.words
                self.per_language[item.language or "unknown"] += 1
                if item.status != "ok":
                    self.not_extracted += 1
                if item.engine and item.language:
                    self.engines[item.language].add(item.engine)
                if item.language_method:
                    self.language_methods.add(item.language_method)
            else:
                self.failed += 1
        for kind, counts in result.cache.items():
            self.cache[kind].update(counts)
        self.workers.setdefault(result.pid, WorkerStats()).add(self.processed, result)

    def cpu_ms_per_article(self) -> dict[str, float]:
        """The workers' CPU milliseconds per article read, by phase and by rule stage (its computes only),
        summed over workers: what each part costs on this run's own articles."""
        total = Counter()
        for stats in self.workers.values():
            total.update(stats.phase_cpu_seconds)
        order = [*PHASES, *(name for name in total if name not in PHASES)]  # the stages in the order they ran
        n = max(1, self.processed)
        return {name: round(total[name] / n * 1000, 2) for name in order if name in total}

    def counts(self) -> dict:
        return {
            "read": self.read, "written": self.written, "failed": self.failed, "skipped": self.skipped,
            "not_extracted": self.not_extracted, "per_language": dict(sorted(self.per_language.items())),
        }

    def as_dict(self) -> dict:
        rate = self.processed / self.wall_seconds if self.wall_seconds else None
        return {
            **self.counts(), "words": self.words, "executor": self.executor,
            "wall_seconds": round(self.wall_seconds, 3),
            "first_result_seconds": round(self.first_result_seconds, 3) if self.first_result_seconds else None,
            "articles_per_second": round(rate, 2) if rate else None,
            "words_per_second": round(self.words / self.wall_seconds, 1) if self.wall_seconds else None,
            "cpu_ms_per_article": self.cpu_ms_per_article(),
            "cache": {kind: dict(sorted(c.items())) for kind, c in self.cache.items()},
            "workers": {str(pid): stats.as_dict() for pid, stats in sorted(self.workers.items())},
            "interrupted": self.interrupted, "resumed": self.resumed,
        }


class Writer:
    """Appends each chunk's lines to the output, errors and progress files, in that order."""

    def __init__(self, out: BinaryIO, errors: BinaryIO | None, progress: BinaryIO | None,
                 point: resume.ResumePoint, on_error_text: Callable[[str], None] | None):
        self.out, self.errors, self.progress = out, errors, progress
        self.out_size, self.errors_size = point.output_size, point.errors_size
        self.on_error_text = on_error_text

    def write(self, result: ChunkResult) -> None:
        records, errors, progress = [], [], []
        for item in result.items:
            if item.record is not None:
                records.append(item.record)
                self.out_size += len(item.record)
            if item.error is not None:
                if self.errors is not None:
                    errors.append(item.error)
                    self.errors_size += len(item.error)
                elif self.on_error_text:
                    self.on_error_text(item.error_text)
            progress.append(resume.entry_line(item.key, self.out_size, self.errors_size))
        _write_all(self.out, b"".join(records))
        if self.errors is not None:
            _write_all(self.errors, b"".join(errors))
        if self.progress is not None:
            _write_all(self.progress, b"".join(progress))

    def sync(self) -> None:
        if self.progress is not None:
            resume.sync(self.out, self.errors, self.progress)


def _write_all(stream: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = stream.write(view)
        view = view[written if written is not None else len(view):]
    if hasattr(stream, "flush"):
        stream.flush()


def keyed_items(items: Iterable[Item], done: Counter, summary: RunSummary) -> Iterator[tuple[str, Item]]:
    """Items with their resume keys, without those an earlier run already finished."""
    for item in items:
        key = resume.item_key(item)
        if done.get(key):
            done[key] -= 1
            summary.read += 1
            summary.skipped += 1
            continue
        yield key, item


def chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@contextmanager
def _stop_on_sigterm():
    """SIGTERM (a cluster job killed, `kill PID`) stops the run like Ctrl-C: consistent files, a manifest."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _results(options: RunOptions, settings: WorkerSettings, keyed: Iterator[tuple[str, Item]],
             stack: ExitStack, summary: RunSummary) -> Iterator[ChunkResult]:
    """Pick the executor. A small input (no more than one chunk for each worker but one) runs in this
    process; local worker processes get their chunks by language lane (pipeline.run.lanes)."""
    size = options.chunk_size
    if options.dask:
        from pipeline.run.distributed import dask_submitter

        submit, workers, summary.executor = stack.enter_context(dask_submitter(options.dask, settings))
        return ordered_results(submit, chunked(keyed, size), workers * CHUNKS_PER_WORKER)
    if options.workers > 1:
        head = list(islice(keyed, (options.workers - 1) * size + 1))
        rest = (item for part in (head, keyed) for item in part)
        if len(head) > (options.workers - 1) * size:
            submitters = stack.enter_context(process_pool(settings, options.workers, options.start_method))
            summary.executor = f"{options.workers} processes ({options.start_method}), language lanes"
            lookahead = options.workers * CHUNKS_PER_WORKER * LOOKAHEAD_PER_SLOT
            return lane_results(submitters, lane_chunks(rest, size), CHUNKS_PER_WORKER, lookahead,
                                max_held=MAX_DELAY + lookahead * size)
        return in_process_results(settings, chunked(rest, size))
    return in_process_results(settings, chunked(keyed, size))


def run(inputs: list[str], output: Path | None, errors: Path | None, options: RunOptions,
        on_item: Callable[[int], None] | None = None,
        on_error_text: Callable[[str], None] | None = None) -> RunSummary:
    """Extract every input item; with a file output, resume where an earlier run stopped.

    Raises resume.ResumeError when the output cannot be continued or another run is writing it.
    """
    if output is None:
        return _run(inputs, output, errors, options, on_item, on_error_text)
    with resume.exclusive(output):
        return _run(inputs, output, errors, options, on_item, on_error_text)


def _run(inputs: list[str], output: Path | None, errors: Path | None, options: RunOptions,
         on_item: Callable[[int], None] | None, on_error_text: Callable[[str], None] | None) -> RunSummary:
    started, started_at = time.perf_counter(), manifest.now()
    summary = RunSummary()
    settings = WorkerSettings.current(options.cache_dir, options.rules_only)
    expected = resume.header(rules_hash(), __version__)
    point = resume.ResumePoint()
    previous = None
    if output is not None:
        previous = manifest.read_manifest(manifest.manifest_path(output)) if not options.force else None
        point = resume.start(output, errors, expected, options.force)
        summary.resumed = point.resumed
        if not point.resumed:
            previous = None
    hashing = ThreadPoolExecutor(1)
    input_files = hashing.submit(manifest.input_files, list(inputs)) if output is not None else None

    def write_manifest(status: str) -> None:
        if output is None:
            return
        summary.wall_seconds = time.perf_counter() - started
        files = input_files.result() if status != "running" or input_files.done() else None
        manifest.write_manifest(manifest.manifest_path(output), _manifest(
            status, started_at, output, errors, inputs, files, options, summary, previous))

    with ExitStack() as stack:
        out = stack.enter_context(open(output, "ab", buffering=0)) if output else sys.stdout.buffer
        err = stack.enter_context(open(errors, "ab", buffering=0)) if errors else None
        progress = stack.enter_context(open(resume.progress_path(output), "ab", buffering=0)) if output else None
        writer = Writer(out, err, progress, point, on_error_text)
        last_checkpoint = time.monotonic()
        try:
            with _stop_on_sigterm(), ExitStack() as executors:
                keyed = keyed_items(read_inputs(inputs), point.done, summary)
                for result in _results(options, settings, keyed, executors, summary):
                    if summary.first_result_seconds is None:
                        summary.first_result_seconds = time.perf_counter() - started
                    writer.write(result)
                    summary.add(result)
                    if on_item:
                        on_item(len(result.items))
                    if time.monotonic() - last_checkpoint >= options.checkpoint_seconds:
                        writer.sync()
                        write_manifest("running")
                        last_checkpoint = time.monotonic()
        except KeyboardInterrupt:
            summary.interrupted = True
        writer.sync()
    summary.wall_seconds = time.perf_counter() - started
    write_manifest("interrupted" if summary.interrupted else "complete")
    hashing.shutdown()
    return summary


def _manifest(status: str, started_at: str, output: Path, errors: Path | None, inputs: list[str],
              files: list[dict] | None, options: RunOptions, summary: RunSummary, previous: dict | None) -> dict:
    engines = defaultdict(set, {k: set(v) for k, v in summary.engines.items()})
    methods = set(summary.language_methods)
    sessions = []
    if previous:
        for language, models in previous.get("models", {}).get("engines", {}).items():
            engines[language].update(models)
        methods.update(previous.get("models", {}).get("language_identification", []))
        sessions = previous.get("sessions", []) + [
            {k: previous.get(k) for k in ("status", "started", "updated", "counts", "timing", "settings")}]
    stats = summary.as_dict()
    return {
        "manifest": manifest.FORMAT, "status": status, "started": started_at, "updated": manifest.now(),
        "command": sys.argv, "output": str(output), "errors": str(errors) if errors else None,
        "progress": str(resume.progress_path(output)),
        **manifest.environment(),
        "models": {"language_identification": sorted(methods),
                   "engines": {k: sorted(v) for k, v in sorted(engines.items())}},
        "rules": manifest.rules_section(),
        "inputs": files,
        "settings": {"workers": options.workers, "executor": summary.executor, "chunk_size": options.chunk_size,
                     "dask": options.dask, "cache": str(options.cache_dir) if options.cache_dir else None,
                     "rules_only": options.rules_only},
        "counts": summary.counts(),
        "cache": stats["cache"],
        "timing": {k: stats[k] for k in ("wall_seconds", "first_result_seconds", "articles_per_second",
                                         "words_per_second", "cpu_ms_per_article")},
        "workers": stats["workers"],
        "sessions": sessions,
    }


# The sequential, in-memory interface (one article at a time, no files, no cache).

def outcomes(items: Iterable[Item]) -> Iterator[Outcome]:
    """Sequential extraction, in input order."""
    for item in items:
        if isinstance(item, ReadFailure):
            yield Outcome(None, ErrorRecord(id=item.id, source=item.source, reason=item.reason, recorded=False))
        else:
            yield extract_article(item)


def write_outcomes(results: Iterable[Outcome], out: TextIO, errors: TextIO | None,
                   on_error: Callable[[ErrorRecord], None] | None = None,
                   on_done: Callable[[], None] | None = None) -> RunSummary:
    summary = RunSummary()
    for outcome in results:
        summary.read += 1
        if outcome.record is not None:
            out.write(outcome.record.model_dump_json() + "\n")
            summary.written += 1
            summary.per_language[outcome.record.language or "unknown"] += 1
            if outcome.record.status != "ok":
                summary.not_extracted += 1
        else:
            summary.failed += 1
        if outcome.error is not None:
            if errors is not None:
                errors.write(json.dumps(outcome.error.model_dump(), ensure_ascii=False) + "\n")
            if on_error:
                on_error(outcome.error)
        if on_done:
            on_done()
    return summary

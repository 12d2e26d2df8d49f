"""Workers and executors: chunks of articles in, serialised records out, input order kept.

The same worker function (``run_chunk``) runs in the main process (``--workers
1``), in a pool of local processes, or on Dask workers (pipeline.run.distributed).
Each process builds its state once (cache connection; the engines load on
their first article of a language and stay loaded), so models load once per
worker. Records are serialised in the worker, so the main process only reads,
hashes and writes.

``ordered_results`` keeps at most ``window`` chunks in flight: the reader never
runs ahead of the writer by more than that, so memory stays flat however long
the input is.
"""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.types import RawArticle, ReadFailure
from schemas.record import ErrorRecord

Item = RawArticle | ReadFailure
# One task: the items of a chunk, each with its resume key (see pipeline.run.resume).
Chunk = list[tuple[str, Item]]

# The CITYLINKS_* environment (rules, routes, ... directories) decides what a
# worker computes; it is sent with the settings so that remote (Dask) workers
# use the same rules and routes as the client.
ENV_PREFIX = "CITYLINKS_"
START_METHOD = os.environ.get("CITYLINKS_START_METHOD", "forkserver")
# Each worker is one process on one core: numerical libraries (BLAS, torch) must
# not start a thread per core in every worker. A value set by the user wins.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# The cyclic garbage collector's thresholds in a worker: the youngest generation is collected once the
# count of container objects made and not yet freed grows by 500,000, not 700. An article's rule stages
# make hundreds of thousands of tuples and lists, nearly all freed by reference counting (each free lowers
# the count); what a young collection walks is what survived, mostly new entries of the word caches, which
# it cannot free. At 700 the collector ran ~3 times per article (one process over 2,663 news articles:
# 16.0 s of collection); at 50,000 every ~60 articles, 1.0-1.4 ms per article (2,532 news articles of 4
# languages, rule stages alone); at 500,000 it ran 3 times in a worker's 1,899 articles of 8 languages,
# under 0.01 ms per article, and the worker's peak RSS did not move (737 MB). Little is cyclic garbage,
# which only the collector frees (a full collection after 699 articles found 114 objects), and the bound
# stays: 500,000 such objects would start a collection.
GC_THRESHOLDS = (500_000, 10, 10)


# Imported once in the fork server, inherited by every worker it forks (~2 s of imports, spaCy's most).
FORK_SERVER_PRELOAD = ["pipeline.run.parallel", "pipeline.run.extract"]
# Inputs of this many bytes or more surely need worker processes (a local run of several workers uses them
# from more than one chunk per worker: ~65 news articles, ~160 KB of text), so their fork server may start
# before the main process has imported the extractor itself.
EARLY_FORK_SERVER_BYTES = 512 * 1024


def start_fork_server_early(inputs: list[str], workers: int) -> bool:
    """Start the fork server now, for a run that will surely use worker processes: its imports then overlap
    the main process's own (about 2 s that each worker would otherwise wait at the start of the run)."""
    if workers < 2 or START_METHOD != "forkserver" or _input_bytes(inputs, EARLY_FORK_SERVER_BYTES) < EARLY_FORK_SERVER_BYTES:
        return False
    from multiprocessing import forkserver

    worker_context("forkserver")
    forkserver.ensure_running()
    return True


def _input_bytes(inputs: list[str], enough: int) -> int:
    """The size of the input files (directories expanded as the readers do), counted until ``enough`` (stdin
    counts nothing; a file that cannot be read ends the count: the run reports it, this guess does not)."""
    from pipeline.ingest.readers import files_under

    total = 0
    try:
        for name in inputs:
            path = Path(name)
            if path.is_file():
                total += path.stat().st_size
            elif path.is_dir():
                for file in files_under(path):
                    total += file.stat().st_size
                    if total >= enough:
                        break
            if total >= enough:
                break
    except OSError:
        pass
    return total


def worker_context(start_method: str):
    """The multiprocessing context that starts the workers, with their environment set first (a fork server
    started from it passes that environment on) and, for a fork server, what it imports."""
    one_thread_per_worker()
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        context.set_forkserver_preload(FORK_SERVER_PRELOAD)  # no change once the server runs
    return context


def one_thread_per_worker() -> None:
    """Set before worker processes start; they read it when they import numpy or torch."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


@dataclass(frozen=True)
class WorkerSettings:
    cache_dir: str | None  # None: no annotation cache
    rules_only: bool = False
    env: tuple[tuple[str, str], ...] = ()

    @classmethod
    def current(cls, cache_dir: Path | None, rules_only: bool) -> "WorkerSettings":
        env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX)))
        return cls(str(cache_dir) if cache_dir else None, rules_only, env)


@dataclass(frozen=True)
class ItemResult:
    key: str
    record: bytes | None  # one JSONL line of the output
    error: bytes | None  # one JSONL line of the errors file
    error_text: str | None  # "id (source): reason", for stderr when there is no errors file
    language: str | None
    status: str | None
    engine: str | None
    language_method: str | None
    words: int  # whitespace-separated words of the cleaned text (0 without a record)


@dataclass
class ChunkResult:
    items: list[ItemResult]
    pid: int
    rss: int  # bytes, after the chunk
    peak_rss: int  # bytes, high-water mark of the worker process
    cache: dict = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU time of the worker process so far (start-up included)
    phase_cpu_seconds: dict = field(default_factory=dict)  # this chunk's CPU seconds by phase and rule stage
    articles: int = 0  # items the worker did (``items`` may be another selection: pipeline.run.lanes reorders)
    lane: str | None = None  # the chunk's language lane (pipeline.run.lanes), None without lanes


# What a worker's CPU time is spent on, per chunk: the phases in order, then each rule stage.
PHASES = ("cleaning and language", "annotation", "rule stages", "serialisation", "rules start-up")
CLEANING, ANNOTATION, RULE_STAGES, SERIALISATION, RULES_START_UP = PHASES
# The rule stages of a worker's first article in a language load the gazetteer and compile that language's
# rules (~0.2 s a language, 0.9 s with the gazetteer): a cost per worker and language, not per article,
# so that article counts under RULES_START_UP, as the bench profile leaves each language's first out.


class PhaseClock:
    """CPU seconds of a chunk's phases, and of each rule stage computed (one taken from the stage cache
    costs only its lookup, counted in its phase, not under its name)."""

    def __init__(self):
        self.seconds: Counter = Counter()

    @contextmanager
    def phase(self, name: str):
        started = time.process_time()
        try:
            yield
        finally:
            self.seconds[name] += time.process_time() - started

    def timed_stages(self, stage_runner):
        """A stage-runner factory like ``stage_runner`` (None: no cache) whose runners time each compute."""
        from pipeline.run.stage_cache import direct

        def factory(clean, doc):
            run_stage = stage_runner(clean, doc) if stage_runner is not None else direct

            def run(stage, compute, inputs=(), extra=""):
                def timed():
                    with self.phase(stage):
                        return compute()
                return run_stage(stage, timed, inputs, extra)
            return run
        return factory


class WorkerState:
    """What one worker process keeps between chunks."""

    def __init__(self, settings: WorkerSettings):
        for key, value in settings.env:
            os.environ[key] = value
        gc.set_threshold(*GC_THRESHOLDS)
        from pipeline.run import extract

        self.settings = settings
        self.rules_started: set[str] = set()  # the languages whose rules this worker has run
        self.stages = None
        if settings.cache_dir:
            from pipeline.run.cache import AnnotationCache, CachedStages

            cache = AnnotationCache(Path(settings.cache_dir))
            self.stages = CachedStages(cache, extract.detect_language, extract.annotate, settings.rules_only,
                                       extract.annotate_many)

    def extract(self, item: Item):
        from pipeline.run.extract import Outcome, extract_article

        if isinstance(item, ReadFailure):
            return Outcome(None, ErrorRecord(id=item.id, source=item.source, reason=item.reason, recorded=False))
        if self.stages is None:
            return extract_article(item)
        return extract_article(item, self.stages.detect, self.stages.annotate, self.stages.stage_runner)

    def extract_chunk(self, items: list[Item], clock: PhaseClock) -> list:
        """Outcomes of a chunk, in input order: every article cleaned and identified first, the
        articles of each language annotated in one batch (spaCy's nlp.pipe), then the rule stages;
        ``clock`` is told the CPU time of each."""
        from pipeline.run import extract

        detect = self.stages.detect if self.stages else extract.detect_language
        annotate = self.stages.annotate if self.stages else extract.annotate
        annotate_many = self.stages.annotate_many if self.stages else extract.annotate_many
        untimed_runner = self.stages.stage_runner if self.stages else None
        stage_runner = clock.timed_stages(untimed_runner)
        prepared = {}
        with clock.phase(CLEANING):
            for i, item in enumerate(items):
                if isinstance(item, RawArticle):
                    try:
                        prepared[i] = extract.prepare(item, detect)
                    except Exception:  # noqa: BLE001 - extract() below records why, article by article
                        pass
        by_language: dict[str, list[int]] = {}
        for i, (_, guess) in prepared.items():
            if guess.language is not None:
                by_language.setdefault(guess.language, []).append(i)
        annotations = {}
        with clock.phase(ANNOTATION):
            for language, indexes in sorted(by_language.items()):
                try:
                    annotations.update(zip(indexes, annotate_many([prepared[i][0] for i in indexes], language)))
                except Exception:  # noqa: BLE001 - annotated one by one below, so the failure stays with its article
                    pass
        outcomes = []
        for i, item in enumerate(items):  # an article annotated alone here (its batch failed) counts here too
            if i not in prepared:
                with clock.phase(RULE_STAGES):
                    outcomes.append(self.extract(item))
                continue
            clean, guess = prepared[i]
            annotator = (lambda _c, _l, found=annotations[i]: found) if i in annotations else annotate
            first = guess.language is not None and guess.language not in self.rules_started
            if first:
                self.rules_started.add(guess.language)
            with clock.phase(RULES_START_UP if first else RULE_STAGES):
                outcomes.append(extract.extract_prepared(item, clean, guess, annotator,
                                                         untimed_runner if first else stage_runner))
        return outcomes

    def run(self, chunk: Chunk) -> ChunkResult:
        started = time.perf_counter()
        clock = PhaseClock()
        outcomes = self.extract_chunk([item for _, item in chunk], clock)
        with clock.phase(SERIALISATION):
            items = [serialise(key, outcome) for (key, _), outcome in zip(chunk, outcomes)]
        cache_counts = {}
        if self.stages is not None:
            self.stages.cache.commit()
            cache_counts = self.stages.counts()
            self.stages.reset_counts()
        return ChunkResult(items, os.getpid(), current_rss(), peak_rss(), cache_counts,
                           time.perf_counter() - started, time.process_time(), dict(clock.seconds), len(items))


def serialise(key: str, outcome) -> ItemResult:
    record, error = outcome.record, outcome.error
    return ItemResult(
        key=key,
        record=(record.model_dump_json() + "\n").encode("utf-8") if record is not None else None,
        error=(json.dumps(error.model_dump(), ensure_ascii=False) + "\n").encode("utf-8") if error else None,
        error_text=f"{error.id} ({error.source}): {error.reason}" if error else None,
        language=record.language if record is not None else None,
        status=record.status if record is not None else None,
        engine=record.provenance.models.engine if record is not None else None,
        language_method=record.provenance.models.language if record is not None else None,
        words=len(record.text.split()) if record is not None and record.text else 0,
    )


def current_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


_local = threading.local()


def worker_state(settings: WorkerSettings) -> WorkerState:
    """The state of this process (and thread) for these settings, built on first use."""
    state = getattr(_local, "state", None)
    if state is None or state.settings != settings:
        _local.state = state = WorkerState(settings)
    return state


def run_chunk(settings: WorkerSettings, chunk: Chunk) -> ChunkResult:
    """The task every executor runs."""
    return worker_state(settings).run(chunk)


def init_pool_worker(settings: WorkerSettings, parent_pid: int, parent_started: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what Ctrl-C does
    _exit_with_parent(parent_pid, parent_started)
    worker_state(settings)


def _exit_with_parent(pid: int, started: float) -> None:
    """A worker whose main process was killed (kill -9) exits instead of lingering as an orphan."""
    import psutil

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                parent = psutil.Process(pid)
                alive = parent.create_time() == started and parent.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                alive = False
            if not alive:
                os._exit(70)

    threading.Thread(target=watch, daemon=True, name="citylinks-parent-watch").start()


def ordered_results(submit: Callable[[Chunk], Future], chunks: Iterable[Chunk], window: int) -> Iterator[ChunkResult]:
    """Submit chunks, keeping at most ``window`` in flight; yield results in submission order."""
    pending: deque = deque()
    try:
        for chunk in chunks:
            pending.append(submit(chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def in_process_results(settings: WorkerSettings, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
    for chunk in chunks:
        yield run_chunk(settings, chunk)


@contextmanager
def process_pool(settings: WorkerSettings, workers: int, start_method: str = START_METHOD):
    """Worker processes, each its own executor; yields one submit function per process (pipeline.run.lanes
    decides which process runs a chunk)."""
    context = worker_context(start_method)
    import psutil

    me = psutil.Process()
    pools = [ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=init_pool_worker,
                                 initargs=(settings, me.pid, me.create_time())) for _ in range(workers)]
    try:
        yield [lambda chunk, pool=pool: pool.submit(run_chunk, settings, chunk) for pool in pools]
    except BaseException:
        # Ctrl-C, SIGTERM or an error: the chunks still running are not waited for (a
        # chunk can take minutes with a slow model); their articles are redone on resume.
        for pool in pools:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    for pool in pools:
        pool.shutdown(wait=True)

"""Language lanes: chunks of one language each, each lane to its worker, records back in input order."""
import gzip
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.run.lanes import Reorder, lane_chunks, lane_of, lane_results
from pipeline.run.parallel import ChunkResult, ItemResult
from pipeline.types import RawArticle, ReadFailure
from test_batch import extract, manifest_of, read_jsonl

NEWS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news"


def news_texts(language: str, count: int) -> list[str]:
    with gzip.open(NEWS / f"bsnlp-{language}.jsonl.gz", "rt", encoding="utf-8") as stream:
        return [json.loads(line)["text"] for _, line in zip(range(count), stream)]


@pytest.mark.parametrize("language", ["bg", "cs", "hr", "pl", "ru", "sk", "sl", "uk"])
def test_real_news_go_to_their_own_lane(language):
    texts = news_texts(language, 40)
    lanes = [lane_of(text) for text in texts]
    expected = {"hr": "hbs"}.get(language, language)
    assert sum(lane == expected for lane in lanes) >= 0.9 * len(texts), lanes


@pytest.mark.parametrize("text, lane", [
    ("Мэр Самары и глава Сызрани обсудили транспорт.", "ru"),
    ("Міський голова Житомира підписав угоду з Вроцлавом.", "uk"),
    ("Кметът на Бургас подписа споразумение.", "bg"),
    ("Градоначелник Београда и Бањалуке потписали су споразум.", "sr"),
    ("Gradonačelnici Zagreba i Mostara potpisali su sporazum o međugradskoj suradnji.", "hbs"),
    ("Župan Maribora je podpisal sporazum s Celjem.", "sl"),
    ("Primátor Brna podepsal smlouvu s městem Řezno.", "cs"),
    ("Primátor Žiliny podpísal zmluvu s mestom Ľubľana o spolupráci.", "sk"),
    ("Prezydent Gdańska podpisał umowę z Brémą.", "pl"),
    ("Der Oberbürgermeister von Görlitz grüßt die Partnerstadt.", "de"),
    ("The mayors of Leeds and Dortmund signed an agreement.", "en"),
    ("Мэр встретился с коллегами", "ru"),  # Cyrillic without a telling letter: the script's lane
    ("   ", "other"),
])
def test_the_letters_decide_the_lane(text, lane):
    assert lane_of(text) == lane


def items_of(texts: list[str]) -> list[tuple[str, RawArticle | ReadFailure]]:
    return [(f"k{i}", RawArticle(id=f"a{i}", source="t", text=t) if t is not None else ReadFailure(f"a{i}", "t", "bad"))
            for i, t in enumerate(texts)]


def test_chunks_hold_one_lane_and_every_item_once():
    texts = [("Мэр Самары ы" if i % 3 else "Prezydent Gdańska ł") for i in range(20)] + [None]
    chunks = list(lane_chunks(items_of(texts), size=4))
    assert sorted(p for c in chunks for p in c.sequence) == list(range(21))
    for chunk in chunks:
        assert len({lane_of(item.text) if isinstance(item, RawArticle) else "-" for _, item in chunk.chunk}) == 1
        assert [int(key[1:]) for key, _ in chunk.chunk] == chunk.sequence
        assert len(chunk.chunk) <= 4
    assert [c.lane for c in chunks][:3] == ["ru", "pl", "ru"]  # in the order they fill


def test_a_rare_lane_waits_no_longer_than_the_delay():
    texts = ["Prezydent Gdańska ł"] + ["Мэр Самары ы"] * 30
    chunks = list(lane_chunks(items_of(texts), size=16, max_delay=10))
    polish = next(c for c in chunks if c.lane == "pl")
    sent_after = sum(len(c.chunk) for c in chunks[:chunks.index(polish)])
    assert polish.sequence == [0] and sent_after <= 10


def test_reorder_releases_only_an_unbroken_run():
    reorder = Reorder()
    item = lambda n: ItemResult(f"k{n}", None, None, None, None, None, None, None, 0)  # noqa: E731
    assert reorder.add([1, 3], [item(1), item(3)]) == []
    assert [i.key for i in reorder.add([0], [item(0)])] == ["k0", "k1"]
    assert [i.key for i in reorder.add([2, 4], [item(2), item(4)])] == ["k2", "k3", "k4"]


def run_lanes(texts: list[str], workers: int, size: int, slow_worker: int | None = None,
              max_held: int = 10_000, read: list | None = None):
    """lane_results over one-thread executors; a worker's chunk result names the worker (as pid).
    ``slow_worker`` waits until half the texts are out, or 0.5 s; ``read`` gets how many items had been
    read when it stopped waiting."""
    who: list[tuple[int, str]] = []
    release = threading.Event()
    pools = [ThreadPoolExecutor(1) for _ in range(workers)]
    consumed = [0]

    def counted(items):
        for item in items:
            consumed[0] += 1
            yield item

    def work(worker: int, chunk):
        if worker == slow_worker and not release.is_set():
            release.wait(timeout=0.5)
            release.set()
            if read is not None:
                read.append(consumed[0])
        who.append((worker, lane_of(chunk[0][1].text)))
        items = [ItemResult(key, key.encode(), None, None, None, None, None, None, 0) for key, _ in chunk]
        return ChunkResult(items, worker, 0, 0, articles=len(items))

    submitters = [lambda chunk, w=w: pools[w].submit(work, w, chunk) for w in range(workers)]
    results = []
    for result in lane_results(submitters, lane_chunks(counted(items_of(texts)), size), per_worker=2, lookahead=8,
                               max_held=max_held):
        results.append(result)
        if sum(r.articles for r in results) >= len(texts) // 2:
            release.set()
    release.set()
    for pool in pools:
        pool.shutdown()
    return results, who


def test_results_come_back_in_input_order_and_each_lane_keeps_its_worker():
    texts = ["Мэр Самары ы", "Prezydent Gdańska ł", "Primátor Brna ř", "Міський голова і"] * 24
    results, who = run_lanes(texts, workers=2, size=4)
    assert [i.key for r in results for i in r.items] == [f"k{n}" for n in range(len(texts))]
    assert sum(r.articles for r in results) == len(texts)
    workers_of = {}
    for worker, lane in who:
        workers_of.setdefault(lane, set()).add(worker)
    # every lane has its worker; a lane's chunks go elsewhere only when that worker is idle
    assert sum(len(w) == 1 for w in workers_of.values()) >= 2


def test_one_language_still_keeps_every_worker_busy():
    """A corpus of one lane: the idle worker takes the oldest chunk waiting, output order unchanged."""
    texts = ["Мэр Самары ы"] * 64
    results, who = run_lanes(texts, workers=2, size=4, slow_worker=0)
    assert [i.key for r in results for i in r.items] == [f"k{n}" for n in range(64)]
    assert {worker for worker, _ in who} == {0, 1}


def test_a_slow_chunk_stops_the_reader_once_enough_items_wait_for_it():
    """Worker 0 is stuck on the first chunk: worker 1 does the others until 40 items wait, then reading
    stops (40 held, 8 formed and waiting, 2 chunks in flight, one of them being read: at most 64)."""
    read: list[int] = []
    texts = ["Мэр Самары ы"] * 400
    results, _ = run_lanes(texts, workers=2, size=4, slow_worker=0, max_held=40, read=read)
    assert [i.key for r in results for i in r.items] == [f"k{n}" for n in range(400)]
    assert read and read[0] <= 40 + 8 * 4 + 2 * 4 + 4


def test_two_workers_write_the_bytes_of_one_on_mixed_languages(tmp_path):
    rows = []
    for language in ("pl", "ru", "cs", "bg"):
        for n, text in enumerate(news_texts(language, 5)):
            rows.append({"id": f"{language}{n}", "text": " ".join(text.split()[:80])})
    rows = [rows[i] for order in range(5) for i in range(order, len(rows), 5)]  # languages interleaved
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert extract(corpus, one, tmp_path / "c1", "-j", "1", "--chunk-size", "2").returncode == 0
    assert extract(corpus, two, tmp_path / "c2", "-j", "2", "--chunk-size", "2").returncode == 0
    assert [r["id"] for r in read_jsonl(two)] == [r["id"] for r in rows]
    strip = lambda rs: [{k: v for k, v in r.items() if k != "provenance"} for r in rs]  # noqa: E731
    assert strip(read_jsonl(one)) == strip(read_jsonl(two))
    assert {r["language"] for r in read_jsonl(two)} == {"pl", "ru", "cs", "bg"}
    workers = manifest_of(two)["workers"].values()  # each worker's articles by lane
    assert sum(sum(w["articles_by_lane"].values()) for w in workers) == len(rows)
    assert set().union(*(w["articles_by_lane"] for w in workers)) == {"pl", "ru", "cs", "bg"}


def test_a_lane_moves_only_when_the_mix_of_languages_changes():
    from pipeline.run.lanes import REBALANCE_EVERY, LaneChunk, LaneOwners

    owners = LaneOwners(2)
    chunk = lambda lane: LaneChunk(lane, [0], [], 1000)  # noqa: E731
    for lane in ("ru", "pl", "cs", "bg"):
        owners.note(chunk(lane))
    first = dict(owners.owner)
    assert sorted(first.values()) == [0, 0, 1, 1]  # each new lane to the least loaded worker
    for _ in range(8 * REBALANCE_EVERY):  # the same mix: nobody moves
        for lane in ("ru", "pl", "cs", "bg"):
            owners.note(chunk(lane))
    assert owners.owner == first
    # one worker's two lanes run out: one of the other worker's lanes comes over, the other stays
    gone = [lane for lane, worker in first.items() if worker == first["ru"]]
    staying = [lane for lane in first if lane not in gone]
    for _ in range(16 * REBALANCE_EVERY):
        for lane in staying:
            owners.note(chunk(lane))
    assert {owners.owner[lane] for lane in staying} == {0, 1}
    assert sum(owners.owner[lane] != first[lane] for lane in staying) == 1


def test_a_chunk_splits_into_its_first_items_and_the_rest():
    from pipeline.run.lanes import split

    chunk = next(lane_chunks(items_of(["Мэр Самары ы"] * 10), size=10))
    head, rest = split(chunk, 3)
    assert head.sequence == chunk.sequence[:3] and rest.sequence == chunk.sequence[3:]
    assert [key for key, _ in head.chunk + rest.chunk] == [key for key, _ in chunk.chunk]
    assert head.chars + rest.chars == chunk.chars and head.lane == rest.lane == "ru"
    assert split(chunk, 10) == (chunk, None)


def test_once_all_is_read_the_last_chunks_go_in_pieces_to_free_workers():
    """The whole input fits the lookahead, so it is all read at once: a worker has one chunk at a time (none
    waits queued behind a running one, where a free worker could not take it), and takes at most a quarter
    of the articles left (two workers): whole chunks first, then ever smaller ones, the last of one article."""
    from pipeline.run.lanes import END_SHARE

    pools = [ThreadPoolExecutor(1) for _ in range(2)]
    in_flight, most = [0, 0], [0, 0]
    lock = threading.Lock()

    def submit(worker, chunk):
        with lock:
            in_flight[worker] += 1
            most[worker] = max(most[worker], in_flight[worker])

        def work():
            items = [ItemResult(key, key.encode(), None, None, None, None, None, None, 0) for key, _ in chunk]
            with lock:
                in_flight[worker] -= 1
            return ChunkResult(items, worker, 0, 0, articles=len(items))
        return pools[worker].submit(work)

    texts = ["Мэр Самары ы", "Prezydent Gdańska ł"] * 32
    submitters = [lambda chunk, w=w: submit(w, chunk) for w in range(2)]
    results = list(lane_results(submitters, lane_chunks(items_of(texts), 16), per_worker=2, lookahead=8,
                                max_held=10_000))
    for pool in pools:
        pool.shutdown()
    assert [i.key for r in results for i in r.items] == [f"k{n}" for n in range(64)]
    sizes = [r.articles for r in results]
    assert sum(sizes) == 64 and 16 in sizes and max(sizes) == 16
    assert sizes.count(1) >= END_SHARE * 2 - 1  # the last few articles go one by one
    assert len(sizes) <= 24  # guided: the pieces shrink geometrically, ~log(64) of them, not 64
    assert most == [1, 1]

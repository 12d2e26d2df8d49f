"""`export`: JSONL records (one or many output files) -> Parquet tables and one DuckDB database.

One streaming pass writes the per-article tables in batches (memory bounded by the batch, the
cities seen and the agreements, which wait for consolidation); DuckDB then derives the evidence of
each event and the office holders from the written tables, out of core.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.dataset import network, rows, spec
from pipeline.dataset.events import consolidate
from pipeline.dataset.neardup import NearDuplicateIndex
from pipeline.dataset.sql import EVENT_EVIDENCE, OFFICE_HOLDERS

BATCH = 2000  # records per Parquet row group
DATABASE = "citylinks.duckdb"
DUCKDB_MEMORY = "1GB"  # beyond it DuckDB spills to disk: memory stays bounded for any corpus size
DERIVED = {"event_evidence": EVENT_EVIDENCE, "office_holders": OFFICE_HOLDERS}  # computed in DuckDB
STREAMED = ("articles", "article_cities", "officials", "dates", "agreement_parties", "agreement_areas",
            "article_areas", "mentions")


class TableWriters:
    """One Parquet writer per table; rows are buffered and flushed as record batches."""

    def __init__(self, out_dir: Path, names: Iterable[str]):
        self.out_dir = out_dir
        self.specs = {name: spec.tables()[name] for name in names}
        self.buffers: dict[str, list[tuple]] = {name: [] for name in self.specs}
        self.writers = {name: pq.ParquetWriter(out_dir / f"{name}.parquet", s.arrow_schema(), compression="zstd")
                        for name, s in self.specs.items()}
        self.counts = dict.fromkeys(self.specs, 0)

    def add(self, table: str, new_rows: list[tuple]) -> None:
        self.buffers[table] += new_rows

    def flush(self) -> None:
        for name, buffer in self.buffers.items():
            if buffer:
                self.writers[name].write_table(arrow_table(self.specs[name].arrow_schema(), buffer))
                self.counts[name] += len(buffer)
                buffer.clear()

    def close(self) -> None:
        self.flush()
        for writer in self.writers.values():
            writer.close()


def arrow_table(schema: pa.Schema, table_rows: list[tuple] | list[dict]) -> pa.Table:
    """Rows as tuples in the schema's column order (or dicts by column name) -> an Arrow table."""
    if table_rows and isinstance(table_rows[0], dict):
        return pa.Table.from_pylist(table_rows, schema=schema)
    columns = list(zip(*table_rows)) if table_rows else [[] for _ in schema]
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def write_table(out_dir: Path, name: str, table_rows: list[tuple] | list[dict]) -> int:
    table = arrow_table(spec.tables()[name].arrow_schema(), table_rows)
    pq.write_table(table, out_dir / f"{name}.parquet", compression="zstd")
    return len(table_rows)


def read_records(paths: Iterable[Path]) -> Iterator[tuple[str, dict]]:
    for path in paths:
        with open(path, "rb") as stream:
            for line in stream:
                if line.strip():
                    yield str(path), orjson.loads(line)


class CityTally:
    """The cities seen, with the names articles used and how many articles mention each."""

    def __init__(self):
        self.cities: dict[int, dict] = {}

    def add(self, record: dict) -> None:
        for geonames_id in {c["geonames_id"] for c in record["cities"]}:
            first = next(c for c in record["cities"] if c["geonames_id"] == geonames_id)
            city = self.cities.setdefault(geonames_id, {
                "geonames_id": geonames_id, "name": first["name"], "country_code": first["country_code"],
                "latitude": first["latitude"], "longitude": first["longitude"], "local_names": set(),
                "n_articles": 0})
            city["n_articles"] += 1
            city["local_names"].update(c["local_name"] for c in record["cities"]
                                       if c["geonames_id"] == geonames_id and c["local_name"])

    def rows(self) -> list[dict]:
        from pipeline.resources.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
        out = []
        for geonames_id in sorted(self.cities):
            city = dict(self.cities[geonames_id], local_names=sorted(self.cities[geonames_id]["local_names"]))
            try:
                place = gazetteer.place(geonames_id)
                city.update(population=place.population, admin1_code=place.admin1 or None)
            except (KeyError, IndexError):
                city.update(population=None, admin1_code=None)
            out.append(city)
        return out

    def names(self) -> dict[int, str]:
        return {g: c["name"] for g, c in self.cities.items()}


def reports_a_link(record: dict) -> bool:
    """Whether the article tells an agreement of two or more cities: only those are compared for
    syndicated copies (events count them; most news in a corpus is about something else)."""
    return any(len(set(a["city_geonames_ids"])) >= 2 for a in record["agreements"])


def stream_pass(paths: list[Path], out_dir: Path) -> dict:
    """Write the streamed tables; return what the later steps need (reports, cities, counts)."""
    rules = spec.consolidation()
    writers = TableWriters(out_dir, STREAMED)
    copies = NearDuplicateIndex(rules.near_duplicates)
    cities, reports, seen = CityTally(), [], set()
    repeated = 0
    for n, (output_file, record) in enumerate(read_records(paths), 1):
        if record["id"] in seen:
            repeated += 1  # the same article in two output parts: the first one counts
            continue
        seen.add(record["id"])
        duplicate_of = copies.add(record["id"], record["text"]) if reports_a_link(record) else None
        writers.add("articles", [rows.article_row(record, output_file, duplicate_of)])
        for table, table_rows in rows.record_rows(record).items():
            writers.add(table, table_rows)
        cities.add(record)
        reports += rows.reports(record, duplicate_of)
        if n % BATCH == 0:
            writers.flush()
    writers.close()
    return {"counts": writers.counts, "reports": reports, "cities": cities, "repeated_ids": repeated}


def load_database(out_dir: Path) -> Path:
    """Every Parquet table into one DuckDB file, with the tables.yaml docs as comments; the
    derived tables computed there."""
    path = out_dir / DATABASE
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY}) as db:
        for name in spec.tables():
            if name not in DERIVED:
                db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(out_dir / f"{name}.parquet")])
        for name, query in DERIVED.items():
            columns = ", ".join(f'"{c}"' for c in spec.tables()[name].columns)
            db.execute(f"CREATE TABLE {name} AS SELECT {columns} FROM ({query})")
            db.execute(f"COPY {name} TO '{out_dir / (name + '.parquet')}' (FORMAT parquet, COMPRESSION zstd)")
        _comment(db)
    return path


def _comment(db: duckdb.DuckDBPyConnection) -> None:
    quote = lambda text: "'" + text.replace("'", "''") + "'"
    for name, table in spec.tables().items():
        db.execute(f"COMMENT ON TABLE {name} IS {quote(table.doc + ' Key: ' + ', '.join(table.key) + '.')}")
        for column, (_, doc) in table.columns.items():
            db.execute(f'COMMENT ON COLUMN {name}."{column}" IS {quote(doc)}')


def export(paths: list[Path], out_dir: Path) -> dict:
    """The whole dataset from JSONL records; returns row counts per table and timings."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    state = stream_pass(paths, out_dir)
    counts = state["counts"]
    city_rows = state["cities"].rows()
    counts["cities"] = write_table(out_dir, "cities", city_rows)
    event_rows, event_of = consolidate(state["reports"], spec.consolidation(), state["cities"].names())
    counts["events"] = write_table(out_dir, "events", event_rows)
    counts["agreements"] = write_table(out_dir, "agreements", [rows.agreement_row(r, event_of.get(r.item_id))
                                                              for r in state["reports"]])
    load_database(out_dir)
    with duckdb.connect(str(out_dir / DATABASE), read_only=True) as db:
        for name in ("event_evidence", "office_holders"):
            counts[name] = db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    graph = network.build(city_rows, event_rows)
    network.write(graph, out_dir)
    return {"tables": counts, "repeated_ids": state["repeated_ids"], "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(), "seconds": round(time.perf_counter() - started, 2)}

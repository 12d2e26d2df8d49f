"""`report`: one self-contained HTML page from an export directory (no scripts, styles, fonts or
tiles from the network): map, timeline, most connected cities and pairs, counts by country and
area, and a searchable table of events with their sources and evidence."""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import jinja2

from pipeline.dataset import worldmap
from pipeline.dataset.export import DATABASE

MAP_WIDTH = 900
MAX_EVENTS = 2000  # rows of the events table in the page (the most reported first)
CONTEXT = 60  # characters of text around an evidence span
TYPE_COLOURS = {"memorandum": "#4e79a7", "cooperation_agreement": "#f28e2b", "twinning_agreement": "#e15759",
                "cooperation_programme": "#76b7b2", "protocol": "#59a14f", "letter_of_intent": "#edc948",
                "other": "#b07aa1"}


def _rows(db: duckdb.DuckDBPyConnection, query: str) -> list[dict]:
    result = db.execute(query)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def _counts(db: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("events", "agreements", "articles", "cities", "office_holders")
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    counts["linked_cities"] = db.execute("SELECT count(DISTINCT p) FROM (SELECT unnest(parties) AS p FROM events)").fetchone()[0]
    return counts


def _map(cities: list[dict], edges: list[dict]) -> dict:
    projection = worldmap.Projection(worldmap.fit_box([(c["longitude"], c["latitude"]) for c in cities]), MAP_WIDTH)
    where = {c["geonames_id"]: projection(c["longitude"], c["latitude"]) for c in cities}
    lines = [{"a": where[e["source"]], "b": where[e["target"]], "width": min(1 + e["n_events"], 6),
              "title": f"{e['source_name']} – {e['target_name']}: {e['n_events']} events ({e['types']})"}
             for e in edges if e["source"] in where and e["target"] in where]
    dots = [{"x": where[c["geonames_id"]][0], "y": where[c["geonames_id"]][1], "r": 3 + min(c["degree"], 8),
             "name": c["name"], "title": f"{c['name']} ({c['country_code']}): {c['degree']} partners"} for c in cities]
    return {"width": projection.width, "height": projection.height, "countries": worldmap.outline_paths(projection),
            "lines": lines, "dots": dots}


def _timeline(events: list[dict]) -> dict:
    per_year: dict[str, Counter] = defaultdict(Counter)
    undated = 0
    for event in events:
        when = event["date"] or event["first_report"]
        if when and when[:4].isdigit():
            per_year[when[:4]][event["type"]] += 1
        else:
            undated += 1
    years = sorted(per_year)
    top = max((sum(c.values()) for c in per_year.values()), default=1)
    bars = []
    for i, year in enumerate(years):
        y = 200
        for kind, colour in TYPE_COLOURS.items():
            height = per_year[year][kind] * 180 / top
            if height:
                y -= height
                bars.append({"x": 40 + i * 900 / max(len(years), 1), "y": round(y, 1), "h": round(height, 1),
                             "colour": colour, "title": f"{year} {kind}: {per_year[year][kind]}"})
    return {"years": years, "bars": bars, "step": 900 / max(len(years), 1), "top": top, "undated": undated,
            "totals": {y: sum(per_year[y].values()) for y in years}}


def _evidence(db: duckdb.DuckDBPyConnection, event_ids: list[str]) -> dict[str, list[dict]]:
    result = db.execute(f"""
        SELECT e.event_id, e.field, e.value, e.article_id, a.url, e.text,
               substr(a.text, greatest(e."start" - {CONTEXT}, 0) + 1, least(e."start", {CONTEXT})) AS before,
               substr(a.text, e."end" + 1, {CONTEXT}) AS after
        FROM event_evidence e JOIN articles a USING (article_id)
        WHERE list_contains($ids, e.event_id)
        ORDER BY e.event_id, e.field, e.article_id, e."start" """, {"ids": event_ids})
    names = [d[0] for d in result.description]
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in result.fetchall():
        grouped[row[0]].append(dict(zip(names, row)))
    return grouped


def collect(dataset: Path) -> dict:
    """Everything the page shows, from the export's database and edge list."""
    with duckdb.connect(str(dataset / DATABASE), read_only=True) as db:
        counts = _counts(db)
        events = _rows(db, "SELECT * FROM events ORDER BY n_articles DESC, n_reports DESC, event_id")
        shown = events[:MAX_EVENTS]
        evidence = _evidence(db, [e["event_id"] for e in shown])
        urls = dict(db.execute("SELECT article_id, url FROM articles WHERE url IS NOT NULL").fetchall())
        cities = _rows(db, """
            SELECT c.*, count(DISTINCT e.event_id) AS n_events FROM cities c
            JOIN (SELECT event_id, unnest(parties) AS geonames_id FROM events) e USING (geonames_id)
            GROUP BY ALL ORDER BY n_events DESC, c.name""")
        by_country = _rows(db, """
            SELECT c.country_code, count(DISTINCT c.geonames_id) AS cities, count(DISTINCT e.event_id) AS events
            FROM (SELECT event_id, unnest(parties) AS geonames_id FROM events) e JOIN cities c USING (geonames_id)
            GROUP BY ALL ORDER BY events DESC, country_code""")
        by_area = _rows(db, """
            SELECT area, count(*) AS events FROM (SELECT unnest(areas) AS area FROM events)
            GROUP BY ALL ORDER BY events DESC, area""")
    with open(dataset / "network_edges.csv", encoding="utf-8", newline="") as stream:
        edges = [dict(e, source=int(e["source"]), target=int(e["target"]), n_events=int(e["n_events"]),
                      n_articles=int(e["n_articles"])) for e in csv.DictReader(stream)]
    counts["links"] = len(edges)
    degree = Counter(g for e in edges for g in (e["source"], e["target"]))
    for city in cities:
        city["degree"] = degree[city["geonames_id"]]
    for event in shown:
        event["evidence"] = evidence.get(event["event_id"], [])
        event["sources"] = [(a, urls.get(a)) for a in event["article_ids"]]
    return {"counts": counts, "events": shown, "n_events": len(events), "cities": cities,
            "top_cities": sorted(cities, key=lambda c: (-c["degree"], -c["n_events"], c["name"]))[:15],
            "top_pairs": sorted(edges, key=lambda e: (-e["n_events"], -e["n_articles"], e["source_name"]))[:15],
            "by_country": by_country, "by_area": by_area, "map": _map(cities, edges),
            "timeline": _timeline(events), "type_colours": TYPE_COLOURS, "dataset": dataset.name}


def render(data: dict) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True,
                                     trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("report.html.j2").render(**data)


def write_report(dataset: Path, output: Path) -> None:
    output.write_text(render(collect(dataset)), encoding="utf-8")

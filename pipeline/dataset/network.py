"""The city-to-city network from the events: GraphML and GEXF (networkx, for Gephi) and CSV."""
from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

import networkx as nx

EDGE_COLUMNS = ("source", "target", "source_name", "target_name", "types", "first_date", "last_date",
                "status", "areas", "n_events", "n_articles")


def _edge(graph: nx.Graph, a: int, b: int) -> dict:
    if not graph.has_edge(a, b):
        graph.add_edge(a, b, types=set(), dates=set(), statuses=[], areas=set(), n_events=0, articles=set())
    return graph.edges[a, b]


def build(cities: list[dict], events: list[dict]) -> nx.Graph:
    """Nodes: cities party to an event; edges: pairs of parties, one per pair over all events."""
    graph = nx.Graph()
    attributes = {c["geonames_id"]: c for c in cities}
    for event in sorted(events, key=lambda e: (e["first_report"] or "", e["event_id"])):
        for a, b in combinations(sorted(event["parties"]), 2):
            edge = _edge(graph, a, b)
            edge["types"].add(event["type"])
            edge["dates"].update([event["date"]] if event["date"] else [])
            edge["statuses"].append(event["status"])  # in report order: the last is the latest
            edge["areas"].update(event["areas"])
            edge["n_events"] += 1
            edge["articles"].update(event["article_ids"])
    for node in graph.nodes:
        city = attributes.get(node, {})
        graph.nodes[node].update(
            label=city.get("name") or str(node), country_code=city.get("country_code") or "",
            latitude=city.get("latitude") or 0.0, longitude=city.get("longitude") or 0.0,
            population=city.get("population") or 0, degree=graph.degree(node))
    for a, b, edge in graph.edges(data=True):
        dates = sorted(edge.pop("dates"))
        edge.update(types=";".join(sorted(edge["types"])), first_date=dates[0] if dates else "",
                    last_date=dates[-1] if dates else "", status=edge.pop("statuses")[-1],
                    areas=";".join(sorted(edge["areas"])), n_articles=len(edge.pop("articles")))
    return graph


def edge_rows(graph: nx.Graph) -> list[dict]:
    rows = []
    for a, b, edge in sorted(graph.edges(data=True), key=lambda e: (min(e[0], e[1]), max(e[0], e[1]))):
        a, b = sorted((a, b))
        rows.append({"source": a, "target": b, "source_name": graph.nodes[a]["label"],
                     "target_name": graph.nodes[b]["label"], **{k: edge[k] for k in EDGE_COLUMNS[4:]}})
    return rows


def write(graph: nx.Graph, out_dir: Path) -> None:
    nx.write_graphml(graph, out_dir / "network.graphml")
    nx.write_gexf(graph, out_dir / "network.gexf")
    with open(out_dir / "network_edges.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=EDGE_COLUMNS)
        writer.writeheader()
        writer.writerows(edge_rows(graph))

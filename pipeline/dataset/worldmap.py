"""Country outlines for the report's map, drawn as inline SVG: Natural Earth 1:50m TopoJSON from the
npm package world-atlas (package.json; `make setup` installs it), so the page needs no tile server."""
from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path

ATLAS_ENV = "CITYLINKS_WORLD_ATLAS"
ATLAS_FILE = Path("node_modules") / "world-atlas" / "countries-50m.json"
Ring = list[tuple[float, float]]


def atlas_path() -> Path:
    """$CITYLINKS_WORLD_ATLAS, else node_modules/world-atlas in the project root or the working directory."""
    if os.environ.get(ATLAS_ENV):
        return Path(os.environ[ATLAS_ENV])
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (root / ATLAS_FILE).exists():
            return root / ATLAS_FILE
    raise FileNotFoundError(f"{ATLAS_FILE} not found: run `npm install` in the project root (make setup does)")


def _decode_arcs(topology: dict) -> list[Ring]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring += points[1:] if ring else points
    return ring


@lru_cache(maxsize=2)
def countries(path: str) -> list[tuple[str, list[Ring]]]:
    """(country name, outer and inner rings in lon/lat) for every country of the atlas."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
        out.append(((geometry.get("properties") or {}).get("name", ""), rings))
    return out


class Projection:
    """Equirectangular, x scaled by cos(middle latitude), fitted to a lon/lat box."""

    def __init__(self, box: tuple[float, float, float, float], width: int):
        self.west, self.south, self.east, self.north = box
        self.k = math.cos(math.radians((self.south + self.north) / 2))
        self.scale = width / ((self.east - self.west) * self.k)
        self.width, self.height = width, round((self.north - self.south) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return round((lon - self.west) * self.k * self.scale, 1), round((self.north - lat) * self.scale, 1)


def fit_box(points: list[tuple[float, float]], margin: float = 0.15) -> tuple[float, float, float, float]:
    """A lon/lat box around the points with a margin, at least 12 degrees wide."""
    if not points:
        return -25.0, 34.0, 45.0, 72.0  # Europe
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    width = max(max(lons) - min(lons), 12.0)
    height = max(max(lats) - min(lats), 8.0)
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    w, h = width * (1 + 2 * margin) / 2, height * (1 + 2 * margin) / 2
    return mid_lon - w, max(mid_lat - h, -85.0), mid_lon + w, min(mid_lat + h, 85.0)


def outline_paths(projection: Projection, path: Path | None = None) -> list[tuple[str, str]]:
    """(country name, SVG path data) for the countries that reach into the projection's box."""
    paths = []
    for name, rings in countries(str(path or atlas_path())):
        parts = []
        for ring in rings:
            if not any(projection.west <= x <= projection.east and projection.south <= y <= projection.north for x, y in ring):
                continue
            points, last = [], None
            for lon, lat in ring:
                point = projection(lon, lat)
                if last is None or abs(point[0] - last[0]) + abs(point[1] - last[1]) >= 1.0:
                    points.append(point)
                    last = point
            if len(points) >= 3:
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
        if parts:
            paths.append((name, "".join(parts)))
    return paths

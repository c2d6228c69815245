"""How fast ``territory.geometry.locate`` places points, against a naive loop over all polygons.

Not a test (timings depend on the machine); run it by hand after changing the locator:

    gongzhi migrate && gongzhi demo            # the demo world: 1,226 micro-grids
    python tools/bench_locate.py               # locate() over the database's micro-grids
    python tools/bench_locate.py --voronoi     # the same number of irregular (Voronoi) polygons, in memory

The naive loop tests every polygon in code order with Shapely until one holds
the point (what one would write without an index). Both are given the same
random points in the polygons' bounding box, and must agree on every answer.
"""
import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import Point, mapping  # noqa: E402

from gongzhi.territory import geometry  # noqa: E402
from gongzhi.territory.geometry import GridLocator, OutsideAllGrids  # noqa: E402


def voronoi_rows(n, seed=1):
    """n irregular micro-grids tiling a 0.2° × 0.2° square near 济宁 (rows as the locator takes them)."""
    rng = np.random.default_rng(seed)
    west, south, size = 116.5, 35.3, 0.2
    seeds = shapely.multipoints(np.column_stack([west + rng.random(n) * size, south + rng.random(n) * size]))
    frame = shapely.box(west, south, west + size, south + size)
    cells = [c.intersection(frame) for c in shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))]
    return [(i, f"{i:018d}", i, f"{i:015d}", mapping(c)) for i, c in enumerate(cells)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voronoi", action="store_true", help="irregular polygons in memory instead of the database's")
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--naive-points", type=int, default=2_000)
    args = parser.parse_args()

    if args.voronoi:
        started = time.perf_counter()
        built = GridLocator(voronoi_rows(1226))
        print(f"built a locator of 1,226 Voronoi polygons in {time.perf_counter() - started:.2f} s")
        locate = built.locate
    else:
        started = time.perf_counter()
        built = geometry.locator()
        print(f"built the locator of {len(built._rows):,} micro-grids from the database in {time.perf_counter() - started:.2f} s")
        locate = geometry.locate  # the public function, with its cache check
    if not built._rows:
        sys.exit("No micro-grids with boundaries: build the demo world first (gongzhi demo).")
    rows, geoms = built._rows, [shapely.geometry.shape(r[4]) for r in built._rows]
    west, south, east, north = shapely.total_bounds(geoms)
    rng = random.Random(2026)
    points = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(args.points)]

    def answer(lat, lng):
        try:
            return locate(lat, lng).micro_grid_code
        except OutsideAllGrids:
            return None

    started = time.perf_counter()
    fast = [answer(lat, lng) for lat, lng in points]
    fast_rate = len(points) / (time.perf_counter() - started)

    def naive(lat, lng):
        point = Point(lng, lat)
        for row, geom in zip(rows, geoms):  # rows are in code order: the first hit is the answer
            if geom.intersects(point):
                return row[1]
        return None

    sample = points[: args.naive_points]
    started = time.perf_counter()
    slow = [naive(lat, lng) for lat, lng in sample]
    naive_rate = len(sample) / (time.perf_counter() - started)
    disagree = sum(a != b for a, b in zip(fast, slow))
    print(f"locate():   {fast_rate:>10,.0f} points/s over {len(points):,} points")
    print(f"naive loop: {naive_rate:>10,.0f} points/s over {len(sample):,} points")
    print(f"speed-up:   {fast_rate / naive_rate:>10,.0f}x; answers that differ: {disagree}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())

"""Grid boundaries (GeoJSON, WGS 84) and placing a point in its micro-grid and grid.

Boundaries are checked with Shapely on the way in (a closed, non-self-
intersecting Polygon or MultiPolygon). Locating a point uses one lattice of
cells over all micro-grid polygons (``GridLocator``), built once per process and
rebuilt when a boundary changes; placing a point runs no query.
"""
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.memory import give_back_freed_memory


def validate_boundary(geojson, *, field="boundary"):
    """Return the GeoJSON geometry as a dict if it is a valid polygon, else raise."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise DomainError(
            _("A boundary must be a GeoJSON Polygon or MultiPolygon."),
            code="boundary_type", field=field,
        )
    try:
        geom = shape(geojson)
    except Exception:
        raise DomainError(_("The boundary's coordinates cannot be read."), code="boundary_coords", field=field)
    if geom.is_empty:
        raise DomainError(_("The boundary is empty."), code="boundary_empty", field=field)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise DomainError(
            _("Boundary coordinates must be longitude, latitude in degrees."),
            code="boundary_range", field=field,
        )
    if not geom.is_valid:
        raise DomainError(
            _("The boundary is not a valid polygon (%(reason)s), e.g. it crosses itself."),
            params={"reason": explain_validity(geom)}, code="boundary_invalid", field=field,
        )
    return mapping(geom) | {"coordinates": _as_lists(mapping(geom)["coordinates"])}


def _as_lists(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [float(c) for c in coords]
    return [_as_lists(c) for c in coords]


class OutsideAllGrids(DomainError):
    pass


@dataclass(frozen=True)
class Placement:
    micro_grid_id: int
    micro_grid_code: str
    grid_id: int
    grid_code: str


class GridLocator:
    """Places points in micro-grids. Build it from (id, code, parent_id, parent_code, geojson) rows.

    A point is answered without making any geometry: the area covered is cut
    into a regular lattice of cells (about ``CELLS_PER_POLYGON`` per micro-grid).
    A cell lying wholly inside one micro-grid answers at once; a cell on a
    border keeps the few micro-grids that meet it, tested exactly (an
    axis-aligned rectangle by comparing numbers, any other shape by Shapely's
    prepared ``intersects_xy``). The STRtree serves area questions (``near``).
    """

    def __init__(self, rows):
        # Sorted by code so that ties (a point on a shared border) always go
        # to the micro-grid with the smallest code: a deterministic answer.
        rows = sorted(rows, key=lambda r: r[1])
        self._rows = rows
        self._placements = [Placement(micro_grid_id=r[0], micro_grid_code=r[1], grid_id=r[2], grid_code=r[3]) for r in rows]
        self._geoms = [shape(r[4]) for r in rows]
        self._tree = shapely.STRtree(self._geoms)
        self._build_cells()

    def _build_cells(self):
        n = len(self._geoms)
        self._cells = []
        if n == 0:
            self._extent = None
            return
        geoms = np.array(self._geoms, dtype=object)
        shapely.prepare(geoms)
        bounds = shapely.bounds(geoms)
        # An axis-aligned rectangle is tested by comparing numbers: exact, and no Shapely call.
        self._boxes = [tuple(b) if shapely.equals(g, shapely.box(*b)) else None for g, b in zip(geoms, bounds)]
        self._bounds = [tuple(b) for b in bounds]
        x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
        x1, y1 = float(bounds[:, 2].max()), float(bounds[:, 3].max())
        side = CELLS_PER_POLYGON ** 0.5
        width = max(float(np.median(bounds[:, 2] - bounds[:, 0])) / side, (x1 - x0) / MAX_CELLS_PER_AXIS, 1e-9)
        height = max(float(np.median(bounds[:, 3] - bounds[:, 1])) / side, (y1 - y0) / MAX_CELLS_PER_AXIS, 1e-9)
        nx, ny = max(1, math.ceil((x1 - x0) / width)), max(1, math.ceil((y1 - y0) / height))
        while nx * ny > MAX_CELLS:
            nx, ny = max(1, nx // 2), max(1, ny // 2)
        self._extent = (x0, y0, x1, y1, (x1 - x0) / nx or 1.0, (y1 - y0) / ny or 1.0, nx, ny)
        # Every (cell, micro-grid) pair whose boxes meet, cells taken in code order of the micro-grids.
        ix0, iy0 = self._cell_of(bounds[:, 0], bounds[:, 1])
        ix1, iy1 = self._cell_of(bounds[:, 2], bounds[:, 3])
        pairs_cell, pairs_geom = [], []
        for k in range(n):
            i, j = np.meshgrid(np.arange(ix0[k], ix1[k] + 1), np.arange(iy0[k], iy1[k] + 1), indexing="ij")
            pairs_cell.append((i * ny + j).ravel())
            pairs_geom.append(np.full(i.size, k))
        cell_ids, geom_ids = np.concatenate(pairs_cell), np.concatenate(pairs_geom)
        order = np.lexsort((geom_ids, cell_ids))
        cell_ids, geom_ids = cell_ids[order], geom_ids[order]
        cx, cy = cell_ids // ny, cell_ids % ny
        _x0, _y0, _x1, _y1, dx, dy, _nx, _ny = self._extent
        # Each cell's box, padded by far more than a rounding error, so that it holds every point
        # the division in locate() sends to the cell: "meets" may only add candidates, "covers"
        # may only be stricter.
        pad = PAD_DEGREES
        boxes = shapely.box(x0 + cx * dx - pad, y0 + cy * dy - pad, x0 + (cx + 1) * dx + pad, y0 + (cy + 1) * dy + pad)
        meets = shapely.intersects(geoms[geom_ids], boxes)  # a box only near the micro-grid is no candidate
        cell_ids, geom_ids, boxes = cell_ids[meets], geom_ids[meets], boxes[meets]
        cells = [()] * (nx * ny)
        if len(cell_ids):
            starts = np.flatnonzero(np.r_[True, cell_ids[1:] != cell_ids[:-1]])
            first = geom_ids[starts]
            # The cell answers at once if the first (smallest code) micro-grid covers all of it.
            whole = shapely.covers(geoms[first], boxes[starts])
            for s, e, k, w in zip(starts, np.r_[starts[1:], len(cell_ids)], first, whole):
                cells[int(cell_ids[s])] = int(k) if w else tuple(int(g) for g in geom_ids[s:e])
        self._cells = cells

    def _cell_of(self, x, y):
        x0, y0, _x1, _y1, dx, dy, nx, ny = self._extent
        return (np.clip(((np.asarray(x) - x0) / dx).astype(int), 0, nx - 1),
                np.clip(((np.asarray(y) - y0) / dy).astype(int), 0, ny - 1))

    def _outside(self, lat, lng):
        return OutsideAllGrids(
            _("The point (%(lat).6f, %(lng).6f) lies outside every grid."),
            params={"lat": lat, "lng": lng}, code="outside_grids",
        )

    def locate(self, lat, lng):
        try:
            lat, lng = float(lat), float(lng)
        except (TypeError, ValueError):
            raise DomainError(_("Latitude and longitude must be numbers."), code="point_invalid")
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError(_("Latitude or longitude is out of range."), code="point_invalid")
        extent = self._extent
        if extent is None or not (extent[0] <= lng <= extent[2] and extent[1] <= lat <= extent[3]):
            raise self._outside(lat, lng)
        x0, y0, _x1, _y1, dx, dy, nx, ny = extent
        i, j = int((lng - x0) / dx), int((lat - y0) / dy)
        entry = self._cells[min(i, nx - 1) * ny + min(j, ny - 1)]
        if entry.__class__ is int:
            return self._placements[entry]
        for k in entry:  # in code order: the first hit is the smallest code
            box = self._boxes[k]
            if box is not None:
                if box[0] <= lng <= box[2] and box[1] <= lat <= box[3]:
                    return self._placements[k]
                continue
            b = self._bounds[k]
            if b[0] <= lng <= b[2] and b[1] <= lat <= b[3] and shapely.intersects_xy(self._geoms[k], lng, lat):
                return self._placements[k]
        raise self._outside(lat, lng)

    def near(self, lat, lng, metres):
        """Placements of the micro-grids within about ``metres`` of the point (a box around it), in code order."""
        dlat = metres / METRES_PER_DEGREE
        dlng = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(float(lat))), 0.01))
        area = shapely.box(lng - dlng, lat - dlat, lng + dlng, lat + dlat)
        return [self._placements[int(k)] for k in sorted(self._tree.query(area, predicate="intersects"))]


# Point location's lattice: cells per micro-grid (more: more cells answer at once; fewer: a
# smaller table), with bounds on the table's size for very uneven territories.
CELLS_PER_POLYGON = 64
MAX_CELLS_PER_AXIS = 4096
MAX_CELLS = 2_000_000
METRES_PER_DEGREE = 111_195  # of latitude, on the mean Earth sphere
PAD_DEGREES = 1e-9  # about 0.1 mm; rounding errors near 180° are about 3e-14


# How stale another process's boundaries may be: this process forgets its locator
# at once when it changes a unit (signals, territory/apps.py); changes made elsewhere
# are noticed by one small query at most this often (settings.LOCATOR_CHECK_SECONDS).
DEFAULT_CHECK_SECONDS = 5

_cache_lock = threading.Lock()
# "due": the monotonic time after which the stamp is read again (0: at the next point).
_cache = {"key": None, "locator": None, "due": 0.0}


def _check_seconds():
    from django.conf import settings

    return getattr(settings, "LOCATOR_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)


def _micro_grids():
    from .models import Level, Unit

    return Unit.objects.filter(level=Level.MICRO_GRID, boundary__isnull=False)


def _stamp():
    from django.db.models import Count, Max

    stamp = _micro_grids().aggregate(n=Count("id"), last=Max("updated_at"))
    return (stamp["n"], stamp["last"])


def locator():
    """The process-wide locator, rebuilt when micro-grid boundaries change.

    No query on the way of a point: the stamp of the micro-grids (how many have a
    boundary, their latest change) is read at most every few seconds.
    """
    current = _cache["locator"]
    if current is not None and time.monotonic() < _cache["due"]:
        return current
    with _cache_lock:
        key = _stamp()
        if _cache["locator"] is None or _cache["key"] != key:
            rows = _micro_grids().values_list("id", "code", "parent_id", "parent__code", "boundary")
            _cache["locator"] = GridLocator(list(rows))
            _cache["key"] = key
            give_back_freed_memory()  # the lattice's build arrays (about 40 MB for the demo's district)
        _cache["due"] = time.monotonic() + _check_seconds()
        return _cache["locator"]


def reset_cache():
    """Drop this process's locator; the next point rebuilds it."""
    with _cache_lock:
        _cache.update(key=None, locator=None, due=0.0)


def forget(**unused):
    """A unit changed: drop this process's locator at once and again after commit.

    Connected to Unit's save and delete and to territory's ``unit_codes_changed``
    (territory/apps.py). At once, because the same transaction may place a point
    next; after commit, because another thread may have rebuilt it meanwhile
    from the state before the change.
    """
    from django.db import transaction

    reset_cache()
    transaction.on_commit(reset_cache)


def locate(lat, lng):
    """Place a point in its micro-grid and grid; raises OutsideAllGrids if it is in none."""
    return locator().locate(lat, lng)


def micro_grids_near(lat, lng, metres):
    """The micro-grids (as Placements) within about ``metres`` of a point: for "what is nearby"."""
    return locator().near(lat, lng, metres)

"""Grid boundaries (GeoJSON, WGS 84) and placing a point in its micro-grid and grid.

Boundaries are checked with Shapely on the way in (a closed, non-self-
intersecting Polygon or MultiPolygon). Locating a point uses one STRtree over
all micro-grid polygons, built once and rebuilt when any boundary changes.
"""
import threading
from dataclasses import dataclass

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.validation import explain_validity
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError


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
    """Places points in micro-grids. Build it from (id, code, parent_id, parent_code, geojson) rows."""

    def __init__(self, rows):
        # Sorted by code so that ties (a point on a shared border) always go
        # to the micro-grid with the smallest code: a deterministic answer.
        rows = sorted(rows, key=lambda r: r[1])
        self._rows = rows
        self._geoms = [shape(r[4]) for r in rows]
        self._tree = shapely.STRtree(self._geoms)

    def locate(self, lat, lng):
        try:
            lat, lng = float(lat), float(lng)
        except (TypeError, ValueError):
            raise DomainError(_("Latitude and longitude must be numbers."), code="point_invalid")
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError(_("Latitude or longitude is out of range."), code="point_invalid")
        point = Point(lng, lat)
        hits = sorted(int(i) for i in self._tree.query(point, predicate="intersects"))
        if not hits:
            raise OutsideAllGrids(
                _("The point (%(lat).6f, %(lng).6f) lies outside every grid."),
                params={"lat": lat, "lng": lng}, code="outside_grids",
            )
        row = self._rows[hits[0]]
        return Placement(micro_grid_id=row[0], micro_grid_code=row[1], grid_id=row[2], grid_code=row[3])


_cache_lock = threading.Lock()
_cache = {"key": None, "locator": None}


def locator():
    """The process-wide locator, rebuilt when micro-grid boundaries change."""
    from django.db.models import Count, Max

    from .models import Level, Unit

    micro = Unit.objects.filter(level=Level.MICRO_GRID, boundary__isnull=False)
    stamp = micro.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (stamp["n"], stamp["last"])
    with _cache_lock:
        if _cache["key"] != key:
            rows = micro.values_list("id", "code", "parent_id", "parent__code", "boundary")
            _cache["locator"] = GridLocator(list(rows))
            _cache["key"] = key
        return _cache["locator"]


def locate(lat, lng):
    """Place a point in its micro-grid and grid; raises OutsideAllGrids if it is in none."""
    return locator().locate(lat, lng)

"""The clusters and city-level units the officials' filter forms offer, from the cache.

Building them is a query and a loop on every list request; they change only when the administrator edits a
cluster or a division, so they are cached and dropped on every save or delete of either (see `apps.py`).
"""

from django.core.cache import cache

CLUSTERS_KEY = "directory:cluster-choices:v1"
CITIES_KEY = "directory:city-choices:v1"


def cluster_rows() -> list[tuple[int, str, str, str]]:
    """(pk, name, county code, reviewing city code) of every cluster, by name."""
    rows = cache.get(CLUSTERS_KEY)
    if rows is None:
        from portal.directory.models import Cluster

        rows = [
            (pk, name, county or "", city or "")
            for pk, name, county, city in Cluster.objects.order_by("name").values_list(
                "pk", "name", "county_id", "county__reviewing_city_id"
            )
        ]
        cache.set(CLUSTERS_KEY, rows, None)
    return rows


def city_rows() -> list[tuple[str, str]]:
    """(code, name) of every city-level unit (the 设区市 and the units reviewing like one), by code."""
    rows = cache.get(CITIES_KEY)
    if rows is None:
        from portal.directory.models import Division

        rows = list(Division.objects.city_level().order_by("code").values_list("code", "name"))
        cache.set(CITIES_KEY, rows, None)
    return rows


def forget_choices(**_kwargs) -> None:
    cache.delete_many([CLUSTERS_KEY, CITIES_KEY])

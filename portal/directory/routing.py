"""How many in-flight applications a county has, for the warning shown when its routing changes.

The directory knows nothing of applications (portal imports no app): the applications app registers the counter
when it starts (applications/apps.py). A routing change applies to new submissions only; these stay.
"""

from collections.abc import Callable

_counters: list[Callable] = []


def register_in_flight_counter(counter: Callable) -> None:
    """`counter(county)` returns {reviewing city code: number of in-flight applications of the county}."""
    if counter not in _counters:
        _counters.append(counter)


def in_flight_by_city(county) -> dict[str, int]:
    """{reviewing city code: in-flight applications} of `county`'s enterprises, from every registered counter."""
    totals: dict[str, int] = {}
    for counter in _counters:
        for city, count in counter(county).items():
            totals[city] = totals.get(city, 0) + count
    return totals

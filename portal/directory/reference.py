"""Loading the Hebei reference data from fixtures/: idempotent, and it never undoes a routing change."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.directory.models import Division, DivisionKind

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DIVISION_FILES = ["hebei_divisions.csv", "hebei_functional_zones.csv", "local_units.csv"]


def read_csv(name):
    with open(FIXTURES / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert_division(row, division) -> None:
    wanted = {"name": row["name"], "kind": row["level"], "parent_id": row["parent_code"] or None}
    if division is None:
        Division.objects.create(code=row["code"], **wanted)
    elif any(getattr(division, k) != v for k, v in wanted.items()):
        Division.objects.filter(code=row["code"]).update(**wanted)


@transaction.atomic
def load_divisions() -> int:
    """Create or update every division; set a county-level unit's routing only when it has none yet."""
    rows = [row for name in DIVISION_FILES for row in read_csv(name)]
    existing = {d.code: d for d in Division.objects.all()}
    for row in rows:  # parents first: the files list the province, then cities, then counties
        _upsert_division(row, existing.get(row["code"]))
    for division in Division.objects.county_level().filter(reviewing_city__isnull=True):
        if division.kind == DivisionKind.PROVINCIAL_DIRECT_CITY:
            division.reviewing_city = division  # 辛集、定州 review their own applications at city level
        else:
            division.reviewing_city = division.parent
        division.save(update_fields=["reviewing_city"])
    return len(rows)

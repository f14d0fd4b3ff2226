"""Chinese names for the codes that appear in audit entries (the workflow's action codes, e.g. `county_return`).

The audit log belongs to the project package, which imports no app: the review app registers its transition
table's labels when it starts (review/apps.py). Entries written before the labels were used are shown with them too.
"""

import re
from collections.abc import Mapping

_labels: dict[str, str] = {}
CODE = re.compile(r"「([a-z][a-z0-9_]*)」")


def register_action_labels(labels: Mapping[str, str]) -> None:
    _labels.update({str(code): str(label) for code, label in labels.items()})


def action_label(code: str) -> str:
    """The Chinese name of an action code; an unknown code (a crafted request) is named as such."""
    return _labels.get(code, f"未知操作 {code}")


def readable_detail(detail: str) -> str:
    """`detail` with every 「code」 of a known action replaced by 「its label」."""
    return CODE.sub(lambda m: f"「{_labels[m.group(1)]}」" if m.group(1) in _labels else m.group(0), detail)

"""What the officials' work lists share: the page, the sort headers and the query string that keeps the filters."""

from dataclasses import dataclass

from django.core.paginator import Paginator

from portal.pagination import ByIds
from review.documents.dossier import BATCH_LIMIT

# 每页条数 an official may choose; the first is the default. A page of 20 rows answers in about half the time of 50
# and suits a county office's connection; batch work on more rows asks for 50 or 100.
PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class PageSize:
    size: int
    url: str
    current: bool


@dataclass(frozen=True)
class SortHeader:
    label: str
    url: str  # the list sorted by this column (the other way round when it is the current sort)
    aria_sort: str  # ascending / descending / none
    arrow: str


def query_string(request, *, drop=("page",), **changes) -> str:
    """The request's query string without `drop` and with `changes`: links keep the search and the filters."""
    query = request.GET.copy()
    for name in (*drop, *changes):
        query.pop(name, None)
    for name, value in changes.items():
        if value:
            query[name] = value
    return query.urlencode()


def sort_headers(request, columns, current: str) -> dict[str, SortHeader]:
    key, descending = current.removeprefix("-"), current.startswith("-")
    headers = {}
    for column in columns.values():
        active = column.key == key
        target = f"-{column.key}" if active and not descending else column.key
        aria = ("descending" if descending else "ascending") if active else "none"
        arrow = ("↓" if descending else "↑") if active else ""
        headers[column.key] = SortHeader(column.label, "?" + query_string(request, sort=target), aria, arrow)
    return headers


def page_size(request) -> int:
    """The rows per page asked for (?per_page=), one of PAGE_SIZES; anything else is the default."""
    asked = request.GET.get("per_page", "")
    return int(asked) if asked in {str(n) for n in PAGE_SIZES} else PAGE_SIZES[0]


def paginate(request, queryset, per_page=None):
    """The asked page of the list, its rows read by their ids (`ByIds`)."""
    return Paginator(ByIds(queryset), per_page or page_size(request)).get_page(request.GET.get("page"))


def list_context(request, form, columns, page) -> dict:
    current = form.query().sort
    return {
        "form": form,
        "page": page,
        "headers": sort_headers(request, columns, current or ""),
        "page_query": query_string(request),
        "page_sizes": [
            PageSize(n, "?" + query_string(request, per_page=str(n)), n == page.paginator.per_page) for n in PAGE_SIZES
        ],
        "batch_limit": BATCH_LIMIT,
    }

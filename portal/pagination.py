"""Django's Paginator with a bounded count, for lists that only grow (the audit log, notifications)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: counting a long table costs as much as reading it, and so does an OFFSET deep
    into it. The newest `cap` rows are reachable page by page; past them the filters narrow the list
    (`capped` tells the template to say so)."""

    def __init__(self, object_list, per_page, *, cap, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

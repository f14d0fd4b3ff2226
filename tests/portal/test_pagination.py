"""ByIds: a page read as its ids, then its rows: the same rows in the same order as the plain queryset's page."""

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import User
from portal.pagination import ByIds
from tests.factories import county_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    for i in range(7):
        county_official(username=f"county-{i}", full_name=f"审核员{6 - i}")
    return User.objects.filter(username__startswith="county-").order_by("full_name", "id")


def test_each_page_holds_the_rows_of_the_plain_querysets_page_in_its_order(users):
    plain, by_ids = Paginator(users, 3), Paginator(ByIds(users), 3)
    assert by_ids.count == plain.count == 7 and by_ids.num_pages == 3
    for number in (1, 2, 3):
        assert list(by_ids.page(number).object_list) == list(plain.page(number).object_list)
    assert [u.full_name for u in by_ids.page(1)] == ["审核员0", "审核员1", "审核员2"]


def test_a_page_is_its_ids_cut_in_the_database_then_its_rows(users):
    with CaptureQueriesContext(connection) as captured:
        rows = ByIds(users.select_related("unit"))[3:6]
    ids, read = (q["sql"] for q in captured.captured_queries)
    assert re.match(r'SELECT "accounts_user"\."id" AS "pk" FROM', ids) and "LIMIT 3 OFFSET 3" in ids
    assert '"directory_division"' not in ids  # the joins only a row shows are left to the rows' query
    assert '"directory_division"' in read and " IN (" in read
    assert all(u._state.fields_cache.get("unit") for u in rows)


def test_rows_are_read_from_their_own_queryset_and_then_is_applied_once_a_page(users):
    pages = []
    rows = ByIds(users, rows=User.objects.only("username"), then=lambda page: pages.append(page) or [u.username for u in page])
    assert rows[0:2] == ["county-6", "county-5"] and len(pages) == 1
    assert rows[6] == "county-0"
    assert list(rows) == [f"county-{i}" for i in range(6, -1, -1)]

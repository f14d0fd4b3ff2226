"""The campaign's figures are kept in the cache (review.figures) and never outlive a change made through the portal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import State
from review import selectors
from tests.factories import county_official
from tests.review.journey import actor_for, application_in, rank_next, verify, walk

pytestmark = pytest.mark.django_db


def aggregates_of(client, url) -> tuple[str, int]:
    """The page, and how many of its queries read the applications table."""
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    return page, len([q for q in captured.captured_queries if '"applications_application"' in q["sql"]])


def test_county_home_counts_once_then_reads_the_cache_until_a_transition(client):
    first = application_in(State.COUNTY_REVIEW)
    application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(first, "county_pass"))
    url = reverse("review:county_home")
    page, counted = aggregates_of(client, url)
    assert "2 件待县级初审" in page and counted > 0
    page, counted = aggregates_of(client, url)
    assert "2 件待县级初审" in page and counted == 0

    walk(first, "verify", "county_pass")
    page, counted = aggregates_of(client, url)
    assert "1 件待县级初审" in page and counted > 0


def test_verification_and_ranking_change_the_home_pages_at_once(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "county_pass"))
    assert "其中 1 件尚未填写核实情况证明" in client.get(reverse("review:county_home")).content.decode()
    verify(application)
    assert "其中 0 件尚未填写核实情况证明" in client.get(reverse("review:county_home")).content.decode()

    walk(application, "county_pass")
    client.force_login(actor_for(application, "city_forward"))
    assert "其中 1 件尚未排序" in client.get(reverse("review:city_home")).content.decode()
    rank_next(application)
    assert "其中 0 件尚未排序" in client.get(reverse("review:city_home")).content.decode()


def test_figures_are_kept_per_jurisdiction():
    application = application_in(State.COUNTY_REVIEW)
    own = actor_for(application, "county_pass")
    other = county_official("130534")
    campaign = application.campaign
    assert selectors.count_of(selectors.state_counts(own, campaign), State.COUNTY_REVIEW) == 1
    assert selectors.count_of(selectors.state_counts(other, campaign), State.COUNTY_REVIEW) == 0
    colleague = county_official(own.unit_id)
    with CaptureQueriesContext(connection) as captured:
        assert selectors.count_of(selectors.state_counts(colleague, campaign), State.COUNTY_REVIEW) == 1
    assert not captured.captured_queries  # the same county's figures, already counted

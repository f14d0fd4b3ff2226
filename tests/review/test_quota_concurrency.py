"""The quota under real concurrency: officials forwarding at the same moment, each in its own transaction."""

import threading

import pytest
from django.db import connection, connections

from applications.models import Application, State
from review.models import ClusterQuota, ReviewRecord
from review.services import TransitionRefused, perform_transition
from tests.factories import ClusterFactory, EnterpriseFactory, city_official
from tests.review.journey import application_in, rank_next

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL's row locks.")


def race(calls):
    """Start every call at the same instant, each on its own database connection; return (outcome, value)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except TransitionRefused as refusal:
            results[index] = ("refused", str(refusal))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def forward(application, official):
    return lambda: perform_transition(
        application_id=application.pk, action="city_forward", actor=official, opinion="同意上报。"
    )


def test_third_and_fourth_forward_at_the_same_moment_exactly_one_succeeds():
    cluster = ClusterFactory()
    for _ in range(2):
        application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    third, fourth = (application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(2))
    rank_next(third)  # third 3, fourth 4
    officials = [city_official("131100"), city_official("131100")]
    results = race([forward(third, officials[0]), forward(fourth, officials[1])])
    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes == ["ok", "refused"], results
    # The fourth waits for the third (推荐排序), or finds the quota full once the third is in.
    assert any(
        "达到推荐上限" in value or "须按推荐排序依次上报" in value for outcome, value in results if outcome == "refused"
    )
    assert ClusterQuota.objects.get(cluster=cluster).used == 3
    assert Application.objects.filter(cluster=cluster, state=State.PROVINCE_REVIEW).count() == 3
    assert ReviewRecord.objects.filter(application__cluster=cluster, action="city_forward").count() == 3


def test_six_concurrent_forwards_into_an_empty_cluster_never_pass_the_quota_nor_skip_a_rank():
    cluster = ClusterFactory()
    waiting = [application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(6)]
    rank_next(waiting[0])  # 1 … 6 in creation order
    results = race([forward(a, city_official("131100")) for a in waiting])
    passed = sum(1 for outcome, _ in results if outcome == "ok")
    assert 1 <= passed <= 3 and all(outcome in ("ok", "refused") for outcome, _ in results), results
    forwarded = Application.objects.filter(cluster=cluster, state=State.PROVINCE_REVIEW)
    assert sorted(forwarded.values_list("city_rank", flat=True)) == list(range(1, passed + 1))
    assert ClusterQuota.objects.get(cluster=cluster).used == passed


def test_the_same_application_forwarded_twice_at_once_moves_once():
    application = application_in(State.CITY_REVIEW)
    rank_next(application)
    results = race([forward(application, city_official("131100")) for _ in range(2)])
    assert sorted(outcome for outcome, _ in results) == ["ok", "refused"], results
    assert ReviewRecord.objects.filter(application=application, action="city_forward").count() == 1
    assert ClusterQuota.objects.get(cluster=application.cluster).used == 1

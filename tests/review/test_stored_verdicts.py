"""The verdicts stored on the application (unmet_conditions, pending_conditions) follow what the rules judge."""

from decimal import Decimal

import pytest

from applications import eligibility
from applications.models import Application, State
from review.services import county_verification_save
from tests.review.journey import actor_for, application_in

pytestmark = pytest.mark.django_db

FIGURES = {
    "revenue": "52000.00", "tax_total": "2600.00", "total_assets": "80000.00", "owners_equity": "48000.00",
    "cluster_rank": "1", "remarks": "",
}


def stored(application):
    application = Application.objects.get(pk=application.pk)
    return application.unmet_codes, application.pending_codes


def judged(application):
    application = Application.objects.get(pk=application.pk)
    verification = getattr(application, "county_verification", None)
    codes = eligibility.condition_codes(eligibility.evaluate(eligibility.rule_facts(application, verification=verification)))
    return codes["unmet_conditions"].split(), codes["pending_conditions"].split()


def test_submission_stores_what_the_rules_judge():
    application = application_in(State.COUNTY_REVIEW)
    unmet, pending = stored(application)
    assert (unmet, pending) == judged(application)
    assert unmet == [] and {"B1", "C5", "E3", "E4"} <= set(pending)


def test_the_county_verification_stores_the_failures_on_verified_figures():
    application = application_in(State.COUNTY_REVIEW)
    county = actor_for(application, "verify")
    county_verification_save(
        application_id=application.pk, actor=county, version=0,
        data={**FIGURES, "revenue": Decimal("9800"), "owners_equity": Decimal("38000"), "cluster_rank": 4},
    )
    unmet, _ = stored(application)
    assert unmet == ["A3", "A5", "E1"]
    assert Application.objects.filter(unmet_conditions__contains="A5").get() == application
    county_verification_save(application_id=application.pk, actor=county, version=1, data=FIGURES)
    assert stored(application)[0] == []
    assert stored(application) == judged(application)


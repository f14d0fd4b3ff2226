"""The field registry: one table the fingerprint, completeness, forms and review screens read."""

import pytest

from applications.fields import (
    FIELDS,
    FORM_FIELDS,
    REQUIRED_FIELDS,
    SIGNED_FIELDS,
    VERIFIED_FIELDS,
    facts_for,
)
from applications.fingerprint import signed_data
from applications.forms import ApplicationForm
from applications.models import Application
from review.forms import CountyVerificationForm
from review.models import CountyVerification
from tests.factories import eligible_application

pytestmark = pytest.mark.django_db


def test_registry_labels_are_the_models_words():
    for spec in FIELDS:
        field = Application._meta.get_field(spec.name.removesuffix("_id"))
        assert spec.label == field.verbose_name, spec.name


def test_the_five_verified_figures_are_the_county_verifications_and_its_forms():
    assert VERIFIED_FIELDS == ["revenue", "tax_total", "total_assets", "owners_equity", "cluster_rank"]
    verification_fields = {f.name for f in CountyVerification._meta.get_fields()}
    assert set(VERIFIED_FIELDS) <= verification_fields
    assert set(VERIFIED_FIELDS) <= set(CountyVerificationForm.base_fields)


def test_the_form_has_exactly_the_registrys_form_fields():
    # plus the confirmation a very large amount needs (applications.plausibility), which is not stored
    assert list(ApplicationForm.base_fields) == [*FORM_FIELDS, "version", "confirm_large_amounts"]
    assert set(REQUIRED_FIELDS) <= set(FORM_FIELDS)


def test_the_fingerprint_signs_every_registry_field():
    application = eligible_application()
    assert list(signed_data(application)["fields"]) == SIGNED_FIELDS == [spec.name for spec in FIELDS]


def test_facts_use_verified_figures_only_where_the_county_verified_them():
    application = eligible_application()
    verification = CountyVerification(application=application, revenue=40000, total_assets=None)
    facts = facts_for(application, verification)
    assert facts.verified == {"revenue"}
    assert (facts.revenue, facts.total_assets) == (40000, application.total_assets)
    assert facts.rd_share == round(application.rd_spend * 100 / 40000, 2)
    assert facts_for(application, None).revenue == application.revenue

"""Amounts of 万元 on the screens are written as the documents write them: 52,000.00 (portal.numbers.money)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application, State
from review import selectors
from tests.factories import county_official
from tests.review.journey import application_in, verify

pytestmark = pytest.mark.django_db


def test_the_enterprise_sees_its_figures_with_separators_and_a_zero_as_a_zero(client):
    application = application_in(State.COUNTY_REVIEW)
    Application.objects.filter(pk=application.pk).update(revenue=Decimal("52000.00"), net_profit=Decimal("0"))
    client.force_login(application.enterprise.users.first())
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "52,000.00" in page and "52000.00" not in page
    assert '上年度净利润（万元）</dt><dd class="col-sm-8">0.00</dd>' in page  # a zero is a figure, not a dash


def test_the_officials_application_page_and_the_verification_history_write_amounts_alike(client):
    application = application_in(State.COUNTY_REVIEW)
    Application.objects.filter(pk=application.pk).update(revenue=Decimal("52000.00"), tax_total=Decimal("2600.00"))
    application.refresh_from_db()
    verify(application)
    verify(application, revenue=Decimal("48000.00"))
    assert "核实营业收入（万元）：52,000.00 → 48,000.00" in selectors.verification_history(application)[0].changes
    client.force_login(county_official(application.enterprise.county_id))
    page = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    assert "52,000.00" in page and "48,000.00" in page and "-4,000.00" in page  # declared, verified, difference
    assert "52000.00" not in page and "48000.00" not in page

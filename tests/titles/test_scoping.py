"""Every read of a 公示, an objection, a meeting or a certificate starts from its scoping selector: the public sees the
published 公示, only the province the objections, and a service asked about an object outside the actor's scope
finds nothing (the view answers 404)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from review.errors import ActionForbidden
from review.models import Certificate, Meeting, Objection
from review.selectors import certificates_visible_to
from tests.factories import city_official, county_official, enterprise_user, province_official
from tests.titles.helpers import closed_meeting, published
from tests.titles.test_monitoring import holder
from titles import selectors, services

pytestmark = pytest.mark.django_db


def lodged(publicity, name="赵六"):
    return services.objection_lodge(
        entry_id=publicity.entries.order_by("position").first().pk, name=name, phone="13900000000", email="",
        content="异议", evidence=None, address=None,
    )


def outsiders(application):
    """Officials and users without the province's right over 公示 and objections, the enterprise listed included."""
    return [
        county_official(application.enterprise.county_id), city_official(), enterprise_user(application.enterprise),
        AnonymousUser(),
    ]


def test_every_published_publicity_is_public_and_the_objections_are_the_provinces_only():
    province, _, publicity, applications = published(1)
    objection = lodged(publicity)
    assert list(selectors.objections_visible_to(province)) == [objection]
    for user in outsiders(applications[0]):
        assert list(selectors.publicities_visible_to(user)) == [publicity]
        assert not selectors.objections_visible_to(user).exists()
        assert not selectors.objections_of(user, publicity).exists()


def test_services_find_no_objection_meeting_or_certificate_outside_the_actors_scope():
    province, _, publicity, applications = published(1)
    objection = lodged(publicity)
    county = county_official(applications[0].enterprise.county_id)
    with pytest.raises(Objection.DoesNotExist):
        services.objection_handle(actor=county, objection_id=objection.pk, outcome="upheld", reason="属实")
    assert Objection.objects.get(pk=objection.pk).outcome == "open"

    _, meeting, _ = closed_meeting(1)
    with pytest.raises(Meeting.DoesNotExist):
        services.publicity_publish(actor=county, meeting_id=meeting.pk, starts_on=publicity.starts_on)

    title = holder()
    certificate = title.certificate
    for user in (county_official("130534"), city_official("130500"), enterprise_user()):  # another jurisdiction
        with pytest.raises(Certificate.DoesNotExist):
            services.title_reissue(actor=user, certificate_id=certificate.pk, reason="企业更名")
        with pytest.raises(Certificate.DoesNotExist):
            services.title_revoke(actor=user, certificate_id=certificate.pk, ground="illegal", basis="冀企产〔2026〕5号", reason="x")
    # Inside its jurisdiction the county sees the certificate, and the rules refuse it the action.
    with pytest.raises(ActionForbidden):
        services.title_reissue(actor=county_official(title.enterprise.county_id), certificate_id=certificate.pk, reason="x")
    assert Certificate.objects.get(pk=certificate.pk).status() == "valid"


def test_province_pages_answer_404_for_an_object_that_is_not_there_and_403_to_other_roles(client):
    province, _, publicity, applications = published(1)
    objection = lodged(publicity)
    pages = [
        ("get", reverse("titles:publicity_detail", args=[publicity.pk + 100])),
        ("get", reverse("titles:objection_evidence", args=[objection.pk + 100])),
        ("post", reverse("titles:objection_handle", args=[objection.pk + 100])),
        ("get", reverse("titles:certificate_detail", args=[10_000])),
    ]
    client.force_login(province)
    assert [getattr(client, method)(url).status_code for method, url in pages] == [404] * 4
    response = client.post(
        reverse("titles:publicity_manage"), {"meeting": 10_000, "starts_on": publicity.starts_on.isoformat(), "ends_on": ""}
    )
    assert response.status_code == 404
    for user in outsiders(applications[0])[:3]:
        client.force_login(user)
        detail = client.get(reverse("titles:publicity_detail", args=[publicity.pk]))
        evidence = client.get(reverse("titles:objection_evidence", args=[objection.pk]))
        assert (detail.status_code, evidence.status_code) == (403, 403), user
        assert "赵六" not in detail.content.decode()


def test_the_objector_reads_the_receipt_and_nothing_else(client):
    _, _, publicity, _ = published(1)
    objection = lodged(publicity)
    assert selectors.objection_by_receipt(objection.reference) == objection
    assert selectors.objection_by_receipt("YY2024-9999") is None


def test_the_province_sees_a_replaced_certificate_with_its_status_and_its_successor(client):
    title = holder()
    old = title.certificate
    province = province_official()
    new = services.title_reissue(actor=province, certificate_id=old.pk, reason="企业更名")
    assert set(certificates_visible_to(province)) == {old, new}
    assert set(certificates_visible_to(county_official(title.enterprise.county_id))) == {old, new}
    assert not certificates_visible_to(county_official("130534")).exists()
    assert not certificates_visible_to(enterprise_user()).exists()
    client.force_login(province)
    page = client.get(reverse("titles:certificate_detail", args=[old.pk])).content.decode()
    assert "已换发" in page and new.number in page
    replaced = client.get(reverse("titles:certificates"), {"status": "replaced"}).content.decode()
    assert old.number in replaced and f"{new.number}<" not in replaced

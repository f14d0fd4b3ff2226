"""县级核实情况证明: figures, differences, verdicts on the verified figures, and concurrent edits."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import State
from review.models import CountyVerification
from review.services import Refused, VerificationChanged, county_verification_save
from tests.factories import city_official, county_official
from tests.review.journey import actor_for, application_in, verify

pytestmark = pytest.mark.django_db

FIGURES = {
    "revenue": "52000.00", "tax_total": "2600.00", "total_assets": "80000.00", "owners_equity": "48000.00",
    "cluster_rank": "1", "remarks": "",
}


def url(application):
    return reverse("review:verification", args=[application.pk])


def test_the_form_opens_with_the_declared_figures_and_version_zero(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "verify"))
    page = client.get(url(application)).content.decode()
    assert 'name="revenue" value="52000.00"' in page
    assert 'name="version" value="0"' in page
    assert "按核实数判断的申报条件" in page


def test_saving_highlights_differences_and_recomputes_the_verdicts(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "verify"))
    response = client.post(url(application), {**FIGURES, "revenue": "9800", "remarks": "以税务部门数据为准", "version": 0})
    assert response.status_code == 302
    assert response.url.endswith("#verification")
    verification = CountyVerification.objects.get(application=application)
    assert (verification.revenue, verification.version, verification.remarks) == (Decimal("9800"), 1, "以税务部门数据为准")
    page = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    revenue_row = page[page.index('id="figure-revenue"'):page.index('id="figure-tax_total"')]
    assert "diff-highlight" in revenue_row and "-42,200.00" in revenue_row
    tax_row = page[page.index('id="figure-tax_total"'):page.index('id="figure-total_assets"')]
    assert "diff-highlight" not in tax_row
    a3 = page[page.index('id="condition-A3"'):page.index('id="condition-A4"')]
    assert "不满足" in a3 and "上年度营业收入（县级核实数） 9,800.00 万元，低于 10,000.00 万元" in a3


def test_verdicts_follow_the_verified_figures():
    from review.selectors import verdicts_for

    application = application_in(State.COUNTY_REVIEW)
    assert {v.code: v.status for v in verdicts_for(application)}["E1"] == "met"
    verification = verify(application, owners_equity=Decimal("40000"))
    verdicts = {v.code: v for v in verdicts_for(application, verification)}
    assert verdicts["E1"].status == "unmet"
    assert "50.00%（县级核实数）" in verdicts["E1"].reason


def test_invalid_figures_get_chinese_messages_and_keep_the_input(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "verify"))
    response = client.post(url(application), {**FIGURES, "revenue": "-5", "tax_total": "一千", "remarks": "备注保留", "version": 0})
    page = response.content.decode()
    assert response.status_code == 200
    assert "金额不能为负数。" in page and "请输入数字（单位：万元）。" in page
    assert 'value="-5"' in page and 'value="一千"' in page and "备注保留" in page
    assert not CountyVerification.objects.exists()


def test_a_concurrent_edit_is_detected_and_the_second_officials_input_kept(client):
    application = application_in(State.COUNTY_REVIEW)
    first, second = actor_for(application, "verify"), county_official("131125")
    verify(application)  # version 1, both officials open the form now
    county_verification_save(
        application_id=application.pk, actor=first, data={**FIGURES, "revenue": Decimal("50000")}, version=1
    )
    client.force_login(second)
    response = client.post(url(application), {**FIGURES, "revenue": "51000", "remarks": "第二位审核员的说明", "version": 1})
    page = response.content.decode()
    assert response.status_code == 409
    assert "核实情况证明已被他人修改，您的内容尚未保存" in page
    assert 'value="51000"' in page and "第二位审核员的说明" in page
    assert 'id="verification-conflict"' in page and "第2版" in page
    assert 'name="version" value="2"' in page  # a deliberate second save now overwrites, knowingly
    assert CountyVerification.objects.get(application=application).revenue == Decimal("50000")
    again = client.post(url(application), {**FIGURES, "revenue": "51000", "remarks": "第二位审核员的说明", "version": 2})
    assert again.status_code == 302
    saved = CountyVerification.objects.get(application=application)
    assert (saved.revenue, saved.version, saved.verified_by) == (Decimal("51000"), 3, second)


def test_stale_version_is_refused_by_the_service():
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    county = actor_for(application, "verify")
    with pytest.raises(VerificationChanged):
        county_verification_save(application_id=application.pk, actor=county, data=FIGURES, version=0)
    county_verification_save(application_id=application.pk, actor=county, data=FIGURES, version=1)
    with pytest.raises(VerificationChanged):
        county_verification_save(application_id=application.pk, actor=county, data=FIGURES, version=1)
    assert CountyVerification.objects.get(application=application).version == 2


def test_the_verification_is_frozen_once_the_county_has_passed_it(client):
    application = application_in(State.CITY_REVIEW)
    county = actor_for(application, "verify")
    with pytest.raises(Refused, match="不能修改核实情况证明"):
        county_verification_save(application_id=application.pk, actor=county, data=FIGURES, version=1)
    client.force_login(county)
    assert "核实情况证明不能修改" in client.get(url(application)).content.decode()


def test_only_the_applications_county_may_verify(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(county_official("130534"))
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application), {**FIGURES, "version": 0}).status_code == 404
    client.force_login(city_official("131100"))
    assert client.get(url(application)).status_code == 403
    assert not CountyVerification.objects.exists()

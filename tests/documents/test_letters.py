"""推荐文件 and 通报 as 公文 (GB/T 9704-2012): what the issuing official entered is what is printed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from portal.audit.models import AuditEvent, Event
from portal.directory.models import Campaign, Division
from review.models import IssuedLetter
from tests.documents.helpers import (
    award,
    forwarded_application,
    hengshui_recommended,
    pdf_pages_text,
    save_pages_png,
    squash,
    submitted_application,
    word_boxes,
)
from tests.factories import EnterpriseFactory, city_official, county_official, province_official

pytestmark = pytest.mark.django_db

ISSUE = {
    "document_number": "衡工信字〔2024〕15号",
    "signer": "张建国",
    "dated": "2019-10-28",
    "copy_to": "衡水市人民政府办公室",
    "contact_name": "赵丽",
    "contact_phone": "0318-2123456",
}


def issue(client, user, kind="recommendation", **values):
    client.force_login(user)
    return client.post(reverse("documents:letter_issue", args=[kind]) + "?campaign=2024", {**ISSUE, **values})


def download(client, user, name="recommendation_letter", **params):
    client.force_login(user)
    response = client.get(reverse(f"documents:{name}"), params)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


@pytest.fixture
def hengshui_pair():
    first = forwarded_application(enterprise=EnterpriseFactory(name="河北安平丝网股份有限公司"))
    second = forwarded_application(enterprise=EnterpriseFactory(name="安平县恒通金属网业有限公司"))
    Application.objects.filter(pk=first.pk).update(city_rank=2)
    Application.objects.filter(pk=second.pk).update(city_rank=1)
    return first, second


def test_letter_prints_number_signer_and_date_as_entered(client, hengshui_pair, pdf_file):
    city = city_official("131100")
    response = issue(client, city)
    assert response.status_code == 302
    data = download(client, city)
    save_pages_png(data, "recommendation-letter-short")
    pages = pdf_pages_text(data)
    first = pages[0]
    assert squash("衡水市工业和信息化局文件") in first
    assert "衡工信字〔2024〕15号" in first and "签发人：张建国" in first
    assert "关于推荐2024年度河北省产业集群龙头企业的报告" in first and "河北省中小企业局：" in first
    text = "".join(pages)
    assert "2019年10月28日" in text  # the 成文日期 entered, not the download day
    assert f"{timezone.localdate():%Y}年{timezone.localdate().month}月{timezone.localdate().day}日" not in text
    assert text.index("安平县恒通金属网业有限公司") < text.index("河北安平丝网股份有限公司")  # 推荐顺序
    assert "（一）安平县丝网产业集群：1.安平县恒通金属网业有限公司；2.河北安平丝网股份有限公司。" in text
    assert "附件：1.2024年度河北省产业集群龙头企业推荐名单（衡水市）" in text
    assert "抄送：衡水市人民政府办公室。" in text and "衡水市工业和信息化局办公室2019年10月28日印发" in text
    assert "（联系人：赵丽，电话：0318-2123456）" in text
    assert "—1—" in first
    assert "（盖章）" not in text  # nothing printed where the seal goes
    letter = IssuedLetter.objects.get()
    assert (letter.document_number, letter.signer, letter.dated) == ("衡工信字〔2024〕15号", "张建国", dt.date(2019, 10, 28))
    page = client.get(reverse("documents:letter_issue", args=["recommendation"])).content.decode()
    assert 'value="2019-10-28"' in page  # the stored 成文日期 is shown for a correction
    assert AuditEvent.objects.filter(event=Event.ADMIN_CHANGE, detail__contains="衡工信字〔2024〕15号").exists()


def test_letter_page_has_gb9704_margins_and_red_mark(client, hengshui_pair, pdf_file):
    city = city_official("131100")
    issue(client, city)
    pages = word_boxes(pdf_file(download(client, city)))
    page = pages[0]
    mm = 72 / 25.4
    assert round(page["width"] / mm) == 210 and round(page["height"] / mm) == 297
    body = [w for w in page["words"] if w[2] > 150 * mm]
    assert abs(min(w[1] for w in body) - 28 * mm) < 1, sorted((w[1], w[0]) for w in body)[:5]  # 订口 28 mm
    assert (28 + 156) * mm - 16 < max(w[3] for w in body) <= (28 + 156) * mm + 1  # 版心 156 mm: 28 characters
    top = min(w[2] for w in page["words"])
    assert top > 37 * mm + 30 * mm  # the 版头 starts 35 mm into the 版心 (天头 37 mm)


def test_letter_without_issuing_is_not_available(client, hengshui_pair):
    city = city_official("131100")
    client.force_login(city)
    assert client.get(reverse("documents:recommendation_letter")).status_code == 404
    page = client.get(reverse("documents:letter_issue", args=["recommendation"]))
    assert page.status_code == 200 and "请先登记发文字号" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document_number", "衡工信字2024-15号", "发文字号格式应为"),
        ("document_number", "衡工信字〔2024〕015号", "不编虚位"),
        ("signer", "", "上行文须填写签发人"),
        ("dated", "2019-02-30", "请输入正确的日期"),
    ],
)
def test_letter_issue_refuses_bad_input_and_keeps_it(client, hengshui_pair, field, value, message):
    response = issue(client, city_official("131100"), **{field: value})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "张建国" in content or field == "signer"  # what was typed stays in the form
    assert not IssuedLetter.objects.exists()


def test_letter_issue_is_refused_to_county_and_to_the_wrong_level(client, hengshui_pair):
    assert issue(client, county_official("131125")).status_code == 403
    assert issue(client, province_official()).status_code == 403  # the 推荐文件 is the city's
    assert issue(client, city_official("131100"), kind="announcement").status_code == 403


def test_letter_lists_exactly_the_city_summary_applications(client, hengshui_pair):
    """One selector: an application still 待市级审核 is in neither the letter nor the city's 汇总表."""
    import io

    from openpyxl import load_workbook

    submitted_application(enterprise=EnterpriseFactory(name="尚未上报的企业有限公司"))
    city = city_official("131100")
    issue(client, city)
    text = download(client, city, format="txt").decode()
    workbook = load_workbook(io.BytesIO(download(client, city, name="summary_xlsx")))
    names = [row[5].value for row in workbook["衡水市"].iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert names == ["安平县恒通金属网业有限公司", "河北安平丝网股份有限公司"]
    for name in names:
        assert name in text
    assert "尚未上报的企业有限公司" not in text


def test_long_letter_keeps_signature_with_text_and_cluster_headings_with_rows(client, pdf_file):
    """Enough clusters for the body to run onto page 2: the signature page still holds body text, and
    every cluster heading in the 附件 is on the same page as its first row."""
    campaign = Campaign.objects.filter(year=2024).first()
    applications = hengshui_recommended(14, 3, campaign=campaign, long_names=True)
    city = city_official("131100")
    issue(client, city)
    data = download(client, city)
    pages = pdf_pages_text(data)
    save_pages_png(data, "recommendation-letter")
    assert len(pages) >= 3
    signed = [i for i, page in enumerate(pages) if "2019年10月28日" in page and "印发" not in page]
    assert signed, "no page carries the 成文日期"
    for index in signed:
        page = pages[index]
        remainder = page.replace("衡水市工业和信息化局", "").replace("2019年10月28日", "")
        assert len(remainder) > 40, f"page {index + 1} holds only the signature: {page}"
    assert "特此报告。" in pages[signed[0]]
    for page in pages:
        headings = [n for n in range(1, 15) if f"（{_ordinal(n)}）" in page and "家）" in page]
        for n in headings:
            heading = page[page.rindex(f"（{_ordinal(n)}）") :]
            assert "推荐顺序企业名称" in heading, f"cluster {n} heading without its rows"
    # Every application is listed once in the 附件 table.
    text = "".join(pages)
    for application in applications:
        assert text.count(application.enterprise.credit_code) == 1


def _ordinal(n):
    from review.documents.letters import ordinal

    return ordinal(n)


def test_announcement_is_a_gongwen_with_numbers_in_order_within_each_city(client, pdf_file):
    hengshui = [forwarded_application(enterprise=EnterpriseFactory(name=f"衡水认定企业{n}有限公司")) for n in range(2)]
    from tests.documents.test_summary_xlsx import qinghe_application

    xingtai = qinghe_application()
    # Ranking at the meeting interleaves the cities: 衡水 gets 第001号 and 第003号.
    award([hengshui[0], xingtai, hengshui[1]])
    Campaign.objects.filter(year=2024).update(results_published_at=timezone.now())
    province = province_official()
    url = reverse("documents:announcement_pdf", args=[2024])
    assert client.get(url).status_code == 404  # published but not yet issued
    response = issue(client, province, kind="announcement", document_number="冀企产〔2019〕30号", dated="2019-12-20",
                     copy_to="省工业和信息化厅")
    assert response.status_code == 302
    client.logout()
    data = b"".join(client.get(url).streaming_content)
    save_pages_png(data, "announcement")
    pages = pdf_pages_text(data)
    text = "".join(pages)
    assert squash("河北省中小企业局文件") in pages[0] and "冀企产〔2019〕30号" in pages[0]
    assert "签发人" not in text  # a 下行文
    assert "“河北省产业集群龙头企业”" in text and "「" not in text
    assert "2019年12月20日" in text
    hengshui_part = text[text.index("衡水市（2家）") :]
    assert hengshui_part.index("第001号") < hengshui_part.index("第003号")
    assert "抄送：省工业和信息化厅。" in text
    last = pages[-1]
    assert len(last.replace("河北省中小企业局", "").replace("2019年12月20日", "")) > 40
    boxes = word_boxes(pdf_file(data))
    numbers = [w for page in boxes for w in page["words"] if "第00" in w[0]]
    assert all("号" in w[0] and "冀企产龙" in w[0] for w in numbers), numbers  # never broken across lines
    assert Division.objects.get(code="130000").office_name in ("", "河北省中小企业局")


def test_announcement_city_tables_have_equal_widths(client, pdf_file):
    first = forwarded_application(enterprise=EnterpriseFactory(name="短名有限公司"))
    from tests.documents.test_summary_xlsx import qinghe_application

    award([first, qinghe_application()])
    Campaign.objects.filter(year=2024).update(results_published_at=timezone.now())
    issue(client, province_official(), kind="announcement", document_number="冀企产〔2024〕30号", dated="2024-12-20")
    data = b"".join(client.get(reverse("documents:announcement_pdf", args=[2024])).streaming_content)
    words = [w for page in word_boxes(pdf_file(data)) for w in page["words"]]
    headers = [w for w in words if w[0] == "所属产业集群"]
    assert len(headers) == 2
    assert abs(headers[0][1] - headers[1][1]) < 0.5  # the column starts at the same place in each city's table

"""汇总表: structure, values and types read back with openpyxl; scope; query count; formula injection."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, State
from portal.audit.models import AuditEvent, Event
from review.documents.excel import write_summary_workbook
from review.documents.summary import (
    COLUMNS,
    FORWARDED_STATES,
    PlaqueRow,
    SummaryRow,
    summary_queryset,
    summary_rows,
)
from review.models import ReviewRecord
from tests.documents.helpers import (
    award,
    bulk_forwarded,
    forwarded_application,
    submitted_application,
    verify,
)
from tests.factories import (
    CampaignFactory,
    ClusterFactory,
    EnterpriseFactory,
    auditor,
    city_official,
    county_official,
    province_official,
    sysadmin,
)

pytestmark = pytest.mark.django_db

XLSX_URL = "documents:summary_xlsx"


def download(client, user, **params):
    client.force_login(user)
    return client.get(reverse(XLSX_URL), params)


def workbook_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def data_rows(ws):
    """Rows after the three heading rows, as lists of cells."""
    return [list(row) for row in ws.iter_rows(min_row=4)]


def qinghe_application(**kwargs):
    cluster = ClusterFactory(name="清河县羊绒及制品产业集群", county_id="130534", industry="羊绒")
    return forwarded_application(enterprise=EnterpriseFactory(cluster=cluster, name="清河县宏润羊绒制品有限公司"), **kwargs)


@pytest.fixture
def awarded_pair():
    """Two 衡水市 enterprises awarded, one 邢台市 enterprise waiting for the province."""
    first = forwarded_application(enterprise=EnterpriseFactory(name="河北安平丝网股份有限公司"))
    second = forwarded_application(enterprise=EnterpriseFactory(name="安平县恒通金属网业有限公司"))
    Application.objects.filter(pk=first.pk).update(city_rank=1)
    Application.objects.filter(pk=second.pk).update(city_rank=2)
    award([first, second])
    qinghe = qinghe_application()
    return first, second, qinghe


def test_summary_province_workbook_has_title_headers_and_layout(client, awarded_pair):
    wb = workbook_of(download(client, province_official()))
    assert wb.sheetnames == ["全省汇总", "邢台市", "衡水市", "牌匾制作清单"]
    ws = wb["全省汇总"]
    assert ws["A1"].value == "河北省产业集群龙头企业汇总表"
    assert "A1:U1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "填报单位：河北省中小企业局"
    assert ws["K2"].value.startswith("填报日期：")
    assert [c.value.replace("\n", "") for c in ws[3]] == COLUMNS
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 8  # A3
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.column_dimensions["F"].width >= 20  # 企业名称: ten characters a line, wrapped
    assert sum(d.width for d in ws.column_dimensions.values()) <= 250  # fits A3 at 70 % or more
    assert ws.row_dimensions[3].height >= 3 * 13.5  # the wrapped headers have their lines


def test_summary_known_row_values_types_and_formats(client, awarded_pair):
    first, _, _ = awarded_pair
    ws = workbook_of(download(client, province_official()))["全省汇总"]
    rows = data_rows(ws)
    # 邢台市 (130500) sorts before 衡水市 (131100): row 1 is 清河, then 邢台市小计, then the two 衡水 rows.
    assert rows[0][5].value == "清河县宏润羊绒制品有限公司"
    assert rows[1][1].value == "邢台市小计"
    row = rows[2]
    values = [c.value for c in row]
    assert values[:7] == [2, "衡水市", "安平县", "安平县丝网产业集群", 1, "河北安平丝网股份有限公司", first.enterprise.credit_code]
    assert isinstance(row[7].value, dt.datetime) and row[7].value.date() == dt.date(2005, 3, 1)
    assert row[7].number_format == 'yyyy"年"m"月"d"日"'
    # The county verified 51000 (declared 52000): the verified figure is used.
    assert row[8].value == 51000 and isinstance(row[8].value, int | float)
    assert row[8].number_format == "#,##0.00"
    assert row[9].value == 2600
    assert row[10].value == 60 and row[10].number_format == "0.00"  # 48000 / 80000
    assert row[11].value == pytest.approx(4.08) and row[11].number_format == "0.00"  # 2080 / 51000
    assert row[12].value == 8 and row[12].data_type == "n"
    assert row[13].value == 12 and row[13].data_type == "n"
    assert row[14].value == 1
    assert row[15].value == "经核实，符合申报条件，同意推荐。"
    assert row[16].value == "同意上报。"
    assert row[17].value == "已认定"
    assert row[18].value == "冀企产龙〔2024〕\n第001号"  # two lines, broken after the year
    assert values[19:] == ["赵丽", "13812345678"]
    assert rows[3][5].value == "安平县恒通金属网业有限公司"
    assert rows[3][18].value == "冀企产龙〔2024〕\n第002号"
    assert rows[0][17].value == "待省级审定" and rows[0][18].value is None


def test_summary_subtotals_and_total(client, awarded_pair):
    ws = workbook_of(download(client, province_official()))["全省汇总"]
    rows = data_rows(ws)
    labels = [(r[1].value, r[5].value, r[8].value, r[9].value) for r in rows if r[1].value and "计" in r[1].value]
    assert labels == [
        ("邢台市小计", 1, 51000, 2600),
        ("衡水市小计", 2, 102000, 5200),
        ("合计", 3, 153000, 7800),
    ]
    total = rows[-1]
    assert total[5].number_format == '"共 "0" 家"' and total[5].data_type == "n"
    assert total[8].number_format == "#,##0.00"


def test_summary_city_official_gets_only_own_city(client, awarded_pair):
    wb = workbook_of(download(client, city_official("131100")))
    assert wb.sheetnames == ["衡水市", "牌匾制作清单"]
    ws = wb["衡水市"]
    assert ws["A2"].value == "填报单位：衡水市工业和信息化局"
    names = [r[5].value for r in data_rows(ws) if isinstance(r[0].value, int)]
    assert names == ["河北安平丝网股份有限公司", "安平县恒通金属网业有限公司"]
    assert {r[1].value for r in data_rows(ws)} == {"衡水市", "衡水市小计", "合计"}
    plaques = [[c.value for c in r] for r in wb["牌匾制作清单"].iter_rows(min_row=4)]
    assert [p[1:] for p in plaques] == [
        ["冀企产龙〔2024〕第001号", "河北安平丝网股份有限公司", "安平县丝网产业集群", "衡水市"],
        ["冀企产龙〔2024〕第002号", "安平县恒通金属网业有限公司", "安平县丝网产业集群", "衡水市"],
    ]


def test_summary_city_sheet_lists_only_recommended_applications(client):
    """The city's sheet lists what its 推荐文件 lists (one selector): nothing still 待市级审核."""
    application = submitted_application()
    county = county_official("131125")
    verify(application, county=county)
    from review.services import perform_transition

    perform_transition(application_id=application.pk, action="county_pass", actor=county)
    city_rows = data_rows(workbook_of(download(client, city_official("131100")))["衡水市"])
    assert [r[1].value for r in city_rows] == ["合计"]
    client.logout()
    province_rows = data_rows(workbook_of(download(client, province_official()))["全省汇总"])
    assert [r[1].value for r in province_rows] == ["合计"]


def test_summary_province_can_export_one_city(client, awarded_pair):
    wb = workbook_of(download(client, province_official(), city="130500"))
    assert wb.sheetnames == ["邢台市", "牌匾制作清单"]
    assert [r[5].value for r in data_rows(wb["邢台市"])][0] == "清河县宏润羊绒制品有限公司"
    assert list(wb["牌匾制作清单"].iter_rows(min_row=4)) == []


def test_summary_formula_injection_is_written_as_text(tmp_path):
    hostile = SummaryRow(
        city_code="131100", city="衡水市", county="安平县", cluster="+cmd|' /C calc'!A0", recommendation_order=1,
        enterprise="=1+1",
        credit_code="@SUM(A1)", established_on=None, revenue=None, tax_total=None, equity_share=None,
        rd_share=None, patents=0, partners=0, cluster_rank=None, county_opinion="-2+3", city_opinion="=HYPERLINK(\"http://x\")",
        result="已认定", certificate_number="", contact_name="\t=1", contact_phone="13812345678",
    )
    path = tmp_path / "hostile.xlsx"
    write_summary_workbook(
        str(path), rows=[hostile], plaques=[PlaqueRow("=1+1", "@SUM(A1)", "+1", "-1")], unit="河北省中小企业局",
        on=dt.date(2024, 11, 5),
    )
    wb = load_workbook(path)
    row = wb.worksheets[0][4]
    for cell, text in ((row[5], "=1+1"), (row[6], "@SUM(A1)"), (row[3], "+cmd|' /C calc'!A0"), (row[15], "-2+3"),
                       (row[16], "=HYPERLINK(\"http://x\")"), (row[19], "\t=1")):
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    plaque = wb["牌匾制作清单"][4]
    assert [c.data_type for c in plaque[1:]] == ["s", "s", "s", "s"]
    assert plaque[1].value == "=1+1"
    # No formula anywhere in the file.
    for ws in wb.worksheets:
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_summary_query_count_does_not_grow(client, django_assert_max_num_queries):
    campaign = CampaignFactory()
    user = province_official()
    client.force_login(user)
    client.get(reverse("health"))  # the account into the cache: both counts below are of a signed-in request
    bulk_forwarded(36, campaign=campaign)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(XLSX_URL))
            body = b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(queries), load_workbook(io.BytesIO(body))

    small, wb = count_queries()
    assert wb["全省汇总"].max_row == 3 + 36 + 3 + 1  # heading, rows, three city subtotals, total
    bulk_forwarded(324, campaign=campaign)
    with django_assert_max_num_queries(small):
        large, wb = count_queries()
    assert large == small, (small, large)
    assert wb["全省汇总"].max_row == 3 + 360 + 3 + 1
    assert wb["全省汇总"].cell(row=wb["全省汇总"].max_row, column=6).value == 360


def test_summary_rows_stream_states_in_order():
    campaign = CampaignFactory()
    bulk_forwarded(12, campaign=campaign)
    queryset = summary_queryset(visible=Application.objects.all(), campaign=campaign, states=FORWARDED_STATES)
    rows = list(summary_rows(queryset))
    assert len(rows) == 12
    keys = [(r.city_code, r.cluster) for r in rows]
    assert keys == sorted(keys)
    assert {r.result for r in rows} == {State.AWARDED.label, State.PROVINCE_REVIEW.label}
    assert all(isinstance(r.revenue, Decimal) for r in rows)


@pytest.mark.parametrize("make_user", [lambda: county_official("131125"), sysadmin, auditor])
def test_summary_refused_for_county_and_administrators(client, make_user):
    CampaignFactory()
    assert download(client, make_user()).status_code == 403


def test_summary_anonymous_goes_to_login(client):
    CampaignFactory()
    response = client.get(reverse(XLSX_URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_summary_export_is_audited(client, awarded_pair):
    user = province_official()
    workbook_of(download(client, user))
    event = AuditEvent.objects.filter(event=Event.EXPORT, user=user).get()
    assert "汇总表" in event.detail and "3 家" in event.detail


def test_export_summary_command_writes_workbook(tmp_path, awarded_pair):
    out = tmp_path / "out" / "summary.xlsx"
    call_command("export_summary", "--campaign", "2024", "--city", "131100", "--out", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["衡水市", "牌匾制作清单"]
    assert data_rows(wb["衡水市"])[-1][5].value == 2
    call_command("export_summary", "--campaign", "2024", "--out", str(out))
    assert load_workbook(out).sheetnames[0] == "全省汇总"


LONG_OPINION = "经核实，该企业申报材料真实完整，营业收入、纳税总额、资产和所有者权益与审计报告一致，在集群内排名第一，符合申报条件，同意推荐。"


def soffice_pdf(tmp_path, workbook):
    """The workbook printed to PDF by LibreOffice (headless), as a clerk would print it."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary, "LibreOffice is required (scripts/install-system-deps.sh --browser installs libreoffice-calc-nogui)"
    subprocess.run(
        [binary, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(workbook)],
        check=True, timeout=180, capture_output=True,
    )
    return tmp_path / (workbook.stem + ".pdf")


def overlapping(words, tolerance=0.5):
    """Pairs of word boxes on one page whose areas intersect (text printed over other text)."""
    pairs = []
    ordered = sorted(words, key=lambda w: w[2])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[2] >= a[4] - tolerance:
                break
            if min(a[3], b[3]) - max(a[1], b[1]) > tolerance and min(a[4], b[4]) - max(a[2], b[2]) > tolerance:
                pairs.append((a[0], b[0]))
    return pairs


def test_summary_prints_in_libreoffice_without_overlap_at_readable_scale(tmp_path):
    """Long cluster names, long enterprise names and long opinions wrap: LibreOffice prints every row below the
    previous one, at no less than 70 % on A3, with the footer whole on every page."""
    from review.documents.summary import recommended_queryset
    from tests.documents.helpers import hengshui_recommended, save_pages_png, word_boxes

    campaign = CampaignFactory()
    applications = hengshui_recommended(6, 3, campaign=campaign, long_names=True)
    for n, application in enumerate(applications):
        opinion = LONG_OPINION * (1 + n % 3) if n % 2 == 0 else "同意推荐。"
        ReviewRecord.objects.create(
            application=application, action="county_pass", action_label="初审通过", from_state="county_review",
            to_state="city_review", actor=county_official("131125"), actor_name="张核实", actor_role="county",
            opinion=opinion, data_sha256="0" * 64,
        )
    queryset = recommended_queryset(visible=Application.objects.all(), campaign=campaign)
    out = tmp_path / "summary.xlsx"
    write_summary_workbook(
        str(out), rows=summary_rows(queryset), plaques=[], unit="河北省中小企业局", on=dt.date(2024, 11, 5),
        main_title="全省汇总",
    )
    printed = soffice_pdf(tmp_path, out)
    save_pages_png(printed.read_bytes(), "summary-libreoffice", first=1, last=2)
    pages = word_boxes(printed)
    summary_pages = [p for p in pages if any(w[0] == "统一社会" for w in p["words"])]  # header on every page
    assert summary_pages
    mm = 72 / 25.4
    for number, page in enumerate(summary_pages, start=1):
        assert round(max(page["width"], page["height"]) / mm) == 420  # A3
        assert overlapping(page["words"]) == [], f"page {number}: text printed over text"
        text = "".join(w[0] for w in page["words"])
        assert f"第{number}页，共" in text  # the footer is whole
    # Scale: a Chinese character is one em wide; the title is 14 characters of 18 pt.
    title = next(w for w in summary_pages[0]["words"] if w[0] == "河北省产业集群龙头企业汇总表")
    scale = (title[3] - title[1]) / (14 * 18)
    assert scale >= 0.70, f"printed at {scale:.0%}"
    # Every application is printed, each name once on the first sheet.
    everything = "".join(w[0] for page in summary_pages for w in page["words"])
    assert "全文见“审核意见”表" in everything
    assert any(w[0] == "审核意见" or "审核意见" in w[0] for page in pages for w in page["words"])


def test_summary_row_heights_follow_wrapped_text():
    from review.documents.excel import WIDTHS, row_height

    short = row_height(["同意推荐。"], [WIDTHS[15]])
    long = row_height([LONG_OPINION[:60]], [WIDTHS[15]])
    assert long >= 3 * short - 10  # three or more lines get three times the height
    assert row_height(["冀企产龙〔2024〕\n第001号"], [13]) >= 2 * 13.5


def test_summary_rows_keep_their_heights_when_written_as_a_stream(client, awarded_pair):
    """Each row is written with its height as it is appended (the export keeps no row behind it in memory): every
    data, subtotal and plaque row carries the height its wrapped text needs."""
    from review.documents.excel import PLAQUE_WIDTHS, WIDTHS, row_height

    wb = workbook_of(download(client, province_official()))
    ws = wb["全省汇总"]
    enterprises = 0
    for index, row in enumerate(data_rows(ws), start=4):
        assert ws.row_dimensions[index].height >= 13.5, index  # subtotal and total rows too
        if isinstance(row[0].value, int):
            values = [f"{c.value.year}年{c.value.month}月{c.value.day}日" if hasattr(c.value, "strftime") else c.value
                      for c in row]
            assert ws.row_dimensions[index].height == row_height(values, WIDTHS), index
            enterprises += 1
    assert enterprises == 3
    plaques = wb["牌匾制作清单"]
    assert plaques.max_row == 5  # two plaques after the heading rows
    for index, row in enumerate(data_rows(plaques), start=4):
        assert plaques.row_dimensions[index].height == row_height([c.value for c in row], PLAQUE_WIDTHS)

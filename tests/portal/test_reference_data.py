import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from demo.seed import seed_demo
from portal.directory.cluster_import import import_clusters
from portal.directory.models import Cluster, Division, DivisionKind
from portal.directory.reference import load_divisions

pytestmark = pytest.mark.django_db


def test_reference_data_has_province_cities_and_counties():
    assert Division.objects.filter(kind=DivisionKind.PROVINCE).count() == 1
    assert Division.objects.filter(kind=DivisionKind.PREFECTURE_CITY).count() == 11
    gb_county_level = Division.objects.county_level().exclude(kind=DivisionKind.FUNCTIONAL_ZONE)
    assert gb_county_level.count() == 167
    assert Division.objects.filter(kind=DivisionKind.FUNCTIONAL_ZONE, code__startswith="13").count() == 23


def test_provincial_direct_cities_act_as_county_and_city():
    for code in ("130181", "130682"):  # 辛集, 定州
        unit = Division.objects.get(code=code)
        assert unit.is_county_level and unit.is_city_level
        assert unit.reviewing_city == unit


def test_every_county_level_unit_has_a_city_level_reviewer():
    for county in Division.objects.county_level():
        assert county.reviewing_city is not None and county.reviewing_city.is_city_level, county


def test_xiongan_routing_change_takes_effect_and_survives_reload():
    xiongan = Division.objects.get(name="雄安新区")
    rongcheng = Division.objects.get(code="130629")
    assert rongcheng.reviewing_city_id == "130600"
    rongcheng.reviewing_city = xiongan
    rongcheng.save()
    load_divisions()
    assert Division.objects.get(code="130629").reviewing_city == xiongan
    assert set(xiongan.routed_counties.values_list("code", flat=True)) == {"130629"}


def test_loading_reference_data_twice_changes_nothing():
    before = list(Division.objects.values_list("code", "name", "kind", "parent_id", "reviewing_city_id"))
    load_divisions()
    assert list(Division.objects.values_list("code", "name", "kind", "parent_id", "reviewing_city_id")) == before


GOOD_CSV = "集群名称,县级区划代码,主导产业,确认年度\n安平县丝网产业集群,131125,丝网,2020\n清河县羊绒及制品产业集群,130534,羊绒,2021\n"


def test_cluster_import_from_csv():
    report = import_clusters("list.csv", GOOD_CSV.encode())
    assert report.ok, report.errors
    assert report.created == 2
    assert Cluster.objects.get(name="清河县羊绒及制品产业集群").county_id == "130534"


def test_cluster_import_from_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "county_code", "industry", "confirmed_year"])
    sheet.append(["辛集皮革产业集群", "130181", "皮革", 2019])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_clusters("list.xlsx", buffer.getvalue())
    assert report.ok, report.errors
    assert Cluster.objects.get(name="辛集皮革产业集群").confirmed_year == 2019


def test_cluster_import_with_bad_rows_imports_nothing_and_reports_each_row():
    content = (
        "name,county_code,industry,confirmed_year\n"
        "好集群,131125,丝网,2020\n"
        "未知县集群,999999,丝网,2020\n"
        "好集群,131125,丝网,2020\n"
        "缺产业集群,131125,,2020\n"
    )
    report = import_clusters("bad.csv", content.encode())
    assert not report.ok
    assert Cluster.objects.count() == 0
    assert report.errors == [
        "第3行：县级区划代码 999999 不存在或不是县级单位",
        "第4行：集群名称与第2行重复",
        "第5行：缺少主导产业",
    ]


def test_import_clusters_command_fails_loudly_on_bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,county_code,industry,confirmed_year\n集群,000000,x,2020\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="第2行"):
        call_command("import_clusters", str(path))
    assert Cluster.objects.count() == 0


def snapshot():
    from applications.models import Enterprise
    from portal.accounts.models import User
    from portal.directory.models import Campaign

    return (
        sorted(Cluster.objects.values_list("name", "county_id", "industry", "confirmed_year")),
        sorted(Campaign.objects.values_list("year", "title", "state", "enterprise_deadline")),
        sorted(User.objects.values_list("username", "role", "unit_id", "enterprise__credit_code", "password")),
        sorted(Enterprise.objects.values_list("name", "credit_code", "county_id", "cluster__name")),
    )


def test_seed_demo_twice_gives_the_same_data():
    seed_demo()
    first = snapshot()
    seed_demo()
    assert snapshot() == first
    assert len(first[0]) == 68
    assert {u[0] for u in first[2]} >= {
        "admin", "auditor", "province", "city-131100", "city-130500", "county-131125", "county-130534",
        "ent-131125-1", "ent-131125-5", "ent-130534-1", "ent-130534-2",
    }

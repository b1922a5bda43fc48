"""The region hierarchy: Jining, its 14 county-level units, and real townships under each."""
from collections import Counter

from sqlalchemy import func, select

from app.models import Region
from app.services.regions import read_regions

COUNTY_LEVEL = {
    "370811": "任城区", "370812": "兖州区", "370826": "微山县", "370827": "鱼台县", "370828": "金乡县",
    "370829": "嘉祥县", "370830": "汶上县", "370831": "泗水县", "370832": "梁山县", "370881": "曲阜市",
    "370883": "邹城市", "370871": "济宁高新技术产业开发区",
}


# 济宁经济技术开发区 administers only 疃里镇 and 马集镇 (config/regions.md): two real townships, not three.
ADMINISTERS_FEWER = {"370891": 2}


def test_file_holds_city_counties_and_three_townships_each():
    rows = read_regions()
    by_code = {r["code"]: r for r in rows}
    assert by_code["370800"]["name"] == "济宁市" and by_code["370800"]["level"] == "city"
    counties = [r for r in rows if r["level"] == "county"]
    assert len(counties) == 14
    assert all(r["parent"] == "370800" for r in counties)
    for code, name in COUNTY_LEVEL.items():
        assert by_code[code]["name"] == name
    zones = {r["name"]: r for r in counties}
    assert any("太白湖" in name for name in zones) and any("经济技术开发区" in name for name in zones)
    townships = Counter(r["parent"] for r in rows if r["level"] == "township")
    for county in counties:
        assert townships[county["code"]] >= ADMINISTERS_FEWER.get(county["code"], 3), county["name"]
    assert townships["370891"] == 2


def test_codes_are_unique_and_well_formed():
    rows = read_regions()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        assert row["code"].isdigit()
        assert len(row["code"]) == (9 if row["level"] == "township" else 6)


def test_loaded_into_database_with_parents(session):
    assert session.scalar(select(func.count()).select_from(Region)) == len(read_regions())
    tuanli = session.scalar(select(Region).where(Region.code == "370829104"))
    assert tuanli.name == "疃里镇" and tuanli.level == "township"
    assert tuanli.parent.parent.code == "370800"


def test_loading_twice_changes_nothing(session):
    from app.services.regions import load_regions

    before = session.scalar(select(func.count()).select_from(Region))
    load_regions(session)
    assert session.scalar(select(func.count()).select_from(Region)) == before

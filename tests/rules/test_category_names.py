"""Every category of the shipped rule files carries its English name and one-time checklist (name_en,
documents_en): an English-speaking user never reads a category as its code (``uremia``, ``fire``)."""
from pathlib import Path

import pytest

from app.rules import load_rules, validate_rules

SHIPPED = Path(__file__).resolve().parents[2] / "rules"


def test_every_shipped_category_has_its_english_name_and_checklist():
    rules = load_rules(SHIPPED)
    missing = []
    for county in rules.counties():
        for category in rules.categories(county):
            if not category.name_en or category.name_en == category.code:
                missing.append(f"{county} {category.kind}:{category.code}: name_en")
            if len(category.documents_en) != len(category.documents):
                missing.append(f"{county} {category.kind}:{category.code}: documents_en")
    assert missing == []
    uremia = rules.county("370811").category_map["illness:uremia"]
    assert (uremia.name, uremia.name_en) == ("尿毒症", "Uraemia")


@pytest.mark.parametrize("bad, expected", [("name_en: Fire", "name_en: [Fire]"),
                                           ("name_en: Fire", "name_en: {en: Fire}")])
def test_a_name_en_that_is_not_text_is_a_fault(tmp_path, bad, expected):
    import shutil

    target = tmp_path / "rules"
    shutil.copytree(SHIPPED, target)
    city = target / "jining.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace(bad, expected, 1), encoding="utf-8")
    faults = validate_rules(target)
    assert [f.path for f in faults] == ["categories.incident.fire.name_en"]

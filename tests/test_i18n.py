"""Both report languages have the same keys and the same placeholders."""

import re

import pytest

from kpi_helpers.data.schema import DIMENSIONS
from kpi_helpers.report.i18n import band_name, catalogue, dimension_name, t


def test_every_key_exists_in_both_languages():
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


def test_placeholders_match():
    zh, en = catalogue("zh"), catalogue("en")
    for key in zh:
        assert set(re.findall(r"\{(\w+)", zh[key])) == set(re.findall(r"\{(\w+)", en[key])), key


def test_dimension_and_band_names():
    assert dimension_name("delivery", "zh") == "产品上线与交付"
    assert dimension_name("delivery", "en") == "Launch and delivery"
    assert all(dimension_name(d, "en") != d for d in DIMENSIONS)
    assert band_name("A", "en").startswith("A")
    assert t("direction.lower", "zh") == "越低越好"


def test_report_language_asked_else_the_companys_else_chinese():
    from kpi_helpers.report.i18n import in_language, report_language

    assert report_language("EN ", "zh") == "en"
    assert report_language(None, "en") == "en"
    assert report_language("", None) == "zh"
    with pytest.raises(ValueError, match="'fr' is not a report language; use 'zh' or 'en'"):
        report_language("fr", "zh")
    assert (in_language("zh", "好", "good"), in_language("en", "好", "good")) == ("好", "good")


def test_pm_names_in_the_reports_language():
    import pandas as pd

    from kpi_helpers.report.i18n import pm_names

    people = pd.DataFrame(
        {"pm_id": ["pm01", "pm02"], "name": ["张伟", "李娜"], "name_en": ["Zhang Wei", None]}
    )
    assert pm_names(people, "zh") == {"pm01": "张伟", "pm02": "李娜"}
    assert pm_names(people, "en") == {"pm01": "Zhang Wei", "pm02": "李娜"}  # no name_en: the name

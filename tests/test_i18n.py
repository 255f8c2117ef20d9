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


def test_units_show_in_english_from_unit_en_or_the_catalogue():
    import pandas as pd

    from kpi_helpers.report.i18n import register_unit_names, unit_name
    from kpi_helpers.report.tables import Column, html_table

    register_unit_names(pd.DataFrame({"unit": ["单量", "%"], "unit_en": ["orders", None]}))
    assert unit_name("单量", "en") == "orders" and unit_name("单量", "zh") == "单量"
    assert unit_name("人", "en") == "people" and unit_name("%", "en") == "%"
    assert unit_name("块钱", "en") == "块钱"  # no English form: shown as written
    frame = pd.DataFrame({"kpi": ["K1", "K2"], "actual": [33568, 8], "unit": ["人", "单量"]})
    cols = [Column("kpi", "KPI"), Column("actual", "Result", kind="number", unit_key="unit")]
    table = html_table(frame, cols, "Results", "en")
    assert "33,568 people" in table and "8 orders" in table and "人" not in table
    assert "33,568 人" in html_table(frame, cols, "结果", "zh")


def test_feedback_channels_show_by_their_display_names():
    from kpi_helpers.report.i18n import channel_name

    assert channel_name("app_store", "en") == "App store"
    assert channel_name("app_store", "zh") == "应用商店"
    assert channel_name("partner_api", "en") == "partner api"  # unknown: readable as written


def test_products_show_by_their_english_name_from_products_en():
    import pandas as pd

    from kpi_helpers.report.i18n import register_product_names
    from kpi_helpers.report.report_tables import feedback_table

    people = pd.DataFrame(
        {"products": [("青橙钱包", "青橙会员")], "products_en": [("Qing Wallet", "Qing Plus")]}
    )
    register_product_names(people)
    frame = pd.DataFrame(
        {"label": ["青橙钱包", "青橙外卖"], "n": [120, 80], "nps": [31.0, 12.0], "csat": [0.8, 0.7]}
    )
    html = feedback_table(frame.assign(ces=None, negative=0.1), "By product", "en")
    assert "Qing Wallet" in html and "青橙钱包" not in html
    assert "青橙外卖" in html  # no English name given: as written
    assert "青橙钱包" in feedback_table(frame.assign(ces=None, negative=0.1), "按产品", "zh")

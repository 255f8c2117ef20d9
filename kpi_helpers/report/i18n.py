"""Report text in Chinese and English: one string catalogue per language, looked up by key."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from kpi_helpers.data.schema import DIMENSION_NAMES

LANGUAGES = ("zh", "en")


def report_language(lang: str | None = None, default: str | None = None) -> str:
    """The language of a report: `lang` when given, else `default` (the company's), else Chinese.

    Raises:
        ValueError: the choice is not one of LANGUAGES (the message says which to use).
    """
    chosen = (lang or default or LANGUAGES[0]).strip().lower()
    if chosen not in LANGUAGES:
        raise ValueError(f"'{chosen}' is not a report language; use 'zh' or 'en'")
    return chosen


def in_language(lang: str, zh, en):
    """`zh` for a Chinese report, `en` for an English one."""
    return zh if lang == "zh" else en


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat key -> text mapping of a language (nested YAML keys joined with dots)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language '{lang}'; use zh or en")
    raw = (
        yaml.safe_load(
            (Path(__file__).parent / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")
        )
        or {}
    )
    flat: dict[str, str] = {}

    def walk(prefix: str, node) -> None:
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, dict):
                walk(key, v)
            else:
                flat[key] = str(v)

    walk("", raw)
    column = in_language(lang, 0, 1)
    flat.update({f"dimension.{k}": names[column] for k, names in DIMENSION_NAMES.items()})
    return flat


def t(key: str, lang: str = "zh", **params) -> str:
    """The text of `key` in `lang`, with {placeholders} filled from params."""
    text = catalogue(lang)[key]
    return text.format(**params) if params else text


def dimension_name(key: str, lang: str = "zh") -> str:
    return catalogue(lang).get(f"dimension.{key}", key)


def band_name(band: str | None, lang: str = "zh") -> str:
    if band is None:
        return "-"
    return catalogue(lang).get(f"band.{band}", str(band))


def _display_name(section: str, key, lang: str) -> str:
    """A data key's display name from the catalogue's `section`; unknown keys as written,
    underscores read as spaces."""
    text = str(key)
    return catalogue(lang).get(f"{section}.{text}", text.replace("_", " "))


def channel_name(key, lang: str) -> str:
    """A feedback channel's display name (app_store -> 应用商店 / App store)."""
    return _display_name("channel", key, lang)


def feedback_status_name(key, lang: str) -> str:
    """A feedback ticket status's display name (resolved -> 已解决 / Resolved)."""
    return _display_name("feedback_status", key, lang)


def rater_role_name(key, lang: str) -> str:
    """A 360 rater role's display name (peer -> 同级 / Peers)."""
    return _display_name("pack.role", key, lang)


_PRODUCT_NAMES: dict[str, str] = {}  # product -> its English name, from people.csv products_en


def register_product_names(people) -> None:
    """Remember each product's English name: people.csv products_en, in the order of products."""
    if people is None or "products_en" not in people or "products" not in people:
        return
    for products, names in zip(people["products"], people["products_en"], strict=True):
        if not isinstance(products, (list, tuple)) or not isinstance(names, (list, tuple)):
            continue
        for product, name in zip(products, names, strict=False):
            if isinstance(name, str) and name.strip():
                _PRODUCT_NAMES[str(product)] = name.strip()


def product_name(product, lang: str) -> str:
    """A product as shown in `lang`: its products_en name in English when given, else as written."""
    return _PRODUCT_NAMES.get(str(product), str(product)) if lang == "en" else str(product)


_UNIT_NAMES: dict[str, str] = {}  # unit -> its English form, from kpis.csv's unit_en


def register_unit_names(kpis) -> None:
    """Remember the English form of each unit given in kpis.csv (column unit_en)."""
    if kpis is None or "unit_en" not in kpis or "unit" not in kpis:
        return
    for unit, unit_en in zip(kpis["unit"], kpis["unit_en"], strict=True):
        if isinstance(unit, str) and isinstance(unit_en, str) and unit_en.strip():
            _UNIT_NAMES[unit.strip()] = unit_en.strip()


def unit_name(unit, lang: str) -> str:
    """A KPI unit as shown in `lang`: in English, kpis.csv's unit_en, else the catalogue's
    English for common Chinese units (人 -> people), else the unit as written."""
    if unit is None or not isinstance(unit, str):
        return unit
    unit = unit.strip()
    if lang != "en" or not unit:
        return unit
    return _UNIT_NAMES.get(unit) or catalogue("en").get(f"units.{unit}", unit)


def localized(row, field: str, lang: str) -> str:
    """A data value's display name: `<field>_en` in English when given, else `<field>`."""
    en = row.get(f"{field}_en") if hasattr(row, "get") else None
    if lang == "en" and isinstance(en, str) and en.strip():
        return en
    return str(row.get(field) if hasattr(row, "get") else row)


def pm_names(people, lang: str) -> dict[str, str]:
    """pm_id -> the PM's display name in `lang` (people.csv's name_en in English when given)."""
    return {
        pm: localized(row, "name", lang)
        for pm, row in zip(people["pm_id"], people.to_dict("records"), strict=True)
    }

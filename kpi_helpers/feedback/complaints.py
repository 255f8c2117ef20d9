"""Clear complaints: phrases that make a comment negative whatever else it praises.

A comment that says "great app, but it crashes" or 骑手又迟到了 reports a problem a manager must
see, so it is labelled negative even when the model's score leans positive. A phrase does not
count when a negator stands just before it ("never crashes", 没有迟到).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

ZH_TERMS = (
    "闪退 崩溃 卡死 死机 打不开 登不上 登录不了 无法登录 登录失败 掉线 连不上 老是退出 自动退出 "
    "迟到 超时 太慢 慢死 等了一个 等了两个 一个多小时 两个小时 没送到 送错 漏送 少送 洒了 凉了 "
    "难吃 不好吃 太难吃 太咸 变质 有头发 异物 拉肚子 太差 差劲 差评 垃圾 失望 再也不 "
    "退款 退货 扣款 乱扣 骗 坑人 态度差 态度不好 不理人 没人管 广告太多 弹窗"
).split()
EN_TERMS = (
    r"crash(?:es|ed|ing)?",
    r"keeps? (?:crashing|freezing|closing|logging me out|logging out|disconnecting|dropping)",
    r"(?:logs|logged|logging) me out",
    r"(?:stopped|stops|quit) working",
    r"(?:doesn't|does not|won't|will not) (?:load|open|connect|start)",
    r"(?:app|site|login|button|page|it) (?:doesn't|does not|won't|will not) work",
    r"(?:can't|cannot|could not|couldn't) (?:log ?in|sign in|connect|load)",
    r"never (?:arrived|showed up)",
    r"(?:arrived|came|showed up|was|were|is) (?:very |really |so )?late",
    r"(?:minutes|hours?|an hour) late",
    r"late again",
    r"late deliver(?:y|ies)",
    r"waited (?:almost |nearly |over |more than )?(?:an hour|two hours|\d+ hours|forever)",
    r"took forever",
    r"still waiting for (?:a|my) refund",
    r"waste of (?:money|time)",
    r"scam",
    r"unusable",
    r"too many ads",
)
_ZH_NEGATORS = "不没无未别"
_EN_NEGATORS = re.compile(
    r"\b(?:not|no|never|without|hasn't|hasnt|haven't|havent|didn't|didnt|doesn't|doesnt|"
    r"don't|dont|won't|wont|isn't|wasn't|zero|nothing)\W+(?:\w+\W+)?$"
)


@lru_cache(maxsize=2)
def _pattern(lang: str) -> re.Pattern:
    if lang == "zh":
        return re.compile("|".join(map(re.escape, sorted(ZH_TERMS, key=len, reverse=True))))
    return re.compile(r"(?<![a-z'])(?:" + "|".join(EN_TERMS) + r")(?![a-z])")


def _negated(big: str, start: int, lang: str) -> bool:
    before = big[max(0, start - 24) : start]
    if lang == "zh":
        return any(ch in _ZH_NEGATORS for ch in before[-3:]) and "\n" not in before[-3:]
    clause = re.split(r"[.,;:!?\n]| but ", before)[-1]
    return bool(_EN_NEGATORS.search(clause))


def complaints(texts: list[str], lang: str) -> np.ndarray:
    """True for each text that contains a clear, non-negated complaint (texts already cleaned)."""
    out = np.zeros(len(texts), dtype=bool)
    if not texts:
        return out
    big = "\n".join(texts).lower().replace("\u2019", "'")
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    hits = [m.start() for m in _pattern(lang).finditer(big) if not _negated(big, m.start(), lang)]
    if hits:
        out[np.searchsorted(starts, np.asarray(hits), side="right") - 1] = True
    return out

"""Confidence of a relation from the rule that found it, calibrated on the annotated articles.

`RULE_PRECISION` holds, for each rule name that appears in a relation's `extractor`, the fraction of its
predictions on the shared gold articles that are correct, smoothed as (correct + 1) / (predicted + 2) so
that a rule seen a few times is not trusted fully. A rule variant is discounted: "/coref" (one end is a
description standing for a name) and "/pronoun" (the subject is "it" or "the company" from an earlier
sentence); Chinese cues ("cue-zh:") take the English cue's value with a discount, having no Chinese gold.
Rules never seen on the gold keep the confidence the rule itself gave.
"""
from __future__ import annotations

RULE_PRECISION: dict[str, float] = {
    "description:premodifier": 0.81, "description:apposition": 0.67, "description:which-provides": 0.67,
    "description:backed": 0.67, "construction:possessive": 0.71, "construction:based": 0.67,
    "construction:its": 0.75, "construction:filing": 0.75, "construction:ticker": 0.67, "construction:role": 0.67,
    "construction:compound": 0.6, "construction:unit-of": 0.6, "name:inner-place": 0.71,
    "frame:index-move": 0.83, "frame:index-movers": 0.83, "frame:tension-parties": 0.67,
    "cue:develops": 0.6, "cue:uses": 0.25, "cue:targets": 0.38, "cue:issues": 0.88, "cue:issuedBy": 0.25,
    "cue:partnersWith": 0.33, "cue:competesWith": 0.67, "cue:supports": 0.5, "cue:operatesIn": 0.6,
    "cue:manufactures": 0.33, "cue:investsIn": 0.67, "cue:headquarteredIn": 0.33, "cue:leads": 0.67,
    "cue:affects": 0.33, "cue:suppliesTo": 0.5, "cue:subsidiaryOf": 0.6, "cue:listedOn": 0.6,
    "cue:trainedOn": 0.6, "cue:constituentOf": 0.6,
}
VARIANT_FACTOR = {"coref": 0.5, "pronoun": 0.8, "relative": 1.0}
CHINESE_FACTOR = 0.8


def calibrated(rule: str, fallback: float) -> float:
    """The calibrated confidence of a relation found by `rule` ("cue:develops/coref", "cue-zh:uses").

    >>> calibrated("cue:develops/coref", 0.75)
    0.3
    """
    base, *variants = rule.split("/")
    factor = 1.0
    if base.startswith("cue-zh:"):
        base, factor = "cue:" + base[len("cue-zh:"):], CHINESE_FACTOR
    value = RULE_PRECISION.get(base, fallback) * factor
    for v in variants:
        value *= VARIANT_FACTOR.get(v, 1.0)
    return round(min(max(value, 0.01), 1.0), 2)

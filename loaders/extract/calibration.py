"""Confidence of a relation from the rule that found it, calibrated on the annotated articles.

`RULE_PRECISION` holds, for each rule name that appears in a relation's `extractor`, the fraction of its
predictions on the shared gold articles that are correct, smoothed as (correct + 1) / (predicted + 2) so
that a rule seen a few times is not trusted fully. A rule variant is discounted: "/coref" (one end is a
description standing for a name), "/pronoun" (the subject is "it" or "the company" from an earlier
sentence) and "/topic" (the subject is left implicit and taken from the sentence before: a guess, discounted
like a pronoun although it was right every time on the gold); Chinese cues ("cue-zh:") take the English
cue's value with a discount, having no Chinese gold.
Rules never seen on the gold keep the confidence the rule itself gave.
"""
from __future__ import annotations

RULE_PRECISION: dict[str, float] = {
    "construction:as-partner": 0.67, "construction:based": 0.8, "construction:compound": 0.6,
    "construction:customers": 0.75, "construction:equivalent": 0.67, "construction:filing": 0.75,
    "construction:from": 0.67, "construction:its": 0.89, "construction:maker": 0.67,
    "construction:policy-from": 0.67, "construction:possessive": 0.85, "construction:role": 0.67,
    "construction:ticker": 0.67, "construction:unit-of": 0.67, "cue:affectedBy": 0.88, "cue:affects": 0.33,
    "cue:competesWith": 0.93, "cue:constituentOf": 0.6, "cue:develops": 0.59, "cue:headquarteredIn": 0.33,
    "cue:investsIn": 0.75, "cue:issuedBy": 0.67, "cue:issues": 0.88, "cue:leads": 0.67, "cue:listedOn": 0.6,
    "cue:manufactures": 0.33, "cue:operatesIn": 0.75, "cue:partnersWith": 0.67, "cue:subsidiaryOf": 0.6,
    "cue:suppliesTo": 0.5, "cue:supportedBy": 0.67, "cue:supports": 0.5, "cue:targets": 0.81, "cue:trainedOn": 0.6,
    "cue:uses": 0.5, "description:apposition": 0.67, "description:backed": 0.67, "description:premodifier": 0.83,
    "description:which-provides": 0.67, "frame:in-place": 0.75, "frame:index-move": 0.83, "frame:index-movers": 0.83,
    "frame:place-market": 0.6, "frame:tension-parties": 0.8, "frame:users-in": 0.75, "name:inner-place": 0.92,
    "name:owner-prefix": 0.5,
}
VARIANT_FACTOR = {"coref": 0.5, "pronoun": 0.8, "relative": 1.0, "topic": 0.8}
CHINESE_FACTOR = 0.8


def calibrated(rule: str, fallback: float) -> float:
    """The calibrated confidence of a relation found by `rule` ("cue:develops/coref", "cue-zh:uses").

    >>> calibrated("cue:develops/coref", 0.75)
    0.29
    """
    base, *variants = rule.split("/")
    factor = 1.0
    if base.startswith("cue-zh:"):
        base, factor = "cue:" + base[len("cue-zh:"):], CHINESE_FACTOR
    value = RULE_PRECISION.get(base, fallback) * factor
    for v in variants:
        value *= VARIANT_FACTOR.get(v, 1.0)
    return round(min(max(value, 0.01), 1.0), 2)

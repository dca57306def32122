"""Stance of a matched clause from its wording: negation, exceptions, modal verbs.

`detect_stance` reads the raw stance from the sentence; `resolve_stance` maps it onto the
stances the taxonomy allows for the label (e.g. breach_notification is always `requires`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.taxonomy import ALLOWED_STANCES

__all__ = ["RawStance", "conditions_in", "detect_stance", "resolve_stance"]

_NEGATION = re.compile(
    r"\b(?:not|never|no|neither|nor|cannot|can't|won't|don't|doesn't|shan't|mustn't)\b"
    r"|\bn't\b|\bprohibit(?:ed|s)?\s+from\b|\brefrains?\s+from\b|\bforbidden\s+(?:from|to)\b"
    r"|\bin no (?:event|case|circumstances?)\b|\bunder no circumstances?\b",
    re.IGNORECASE,
)
# "nothing herein prohibits ..." negates a prohibition: a permission.
_NOTHING = re.compile(
    r"\bnothing\b[^.;]{0,100}?\b(?:prohibit|prevent|restrict|preclude|limit|bar)s?\b",
    re.IGNORECASE,
)
_EXCEPTION = re.compile(
    r"\b(?:except|excepting|unless|other than|save (?:as|where)|only (?:with|if|upon|when|"
    r"to the extent|after|where|in accordance)|provided(?:,)? that|subject to|"
    r"(?:with|without) (?:the |your |their |its |prior |express |written |affirmative )*"
    r"(?:consent|authori[sz]ation|permission|approval)|as (?:required|permitted) by)\b",
    re.IGNORECASE,
)
_PERMIT = re.compile(
    r"\b(?:may|can|might|could|is (?:permitted|allowed|free) to|are (?:permitted|allowed) to|"
    r"reserves? the right to)\b",
    re.IGNORECASE,
)
_REQUIRE = re.compile(
    r"\b(?:shall|must|will|agrees? to|(?:is|are) (?:required|obligated|obliged) to|"
    r"undertakes? to|commits? to|covenants? to)\b",
    re.IGNORECASE,
)
# Affirmative wording that still makes a clause conditional: "only with consent", "unless".
_AFFIRMATIVE_CONDITION = re.compile(
    r"\bonly\b|\bunless\b|\bwith(?:out)?\b[^.;]{0,30}consent", re.IGNORECASE
)
# A clause boundary: negation before it does not govern the matched words after it.
_BOUNDARY = re.compile(r"[;:]|\b(?:but|however|whereas)\b|,\s*(?:and|or)\s+(?:we|you|the)\b")

_CONDITION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "consent",
        (
            r"\bconsent\b",
            r"\bpermission\b",
            r"\bopt(?:s|ed)?[- ]in\b",
            r"\bauthori[sz]ation (?:of|from) (?:the )?(?:parent|guardian|student|eligible)",
        ),
    ),
    (
        "law",
        (
            r"\b(?:required|permitted) by (?:applicable )?(?:federal |state )?law",
            r"\bas required by\b",
            r"\bsubpoena|\bcourt order|\bjudicial order|\blegal process|\blaw enforcement",
            r"\bcomply with (?:applicable |any )?(?:law|legal)",
            r"\bapplicable law",
        ),
    ),
    (
        "deidentified",
        (r"\bde-?identified", r"\baggregate", r"\banonymi[sz]ed"),
    ),
    (
        "lea_direction",
        (
            r"\b(?:direct(?:ed|ion|s)?|instruct(?:ed|ions?|s)?|authori[sz](?:ed|ation)"
            r"|request(?:ed)?|approv(?:ed|al))\b[^.;]{0,30}"
            r"\b(?:lea|district|school|educational agency|customer|institution)\b",
            r"\b(?:lea|district|school|educational agency)['’]?s? (?:written )?"
            r"(?:direction|instruction|request|authori[sz]ation|approval)",
        ),
    ),
    (
        "safety",
        (
            r"\bhealth or safety\b",
            r"\bsafety\b",
            r"\bemergency\b",
            r"\bimminent (?:harm|danger|threat)",
        ),
    ),
)
_CONDITIONS = tuple(
    (name, re.compile("|".join(words), re.IGNORECASE)) for name, words in _CONDITION_WORDS
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RawStance:
    """What the wording says before the taxonomy's limits apply; `stance` None = descriptive."""

    stance: str | None
    certain: bool


def detect_stance(sentence: str, trigger_start: int, trigger_end: int) -> RawStance:
    """Stance of the words at [trigger_start, trigger_end) within `sentence`."""
    if _NOTHING.search(sentence):
        return RawStance(stance="permits", certain=False)
    window = _governing_window(sentence, trigger_start, trigger_end)
    negated = _NEGATION.search(window) is not None
    excepted = _EXCEPTION.search(sentence) is not None
    if negated:
        return RawStance(stance="conditional" if excepted else "prohibits", certain=True)
    if excepted and _AFFIRMATIVE_CONDITION.search(sentence):
        return RawStance(stance="conditional", certain=True)
    if _PERMIT.search(window):
        return RawStance(stance="permits", certain=True)
    if _REQUIRE.search(window):
        return RawStance(stance="requires", certain=True)
    return RawStance(stance=None, certain=True)


def _governing_window(sentence: str, start: int, end: int) -> str:
    """The words that govern the trigger: from the last clause boundary before it to its end."""
    head = sentence[:start]
    cut = 0
    for match in _BOUNDARY.finditer(head):
        cut = match.end()
    return sentence[max(cut, start - 160) : end]


# When the wording's stance is not allowed for a label, try these instead, in order.
_FALLBACK = {
    "prohibits": ("requires", "conditional", "permits"),
    "permits": ("requires", "conditional"),
    "conditional": ("permits", "requires"),
    "requires": ("permits", "conditional"),
}
# Descriptive wording ("We share ...", "Provider deletes ...") defaults to:
_DESCRIPTIVE_PERMITS = frozenset({"subprocessors", "law_enforcement_requests", "policy_changes"})


def resolve_stance(label: str, raw: RawStance) -> tuple[str, bool]:
    """(stance allowed for `label`, whether it is the wording's own stance)."""
    allowed = ALLOWED_STANCES[label]
    if raw.stance is None:
        if "requires" in allowed and label not in _DESCRIPTIVE_PERMITS:
            return "requires", True
        return ("permits" if "permits" in allowed else allowed[0]), True
    if raw.stance in allowed:
        return raw.stance, raw.certain
    for candidate in _FALLBACK[raw.stance]:
        if candidate in allowed:
            # A requires-only label reads the same whatever the modal verb: not a guess.
            return candidate, len(allowed) == 1 and raw.certain
    return allowed[0], False


def conditions_in(sentence: str) -> list[str]:
    """Conditions named in a conditional disclosure clause, in the taxonomy's order."""
    return [name for name, pattern in _CONDITIONS if pattern.search(sentence)]

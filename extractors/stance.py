"""Stance of a matched clause from its wording: negation, exceptions, modal verbs.

`detect_stance` reads the raw stance from the sentence; `resolve_stance` maps it onto the
stances the taxonomy allows for the label (e.g. breach_notification is always `requires`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.taxonomy import ALLOWED_STANCES

__all__ = [
    "RawStance",
    "conditions_in",
    "consent_allowed",
    "deidentified_form",
    "detect_stance",
    "explicit_stance",
    "no_condition",
    "not_a_ban",
    "plain_ban",
    "resolve_stance",
    "stance_cues",
]

_NEGATION = re.compile(
    r"\b(?:not|never|no|neither|nor|cannot|can't|won't|don't|doesn't|shan't|mustn't)\b"
    r"|\bn't\b|\bprohibit(?:ed|s)?\s+from\b|\brefrains?\s+from\b|\bforbidden\s+(?:from|to)\b"
    r"|\bin no (?:event|case|circumstances?)\b|\bunder no circumstances?\b"
    r"|[\u2717\u2718\u274c]",  # a cross mark: "\u2717 Sell your child's information"
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

_PARTY = (
    r"(?:lea|district|school|educational agency|customer|institution|client|board|center"
    r"|centre|organi[sz]ation|college|university|academy)"
)
# The district's own consent is its direction, not a parent's consent.
_PARTY_CONSENT = re.compile(
    r"\b" + _PARTY + r"\w*['’]?s? (?:prior |express |advance |written |affirmative )*consent",
    re.IGNORECASE,
)
_CONDITION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "consent",
        (
            r"\bconsent",
            r"\bpermission\b",
            r"\bopt(?:s|ed)?[- ]in\b",
            r"\bauthori[sz]ation (?:of|from) (?:the |a )?(?:parent|guardian|student|eligible)",
            r"\bwhen you (?:ask|choose|direct|tell|request)"
            r"|\bif you (?:turn on|choose|opt|enable|ask"
            r"|apply|agree|request)",
            r"\bat your (?:written )?(?:request|direction)\b|\bat the (?:written )?request of"
            r" (?:the |a |an )?(?:\w+['’]s )?(?:parent|guardian|student|user|eligible|pupil)",
            r"\b(?:parent|guardian|student|user|you)s?\b[^.;]{0,40}\b(?:ask(?:s|ed)?|requests?|agree[sd]?"
            r"|has agreed|have agreed|approves?|has approved|gives?|authori[sz](?:es|ed|e)?)\b",
            r"\bagree to share\b",
        ),
    ),
    (
        "law",
        (
            r"\b(?:required|permitted|compelled|obligated)\b[^.;]{0,25}\bby (?:applicable |the )?"
            r"(?:federal |state )?law",
            r"\bas required by\b|\b(?:the )?law requires\b|\blegal (?:obligation|requirement)",
            r"\blegally (?:required|compelled|obligated|necessary)\b",
            r"\bsubpoena|\bcourt order|\bjudicial (?:order|process)|\blegal process|\bwarrant\b",
            r"\blaw enforcement|\bcomply with (?:applicable |any )?(?:law|legal)",
            r"\bapplicable law|\bpublic authorities\b|\bgovernment(?:al)? (?:authorit|agenc|bod)",
            r"\blegal (?:purposes|reasons)\b|\bfor legal,[^.;]{0,40}\bpurposes\b",
        ),
    ),
    (
        "deidentified",
        (r"\bde-?identified", r"\baggregat", r"\banonymi[sz]", r"\bnever identify\b"),
    ),
    (
        "lea_direction",
        (
            r"\b(?:direct(?:ed|ion|s)?|instruct(?:ed|ions?|s)?|authori[sz](?:ed|ation)"
            r"|request(?:ed)?|approv(?:ed|al))\b[^.;]{0,30}\b" + _PARTY + r"\b",
            r"\b" + _PARTY + r"['’]?s? (?:prior )?(?:written )?(?:express )?"
            r"(?:direction|instruction|request|authori[sz]ation|approval|consent)",
            r"\b"
            + _PARTY
            + r"\w*\b[^.;]{0,20}\b(?:directs|instructs|requests|authori[sz]es|approves"
            r"|has approved|allows|permits|has enabled|enables|has asked|asks|agrees?|transfers)\b",
            r"\bas you direct\b",
        ),
    ),
    (
        "safety",
        (
            r"\bhealth or safety\b",
            r"\bsafety\b",
            r"\bemergency\b",
            r"\bimminent (?:harm|danger|threat)",
            r"\b(?:from|physical|risk of|serious) harm\b",
            r"\bprotect the (?:rights|property|security) of\b",
            r"\bprotect (?:our|its|their|\w+['’]s?) (?:rights|property|safety)\b",
            r"\bin danger\b",
        ),
    ),
)
_DEIDENTIFIED_IF = re.compile(
    r"\b(?:unless|except|only|provided|if|once|after)\b[^.;]{0,40}"
    r"(?:de-?identif|aggregat|anonymi)",
    re.IGNORECASE,
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
    found = [name for name, pattern in _CONDITIONS if pattern.search(sentence)]
    if "consent" in found and not _CONDITIONS[0][1].search(_PARTY_CONSENT.sub(" ", sentence)):
        found.remove("consent")
    if "deidentified" in found and len(found) > 1 and not _DEIDENTIFIED_IF.search(sentence):
        found.remove("deidentified")  # the data is de-identified; the condition is another
    return found


# Affirmative wording that makes any clause conditional: "only with the consent of",
# "provided that", "unless", "subject to the prior written approval".
_ONLY_IF = re.compile(
    r"\bonly\b[^.;]{0,60}?\b(?:with|if|upon|when|where|after|to the extent)\b"
    r"[^.;]{0,60}?\b(?:consent|permission|authori[sz]\w*|approv\w*|direct\w*|instruct\w*"
    r"|opt(?:s|ed)?[- ]in|de-?identified|aggregated?|anonymi[sz]ed|required by law)"
    r"|\bprovided(?:,)? that\b|\bunless\b|\bsubject to (?:the )?(?:prior |express |written )*"
    r"(?:consent|approval|authori[sz]ation)"
    r"|\bif (?:you|the (?:parent|guardian|user|student)) (?:have|has) (?:\w+ )?"
    r"(?:agreed|consented|opted in|given (?:us )?(?:your |their )?(?:consent|permission))",
    re.IGNORECASE,
)
# Labels where "shall not ... except ..." reads as a condition on the practice. Elsewhere an
# exception usually carves out the service itself ("no profiles except the gradebook
# teachers see"), which the corpus annotates as a prohibition: the classifier decides those.
_EXCEPTION_CONDITIONS = frozenset(
    {"third_party_disclosure", "deidentified_data", "merger_transfer"}
)
# "will not re-identify de-identified data" states a condition on using such data, not a ban.
_NEGATION_NOT_A_BAN = frozenset({"deidentified_data"})


def _carve_out_only(sentence: str) -> bool:
    """ "We do not disclose student data to third parties other than our hosting provider": the
    exception names no condition (consent, law, de-identification, the district's direction,
    safety), only the provider's own processors, so the clause is a ban on disclosure. An
    exception that points elsewhere ("except as permitted in Section IV", a lead-in ending in
    a colon) stays conditional. In the corpus, 23 of 25 such sentences are annotated bans."""
    return not conditions_in(sentence) and not _EXCEPTIONS_ELSEWHERE.search(sentence)


_EXCEPTIONS_ELSEWHERE = re.compile(
    r"\b(?:except|unless|other than)\b[^.;]{0,25}\b(?:as )?(?:permitted|described|provided|set"
    r" (?:out|forth)|listed|stated)\b|:\s*$",
    re.IGNORECASE,
)


def explicit_stance(label: str, sentence: str, trigger_start: int, trigger_end: int) -> str | None:
    """The stance that the wording states beyond doubt, or None to let the classifier decide.

    - "nothing herein prohibits / shall be construed to prevent ..." -> permits;
    - "shall not disclose ... except ..." -> conditional, for disclosure, de-identified data
      and merger transfers;
    - "shall not sell ..." with no exception -> prohibits;
    - "only with the consent of", "provided that", "unless" -> conditional.
    Each result is kept only when the taxonomy allows it for `label`. The choices were
    measured on the corpus's train split (see extractors/nlp/README.md).
    """
    allowed = ALLOWED_STANCES[label]
    found: str | None = None
    if _NOTHING.search(sentence):
        found = "permits"
    elif _NEGATION.search(_governing_window(sentence, trigger_start, trigger_end)):
        if _EXCEPTION.search(sentence):
            found = "conditional" if label in _EXCEPTION_CONDITIONS else None
            if found and label == "third_party_disclosure" and _carve_out_only(sentence):
                found = "prohibits"
        elif label not in _NEGATION_NOT_A_BAN:
            found = "prohibits"
    elif _ONLY_IF.search(sentence):
        found = "conditional"
    return found if found in allowed else None


# Words that can make a sentence a ban without a negation: "is prohibited", "solely for".
_BAN_WORDS = re.compile(
    r"\b(?:prohibit\w*|forbid\w*|ban(?:s|ned|ning)?|bar(?:s|red)?|solely|exclusively|only|restrict\w*"
    r"|limit\w*|refrain\w*|abstain\w*|prevent\w*|preclude\w*|exclud\w*|disabl\w*"
    r"|turns? off|turned off|switch\w* off|opt(?:s|ed)? out|free (?:of|from)|stops?|ceases?)\b",
    re.IGNORECASE,
)


def not_a_ban(sentence: str, trigger_start: int, trigger_end: int) -> bool:
    """True when the wording cannot be a prohibition: a plain permission or statement of
    practice ("Provider may use Student Data to serve targeted advertising", "We sell ...")
    with no negation, exception or restricting word anywhere in the sentence.

    The classifier learns that most sentences of some labels are bans; this keeps it from
    reading a vendor's permission to itself as one (the dangerous direction of error).
    """
    del trigger_start, trigger_end
    return not (
        _NEGATION.search(sentence)
        or _NOTHING.search(sentence)
        or _EXCEPTION.search(sentence)
        or _BAN_WORDS.search(sentence)
    )


# Words that can make a permission conditional: a condition, a consent, a de-identification,
# a time or a purpose. Sentences of the corpus with none of them, no ban word and no
# condition of `conditions_in`, whose label allows both (merger_transfer aside): 341 annotated
# permits, 5 conditional, 13 prohibits (2026-12-06, 162 documents).
_MAY_CONDITION = re.compile(
    r"\b(?:if|unless|provided|when|whenever|where|subject to|upon|consent\w*|permission|opt\w*"
    r"|as long as|so long as|in accordance|identif\w*|aggregat\w*|anonymi\w*|pseudonym\w*"
    r"|without (?:names|identifiers)|names? removed|stripped"
    r"|after|before|until|once|in which case|required by|to the extent|on (?:the )?condition"
    r"|as (?:required|permitted|authori[sz]ed|directed|instructed)|for the purpose|in order to"
    r"|approv\w*|authori[sz]\w*|request\w*|agree\w*|choose|elect)\b",
    re.IGNORECASE,
)


def no_condition(sentence: str) -> bool:
    """True when nothing in the wording could make a permission conditional: no ban word
    (see `not_a_ban`) and no condition, consent, purpose or de-identification word."""
    return (
        not_a_ban(sentence, 0, 0)
        and not _MAY_CONDITION.search(sentence)
        and not conditions_in(sentence)
    )


# The school may give COPPA consent ("The LEA may consent on parents' behalf", "we permit the
# School to provide the requisite consent"), with no word that makes it a duty: of the
# corpus's 47 such sentences, 46 are annotated permits (2026-12-06).
_MAY_CONSENT = re.compile(
    r"\b(?:may|can|permits?|permitted|allows?|allowed)\b(?:\s+\w+){0,10}?\s+(?:give|provide|grant)?"
    r"\s*(?:the |that |such |any |requisite |verifiable )*consent"
    r"|\bmay rely\b|\brel(?:y|ies) on (?:the|a|its|their) (?:school|district|lea|customer"
    r"|institution|teacher|center)",
    re.IGNORECASE,
)
_MUST = re.compile(
    r"\b(?:must|shall|required to|responsible for|will obtain|agrees? to (?:obtain|provide)"
    r"|represents|warrants)\b",
    re.IGNORECASE,
)


def consent_allowed(sentence: str) -> bool:
    """True when the school may give COPPA consent, as opposed to having to obtain it."""
    return _MAY_CONSENT.search(sentence) is not None and _MUST.search(sentence) is None


# Data sold in de-identified or aggregate form: the corpus annotates such sales (with no ban
# word) conditional, 13 of 14 (2026-12-06).
_DEIDENTIFIED_FORM = re.compile(
    r"\b(?:de-?identif\w*|aggregat(?:e|ed)\b|anonymi[sz]\w*|without names"
    r"|(?:do|does|will) not identify|stripped of)",
    re.IGNORECASE,
)


def deidentified_form(sentence: str) -> bool:
    """True when a permission covers data only in de-identified or aggregate form."""
    return not_a_ban(sentence, 0, 0) and _DEIDENTIFIED_FORM.search(sentence) is not None


def plain_ban(label: str, sentence: str) -> bool:
    """True when the wording can only be a prohibition: one negated statement ("We do not
    serve ads on our site.") with no exception, condition, permission word or second clause.

    The mirror of `not_a_ban`: the classifier must not read a vendor's plain promise not to
    do something as a permission to do it.
    """
    return bool(
        label not in _NEGATION_NOT_A_BAN
        and _NEGATION.search(sentence)
        and not _NOTHING.search(sentence)
        and not _EXCEPTION.search(sentence)
        and not _ONLY_IF.search(sentence)
        and not _PERMIT.search(sentence)
        and not _BOUNDARY.search(sentence)
        and not _NOT_PLAIN.search(sentence)
    )


# Words that make a negated sentence more than a plain ban: a condition, an exception, or a
# negated restriction ("does not prohibit", "does not apply to"), i.e. a permission.
_NOT_PLAIN = re.compile(
    r"\b(?:if|when|where|unless|until|without|although|save for|exceptions?|opt(?:s|ed)?[- ]in)\b"
    r"|\b(?:not|never|n't)\s+(?:\w+\s+)?(?:prohibit|bar|apply|reach|limit|restrict|prevent"
    r"|preclude|affect|stop)\w*",
    re.IGNORECASE,
)


_CUES = (
    ("negation", _NEGATION),
    ("nothing_prohibits", _NOTHING),
    ("exception", _EXCEPTION),
    ("only_if", _ONLY_IF),
    ("permit", _PERMIT),
    ("require", _REQUIRE),
)


def stance_cues(sentence: str) -> list[str]:
    """Names of the stance cues present in `sentence`, features for the classifier."""
    found = [name for name, pattern in _CUES if pattern.search(sentence)]
    found.extend(f"condition_{name}" for name in conditions_in(sentence))
    return found

"""Pure parsers for clause attributes: durations, states, notice recipients, flags.

Units: `deadline_hours` in hours, `period_days`/`deadline_days`/`notice_days` in calendar days.
Business (working) days count 7 calendar days per 5, so "5 business days" is 7 days (168 h);
a month is 30 days and a year 365 days. A vague deadline ("promptly") is a Duration with
`vague=True` and no numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Duration",
    "accepted_by_continued_use",
    "attributes_for",
    "has_words",
    "parse_duration",
    "parse_state",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration:
    """`hours` and `days` describe the same span; both None when the text is vague."""

    hours: float | None
    days: float | None
    text: str
    vague: bool


_UNITS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD = r"(?:" + "|".join(sorted((*_UNITS, "hundred"), key=len, reverse=True)) + r")"
_DURATION = re.compile(
    r"(?<![\w-])(?:(?P<words>" + _WORD + r"(?:(?:\s+and)?[\s-]+" + _WORD + r")*)"
    r"(?:\s*\(\s*(?P<paren>\d+(?:\.\d+)?)\s*\))?"
    r"|(?P<digits>\d{1,3}(?:,\d{3})*(?:\.\d+)?))"
    # "[Number, e.g., 24]** hours" in templates; "72-hour period"
    r"[\]\*\s-]*(?P<qual>calendar|business|working|school|academic|fiscal|contract)?\s*"
    r"(?P<unit>hours?|hrs?|days?|weeks?|months?|years?)\b(?![ -]+(?:old|of age))",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"\b(?:promptly|immediately|expeditiously|forthwith|(?:in\s+a\s+)?timely(?:\s+manner)?"
    r"|without\s+(?:undue|unreasonable)\s+delay"
    r"|as\s+(?:soon|quickly)\s+as\s+(?:is\s+)?(?:reasonably\s+)?"
    r"(?:practicable|possible|feasible)"
    r"|within\s+a\s+reasonable\s+(?:time|period)(?:\s+of\s+time)?)",
    re.IGNORECASE,
)
_DAYS_PER_UNIT = {"hour": 1 / 24, "hr": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.0}
_DAYS_PER_UNIT["year"] = 365.0


def _words_value(words: str) -> float | None:
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    if len(tokens) > 1 and tokens[0] in ("a", "an"):
        tokens = tokens[1:]
    if tokens in (["a"], ["an"]):
        return 1.0
    total = 0
    for token in tokens:
        if token == "hundred":  # noqa: S105 - a number word, not a password
            total = max(total, 1) * 100
        elif token in ("a", "an"):
            return None
        else:
            total += _UNITS[token]
    return float(total)


def parse_duration(text: str) -> Duration | None:
    """The first duration in `text` ("seventy-two (72) hours", "30 calendar days", "one year").

    A number always wins over vague words; None when neither is present.
    """
    for match in _DURATION.finditer(text):
        if match["paren"]:
            value = float(match["paren"])
        elif match["digits"]:
            value = float(match["digits"].replace(",", ""))
        else:
            parsed = _words_value(match["words"])
            if parsed is None:
                continue
            value = parsed
        unit = match["unit"].lower().rstrip("s")
        days = value * _DAYS_PER_UNIT[unit]
        if match["qual"] and match["qual"].lower() in ("business", "working") and unit == "day":
            days = value * 7 / 5
        hours = value if unit in ("hour", "hr") else days * 24
        text = re.sub(r"[\]\*]+", "", match[0]).strip()
        return Duration(hours=_tidy(hours), days=_tidy(days), text=text, vague=False)
    vague = _VAGUE.search(text)
    if vague:
        return Duration(hours=None, days=None, text=vague[0], vague=True)
    return None


def _tidy(value: float) -> float:
    return round(value, 4)


_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY",
    "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
    "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
    "Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI",
    "Wyoming": "WY", "District of Columbia": "DC", "Washington, D.C.": "DC",
    "Washington D.C.": "DC", "Washington, DC": "DC",
}  # fmt: skip
_STATE = re.compile(
    r"(?<![\w.])(?P<name>"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(_STATES, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_STATE_CODES = {re.sub(r"\s+", " ", k).lower(): v for k, v in _STATES.items()}
_LAW_CUE = re.compile(r"\b(?:laws?|governed|construed|interpreted|statutes?)\b", re.IGNORECASE)


def parse_state(text: str) -> str | None:
    """Two-letter code of the state whose law is named: the first state after a law cue."""
    cue = _LAW_CUE.search(text)
    start = cue.start() if cue else 0
    match = _STATE.search(text, start) or _STATE.search(text)
    if match is None:
        return None
    return _STATE_CODES[re.sub(r"\s+", " ", match["name"]).lower()]


def has_words(pattern: str) -> Callable[[str], bool]:
    """A test of whether a text contains `pattern` (a regex, case ignored)."""
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda text: compiled.search(text) is not None


_has = has_words


_NOTIFY_LEA = _has(
    r"\b(?:lea|district|school|educational agency|customer|institution|client|organi[sz]ation"
    r"|board|ea|center|centre|account holder|chief (?:technology|information|privacy) officer"
    r"|cto|cio)s?\b"
)
_NOTIFY_PARENTS = _has(
    r"\b(?:parents?|guardians?|families|eligible students?|affected (?:users?|individuals?"
    r"|members?|students?|persons?|people|test-takers?))\b"
)
_NOTIFY_AUTH = _has(
    r"\b(?:law enforcement|authorit(?:y|ies)|attorney general|regulators?|"
    r"supervisory authorit|department of education|state agency)"
)
# Who receives the notice: the words right after a notifying verb.
_NOTICE_TO = re.compile(
    r"\b(?:notif(?:y|ies|ied|ying|ication)|notice|inform(?:s|ed)?|tell|alert|e-?mail|contact"
    r"|report(?:s|ed)?|disclose the breach|let)\b"
    r"(?P<to>(?:(?!\bnotif|\binform|\bnotice\b)[^.;]){0,70})",  # up to the next notifying verb
    re.IGNORECASE,
)
_IN_TRANSIT = _has(
    r"\bin[- ]transit\b|\btls\b|\bssl\b|\bhttps\b|\bin motion\b|\bwhile (?:moving|travell?ing)"
    r"|\bwhen (?:it is |they are )?(?:transmitted|sent)|\bduring transmission"
    r"|\bover (?:public )?networks"
)
_AT_REST = _has(
    r"\bat[- ]rest\b|\bencrypted (?:storage|databases?)\b"
    r"|\b(?:while|when) (?:it is |they are )?stored"
    r"|\bin storage\b|\bstored on\b"
    r"|\b(?:transmitted|sent|in transit) and (?:when )?(?:stored|at rest)\b"
)
_STANDARDS = (
    ("NIST CSF", _has(r"\bnist\b[^.;]{0,40}\b(?:csf|cybersecurity framework)\b")),
    ("NIST 800-171", _has(r"\b800-171\b")),
    ("NIST 800-53", _has(r"\b800-53\b")),
    ("NIST", _has(r"\bnist\b")),
    ("ISO 27001", _has(r"\biso(?:/iec)?\s*27001\b")),
    ("SOC 2", _has(r"\bsoc\s*(?:2|ii)\b")),
    ("CIS Controls", _has(r"\bcis (?:critical security )?controls\b")),
)
_DISPOSAL = r"(?:destr|delet|dispos|eras|purg|return)"
_CERTIFY = _has(
    r"\bcertif(?:y|ies|ied|ication|icate)\b[^.;]{0,40}\b"
    + _DISPOSAL
    + r"|\b"
    + _DISPOSAL
    + r"\w*[^.;]{0,80}\bcertif(?:y|ies|ied|ication|icate)\b"
    r"|\bconfirm\w*\b[^.;]{0,40}\b(?:" + _DISPOSAL + r"|in writing)"
    r"|\bwritten (?:confirmation|notice of (?:the )?del)|\bsend\b[^.;]{0,40}\bconfirmation\b"
)
_TRIGGERS = (
    (
        "termination",
        _has(
            r"\b(?:terminat\w*|expir\w*|end of (?:the|this|its|a|their|each)|conclusion of"
            r"|completion of|(?:agreement|contract|license|licence|subscription|dpa|term|services?)"
            r"\s+(?:ends|ended|is over)|when (?:this|the) \w+ ends|cancel\w*|non-?renew\w*"
            r"|\bends? (?:its|their|the|this|your|a) (?:subscription|agreement|contract|licen[cs]e)"
            r"|\b(?:order|program|programme|class|year|engagement|relationship)\s+ends\b"
            r"|\bcloses? (?:the|its|a) (?:class|classroom|school|district|institutional))"
        ),
    ),
    (
        "request",
        _has(
            r"\brequest(?:s|ed)?\b|\bdirect(?:s|ed|ion)\b|\binstruct|\basks?\b|\btells? us\b"
            r"|\b(?:close|delete|deactivate|remove)s? (?:your|their|his|her|the|an|its) account"
            r"|\bdelete account\b|\b(?:can|may)\b[^.;]{0,50}\b(?:delete|erase)\b"
            r"|\bwhen you delete\b|\b(?:right to|would like to|wish to|want to) (?:\w+,? ){0,6}"
            r"(?:delete|erase)\b"
            r"|\bby deleting (?:the|your|their|his|her|its|a)\b"
        ),
    ),
    ("no_longer_needed", _has(r"\bno longer (?:needed|necessary|required)\b|\bpurpose[^.;]*met")),
)
_FLOW_DOWN = _has(
    r"\bbound by\b|\bsame (?:terms|obligations|restrictions|protections|standards)\b"
    r"|\bno less (?:stringent|protective|strict)|\bat least as (?:protective|stringent|strict|well)"
    r"|\bequivalent to\b|\bconsistent with (?:this|these)|\bflow[- ]down\b"
    r"|\bcomply with (?:this|the terms of this)|\bthe way (?:we|the \w+) do(?:es)?\b"
    r"|\bcarry (?:forward|over)\b|\babide by\b|\bholding (?:it|them) to\b"
    r"|\bbinds? (?:them|it|each \w+) to\b|\bbound in writing by\b|\bto the standard of\b"
    r"|\bagrees? in writing to (?:the|this|these)\b|\bcarrying forward\b"
    r"|\bsame (?:high )?(?:level|standard|degree) of (?:protection|care|security|confidentiality)"
    r"|\bin the same way\b"
)
_LIST_AVAILABLE = _has(
    r"\blist(?:s|ing|ed)? (?:of )?(?:its |our |all |the |those |current |their )*"
    r"(?:sub-?processors|sub-?contractors|service providers|vendors)"
    r"|\bidentity of (?:each|every|all|its) (?:sub-?processors?|sub-?contractors?)"
    r"|\b(?:name|identify) (?:of )?each (?:sub-?processor|sub-?contractor|service provider)"
    r"|\b(?:sub-?processor|sub-?contractor|service provider)s? (?:list|are listed|is listed)\b"
    r"|\blist of (?:our |its )?providers\b"
    r"|\b(?:sub-?processors|sub-?contractors|service providers)\b[^.;]{0,80}"
    r"\b(?:are|is) (?:listed|identified|named)\b"
)
_CONSENT = _has(
    r"\bconsent\b|\bopt[- ]in\b|\bagree(?:ment)? to the (?:changes|new)"
    r"|\bsigned by (?:\w+ ){0,4}(?:both|each of the|all) parties|\bboth parties sign"
    r"|\bmutual(?:ly)? (?:written )?agree|\bwritten (?:amendment|instrument) (?:\w+ )?signed"
    r"|\bsignature of both parties|\bwriting signed by\b|\bwritten signature"
)
_NO_REID = _has(r"\bre-?identif")
_SUCCESSOR_BOUND = _has(
    r"\b(?:successor|acquir(?:er|ing)|purchaser|new (?:owner|company|entity)|buyer|an entity)"
    r"\w*[^.;]{0,100}"
    r"\b(?:bound|subject to|compl(?:y|ies)|honou?r|keeps? (?:the|our|these)|assume"
    r"|treat\b|abide|continue to protect|same (?:terms|protections)|agrees? (?:in writing )?to"
    r"|follow)"
)
_SUCCESSOR_NOT_BOUND = _has(r"\bdeclines? to be bound|\bdue diligence\b")
_ELSEWHERE = _has(
    r"\bother countr|\bany (?:other )?country|\banywhere\b|\binternational(?:ly)? transfer"
    r"|\bor (?:in )?canada|\b(?:ireland|singapore|japan|philippines|india|colombia|germany"
    r"|united kingdom|australia|mexico|brazil|china|netherlands|france|israel|switzerland)\b"
)
_OUTSIDE = _has(r"\boutside (?:of )?(?:the )?(?:united states|u\.s|us|eu|european)")
_ONLY_THERE = _has(r"\b(?:not|never|exclusively|only|solely)\b")
_REGIONS = (
    ("US", _has(r"\bunited states\b|\bu\.s\.(?:a\.)?|\busa\b|\bthe us\b")),
    ("EU", _has(r"\beuropean (?:union|economic area)\b|\beea\b|\bthe eu\b")),
    ("CA", _has(r"\bcanada\b")),
)


def _days(text: str) -> float | None:
    duration = parse_duration(text)
    return duration.days if duration and not duration.vague else None


def _breach(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    duration = parse_duration(text)
    if duration is not None:
        if duration.vague:
            found["deadline_text"] = duration.text
        else:
            found["deadline_hours"] = duration.hours
    notify = _recipients(text)
    if notify:
        found["notify"] = notify
    return found


def _recipients(text: str) -> list[str]:
    """Who is told of a breach: the words after "notify", "notice to", "inform" ...;
    the whole sentence when no such verb names anyone."""
    tests = (("lea", _NOTIFY_LEA), ("parents", _NOTIFY_PARENTS), ("authorities", _NOTIFY_AUTH))
    windows = [m["to"] for m in _NOTICE_TO.finditer(text)]
    named = [name for name, test in tests if any(test(w) for w in windows)]
    return named or [name for name, test in tests if test(text)]


_RESPOND = re.compile(r"\brespond\w*\s+(?:to \w+ )?within\s*$", re.IGNORECASE)


def _deletion(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for match in _DURATION.finditer(text):
        if _RESPOND.search(text[max(0, match.start() - 30) : match.start()]):
            continue  # "we will respond within 30 days": an answer, not the deletion
        if (days := _days(match[0])) is not None:
            found["period_days"] = days
            break
    for name, test in _TRIGGERS:
        if test(text):
            found["trigger"] = name
            break
    if _CERTIFY(text):
        found["certification"] = True
    return found


def _security(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    encrypted = re.search(r"\bencrypt", text, re.IGNORECASE) is not None
    if encrypted and _IN_TRANSIT(text):
        found["encryption_in_transit"] = True
    if encrypted and _AT_REST(text):
        found["encryption_at_rest"] = True
    for name, test in _STANDARDS:
        if test(text):
            found["standard"] = name
            break
    return found


def _flags(**tests: Callable[[str], bool]) -> Callable[[str], dict[str, Any]]:
    return lambda text: {name: True for name, test in tests.items() if test(text)}


def _number(name: str) -> Callable[[str], dict[str, Any]]:
    def parse(text: str) -> dict[str, Any]:
        days = _days(text)
        return {} if days is None else {name: days}

    return parse


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        start=1,
    )
}  # fmt: skip
_END_DATE = re.compile(
    r"\b(?:expir\w*|ends?|ending|terminat\w*|through|until|to)\s+(?:on\s+)?"
    r"(?P<month>" + "|".join(_MONTHS) + r")\s+(?P<day>\d{1,2}),?\s+(?P<year>20\d\d)\b",
    re.IGNORECASE,
)
_WITHIN = re.compile(r"\bwithin\s*$", re.IGNORECASE)


def _term(text: str) -> dict[str, Any]:
    """`period_days` of the agreement (not a "within ..." deadline inside it), `expires_on`."""
    found: dict[str, Any] = {}
    for match in _DURATION.finditer(text):
        if _WITHIN.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        if (days := _days(match[0])) is not None:
            found["period_days"] = days
            break
    if date := _END_DATE.search(text):
        month = _MONTHS[date["month"].lower()]
        found["expires_on"] = f"{date['year']}-{month:02d}-{int(date['day']):02d}"
    return found


def _governing_law(text: str) -> dict[str, Any]:
    state = parse_state(text)
    return {} if state is None else {"state": state}


def _policy_changes(text: str) -> dict[str, Any]:
    found = _number("notice_days")(text)
    if _CONSENT(text) and not _CONTINUED_USE(text):
        found["consent_required"] = True
    return found


# "Continued use ... indicates your consent": acceptance by carrying on, not consent asked for.
_CONTINUED_USE = _has(r"\bcontinu\w* (?:to )?us(?:e|es|ed|ing)\b")


def accepted_by_continued_use(text: str) -> bool:
    """Changed terms bind whoever keeps using the service: the provider may change them."""
    return _CONTINUED_USE(text)


def _data_location(text: str) -> dict[str, Any]:
    """A region only when data stays in one: "in the US or Canada" names none."""
    regions = [region for region, test in _REGIONS if test(text)]
    if len(regions) != 1 or _ELSEWHERE(text) or (_OUTSIDE(text) and not _ONLY_THERE(text)):
        return {}
    return {"region": regions[0]}


def _merge(*parsers: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    return lambda text: {k: v for parse in parsers for k, v in parse(text).items()}


_PARSERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "breach_notification": _breach,
    "deletion": _deletion,
    "governing_law": _governing_law,
    "data_retention": _number("period_days"),
    "security_safeguards": _security,
    "parent_access": _number("deadline_days"),
    "subprocessors": _flags(flow_down=_FLOW_DOWN, list_available=_LIST_AVAILABLE),
    "policy_changes": _policy_changes,
    "term": _term,
    "deidentified_data": _flags(no_reidentification=_NO_REID),
    "merger_transfer": _flags(
        successor_bound=lambda text: _SUCCESSOR_BOUND(text) and not _SUCCESSOR_NOT_BOUND(text)
    ),
    "data_location": _data_location,
}


def attributes_for(label: str, text: str) -> dict[str, Any]:
    """Typed attributes the taxonomy defines for `label`, only those found in `text`.

    `third_party_disclosure` conditions depend on the stance and are set by the stance step.
    """
    parser = _PARSERS.get(label)
    return {} if parser is None else parser(text)

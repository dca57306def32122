"""Where clauses start in legal text: sentence ends, blank lines, numbered and lettered items.

Kept apart from the spaCy component so the rules read as plain code with their examples:
- "." ends a sentence, except after abbreviations ("Sec. 5", "No. 12", "e.g.", "U.S.C.",
  "Inc."), after a single capital ("J. Smith") and inside a quoted defined term
  ("the "Services." The Provider ..." still splits after the quote);
- a blank line ends a sentence; so does a line that starts with a list marker ("-", "5.2",
  "(a)", "iv)", "Article VII") or a numbered heading, except digits in brackets that restate
  the number word before them ("within ten\n(10) days");
- a lettered item inside a line after a colon or semicolon starts a clause:
  "Provider shall: (a) encrypt data; (b) train staff" gives three.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

__all__ = ["sentence_starts"]

_ENDS = frozenset({".", "!", "?"})
_ABBREVIATIONS = frozenset(
    {"sec", "secs", "no", "nos", "art", "arts", "para", "paras", "ch", "cl", "vol", "pp", "p",
     "inc", "ltd", "co", "corp", "llc", "dept", "fig", "approx", "v", "vs", "cf", "mr", "mrs",
     "ms", "dr", "st", "e.g", "i.e", "etc", "seq", "et", "al", "jan", "feb", "mar", "apr", "jun",
     "jul", "aug", "sept", "oct", "nov", "dec", "u.s", "u.s.c", "c.f.r", "stat", "ann", "rev",
     "gen", "ed", "reg", "regs", "subd", "subsec", "ex", "exh", "min", "max"}
)  # fmt: skip
_LIST_ITEM = re.compile(
    r"^(?:[-*•·▪◦]|\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[a-z]\)|\(?[ivx]+\)"
    r"|article|section|§)$",
    re.IGNORECASE,
)
# "(a)", "(ii)", "b)" inside a line, after ":" or ";": an enumerated sub-clause.
_INLINE_ITEM = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4}|[0-9]{1,2})\)$", re.IGNORECASE)


def _trails_sentence(token: Token) -> bool:
    """Closing quotes and brackets after the full stop still belong to the sentence."""
    return token.is_quote or (token.is_punct and token.text not in "([-")


def _is_abbreviation(doc: Doc, i: int) -> bool:
    """Is the "." at token i part of an abbreviation rather than a full stop?"""
    if i == 0:
        return False
    prev = doc[i - 1]
    word = prev.lower_.rstrip(".")
    if word in _ABBREVIATIONS and not prev.whitespace_:
        return True
    # "J. Smith", "Title IX. " stays a full stop only before a capitalised long word.
    return len(prev.text) == 1 and prev.is_upper and i + 1 < len(doc) and doc[i + 1].is_title


def sentence_starts(doc: Doc) -> list[bool]:
    """One flag per token: does a clause start here?"""
    starts = [False] * len(doc)
    starts[0] = True
    after_colon = False
    for i, token in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        text = token.text
        if text in (":", ";"):
            after_colon = after_colon or text == ":"
        if text in _ENDS:
            if _is_abbreviation(doc, i):
                continue
            j = i + 1
            while j < len(doc) and _trails_sentence(doc[j]):
                j += 1
            # A lower-case word goes on: '"Services." means', "approx. ten".
            if j < len(doc) and not doc[j].is_lower:
                starts[j] = True
            after_colon = False
        elif token.is_space and "\n" in text:
            if text.count("\n") > 1 or _item_at(doc, i + 1):
                starts[i + 1] = True
        elif "\n" in token.whitespace_ and _item_at(doc, i + 1):
            starts[i + 1] = True
        elif after_colon and text in (":", ";"):
            k = i + 2 if nxt.lower_ in ("and", "or") else i + 1
            if _inline_item(doc, k):
                starts[k] = True
    return starts


def _item_at(doc: Doc, i: int) -> bool:
    if _restates_number(doc, i):
        return False
    return _LIST_ITEM.match(doc[i].text) is not None or _inline_item(doc, i)


def _restates_number(doc: Doc, i: int) -> bool:
    """ "within ten\n(10) business days": digits in brackets after a number word restate
    it; a line break before them does not make them a list item."""
    k = i - 1
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k < 0 or not doc[k].like_num or doc[k].text.isdigit():
        return False
    words = [t.text for t in doc[i : i + 3]]
    return len(words) == 3 and words[0] == "(" and words[1].isdigit() and words[2] == ")"


def _inline_item(doc: Doc, i: int) -> bool:
    """Does an enumerated marker ("(a)", "(ii)", "b)") start at token i?"""
    words = [t.text for t in doc[i : i + 3]]
    if len(words) == 3 and words[0] == "(" and words[2] == ")":
        return _INLINE_ITEM.match(f"({words[1]})") is not None
    return len(words) >= 2 and words[1] == ")" and _INLINE_ITEM.match(f"{words[0]})") is not None

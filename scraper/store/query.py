"""Parse a user's search query into a safe FTS5 expression.

The user never writes FTS5 syntax: we read a small, forgiving language and build the
MATCH string ourselves from quoted tokens, so `NEAR`, `*`, `(`, `:` or stray quotes
can never reach FTS5 as operators.

    疫情 防控          both terms (AND); each term is a substring (Chinese) or a word
    "COVID 疫情"       a phrase: the pieces in order, only separators in between
                       (spaces between Chinese characters are ignored: "疫情 防控" = 疫情防控)
    疫情 OR 新冠       either side (OR must be upper case, with a term on each side)
    疫情 -境外         exclude a term (also: 疫情 NOT 境外); a query cannot be only exclusions
    vacc*              word prefix (Latin letters/digits)
    疫情 AND 防控      AND is accepted and changes nothing

Anything else (punctuation, brackets, `*` inside a word, NEAR, ^, :) is plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError
from .fts import ALNUM_CLASS, CJK_CLASS, phrase, phrase_expr, segments

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
# Chinese has no spaces between words: inside a quoted phrase, a space between two
# CJK characters is dropped ("疫情 防控" == 疫情防控); punctuation still separates.
_CJK_SPACE = re.compile(rf"(?<=[{CJK_CLASS}])\s+(?=[{CJK_CLASS}])")


@dataclass(frozen=True)
class Term:
    """One term or phrase of a query, with the FTS5 tokens it compiles to."""

    text: str
    negated: bool
    body: str  # the FTS5 phrase, CJK runs already turned into bigrams
    prefix: bool

    @property
    def expression(self) -> str:
        return phrase_expr(self.body, self.prefix)


@dataclass(frozen=True)
class ParsedQuery:
    """A query as OR-ed clauses of AND-ed terms, plus the FTS5 MATCH string."""

    text: str
    clauses: tuple[tuple[Term, ...], ...]

    @property
    def expression(self) -> str:
        return " OR ".join(f"({_clause_expr(c)})" for c in self.clauses)

    @property
    def positive_terms(self) -> list[Term]:
        return [t for c in self.clauses for t in c if not t.negated]

    def highlighter(self) -> re.Pattern[str] | None:
        """A regex finding what the positive terms match, in the original text."""
        pieces: set[str] = set()
        for term in self.positive_terms:
            segs = segments(term.text)
            for i, (kind, piece) in enumerate(segs):
                if kind == "cjk":
                    pieces.add(re.escape(piece))
                else:
                    tail = "" if (term.prefix and i == len(segs) - 1) else f"(?!{ALNUM_CLASS})"
                    pieces.add(f"(?<!{ALNUM_CLASS}){re.escape(piece)}{tail}")
        if not pieces:
            return None
        ordered = sorted(pieces, key=len, reverse=True)
        return re.compile("|".join(ordered), re.IGNORECASE)


def _clause_expr(clause: tuple[Term, ...]) -> str:
    positive = [t.expression for t in clause if not t.negated]
    expr = " AND ".join(positive)
    for term in clause:
        if term.negated:
            expr = f"({expr}) NOT {term.expression}"
    return expr


def _lex(query: str) -> list[tuple[str, str, bool]]:
    """Split into (kind, text, negated) items; kind is 'word', 'phrase' or 'or'."""
    if query.count('"') % 2:
        raise QueryError('unbalanced double quote (") in query: close the phrase or remove the quote')
    items: list[tuple[str, str, bool]] = []
    negate_next = False
    for i, part in enumerate(query.split('"')):
        if i % 2:
            items.append(("phrase", _CJK_SPACE.sub("", part), negate_next))
            negate_next = False
            continue
        words = part.split()
        negate_next = bool(words) and words[-1] == "-" and part.rstrip() == part
        if negate_next:
            words.pop()
        for word in words:
            items.append(_lex_word(word))
    return items


def _lex_word(word: str) -> tuple[str, str, bool]:
    if word in ("OR", "AND", "NOT"):
        return (word.lower(), word, False)
    negated = len(word) > 1 and word.startswith("-")
    return ("word", word[1:] if negated else word, negated)


def _term(kind: str, text: str, negated: bool) -> Term | None:
    prefix = kind == "word" and text.endswith("*")
    text = text.rstrip("*") if prefix else text
    compiled = phrase(text, prefix)
    if compiled is None:
        return None
    return Term(text=text, negated=negated, body=compiled[0], prefix=compiled[1])


def _clauses(items: list[tuple[str, str, bool]]) -> list[list[Term]]:
    clauses: list[list[Term]] = [[]]
    saw_term = [False]
    negate_next = False
    for kind, text, negated in items:
        if kind in ("and", "not"):
            negate_next = kind == "not"
            continue
        if kind == "or":
            if not saw_term[-1]:
                raise QueryError("OR needs a search term on each side")
            clauses.append([])
            saw_term.append(False)
            continue
        saw_term[-1] = True
        term = _term(kind, text, negated or negate_next)
        negate_next = False
        if term is not None:
            clauses[-1].append(term)
    if not saw_term[-1]:
        raise QueryError("OR needs a search term on each side")
    return clauses


def parse_query(query: str) -> ParsedQuery:
    """Parse user input; raise QueryError with a clear message when it cannot be searched."""
    if not isinstance(query, str):
        raise QueryError("the search query must be a string")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long: {len(query)} characters (the limit is {MAX_QUERY_CHARS})")
    if not query.strip():
        raise QueryError("empty query: give a word or some characters to search for")
    clauses = [c for c in _clauses(_lex(query.strip())) if c]
    if not clauses:
        raise QueryError(f"nothing to search for in {query.strip()!r}: it has no letters, digits or characters")
    if sum(len(c) for c in clauses) > MAX_TERMS:
        raise QueryError(f"too many search terms (the limit is {MAX_TERMS})")
    for clause in clauses:
        if all(t.negated for t in clause):
            raise QueryError("a query cannot consist only of excluded (-) terms")
    return ParsedQuery(text=query, clauses=tuple(tuple(c) for c in clauses))

"""Right to erasure: what mentions a person, and what a store remembers of the erased.

A mention is the person's full name or e-mail as whole words in any case and spacing
("ANN  lee's" mentions Ann Lee; "Joann Leeds" does not). The store keeps, under a salt
of its own made at the first erasure, HMACs of each erased stakeholder id and of their
name and e-mail in that normal form — never the text — so an import can skip them and
redact their name in what it brings in, without the store holding who they were.

>>> ann = Phrases.of("Ann Lee", "ann@x.example")
>>> ann.redact("Met ANN  lee's team (ann@x.example); Joann Leeds too.")
"Met [erased]'s team ([erased]); Joann Leeds too."
>>> erased = Erased.of("00" * 32, ["st-1"], ["Ann Lee", "ann@x.example"])
>>> "st-1" in erased, "st-2" in erased, erased.phrases().mentions("ann lee")
(True, False, True)
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel

from graph.model import Account, Competitor, Interaction, Knows, Portfolio, Stakeholder, TeamMember

#: What a redacted mention reads as.
REDACTED: Final = "[erased]"

#: The text fields a mention is redacted in, per record type. Other people's names and
#: e-mails are who *they* are (a namesake, or a duplicate record to erase as well), so
#: they are listed by an erasure but never rewritten.
PROSE_FIELDS: Final[dict[type[BaseModel], tuple[str, ...]]] = {
    Account: ("name", "industry", "notes"),
    Stakeholder: ("title", "function", "notes"),
    TeamMember: ("title",),
    Competitor: ("name",),
    Interaction: ("summary",),
    Knows: ("source",),
}

# A word, or an e-mail address as one word (so "ann.lee@x" is not the name "ann lee").
_WORD = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\w+")


def normal(text: str) -> str:
    """The form phrases are compared in: lower-case words, one space apart.

    >>> normal("  O'Brien,\\tANN ")
    'o brien ann'
    """
    return " ".join(w.lower() for w in _WORD.findall(text))


def salted_hash(salt: str, text: str) -> str:
    """HMAC-SHA256 of ``text`` under the store's salt (hex): what the store keeps."""
    return hmac.new(bytes.fromhex(salt), text.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Phrases:
    """Finds runs of words that are one of some phrases.

    ``match`` tells a phrase (normal form); ``starts`` tells a word that begins one, so
    only the runs from such a word are tested — with hashed phrases that keeps an import
    to one HMAC per distinct word rather than one per run of words.
    """

    match: Callable[[str], bool]
    starts: Callable[[str], bool]
    lengths: tuple[int, ...]  # words per phrase, longest first

    @classmethod
    def of(cls, *texts: str | None) -> Phrases:
        """The plain phrases (a person's name and e-mail)."""
        wanted = {normal(t) for t in texts if t and normal(t)}
        firsts = {p.split()[0] for p in wanted}
        return cls(wanted.__contains__, firsts.__contains__, _lengths(wanted))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the phrases are in ``text`` (longest first, not overlapping)."""
        words = list(_WORD.finditer(text))
        found, i = [], 0
        while i < len(words):
            step = 1
            if self.starts(words[i].group().lower()):
                for n in self.lengths:
                    run = words[i : i + n]
                    if len(run) == n and self.match(" ".join(w.group().lower() for w in run)):
                        found.append((run[0].start(), run[-1].end()))
                        step = n
                        break
            i += step
        return found

    def mentions(self, text: str | None) -> bool:
        """True if ``text`` holds one of the phrases."""
        return text is not None and bool(self.spans(text))

    def redact(self, text: str) -> str:
        """``text`` with each phrase replaced by :data:`REDACTED`."""
        for start, end in reversed(self.spans(text)):
            text = text[:start] + REDACTED + text[end:]
        return text


@dataclass(frozen=True)
class Erased:
    """What one store remembers of the people it erased: its salt and HMACs."""

    salt: str | None
    ids: frozenset[str]
    #: the erased names and e-mails (normal form): HMACs of each whole and of its first
    #: word, and their lengths in words
    names: frozenset[str] = frozenset()
    firsts: frozenset[str] = frozenset()
    lengths: tuple[int, ...] = ()

    @classmethod
    def of(cls, salt: str, ids: Iterable[str], names: Iterable[str]) -> Erased:
        """From plain ids and names (tests and examples)."""
        phrases = [phrase_hashes(salt, n) for n in names]
        return cls(
            salt,
            frozenset(salted_hash(salt, i) for i in ids),
            frozenset(p["hash"] for p in phrases),
            frozenset(p["first"] for p in phrases),
            tuple(sorted({p["words"] for p in phrases}, reverse=True)),
        )

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __contains__(self, stakeholder_id: object) -> bool:
        if self.salt is None or not isinstance(stakeholder_id, str):
            return False
        return salted_hash(self.salt, stakeholder_id) in self.ids

    def phrases(self) -> Phrases:
        """Finds the erased names and e-mails in a text."""
        salt = self.salt or ""

        @functools.lru_cache(maxsize=1 << 16)
        def starts(word: str) -> bool:
            return salted_hash(salt, word) in self.firsts

        return Phrases(lambda p: salted_hash(salt, p) in self.names, starts, self.lengths)


def phrase_hashes(salt: str, text: str) -> dict[str, str | int]:
    """What the store keeps of an erased name or e-mail: HMACs of its normal form and of
    its first word, and its length in words."""
    words = normal(text).split() or [""]
    return {
        "hash": salted_hash(salt, " ".join(words)),
        "first": salted_hash(salt, words[0]),
        "words": len(words),
    }


def search_terms(name: str, *addresses: str | None) -> dict[str, object]:
    """The store's coarse filter (``CONTAINS``) before :class:`Phrases` decides: the
    name's words (a mention holds them all) and every e-mail address (e-mail and
    aliases), in lower case.

    >>> search_terms("Rajesh  Iyer", "R@x.example", None)
    {'words': ['rajesh', 'iyer'], 'emails': ['r@x.example']}
    """
    return {"words": normal(name).split(), "emails": [normal(a) for a in addresses if a]}


def _lengths(phrases: Iterable[str]) -> tuple[int, ...]:
    return tuple(sorted({len(p.split()) for p in phrases}, reverse=True))


@dataclass
class Skipped:
    """What keeping the erased out of an import left out, for its report."""

    people: set[str] = field(default_factory=set)  # their ids, in memory only
    redacted: int = 0  # text fields


def without_erased(p: Portfolio, erased: Erased, skipped: Skipped) -> Portfolio:
    """``p`` without erased stakeholders, every record that names one, and their names
    and e-mails in its text (counted into ``skipped``).

    An interaction loses the erased person and is dropped only when nobody else on the
    customer's side remains — as :meth:`~graph.store.GraphStore.erase_stakeholder` does.
    """
    if not erased:
        return p
    phrases = erased.phrases()

    def gone(*ids: str | None) -> bool:
        hit = {i for i in ids if i is not None and i in erased}
        skipped.people |= hit
        return bool(hit)

    def clean(record: BaseModel) -> BaseModel:
        update = {}
        for name in PROSE_FIELDS.get(type(record), ()):
            text = getattr(record, name)
            if phrases.mentions(text):
                update[name] = phrases.redact(text)
        skipped.redacted += len(update)
        return record.model_copy(update=update) if update else record

    interactions = []
    for i in p.interactions:
        kept = tuple(s for s in i.stakeholder_ids if not gone(s))
        if kept != i.stakeholder_ids:
            i = i.model_copy(update={"stakeholder_ids": kept})
        if kept:
            interactions.append(clean(i))
    return p.model_copy(
        update={
            "accounts": tuple(clean(a) for a in p.accounts),
            "stakeholders": tuple(clean(s) for s in p.stakeholders if not gone(s.id)),
            "team_members": tuple(clean(m) for m in p.team_members),
            "competitors": tuple(clean(c) for c in p.competitors),
            "knows": tuple(clean(k) for k in p.knows if not gone(k.stakeholder_id)),
            "reports_to": tuple(
                r for r in p.reports_to if not gone(r.stakeholder_id, r.manager_id)
            ),
            "influences": tuple(r for r in p.influences if not gone(r.source_id, r.target_id)),
            "conflicts": tuple(r for r in p.conflicts if not gone(r.stakeholder_id, r.other_id)),
            "owners": tuple(o for o in p.owners if not gone(o.stakeholder_id)),
            "favors": tuple(f for f in p.favors if not gone(f.stakeholder_id)),
            "interactions": tuple(interactions),
        }
    )

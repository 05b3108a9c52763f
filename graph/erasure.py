"""Right to erasure: who was erased (as salted hashes), and what mentions them.

The store keeps an HMAC of each erased stakeholder id under a salt of its own (made at
the first erasure), never the id: imports recognise a returning person without the
store holding who they were. Mentions are found by the person's full name (any run of
whitespace between its words) and e-mail, case-insensitively, as whole words.

>>> erased = ErasedIds("00" * 16, frozenset({erased_hash("00" * 16, "st-1")}))
>>> "st-1" in erased, "st-2" in erased
(True, False)
>>> redact("Met RAJESH  iyer (raj@x.com).", mention_pattern("Rajesh Iyer", "raj@x.com"))
'Met [erased] ([erased]).'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from graph.model import Portfolio

#: What a scrubbed mention reads as.
REDACTED: Final = "[erased]"


def erased_hash(salt: str, stakeholder_id: str) -> str:
    """The stored form of an erased id: HMAC-SHA256 under the store's salt (hex)."""
    return hmac.new(bytes.fromhex(salt), stakeholder_id.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ErasedIds:
    """The erased stakeholder ids of one store, as its salt and their hashes."""

    salt: str | None
    hashes: frozenset[str]

    def __contains__(self, stakeholder_id: object) -> bool:
        if self.salt is None or not isinstance(stakeholder_id, str):
            return False
        return erased_hash(self.salt, stakeholder_id) in self.hashes


def without_erased(p: Portfolio, erased: ErasedIds) -> tuple[Portfolio, set[str]]:
    """``p`` without erased stakeholders and every record that names one, and the erased
    ids it held (for counting; never stored).

    An interaction loses the erased person and is dropped only when nobody else on the
    customer's side remains — as :meth:`~graph.store.GraphStore.erase_stakeholder` does.
    """
    if not erased.hashes:
        return p, set()
    found: set[str] = set()

    def gone(*ids: str | None) -> bool:
        hit = {i for i in ids if i is not None and i in erased}
        found.update(hit)
        return bool(hit)

    interactions = []
    for i in p.interactions:
        kept = tuple(s for s in i.stakeholder_ids if not gone(s))
        if kept:
            interactions.append(
                i if kept == i.stakeholder_ids else i.model_copy(update={"stakeholder_ids": kept})
            )
    kept = p.model_copy(
        update={
            "stakeholders": tuple(s for s in p.stakeholders if not gone(s.id)),
            "knows": tuple(k for k in p.knows if not gone(k.stakeholder_id)),
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
    return (kept if found else p), found


def mention_pattern(name: str, email: str | None) -> re.Pattern[str]:
    """Whole-word, case-insensitive matches of the full name or the e-mail."""
    terms = [r"\s+".join(map(re.escape, name.split()))]
    if email:
        terms.append(re.escape(email.strip()))
    return re.compile(r"(?<!\w)(?:" + "|".join(terms) + r")(?!\w)", re.IGNORECASE)


def search_terms(name: str, email: str | None) -> dict[str, object]:
    """The store's coarse filter (``CONTAINS``) before :func:`mention_pattern` decides:
    the name's lower-case words (a mention holds them all) and the lower-case e-mail.

    >>> search_terms("Rajesh  Iyer", None)
    {'words': ['rajesh', 'iyer'], 'email': None}
    """
    return {
        "words": [w.lower() for w in name.split()],
        "email": email.strip().lower() if email else None,
    }


def redact(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every mention replaced by :data:`REDACTED`."""
    return pattern.sub(REDACTED, text)


def mentioned(fields: dict[str, str | None], pattern: re.Pattern[str]) -> Iterable[str]:
    """The names of the fields whose text mentions the person."""
    return (f for f, text in fields.items() if text and pattern.search(text))

"""What calendar and mail imports share: whose an address is, and an interaction per account.

A meeting's occurrence or a message names e-mail addresses; the :class:`Directory` says
which belong to our team members and which to stakeholders (by ``email`` and aliases, in
any case). :meth:`Matcher.file` turns one :class:`Activity` into an interaction per account
whose stakeholders it names, with every matched person on each side, and counts in a
:class:`Tally` what it matched and what it skipped, and why.

Only ids, the date, the channel and (when asked) the subject leave this module; an
address nobody is known by goes no further, not even into the subject:

>>> kim = Addressed(id="tm-kim", account_id=None, addresses=("kim@us.example",))
>>> jo = Addressed(id="st-jo", account_id="acme", addresses=("Jo@Acme.example",))
>>> match = Matcher(Directory.of([kim, jo]), prefix="mail", subjects=True)
>>> [i] = match.file(Activity(key="<1@x>", date=dt.date(2026, 3, 2), subject="Re: bob@else.example",
...                           addresses=("kim@us.example", "jo@acme.example", "bob@else.example")))
>>> i.id, i.member_ids, i.stakeholder_ids, i.summary
('mail-571b816367a3f2ed862eec3b', ('tm-kim',), ('st-jo',), 'Re: [address]')
>>> match.tally.lines("email")
['  acme                    1 email']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from graph.model import Channel, Interaction
from graph.store import Addressed

#: Why an occurrence or message was left out (the report's words).
CANCELLED: Final = "cancelled"
DECLINED: Final = "declined"
AUTOMATED: Final = "automated"
NO_COUNTERPART: Final = "no known counterpart"
DUPLICATE: Final = "duplicate"
#: The longest summary kamgraph stores (Prose's limit).
MAX_SUMMARY: Final = 2000

#: An e-mail address in text.
ADDRESS: Final = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SPACES = re.compile(r"\s+")


def address(text: str) -> str:
    """An address as the directory keys it: no ``mailto:``, trimmed, lower case.

    >>> address(" MAILTO:Jane.Doe@Acme.Example ")
    'jane.doe@acme.example'
    """
    text = text.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text.strip().lower()


@dataclass(frozen=True)
class Directory:
    """Who an address is: a team member, stakeholders (with their account), or nobody."""

    members: dict[str, tuple[str, ...]]
    stakeholders: dict[str, tuple[tuple[str, str], ...]]

    @classmethod
    def of(cls, people: Iterable[Addressed]) -> Directory:
        """From the store's :meth:`~graph.store.GraphStore.addressed_people`."""
        members: dict[str, list[str]] = defaultdict(list)
        stakeholders: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for person in people:
            for a in {address(a) for a in person.addresses}:
                if person.account_id is None:
                    members[a].append(person.id)
                else:
                    stakeholders[a].append((person.id, person.account_id))
        return cls(
            {a: tuple(ids) for a, ids in members.items()},
            {a: tuple(ids) for a, ids in stakeholders.items()},
        )

    def knows(self, addresses: Iterable[str]) -> bool:
        """True if one of ``addresses`` (already :func:`address` keys) is a stakeholder's."""
        return any(a in self.stakeholders for a in addresses)

    def known(self, text: str) -> bool:
        """True if ``text`` is the address of someone kamgraph knows."""
        a = address(text)
        return a in self.members or a in self.stakeholders


@dataclass(frozen=True)
class Activity:
    """One occurrence of a meeting, or one message: who took part, when, about what.

    ``key`` identifies it across imports (UID and occurrence start, or Message-ID);
    ``declined`` are addresses that were invited but said no; ``subject`` is as written
    (the :class:`Matcher` decodes it, for what it keeps).
    """

    key: str
    date: dt.date
    addresses: tuple[str, ...]
    declined: tuple[str, ...] = ()
    subject: str | None = None
    skip: str | None = None  # a reason to leave it out whoever took part (cancelled, …)


@dataclass
class Tally:
    """Per account, the occurrences or messages matched and skipped by reason; ``None``
    holds what names no known stakeholder (so belongs to no account)."""

    matched: Counter[str] = field(default_factory=Counter)
    skipped: dict[str | None, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def skip(self, account_id: str | None, reason: str, n: int = 1) -> None:
        """Count ``n`` left out for ``reason``."""
        self.skipped[account_id][reason] += n

    def lines(self, noun: str) -> list[str]:
        """The report's lines: one per account (by id), then the ones of no account.

        >>> t = Tally(); t.matched["acme"] += 2; t.skip("acme", "declined"); t.skip(None, "x", 5)
        >>> print("\\n".join(t.lines("meeting")))
          acme                    2 meetings; skipped 1 declined
          (no account)              skipped 5 x
        """
        out = []
        accounts = sorted(set(self.matched) | {a for a in self.skipped if a is not None})
        for account_id in [*accounts, None]:
            reasons = self.skipped.get(account_id, Counter())
            skipped = ", ".join(f"{n:,} {why}" for why, n in sorted(reasons.items()) if n)
            if account_id is None:
                if skipped:
                    out.append(f"  {'(no account)':<25} skipped {skipped}")
                continue
            n = self.matched[account_id]
            line = f"  {account_id:<18} {n:>6,} {noun}{'s' * (n != 1)}"
            out.append(line + (f"; skipped {skipped}" if skipped else ""))
        return out


class Matcher:
    """Files activities as interactions of one channel, remembering the ids it made (a
    duplicate — the same meeting in two people's exports, a message twice — counts once)."""

    def __init__(
        self,
        directory: Directory,
        *,
        prefix: str,
        subjects: bool,
        decode: Callable[[str], str] = str,
    ) -> None:
        self.directory = directory
        self.decode = decode  # subjects are decoded only for what is kept
        self.prefix = prefix
        self.channel = Channel.meeting if prefix == "cal" else Channel.email
        self.subjects = subjects
        self.tally = Tally()
        self._seen: set[bytes] = set()

    def file(self, activity: Activity) -> list[Interaction]:
        """One interaction per account whose stakeholders ``activity`` names (counted), or
        none (and the reason counted per account)."""
        d = self.directory
        members = {m for a in activity.addresses for m in d.members.get(a, ())}
        attending: dict[str, set[str]] = defaultdict(set)
        for a in activity.addresses:
            for stakeholder_id, account_id in d.stakeholders.get(a, ()):
                attending[account_id].add(stakeholder_id)
        declined_accounts = {
            account_id for a in activity.declined for _, account_id in d.stakeholders.get(a, ())
        }
        accounts = sorted(attending.keys() | declined_accounts)
        if not accounts:
            self.tally.skip(None, activity.skip or NO_COUNTERPART)
            return []
        if activity.skip:
            for account_id in accounts:
                self.tally.skip(account_id, activity.skip)
            return []
        member_declined = any(a in d.members for a in activity.declined)
        out = []
        for account_id in accounts:
            stakeholders = attending.get(account_id)
            if not stakeholders or not members:
                side_declined = member_declined if stakeholders else True
                self.tally.skip(account_id, DECLINED if side_declined else NO_COUNTERPART)
                continue
            digest = hashlib.sha256(f"{activity.key}\n{account_id}".encode()).digest()
            if digest in self._seen:
                self.tally.skip(account_id, DUPLICATE)
                continue
            self._seen.add(digest)
            extra = {"summary": self._summary(activity.subject)} if self.subjects else {}
            out.append(
                Interaction(
                    id=f"{self.prefix}-{digest.hex()[:24]}",
                    account_id=account_id,
                    date=activity.date,
                    channel=self.channel,
                    member_ids=tuple(sorted(members)),
                    stakeholder_ids=tuple(sorted(stakeholders)),
                    **extra,
                )
            )
            self.tally.matched[account_id] += 1
        return out

    def _summary(self, subject: str | None) -> str | None:
        """The subject on one line, every address kamgraph does not know replaced."""
        if not subject:
            return None
        text = ADDRESS.sub(
            lambda m: m.group() if self.directory.known(m.group()) else "[address]",
            self.decode(subject),
        )
        text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
        return text[:MAX_SUMMARY] or None

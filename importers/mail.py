"""Mailboxes in (an mbox file, or a folder of ``.eml`` files): an email per message per account.

From, To and Cc are matched to team members and stakeholders by
:class:`~importers.activity.Directory` (addresses in any case; names, encoded words
included, are never needed). The Message-ID is the stable id, so a message twice (in
Inbox and Sent, or imported again) counts once; a message without one gets its id from
its Date, From, To, Cc and Subject. A message is dated on the day its Date header says.
Automated mail — a no-reply sender, ``List-Id`` or ``List-Unsubscribe``, ``Precedence:
bulk``/``list``/``junk``, ``Auto-Submitted`` other than ``no`` — is skipped and counted.

Only each message's header block is read; bodies and attachments are passed over line by
line, unparsed, so a mailbox of any size streams in bounded memory (the standard
library's ``mailbox.mbox`` reads each message whole). The headers are parsed by
:mod:`email`; the subject, kept only when asked, is decoded by ``email.policy.default``.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
import re
from collections.abc import Iterator
from email.message import Message
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Final

from graph.model import Interaction, Portfolio
from importers.activity import ADDRESS, AUTOMATED, Activity, Directory, Matcher, address
from importers.load import Parsed, batches_of
from importers.problems import Problems

#: A sender's local part that says nobody reads replies (``no-reply``, ``noreply+x``, …).
_NO_REPLY: Final = re.compile(
    r"(?:.*[-_.+])?(?:no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:[-_.+].*)?|mailer-daemon|postmaster",
    re.IGNORECASE,
)
_BULK: Final = frozenset({"bulk", "list", "junk"})
#: Headers are parsed as written (compat32: fast, and addresses stay raw for getaddresses).
_PARSER: Final = BytesHeaderParser(policy=email.policy.compat32)


def read(paths: list[Path], directory: Directory, *, subjects: bool) -> Parsed:
    """Check mailboxes (mbox files and folders of .eml) and match their messages (a first
    pass that raises :class:`~graph.errors.InvalidData` naming file and line); the result
    streams the email interactions. ``subjects`` keeps each Subject as the summary."""
    problems = Problems()
    source = ", ".join(str(p) for p in paths)
    matcher = Matcher(directory, prefix="mail", subjects=subjects, decode=decoded)
    counted = [0]
    records = sum(1 for _ in _interactions(paths, matcher, problems, counted))
    problems.raise_if_errors(source)

    def batches() -> Iterator[Portfolio]:
        again = Problems()
        fresh = Matcher(directory, prefix="mail", subjects=subjects, decode=decoded)
        yield from batches_of("interactions", _interactions(paths, fresh, again, [0]))
        again.raise_if_errors(source)

    messages = counted[0]
    return Parsed(
        source=source,
        batches=batches,
        records=records,
        summary=[
            f"  read {messages:,} message{'s' * (messages != 1)}",
            *matcher.tally.lines("email"),
        ],
    )


def _interactions(
    paths: list[Path], matcher: Matcher, problems: Problems, counted: list[int]
) -> Iterator[Interaction]:
    for path in paths:
        for name, line, headers in _messages(path, problems):
            counted[0] += 1
            activity = _activity(name, line, headers, matcher.directory, problems)
            if activity is not None:
                yield from matcher.file(activity)


def _messages(path: Path, problems: Problems) -> Iterator[tuple[str, int, Message]]:
    """(file name, line, headers) of every message of an mbox file or a folder of .eml."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.eml") if p.is_file())
        if not files:
            problems.error(path.name, None, None, None, "no .eml files in this folder")
        for file in files:
            name = str(file.relative_to(path.parent))
            try:
                with file.open("rb") as f:
                    block = _header_block(f)
            except OSError as error:
                problems.error(name, None, None, None, f"cannot read: {error.strerror or error}")
                continue
            headers = _PARSER.parsebytes(block)
            if not headers.keys():
                problems.error(name, 1, None, None, "not an e-mail message (no headers)")
                continue
            yield name, 1, headers
        return
    try:
        yield from _mbox(path, problems)
    except OSError as error:
        problems.error(path.name, None, None, None, f"cannot read: {error.strerror or error}")


def _header_block(lines: Iterator[bytes]) -> bytes:
    """The lines up to the first empty one: a message's headers."""
    block = []
    for raw in lines:
        if raw in (b"\n", b"\r\n"):
            break
        block.append(raw)
    return b"".join(block)


def _mbox(path: Path, problems: Problems) -> Iterator[tuple[str, int, Message]]:
    """The messages of an mbox file: each begins at a ``From `` line; only headers are kept."""
    name = path.name
    start: int | None = None
    block: list[bytes] = []
    in_headers = False
    with path.open("rb") as file:
        for n, raw in enumerate(file, 1):
            if raw.startswith(b"From "):
                if start is not None:
                    yield name, start, _PARSER.parsebytes(b"".join(block))
                start, block, in_headers = n, [], True
            elif start is None:
                if raw.strip():
                    problems.error(name, n, None, None, "not an mbox mailbox (no 'From ' line)")
                    return
            elif in_headers:
                if raw in (b"\n", b"\r\n"):
                    in_headers = False
                else:
                    block.append(raw)
    if start is None:
        problems.error(name, None, None, None, "no messages in this mailbox")
        return
    yield name, start, _PARSER.parsebytes(b"".join(block))


def _activity(
    name: str, line: int, headers: Message, directory: Directory, problems: Problems
) -> Activity | None:
    """The message as an :class:`Activity`, or None when its date is unusable (an error)."""
    raw = {f: [str(v) for v in headers.get_all(f, [])] for f in ("From", "To", "Cc")}
    # Most mail names nobody at a customer: a look for known addresses in the raw headers
    # spares it the full address parse (the costliest step).
    if directory.knows(
        a.lower() for values in raw.values() for v in values for a in ADDRESS.findall(v)
    ):
        senders = email.utils.getaddresses(raw["From"])
        others = email.utils.getaddresses(raw["To"] + raw["Cc"])
        addresses = tuple(sorted({address(a) for _, a in senders + others if "@" in a}))
    else:
        senders = email.utils.getaddresses(raw["From"][:1])
        addresses = ()
    sender = address(senders[0][1]) if senders else ""
    skip = AUTOMATED if _automated(headers, sender) else None
    date = _date(headers.get("Date"))
    if date is None:
        if skip is None and directory.knows(addresses):
            problems.error(name, line, "Date", None, "a message needs a readable Date header")
            return None
        date = dt.date.min  # it is skipped whatever its date: nobody known, or automated
    message_id = str(headers.get("Message-ID", "")).strip()
    if not message_id:
        parts = [str(headers.get(h, "")) for h in ("Date", "From", "To", "Cc", "Subject")]
        message_id = "no-id:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return Activity(
        key=message_id,
        date=date,
        addresses=addresses,
        subject=headers.get("Subject"),
        skip=skip,
    )


def _automated(headers: Message, sender: str) -> bool:
    """True for mail no person wrote: see the module's docstring."""
    if _NO_REPLY.fullmatch(sender.partition("@")[0]):
        return True
    if headers.get("List-Id") is not None or headers.get("List-Unsubscribe") is not None:
        return True
    if str(headers.get("Precedence", "")).strip().lower() in _BULK:
        return True
    auto = str(headers.get("Auto-Submitted", "")).strip().lower()
    return bool(auto) and auto != "no"


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value)).date()
    except (TypeError, ValueError, IndexError):
        return None


def decoded(subject: str) -> str:
    """A subject with its encoded words decoded (RFC 2047).

    >>> decoded("Re: =?utf-8?q?Angebot_f=C3=BCr_2026?=")
    'Re: Angebot für 2026'
    """
    if subject.isascii() and "=?" not in subject:
        return subject  # nothing to decode (most mail): the header parser costs 0.2 ms
    return str(email.policy.default.header_factory("Subject", subject))

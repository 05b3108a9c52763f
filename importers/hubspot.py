"""HubSpot: CRM exports of companies and contacts (CSV, headed by property labels).

Each file is recognised by its header: a contacts export has ``First Name`` / ``Last
Name``, a companies export ``Company name``. Several files of each kind may be given.
Record IDs are prefixed so they cannot collide with Salesforce ids or each other
(``hs-company-123``, ``hs-contact-456``), and re-importing a newer export updates
records instead of duplicating them. Only fields HubSpot carries are written: stance,
influence, seniority and notes entered in kamgraph stay as they are.

- Companies → account: ``Record ID``, ``Company name``, ``Industry``, ``Currency`` (an
  ISO 4217 code, as HubSpot's deal currency, where the export has it); ``Company
  owner`` → that team member is the account's quarterback (HubSpot's owner is the one
  accountable for the company).
- Contacts → stakeholder: ``Record ID``, ``First Name`` + ``Last Name`` (the ``Email``
  when both are blank), ``Job Title``, ``Email``; ``Contact owner`` → the stakeholder's
  owner (an :class:`~graph.model.Ownership`, replacing the stored one). The company is
  the first of ``Associated Company IDs (Primary)``, ``Primary Associated Company ID``,
  ``Associated Company ID``, ``Associated Company IDs`` (the first id listed that is
  in the companies export) that is filled in, else the company named by ``Associated
  Company``.
- Owners are names, not ids, in an export: each becomes a team member whose id is made
  from the name (``Kim Tan`` → ``hs-owner-kim-tan``), the same in every file and run.
- ``Buying Role`` (several, ``;``-separated) → DMU roles: Blocker → blocker; Budget
  Holder → economic_buyer; Champion → champion; Decision Maker → decision_maker; End
  User → user_buyer; Executive Sponsor → influencer (a senior backer, not necessarily
  the one who decides); Influencer → influencer; Legal and Compliance → gatekeeper;
  Other → none. A buying role says what someone does in the deal, not how they feel
  about us, so stance is left to the user (a Champion's or a Blocker's stance is
  recorded in kamgraph). Roles are written only for contacts that have some, and then
  replace the stored ones.

Warnings (the row is skipped and counted): a contact with no company, or one that is
not in the companies export (an export filtered by list or owner), or a company name
that several companies share; a contact with neither a name nor an email; a buying
role kamgraph does not know. Errors (nothing is written): a file that is neither
export, contacts without any companies export, a missing ``Record ID`` column, text
that is not UTF-8, an empty file, no records at all ("nothing to import"), the same
Record ID twice, and values kamgraph's model rejects.

Memory: pass 1 keeps ids and the records it validated, packed
(:class:`~importers.packed.Packed`); pass 2 yields them in batches without reading the
files again.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Final

from graph.model import (
    Account,
    DmuRole,
    Ownership,
    Portfolio,
    Stakeholder,
    TeamAssignment,
    TeamMember,
    TeamRole,
)
from importers.load import BATCH, Parsed, batches_of
from importers.packed import Packed
from importers.problems import Problems
from importers.tabular import Row, build, full_name, mapped, not_text, read_csv

COMPANY_PREFIX: Final = "hs-company-"
CONTACT_PREFIX: Final = "hs-contact-"
OWNER_PREFIX: Final = "hs-owner-"

#: HubSpot's buying role values (labels, or internal names with ``_``) → DMU roles.
BUYING_ROLES: Final[dict[str, tuple[DmuRole, ...]]] = {
    "blocker": (DmuRole.blocker,),
    "budget holder": (DmuRole.economic_buyer,),
    "champion": (DmuRole.champion,),
    "decision maker": (DmuRole.decision_maker,),
    "end user": (DmuRole.user_buyer,),
    "executive sponsor": (DmuRole.influencer,),
    "influencer": (DmuRole.influencer,),
    "legal and compliance": (DmuRole.gatekeeper,),
    "other": (),
}

#: Where a contacts export names the contact's company by id, most specific first.
COMPANY_ID_COLUMNS: Final = (
    "Associated Company IDs (Primary)",
    "Primary Associated Company ID",
    "Associated Company ID",
    "Associated Company IDs",
)

_AMBIGUOUS: Final = ""  # a company name that several companies share


def read(files: list[Path]) -> Parsed:
    """Validate HubSpot exports (pass 1); the result streams them in batches."""
    problems = Problems()
    export = _Export()
    export.scan(files, problems)
    source = ", ".join(str(f) for f in files)
    if export.records == 0 and not problems.errors:
        problems.error(
            ", ".join(f.name for f in files), None, None, None, "nothing to import (no records)"
        )
    problems.raise_if_errors(source)
    return Parsed(source=source, batches=export.batches, records=export.records, problems=problems)


def owner_id(name: str) -> str:
    """The stable team member id for an owner's name.

    >>> owner_id("Léa  Roux-Martin")
    'hs-owner-léa-roux-martin'
    """
    return OWNER_PREFIX + "-".join(re.findall(r"\w+", name.casefold()))


def buying_roles(text: str) -> tuple[DmuRole, ...] | None:
    """The DMU roles a buying role value names (None: not a value we know).

    >>> buying_roles("Budget Holder"), buying_roles("LEGAL_AND_COMPLIANCE")
    ((<DmuRole.economic_buyer: 'economic_buyer'>,), (<DmuRole.gatekeeper: 'gatekeeper'>,))
    """
    return mapped(BUYING_ROLES, text.strip().lower().replace("_", " "), text, DmuRole)


@dataclass
class _Export:
    """The given files by kind, what pass 1 learnt (ids, and the records it built,
    packed), and pass 2."""

    companies_files: list[Path] = field(default_factory=list)
    contacts_files: list[Path] = field(default_factory=list)
    companies: set[str] = field(default_factory=set)
    #: case-folded company name → record id, or _AMBIGUOUS when several share it
    company_names: dict[str, str] = field(default_factory=dict)
    #: owner's member id → the name as HubSpot shows it
    owners: dict[str, str] = field(default_factory=dict)
    contacts: set[str] = field(default_factory=set)
    lines: int = 0
    #: the companies pass 1 built, each with its quarterback's assignment, in file order
    company_records: Packed[tuple[Account, TeamAssignment | None]] = field(default_factory=Packed)
    #: the contacts pass 1 built, each with its owner's ownership, in file order
    contact_records: Packed[tuple[Stakeholder, Ownership | None]] = field(default_factory=Packed)

    @property
    def records(self) -> int:
        """How many records pass 2 yields (for the progress bar)."""
        return len(self.owners) + len(self.companies) + len(self.contacts) + self.lines

    # --- pass 1 ------------------------------------------------------------------------

    def scan(self, files: list[Path], problems: Problems) -> None:
        """Sort the files by kind from their headers, then validate every row once."""
        for path in files:
            if path.suffix.lower() in {".xls", ".xlsx"}:
                problems.error(path.name, None, None, None, "an Excel file: export it as CSV")
            elif (why := not_text(path)) is not None:
                problems.error(path.name, None, None, None, why)
            elif (header := _header(path)) is None:
                problems.error(path.name, None, None, None, "the file is empty (no header row)")
            elif "First Name" in header or "Last Name" in header:
                self.contacts_files.append(path)
            elif "Company name" in header:
                self.companies_files.append(path)
            else:
                problems.error(
                    path.name,
                    1,
                    None,
                    None,
                    "not a HubSpot contacts export (no 'First Name' or 'Last Name' column) "
                    "or companies export (no 'Company name' column)",
                )
        if self.contacts_files and not self.companies_files and not problems.errors:
            problems.error(
                self.contacts_files[0].name,
                None,
                None,
                None,
                "contacts need the companies export too (accounts come from companies)",
            )
            return
        for row in self._rows(self.companies_files, problems):
            company = self._company(row, problems)
            if company is None:
                continue
            account, assignment = company
            record_id = account.id.removeprefix(COMPANY_PREFIX)
            if record_id in self.companies:
                _duplicate(row, problems)
                continue
            self.companies.add(record_id)
            self.company_records.append(company)
            key = account.name.casefold()
            self.company_names[key] = _AMBIGUOUS if key in self.company_names else record_id
            self._owner(row, "Company owner")
            self.lines += assignment is not None
        for row in self._rows(self.contacts_files, problems):
            contact = self._contact(row, problems)
            if contact is None:
                continue
            stakeholder, ownership = contact
            if stakeholder.id in self.contacts:
                _duplicate(row, problems)
                continue
            self.contacts.add(stakeholder.id)
            self.contact_records.append(contact)
            self._owner(row, "Contact owner")
            self.lines += ownership is not None

    def _owner(self, row: Row, column: str) -> None:
        if name := row.get(column):
            self.owners.setdefault(owner_id(name), name)

    # --- pass 2 ------------------------------------------------------------------------

    def batches(self) -> Iterator[Portfolio]:
        """Owners, then companies with their quarterbacks, then contacts with their owners:
        the records pass 1 built (the files are not read again)."""
        members = (TeamMember(id=i, name=name) for i, name in self.owners.items())
        yield from batches_of("team_members", members)
        companies = iter(self.company_records)
        while chunk := list(islice(companies, BATCH)):
            yield Portfolio(
                accounts=[account for account, _ in chunk],
                team=[assignment for _, assignment in chunk if assignment],
            )
        contacts = iter(self.contact_records)
        while chunk := list(islice(contacts, BATCH)):
            yield Portfolio(
                stakeholders=[stakeholder for stakeholder, _ in chunk],
                owners=[ownership for _, ownership in chunk if ownership],
            )

    # --- one row → records -------------------------------------------------------------

    @staticmethod
    def _rows(paths: list[Path], problems: Problems) -> Iterator[Row]:
        for path in paths:
            yield from read_csv(path, problems, required=("Record ID",))

    def _company(
        self, row: Row, problems: Problems
    ) -> tuple[Account, TeamAssignment | None] | None:
        record_id = row.get("Record ID")
        account = build(
            Account,
            row,
            problems,
            {
                "id": "Record ID",
                "name": "Company name",
                "industry": "Industry",
                "currency": "Currency",
            },
            id=record_id and COMPANY_PREFIX + record_id,
        )
        if account is None:
            return None
        owner = row.get("Company owner")
        if owner is None:
            return account, None
        return account, TeamAssignment(
            member_id=owner_id(owner), account_id=account.id, role=TeamRole.quarterback
        )

    def _contact(self, row: Row, problems: Problems) -> tuple[Stakeholder, Ownership | None] | None:
        company = self._company_of(row, problems)
        if company is None:
            return None
        name = full_name(row, "First Name", "Last Name") or row.get("Email")
        if name is None:
            problems.warn(
                "contacts without a name or email",
                row.file,
                row.line,
                "Last Name",
                "",
                "no name and no email; left out",
            )
            return None
        record_id = row.get("Record ID")
        extra: dict[str, Any] = {}
        roles = self._buying_roles(row, problems)
        if roles:
            extra["dmu_roles"] = roles
        stakeholder = build(
            Stakeholder,
            row,
            problems,
            {
                "id": "Record ID",
                "name": "Last Name",
                "title": "Job Title",
                "email": "Email",
            },
            id=record_id and CONTACT_PREFIX + record_id,
            account_id=COMPANY_PREFIX + company,
            name=name,
            **extra,
        )
        if stakeholder is None:
            return None
        owner = row.get("Contact owner")
        if owner is None:
            return stakeholder, None
        return stakeholder, Ownership(member_id=owner_id(owner), stakeholder_id=stakeholder.id)

    def _company_of(self, row: Row, problems: Problems) -> str | None:
        """The record id of the contact's company, or None (with a warning saying why)."""

        def skip(kind: str, column: str, message: str) -> None:
            problems.warn(kind, row.file, row.line, column, row.get(column), message)

        for column in COMPANY_ID_COLUMNS:
            ids = [i.strip() for i in (row.get(column) or "").split(";") if i.strip()]
            if ids:
                known = [i for i in ids if i in self.companies]
                if known:
                    return known[0]
                skip(
                    "contacts of companies not in the export",
                    column,
                    "not a company in the companies export; the contact is left out",
                )
                return None
        name = row.get("Associated Company")
        if name is None:
            skip("contacts without a company", "Associated Company", "no company; left out")
            return None
        match = self.company_names.get(name.casefold())
        if match is None:
            skip(
                "contacts of companies not in the export",
                "Associated Company",
                "no company of that name in the companies export; the contact is left out",
            )
        elif match == _AMBIGUOUS:
            skip(
                "contacts of companies whose name is not unique",
                "Associated Company",
                "several companies have that name and the export gives no company id; left out",
            )
            return None
        return match

    @staticmethod
    def _buying_roles(row: Row, problems: Problems) -> tuple[DmuRole, ...]:
        roles: list[DmuRole] = []
        for value in (v.strip() for v in (row.get("Buying Role") or "").split(";")):
            mapped = buying_roles(value) if value else ()
            if mapped is None:
                problems.warn(
                    "buying roles kamgraph does not know",
                    row.file,
                    row.line,
                    "Buying Role",
                    value,
                    f"not a HubSpot buying role; known: {', '.join(BUYING_ROLES)}",
                )
                continue
            roles += mapped
        return tuple(r for r in DmuRole if r in roles)


def _header(path: Path) -> list[str] | None:
    """The file's header row (undecodable bytes replaced: read_csv reports those)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
        header = next(csv.reader(file), None)
    return [h.strip() for h in header] if header else None


def _duplicate(row: Row, problems: Problems) -> None:
    problems.error(
        row.file,
        row.line,
        "Record ID",
        row.get("Record ID"),
        "the same Record ID is on an earlier row",
    )

"""Salesforce: a folder of Data Export / Data Loader CSV files, headed by field API names.

Salesforce ids are kept as kamgraph ids (Account ``Id`` → account, Contact ``Id`` →
stakeholder, User ``Id`` → team member, Task/Event ``Id`` → interaction), so importing
a newer export updates records instead of duplicating them. Only fields Salesforce
carries are written: stance, influence, seniority, ownership and notes entered in
kamgraph stay as they are.

Files (``Account.csv`` and ``Contact.csv`` are required, the others used when present;
file names are matched case-insensitively, extra columns are ignored):

- ``Account.csv`` → account: ``Id``, ``Name``, ``Industry``, ``CurrencyIsoCode`` (a
  multi-currency org's account currency: its revenue and profit are read in it; the
  Opportunity amounts are taken to be in it too). ``AnnualRevenue`` is the
  customer's own revenue, not our revenue from them (kamgraph's ``annual_revenue``),
  so it is not imported. ``OwnerId`` is the quarterback when the account team has no
  Account Manager. Custom fields feed the selection facts the user maps
  (:func:`parse_mapping`: ``Account.Gross_Margin__c=profit``, ``Account.Fit__c=strategic_fit``;
  ``margin`` is a percentage of our revenue, as a Percent field exports it).
- ``Opportunity.csv`` with ``Amount``, ``CloseDate`` and ``IsWon`` (or ``StageName``
  Closed Won) → our revenue from each account: the Amounts of its won opportunities
  that closed in the 12 months up to the import's date (0 when none did).
- ``Contact.csv`` → stakeholder: ``Id``, ``AccountId``, ``FirstName`` + ``LastName``,
  ``Title``, ``Department`` (function), ``Email``; ``ReportsToId`` → reporting line
  (blank: they report to nobody, so a stored line of theirs goes — the org chart
  follows the CRM through a reorganisation).
- ``User.csv`` → team member: ``Id``, ``FirstName`` + ``LastName``, ``Title``,
  ``Email``. Only users on an account team, quarterbacks by ownership, and owners of
  imported activities are imported: an org's user list holds everyone.
- ``OpportunityContactRole.csv`` (``ContactId``, ``OpportunityId``, ``Role``) and the
  direct relation in ``AccountContactRelation.csv`` (``Roles``, ``;``-separated) →
  the contact's DMU roles. With ``Opportunity.csv`` (``Id``, ``AccountId``) only roles
  on the contact's own account's opportunities count. Salesforce's values map as:
  Decision Maker → decision_maker; Economic Buyer → economic_buyer; Economic Decision
  Maker → decision_maker and economic_buyer; Technical Buyer → technical_buyer;
  Evaluator → evaluator; Influencer → influencer; Executive Sponsor → influencer (a
  senior backer, not necessarily the one who decides); Business User → user_buyer;
  Other → no role. A custom value that names a kamgraph role (Champion, Procurement,
  …) is that role; any other value is skipped with a warning. ``IsPrimary`` says who
  the main contact is, not a buying role, and is not used. Roles are written only for
  contacts that have some in the export, and then replace the stored ones.
- ``AccountTeamMember.csv`` (``AccountId``, ``UserId``, ``TeamMemberRole``) → team
  role: Account Manager / Key Account Manager → quarterback; Executive Sponsor →
  exec_sponsor; Pre-Sales Consultant, Sales Engineer, Solution…, Technical… →
  solution_engineer; Customer Success, Service, Support → service; Sales Rep, Sales
  Manager, Lead Qualifier, Channel Manager, Account Executive → sales; anything else
  → specialist. An account has one quarterback: with several Account Managers the
  account's owner among them, else the first listed, is the quarterback and the others
  are sales; with none, the account's owner (``Account.OwnerId``) is the quarterback.
- ``Task.csv`` / ``Event.csv`` → interaction (id = the activity's ``Id``, account = the
  contact's): ``WhoId`` the contact, ``OwnerId`` the team member, ``Subject`` the
  summary. A task's date is ``ActivityDate``, an event's ``StartDateTime`` (its date in
  UTC). Channel: an event is a meeting; a task by ``TaskSubtype`` (Call → call, Email
  or ListEmail → email) or, for a plain ``Task`` subtype, by ``Type`` (Call, Email,
  Meeting). Open tasks (``IsClosed`` false, or a ``Status`` other than Completed) have
  not happened and are skipped.

Warnings, not errors (the row is skipped and counted; a filtered export has these and
the rest of it is still consistent): records with ``IsDeleted`` true; contacts with no
``AccountId`` or an account that is not in ``Account.csv`` (an export filtered by
account, or private contacts); a ``ReportsToId`` naming a contact that is not imported
or works at another account (only the reporting line is left out: kamgraph keeps
reporting lines within an account); roles, team rows and activities naming contacts,
accounts or users that are not imported; activities about Leads (``00Q…``).

Errors (nothing is written; every one is listed with file, line, column and value): a
missing required file or column, text that is not UTF-8, a required file with no
records, the same ``Id`` twice, reporting lines forming a cycle, a date that is not
``YYYY-MM-DD`` (or an ISO date-time), and values kamgraph's model rejects.

Memory: pass 1 keeps ids (accounts, contacts → account, reporting lines, roles,
users, activity ids) and the records it validated, packed (:class:`~importers.packed.Packed`:
compressed, never rows as Python objects); pass 2 unpacks them, without reading the
files again, and yields batches of :data:`BATCH` records, reporting lines grouped by
account so that the store's cycle check reads each account once.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from graph.errors import InvalidData
from graph.model import (
    Account,
    Channel,
    DmuRole,
    Interaction,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
    TeamRole,
)
from importers.load import BATCH, Parsed, batches_of
from importers.packed import Packed
from importers.problems import Problems
from importers.tabular import Row, build, full_name, mapped, parse_bool, parse_date, read_csv

ACCOUNT: Final = "Account.csv"
CONTACT: Final = "Contact.csv"
USER: Final = "User.csv"
TEAM: Final = "AccountTeamMember.csv"
OPPORTUNITY: Final = "Opportunity.csv"
CONTACT_ROLE: Final = "OpportunityContactRole.csv"
RELATION: Final = "AccountContactRelation.csv"
TASK: Final = "Task.csv"
EVENT: Final = "Event.csv"

#: Every file read, with the columns it must have; the first two must be present.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    ACCOUNT: ("Id", "Name"),
    CONTACT: ("Id", "AccountId", "LastName"),
    USER: ("Id", "LastName"),
    OPPORTUNITY: ("Id", "AccountId"),
    CONTACT_ROLE: ("OpportunityId", "ContactId", "Role"),
    RELATION: ("AccountId", "ContactId", "Roles"),
    TEAM: ("AccountId", "UserId", "TeamMemberRole"),
    TASK: ("Id", "WhoId", "OwnerId", "ActivityDate"),
    EVENT: ("Id", "WhoId", "OwnerId", "StartDateTime"),
}
REQUIRED_FILES: Final = (ACCOUNT, CONTACT)

#: Salesforce's standard contact role values → DMU roles.
CONTACT_ROLES: Final[dict[str, tuple[DmuRole, ...]]] = {
    "decision maker": (DmuRole.decision_maker,),
    "economic buyer": (DmuRole.economic_buyer,),
    "economic decision maker": (DmuRole.decision_maker, DmuRole.economic_buyer),
    "technical buyer": (DmuRole.technical_buyer,),
    "evaluator": (DmuRole.evaluator,),
    "influencer": (DmuRole.influencer,),
    "executive sponsor": (DmuRole.influencer,),
    "business user": (DmuRole.user_buyer,),
    "other": (),
}

#: ``TeamMemberRole`` → team role by the first keyword found (lower case), in order.
TEAM_ROLES: Final[tuple[tuple[tuple[str, ...], TeamRole], ...]] = (
    (("account manager", "key account"), TeamRole.quarterback),
    (("executive sponsor",), TeamRole.exec_sponsor),
    (
        ("pre-sales", "presales", "sales engineer", "solution", "technical"),
        TeamRole.solution_engineer,
    ),
    (("success", "service", "support"), TeamRole.service),
    (("sales", "lead qualifier", "channel", "account executive"), TeamRole.sales),
)

_TASK_SUBTYPES: Final = {"call": Channel.call, "email": Channel.email, "listemail": Channel.email}
_ACTIVITY_TYPES: Final = {"call": Channel.call, "email": Channel.email, "meeting": Channel.meeting}
_LEAD_PREFIX: Final = "00Q"

#: What a mapped Account field may feed (``--map Account.FIELD=TARGET``).
MAP_TARGETS: Final = (
    "annual_revenue",
    "profit",
    "margin",
    "growth_potential",
    "financial_stability",
    "strategic_fit",
    "relationship_closeness",
    "tier",
)
#: The columns that make Opportunity.csv a source of our revenue.
REVENUE_COLUMNS: Final = ("Amount", "CloseDate")


def parse_mapping(specs: Sequence[str]) -> dict[str, str]:
    """``Account.COLUMN=TARGET`` options → column → target; every bad one is an error.

    >>> parse_mapping(["Account.Gross_Margin__c=profit", "Account.Fit__c = strategic_fit"])
    {'Gross_Margin__c': 'profit', 'Fit__c': 'strategic_fit'}
    >>> parse_mapping(["Contact.X=profit"])
    Traceback (most recent call last):
    ...
    graph.errors.InvalidData: --map: 1 problem:
      - 'Contact.X=profit': only Account fields can be mapped (Account.FIELD=TARGET)
    """
    problems: list[str] = []
    mapping: dict[str, str] = {}
    for spec in specs:
        field, _, target = (part.strip() for part in spec.partition("="))
        obj, _, column = field.partition(".")
        if not target or not column or obj != "Account":
            problems.append(f"{spec!r}: only Account fields can be mapped (Account.FIELD=TARGET)")
        elif target not in MAP_TARGETS:
            targets = ", ".join(MAP_TARGETS)
            problems.append(f"{spec!r}: {target!r} is not a target; use one of {targets}")
        elif target in mapping.values():
            problems.append(f"{spec!r}: {target} is mapped twice")
        elif column in mapping:
            problems.append(f"{spec!r}: Account.{column} is mapped twice")
        else:
            mapping[column] = target
    if "profit" in mapping.values() and "margin" in mapping.values():
        problems.append("map either profit or margin, not both: each gives the profit")
    if problems:
        raise InvalidData(problems, "--map")
    return mapping


def read(
    folder: Path, *, on: dt.date | None = None, mapping: Mapping[str, str] | None = None
) -> Parsed:
    """Validate a Salesforce export folder (pass 1); the result streams it in batches.

    ``on`` is the import's date (today when None): our revenue counts the opportunities
    won in the 12 months up to it. ``mapping`` (from :func:`parse_mapping`) names the
    Account columns that feed selection facts.
    """
    problems = Problems()
    export = _Export(folder, on=on or dt.date.today(), mapping=dict(mapping or {}))
    export.scan(problems)
    problems.raise_if_errors(str(folder))
    return Parsed(
        source=str(folder), batches=export.batches, records=export.records, problems=problems
    )


def team_role(text: str | None) -> TeamRole:
    """The team role a Salesforce ``TeamMemberRole`` names.

    >>> [team_role(t).value for t in ("Pre-Sales Consultant", "Sales Rep", None)]
    ['solution_engineer', 'sales', 'specialist']
    """
    key = (text or "").lower()
    for keywords, role in TEAM_ROLES:
        if any(k in key for k in keywords):
            return role
    return TeamRole.specialist


def dmu_roles(text: str) -> tuple[DmuRole, ...] | None:
    """The DMU roles a contact role value names (None: not a value we know).

    >>> dmu_roles("Economic Decision Maker")
    (<DmuRole.decision_maker: 'decision_maker'>, <DmuRole.economic_buyer: 'economic_buyer'>)
    >>> dmu_roles("Champion"), dmu_roles("Other"), dmu_roles("Golf partner")
    ((<DmuRole.champion: 'champion'>,), (), None)
    """
    return mapped(CONTACT_ROLES, text.strip().lower(), text, DmuRole)


@dataclass
class _Export:
    """One export folder: what pass 1 learnt (ids, and the records it built, packed), and
    pass 2 (:meth:`batches`)."""

    folder: Path
    on: dt.date
    #: Account column → the selection fact it feeds
    mapping: dict[str, str]
    files: dict[str, Path] = field(default_factory=dict)
    #: account id → itself, so every contact shares one string per account
    accounts: dict[str, str] = field(default_factory=dict)
    account_owner: dict[str, str] = field(default_factory=dict)
    users: set[str] = field(default_factory=set)
    used_users: set[str] = field(default_factory=set)
    #: contact id → account id, or None for a contact that is skipped
    contacts: dict[str, str | None] = field(default_factory=dict)
    #: contact id → manager id, grouped by account (cycle-free, same account)
    manager: dict[str, str] = field(default_factory=dict)
    #: contacts whose ReportsToId is blank: a stored reporting line of theirs is removed
    unmanaged: list[str] = field(default_factory=list)
    roles: dict[str, tuple[DmuRole, ...]] = field(default_factory=dict)
    quarterback: dict[str, str] = field(default_factory=dict)
    #: accounts whose owner is their quarterback without a team row of their own
    owner_quarterbacks: list[str] = field(default_factory=list)
    activity_ids: set[str] = field(default_factory=set)
    team_rows: int = 0
    # The records pass 1 built, in file order, for pass 2 (contacts without their roles,
    # team rows as (account, user, role named) before the quarterbacks are known).
    account_records: Packed[Account] = field(default_factory=Packed)
    user_records: Packed[TeamMember] = field(default_factory=Packed)
    contact_records: Packed[Stakeholder] = field(default_factory=Packed)
    team_records: Packed[tuple[str, str, TeamRole]] = field(default_factory=Packed)
    activity_records: Packed[Interaction] = field(default_factory=Packed)
    opportunity_account: dict[str, str] = field(default_factory=dict)
    #: account id → our revenue from won opportunities; None: the export has no amounts
    revenue: dict[str, float] | None = None

    @property
    def records(self) -> int:
        """How many records pass 2 yields (for the progress bar)."""
        return (
            len(self.accounts)
            + len(self.used_users)
            + sum(account is not None for account in self.contacts.values())
            + len(self.manager)
            + len(self.unmanaged)
            + self.team_rows
            + len(self.activity_ids)
        )

    # --- pass 1 ------------------------------------------------------------------------

    def scan(self, problems: Problems) -> None:
        """Validate every file once, keeping ids, the maps pass 2 needs and the records."""
        if not self.folder.is_dir():
            problems.error(str(self.folder), None, None, None, "not a folder")
            return
        present = {p.name.lower(): p for p in self.folder.iterdir() if p.is_file()}
        for name in COLUMNS:
            if name.lower() in present:
                self.files[name] = present[name.lower()]
            elif name in REQUIRED_FILES:
                problems.error(name, None, None, None, "required file is missing from the folder")
        if any(name not in self.files for name in REQUIRED_FILES):
            return
        self._scan_opportunities(problems)
        errors = len(problems.errors)
        if self._scan_accounts(problems) == 0 and len(problems.errors) == errors:
            problems.error(
                self.files[ACCOUNT].name,
                None,
                None,
                None,
                "nothing to import (the file has no records)",
            )
        self._scan_users(problems)
        errors = len(problems.errors)
        if self._scan_contacts(problems) == 0 and len(problems.errors) == errors:
            problems.error(
                self.files[CONTACT].name,
                None,
                None,
                None,
                "nothing to import (the file has no records)",
            )
        self._scan_roles(problems)
        self._scan_team(problems)
        self._scan_activities(problems)

    def _scan_opportunities(self, problems: Problems) -> None:
        """Which account each opportunity is at, and our revenue: what won in the last year."""
        since = _year_before(self.on)
        for row in self._rows(OPPORTUNITY, problems):
            opportunity, account = row.get("Id"), row.get("AccountId")
            if not (opportunity and account):
                continue
            self.opportunity_account[opportunity] = account
            if not all(c in row.values for c in REVENUE_COLUMNS):
                continue
            if self.revenue is None:
                self.revenue = {}
            won = (
                parse_bool(row, "IsWon", problems)
                if "IsWon" in row.values
                else (row.get("StageName") or "").lower() == "closed won"
            )
            closed = parse_date(row, "CloseDate", problems)
            amount = _amount(row, "Amount", problems)
            if won and closed is not None and since < closed <= self.on and amount:
                self.revenue[account] = self.revenue.get(account, 0.0) + amount

    def _scan_accounts(self, problems: Problems) -> int:
        """Read Account.csv; returns how many records it holds."""
        rows = 0
        for row in self._rows(ACCOUNT, problems):
            rows += 1
            account = self._account(row, problems)
            if account is None:
                continue
            if account.id in self.accounts:
                _duplicate(row, problems)
                continue
            self.accounts[account.id] = account.id
            self.account_records.append(account)
            if owner := row.get("OwnerId"):
                self.account_owner[account.id] = owner
        return rows

    def _scan_users(self, problems: Problems) -> None:
        for row in self._rows(USER, problems):
            user = self._user(row, problems)
            if user is None:
                continue
            if user.id in self.users:
                _duplicate(row, problems)
            self.users.add(user.id)
            self.user_records.append(user)

    def _scan_contacts(self, problems: Problems) -> int:
        """Read Contact.csv and check its reporting lines; returns how many records it holds."""
        file = self.files[CONTACT].name
        reports: dict[str, tuple[str, int]] = {}
        rows = 0
        for row in self._rows(CONTACT, problems):
            rows += 1
            contact = self._contact(row, problems)
            contact_id = row.get("Id")
            if contact_id is None:
                continue
            if contact_id in self.contacts:
                _duplicate(row, problems)
                continue
            # Interned: a manager's id in a reporting line is then the same string object.
            contact_id = sys.intern(contact_id)
            self.contacts[contact_id] = contact.account_id if contact else None
            if contact:
                self.contact_records.append(contact)
            if contact and (manager := row.get("ReportsToId")):
                reports[contact_id] = (sys.intern(manager), row.line)
            elif contact and "ReportsToId" in row.values:
                self.unmanaged.append(contact_id)  # blank: reports to nobody (any more)
        lines: list[tuple[str, str, str]] = []
        for contact_id, (manager, line) in reports.items():
            account = self.contacts[contact_id]
            if self.contacts.get(manager) is None:
                problems.warn(
                    "reporting lines to contacts not imported",
                    file,
                    line,
                    "ReportsToId",
                    manager,
                    "not a contact imported from this export; the reporting line is left out",
                )
            elif self.contacts[manager] != account:
                problems.warn(
                    "reporting lines across accounts",
                    file,
                    line,
                    "ReportsToId",
                    manager,
                    f"works at {self.contacts[manager]!r}, not {account!r}; "
                    "kamgraph keeps reporting lines within one account, so this contact "
                    "reports to nobody there",
                )
                self.unmanaged.append(contact_id)  # no manager at their own account
            else:
                lines.append((account or "", contact_id, manager))
        for cycle in _cycles({c: m for _, c, m in lines}):
            first = min(cycle, key=lambda c: reports[c][1])
            at = cycle.index(first)
            ordered = [*cycle[at:], *cycle[:at], first]
            problems.error(
                file,
                reports[first][1],
                "ReportsToId",
                reports[first][0],
                "reporting lines form a cycle: " + " → ".join(ordered),
            )
        lines.sort()
        self.manager = {contact: manager for _, contact, manager in lines}
        return rows

    def _scan_roles(self, problems: Problems) -> None:
        """Collect each contact's DMU roles: only roles at the contact's own account count."""
        opportunity_account = self.opportunity_account
        for name, column, where in (
            (CONTACT_ROLE, "Role", "OpportunityId"),
            (RELATION, "Roles", "AccountId"),
        ):
            for row in self._rows(name, problems):
                contact = row.get("ContactId") or ""
                account = self.contacts.get(contact)
                if account is None:
                    problems.warn(
                        "contact roles of contacts not imported",
                        row.file,
                        row.line,
                        "ContactId",
                        contact,
                        "not a contact imported from this export; its role is left out",
                    )
                    continue
                at = row.get(where) or ""
                if where == "OpportunityId":  # an opportunity not in the export: trusted
                    at = opportunity_account.get(at, account)
                if at != account:
                    problems.warn(
                        "contact roles at other accounts",
                        row.file,
                        row.line,
                        where,
                        row.get(where) or "",
                        f"a role at {at!r}, but the contact works at {account!r}; left out",
                    )
                    continue
                self.roles[contact] = (*self.roles.get(contact, ()), *_roles(row, column, problems))

    def _scan_team(self, problems: Problems) -> None:
        owner_on_team: set[str] = set()
        for row in self._rows(TEAM, problems):
            if not self._on_team(row, problems):
                continue
            account, user = row.get("AccountId") or "", row.get("UserId") or ""
            role = team_role(row.get("TeamMemberRole"))
            self.team_rows += 1
            self.team_records.append((account, user, role))
            self.used_users.add(user)
            is_owner = user == self.account_owner.get(account)
            if is_owner:
                owner_on_team.add(account)
            if role is TeamRole.quarterback and (account not in self.quarterback or is_owner):
                self.quarterback[account] = user
        for account, owner in self.account_owner.items():
            if account not in self.quarterback and owner in self.users:
                self.quarterback[account] = owner
                self.used_users.add(owner)
                if account not in owner_on_team:
                    self.owner_quarterbacks.append(account)
                    self.team_rows += 1

    def _scan_activities(self, problems: Problems) -> None:
        for name in (TASK, EVENT):
            for row in self._rows(name, problems):
                interaction = self._interaction(row, problems, is_task=name == TASK)
                if interaction is None:
                    continue
                if interaction.id in self.activity_ids:
                    _duplicate(row, problems)
                    continue
                self.activity_ids.add(interaction.id)
                self.activity_records.append(interaction)
                self.used_users.update(interaction.member_ids)

    # --- pass 2 ------------------------------------------------------------------------

    def batches(self) -> Iterator[Portfolio]:
        """Batches of the records pass 1 built: accounts, people, then lines between them.

        The files are not read again; what depends on the whole export (the users
        imported, contacts' roles, quarterbacks) is applied here.
        """
        yield from batches_of("accounts", self.account_records)
        yield from batches_of(
            "team_members", (u for u in self.user_records if u.id in self.used_users)
        )
        yield from batches_of("stakeholders", self._stakeholders())
        yield from self._reporting_batches()
        yield from batches_of("team", self._assignments())
        yield from batches_of("interactions", self.activity_records)

    def _stakeholders(self) -> Iterator[Stakeholder]:
        """The contacts, with the DMU roles the role files give them."""
        for contact in self.contact_records:
            if roles := self.roles.get(contact.id):
                # As building it with them would (they are DmuRoles, each once).
                dmu_roles = tuple(r for r in DmuRole if r in roles)
                contact = contact.model_copy(update={"dmu_roles": dmu_roles})
            yield contact

    def _reporting_batches(self) -> Iterator[Portfolio]:
        """Reporting lines in batches that never split an account (see the store's cycle check)."""
        # Removals first: a reorganisation's new lines may only be free of a cycle once
        # the old lines are gone (and removing a line never closes one).
        yield from batches_of(
            "reports_to", (ReportsTo(stakeholder_id=c, manager_id=None) for c in self.unmanaged)
        )
        chunk: list[ReportsTo] = []
        account = None
        for contact, manager in self.manager.items():
            if len(chunk) >= BATCH and self.contacts[contact] != account:
                yield Portfolio(reports_to=chunk)
                chunk = []
            account = self.contacts[contact]
            chunk.append(ReportsTo(stakeholder_id=contact, manager_id=manager))
        if chunk:
            yield Portfolio(reports_to=chunk)

    def _assignments(self) -> Iterator[TeamAssignment]:
        for account, user, role in self.team_records:
            if self.quarterback.get(account) == user:
                role = TeamRole.quarterback
            elif role is TeamRole.quarterback:
                role = TeamRole.sales
            yield TeamAssignment(member_id=user, account_id=account, role=role)
        for account in self.owner_quarterbacks:
            yield TeamAssignment(
                member_id=self.quarterback[account], account_id=account, role=TeamRole.quarterback
            )

    # --- one row → one record -----------------------------------------------------------

    def _rows(self, name: str, problems: Problems) -> Iterator[Row]:
        """The file's rows, if the folder has it, without records deleted in Salesforce."""
        path = self.files.get(name)
        if path is None:
            return
        required = COLUMNS[name] + (tuple(self.mapping) if name == ACCOUNT else ())
        for row in read_csv(path, problems, required=required):
            if parse_bool(row, "IsDeleted", problems):
                problems.warn(
                    "deleted records",
                    row.file,
                    row.line,
                    "IsDeleted",
                    row.get("IsDeleted"),
                    "deleted in Salesforce; left out",
                )
                continue
            yield row

    def _account(self, row: Row, problems: Problems) -> Account | None:
        # CurrencyIsoCode: the account's currency in a multi-currency org
        columns = {
            "id": "Id",
            "name": "Name",
            "industry": "Industry",
            "currency": "CurrencyIsoCode",
        }
        columns |= {target: column for column, target in self.mapping.items() if target != "margin"}
        extra: dict[str, Any] = {}
        revenue = None
        if "annual_revenue" in columns:
            revenue = _amount(row, columns["annual_revenue"], Problems())  # build reports it
        elif self.revenue is not None:
            revenue = extra["annual_revenue"] = self.revenue.get(row.get("Id") or "", 0.0)
        margin_column = next((c for c, t in self.mapping.items() if t == "margin"), None)
        if margin_column and (margin := _amount(row, margin_column, problems)) is not None:
            if revenue is None:
                problems.warn(
                    "margins without our revenue",
                    row.file,
                    row.line,
                    margin_column,
                    row.get(margin_column),
                    "no revenue to take the margin of (no Opportunity amounts); profit left out",
                )
            else:
                extra["profit"] = round(revenue * margin / 100, 2)
        return build(Account, row, problems, columns, **extra)

    def _user(self, row: Row, problems: Problems) -> TeamMember | None:
        return build(
            TeamMember,
            row,
            problems,
            {"id": "Id", "name": "LastName", "title": "Title", "email": "Email"},
            name=full_name(row, "FirstName", "LastName"),
        )

    def _contact(self, row: Row, problems: Problems) -> Stakeholder | None:
        account = row.get("AccountId")
        if account is None:
            problems.warn(
                "contacts without an account",
                row.file,
                row.line,
                "AccountId",
                account or "",
                "a contact with no account; left out",
            )
            return None
        if account not in self.accounts:
            problems.warn(
                "contacts of accounts not in Account.csv",
                row.file,
                row.line,
                "AccountId",
                account or "",
                "the account is not in Account.csv; the contact is left out",
            )
            return None
        return build(
            Stakeholder,
            row,
            problems,
            {
                "id": "Id",
                "account_id": "AccountId",
                "name": "LastName",
                "title": "Title",
                "function": "Department",
                "email": "Email",
            },
            account_id=self.accounts[account],
            name=full_name(row, "FirstName", "LastName"),
        )

    def _on_team(self, row: Row, problems: Problems) -> bool:
        account, user = row.get("AccountId"), row.get("UserId")
        if account not in self.accounts:
            problems.warn(
                "team rows of accounts not in Account.csv",
                row.file,
                row.line,
                "AccountId",
                account or "",
                "the account is not in Account.csv; left out",
            )
            return False
        if user not in self.users:
            problems.warn(
                "team rows of users not in User.csv",
                row.file,
                row.line,
                "UserId",
                user or "",
                "the user is not in User.csv; left out",
            )
            return False
        return True

    def _interaction(self, row: Row, problems: Problems, *, is_task: bool) -> Interaction | None:
        """A task or event as an interaction, or None (with a warning saying why not)."""
        who, owner = row.get("WhoId"), row.get("OwnerId")

        def skip(kind: str, column: str, message: str) -> None:
            problems.warn(kind, row.file, row.line, column, row.get(column), message)

        if who is None:
            skip("activities without a contact", "WhoId", "no contact (WhoId); left out")
            return None
        if who.startswith(_LEAD_PREFIX):
            skip("activities about Leads", "WhoId", "a Lead, not a contact; left out")
            return None
        account = self.contacts.get(who)
        if account is None:
            skip(
                "activities about contacts not imported",
                "WhoId",
                "not a contact imported from this export; left out",
            )
            return None
        if owner not in self.users:
            skip("activities of users not in User.csv", "OwnerId", "not in User.csv; left out")
            return None
        if is_task and _is_open(row):
            skip("open tasks", "Status", "not done yet; left out")
            return None
        channel = _task_channel(row) if is_task else Channel.meeting
        if channel is None:
            skip(
                "tasks that are not a call, email or meeting",
                "TaskSubtype",
                "a to-do, not a call, email or meeting; left out",
            )
            return None
        column = "ActivityDate" if is_task else "StartDateTime"
        date = parse_date(row, column, problems)
        if date is None:
            if row.get(column) is None:
                skip("activities without a date", column, "no date; left out")
            return None
        return build(
            Interaction,
            row,
            problems,
            {"id": "Id", "summary": "Subject"},
            account_id=account,
            date=date,
            channel=channel,
            member_ids=(owner,),
            stakeholder_ids=(who,),
        )


def _duplicate(row: Row, problems: Problems) -> None:
    problems.error(row.file, row.line, "Id", row.get("Id"), "the same Id is on an earlier line")


def _amount(row: Row, column: str, problems: Problems) -> float | None:
    """A number cell (an amount or a percentage); None when blank or not a number."""
    text = row.get(column)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number == number and abs(number) != float("inf"):
        return number
    problems.error(row.file, row.line, column, text, "expected a number")
    return None


def _year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for a 29th).

    >>> _year_before(dt.date(2028, 2, 29))
    datetime.date(2027, 2, 28)
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _roles(row: Row, column: str, problems: Problems) -> tuple[DmuRole, ...]:
    """The DMU roles of a role cell (``;``-separated); unknown values are warned about."""
    roles: list[DmuRole] = []
    for value in (v.strip() for v in (row.get(column) or "").split(";")):
        mapped = dmu_roles(value) if value else ()
        if mapped is None:
            problems.warn(
                "contact roles with values kamgraph does not know",
                row.file,
                row.line,
                column,
                value,
                f"not a Salesforce contact role; known: {', '.join(CONTACT_ROLES)}",
            )
            continue
        roles += mapped
    return tuple(roles)


def _is_open(row: Row) -> bool:
    """A task not done yet: ``IsClosed`` false, or (without it) a Status not Completed."""
    if "IsClosed" in row.values:
        return (row.get("IsClosed") or "").lower() not in {"true", "1"}
    if "Status" in row.values:
        return (row.get("Status") or "").lower() != "completed"
    return False


def _task_channel(row: Row) -> Channel | None:
    subtype = (row.get("TaskSubtype") or "task").lower()
    if subtype != "task":
        return _TASK_SUBTYPES.get(subtype)
    return _ACTIVITY_TYPES.get((row.get("Type") or "").lower())


def _cycles(manager: dict[str, str]) -> list[list[str]]:
    """Every loop in ``manager`` (each person → their manager), each once, in walk order.

    >>> _cycles({"a": "b", "b": "a", "c": "a", "d": "d"})
    [['a', 'b'], ['d']]
    """
    done: set[str] = set()
    found = []
    for start in manager:
        path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in path:
            path[node] = len(path)
            node = manager.get(node)
        if node is not None and node in path:
            found.append(list(path)[path[node] :])
        done.update(path)
    return found

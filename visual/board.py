"""The board's content: who is which piece, in which colour, on which rank and file, and
the lines between them — independent of how it is drawn (pyvis page, SVG, review page).

It is built from one account's graph (:mod:`graph.network`) and its
:class:`~graph.analysis.result.AccountAnalysis`, and only *reads* the analysis: a piece
is "hanging" when a coverage gap of an uncovered kind (:data:`HANGING_KINDS`: they
matter and no relationship with them is strong) names the stakeholder, the
single-thread carrier is ``analysis.thread_carrier``, relationship lines and their widths
are ``analysis.strengths`` (rated, or computed from the interaction log).

The customer's pieces say power; the first row that matches wins:

=====  ======  =====================================================================
glyph  piece   who
=====  ======  =====================================================================
♚      king    a decision maker (several kings: a committee decides)
♛      queen   the most influential other person still there: recorded influence
               first, then the computed rank (one queen per board)
♜      rook    economic buyer
♝      bishop  technical buyer or evaluator
♞      knight  influencer or champion (coach)
♟      pawn    user buyer and everyone else
=====  ======  =====================================================================

Our team plays the white set, by role on the account: ♔ quarterback, ♕ exec sponsor,
♗ solution engineer, ♘ specialist, ♖ sales, ♙ service (or no role).

Colour is stance on ColorBrewer's purple–orange diverging scale (PuOr, colour-blind
safe): purple = for us, orange = against us. The rank is seniority (rank 1, the back
rank, is the C-suite); the file is the function, in :data:`COMMON_FUNCTIONS`' order
(executive first, so a file's letter means the same on every account), the account's
own other functions after them alphabetically, "no function" last.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

import networkx as nx

from graph.analysis.result import AccountAnalysis, Strength
from graph.model import DmuRole, RelationshipLevel, Seniority, Stance, TeamRole
from graph.network import MEMBER, STAKEHOLDER

Side = Literal["customer", "ours"]
Details = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PieceKind:
    """A chess piece and what it stands for on the board."""

    name: str
    glyph: str
    meaning: str


KING: Final = PieceKind("king", "♚", "decision maker")
QUEEN: Final = PieceKind("queen", "♛", "most influential of the others")
ROOK: Final = PieceKind("rook", "♜", "economic buyer")
BISHOP: Final = PieceKind("bishop", "♝", "technical buyer, evaluator")
KNIGHT: Final = PieceKind("knight", "♞", "influencer, champion (coach)")
PAWN: Final = PieceKind("pawn", "♟", "user buyer, everyone else")
#: The customer's pieces, most powerful first (also the order inside a square).
CUSTOMER_PIECES: Final = (KING, QUEEN, ROOK, BISHOP, KNIGHT, PAWN)

_ROLE_PIECES: Final = (
    (ROOK, {DmuRole.economic_buyer}),
    (BISHOP, {DmuRole.technical_buyer, DmuRole.evaluator}),
    (KNIGHT, {DmuRole.influencer, DmuRole.champion}),
)

#: Our pieces by team role, in the order a member's roles are read (first match wins).
OUR_PIECES: Final = {
    TeamRole.quarterback: PieceKind("quarterback", "♔", "quarterback (accountable)"),
    TeamRole.exec_sponsor: PieceKind("exec_sponsor", "♕", "exec sponsor"),
    TeamRole.solution_engineer: PieceKind("solution_engineer", "♗", "solution engineer"),
    TeamRole.specialist: PieceKind("specialist", "♘", "specialist"),
    TeamRole.sales: PieceKind("sales", "♖", "sales"),
    TeamRole.service: PieceKind("service", "♙", "service"),
}
NO_ROLE: Final = PieceKind("member", "♙", "no role on this account")

#: Our rows, from the back rank (farthest from the customer) to the front.
OUR_ROWS: Final = (
    ("Leadership", {TeamRole.quarterback, TeamRole.exec_sponsor}),
    ("Specialists", {TeamRole.solution_engineer, TeamRole.specialist, TeamRole.sales}),
    ("Service", {TeamRole.service}),
)

#: Stance → fill colour (PuOr, 5 classes), best first.
STANCE_COLOURS: Final = {
    Stance.champion: "#5e3c99",
    Stance.supporter: "#b2abd2",
    Stance.neutral: "#f7f7f7",
    Stance.skeptic: "#fdb863",
    Stance.opponent: "#e66101",
}
OUR_COLOUR: Final = "#33393f"
HANGING_COLOUR: Final = "#d7191c"
CARRIER_COLOUR: Final = "#111111"
LEFT_COLOUR: Final = "#777777"
BLOCKER_COLOUR: Final = "#b35806"
GATEKEEPER_COLOUR: Final = "#2166ac"
COMPETITOR_MARK: Final = "⚑"
#: Our people's own colours, by id order, for the owner markers (ColorBrewer Dark2:
#: qualitative, and white initials read on each); a larger team reuses them in turn.
OWNER_COLOURS: Final = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#a6761d",
    "#666666",
    "#e6ab02",
)
#: The owner marker of an important piece nobody owns.
UNOWNED_MARK: Final = "?"

#: The markers a piece can carry, for legends: (name, colour, meaning).
MARKERS: Final = (
    ("hanging", HANGING_COLOUR, "matters, and no relationship with them is strong"),
    ("single thread", CARRIER_COLOUR, "carries every strong relationship with the account"),
    (COMPETITOR_MARK, CARRIER_COLOUR, "favours a competitor"),
    ("left", LEFT_COLOUR, "has left the company (faded)"),
    ("blocker", BLOCKER_COLOUR, "can stop the deal (DMU role)"),
    ("gatekeeper", GATEKEEPER_COLOUR, "controls access to others (DMU role)"),
)
MARKER_COLOURS: Final = {name: colour for name, colour, _ in MARKERS}
#: The DMU roles a piece shows as a marker (its glyph says only its power).
MARKED_ROLES: Final = (DmuRole.blocker, DmuRole.gatekeeper)

RANK_NAMES: Final = {
    Seniority.c_level: "C-suite",
    Seniority.vp: "VP",
    Seniority.director: "Director",
    Seniority.manager: "Manager",
    Seniority.individual: "Individual",
}
NO_FUNCTION: Final = "No function"
#: Coverage-gap kinds that leave a piece hanging (``graph.analysis.coverage``); the other
#: gaps about a person (favours a competitor, left the company) have markers of their own.
HANGING_KINDS: Final = frozenset({"uncovered_power", "uncovered_influencer", "uncovered_opponent"})


class LineKind(StrEnum):
    """The kinds of line on the board; each has its own look and its own toggle."""

    knows = "knows"
    reports_to = "reports_to"
    influences = "influences"
    conflicts = "conflicts"


@dataclass(frozen=True)
class LineStyle:
    """How a kind of line looks: colour, dash pattern (None = solid), arrow heads."""

    label: str
    colour: str
    dashes: tuple[int, ...] | None
    arrow: Literal["none", "to", "bars"]


LINE_STYLES: Final = {
    LineKind.knows: LineStyle("relationship (width = strength)", "#1b7a6e", None, "none"),
    LineKind.reports_to: LineStyle("reports to", "#6b6b6b", None, "to"),
    LineKind.influences: LineStyle("influences", "#2c5aa0", (2, 5), "to"),
    LineKind.conflicts: LineStyle("conflict (rivals)", "#b8006b", (10, 4, 2, 4), "bars"),
}
_LINE_KEYS: Final = frozenset(k.value for k in LineKind)
#: The dash pattern of a fading relationship.
FADING_DASHES: Final = (8, 6)
#: A relationship with someone who has left: lost, whatever its strength was.
LOST_STYLE: Final = LineStyle("lost (they left the company)", LEFT_COLOUR, (3, 5), "none")


@dataclass(frozen=True)
class Piece:
    """One person on the board; ``rank``/``file`` place the customer's (file None: ours)."""

    id: str
    side: Side
    name: str
    caption: str
    subcaption: str
    kind: PieceKind
    colour: str
    ink: str
    stance: str | None
    rank: int
    file: int | None
    hanging: tuple[str, ...]
    carrier: bool
    competitors: tuple[str, ...]
    left_company: bool
    details: Details
    #: ours: the initials and colour of their owner markers; theirs: empty
    initials: str = ""
    tint: str = ""
    #: theirs: the id of the team member who owns the relationship (None: nobody)
    owner: str | None = None
    #: theirs: important, and nobody owns them (the analysis's "unowned" issue)
    unowned: bool = False
    #: theirs: the :data:`MARKED_ROLES` they hold, as marker names ("blocker", "gatekeeper")
    marked_roles: tuple[str, ...] = ()

    @property
    def glyph(self) -> str:
        """The Unicode chess glyph of the piece."""
        return self.kind.glyph


@dataclass(frozen=True)
class Line:
    """A line between two pieces; ``strength`` only on relationships."""

    id: str
    kind: LineKind
    source: str
    target: str
    width: float
    dashes: tuple[int, ...] | None
    strength: float | None
    fading: bool
    details: Details
    #: a relationship with someone who has left the company (drawn thin, grey, dashed)
    lost: bool = False


@dataclass(frozen=True)
class Board:
    """Everything a renderer draws for one account on one date."""

    account_id: str
    account_name: str
    as_of: dt.date
    pieces: tuple[Piece, ...]
    lines: tuple[Line, ...]
    files: tuple[str, ...]

    def piece(self, piece_id: str) -> Piece:
        """The piece of a person, by id."""
        return next(p for p in self.pieces if p.id == piece_id)


def file_letter(index: int) -> str:
    """The chess-style letter of a file: a … z, then aa, ab …

    >>> [file_letter(i) for i in (0, 7, 25, 26, 27)]
    ['a', 'h', 'z', 'aa', 'ab']
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def initials(name: str) -> str:
    """The first letters of a name's first and last word, for a small marker.

    >>> initials("Maria González"), initials("Dr. Ahmed Karimi"), initials("Kim")
    ('MG', 'AK', 'K')
    """
    words = [w for w in name.split() if not w.endswith(".")] or name.split() or ["?"]
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


def ink_for(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#111111" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def _label(value: str) -> str:
    return value.replace("_", " ")


def _when(day: dt.date | None) -> str:
    return day.isoformat() if day else "never"


def build_board(G: nx.MultiDiGraph, analysis: AccountAnalysis) -> Board:
    """The board of the account in ``G``, drawn from ``analysis`` of the same account."""
    account = G.graph["account"]
    if analysis.account_id != account.id:
        raise ValueError(f"analysis of {analysis.account_id!r} given for account {account.id!r}")
    names = {n: a["name"] for n, a in G.nodes(data=True)}
    strengths = {(s.member_id, s.stakeholder_id): s for s in analysis.strengths}
    stakeholders = sorted(n for n, a in G.nodes(data=True) if a["kind"] == STAKEHOLDER)
    members = sorted(n for n, a in G.nodes(data=True) if a["kind"] == MEMBER)
    files = _files(G.nodes[n]["function"] for n in stakeholders)
    file_index = {key: i for i, (key, _) in enumerate(files)}
    queen = _queen(G, analysis, stakeholders)
    hanging: dict[str, list[str]] = defaultdict(list)
    for gap in analysis.coverage_gaps:
        if gap.stakeholder_id is not None and gap.kind in HANGING_KINDS:
            hanging[gap.stakeholder_id].append(gap.reason)
    carrier = analysis.thread_carrier.id if analysis.thread_carrier else None
    best: dict[str, Strength] = {}
    last: dict[str, dt.date] = {}
    for s in analysis.strengths:
        if s.stakeholder_id not in best or s.strength > best[s.stakeholder_id].strength:
            best[s.stakeholder_id] = s
        if s.last_contact and s.last_contact > last.get(s.stakeholder_id, dt.date.min):
            last[s.stakeholder_id] = s.last_contact
    owners = {v: u for u, v, k in G.edges(keys=True) if k == "owns"}
    unowned = {i.subject_id for i in analysis.ownership_issues if i.kind == "unowned"}
    tints = {m: OWNER_COLOURS[i % len(OWNER_COLOURS)] for i, m in enumerate(members)}
    computed = {i.stakeholder_id: i.computed for i in analysis.influence}

    pieces = []
    for n in stakeholders:
        a = G.nodes[n]
        roles = {DmuRole(r) for r in a["dmu_roles"]}
        kind = _customer_piece(roles, is_queen=n == queen)
        colour = STANCE_COLOURS[Stance(a["stance"])]
        seniority = Seniority(a["seniority"])
        competitors = tuple(G.graph["competitors"].get(c, c) for c in a["favors"])
        influence = f"{a['influence']}/5 recorded" if a["influence"] else "not recorded"
        if n in computed:
            influence += f" · computed rank {computed[n]:.2f}"
        details: list[tuple[str, str]] = [
            ("Title", a["title"] or "—"),
            ("Function", a["function"] or "—"),
            ("Seniority", RANK_NAMES[seniority]),
            ("DMU roles", ", ".join(_label(r) for r in a["dmu_roles"]) or "none recorded"),
            ("Stance", a["stance"]),
            ("Influence", influence),
            ("Decision orientation", _label(a["orientation"]) if a["orientation"] else "—"),
            ("Inner circle", "yes, a key player" if a["inner_circle"] else "no"),
            ("Owner", names[owners[n]] if n in owners else "nobody"),
            ("Strongest relationship", _strength_text(best.get(n), names)),
            ("Last contact", _when(last.get(n))),
        ]
        details += _flags(competitors, hanging.get(n, ()), n == carrier, a["left_company"])
        if a["notes"]:
            details.append(("Notes", a["notes"]))
        pieces.append(
            Piece(
                id=n,
                side="customer",
                name=a["name"],
                caption=a["name"],
                subcaption=a["title"] or a["function"] or "",
                kind=kind,
                colour=colour,
                ink=ink_for(colour),
                stance=a["stance"],
                rank=seniority.rank,
                file=file_index[_file_key(a["function"])],
                hanging=tuple(hanging.get(n, ())),
                carrier=n == carrier,
                competitors=competitors,
                left_company=a["left_company"],
                details=tuple(details),
                owner=owners.get(n),
                unowned=n in unowned,
                marked_roles=tuple(r.value for r in MARKED_ROLES if r in roles),
            )
        )
    for n in members:
        a = G.nodes[n]
        roles = [TeamRole(r) for r in a["roles"]]
        role = next((r for r in OUR_PIECES if r in roles), None)
        held = [v for m, v in strengths if m == n]
        owned = [v for _, v, k in G.out_edges(n, keys=True) if k == "owns"]
        details = [
            ("Title", a["title"] or "—"),
            ("Roles", ", ".join(_label(r) for r in a["roles"]) or "none on this account"),
            ("Relationships", str(len(held))),
            ("Owns", ", ".join(names[o] for o in sorted(owned)) or "nobody"),
        ]
        details += _flags((), (), n == carrier, False)
        pieces.append(
            Piece(
                id=n,
                side="ours",
                name=a["name"],
                caption=a["name"],
                subcaption=a["title"] or "",
                kind=OUR_PIECES[role] if role else NO_ROLE,
                colour=OUR_COLOUR,
                ink=ink_for(OUR_COLOUR),
                stance=None,
                rank=next(
                    (i for i, (_, rs) in enumerate(OUR_ROWS, 1) if role in rs), len(OUR_ROWS)
                ),
                file=None,
                hanging=(),
                carrier=n == carrier,
                competitors=(),
                left_company=False,
                details=tuple(details),
                initials=initials(a["name"]),
                tint=tints[n],
            )
        )
    return Board(
        account_id=account.id,
        account_name=account.name,
        as_of=analysis.as_of,
        pieces=tuple(pieces),
        lines=tuple(_lines(G, strengths, names)),
        files=tuple(label for _, label in files),
    )


def _spelling_key(text: str) -> str:
    """Case, spacing and "and"/"&" aside: "Research and Development" ~ "research & development"."""
    return " ".join(text.casefold().replace("&", " and ").replace("/", " / ").split())


#: The functions most accounts share, in the board's file order, each with the spellings
#: that mean it (compared by :func:`_spelling_key`); the first is the file's name.
COMMON_FUNCTIONS: Final = (
    ("Executive", "executive", "exec", "executives", "management", "leadership",
     "executive management", "general management", "c-suite", "board"),
    ("Finance", "finance", "financial", "finance and accounting", "accounting", "treasury"),
    ("Procurement", "procurement", "purchasing", "sourcing", "buying"),
    ("IT", "it", "i.t.", "information technology", "ict", "information systems", "is", "tech",
     "technology"),
    ("Operations", "operations", "ops", "operation"),
    ("Engineering", "engineering", "engineer"),
    ("R&D", "r and d", "r&d", "rnd", "research and development", "research"),
    ("Quality", "quality", "qa", "quality assurance"),
    ("Sales", "sales", "commercial"),
    ("Marketing", "marketing"),
    ("Customer service", "customer service", "service", "support", "customer support"),
    ("HR", "hr", "human resources", "people", "personnel"),
    ("Legal", "legal", "legal and compliance", "compliance"),
)  # fmt: skip
_COMMON: Final = {
    _spelling_key(spelling): (i, functions[0])
    for i, functions in enumerate(COMMON_FUNCTIONS)
    for spelling in functions[1:]
}


def _file_key(function: str | None) -> str | None:
    """One key per function: a common function's name, or the account's own spelling
    with case, spacing and "&" aside (None: no function)."""
    if not function or not function.strip():
        return None
    key = _spelling_key(function)
    return _COMMON[key][1] if key in _COMMON else key


def _files(functions: Iterable[str | None]) -> list[tuple[str | None, str]]:
    """(key, label) per file: the common functions first in :data:`COMMON_FUNCTIONS`'
    order under their own names, then the account's others alphabetically (one file per
    function however it is spelled, the first spelling alphabetically as its name), "no
    function" last."""
    spellings: dict[str | None, set[str]] = defaultdict(set)
    for f in functions:
        spellings[_file_key(f)].add(" ".join(f.split()) if f and f.strip() else NO_FUNCTION)
    common = {name: i for i, (name, *_) in enumerate(COMMON_FUNCTIONS)}

    def order(key: str | None) -> tuple[int, int, str]:
        if key is None:
            return (2, 0, "")
        return (0, common[key], "") if key in common else (1, 0, key)

    return [(k, k if k in common else min(spellings[k])) for k in sorted(spellings, key=order)]


def _customer_piece(roles: set[DmuRole], *, is_queen: bool) -> PieceKind:
    if DmuRole.decision_maker in roles:
        return KING
    if is_queen:
        return QUEEN
    return next((piece for piece, wanted in _ROLE_PIECES if roles & wanted), PAWN)


def _queen(G: nx.MultiDiGraph, analysis: AccountAnalysis, stakeholders: list[str]) -> str | None:
    """The most influential stakeholder who is neither a king nor gone (None without data)."""
    computed = {i.stakeholder_id: i.computed for i in analysis.influence}
    candidates = [
        ((G.nodes[n]["influence"] or 0, computed.get(n, 0.0)), n)
        for n in stakeholders
        if DmuRole.decision_maker.value not in G.nodes[n]["dmu_roles"]
        and not G.nodes[n]["left_company"]
    ]
    if not candidates:
        return None
    # Highest influence wins; among equals the more senior, then the smaller id.
    (recorded, rank), queen = min(
        candidates,
        key=lambda c: (-c[0][0], -c[0][1], Seniority(G.nodes[c[1]]["seniority"]).rank, c[1]),
    )
    return queen if recorded or rank else None


def _strength_text(strength: Strength | None, names: dict[str, str]) -> str:
    if strength is None:
        return "none"
    fading = ", fading" if strength.fading else ""
    return f"{strength.strength:.1f}/5 with {names[strength.member_id]} ({strength.source}{fading})"


def _levels(level: str | None, target: str | None) -> list[tuple[str, str]]:
    """The relationship level now → aimed at, and the gap between them in steps."""
    if not level and not target:
        return []
    rows = [("Level (now → aim)", f"{_label(level or '?')} → {_label(target or '?')}")]
    if level and target:
        steps = _LEVELS.index(RelationshipLevel(target)) - _LEVELS.index(RelationshipLevel(level))
        gap = f"{steps} step{'s' if steps != 1 else ''} to go" if steps > 0 else "reached"
        rows.append(("Gap", gap))
    return rows


_LEVELS: Final = list(RelationshipLevel)


def _flags(
    competitors: tuple[str, ...], hanging: Iterable[str], carrier: bool, left: bool
) -> list[tuple[str, str]]:
    rows = [("Favours", ", ".join(competitors))] if competitors else []
    rows += [("Hanging", reason) for reason in hanging]
    if carrier:
        rows.append(("Single thread", "carries every strong relationship with the account"))
    if left:
        rows.append(("Left the company", "yes"))
    return rows


def _lines(
    G: nx.MultiDiGraph, strengths: dict[tuple[str, str], Strength], names: dict[str, str]
) -> list[Line]:
    lines: list[Line] = []
    seen_conflicts: set[frozenset[str]] = set()
    recorded = [
        (LineKind(k), u, v, a) for u, v, k, a in G.edges(keys=True, data=True) if k in _LINE_KEYS
    ]
    # A relationship known only from the interaction log is as real as a rated one.
    logged = [
        (LineKind.knows, u, v, {}) for u, v in strengths if not G.has_edge(u, v, LineKind.knows)
    ]
    edges = sorted(recorded + logged, key=lambda e: (list(LineKind).index(e[0]), e[1], e[2]))
    for kind, u, v, a in edges:
        style = LINE_STYLES[kind]
        width, dashes, value, fading, lost = 2.0, style.dashes, None, False, False
        if kind is LineKind.knows:
            s = strengths.get((u, v))
            value, fading = (s.strength, s.fading) if s else (None, False)
            width = 1.0 + 1.2 * (value or 0)
            dashes = FADING_DASHES if fading else None
            lost = G.nodes[v]["left_company"]
            if lost:  # the strongest line of a champion who left is no strength of ours
                width, dashes = 1.0, LOST_STYLE.dashes
            details = [
                ("Relationship", f"{names[u]} → {names[v]}"),
                ("Strength", f"{value:.1f}/5 ({s.source})" if s else "not rated"),
                ("Last contact", _when(s.last_contact if s else None)),
            ]
            if fading:
                details.append(("Fading", "no recent contact"))
            if lost:
                details.append(("Lost", f"{names[v]} has left the company"))
            details += _levels(a.get("level"), a.get("target_level"))
        elif kind is LineKind.reports_to:
            width, details = 1.5, [("Reports to", f"{names[u]} → {names[v]}")]
        elif kind is LineKind.influences:
            width = 1.0 + 0.5 * a["weight"]
            details = [("Influences", f"{names[u]} → {names[v]}"), ("Weight", f"{a['weight']}/5")]
        else:
            pair = frozenset((u, v))
            if pair in seen_conflicts:
                continue
            seen_conflicts.add(pair)
            details = [("Conflict", f"{names[u]} ↔ {names[v]}")]
        lines.append(
            Line(
                id=f"{kind.value}-{len(lines)}",
                kind=kind,
                source=u,
                target=v,
                width=round(width, 2),
                dashes=dashes,
                strength=value,
                fading=fading,
                details=tuple(details),
                lost=lost,
            )
        )
    return lines

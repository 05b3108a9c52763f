"""The account review: one self-contained HTML page for sales leadership, made to print.

It answers the review's questions in order — how healthy is the account and why, where
are we single-threaded, which threads reach power, where are the gaps, who are the key
people, who owns what, what do we do next — around the static SVG board. It has no
script and fetches nothing; ``@media print`` lays it out on A4 landscape pages.

"What changed since" is drawn only when the caller passes the account's changes, grouped
by :func:`visual.changes.summarize` (:class:`ChangesSince`): never invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.analysis.result import AccountAnalysis
from graph.model import Account
from visual import board_svg
from visual.amounts import money
from visual.board import Board, build_board
from visual.changes import ChangeGroup
from visual.escape import esc

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


@dataclass(frozen=True)
class ChangesSince:
    """What changed on the account since ``since``, grouped (none: nothing changed)."""

    since: dt.date
    groups: Sequence[ChangeGroup]


def render(
    G: nx.MultiDiGraph,
    analysis: AccountAnalysis,
    *,
    changes: ChangesSince | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """The review page of the account in ``G`` (with "what changed" when ``changes`` given);
    ``links`` (label, URL) lead elsewhere, as the web app's pages (not printed)."""
    board = build_board(G, analysis)
    account = G.graph["account"]
    title = f"{account.name} — account review"
    sections = [
        _summary(board, analysis),
        f'<section class="board"><h2>The board</h2>{board_svg.svg(board, analysis)}</section>',
        # the findings, two columns to a printed page after the board's
        '<div class="findings">'
        + _health(analysis)
        + _threads(board, analysis)
        + _gaps(board, analysis)
        + _key_people(board, analysis)
        + _ownership(board, analysis)
        + _next_moves(analysis)
        + "</div>",
    ]
    if changes is not None:
        sections.insert(1, _changes(changes))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<header>{_links(links)}<h1>{esc(account.name)} <span>account review</span></h1>"
        f'<p class="facts">{esc(_facts(account, G.graph["currency"], analysis))}</p></header>\n'
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def _links(links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = " · ".join(f'<a href="{esc(url)}">{esc(label)}</a>' for label, url in links)
    return f'<nav class="links">{items}</nav>'


def _facts(account: Account, currency: str, analysis: AccountAnalysis) -> str:
    facts = [f"as of {analysis.as_of.isoformat()}"]
    if account.tier:
        facts.append(f"{account.tier.value} tier")
    if account.industry:
        facts.append(account.industry)
    if account.annual_revenue is not None:
        facts.append(f"revenue {money(account.annual_revenue, currency)}")
    if account.profit is not None:
        facts.append(f"profit {money(account.profit, currency)}")
    return " · ".join(facts)


def _name(board: Board, person_id: str | None) -> str:
    """The escaped name of a person on the board (their id if they are not on it)."""
    if person_id is None:
        return "—"
    piece = next((p for p in board.pieces if p.id == person_id), None)
    return esc(f"{piece.glyph} {piece.name}") if piece else esc(person_id)


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    """A section with a table; ``rows`` hold already escaped HTML cells."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<section><h2>{caption}</h2><p class="none">{empty}</p></section>'
    header = "".join(f"<th>{h}</th>" for h in head)
    return f"<section><h2>{caption}</h2><table><tr>{header}</tr>{body}</table></section>"


def _summary(board: Board, analysis: AccountAnalysis) -> str:
    hanging = [p for p in board.pieces if p.hanging]
    carrier = analysis.thread_carrier
    thread = (
        f"yes — {_name(board, carrier.id)} carries every strong relationship"
        if analysis.single_threaded and carrier
        else ("yes" if analysis.single_threaded else "no")
    )
    cards = [
        ("Health", f'<span class="score">{analysis.health_score}</span>/100'),
        ("Single-threaded", thread),
        ("Hanging pieces", ", ".join(_name(board, p.id) for p in hanging) or "none"),
        (
            "Stakeholders",
            f"{sum(p.side == 'customer' for p in board.pieces)} "
            f"(our team: {sum(p.side == 'ours' for p in board.pieces)})",
        ),
    ]
    return (
        '<section class="summary">'
        + "".join(f'<div class="card"><h3>{h}</h3><p>{v}</p></div>' for h, v in cards)
        + "</section>"
    )


def _health(analysis: AccountAnalysis) -> str:
    rows = (
        (
            esc(c.name.replace("_", " ")),
            f"{c.weight:g}",
            f'<span class="meter"><span class="bar"><span style="width:{c.score:.0f}%"></span>'
            f"</span> {c.score:.0f}</span>",
            esc(c.explanation),
        )
        for c in analysis.health_components
    )
    return _table(
        f"Health {analysis.health_score}/100",
        ("component", "weight", "score", "why"),
        rows,
        "No health components.",
    )


def _threads(board: Board, analysis: AccountAnalysis) -> str:
    paths = {p.target_id: p for p in analysis.paths_to_power}

    rows = []
    for t in sorted(analysis.threads_to_power, key=lambda t: (t.threads, t.stakeholder_id)):
        path = paths.get(t.stakeholder_id)
        route = " → ".join(_name(board, i) for i in path.path) if path and path.path else ""
        rows.append(
            (
                _name(board, t.stakeholder_id),
                str(t.threads)
                + (f"<br><small>{t.direct or 'none'} direct</small>" if t.threads else ""),
                f'<span class="tag {t.status.split()[0]}">{t.status}</span>',
                route + (f"<br><small>{esc(path.reason)}</small>" if path else ""),
            )
        )
    return _table(
        "Threads to power",
        ("power target", "threads", "", "path to power"),
        rows,
        "No decision maker or economic buyer is identified.",
    )


def _gaps(board: Board, analysis: AccountAnalysis) -> str:
    rows = (
        (
            f'<span class="sev" title="severity {g.severity}/5">'
            f"{'●' * g.severity}{'○' * (5 - g.severity)}</span>",
            _name(board, g.stakeholder_id),
            esc(g.kind.replace("_", " ")),
            esc(g.reason),
        )
        for g in sorted(analysis.coverage_gaps, key=lambda g: -g.severity)
    )
    return _table("Coverage gaps", ("severity", "who", "gap", "why"), rows, "No coverage gaps.")


def _key_people(board: Board, analysis: AccountAnalysis) -> str:
    rows = [
        (_name(board, r.id), "ours" if r.side == "ours" else "theirs", esc(r.reason))
        for r in analysis.key_person_risks
    ]
    rows += [
        (_name(board, h.stakeholder_id), "hidden influencer", esc(h.reason))
        for h in analysis.hidden_influencers
    ]
    return _table("Key people", ("who", "side / kind", "why"), rows, "No key-person risks.")


def _ownership(board: Board, analysis: AccountAnalysis) -> str:
    rows = (
        (esc(i.kind.replace("_", " ")), _name(board, i.subject_id), esc(i.reason))
        for i in analysis.ownership_issues
    )
    return _table("Ownership", ("issue", "who", "why"), rows, "No ownership issues.")


def _next_moves(analysis: AccountAnalysis) -> str:
    moves = sorted(analysis.next_moves, key=lambda m: m.priority)
    if not moves:
        return '<section><h2>Next moves</h2><p class="none">No moves suggested.</p></section>'
    items = "".join(
        f"<li><b>{esc(m.action)}</b><br><small>{esc(m.reason)}</small></li>" for m in moves
    )
    return f'<section class="moves"><h2>Next moves</h2><ol>{items}</ol></section>'


def _changes(changes: ChangesSince) -> str:
    heading = f"What changed since {changes.since.isoformat()}"
    if not changes.groups:
        return f'<section><h2>{heading}</h2><p class="none">Nothing changed.</p></section>'
    groups = "".join(
        f'<div class="group"><h3>{esc(g.heading)}</h3><ul>'
        + "".join(f"<li>{esc(s)}</li>" for s in g.sentences)
        + "</ul></div>"
        for g in changes.groups
    )
    return (
        f'<section class="changes"><h2>{heading}</h2><div class="groups">{groups}</div></section>'
    )


_STYLE = """
body { margin: 0 auto; max-width: 1180px; padding: 18px 24px 40px; color: #1d1d1f;
  font: 14px/1.4 system-ui, 'DejaVu Sans', sans-serif; background: #fff; }
header h1 { margin: 0; font-size: 26px; }
header h1 span { font-weight: 400; color: #6b6355; }
.facts { margin: 2px 0 14px; color: #555; }
.links { float: right; margin-top: 8px; }
.links a { color: #1565c0; }
h2 { font-size: 17px; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #e4ddcf; }
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.card { border: 1px solid #e4ddcf; border-radius: 8px; padding: 8px 12px; background: #fdfbf6; }
.card h3 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; color: #6b6355;
  letter-spacing: .05em; }
.card p { margin: 0; }
.score { font-size: 30px; font-weight: 700; }
.board svg { width: 100%; height: auto; border: 1px solid #e4ddcf; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #eee; }
th { font-size: 12px; color: #6b6355; text-transform: uppercase; letter-spacing: .04em; }
td { overflow-wrap: anywhere; }
small { color: #666; }
.none { color: #666; font-style: italic; }
.bar { display: inline-block; width: 90px; height: 9px; background: #eee; border-radius: 5px;
  vertical-align: middle; overflow: hidden; }
.bar span { display: block; height: 100%; background: #1b7a6e; }
.tag { padding: 1px 7px; border-radius: 8px; font-size: 12px; font-weight: 700; color: #fff; }
.tag.none { background: #d7191c; }
.tag.fragile { background: #e66101; }
.tag.resilient { background: #1b7a6e; }
.tag.through { background: #b35806; }
.meter { white-space: nowrap; }
.sev { color: #d7191c; letter-spacing: 1px; white-space: nowrap; }
.moves li { margin-bottom: 6px; }
.groups { columns: 3 250px; column-gap: 28px; }
.group { break-inside: avoid; margin-bottom: 10px; }
.group h3 { margin: 0 0 3px; font-size: 12px; text-transform: uppercase; color: #6b6355;
  letter-spacing: .05em; }
.group ul { margin: 0; padding-left: 18px; }
.group li { overflow-wrap: anywhere; }
/* Printed: the summary and the board on the first A4 landscape page, the findings in two
   columns on the next ones; sections may run on across a column or page (rows and moves
   stay whole), so no page is left mostly blank by a section too long for what is left. */
@page { size: A4 landscape; margin: 10mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 8.5pt; line-height: 1.25; }
  header h1 { font-size: 16pt; }
  .facts { margin: 0 0 3mm; }
  .links { display: none; }
  h2 { font-size: 11pt; margin: 0 0 2mm; break-after: avoid; }
  .summary { gap: 3mm; }
  .card { padding: 1.5mm 3mm; border-radius: 2mm; }
  .card h3 { font-size: 7pt; }
  .score { font-size: 16pt; }
  .board { break-after: page; margin-top: 3mm; }
  .board h2 { display: none; }
  .board svg { border: 0; width: 100%; height: 150mm; }
  .findings { columns: 2; column-gap: 8mm; }
  .findings section { break-inside: auto; margin-bottom: 4mm; }
  .findings h2 { margin-top: 0; }
  th, td { padding: 0.8mm 1.5mm; }
  /* words whole: a name split across lines squeezes its column in a narrow page column */
  td { overflow-wrap: break-word; }
  .tag { white-space: nowrap; }
  th { font-size: 7pt; }
  .bar { width: 14mm; }
  tr, li { break-inside: avoid; }
  /* a long "what changed" starts under the summary and flows on, in columns */
  .changes, .group { break-inside: auto; }
  .group h3 { break-after: avoid; }
}
"""

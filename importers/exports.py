"""Exports for the tools people already use: GraphML, CSV per kind, a Neo4j Cypher script.

Each is a pure function of a :class:`~graph.model.Portfolio` (what
``GraphStore.read_portfolio`` returns), giving text or writing files whole. GraphML and
Cypher draw the graph as the store holds it (:func:`nodes`, :func:`edges`):

- GraphML (Gephi, yEd, NetworkX): typed nodes and edges with their scalar properties.
- CSV: the spreadsheet template's sheets (:mod:`importers.sheet`), so the folder imports
  back with ``kamgraph import sheet``.
- Cypher: MERGE statements with literal values that recreate the accounts in any
  Neo4j 5 with kamgraph's schema. Strings are escaped and every statement is one line,
  so no name can end a string or a statement early.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from graph.dialect import NEO4J_RECORD_CONSTRAINTS
from graph.model import Portfolio, Record
from importers import sheet

#: A node: label, id, properties (JSON values, no None).
Node = tuple[str, str, dict[str, Any]]
#: An edge: type, source label and id, target label and id, properties.
Edge = tuple[str, str, str, str, str, dict[str, Any]]

#: Characters XML 1.0 cannot hold at all (GraphML is XML); they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Escapes inside a single-quoted Cypher string (Neo4j and FalkorDB both read them).
_CYPHER_ESCAPES = str.maketrans(
    {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)


def write_csv(portfolio: Portfolio, folder: Path) -> None:
    """One CSV file per kind in ``folder``: the template's sheets, read back by the importer."""
    sheet.write_folder(portfolio, folder)


def nodes(p: Portfolio) -> Iterator[Node]:
    """Every node as the store holds it (participants of interactions are edges)."""
    groups: list[tuple[str, tuple[Record, ...], tuple[str, ...]]] = [
        ("Account", p.accounts, ()),
        ("TeamMember", p.team_members, ()),
        ("Competitor", p.competitors, ()),
        ("Stakeholder", p.stakeholders, ()),
        ("Interaction", p.interactions, ("member_ids", "stakeholder_ids")),
    ]
    for label, records, lists in groups:
        for record in records:
            yield label, record.id, _values(record, "id", *lists)  # type: ignore[attr-defined]


def edges(p: Portfolio) -> Iterator[Edge]:
    """Every edge as the store holds it, with its properties."""
    for s in p.stakeholders:
        yield "WORKS_AT", "Stakeholder", s.id, "Account", s.account_id, {}
    for t in p.team:
        yield "ON_TEAM", "TeamMember", t.member_id, "Account", t.account_id, {"role": t.role.value}
    for k in p.knows:
        props = _values(k, "member_id", "stakeholder_id")
        yield "KNOWS", "TeamMember", k.member_id, "Stakeholder", k.stakeholder_id, props
    for r in p.reports_to:
        if r.manager_id is not None:  # None (report to nobody) is an instruction, not a line
            yield "REPORTS_TO", "Stakeholder", r.stakeholder_id, "Stakeholder", r.manager_id, {}
    for i in p.influences:
        weight = {"weight": i.weight}
        yield "INFLUENCES", "Stakeholder", i.source_id, "Stakeholder", i.target_id, weight
    for c in p.conflicts:
        yield "CONFLICTS_WITH", "Stakeholder", c.stakeholder_id, "Stakeholder", c.other_id, {}
    for o in p.owners:
        yield "OWNS", "TeamMember", o.member_id, "Stakeholder", o.stakeholder_id, {}
    for f in p.favors:
        yield "FAVORS", "Stakeholder", f.stakeholder_id, "Competitor", f.competitor_id, {}
    for x in p.interactions:
        yield "ABOUT", "Interaction", x.id, "Account", x.account_id, {}
        for m in x.member_ids:
            yield "ATTENDED", "TeamMember", m, "Interaction", x.id, {}
        for s in x.stakeholder_ids:
            yield "WITH", "Interaction", x.id, "Stakeholder", s, {}


def _values(record: Record, *keys: str) -> dict[str, Any]:
    """The record's fields as the store keeps them (ISO dates, enum values), no None."""
    return record.model_dump(mode="json", exclude_none=True, exclude=set(keys))


# --- GraphML ---------------------------------------------------------------------------


def graphml(portfolio: Portfolio) -> str:
    """The portfolio as GraphML: typed nodes and edges with their scalar properties.

    Node ids are ``Label:id`` (our ids are unique per label only); each node has
    ``kind`` and ``label``, each edge ``type`` and ``label`` (what Gephi and yEd show).
    Lists become ``;``-joined text; empty values are left out.

    >>> from graph.model import Account
    >>> "<node id=\\"Account:a\\">" in graphml(Portfolio(accounts=[Account(id="a", name="A")]))
    True
    """
    graph = nx.MultiDiGraph()
    for label, node_id, props in nodes(portfolio):
        caption = props.get("name") or props.get("summary") or f"{props['channel']} {props['date']}"
        graph.add_node(f"{label}:{node_id}", kind=label, label=_scalar(caption), **_scalars(props))
    # Edge ids must be unique in a GraphML document; NetworkX writes the key as the id.
    for number, (kind, source, source_id, target, target_id, props) in enumerate(edges(portfolio)):
        graph.add_edge(
            f"{source}:{source_id}",
            f"{target}:{target_id}",
            key=f"e{number}",
            type=kind,
            label=kind,
            **_scalars(props),
        )
    return "\n".join(nx.generate_graphml(graph)) + "\n"


def _scalars(props: dict[str, Any]) -> dict[str, Any]:
    return {name: _scalar(value) for name, value in props.items()}


def _scalar(value: Any) -> Any:
    """A GraphML attribute value: lists ``;``-joined, text without XML-illegal characters."""
    if isinstance(value, list):
        value = sheet.SEPARATOR.join(value)
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


# --- Cypher ----------------------------------------------------------------------------


def cypher_script(portfolio: Portfolio) -> str:
    """A Cypher script that recreates the portfolio in Neo4j 5 (``cypher-shell -f FILE``).

    Uniqueness constraints first, then one statement per line: every node, then every
    edge. MERGE on ids means running it twice, or into a database that already holds
    these records, duplicates nothing.

    >>> from graph.model import Account
    >>> print(cypher_script(Portfolio(accounts=[Account(id="a", name="It's")])).splitlines()[-1])
    MERGE (n:Account {id: 'a'}) SET n += {name: 'It\\'s'};
    """
    statements = list(NEO4J_RECORD_CONSTRAINTS)
    statements += [
        f"MERGE (n:{label} {{id: {_literal(node_id)}}}) SET n += {_literal(props)}"
        for label, node_id, props in nodes(portfolio)
    ]
    for kind, source, source_id, target, target_id, props in edges(portfolio):
        # Labels and types are the code's own; only ids and values come from the data.
        statement = (
            f"MATCH (s:{source} {{id: {_literal(source_id)}}}) "
            f"MATCH (t:{target} {{id: {_literal(target_id)}}}) "
            f"MERGE (s)-[r:{kind}]->(t)"
        )
        statements.append(statement + f" SET r += {_literal(props)}" if props else statement)
    return "".join(f"{s};\n" for s in statements)


def _literal(value: Any) -> str:
    """A Cypher literal for a JSON value; strings single-quoted with every escape needed.

    >>> print(_literal({"name": "x'}) DETACH DELETE n //", "roles": ["a", "b"], "n": 1.5}))
    {name: 'x\\'}) DETACH DELETE n //', roles: ['a', 'b'], n: 1.5}
    """
    if isinstance(value, str):
        return "'" + value.translate(_CYPHER_ESCAPES) + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value).replace("e+", "e")  # Cypher writes 1e16, not 1e+16
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        # Keys are the models' field names, never user text.
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")

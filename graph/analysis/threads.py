"""Single-threaded accounts and the number of threads from our team to each power target.

A KAM fears one thing above all: that the whole account hangs on one relationship.
Two measures say how exposed we are:

- *single-threaded*: one person — ours or theirs — carries every strong relationship
  with the account (remove them and none is left). With exactly one strong
  relationship both of its ends carry it; we name our side, since that is the person
  we can act on (add a colleague, plan a hand-over). With no strong relationship at
  all the account is *not* single-threaded: that is a worse gap of its own, reported
  by :mod:`graph.analysis.coverage`.
- *threads to power*: for each decision maker and economic buyer, the number of
  internally node-disjoint paths from our team to them (0 none, 1 fragile, 2+
  resilient), through our strong relationships and the customer's reporting and
  influence lines. The customer's lines count in both directions: an introduction or
  a word in someone's ear travels up and down a reporting line alike. Conflict lines
  carry nothing, and people who left the company are gone from the graph.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict, deque
from collections.abc import Hashable
from typing import Final

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts
from graph.analysis.result import Person, ThreadsToPower

#: The super-source joined to every team member; a tuple never clashes with a string id.
OUR_TEAM: Final = ("our team",)
#: The customer's lines a thread may run along.
CUSTOMER_LINES: Final = frozenset({"reports_to", "influences"})


def single_thread(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> tuple[bool, Person | None]:
    """Whether one person carries every strong relationship, and who (None when not).

    >>> from graph.model import Account, Knows, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id=i, account_id="acme", name=i) for i in ("a", "b")],
    ...     team_members=[TeamMember(id="kam", name="Kim")],
    ...     knows=[Knows(member_id="kam", stakeholder_id=i, strength=4) for i in ("a", "b")],
    ... ))
    >>> single_thread(G, as_of=dt.date(2026, 11, 25))
    (True, Person(id='kam', side='ours'))
    """
    return single_thread_from(Facts.build(G, as_of=as_of, config=config))


def single_thread_from(facts: Facts) -> tuple[bool, Person | None]:
    """:func:`single_thread` on groundwork already computed."""
    if not facts.strong:
        return False, None
    carriers = set(facts.strong[0])
    for pair in facts.strong[1:]:
        carriers &= set(pair)
    if not carriers:
        return False, None
    member, stakeholder = facts.strong[0]
    carrier = member if member in carriers else stakeholder
    return True, Person(id=carrier, side=facts.side(carrier))


def threads_to_power(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[ThreadsToPower]:
    """Node-disjoint threads from our team to each active power target, by id.

    >>> from graph.model import Account, Knows, ReportsTo, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy",
    ...                               dmu_roles="decision_maker"),
    ...                   Stakeholder(id="cto", account_id="acme", name="Ty")],
    ...     team_members=[TeamMember(id="kam", name="Kim"), TeamMember(id="se", name="Sam")],
    ...     knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4),
    ...            Knows(member_id="se", stakeholder_id="cto", strength=5)],
    ...     reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
    ... ))
    >>> threads_to_power(G, as_of=dt.date(2026, 11, 25))
    [ThreadsToPower(stakeholder_id='ceo', threads=2, direct=1)]
    """
    return threads_from(Facts.build(G, as_of=as_of, config=config))


def threads_from(facts: Facts) -> list[ThreadsToPower]:
    """:func:`threads_to_power` on groundwork already computed."""
    threads = facts.thread_map
    direct = Counter(s for _, s in facts.strong)
    return [
        ThreadsToPower(stakeholder_id=target, threads=threads.count(target), direct=direct[target])
        for target in facts.power
    ]


def thread_graph(facts: Facts) -> nx.Graph:
    """The undirected graph threads run in: OUR_TEAM – members – strong – customer lines."""
    H = nx.Graph()
    H.add_node(OUR_TEAM)
    H.add_nodes_from(facts.stakeholders)
    H.add_edges_from((OUR_TEAM, m) for m in facts.members)
    H.add_edges_from(facts.strong)
    active = set(facts.stakeholders)
    H.add_edges_from(
        (u, v)
        for u, v, key in facts.G.edges(keys=True)
        if key in CUSTOMER_LINES and u in active and v in active
    )
    return H


class ThreadMap:
    """The thread graph of one account and where it splits, seen from our team.

    Built once per analysis (:attr:`Facts.thread_map`) and asked per power target. The
    biconnected blocks of the thread graph and the cut vertices between them form a
    tree (the block-cut tree); walked from our team, it answers a target's 0/1/2+ and
    who is on every thread to it in time linear in the account: the people on every
    thread are the cut vertices on the target's tree path, and the target has two or
    more threads exactly when it shares a block of three or more people with our team.
    Only then is the exact count a max-flow, run inside that block alone (a thread that
    left the block would have to come back through the cut vertex it left by) and
    stopped at the most the target's lines allow.

    >>> H = nx.Graph([(OUR_TEAM, "kam"), (OUR_TEAM, "se"), ("kam", "cto"), ("se", "cto"),
    ...               ("cto", "ceo")])
    >>> threads = ThreadMap(H)
    >>> threads.count("cto"), threads.count("ceo"), threads.cut_vertices("ceo")
    (2, 1, ['cto'])
    """

    def __init__(self, H: nx.Graph) -> None:
        self._H = H
        self._blocks = [frozenset(b) for b in nx.biconnected_components(H)]
        self._homes: dict[Hashable, list[int]] = defaultdict(list)
        for index, block in enumerate(self._blocks):
            for node in block:
                self._homes[node].append(index)
        # The tree walked from our team: each block reached, the cut vertex it was
        # entered by and the block that one belongs to (None: a block of our team's).
        self._entry: dict[int, Hashable] = {}
        self._up: dict[int, int | None] = {}
        queue = deque(self._homes.get(OUR_TEAM, ()))
        for index in queue:
            self._entry[index], self._up[index] = OUR_TEAM, None
        while queue:
            index = queue.popleft()
            for node in self._blocks[index]:
                if node == self._entry[index]:
                    continue
                for other in self._homes[node]:
                    if other not in self._entry:
                        self._entry[other], self._up[other] = node, index
                        queue.append(other)

    def _home(self, target: str) -> int | None:
        """The target's block nearest our team (None: no thread reaches it)."""
        return next(
            (i for i in self._homes.get(target, ()) if self._entry.get(i, target) != target),
            None,  # the target enters none of its blocks: none was reached
        )

    def cut_vertices(self, target: str) -> list[str]:
        """The people on every thread from our team to ``target``, nearest us first."""
        index = self._home(target)
        cuts = []
        while index is not None and self._entry[index] != OUR_TEAM:
            cuts.append(self._entry[index])
            index = self._up[index]
        return cuts[::-1]

    def count(self, target: str) -> int:
        """How many internally node-disjoint threads reach ``target``."""
        index = self._home(target)
        if index is None:
            return 0
        if self._entry[index] != OUR_TEAM or len(self._blocks[index]) == 2:
            return 1
        return _disjoint_paths(self._H, self._blocks[index], target, OUR_TEAM)


def _disjoint_paths(H: nx.Graph, block: frozenset, source: Hashable, sink: Hashable) -> int:
    """Internally node-disjoint ``source``–``sink`` paths in ``H`` within ``block``.

    Unit-capacity augmenting paths on the node-split graph (as networkx's auxiliary
    digraph: a node's way in, its way out, one arc each way per line), searched
    breadth-first from ``source``, until one fails or the ends' lines are all used.
    """

    adjacent: dict[Hashable, list[Hashable]] = {}

    def lines(node: Hashable) -> list[Hashable]:
        if node not in adjacent:
            adjacent[node] = [v for v in H[node] if v in block]
        return adjacent[node]

    limit = min(len(lines(source)), len(lines(sink)))
    if limit == 2:  # a block of three or more holds two disjoint paths between any two
        return 2
    carrying: dict[Hashable, set[Hashable]] = defaultdict(set)  # u → v: a path runs u to v
    into: dict[Hashable, set[Hashable]] = defaultdict(set)  # v → {u: a path runs u to v}
    through: set[Hashable] = set()  # inner nodes a path passes
    start, goal = (source, True), (sink, False)  # (node, on its way out)
    paths = 0
    while paths < limit:
        before: dict[tuple[Hashable, bool], tuple[Hashable, bool] | None] = {start: None}
        queue = deque([start])
        while queue and goal not in before:
            node, out = state = queue.popleft()
            if out:
                ahead = lines(node)
                if sink in H[node] and sink not in carrying[node]:
                    before[goal] = state  # found: no need to look past the hub of our team
                    break
                steps = [(v, False) for v in ahead if v != source and v not in carrying[node]]
                if node in through:
                    steps.append((node, False))
            else:
                steps = [(u, True) for u in into[node]]
                if node not in through:
                    steps.append((node, True))
            for step in steps:
                if step not in before:
                    before[step] = state
                    queue.append(step)
        if goal not in before:
            break
        step = goal
        while (previous := before[step]) is not None:
            (u, u_out), (v, _) = previous, step
            if u == v:  # through the node, or back out of it
                (through.discard if u_out else through.add)(u)
            elif u_out:  # along a line
                carrying[u].add(v)
                into[v].add(u)
            else:  # back along a line a path ran v to u
                carrying[v].discard(u)
                into[u].discard(v)
            step = previous
        paths += 1
    return paths

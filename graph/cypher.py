"""Every Cypher statement kamgraph runs, in one registry, written once for both engines.

Rules that keep this text portable between FalkorDB and Neo4j 5 (a test lints every
statement with Neo4j's own linter and runs it on the embedded engine):

- values only as ``$parameters``; labels and relationship types are fixed text here;
- one logical write is ONE statement (FalkorDB has no multi-statement transactions);
- our own ``id`` property, never ``id()``/``elementId()``; dates as ISO strings;
- results are scalars, lists and maps only, so both drivers give the same Python values;
- pattern comprehensions start at the bound variable, are never nested, and each uses
  variable names of its own (FalkorDB returns empty lists or nulls, or rejects the
  query, otherwise);
- a map projection of a possibly-null variable is guarded, because FalkorDB projects
  null into a map of nulls where Neo4j gives null.

Index and constraint DDL is engine-specific and lives in :mod:`graph.dialect`.
"""

from __future__ import annotations

from typing import Final

# --- upserts: each takes $rows, a list of maps shaped by graph.store ---------------------

UPSERT_ACCOUNTS: Final = """
UNWIND $rows AS row
MERGE (a:Account {id: row.id})
SET a += row.props
RETURN count(a) AS written
"""

UPSERT_TEAM_MEMBERS: Final = """
UNWIND $rows AS row
MERGE (m:TeamMember {id: row.id})
SET m += row.props
RETURN count(m) AS written
"""

UPSERT_COMPETITORS: Final = """
UNWIND $rows AS row
MERGE (c:Competitor {id: row.id})
SET c += row.props
RETURN count(c) AS written
"""

# A stakeholder works at exactly one account; moving them drops the old WORKS_AT edge and
# their reporting, influence and conflict lines with people who are not at the new account.
# Only for the rows that move (or may: see graph.store); the move clauses cost four times
# the rest of the statement.
UPSERT_STAKEHOLDERS: Final = """
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
MERGE (s:Stakeholder {id: row.id})
SET s += row.props, s.account_id = row.account_id
WITH s, a
OPTIONAL MATCH (s)-[old:WORKS_AT]->(other:Account)
WHERE other.id <> a.id
DELETE old
WITH DISTINCT s, a
OPTIONAL MATCH (s)-[line:REPORTS_TO|INFLUENCES|CONFLICTS_WITH]-(former:Stakeholder)
WHERE former.account_id <> a.id
DELETE line
WITH DISTINCT s, a
MERGE (s)-[:WORKS_AT]->(a)
RETURN count(s) AS written
"""

# The rows that stay where they are stored: no WORKS_AT edge or line to drop.
UPSERT_STAKEHOLDERS_IN_PLACE: Final = """
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
MERGE (s:Stakeholder {id: row.id})
SET s += row.props, s.account_id = row.account_id
MERGE (s)-[:WORKS_AT]->(a)
RETURN count(s) AS written
"""

# The records the write's check found absent: CREATE, cheaper than MERGE for the engine
# (no match to try first), and the same result (the check refuses an id given twice).
CREATE_ACCOUNTS: Final = """
UNWIND $rows AS row
CREATE (a:Account {id: row.id})
SET a += row.props
RETURN count(a) AS written
"""

CREATE_TEAM_MEMBERS: Final = """
UNWIND $rows AS row
CREATE (m:TeamMember {id: row.id})
SET m += row.props
RETURN count(m) AS written
"""

CREATE_COMPETITORS: Final = """
UNWIND $rows AS row
CREATE (c:Competitor {id: row.id})
SET c += row.props
RETURN count(c) AS written
"""

CREATE_STAKEHOLDERS: Final = """
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
CREATE (s:Stakeholder {id: row.id})
SET s += row.props, s.account_id = row.account_id
CREATE (s)-[:WORKS_AT]->(a)
RETURN count(s) AS written
"""

UPSERT_TEAM_ASSIGNMENTS: Final = """
UNWIND $rows AS row
MATCH (m:TeamMember {id: row.member_id})
MATCH (a:Account {id: row.account_id})
MERGE (m)-[t:ON_TEAM]->(a)
SET t.role = row.role
RETURN count(t) AS written
"""

UPSERT_KNOWS: Final = """
UNWIND $rows AS row
MATCH (m:TeamMember {id: row.member_id})
MATCH (s:Stakeholder {id: row.stakeholder_id})
MERGE (m)-[k:KNOWS]->(s)
SET k += row.props
RETURN count(k) AS written
"""

# One manager per stakeholder: a new line replaces the old one (an unchanged line stays:
# deleting and re-creating every line of a re-import was a third of its line writes).
UPSERT_REPORTS_TO: Final = """
UNWIND $rows AS row
MATCH (s:Stakeholder {id: row.stakeholder_id})
MATCH (boss:Stakeholder {id: row.manager_id})
OPTIONAL MATCH (s)-[old:REPORTS_TO]->(other:Stakeholder)
WHERE other.id <> boss.id
DELETE old
WITH DISTINCT s, boss
MERGE (s)-[r:REPORTS_TO]->(boss)
RETURN count(r) AS written
"""

# Stakeholders who report to nobody (any more).
REMOVE_REPORTING_LINES: Final = """
UNWIND $rows AS row
MATCH (s:Stakeholder {id: row.stakeholder_id})-[old:REPORTS_TO]->(:Stakeholder)
DELETE old
RETURN count(s) AS written
"""

UPSERT_INFLUENCES: Final = """
UNWIND $rows AS row
MATCH (s:Stakeholder {id: row.source_id})
MATCH (t:Stakeholder {id: row.target_id})
MERGE (s)-[r:INFLUENCES]->(t)
SET r.weight = row.weight
RETURN count(r) AS written
"""

UPSERT_CONFLICTS: Final = """
UNWIND $rows AS row
MATCH (s:Stakeholder {id: row.stakeholder_id})
MATCH (o:Stakeholder {id: row.other_id})
MERGE (s)-[r:CONFLICTS_WITH]->(o)
RETURN count(r) AS written
"""

# One owner per stakeholder: assigning a new owner removes the previous one.
SET_OWNERS: Final = """
UNWIND $rows AS row
MATCH (s:Stakeholder {id: row.stakeholder_id})
MATCH (m:TeamMember {id: row.member_id})
OPTIONAL MATCH (other:TeamMember)-[old:OWNS]->(s)
WHERE other.id <> m.id
DELETE old
WITH DISTINCT s, m
MERGE (m)-[o:OWNS]->(s)
RETURN count(o) AS written
"""

UPSERT_FAVORS: Final = """
UNWIND $rows AS row
MATCH (s:Stakeholder {id: row.stakeholder_id})
MATCH (c:Competitor {id: row.competitor_id})
MERGE (s)-[f:FAVORS]->(c)
RETURN count(f) AS written
"""

# Participants are replaced, not accumulated, so re-importing a log entry is idempotent
# (those it still names keep their edges);
# an entry re-filed under another account leaves the old one.
# Every interaction has at least one of each side (the model requires it), so the
# UNWINDs never drop a row.
UPSERT_INTERACTIONS: Final = """
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
MERGE (i:Interaction {id: row.id})
SET i += row.props, i.account_id = row.account_id
MERGE (i)-[:ABOUT]->(a)
WITH i, row, a
OPTIONAL MATCH (i)-[filed:ABOUT]->(other:Account)
WHERE other.id <> a.id
DELETE filed
WITH DISTINCT i, row
OPTIONAL MATCH (i)-[old:WITH]->(gone:Stakeholder)
WHERE NOT gone.id IN row.stakeholder_ids
DELETE old
WITH DISTINCT i, row
OPTIONAL MATCH (i)<-[old:ATTENDED]-(gone:TeamMember)
WHERE NOT gone.id IN row.member_ids
DELETE old
WITH DISTINCT i, row
UNWIND row.member_ids AS member_id
MATCH (m:TeamMember {id: member_id})
MERGE (m)-[:ATTENDED]->(i)
WITH DISTINCT i, row
UNWIND row.stakeholder_ids AS stakeholder_id
MATCH (s:Stakeholder {id: stakeholder_id})
MERGE (i)-[:WITH]->(s)
RETURN count(DISTINCT i) AS written
"""

# The interactions the write found absent: created, and so with no edges to replace
# (the participant edges are MERGEd all the same: a list may name someone twice).
CREATE_INTERACTIONS: Final = """
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
CREATE (i:Interaction {id: row.id})
SET i += row.props, i.account_id = row.account_id
CREATE (i)-[:ABOUT]->(a)
WITH i, row
UNWIND row.member_ids AS member_id
MATCH (m:TeamMember {id: member_id})
MERGE (m)-[:ATTENDED]->(i)
WITH DISTINCT i, row
UNWIND row.stakeholder_ids AS stakeholder_id
MATCH (s:Stakeholder {id: stakeholder_id})
MERGE (i)-[:WITH]->(s)
RETURN count(DISTINCT i) AS written
"""

# --- reads -----------------------------------------------------------------------------

# Which of $ids exist, with their stored properties.
FIND_STAKEHOLDERS: Final = """
UNWIND $ids AS wanted
MATCH (s:Stakeholder {id: wanted})
RETURN s.id AS id, s.account_id AS account_id, s {.*} AS props
"""

# Which of $ids exist and where they work: all a reference check needs (whole property
# maps cost seven times the engine's time to parse).
FIND_STAKEHOLDER_ACCOUNTS: Final = """
UNWIND $ids AS wanted
MATCH (s:Stakeholder {id: wanted})
RETURN s.id AS id, s.account_id AS account_id
"""

FIND_TEAM_MEMBERS: Final = """
UNWIND $ids AS wanted
MATCH (m:TeamMember {id: wanted})
RETURN m.id AS id, m {.*} AS props
"""

FIND_COMPETITORS: Final = """
UNWIND $ids AS wanted
MATCH (c:Competitor {id: wanted})
RETURN c.id AS id, c {.*} AS props
"""

FIND_INTERACTIONS: Final = """
UNWIND $ids AS wanted
MATCH (i:Interaction {id: wanted})
RETURN i.id AS id, i {.*} AS props
"""

# Which of $ids exist: all a reference check needs of accounts, team members and
# competitors (their property maps cost the engine several times as much to send).
EXISTING_ACCOUNTS: Final = """
UNWIND $ids AS wanted
MATCH (a:Account {id: wanted})
RETURN a.id AS id
"""

EXISTING_TEAM_MEMBERS: Final = """
UNWIND $ids AS wanted
MATCH (m:TeamMember {id: wanted})
RETURN m.id AS id
"""

EXISTING_COMPETITORS: Final = """
UNWIND $ids AS wanted
MATCH (c:Competitor {id: wanted})
RETURN c.id AS id
"""

# The stored values of the properties $fields of those of $ids that exist (null: not
# set): what an import compares its records with to tell changed from unchanged ones,
# without reading the properties it does not write.
STORED_ACCOUNT_VALUES: Final = """
UNWIND $ids AS wanted
MATCH (a:Account {id: wanted})
RETURN a.id AS id, [field IN $fields | a[field]] AS stored
"""

STORED_TEAM_MEMBER_VALUES: Final = """
UNWIND $ids AS wanted
MATCH (m:TeamMember {id: wanted})
RETURN m.id AS id, [field IN $fields | m[field]] AS stored
"""

STORED_COMPETITOR_VALUES: Final = """
UNWIND $ids AS wanted
MATCH (c:Competitor {id: wanted})
RETURN c.id AS id, [field IN $fields | c[field]] AS stored
"""

STORED_STAKEHOLDER_VALUES: Final = """
UNWIND $ids AS wanted
MATCH (s:Stakeholder {id: wanted})
RETURN s.id AS id, [field IN $fields | s[field]] AS stored
"""

STORED_INTERACTION_VALUES: Final = """
UNWIND $ids AS wanted
MATCH (i:Interaction {id: wanted})
RETURN i.id AS id, [field IN $fields | i[field]] AS stored
"""

# Which of $ids exist and which account each is filed under.
INTERACTION_ACCOUNTS: Final = """
UNWIND $ids AS wanted
MATCH (i:Interaction {id: wanted})
RETURN i.id AS id, i.account_id AS account_id
"""

# The records of some accounts ($account_ids), flat: one row per account and kind of
# record, each record a list of values (a node's or relationship's properties are the
# values of its model's fields, given as $…_fields; null: not set); graph.store
# assembles the account graphs. One statement, so on FalkorDB it reads one moment.
# Flat per-kind matches with one collect() each are several times cheaper for both
# engines than one row per account built by a chain of OPTIONAL MATCH and collect()
# (15 ms against 4 ms of engine time for a 40-person account on FalkorDB), and lists of
# values are half the parsing of maps. Team members come from each of the four ways
# they join an account; the store merges them.
ACCOUNT_RECORDS: Final = """
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})
RETURN a.id AS account_id, 'accounts' AS kind, [[f IN $account_fields | a[f]]] AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)
RETURN a.id AS account_id, 'stakeholders' AS kind,
  collect([f IN $stakeholder_fields | s[f]]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)
MATCH (s)-[l:REPORTS_TO|INFLUENCES|CONFLICTS_WITH]->(o:Stakeholder)
WHERE o.account_id = a.id
RETURN a.id AS account_id, type(l) AS kind, collect([s.id, o.id, l.weight]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)<-[k:KNOWS]-(m:TeamMember)
RETURN a.id AS account_id, 'knows' AS kind,
  collect([m.id, s.id] + [f IN $knows_fields | k[f]]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)<-[:OWNS]-(m:TeamMember)
RETURN a.id AS account_id, 'owners' AS kind, collect([m.id, s.id]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)-[:FAVORS]->(c:Competitor)
RETURN a.id AS account_id, 'favors' AS kind, collect([s.id, c.id, c.name]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[t:ON_TEAM]-(m:TeamMember)
RETURN a.id AS account_id, 'team' AS kind, collect([m.id, t.role]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(i:Interaction)
RETURN a.id AS account_id, 'interactions' AS kind,
  collect([f IN $interaction_fields | i[f]]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(i:Interaction)<-[:ATTENDED]-(m:TeamMember)
RETURN a.id AS account_id, 'member_ids' AS kind, collect([i.id, m.id]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(i:Interaction)-[:WITH]->(s:Stakeholder)
RETURN a.id AS account_id, 'stakeholder_ids' AS kind, collect([i.id, s.id]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ON_TEAM]-(m:TeamMember)
RETURN a.id AS account_id, 'team_members' AS kind,
  collect([f IN $member_fields | m[f]]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(:Stakeholder)<-[:KNOWS]-(m:TeamMember)
RETURN a.id AS account_id, 'team_members' AS kind,
  collect(DISTINCT [f IN $member_fields | m[f]]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(:Stakeholder)<-[:OWNS]-(m:TeamMember)
RETURN a.id AS account_id, 'team_members' AS kind,
  collect(DISTINCT [f IN $member_fields | m[f]]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(:Interaction)<-[:ATTENDED]-(m:TeamMember)
RETURN a.id AS account_id, 'team_members' AS kind,
  collect(DISTINCT [f IN $member_fields | m[f]]) AS records
"""

# --- what recording compares: the records of some accounts ($account_ids) in one statement,
# one row per account and kind, each record a map projection (or a list of ids), selecting
# the same records as ACCOUNT_RECORDS reads (graph.store assembles them as _account_graphs
# does); the team members come from FIND_TEAM_MEMBERS. Map projections hold only the
# properties set: a list of a model's every field, nulls included, cost the engine 2.5
# times as much to build. One statement, not one per kind: recording reads every account
# a write touches twice, and the round trips were a third of that on FalkorDB.
# Participants: [interaction id, person id] on each side of the accounts' interactions.
ACCOUNT_STATES: Final = """
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})
RETURN a.id AS account_id, 'accounts' AS kind, [a {.*}] AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)
RETURN a.id AS account_id, 'stakeholders' AS kind, collect(s {.*}) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)
MATCH (s)-[l:REPORTS_TO|INFLUENCES|CONFLICTS_WITH]->(o:Stakeholder)
WHERE o.account_id = a.id
RETURN a.id AS account_id, type(l) AS kind, collect([s.id, o.id, l.weight]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)<-[k:KNOWS]-(m:TeamMember)
RETURN a.id AS account_id, 'knows' AS kind,
  collect(k {.*, member_id: m.id, stakeholder_id: s.id}) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)<-[:OWNS]-(m:TeamMember)
RETURN a.id AS account_id, 'owners' AS kind, collect([m.id, s.id]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)-[:FAVORS]->(c:Competitor)
RETURN a.id AS account_id, 'favors' AS kind, collect([s.id, c.id, c.name]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[t:ON_TEAM]-(m:TeamMember)
RETURN a.id AS account_id, 'team' AS kind, collect([m.id, t.role]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(i:Interaction)
RETURN a.id AS account_id, 'interactions' AS kind, collect(i {.*}) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(i:Interaction)<-[:ATTENDED]-(m:TeamMember)
RETURN a.id AS account_id, 'member_ids' AS kind, collect([i.id, m.id]) AS records
UNION ALL
UNWIND $account_ids AS wanted
MATCH (a:Account {id: wanted})<-[:ABOUT]-(i:Interaction)-[:WITH]->(s:Stakeholder)
RETURN a.id AS account_id, 'stakeholder_ids' AS kind, collect([i.id, s.id]) AS records
"""

# The reporting lines of some accounts: what the cycle check of a write must see.
REPORTING_LINES: Final = """
UNWIND $account_ids AS wanted
MATCH (:Account {id: wanted})<-[:WORKS_AT]-(s:Stakeholder)-[:REPORTS_TO]->(boss:Stakeholder)
RETURN s.id AS stakeholder_id, s.account_id AS stakeholder_account,
  boss.id AS manager_id, boss.account_id AS manager_account
"""

# The reporting, influence and conflict lines of some stakeholders ($ids), either way
# round: what moving them to another account may drop.
STAKEHOLDER_LINES: Final = """
UNWIND $ids AS wanted
MATCH (s:Stakeholder {id: wanted})-[l:REPORTS_TO|INFLUENCES|CONFLICTS_WITH]-(o:Stakeholder)
RETURN s.id AS stakeholder_id, type(l) AS type, startNode(l).id AS from_id,
  endNode(l).id AS to_id, o.id AS other_id, o.account_id AS other_account
"""

# $visible: the account ids the caller may see (null: all), as the write API's lists take it.
LIST_ACCOUNTS: Final = """
MATCH (a:Account)
WHERE ($visible IS NULL OR a.id IN $visible)
  AND ($search IS NULL
       OR toLower(a.name) CONTAINS toLower($search)
       OR toLower(a.id) CONTAINS toLower($search))
OPTIONAL MATCH (a)<-[:WORKS_AT]-(s:Stakeholder)
WITH a, count(s) AS stakeholder_count
RETURN a {.*} AS account, stakeholder_count
ORDER BY toLower(a.name), a.id
"""

# One page of account ids after $after (null: from the first), in id order: a portfolio
# walks the store in pages instead of reading every account at once.
ACCOUNT_IDS: Final = """
MATCH (a:Account)
WHERE $after IS NULL OR a.id > $after
RETURN a.id AS id
ORDER BY a.id
LIMIT $limit
"""

LIST_TEAM_MEMBERS: Final = """
MATCH (m:TeamMember)
RETURN m {.*} AS member
ORDER BY m.id
"""

# Who calendar and mail imports can recognise: everyone with an e-mail address or alias.
MEMBER_ADDRESSES: Final = """
MATCH (m:TeamMember)
WHERE m.email IS NOT NULL OR m.aliases IS NOT NULL
RETURN m.id AS id, m.email AS email, m.aliases AS aliases
ORDER BY m.id
"""

STAKEHOLDER_ADDRESSES: Final = """
MATCH (s:Stakeholder)
WHERE s.email IS NOT NULL OR s.aliases IS NOT NULL
RETURN s.id AS id, s.account_id AS account_id, s.email AS email, s.aliases AS aliases
ORDER BY s.id
"""

LIST_COMPETITORS: Final = """
MATCH (c:Competitor)
RETURN c {.*} AS competitor
ORDER BY c.id
"""

# --- records of one kind (the write API): a page and the total ------------------------
#
# Each takes $visible (the account ids the caller may see, or null: all), a null-or-value
# parameter per filter, and $offset/$stop; it returns one row: the total that match and
# the page of them, in key order. $search is part of a name or id (any case).

LIST_ACCOUNT_RECORDS: Final = """
MATCH (a:Account)
WHERE ($visible IS NULL OR a.id IN $visible)
  AND ($id IS NULL OR a.id = $id)
  AND ($search IS NULL OR toLower(a.name) CONTAINS toLower($search)
       OR toLower(a.id) CONTAINS toLower($search))
WITH a ORDER BY toLower(a.name), a.id
WITH collect(a {.*}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_STAKEHOLDER_RECORDS: Final = """
MATCH (s:Stakeholder)
WHERE ($visible IS NULL OR s.account_id IN $visible)
  AND ($id IS NULL OR s.id = $id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
  AND ($search IS NULL OR toLower(s.name) CONTAINS toLower($search)
       OR toLower(s.id) CONTAINS toLower($search))
WITH s ORDER BY s.id
WITH collect(s {.*}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_TEAM_MEMBER_RECORDS: Final = """
MATCH (m:TeamMember)
WHERE ($id IS NULL OR m.id = $id)
  AND ($search IS NULL OR toLower(m.name) CONTAINS toLower($search)
       OR toLower(m.id) CONTAINS toLower($search))
WITH m ORDER BY m.id
WITH collect(m {.*}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_COMPETITOR_RECORDS: Final = """
MATCH (c:Competitor)
WHERE ($id IS NULL OR c.id = $id)
  AND ($search IS NULL OR toLower(c.name) CONTAINS toLower($search)
       OR toLower(c.id) CONTAINS toLower($search))
WITH c ORDER BY c.id
WITH collect(c {.*}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

# Participants are read for the page afterwards (INTERACTION_PARTICIPANTS).
LIST_INTERACTION_RECORDS: Final = """
MATCH (i:Interaction)
WHERE ($visible IS NULL OR i.account_id IN $visible)
  AND ($id IS NULL OR i.id = $id)
  AND ($account_id IS NULL OR i.account_id = $account_id)
  AND ($member_id IS NULL OR (i)<-[:ATTENDED]-(:TeamMember {id: $member_id}))
  AND ($stakeholder_id IS NULL OR (i)-[:WITH]->(:Stakeholder {id: $stakeholder_id}))
WITH i ORDER BY i.id
WITH collect(i {.*}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

INTERACTION_PARTICIPANTS: Final = """
UNWIND $ids AS wanted
MATCH (i:Interaction {id: wanted})
OPTIONAL MATCH (i)<-[:ATTENDED]-(m:TeamMember)
WITH i, collect(m.id) AS member_ids
OPTIONAL MATCH (i)-[:WITH]->(s:Stakeholder)
RETURN i.id AS id, member_ids, collect(s.id) AS stakeholder_ids
"""

LIST_KNOWS_RECORDS: Final = """
MATCH (m:TeamMember)-[k:KNOWS]->(s:Stakeholder)
WHERE ($visible IS NULL OR s.account_id IN $visible)
  AND ($member_id IS NULL OR m.id = $member_id)
  AND ($stakeholder_id IS NULL OR s.id = $stakeholder_id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
WITH m, k, s ORDER BY m.id, s.id
WITH collect(k {.*, member_id: m.id, stakeholder_id: s.id}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_TEAM_RECORDS: Final = """
MATCH (m:TeamMember)-[t:ON_TEAM]->(a:Account)
WHERE ($visible IS NULL OR a.id IN $visible)
  AND ($account_id IS NULL OR a.id = $account_id)
  AND ($member_id IS NULL OR m.id = $member_id)
  AND ($role IS NULL OR t.role = $role)
WITH m, t, a ORDER BY a.id, m.id
WITH collect({account_id: a.id, member_id: m.id, role: t.role}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

# Lines are read as account graphs read them: between people at one account.
LIST_REPORTS_TO_RECORDS: Final = """
MATCH (s:Stakeholder)-[:REPORTS_TO]->(boss:Stakeholder)
WHERE boss.account_id = s.account_id
  AND ($visible IS NULL OR s.account_id IN $visible)
  AND ($stakeholder_id IS NULL OR s.id = $stakeholder_id)
  AND ($manager_id IS NULL OR boss.id = $manager_id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
WITH s, boss ORDER BY s.id
WITH collect({stakeholder_id: s.id, manager_id: boss.id}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_INFLUENCES_RECORDS: Final = """
MATCH (s:Stakeholder)-[r:INFLUENCES]->(t:Stakeholder)
WHERE t.account_id = s.account_id
  AND ($visible IS NULL OR s.account_id IN $visible)
  AND ($source_id IS NULL OR s.id = $source_id)
  AND ($target_id IS NULL OR t.id = $target_id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
WITH s, r, t ORDER BY s.id, t.id
WITH collect({source_id: s.id, target_id: t.id, weight: r.weight}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

# Symmetric: each id filter matches either end (and the same id twice matches nothing).
LIST_CONFLICTS_RECORDS: Final = """
MATCH (s:Stakeholder)-[:CONFLICTS_WITH]->(o:Stakeholder)
WHERE o.account_id = s.account_id
  AND ($visible IS NULL OR s.account_id IN $visible)
  AND ($stakeholder_id IS NULL OR $stakeholder_id IN [s.id, o.id])
  AND ($other_id IS NULL OR $other_id IN [s.id, o.id])
  AND ($stakeholder_id IS NULL OR $other_id IS NULL OR $stakeholder_id <> $other_id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
WITH s, o ORDER BY s.id, o.id
WITH collect({stakeholder_id: s.id, other_id: o.id}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_OWNERS_RECORDS: Final = """
MATCH (m:TeamMember)-[:OWNS]->(s:Stakeholder)
WHERE ($visible IS NULL OR s.account_id IN $visible)
  AND ($stakeholder_id IS NULL OR s.id = $stakeholder_id)
  AND ($member_id IS NULL OR m.id = $member_id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
WITH m, s ORDER BY s.id
WITH collect({stakeholder_id: s.id, member_id: m.id}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

LIST_FAVORS_RECORDS: Final = """
MATCH (s:Stakeholder)-[:FAVORS]->(c:Competitor)
WHERE ($visible IS NULL OR s.account_id IN $visible)
  AND ($stakeholder_id IS NULL OR s.id = $stakeholder_id)
  AND ($competitor_id IS NULL OR c.id = $competitor_id)
  AND ($account_id IS NULL OR s.account_id = $account_id)
WITH s, c ORDER BY s.id, c.id
WITH collect({stakeholder_id: s.id, competitor_id: c.id}) AS found
RETURN size(found) AS total, found[$offset..$stop] AS items
"""

# The interactions some people took part in ($ids), and where they are filed: what
# removing those people may leave with nobody on one side.
STAKEHOLDER_INTERACTIONS: Final = """
UNWIND $ids AS wanted
MATCH (:Stakeholder {id: wanted})<-[:WITH]-(i:Interaction)
RETURN DISTINCT i.id AS id, i.account_id AS account_id
"""

MEMBER_INTERACTIONS: Final = """
UNWIND $ids AS wanted
MATCH (:TeamMember {id: wanted})-[:ATTENDED]->(i:Interaction)
RETURN DISTINCT i.id AS id, i.account_id AS account_id
"""

# The records kamgraph holds: not the lock, nor the change log and its clock.
COUNT_NODES: Final = """
MATCH (n)
WHERE NOT (n:WriteLock OR n:ChangeSet OR n:HistoryClock OR n:StoreVersion)
RETURN count(n) AS nodes
"""

# --- deletes ---------------------------------------------------------------------------

# Erasure of a person: first the salted hashes of their id, name and e-mail that keep
# later imports from bringing them back (no erasure without its guard: both statements
# run in one atomic block). A statement that deletes nodes creates none: on FalkorDB 4.16
# a node created before a delete in the same statement can leave the deleted nodes in
# their labels' matrices (see graph/dialect.py).
MARK_ERASED: Final = """
MATCH (s:Stakeholder {id: $stakeholder_id})
MERGE (:ErasedId {hash: $erased_hash})
FOREACH (p IN $erased_names |
  MERGE (n:ErasedName {hash: p.hash})
  SET n.first = p.first, n.words = p.words)
RETURN s.id AS id
"""

# Then the person. An interaction only they attended on the customer's side goes with
# them; a shared one loses them and stays, because it is the colleagues' history too.
ERASE_STAKEHOLDER: Final = """
MATCH (s:Stakeholder {id: $stakeholder_id})
OPTIONAL MATCH (s)<-[:WITH]-(i:Interaction)
OPTIONAL MATCH (i)-[:WITH]->(other:Stakeholder)
WHERE other.id <> s.id
WITH s, i, count(other) AS others
WITH s,
  collect(CASE WHEN others = 0 THEN i ELSE NULL END) AS solo,
  count(CASE WHEN others > 0 THEN i ELSE NULL END) AS shared
FOREACH (x IN solo | DETACH DELETE x)
DETACH DELETE s
RETURN size(solo) AS interactions_deleted, shared AS interactions_kept
"""

# Plain removals (the write API). Each returns how many records it removed (0: none
# there). A removed person's interactions that are left with nobody on one side go with
# them (DELETE_EMPTY_INTERACTIONS): the model requires someone on each side.

# An account and everything on it: its people, its interactions, its team's roles.
DELETE_ACCOUNT: Final = """
MATCH (a:Account {id: $account_id})
OPTIONAL MATCH (a)<-[:WORKS_AT]-(s:Stakeholder)
WITH a, collect(s) AS people
OPTIONAL MATCH (a)<-[:ABOUT]-(i:Interaction)
WITH a, people, collect(i) AS log
FOREACH (x IN people | DETACH DELETE x)
FOREACH (x IN log | DETACH DELETE x)
DETACH DELETE a
RETURN count(*) AS removed
"""

DELETE_STAKEHOLDER: Final = """
MATCH (s:Stakeholder {id: $stakeholder_id})
DETACH DELETE s
RETURN count(*) AS removed
"""

DELETE_TEAM_MEMBER: Final = """
MATCH (m:TeamMember {id: $member_id})
DETACH DELETE m
RETURN count(*) AS removed
"""

DELETE_COMPETITOR: Final = """
MATCH (c:Competitor {id: $competitor_id})
DETACH DELETE c
RETURN count(*) AS removed
"""

DELETE_INTERACTION: Final = """
MATCH (i:Interaction {id: $interaction_id})
DETACH DELETE i
RETURN count(*) AS removed
"""

DELETE_EMPTY_INTERACTIONS: Final = """
UNWIND $ids AS wanted
MATCH (i:Interaction {id: wanted})
WHERE NOT (i)-[:WITH]->(:Stakeholder) OR NOT (i)<-[:ATTENDED]-(:TeamMember)
DETACH DELETE i
RETURN count(*) AS removed
"""

END_RELATIONSHIP: Final = """
MATCH (:TeamMember {id: $member_id})-[k:KNOWS]->(:Stakeholder {id: $stakeholder_id})
DELETE k
RETURN count(*) AS removed
"""

UNASSIGN_OWNER: Final = """
MATCH (:TeamMember)-[o:OWNS]->(:Stakeholder {id: $stakeholder_id})
DELETE o
RETURN count(*) AS removed
"""

DROP_REPORTING_LINE: Final = """
MATCH (:Stakeholder {id: $stakeholder_id})-[r:REPORTS_TO]->(:Stakeholder)
DELETE r
RETURN count(*) AS removed
"""

DROP_INFLUENCE_LINE: Final = """
MATCH (:Stakeholder {id: $source_id})-[r:INFLUENCES]->(:Stakeholder {id: $target_id})
DELETE r
RETURN count(*) AS removed
"""

# Either way round: a conflict is stored once and read as symmetric.
DROP_CONFLICT_LINE: Final = """
MATCH (:Stakeholder {id: $stakeholder_id})-[r:CONFLICTS_WITH]-(:Stakeholder {id: $other_id})
DELETE r
RETURN count(*) AS removed
"""

REMOVE_TEAM_ROLE: Final = """
MATCH (:TeamMember {id: $member_id})-[t:ON_TEAM]->(:Account {id: $account_id})
WHERE t.role = $role
DELETE t
RETURN count(*) AS removed
"""

REMOVE_FAVOR: Final = """
MATCH (:Stakeholder {id: $stakeholder_id})-[f:FAVORS]->(:Competitor {id: $competitor_id})
DELETE f
RETURN count(*) AS removed
"""

# The salt of this store's erasure hashes: made once, by the first erasure.
ERASURE_SALT: Final = """
MERGE (k:ErasureSalt {key: 'erasure'})
ON CREATE SET k.salt = $salt
RETURN k.salt AS salt
"""

ERASED: Final = """
MATCH (k:ErasureSalt {key: 'erasure'})
OPTIONAL MATCH (e:ErasedId)
WITH k, collect(e.hash) AS ids
OPTIONAL MATCH (n:ErasedName)
RETURN k.salt AS salt, ids,
  collect(CASE WHEN n IS NULL THEN NULL ELSE n {.hash, .first, .words} END) AS names
"""

# Records other than the erased person whose free text may mention them: every word of
# their name ($words), or one of their addresses ($emails: e-mail and aliases), in some
# field (the caller decides with a whole-word match). The lists are bound in WITH because
# FalkorDB drops every row when a WHERE made only of list predicates iterates a $param.
# Interactions only they attended are left out (the erasure deletes them); so is every
# record of theirs.
MENTION_CANDIDATES: Final = """
MATCH (n:Account)
WITH n, toLower(coalesce(n.name, '') + ' ' + coalesce(n.industry, '') + ' '
  + coalesce(n.notes, '')) AS text, $words AS words, $emails AS emails
WHERE all(w IN words WHERE text CONTAINS w) OR any(e IN emails WHERE text CONTAINS e)
RETURN 'account' AS kind, n.id AS id, NULL AS stakeholder_id,
  {name: n.name, industry: n.industry, notes: n.notes} AS fields
UNION ALL
MATCH (n:Stakeholder)
WHERE n.id <> $stakeholder_id
WITH n, toLower(coalesce(n.name, '') + ' ' + coalesce(n.title, '') + ' '
  + coalesce(n.function, '') + ' ' + coalesce(n.email, '') + ' ' + coalesce(n.notes, ''))
  AS text, $words AS words, $emails AS emails
WHERE all(w IN words WHERE text CONTAINS w) OR any(e IN emails WHERE text CONTAINS e)
RETURN 'stakeholder' AS kind, n.id AS id, NULL AS stakeholder_id,
  {name: n.name, title: n.title, function: n.function, email: n.email, notes: n.notes} AS fields
UNION ALL
MATCH (n:TeamMember)
WITH n, toLower(coalesce(n.name, '') + ' ' + coalesce(n.title, '') + ' '
  + coalesce(n.email, '')) AS text, $words AS words, $emails AS emails
WHERE all(w IN words WHERE text CONTAINS w) OR any(e IN emails WHERE text CONTAINS e)
RETURN 'team member' AS kind, n.id AS id, NULL AS stakeholder_id,
  {name: n.name, title: n.title, email: n.email} AS fields
UNION ALL
MATCH (n:Competitor)
WITH n, toLower(n.name) AS text, $words AS words, $emails AS emails
WHERE all(w IN words WHERE text CONTAINS w) OR any(e IN emails WHERE text CONTAINS e)
RETURN 'competitor' AS kind, n.id AS id, NULL AS stakeholder_id, {name: n.name} AS fields
UNION ALL
MATCH (n:Interaction)
WITH n, toLower(coalesce(n.summary, '')) AS text, $words AS words, $emails AS emails
WHERE all(w IN words WHERE text CONTAINS w) OR any(e IN emails WHERE text CONTAINS e)
OPTIONAL MATCH (n)-[:WITH]->(other:Stakeholder)
WHERE other.id <> $stakeholder_id
WITH n, count(other) AS others
WHERE others > 0
RETURN 'interaction' AS kind, n.id AS id, NULL AS stakeholder_id,
  {summary: n.summary} AS fields
UNION ALL
MATCH (m:TeamMember)-[k:KNOWS]->(n:Stakeholder)
WHERE n.id <> $stakeholder_id
WITH m, n, k, toLower(coalesce(k.source, '')) AS text, $words AS words, $emails AS emails
WHERE all(w IN words WHERE text CONTAINS w) OR any(e IN emails WHERE text CONTAINS e)
RETURN 'relationship' AS kind, m.id AS id, n.id AS stakeholder_id, {source: k.source} AS fields
"""

# Redacted text for the mentions found above; $rows: {id, props} (KNOWS: member_id,
# stakeholder_id, props). A record deleted meanwhile is not brought back.
SCRUB_ACCOUNTS: Final = """
UNWIND $rows AS row
MATCH (n:Account {id: row.id})
SET n += row.props
RETURN count(n) AS written
"""

SCRUB_STAKEHOLDERS: Final = """
UNWIND $rows AS row
MATCH (n:Stakeholder {id: row.id})
SET n += row.props
RETURN count(n) AS written
"""

SCRUB_TEAM_MEMBERS: Final = """
UNWIND $rows AS row
MATCH (n:TeamMember {id: row.id})
SET n += row.props
RETURN count(n) AS written
"""

SCRUB_COMPETITORS: Final = """
UNWIND $rows AS row
MATCH (n:Competitor {id: row.id})
SET n += row.props
RETURN count(n) AS written
"""

SCRUB_INTERACTIONS: Final = """
UNWIND $rows AS row
MATCH (n:Interaction {id: row.id})
SET n += row.props
RETURN count(n) AS written
"""

SCRUB_KNOWS: Final = """
UNWIND $rows AS row
MATCH (:TeamMember {id: row.member_id})-[k:KNOWS]->(:Stakeholder {id: row.stakeholder_id})
SET k += row.props
RETURN count(k) AS written
"""

DELETE_EVERYTHING: Final = """
MATCH (n)
WHERE NOT n:WriteLock
DETACH DELETE n
"""

# Everything the store holds, for comparing a store before and after, and for searching it
# for what must never be kept (a token's secret).
DUMP_NODES: Final = """
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
"""

DUMP_RELATIONSHIPS: Final = """
MATCH (a)-[r]->(b)
RETURN properties(a) AS source, type(r) AS type, properties(r) AS props, properties(b) AS target
"""

# --- access: API tokens (hashes only), the session-signing secret, a member's accounts ----

ADD_TOKEN: Final = """
CREATE (t:ApiToken {id: $id, hash: $hash, member_id: $member_id, role: $role,
                    label: $label, created_at: $created_at})
RETURN t.id AS id
"""

TOKEN_BY_HASH: Final = """
MATCH (t:ApiToken {hash: $hash})
WHERE t.revoked_at IS NULL
RETURN t {.id, .member_id, .role, .label, .created_at, .revoked_at} AS token
"""

TOKEN_BY_ID: Final = """
MATCH (t:ApiToken {id: $id})
WHERE t.revoked_at IS NULL
RETURN t {.id, .member_id, .role, .label, .created_at, .revoked_at} AS token
"""

TOKENS: Final = """
MATCH (t:ApiToken)
RETURN t {.id, .member_id, .role, .label, .created_at, .revoked_at} AS token
ORDER BY t.created_at, t.id
"""

REVOKE_TOKEN: Final = """
MATCH (t:ApiToken {id: $id})
WHERE t.revoked_at IS NULL
SET t.revoked_at = $at
RETURN t.id AS id
"""

REVOKE_LABELLED_TOKENS: Final = """
MATCH (t:ApiToken {label: $label})
WHERE t.revoked_at IS NULL
SET t.revoked_at = $at
RETURN count(t) AS revoked
"""

TEAM_ACCOUNTS: Final = """
MATCH (:TeamMember {id: $member_id})-[:ON_TEAM]->(a:Account)
RETURN a.id AS id
"""

SESSION_SECRET: Final = """
MERGE (k:AppSecret {key: 'session'})
ON CREATE SET k.secret = $secret
RETURN k.secret AS secret
"""

# --- the writer lock (Neo4j; the embedded engine locks a file) --------------------------

# The first statement of every Neo4j write: SET takes the lock node's exclusive lock,
# held until the transaction ends, so writers take turns (the unique constraint on
# WriteLock.id makes the first MERGE create one node, not two).
TAKE_WRITE_LOCK: Final = """
MERGE (l:WriteLock {id: 'writer'})
SET l.holder = $holder
RETURN l.id AS lock
"""

# --- the store's version (graph.store.GraphStore.version) -------------------------------

# Moved on by the last statement of every write transaction, so it lands with the write or
# not at all. The epoch, drawn when the node is made, keeps a store emptied and written
# again from ever showing an old version's number with other data.
STORE_VERSION: Final = """
OPTIONAL MATCH (v:StoreVersion {id: 'version'})
RETURN v.epoch AS epoch, v.n AS n
"""

BUMP_STORE_VERSION: Final = """
MERGE (v:StoreVersion {id: 'version'})
ON CREATE SET v.epoch = $epoch, v.n = 0
SET v.n = v.n + 1
RETURN v.epoch AS epoch, v.n AS n
"""

# --- history: the change log (graph.history) --------------------------------------------

# The accounts whose graphs show a team member (team, relationships, ownership,
# interactions): a change to the member's own record changes each of them.
MEMBER_ACCOUNTS: Final = """
UNWIND $ids AS wanted
MATCH (m:TeamMember {id: wanted})
OPTIONAL MATCH (m)-[:ON_TEAM]->(a:Account)
WITH m, collect(a.id) AS on_team
OPTIONAL MATCH (m)-[:KNOWS|OWNS]->(s:Stakeholder)
WITH m, on_team, collect(s.account_id) AS known
OPTIONAL MATCH (m)-[:ATTENDED]->(i:Interaction)
RETURN on_team, known, collect(i.account_id) AS attended
"""

COMPETITOR_ACCOUNTS: Final = """
UNWIND $ids AS wanted
MATCH (:Competitor {id: wanted})<-[:FAVORS]-(s:Stakeholder)
RETURN DISTINCT s.account_id AS account_id
"""

# The log's clock: the last sequence number given out and the newest change's date.
HISTORY_CLOCK: Final = """
OPTIONAL MATCH (k:HistoryClock {id: 'clock'})
RETURN k.seq AS seq, k.newest AS newest
"""

SET_HISTORY_CLOCK: Final = """
MERGE (k:HistoryClock {id: 'clock'})
SET k.seq = $seq, k.newest = $newest
RETURN k.seq AS seq
"""

# The change log: one ChangeSet per account and write block (see graph.history), its
# changes one JSON text.
RECORD_CHANGE_SETS: Final = """
UNWIND $rows AS row
CREATE (c:ChangeSet)
SET c += row
RETURN count(c) AS written
"""

# An account's history in one read, for a chunk of accounts: where it starts, and the sets
# dated after the end of $after (and by the end of $until, when given). An account
# without history has no row.
ACCOUNTS_LOG: Final = """
UNWIND $account_ids AS wanted
MATCH (c:ChangeSet {account_id: wanted})
RETURN wanted AS account_id, min(c.at) AS first,
  collect(CASE WHEN c.at > $after AND ($until IS NULL OR c.at <= $until)
    THEN c {.*} END) AS sets
"""

ACCOUNT_HISTORY_SPAN: Final = """
MATCH (c:ChangeSet {account_id: $account_id})
RETURN min(c.at) AS first, sum(c.count) AS changes
"""

# What a page of the log needs to know first: where each set is and how many it holds.
ACCOUNT_CHANGE_SET_SIZES: Final = """
MATCH (c:ChangeSet {account_id: $account_id})
RETURN c.first_seq AS first_seq, c.count AS count
"""

ACCOUNT_CHANGE_SETS: Final = """
UNWIND $first_seqs AS wanted
MATCH (c:ChangeSet {account_id: $account_id, first_seq: wanted})
RETURN c {.*} AS set
"""

# Erasure: the sets whose text may hold the person (their id as JSON, exactly: lower-casing
# differs between engines and Python; their name's every word, when it has any; an address
# of theirs), and those that may log some interactions ($quoted: their ids as
# JSON); the caller decodes them and decides entry by entry.
HISTORY_NAMING: Final = """
MATCH (c:ChangeSet)
WITH c, toLower(c.changes) AS text, $words AS words, $emails AS emails
WHERE c.changes CONTAINS $quoted_id
   OR (size(words) > 0 AND all(w IN words WHERE text CONTAINS w))
   OR any(e IN emails WHERE text CONTAINS e)
RETURN c {.*} AS set
"""

INTERACTION_CHANGE_SETS: Final = """
MATCH (c:ChangeSet)
WHERE any(q IN $quoted WHERE c.changes CONTAINS q)
RETURN c {.*} AS set
"""

REWRITE_CHANGE_SETS: Final = """
UNWIND $rows AS row
MATCH (c:ChangeSet {account_id: row.account_id, first_seq: row.first_seq})
SET c.changes = row.changes, c.count = row.count
RETURN count(c) AS written
"""

DELETE_CHANGE_SETS: Final = """
UNWIND $rows AS row
MATCH (c:ChangeSet {account_id: row.account_id, first_seq: row.first_seq})
DELETE c
RETURN count(*) AS written
"""

# A store written before the log was kept in sets has one Change node per change: read
# them a page at a time in log order, and delete them once their sets are written.
OLD_CHANGES: Final = """
MATCH (c:Change)
WHERE c.seq > $after
RETURN c {.*} AS change
ORDER BY c.seq
LIMIT $limit
"""

DELETE_OLD_CHANGES: Final = """
MATCH (c:Change)
WHERE c.seq > $after AND c.seq <= $through
DELETE c
RETURN count(*) AS written
"""

#: Every statement above by name, for the lint and contract tests.
ALL: Final[dict[str, str]] = {
    name: text for name, text in dict(globals()).items() if name.isupper() and name != "ALL"
}

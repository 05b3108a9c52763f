// Reads {"name": "query", ...} as JSON on stdin, lints each query as Neo4j 5 Cypher and
// prints {"name": [{"severity", "message", "offset"}], ...}. Undefined parameters are not
// problems: kamgraph passes every value as a parameter at run time.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const queries = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const prefix = 'CYPHER 5 ';
const report = {};
for (const [name, query] of Object.entries(queries)) {
  const { diagnostics } = lintCypherQuery(prefix + query, {});
  report[name] = diagnostics
    .filter((d) => !/^Parameter \$\w+ is not defined\.$/.test(d.message))
    .map((d) => ({
      severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
      message: d.message,
      offset: d.offsets.start - prefix.length,
    }));
}
process.stdout.write(JSON.stringify(report));

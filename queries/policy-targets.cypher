// title: Policies, their targets and who issued them
// description: Each policy that targets something (a firm, technology, chip, model or place), the
//   target's type, and the bodies or places that issued the policy.
MATCH (p:Policy)-[:TARGETS]->(t:Entity)
OPTIONAL MATCH (p)-[:ISSUED_BY]->(g:Entity)
RETURN DISTINCT p.label AS policy, t.label AS target, t.type AS target_type, g.label AS issuer
ORDER BY policy, target, issuer

// title: Entities most connected to a policy
// description: The entities a policy is related to (targets, affects, issued by, supported by...), ranked by
//   the number of assertions linking them, with the number of articles.
// @param policy: entity = "Entity List" -- the policy (key, name or alias)
// @param limit: int = 20 -- at most this many entities
MATCH (p:Policy {key: $policy})-[r]-(e:Entity)
RETURN e.key AS key, e.label AS entity, e.type AS type, count(r) AS assertions,
       count(DISTINCT r.article) AS articles
ORDER BY assertions DESC, key
LIMIT $limit

// title: What changed between two dates
// description: Relations first asserted by an article published between two dates (inclusive), with how many
//   articles assert them; reference facts from the catalog are not news and are left out.
// @param from: date = 2025-01-01 -- first day
// @param to: date = 2025-12-31 -- last day
MATCH (s:Entity)-[r]->(o:Entity)
WHERE r.published IS NOT NULL
WITH s, o, r.predicate AS predicate, min(r.published) AS first_seen, count(DISTINCT r.article) AS articles
WHERE first_seen >= $from AND first_seen <= $to
RETURN first_seen, s.label AS subject, predicate, o.label AS object, articles
ORDER BY first_seen, subject, predicate, object

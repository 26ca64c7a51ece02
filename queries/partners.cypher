// title: Who partners with whom
// description: Pairs of organisations in a partnership, deal or collaboration (each pair once), with the
//   number of assertions and of articles behind it.
MATCH (a:Organization)-[r:PARTNERS_WITH]-(b:Organization)
WHERE a.key < b.key
WITH a, b, count(r) AS assertions, count(DISTINCT r.article) AS articles
RETURN a.label AS partner, b.label AS other_partner, assertions, articles
ORDER BY assertions DESC, partner, other_partner

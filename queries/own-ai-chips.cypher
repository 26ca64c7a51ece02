// title: Firms that develop their own AI chips
// description: Companies that develop or manufacture a chip, with the number of articles saying so
//   (0 when only the reference catalog does).
MATCH (c:Company)-[r:DEVELOPS|MANUFACTURES]->(ch:Chip)
WITH c, ch, count(DISTINCT r.article) AS articles
RETURN c.label AS company, ch.label AS chip, articles
ORDER BY company, chip

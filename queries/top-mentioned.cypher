// title: Most mentioned entities
// description: Entities ranked by the number of articles that mention them.
// @param of_type: str = "" -- only entities of this type (e.g. Company); empty for all
// @param limit: int = 20 -- at most this many entities
MATCH (a:Article)-[:MENTIONS]->(e:Entity)
WHERE $of_type = '' OR e.type = $of_type
RETURN e.key AS key, e.label AS entity, e.type AS type, count(DISTINCT a.key) AS articles
ORDER BY articles DESC, key
LIMIT $limit

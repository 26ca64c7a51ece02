// title: Shortest paths between two entities
// description: How two entities are connected through the relations of the graph (any direction, at most
//   3 hops): every entity on a shortest path, by its position (step 0 is the first entity).
// dialect: LadybugDB writes all shortest paths as `-[:T* ALL SHORTEST 1..3]-`, Neo4j 5 as
//   `allShortestPaths(...)`, and list indexes start at 1 in LadybugDB and at 0 in Neo4j; no common form
//   exists, so the Neo4j text follows the `@dialect neo4j` line. Both return the same rows.
// @param a: entity = "Baidu" -- one entity (key, name or alias)
// @param b: entity = "Nvidia" -- the other entity
MATCH p = (x:Entity {key: $a})-[:AFFECTS|COMPETES_WITH|CONSTITUENT_OF|DEVELOPS|HEADQUARTERED_IN|INVESTS_IN|INVOLVES|ISSUED_BY|LEADS|LISTED_ON|MANUFACTURES|OPERATES_IN|PARTNERS_WITH|SUBSIDIARY_OF|SUPPLIES_TO|SUPPORTS|TARGETS|TRAINED_ON|USES* ALL SHORTEST 1..3]-(y:Entity {key: $b})
UNWIND range(0, length(p)) AS step
WITH length(p) AS hops, step, nodes(p)[step + 1] AS n
RETURN DISTINCT hops, step, n.key AS key, n.label AS label
ORDER BY step, key

// @dialect neo4j
MATCH p = allShortestPaths((x:Entity {key: $a})-[:AFFECTS|COMPETES_WITH|CONSTITUENT_OF|DEVELOPS|HEADQUARTERED_IN|INVESTS_IN|INVOLVES|ISSUED_BY|LEADS|LISTED_ON|MANUFACTURES|OPERATES_IN|PARTNERS_WITH|SUBSIDIARY_OF|SUPPLIES_TO|SUPPORTS|TARGETS|TRAINED_ON|USES*..3]-(y:Entity {key: $b}))
UNWIND range(0, length(p)) AS step
WITH length(p) AS hops, step, nodes(p)[step] AS n
RETURN DISTINCT hops, step, n.key AS key, n.label AS label
ORDER BY step, key

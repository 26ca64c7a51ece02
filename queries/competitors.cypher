// title: Competitors of a firm
// description: The firms, models or products said to compete with an entity, with the number of assertions
//   and of articles behind each.
// @param entity: entity = "Huawei" -- the firm, model or product (key, name or alias)
MATCH (c:Entity {key: $entity})-[r:COMPETES_WITH]-(x:Entity)
WITH x, count(r) AS assertions, count(DISTINCT r.article) AS articles
RETURN x.label AS competitor, x.type AS type, assertions, articles
ORDER BY assertions DESC, competitor

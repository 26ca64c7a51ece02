// title: Metrics reported for an entity over time
// description: The numbers articles state about a firm (or an index, a market...): measure, value, unit and
//   period, by publication date.
// @param entity: entity = "Baidu" -- the entity (key, name or alias)
MATCH (o:Observation)-[:OBSERVATION_OF]->(e:Entity {key: $entity})
RETURN o.published AS published, o.measure AS measure, o.value AS value, o.unit AS unit, o.period AS period,
       o.article AS article
ORDER BY published, measure, value

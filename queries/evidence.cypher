// title: Evidence behind the relations of two entities
// description: Every assertion linking two entities, in either direction, with the sentence it was read
//   from, its article, date and confidence (reference facts have no sentence).
// @param a: entity = "Baidu" -- one entity (key, name or alias)
// @param b: entity = "ERNIE" -- the other entity
MATCH (s:Entity)-[r]->(o:Entity)
WHERE (s.key = $a AND o.key = $b) OR (s.key = $b AND o.key = $a)
RETURN s.label AS subject, r.predicate AS predicate, o.label AS object, r.evidence AS evidence,
       r.article AS article, r.published AS published, r.confidence AS confidence
ORDER BY published, article, predicate

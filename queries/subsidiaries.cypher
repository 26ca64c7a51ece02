// title: Subsidiaries of a firm and their products
// description: The firm's subsidiaries (direct ones) and the chips, models and products each develops or
//   manufactures (empty when none is known).
// @param parent: entity = "Alibaba" -- the parent company (key, name or alias)
MATCH (s:Company)-[:SUBSIDIARY_OF]->(p:Company {key: $parent})
OPTIONAL MATCH (s)-[:DEVELOPS|MANUFACTURES]->(x:Artifact)
RETURN DISTINCT s.label AS subsidiary, x.label AS product, x.type AS product_type
ORDER BY subsidiary, product

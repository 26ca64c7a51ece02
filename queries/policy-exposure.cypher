// title: Policy exposure of index constituents
// description: Which constituents of a stock index are targeted or affected by which policies, either
//   directly or through a chip, model, product or technology the constituent develops or uses (`via`).
// @param stock_index: entity = "Hang Seng Tech Index" -- the stock index (key, name or alias)
MATCH (i:StockIndex {key: $stock_index})<-[:CONSTITUENT_OF]-(c:Company)-[:DEVELOPS|USES*0..1]->(t)<-[r:TARGETS|AFFECTS]-(p:Policy)
RETURN DISTINCT c.label AS constituent, p.label AS policy, r.predicate AS predicate,
       CASE WHEN t.key = c.key THEN null ELSE t.label END AS via
ORDER BY constituent, policy, predicate, via

// title: Models and the chips they were trained on
// description: AI models trained on which chips, who develops the model and who makes the chip.
MATCH (m:AIModel)-[:TRAINED_ON]->(ch:Chip)
OPTIONAL MATCH (dev)-[:DEVELOPS]->(m)
OPTIONAL MATCH (maker:Company)-[:DEVELOPS|MANUFACTURES]->(ch)
RETURN DISTINCT m.label AS model, dev.label AS developer, ch.label AS chip, maker.label AS chip_maker
ORDER BY model, chip, developer, chip_maker

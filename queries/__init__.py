"""Named Cypher and SPARQL queries, one file per question per language."""

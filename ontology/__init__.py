"""The chinatech ontology (OWL + SHACL) and reference catalog, shipped as package data."""

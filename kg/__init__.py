"""chinatech-kg: an ontology-driven knowledge graph of China's technology strategy, built from news."""

__version__ = "0.1.0"

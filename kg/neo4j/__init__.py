"""Neo4j: push the projection over Bolt, pull it back into a store, run Cypher, write offline bundles.

`connect` (settings, password, driver, one-line errors), `push`, `pull`, `bundle`; the CLI is
`kg.cli.neo4j`. The `neo4j` driver is imported only when a command talks to a server.
"""

"""The sync engine's generic part: raw source records and read cursors, sink outcomes, and reading sources."""

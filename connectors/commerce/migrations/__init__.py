"""Alembic revisions of the ``commerce`` branch (``mlc db upgrade`` applies them with the core's)."""

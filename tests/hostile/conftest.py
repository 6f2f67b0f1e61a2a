"""The hostile-input suite uses the QuickBooks Desktop sink's migrated databases."""

from qbd.conftest import qbd_sqlite_template, sqlite_qbd_url  # noqa: F401  (fixtures, found by name)

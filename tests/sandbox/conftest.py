"""The sandbox tests' fixtures: the accounts app fixtures plus the real connectors and running jobs."""

from mlc_testing.accounts import cheap_password_hashing, mailbox  # noqa: F401

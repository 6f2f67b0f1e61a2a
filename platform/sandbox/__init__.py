"""Sandbox tenants: a new user watches orders flow from a simulated store into simulated books, touching nothing real.

The generic part lives here (creating the flagged tenant, storing each plugin's sandbox connection and settings,
keeping the plugins' sandbox jobs on a schedule); the fake store and the simulated QuickBooks come from the
connectors through the ``sandbox`` plugin hook, so the core never names a connector.
"""

from mlconnector.platform.sandbox.create import SandboxCreated, SandboxUnavailable, create_sandbox
from mlconnector.platform.sandbox.delete import NOT_A_SANDBOX, delete_sandbox

__all__ = ["NOT_A_SANDBOX", "SandboxCreated", "SandboxUnavailable", "create_sandbox", "delete_sandbox"]

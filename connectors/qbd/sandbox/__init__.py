"""The QuickBooks side of a sandbox: a simulated company file and a simulated Web Connector, both in-process.

``books`` stocks the simulated file and rebuilds it from the requests it ran (kept in ``qbd_sandbox_requests``);
``cycle`` is the ``qbd.sandbox_cycle`` job, one Web Connector update against our own SOAP service; ``part`` is the
plugin's ``sandbox`` hook. A real Web Connector is refused for a sandbox tenant, and the sandbox's Web Connector
for a real one.
"""

SANDBOX_REFUSAL = (
    "This organisation is a sandbox: its QuickBooks company file is simulated, so a real QuickBooks Web Connector "
    "cannot connect to it. Create a new organisation to connect your own QuickBooks."
)
REAL_REFUSAL = "The simulated Web Connector serves sandbox organisations only; this organisation has real books."

"""A QuickBooks Desktop company file that answers qbXML like QuickBooks does, for tests and the sandbox.

``QuickBooksSimulator`` keeps lists and transactions, computes totals, enforces the shared name namespace,
EditSequence, references and the closing date, and answers with the response shapes of the real samples in
``shared/reference/qbd/samples`` (each behaviour cites its source in ``company.py``).
"""

from mlconnector.connectors.qbd.simulator.company import QuickBooksSimulator, Reply

__all__ = ["QuickBooksSimulator", "Reply"]

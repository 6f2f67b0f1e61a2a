"""The write state machine: every QuickBooks request is a row that moves pending → sent → applied | failed | held,
or in_doubt when its session ended without an answer (reconciled by a query before anything is re-sent)."""

"""What an operator watches: Prometheus instruments the core and connectors record into, and gauges sampled from
the database each time ``/metrics`` is scraped (queue depth per tenant now; documents and holds from the sync
engine once it registers its samplers)."""

"""The synthetic city's writers, one module per domain, and the pure plans they follow (``plans``)."""

"""Operator commands of the tenants area: ``mlc tenant``, ``mlc token``, ``mlc connection``."""

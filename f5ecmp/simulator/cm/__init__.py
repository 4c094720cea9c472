"""Cluster management: the device records, device groups and traffic groups a device accepts,
and what happens between devices because of them (trust, config sync, failover)."""

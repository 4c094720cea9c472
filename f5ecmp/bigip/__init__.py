"""What every step shares about talking to a BIG-IP: the typed device API, changes as data,
normalisers for BIG-IP's many spellings, the stats envelope, self IPs, config-sync waits and
the one reader of cluster state. Steps import from here; nothing here imports a step.
"""

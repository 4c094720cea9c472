"""Cluster management: the device records, device groups and traffic groups a device accepts
(`models`) and the commands it runs (`commands`); what happens between devices because of
them (`trust`, `sync` with `sync_copy`, `failover`); their REST answers (`responses`) and
routes (`urls`)."""

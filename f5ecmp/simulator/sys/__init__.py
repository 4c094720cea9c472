"""System: NTP, DNS, global settings, provisioning, db keys, saving the configuration and
iApps LX package tasks (`models`), iApps (`iapp`); version, readiness, device info, status
and failover over REST (`responses`); their routes (`urls`)."""

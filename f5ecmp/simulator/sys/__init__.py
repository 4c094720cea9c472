"""System: NTP, DNS, global settings, provisioning, db keys, iApps, saving the configuration."""

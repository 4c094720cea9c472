"""Network: interfaces, VLANs, self IPs and route domains."""

"""Network: interfaces, VLANs, self IPs and route domains (`models`); self-allow and the
statistics of VLANs and interfaces (`responses`); their routes (`urls`)."""

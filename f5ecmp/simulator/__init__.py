"""A simulated BIG-IP cluster that speaks iControl REST."""

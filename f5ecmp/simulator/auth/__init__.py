"""Authentication: users, login tokens and partitions."""

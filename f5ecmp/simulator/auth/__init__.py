"""Authentication: users, login tokens and partitions (`models`); login, tokens and the
check every request passes (`responses`); their routes (`urls`)."""

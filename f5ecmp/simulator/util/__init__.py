"""Utilities: the small bash and tmsh interpreter (`models`) behind `util/bash`
(`responses`, `urls`)."""

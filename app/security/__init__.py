"""Security: the security manager, roles declared in config/roles.yaml, jurisdiction scoping."""

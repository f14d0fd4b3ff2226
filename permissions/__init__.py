"""Who may see or do what in the portal: the rules in `permissions/rules.py`."""

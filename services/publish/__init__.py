"""publish: posts replies through the organisation's own accounts, exactly once."""

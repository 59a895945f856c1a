"""Accounts: the custom user (sign-in by e-mail), profile, personal API tokens."""

"""Accounts and sign-in: this service is where every person signs in once for all services."""

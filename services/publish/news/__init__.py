"""news."""

"""The four Lan Toả services; each is its own process and never imports another."""

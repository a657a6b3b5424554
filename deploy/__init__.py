"""How Lan Toả runs: one machine (local/), Docker Compose and Kubernetes."""

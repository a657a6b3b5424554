"""Bus wiring: the JetStream connection and streams, durable consumers, dead letters, AsyncAPI."""

"""Running everything on one machine: the embedded NATS and S3 servers, and `make up`."""

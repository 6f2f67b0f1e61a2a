"""The core's HTTP pieces: health endpoints, request context and error mapping."""

"""The benchmark: our server against the reference Yjs server, same clients, same run."""

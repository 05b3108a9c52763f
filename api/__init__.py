"""kamgraph's shells: the FastAPI app and the CLI, both thin layers over the service calls."""

# The kamgraph API for production, on Neo4j (see docker-compose.yml).
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY api ./api
COPY importers ./importers
COPY visual ./visual
RUN pip install --no-cache-dir . \
    && useradd --system --create-home kamgraph

USER kamgraph
EXPOSE 8000
# KAMGRAPH_STORE, NEO4J_USER and NEO4J_PASSWORD come from the environment.
# Inside the container serve listens on 0.0.0.0 (every interface of the container), so
# it prints its network warning at start: kamgraph has no logins yet. Publish the port
# on loopback only, as docker-compose.yml does (127.0.0.1:8000:8000), or behind a proxy
# that authenticates. Requests must name localhost, 127.0.0.1 or ::1, or a host listed
# in KAMGRAPH_ALLOWED_HOSTS (comma-separated; a proxy's name, *.example.com).
CMD ["kamgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]

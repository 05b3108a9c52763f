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
CMD ["kamgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]

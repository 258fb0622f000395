# The monitor as a long-running service: crawls on schedule and serves output/.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip install --no-cache-dir '.[alerts]' && useradd --create-home monitor
COPY sources.yaml ./
RUN mkdir -p /app/output && chown monitor /app/output
USER monitor
VOLUME ["/app/output"]
EXPOSE 8080
CMD ["monitor", "run", "--config", "/app/sources.yaml", "--serve", "0.0.0.0:8080"]

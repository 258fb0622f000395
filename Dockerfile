# The monitor as a long-running service: crawls on schedule and serves the feeds.
#
#   docker build -t thai-egov-monitor .
#   docker run -d --name monitor -p 8080:8080 \
#     -v monitor-data:/srv/monitor \
#     -v "$PWD/sources.yaml:/srv/monitor/sources.yaml:ro" \
#     --env-file monitor.env thai-egov-monitor
#
# /srv/monitor is the working directory and the one volume: sources.yaml is
# mounted into it read-only, and the paths in sources.yaml are relative to it,
# so output/ (the published files) and data/monitor.sqlite3 (the database, never
# served) land on the volume. No sources.yaml is baked in: edit yours and restart.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when
# the dependencies change, not on every change to the code. The `alerts` extra
# (Apprise) is included so that `alerts:` works in the image.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['alerts']))" > requirements.txt
RUN pip install -r requirements.txt

COPY README.md ./
COPY monitor ./monitor
RUN pip install --no-deps .

RUN useradd --create-home --uid 10001 monitor \
    && mkdir -p /srv/monitor/output /srv/monitor/data \
    && chown -R monitor /srv/monitor
WORKDIR /srv/monitor
USER monitor
VOLUME ["/srv/monitor"]
EXPOSE 8080
STOPSIGNAL SIGTERM

# /healthz answers 503 when the last crawl is much older than the shortest interval.
HEALTHCHECK --interval=60s --timeout=10s --start-period=2m --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=8)"]

CMD ["monitor", "run", "--config", "/srv/monitor/sources.yaml", "--serve", "0.0.0.0:8080"]

# One image for every webcare service; the command picks the service, as in `make run`:
#   docker run webcare python -m services.route
# Slim base pinned to an exact release, dependencies pinned by constraints.txt,
# runs as an unprivileged user, health checked on the service's metrics port.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 webcare \
 && useradd --system --uid 10001 --gid webcare --home-dir /app --no-create-home webcare

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml constraints.txt README.md ./
COPY schemas ./schemas
COPY services ./services
RUN pip install --no-compile -c constraints.txt . \
 && mkdir -p /var/lib/webcare \
 && chown webcare:webcare /var/lib/webcare
COPY deploy/config ./deploy/config

# Listen on every interface inside the container; keep state out of the code tree.
ENV WEBCARE_METRICS_HOST=0.0.0.0 \
    WEBCARE_INGEST_HOST=0.0.0.0 \
    WEBCARE_HISTORY_HOST=0.0.0.0 \
    WEBCARE_STATE_DIR=/var/lib/webcare \
    WEBCARE_ORGANISATION_CONFIG=/app/deploy/config/organisation.yaml

USER webcare:webcare
VOLUME ["/var/lib/webcare"]
EXPOSE 8000 8001 9101 9102 9103 9104 9105

# Finds out which service runs (PID 1's `services.<name>`) and asks its /health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-m", "services.common.healthcheck"]

CMD ["python", "-m", "services.ingest"]

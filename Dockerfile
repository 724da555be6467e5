# Calmline service image: slim, non-root, no compiler in the final stage, nothing downloaded at run time.
#   docker build -t calmline .
#   docker compose up            # with PostgreSQL (docker-compose.yml); see docs/deploy.md
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY calmline ./calmline
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[service,postgres]"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CALMLINE_DATABASE_URL=sqlite:////data/calmline.db
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels "calmline[service,postgres]" && rm -rf /wheels \
    && groupadd --system --gid 10001 calmline \
    && useradd --system --uid 10001 --gid calmline --home-dir /data --no-create-home calmline \
    && mkdir -p /data && chown calmline:calmline /data
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4).status != 200)"]
ENTRYPOINT ["calmline"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--log-level", "info"]

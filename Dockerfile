# syntax=docker/dockerfile:1
# ml-connector: one image, one entry point (`mlc`) for the web process, the workers and migrations:
#   docker run IMAGE serve        # web (Granian, ASGI) — the default
#   docker run IMAGE worker       # job worker
#   docker run IMAGE db upgrade   # migrations (with DATABASE_OWNER_URL)
ARG PYTHON_VERSION=3.11

# ---- build: a virtualenv with the pinned dependencies and our wheel --------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/mlc \
 && /opt/mlc/bin/pip install --upgrade "pip>=24" "setuptools>=75" wheel
COPY pyproject.toml setup.py constraints.txt README.md ./
COPY platform/ platform/
COPY tenants/ tenants/
COPY web/ web/
COPY connectors/ connectors/
RUN /opt/mlc/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/mlc/bin/pip install -c constraints.txt /wheels/*.whl

# ---- runtime: the virtualenv only, as an unprivileged user ----------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ENV PATH=/opt/mlc/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MLC_DATA_DIR=/var/lib/mlc \
    MLC_HOST=0.0.0.0 \
    MLC_WORKER_METRICS_HOST=0.0.0.0 \
    MLC_LOG_FORMAT=json
RUN groupadd --system --gid 10001 mlc \
 && useradd --system --uid 10001 --gid mlc --home-dir /var/lib/mlc --no-create-home --shell /usr/sbin/nologin mlc \
 && install -d -o mlc -g mlc -m 0750 /var/lib/mlc
COPY --from=build /opt/mlc /opt/mlc
USER 10001:10001
WORKDIR /var/lib/mlc
EXPOSE 8000 9191
ENTRYPOINT ["mlc"]
CMD ["serve"]

# syntax=docker/dockerfile:1
# The NMI-Q Portal image: one image for the web (gunicorn), the Celery worker, Celery beat and the
# one-off migration; docker-compose.yml chooses the command of each.

# --- Front-end packages -----------------------------------------------------------------------
# A stage of its own so that the runtime image carries npm's output but no Node.
FROM node:24-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Python dependencies, exactly as locked ---------------------------------------------------
FROM python:3.11-slim-trixie AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1
# The same uv as the Makefile, so the image and `make run` read uv.lock the same way.
RUN pip install uv==0.13.8
WORKDIR /app
# Only the two files that decide the dependencies: editing the code does not reinstall them.
COPY pyproject.toml uv.lock ./
# --frozen installs what uv.lock pins and fails instead of re-resolving; the `dev` extra (test
# and lint tools) stays out.
RUN uv sync --frozen --no-dev --no-install-project

# --- Compiled messages and collected static files ---------------------------------------------
FROM python-deps AS build
# msgfmt is needed only here, for compilemessages; the runtime image gets the .mo files.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/venv/bin:$PATH
COPY . .
COPY --from=assets /app/node_modules ./node_modules
# A throwaway key for these two commands only: without SECRET_KEY the settings would write a
# random key into var/ and the image would ship it. Neither command touches the database.
RUN SECRET_KEY=build-only-not-a-secret-never-used-to-sign-anything-0123456789 \
    python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v 0 \
    && SECRET_KEY=build-only-not-a-secret-never-used-to-sign-anything-0123456789 \
    python manage.py collectstatic --noinput -v 0

# --- Runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim-trixie AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --shell /usr/sbin/nologin app
COPY --from=python-deps /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /app /app
# The code stays root-owned and read-only to the app; only var/media (uploads, a volume in
# docker-compose.yml) is writable. A new named volume takes this ownership from the image.
RUN mkdir -p /app/var/media && chown app:app /app/var /app/var/media
# Numeric, so that orchestrators enforcing "run as non-root" can verify it.
USER 10001:10001
EXPOSE 8000
# Bind, workers (WEB_CONCURRENCY), heartbeat files on /dev/shm, the access log, the timeout the
# snapshot needs and the garbage collector's tuning: all in gunicorn.conf.py.
CMD ["gunicorn", "--config=gunicorn.conf.py", "nmiq_portal.wsgi:application"]

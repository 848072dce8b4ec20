# One image for web (gunicorn), the Celery worker and Celery beat.

# The front-end packages (Designsystemet, htmx) from package-lock.json; only the
# runtime ones, served as static files by WhiteNoise.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
COPY --from=assets /assets/node_modules ./node_modules
RUN pip install --no-cache-dir .

# Translations and static files are built into the image; the build-time key is
# never used at run time.
RUN python manage.py compilemessages --ignore=.venv \
    && SECRET_KEY=build-only-not-secret DEBUG=false python manage.py collectstatic --no-input

RUN useradd --system --home /app planportal && chown -R planportal /app
USER planportal

EXPOSE 8000
CMD ["gunicorn", "planportal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

# The Tase image for a trial of the production setup (compose.yaml): the app server
# (gunicorn) and the task worker run from it. See docs/deployment.md.
FROM python:3.13-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
# Translations compiled before the package is installed, so the .mo files are package data.
RUN find src -name django.po -execdir msgfmt -o django.mo django.po \; \
 && pip install --no-cache-dir -c constraints.txt . \
 && useradd --system --home /app tase \
 && mkdir -p /app/var/media /app/var/static && chown -R tase /app/var

ENV TASE_ENV=production TASE_VAR_DIR=/app/var PYTHONUNBUFFERED=1
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build tase collectstatic --no-input -v 0
USER tase
EXPOSE 8000
CMD ["gunicorn", "--workers", "3", "--timeout", "300", "--bind", "0.0.0.0:8000", "tase.wsgi:application"]

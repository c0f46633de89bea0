# Stage 1: build the PWA with Node.
FROM node:20-bookworm-slim AS pwa
WORKDIR /build/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
RUN npm run build

# Stage 2: run the API (and the built PWA) with Python, as a non-root user.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VALENCE_ENV=production
RUN useradd --system --create-home --uid 10001 valence
WORKDIR /app
COPY pyproject.toml constraints.txt README.md alembic.ini ./
COPY api/ api/
COPY migrations/ migrations/
RUN pip install -c constraints.txt -e . && mkdir -p var && chown valence:valence var
COPY --from=pwa /build/pwa/dist pwa/dist
USER valence
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=2)"]
CMD ["valence", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]

# vanban service image: Debian bookworm, Debian's python3, Tesseract with vie + osd, poppler.
# No compilers, no torch: the build stage only installs wheels into a venv that the final stage copies.
#   docker build -t vanban .        (or: make docker-test, which builds with buildah and smoke-tests)
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/vanban/app
# code and the committed repair model (ONNX), in the repository's layout so the model stays beside the
# code that loads it (hence the editable install); .dockerignore leaves out tests, samples and tools
COPY . ./
# an optional build secret "build-ca" adds the CA bundle of a TLS-intercepting proxy, for pip only
RUN --mount=type=secret,id=build-ca \
    if [ -s /run/secrets/build-ca ]; then export PIP_CERT=/run/secrets/build-ca; fi \
 && python3 -m venv /opt/vanban/venv \
 && /opt/vanban/venv/bin/pip install --upgrade pip \
 && /opt/vanban/venv/bin/pip install --editable /opt/vanban/app \
 && /opt/vanban/venv/bin/python -c "import vanban.api, vanban.watch" \
 && find /opt/vanban/venv -name '__pycache__' -prune -exec rm -rf {} +

FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd \
        poppler-utils \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin vanban \
 && mkdir -p /data && chown vanban:vanban /data
COPY --from=build /opt/vanban /opt/vanban
ENV PATH=/opt/vanban/venv/bin:$PATH \
    VANBAN_DATA_DIR=/data \
    VANBAN_MODELS_DIR=/opt/vanban/app/models \
    PYTHONUNBUFFERED=1 \
    OMP_THREAD_LIMIT=1
USER vanban
WORKDIR /data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
CMD ["vanban", "serve", "--host", "0.0.0.0", "--port", "8000"]

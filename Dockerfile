# syntax=docker/dockerfile:1
# One image for every service; the command picks what it runs: `serve intake`, `migrate`, `dlq list`, …
# Build: docker build -t redress:0.1.0 .   (pin PYTHON_IMAGE to a digest in your registry for reproducible builds)
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/redress
# Dependencies first, so that a change to the code alone does not download them again.
COPY pyproject.toml README.md ./
RUN mkdir -p shared services \
 && /opt/redress/bin/pip install . \
 && /opt/redress/bin/pip uninstall --yes redress
COPY shared ./shared
COPY services ./services
# The wheel's package data lists only *.mako and *.ini: the other data files (templates, the taxonomy) are
# copied beside the installed modules. pip and setuptools are not needed at run time.
RUN /opt/redress/bin/pip install --no-deps . \
 && site="$(/opt/redress/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
 && find shared services -type f ! -name '*.py' ! -name '*.pyc' ! -path '*/__pycache__/*' \
        -exec cp --parents {} "$site"/ \; \
 && /opt/redress/bin/pip uninstall --yes pip setuptools

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="redress" \
      org.opencontainers.image.description="Redress complaint-handling services (intake, routing, escalation, feedback)"
RUN groupadd --system --gid 10001 redress \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/redress redress \
 && mkdir /home/redress/var \
 && chown 10001:10001 /home/redress/var
COPY --from=build /opt/redress /opt/redress
ENV PATH=/opt/redress/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REDRESS_HOST=0.0.0.0 \
    REDRESS_DATA_DIR=/home/redress/var
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /home/redress
EXPOSE 8001 8002 8003 8004
ENTRYPOINT ["redress"]
CMD ["--help"]

# One image for every service; the command picks the service: `redress serve intake`, `redress migrate`, …
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
RUN python -m venv /opt/redress && /opt/redress/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 redress
COPY --from=build /opt/redress /opt/redress
ENV PATH=/opt/redress/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    REDRESS_HOST=0.0.0.0 \
    REDRESS_DATA_DIR=/home/redress/var
USER redress
WORKDIR /home/redress
ENTRYPOINT ["redress"]
CMD ["--help"]

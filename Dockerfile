# Build stage: the dependencies in a virtualenv, compiled where they must be.
FROM python:3.11-slim AS build
RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

# Run stage: the virtualenv and the code, collected static files, an unprivileged user.
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN useradd --create-home --uid 10001 tracker
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=tracker:tracker . .
RUN python -m tracker.catalogues compile \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p var && chown tracker:tracker var
USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi"]

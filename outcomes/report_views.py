"""Reports: request, follow and download PDFs (rendered by Celery)."""

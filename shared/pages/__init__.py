"""Server-rendered pages, the part every service shares: languages (``i18n``) and the Jinja2
environment, the signed-in person and the page routes (``rendering``)."""

"""Decision documents rendered from the county's templates to a printable page and a PDF.

The facts come from :mod:`app.services.documents`; the words and the layout are Jinja templates under
``config/documents/`` (``<kind>.<lang>.html``), which a county overrides by a file of the same name in
``config/documents/<county code>/`` — its own template may ``{% extends "city/<kind>.<lang>.html" %}`` and
change one block. No code is needed to change a document.
"""
from app.documents.render import document_html, render_html, render_pdf

__all__ = ["document_html", "render_html", "render_pdf"]

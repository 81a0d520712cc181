"""The export formats of the list endpoints.

They only take part in content negotiation (`?format=csv`, `Accept: text/csv`) and in the
schema: the views stream the file themselves, and errors are rendered as JSON.
"""

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"


EXPORT_RENDERERS = [CSVRenderer, XLSXRenderer]
EXPORT_FORMATS = frozenset(renderer.format for renderer in EXPORT_RENDERERS)

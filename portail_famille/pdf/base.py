"""What the backends share."""


class PdfError(Exception):
    """The PDF could not be made (backend missing, failed or too slow)."""


def est_pdf(data):
    """Whether ``data`` looks like a whole PDF file."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]

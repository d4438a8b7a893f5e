"""The SDI's file field: SubstanceD's upload widget and temporary store
(a file kept while the rest of the form is corrected), the file checked
by its content (``fichiers.lire``) as it arrives.

A refused file is dropped from the temporary store at once: the form shown
again offers no file to keep, and nothing of it is stored.
"""

import os

import colander
import deform.widget
from substanced.form import FileUploadTempStore

from .. import fichiers

TEMPLATE = "substanced.file:templates/fileupload.pt"


class Envois(FileUploadTempStore):
    """SubstanceD's temporary store of uploads (session + files on disk),
    which can also forget one file."""

    def retirer(self, uid):
        stored = dict(self.session.get("substanced.tempstore", {}))
        data = stored.pop(uid, None)
        if data is None:
            return
        self.session["substanced.tempstore"] = stored
        if "randid" in data:
            try:
                os.remove(os.path.join(self.tempdir, data["randid"]))
            except OSError:
                pass


class EnvoiWidget(deform.widget.FileUploadWidget):
    """The upload widget; a file of a refused type or size is an error of
    the field (French message), not kept."""

    template = TEMPLATE
    accept = "application/pdf,image/jpeg,image/png"

    def deserialize(self, field, pstruct):
        data = super().deserialize(field, pstruct)
        if data is colander.null or not data.get("fp"):
            return data
        data["fp"].seek(0)
        try:
            fichiers.lire(data)
        except fichiers.FichierRefuse as refus:
            self.tmpstore.retirer(data.get("uid"))
            raise colander.Invalid(field.schema, refus.args[0], value=colander.null) from None
        data["fp"].seek(0)
        return data


@colander.deferred
def envoi_widget(node, kw):
    return EnvoiWidget(Envois(kw["request"]))


def lire(filedata):
    """(bytes, mimetype, name) of a file the widget accepted, or None."""
    if not filedata or not filedata.get("fp"):
        return None
    filedata["fp"].seek(0)
    data, mimetype = fichiers.lire(filedata)
    return data, mimetype, filedata.get("filename") or ""


def oublier(request):
    """Empty the temporary store (after a successful form)."""
    Envois(request).clear()

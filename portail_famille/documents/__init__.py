"""Documents and menus: the folders of ``documents/`` that editors and
agents fill in the SDI, the family's page "Infos/Documents - Formulaires"
and the downloads, each Document seen by the families its ACL names."""

import atexit
import os
import shutil
import tempfile

from . import visibilite


def includeme(config):
    # the family's enrolments, on the pages where a Document's ACL is read
    config.add_extra_principals(visibilite)
    settings = config.registry.settings
    configured = settings.get("substanced.uploads_tempdir")
    if configured:
        # Shared by the processes of a machine (an upload kept while a form
        # is corrected may come back to another process).
        os.makedirs(configured, exist_ok=True)
    else:
        # SubstanceD keeps an upload here while the rest of its form is
        # corrected: a private directory of this process unless configured.
        path = tempfile.mkdtemp(prefix="portail-famille-envois-")
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        settings["substanced.uploads_tempdir"] = path

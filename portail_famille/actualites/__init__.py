"""News (actualités): editors write them in the SDI under ``actualites/``,
a SubstanceD workflow publishes them (brouillon -> publiée -> archivée),
the login and family home pages show the published ones, newest first.
Their text is stored as typed and shown through an allow-list sanitiser
(``rendu``)."""

from .publication import WORKFLOW


def includeme(config):
    config.add_workflow(WORKFLOW, content_types=("Actualite",))

"""The activation letter an agent prints for a parent with no email (or who
prefers paper): the family, the login, the activation link written out and
as a QR code (``segno``, a PNG inlined as a ``data:`` URI: the PDF
renderers load nothing but the page), and the day the link ends.

Each letter carries a new link (only its digest is stored, so a letter
cannot be printed again from the database): printing it is a POST, and the
previous link of the account stops working."""

import datetime

import segno
from pyramid.renderers import render

from .. import dates, pdf, tableur
from ..adresses import url_absolue
from . import activation, passwords

TEMPLATE = "portail_famille.comptes:templates/lettre_activation.pt"
# A module of the QR code is 4 pixels, with the standard quiet zone of 4.
ECHELLE = 4
MARGE = 4


def qr_code(url):
    """The QR code of ``url`` (error correction M: a letter gets creased)."""
    return segno.make(url, error="m", micro=False)


def lien(request, token):
    """The absolute address of the activation link ``token``."""
    return url_absolue(request, request.root, "activer", query={"jeton": token})


def fin_de_validite(request, now=None):
    """The last day the new link works (a local date)."""
    seconds = activation.lifetime(request.registry.settings)
    now = dates.now() if now is None else now
    return (now + datetime.timedelta(seconds=seconds)).date()


def lettre(request, famille, user, token):
    """The PDF response of the letter for ``user`` of ``famille``."""
    url = lien(request, token)
    values = {
        "site_name": request.registry.settings.get("portail.nom", "Portail Famille"),
        "famille": famille,
        "login": user.__name__,
        "url": url,
        "qr": qr_code(url).png_data_uri(scale=ECHELLE, border=MARGE),
        "jusqu_au": dates.en_toutes_lettres(fin_de_validite(request)),
        "rules": passwords.rules(request.registry.settings),
        "aujourdhui": dates.en_toutes_lettres(dates.today()),
    }
    html = render(TEMPLATE, values, request=request)
    body = pdf.rendre(html, request.registry.settings)
    nom = "lettre-activation-%s-%s.pdf" % (famille.numero, user.__name__)
    return tableur.piece_jointe(body, "application/pdf", nom)

"""The régie's cash desk ("Caisse"): the cash journal of a day per mode of
payment, the deposit slips of cheques and cash ("Bordereau de remise") and
the monthly summary for the town's accounts ("Récapitulatif mensuel").

- ``registre``: each régie's ledger, filled as documents are issued (a
  subscriber), so that a day or a month is a range read, never a walk of
  the families;
- ``resources``: the deposit slip (numbered BRC-2026-001 / BVE-2026-001,
  frozen like an invoice, never changed nor deleted);
- ``service``: making a slip; the journal's and the summary's figures;
- ``sdi``: the Régie's tabs Caisse, Bordereaux de remise, Récapitulatif
  mensuel (régisseurs, administrators).
"""


def includeme(config):
    from ..facturation import pdf
    from .resources import Bordereau
    from .service import html_bordereau

    # A slip is frozen by the money domain's machinery (figement, pdf.servir):
    # the higher layer says how its document is drawn.
    pdf.MODELES[Bordereau] = (html_bordereau, "bordereau")

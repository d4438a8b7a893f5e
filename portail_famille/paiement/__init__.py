"""Online payment of invoices (DESIGN.md, "Money"; issue 5).

The provider is chosen by ``portail.paiement``:

- ``simule``: the simulated bank, pages of this server, for development and
  demonstrations (the default when ``portail.demo`` is on);
- ``payfip``: PayFiP through eopayment's ``payfip_ws`` (the régie's client
  number ``numcli``; ``portail.paiement.payfip.url``, ``.saisie``,
  ``.timeout``);
- empty: no online payment (the default otherwise).

The provider is a utility (``fournisseurs.IFournisseurPaiement``); the views
only talk to that interface.
"""

from pyramid.exceptions import ConfigurationError
from pyramid.settings import asbool

from .fournisseurs import IFournisseurPaiement

FOURNISSEURS = ("simule", "payfip")


def choix(settings):
    """The provider's name ('' for none).  The simulated bank settles
    invoices without any money: only on a demonstration site."""
    demo = asbool(settings.get("portail.demo", False))
    nom = settings.get("portail.paiement")
    if nom is None:
        nom = "simule" if demo else ""
    nom = nom.strip()
    if nom and nom not in FOURNISSEURS:
        raise ConfigurationError(
            "portail.paiement = %r: expected one of %s or nothing" % (nom, ", ".join(FOURNISSEURS))
        )
    if nom == "simule" and not demo:
        raise ConfigurationError(
            "portail.paiement = simule (the simulated bank) needs portail.demo = true"
        )
    return nom


def includeme(config):
    settings = config.registry.settings
    nom = choix(settings)
    if nom == "simule":
        from .simule import BanqueSimulee

        fournisseur = BanqueSimulee(settings["substanced.secret"])
        config.include(".banque")
    elif nom == "payfip":
        from .payfip import depuis_reglages

        fournisseur = depuis_reglages(settings)
    else:
        return
    config.registry.registerUtility(fournisseur, IFournisseurPaiement)

"""Régies by identity: every prestation, invoice, credit note, payment and
online payment attempt gets the oid of its Régie (``regie_oid``, see
facturation.regies) in place of the régie's title it held.

- A prestation's typed text is looked up among the régies' titles, exactly,
  then ignoring case, accents and punctuation ("Regie garderie ALSH" is
  "Régie garderie ALSH"); its text is then dropped.  An empty text: the
  prestation is billed by no régie (as before: no run found it).
- A numbered document is its number's régie (the one régie whose prefix
  starts it: its sequence gave the number), or else the régie of its
  title; it keeps the title it was printed with.
- An online payment attempt is its invoice's régie, or its title's.
- A run (facturation.campagne.Campagne) is kept inside its régie already.

Anything that matches no régie, or several, refuses the whole step: it
raises ``EtapeRefusee`` naming every such object and its text before
changing anything (the transaction is not committed either).  Create or
rename the régie, then run the step again.
"""

import re

from persistent import Persistent
from substanced.util import get_oid

from ..facturation import regies
from ..facturation.resources import IOperation
from ..paiement.resources import NOM as PAIEMENTS
from ..structures.resources import IPrestation
from . import EtapeRefusee


def _stocke(obj, name):
    """The value ``obj`` holds itself (not its class's) for ``name``."""
    if isinstance(obj, Persistent):
        obj._p_activate()
    return obj.__dict__.get(name)


def _noms(found):
    return ", ".join("« %s »" % r.title for r in found)


def _combien(found):
    """English: how many régies matched."""
    return "%d régies" % len(found) if found else "no régie"


def _aucune_ou_plusieurs(found):
    """French: what matched."""
    if not found:
        return "aucune régie ne correspond"
    return "plusieurs régies correspondent (%s)" % _noms(found)


def _prestations(root):
    structures = root.get("structures")
    for structure in structures.values() if structures is not None else ():
        if hasattr(structure, "prestations"):
            yield from structure.prestations()


def _par_prefixe(toutes, numero):
    return [
        r for r in toutes if r.prefixe and re.fullmatch(re.escape(r.prefixe) + r"\d+", numero or "")
    ]


def _documents(root):
    familles = root.get("familles")
    for famille in familles.values() if familles is not None else ():
        for name in ("factures", "reglements"):
            folder = famille.get(name)
            for document in folder.values() if folder is not None else ():
                if IOperation.providedBy(document):
                    yield famille, document


def _regie_du_document(toutes, root, document):
    found = _par_prefixe(toutes, document.numero)
    if len(found) != 1:
        found = regies.trouver(root, document.regie)
    return found


def plan(root):
    """([(object, Régie or None)], [problems as (English, French)]): what
    the step would do, nothing changed."""
    toutes = regies.regies(root)
    changes, problems = [], []
    familles = root.get("familles")
    for prestation in _prestations(root):
        texte = _stocke(prestation, "regie")
        if _stocke(prestation, "regie_oid") is not None or texte is None:
            continue
        found = regies.trouver(root, texte) if texte.strip() else [None]
        where = "%s / %s" % (prestation.structure.title, prestation.title)
        if len(found) == 1:
            changes.append((prestation, found[0]))
        elif not found:
            problems.append(
                (
                    "prestation %s: régie %r matches no régie" % (where, texte),
                    "la prestation « %s » nomme la régie « %s », qui n'existe pas" % (where, texte),
                )
            )
        else:
            problems.append(
                (
                    "prestation %s: régie %r matches several régies" % (where, texte),
                    "la prestation « %s » nomme la régie « %s », qui désigne plusieurs régies (%s)"
                    % (where, texte, _noms(found)),
                )
            )
    documents = {}
    for famille, document in _documents(root):
        if _stocke(document, "regie_oid") is not None:
            continue
        found = _regie_du_document(toutes, root, document)
        if len(found) == 1:
            changes.append((document, found[0]))
            documents[(famille.__name__, document.numero)] = found[0]
        else:
            problems.append(
                (
                    "document %s of family %s: régie %r matches %s"
                    % (document.numero, famille.__name__, document.regie, _combien(found)),
                    "le document %s (famille %s) de la régie « %s » : %s"
                    % (
                        document.numero,
                        famille.__name__,
                        document.regie,
                        _aucune_ou_plusieurs(found),
                    ),
                )
            )
    tree = _stocke(root, PAIEMENTS)
    for paiement in tree.values() if tree is not None else ():
        if _stocke(paiement, "regie_oid") is not None:
            continue
        regie = documents.get((paiement.famille, paiement.facture))
        if regie is None:
            famille = familles.get(paiement.famille) if familles is not None else None
            facture = famille["factures"].get(paiement.facture) if famille is not None else None
            regie = regies.regie_de(facture, root) if facture is not None else None
        found = [regie] if regie is not None else regies.trouver(root, paiement.regie)
        if len(found) == 1:
            changes.append((paiement, found[0]))
        else:
            problems.append(
                (
                    "online payment %s (invoice %s): régie %r matches %s"
                    % (paiement.reference, paiement.facture, paiement.regie, _combien(found)),
                    "le paiement en ligne %s (facture %s) de la régie « %s » : %s"
                    % (
                        paiement.reference,
                        paiement.facture,
                        paiement.regie,
                        _aucune_ou_plusieurs(found),
                    ),
                )
            )
    return changes, problems


def message(problems):
    return "\n".join(
        [
            "Evolve step12 refused, nothing changed: régies are now referenced by "
            "identity, and these objects name no existing régie (or several):",
            *("  - " + english for english, _french in problems),
            "Étape step12 refusée, rien n'a été modifié : les régies sont désormais "
            "désignées par leur identité, et ces objets ne nomment aucune régie existante "
            "(ou en nomment plusieurs) :",
            *("  - " + french for _english, french in problems),
            "Créez la régie ou renommez-la (/manage/regies), puis relancez la migration "
            "(portail-famille-init ou sd_evolve --latest).",
        ]
    )


def evolve(root, registry):
    changes, problems = plan(root)
    if problems:
        raise EtapeRefusee(message(problems))
    for obj, regie in changes:
        obj.regie_oid = None if regie is None else get_oid(regie)
        if IPrestation.providedBy(obj):
            del obj.regie  # its typed text: read by nothing any more

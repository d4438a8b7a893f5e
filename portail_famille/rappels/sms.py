"""SMS: the provider interface, its two transports and the text rules.

``ISms`` is what the reminders call (``envoyer(numero, texte)``); the
transport is chosen by ``portail.sms.transport`` (empty: no SMS, the
families are offered mail only):

- ``repertoire``: development and tests; each SMS is one file in
  ``portail.sms.directory`` (``var/sms/``), as mails go to ``var/mail/``;
- ``ovh``: OVHcloud's SMS API through the ``ovh`` package (settings
  ``portail.sms.ovh.endpoint``, ``application_key``, ``application_secret``,
  ``consumer_key``, ``service_name``, ``sender``);
- a dotted name (``package.module:Classe``): any class built as
  ``Classe(settings)`` with ``envoyer(numero, texte)``.

Numbers are sent in E.164 (``+33612345678``): ``e164`` turns what a family
typed into that (mobiles only: an SMS to a landline is lost).  Texts are
kept within one SMS: 160 characters of the GSM 03.38 alphabet; ``gsm``
replaces the few French letters outside it (ê, â, ç, œ...) by the nearest
one (a single accent outside the alphabet would switch the whole SMS to
UCS-2, 70 characters) and cuts what is beyond.
"""

import datetime
import json
import os
import re
import unicodedata
import uuid

from pyramid.exceptions import ConfigurationError
from pyramid.path import DottedNameResolver
from zope.interface import Interface, implementer

LONGUEUR_SMS = 160  # septets of one GSM 7-bit SMS
SUITE = "..."

# GSM 03.38: the basic alphabet (one septet each) and its extension table
# (two septets: the escape, then the character).
GSM_BASE = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
# The French characters outside the alphabet, and their nearest inside it.
REMPLACEMENTS = {
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
    "«": '"',
    "»": '"',
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
}

# Mobile prefixes of the overseas departments (ARCEP's plan): the national
# number's first four digits -> country calling code.
OUTRE_MER = {
    "0639": "262",  # Mayotte
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0692": "262",  # La Réunion
    "0693": "262",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
}


def e164(numero):
    """A mobile number as E.164 (``"06.12.34.56.78"`` -> ``"+33612345678"``),
    or None when it is not one (empty, a landline, not a number).

    French numbers (0 and nine digits, ``+33``, ``0033``): only mobiles
    (06, 07; the overseas departments' mobiles get their own code).  A
    number already international (``+`` or ``00`` and another country) is
    kept as written when its length is E.164's (8 to 15 digits)."""
    if not numero:
        return None
    texte = re.sub(r"[\s.\-/()]", "", str(numero))
    if texte.startswith("00"):
        texte = "+" + texte[2:]
    if texte.startswith("+33"):
        texte = "0" + texte[3:].removeprefix("0")  # "+33 (0)6..." as well
    if texte.startswith("+"):
        chiffres = texte[1:]
        if re.fullmatch(r"[1-9]\d{7,14}", chiffres):
            return "+" + chiffres
        return None
    if not re.fullmatch(r"0[67]\d{8}", texte):
        return None
    indicatif = OUTRE_MER.get(texte[:4], "33")
    return "+" + indicatif + texte[1:]


def septets(texte):
    """The length of ``texte`` in GSM 7-bit septets (None when a character is
    outside the alphabet)."""
    n = 0
    for char in texte:
        if char in GSM_BASE:
            n += 1
        elif char in GSM_EXTENSION:
            n += 2
        else:
            return None
    return n


def _vers_gsm(char):
    if char in GSM_BASE or char in GSM_EXTENSION:
        return char
    if char in REMPLACEMENTS:
        return REMPLACEMENTS[char]
    # ê -> e, Â -> A, ï -> i: the letter without its accent, when that is one
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    if base and all(c in GSM_BASE for c in base):
        return base
    return "?"


def gsm(texte, longueur=LONGUEUR_SMS):
    """``texte`` in the GSM alphabet, spaces folded, within ``longueur``
    septets (cut at a word, ending with "...", when longer)."""
    texte = " ".join("".join(_vers_gsm(c) for c in texte).split())
    if septets(texte) <= longueur:
        return texte
    garde = longueur - len(SUITE)
    coupe = ""
    for mot in texte.split(" "):
        essai = (coupe + " " + mot) if coupe else mot
        if septets(essai) > garde:
            break
        coupe = essai
    if not coupe:  # one word longer than an SMS
        coupe = texte
        while septets(coupe) > garde:
            coupe = coupe[:-1]
    return coupe + SUITE


def texte_sms(texte, prefixe=""):
    """``texte`` as one SMS (``gsm``); when too long, without its
    ``prefixe`` (the portal's name) first, so that the end (a deadline, a
    date) is kept rather than the name."""
    complet = gsm(texte, longueur=len(texte) * 2 + 10)
    if septets(complet) > LONGUEUR_SMS and prefixe and texte.startswith(prefixe):
        texte = texte[len(prefixe) :]
    return gsm(texte)


class ISms(Interface):
    """Sends one SMS: ``envoyer(numero, texte)``, ``numero`` in E.164; raises
    ``EnvoiSmsImpossible`` when the provider refuses it."""


class EnvoiSmsImpossible(Exception):
    """The provider refused or could not be reached (its message in args)."""


@implementer(ISms)
class RepertoireSms:
    """Development: each SMS a JSON file in ``portail.sms.directory`` (the
    number, the sender, the text, the time), one file per SMS."""

    def __init__(self, settings):
        self.directory = settings.get("portail.sms.directory") or os.path.join("var", "sms")
        self.sender = settings.get("portail.sms.sender", "")

    def envoyer(self, numero, texte):
        os.makedirs(self.directory, exist_ok=True)
        maintenant = datetime.datetime.now(datetime.UTC)
        name = "%s-%s.json" % (maintenant.strftime("%Y%m%dT%H%M%S%f"), uuid.uuid4().hex)
        contenu = {
            "to": numero,
            "sender": self.sender,
            "text": texte,
            "date": maintenant.isoformat(),
        }
        # Written then renamed: a reader never sees half a file.
        chemin = os.path.join(self.directory, name)
        with open(chemin + ".tmp", "w", encoding="utf-8") as fp:
            json.dump(contenu, fp, ensure_ascii=False)
            fp.flush()
            os.fsync(fp.fileno())
        os.replace(chemin + ".tmp", chemin)
        return name


OVH_REGLAGES = ("endpoint", "application_key", "application_secret", "consumer_key", "service_name")


@implementer(ISms)
class OvhSms:
    """OVHcloud's SMS API (``POST /sms/{serviceName}/jobs``) through the
    ``ovh`` package.  The client is made at start (it checks the endpoint's
    name: ``ovh-eu``, ``ovh-ca``...) and calls the network only when an SMS
    is sent."""

    def __init__(self, settings, client=None):
        reglages = {
            name: (settings.get("portail.sms.ovh." + name) or "").strip() for name in OVH_REGLAGES
        }
        manquants = [name for name, value in reglages.items() if not value]
        if manquants:
            raise ConfigurationError(
                "portail.sms.transport = ovh needs portail.sms.ovh.%s" % ", ".join(manquants)
            )
        self.service_name = reglages["service_name"]
        self.sender = (settings.get("portail.sms.sender") or "").strip()
        if client is None:
            import ovh

            try:
                client = ovh.Client(
                    endpoint=reglages["endpoint"],
                    application_key=reglages["application_key"],
                    application_secret=reglages["application_secret"],
                    consumer_key=reglages["consumer_key"],
                )
            except ovh.exceptions.InvalidRegion as error:
                raise ConfigurationError("portail.sms.ovh.endpoint: %s" % (error,)) from error
        self.client = client

    def message(self, numero, texte):
        """(path, body) of the API call that sends ``texte`` to ``numero``."""
        corps = {
            "message": texte,
            "receivers": [numero],
            "charset": "UTF-8",
            "coding": "7bit",
            "priority": "high",
            # a reminder is not marketing: no "STOP" clause added
            "noStopClause": True,
        }
        if self.sender:
            corps["sender"] = self.sender
        else:
            corps["senderForResponse"] = True
        return "/sms/%s/jobs" % self.service_name, corps

    def envoyer(self, numero, texte):
        import ovh

        path, corps = self.message(numero, texte)
        try:
            reponse = self.client.post(path, **corps)
        except ovh.exceptions.APIError as error:
            raise EnvoiSmsImpossible(str(error)) from error
        refuses = (reponse or {}).get("invalidReceivers") or []
        if refuses:
            raise EnvoiSmsImpossible("invalid receivers: %s" % ", ".join(refuses))
        return (reponse or {}).get("ids")


TRANSPORTS = {"repertoire": RepertoireSms, "ovh": OvhSms}


def transport(settings):
    """The transport ``portail.sms.transport`` names (None when unset)."""
    nom = (settings.get("portail.sms.transport") or "").strip()
    if not nom:
        return None
    classe = TRANSPORTS.get(nom)
    if classe is None:
        if ":" not in nom and "." not in nom:
            raise ConfigurationError(
                "portail.sms.transport must be repertoire, ovh or a dotted name, not %r" % nom
            )
        classe = DottedNameResolver().resolve(nom)
    return classe(settings)


def sms(registry):
    """The registered transport, or None (no SMS)."""
    return registry.queryUtility(ISms)

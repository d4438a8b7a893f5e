"""Portail Famille: the family portal of a service enfance jeunesse."""

import os

from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from substanced.db import root_factory

from . import correctifs, surcharge
from .adresses import url_du_portail
from .comptes import configure_security
from .stockage import creer_application, preparer, uri_avec_caches

# Domains, in the order their directives and subscribers must exist.
DOMAINS = (
    ".security",
    ".i18n",
    ".comptes",
    ".skin",
    ".adresses",
    ".familles",
    ".sdi",
    ".evolve",
    ".travaux",
    ".courriels",
    ".demandes",
    ".planning",
    ".calendrier",
    ".facturation",
    ".prelevement",
    ".inscription_en_ligne",
    ".relances",
    ".paiement",
    ".messagerie",
    ".documents",
    ".actualites",
    ".rgpd",
    ".caisse",
    ".fiche",
    ".accueil",
    ".pes",
    ".commune",
    ".surveillance",
    ".rappels",
)


def includeme(config):
    """Everything the application needs; used by main() and by the tests."""
    correctifs.installer()  # upstream fixes, before SubstanceD's include and scans
    config.include("pyramid_tm")  # the tweens below and every write depend on it
    config.include("substanced.include")
    # SubstanceD's French corrected and completed: read after its own.
    config.add_translation_dirs("portail_famille:locale/", override=True)
    config.include("pyramid_retry")
    config.include(".retry")
    for domain in DOMAINS:
        config.include(domain)
    configure_security(config)
    # Scans come after every include: directives (@content, @mgmt_view,
    # @subscribe_*) must exist before the scan that uses them.
    config.include("substanced.scan")
    config.scan(".", ignore=[".demo", ".tests"])


# Settings read from the environment when set (production keeps its secrets
# out of the .ini files).
ENVIRONMENT = {
    "substanced.secret": "PORTAIL_FAMILLE_SECRET",
    "substanced.initial_password": "PORTAIL_FAMILLE_ADMIN_PASSWORD",
    "zodbconn.uri": "PORTAIL_FAMILLE_ZODB_URI",
    "portail.url": "PORTAIL_FAMILLE_URL",
    "portail.sms.ovh.application_secret": "PORTAIL_FAMILLE_OVH_APPLICATION_SECRET",
    "portail.sms.ovh.consumer_key": "PORTAIL_FAMILLE_OVH_CONSUMER_KEY",
}


def main(global_config, **settings):
    correctifs.installer()
    for key, variable in ENVIRONMENT.items():
        if os.environ.get(variable):
            settings[key] = os.environ[variable]
    for key in ("substanced.secret", "zodbconn.uri"):
        if not settings.get(key):
            raise ConfigurationError(
                "%s is not set: give it in the .ini or in %s" % (key, ENVIRONMENT[key])
            )
    # Links that leave the site never come from the request's Host.
    settings["portail.url"] = url_du_portail(settings)
    # Each process sizes its own caches; a shared storage may start empty.
    port = (global_config or {}).get("http_port")
    settings.setdefault("portail.http_port", port or "")  # the metrics' target_info
    settings["zodbconn.uri"] = uri_avec_caches(settings["zodbconn.uri"], settings, port)
    preparer(settings["zodbconn.uri"])
    settings.setdefault("tm.annotate_user", "false")
    # Write conflicts are retried: the day counters merge concurrent
    # bookings, but catalogue and folder buckets may still collide.
    settings.setdefault("retry.attempts", "10")
    settings.setdefault("pyramid.default_locale_name", "fr")
    config = Configurator(settings=settings, root_factory=root_factory)
    config.include(includeme)
    return surcharge.envelopper(creer_application(config), settings)

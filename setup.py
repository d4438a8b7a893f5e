from setuptools import find_packages, setup

# What serving needs: every distribution portail_famille imports
# (tests/unit/test_paquet.py checks it), and what the .ini files name
# (pyramid_tm, pyramid_zodbconn, waitress).
requires = [
    "setuptools<82",
    "pyramid==1.10.8",
    "substanced==1.0b1",
    "deform==2.0.15",
    "colander==2.0",
    "BTrees==6.4",
    "bcrypt==4.3.0",
    "ZODB>=6,<7",
    "persistent",
    "transaction",
    "zope.interface",
    "zodburi",
    # shared databases for several processes: a ZEO server, or RelStorage
    # on PostgreSQL (the binary driver needs no compiler nor libpq-dev)
    "ZEO",
    "RelStorage==4.3.0",
    "psycopg2-binary",
    "pyramid_zodbconn",
    "pyramid_tm",
    "pyramid_retry",
    "pyramid_mailer",
    "repoze.sendmail",  # its mail data manager, made quiet (courriels)
    "pyramid_chameleon",
    "Chameleon",
    "WebOb",
    "translationstring",
    "pdfkit",
    # the PDF renderer where wkhtmltopdf is absent (needs Debian's pango)
    "weasyprint==70.0",
    "waitress",
    "Babel",
    "schwifty",
    "zxcvbn",
    "vacances-scolaires-france",
    "jours-feries-france",
    "icalendar",
    "eopayment",
    # the news text's allow-list HTML sanitiser
    "nh3==0.3.8",
    # uploaded files are opened to check what they are (fichiers.py):
    # PDFs with pypdf, images with Pillow
    "pypdf",
    "Pillow",
    # multipart form bodies read by boundary, not line by line (corps_multipart.py)
    "python-multipart",
    # the lists' spreadsheet exports (tableur.py)
    "openpyxl",
    # the activation letter's QR code (comptes/lettre.py)
    "segno",
    # SEPA direct-debit files (pain.008), validated against their schema
    "sepaxml",
    "xmlschema",
    # the PES V2 files to the Trésor public, written and checked (pes/)
    # the pain.008 file checked against sepaxml's XSD (prelevement: xmlschema
    # fails once zope.interface is loaded)
    "lxml",
    # password hashes: Argon2id (comptes), bcrypt ones upgraded at login
    "argon2-cffi",
    # the metrics endpoint for Prometheus, and logs as JSON when asked
    "prometheus-client",
    "python-json-logger",
    # SMS reminders through OVHcloud's API (rappels)
    "ovh",
]

# the opening-morning load scenario (bench/): locust drives the virtual
# parents, psutil reads each process's CPU and memory
bench_require = [
    "locust",
    "gevent",  # bench/ouverture_locust.py's pauses (locust runs on it)
    "psutil",
]

tests_require = [
    "pytest",
    "pytest-xdist",
    # tests in a random order (a run prints its seed; --randomly-seed=N replays it)
    "pytest-randomly",
    "WebTest",
    "beautifulsoup4",  # pages read by their elements
    "playwright",
    "axe-playwright-python",  # axe-core (axe.min.js) for the accessibility tests
    "ruff",
    # the layers of the package (.importlinter), checked by make lint
    "import-linter",
]

setup(
    name="portail_famille",
    version="0.1.0",
    description="Portail Famille: the family portal of a service enfance jeunesse",
    license="GPL-3.0-or-later",
    packages=find_packages(exclude=["tests", "tests.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11,<3.13",
    install_requires=requires,
    extras_require={"test": tests_require, "bench": bench_require},
    entry_points={
        "paste.app_factory": ["main = portail_famille:main"],
        "console_scripts": [
            "portail-famille-demo = portail_famille.demo:main",
            "portail-famille-init = portail_famille.stockage:initialiser_main",
            "portail-famille-retention = portail_famille.rgpd.retention:main",
            "portail-famille-relances = portail_famille.relances.script:main",
            "portail-famille-figer = portail_famille.facturation.figer_tout:main",
            "portail-famille-rappels = portail_famille.rappels.script:main",
            "portail-famille-verifier = portail_famille.exploitation.verifier:main",
            "portail-famille-exercice-restauration = portail_famille.exploitation.restauration:main",
            "portail-famille-travaux = portail_famille.travaux.script:main",
        ],
    },
)

"""Whether uploaded bytes are a PDF, checked within bounded time and pages.

Opening every PDF with pypdf and counting its pages (``len(reader.pages)``
walks the whole page tree) took 12 s of CPU for a valid 4.9 MB file of
52,000 empty pages, and four such uploads at once, holding the process's
GIL, made another family's home page take 40 s.  pypdf is pure Python: a
thread running it cannot be stopped.  So the check is in two steps:

1. A look at the raw bytes (searches in C, about 10 ms for 5 MB): more
   page objects than ``MARGE`` times the maximum of pages (an incremental
   save repeats the pages it changed), or more objects than ``OBJETS_MAX``
   (pypdf reads every entry of the cross-reference table: 0.5 s for
   52,000), is refused without parsing anything.  The 52,000-page file is
   refused there.
2. pypdf then runs in a child process (``os.fork``: no interpreter to
   start, about 2 ms), bounded in CPU time (``secondes`` of the child's
   own CPU, read from /proc while the parent waits; a wall-clock ceiling
   of ``ATTENTE_MAX`` times that for a machine so busy the child hardly
   runs: on a loaded server a real file is not refused for waiting its
   turn) and memory (rlimits): it reads the trailer, the page tree's
   ``/Count`` and walks the tree, stopping past ``pages_max`` pages.  The
   request's thread only waits on a pipe (holding no GIL), and a child
   past its time is killed.  Pages hidden in compressed object streams,
   loops in the tree, decompression bombs: whatever pypdf would spend,
   it spends at most ``secondes`` of one core, at a lower priority (nice
   10) than the pages other families are waiting for.

The answer is one of ``LISIBLE``, ``ILLISIBLE``, ``TROP_DE_PAGES``,
``TROP_LONG``.
"""

import gc
import io
import logging
import os
import re
import resource
import select
import signal
import time

import pypdf
import pypdf.generic

LISIBLE = "lisible"
ILLISIBLE = "illisible"
TROP_DE_PAGES = "pages"
TROP_LONG = "temps"
_CODES = {b"L": LISIBLE, b"I": ILLISIBLE, b"P": TROP_DE_PAGES}

PAGES_MAX = 50  # portail.fichiers.pdf_pages_max
SECONDES = 0.4  # portail.fichiers.pdf_secondes (with the fork and the kill: < 0.5 s)
MARGE = 4
OBJETS_MAX = 20_000
MEMOIRE = 512 * 1024 * 1024  # bytes the child may add to what it inherits
PROFONDEUR_MAX = 32  # levels of the page tree
NICE = 10  # the child's priority: below the requests' threads
ATTENTE_MAX = 10  # the wall-clock ceiling, in times ``secondes``
SONDE = 0.02  # seconds between two reads of the child's CPU time
_TICS = os.sysconf("SC_CLK_TCK")

_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9#])")


def verifier(data, pages_max=PAGES_MAX, secondes=SECONDES):
    """What ``data`` (bytes starting with ``%PDF-``) is, as a PDF."""
    if len(_PAGE.findall(data)) > MARGE * pages_max:
        return TROP_DE_PAGES
    if data.count(b"endobj") > OBJETS_MAX:
        return TROP_LONG
    return _dans_un_processus(data, pages_max, secondes)


def _dans_un_processus(data, pages_max, secondes):
    lecture, ecriture = os.pipe()
    debut = time.monotonic()
    try:
        pid = os.fork()
    except OSError:  # no process left to check it: refused, for now
        os.close(lecture)
        os.close(ecriture)
        return TROP_LONG
    if pid == 0:  # the child: never returns
        os.close(lecture)
        _enfant(ecriture, data, pages_max, secondes)
    os.close(ecriture)
    code, trop_long = b"", False
    try:
        while True:
            prets, _w, _x = select.select([lecture], [], [], SONDE)
            if prets:
                code = os.read(lecture, 1)
                break
            if _temps_cpu(pid) >= secondes or time.monotonic() - debut >= ATTENTE_MAX * secondes:
                trop_long = True
                break
    finally:
        os.close(lecture)
        if not code:
            _tuer(pid)
        os.waitpid(pid, 0)
    if not code:
        # past its time (killed), or dead without an answer (out of memory)
        return TROP_LONG if trop_long else ILLISIBLE
    return _CODES.get(code, ILLISIBLE)


def _temps_cpu(pid):
    """Seconds of CPU the process ``pid`` has used (0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as stat:
            champs = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    # after the name: state is field 3, utime 14 and stime 15 (proc(5))
    return (int(champs[11]) + int(champs[12])) / _TICS


def _tuer(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _enfant(ecriture, data, pages_max, secondes):
    code = b"I"
    try:
        # Nothing of the parent's but the pipe: a descriptor kept here
        # would keep its lock (the Data.fs's flock) while the child runs,
        # after the parent was killed, and the restarted process could not
        # open its database.
        os.closerange(3, ecriture)
        os.closerange(ecriture + 1, os.sysconf("SC_OPEN_MAX"))
        gc.disable()  # no finaliser of the parent's objects runs here
        logging.disable(logging.CRITICAL)  # pypdf's warnings: not ours to log
        os.nice(NICE)  # the pages people wait for first
        _limiter(resource.RLIMIT_CORE, 0)
        _limiter(resource.RLIMIT_CPU, int(secondes) + 1)  # SIGXCPU: the end
        _limiter(resource.RLIMIT_AS, _memoire_actuelle() + MEMOIRE)
        code = _compter(data, pages_max)
    except BaseException:  # anything pypdf raises: not a PDF we can read
        code = b"I"
    finally:
        try:
            os.write(ecriture, code)
        finally:
            os._exit(0)


def _limiter(ressource, valeur):
    """Lower the soft limit (never above the hard one: that would fail)."""
    _soft, hard = resource.getrlimit(ressource)
    if hard != resource.RLIM_INFINITY:
        valeur = min(valeur, hard)
    resource.setrlimit(ressource, (valeur, hard))


def _memoire_actuelle():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _compter(data, pages_max):
    """b"L" when the page tree has 1 to ``pages_max`` pages, b"P" when it
    has more (not walked beyond), b"I" when it is not a page tree."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    arbre = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    count = _valeur(arbre, "/Count")
    if not isinstance(count, int) or count < 1:
        return b"I"
    if count > pages_max:
        return b"P"
    pages = 0
    vus = set()
    pile = [(arbre, 0)]
    while pile:
        noeud, profondeur = pile.pop()
        noeud = noeud.get_object()
        if not isinstance(noeud, pypdf.generic.DictionaryObject):
            return b"I"
        if id(noeud) in vus or profondeur > PROFONDEUR_MAX:
            return b"I"  # a loop, or a tree no writer makes
        vus.add(id(noeud))
        if _valeur(noeud, "/Type") == "/Page":
            pages += 1
            if pages > pages_max:
                return b"P"
            continue
        kids = _valeur(noeud, "/Kids")
        if not isinstance(kids, pypdf.generic.ArrayObject):
            return b"I"
        if len(kids) > pages_max:
            return b"P"  # each kid holds a page at least
        pile.extend((kid, profondeur + 1) for kid in reversed(kids))
    return b"L" if pages else b"I"


def _valeur(dictionnaire, cle):
    """The value of ``cle``, an indirect one resolved; None if absent."""
    return dictionnaire[cle] if cle in dictionnaire else None

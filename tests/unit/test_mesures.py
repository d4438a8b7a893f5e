"""SubstanceD's timers with statsd off share one no-op context manager."""

import substanced.stats
from substanced.folder import Folder
from substanced.stats import statsd_timer

from portail_famille.correctifs import installer
from portail_famille.correctifs.substanced import RIEN


def test_timers_without_statsd_share_one_context_manager_and_still_work():
    installer()
    with statsd_timer("folder.get", registry={}) as first:
        pass
    assert statsd_timer("folder.get", registry={}) is RIEN
    assert first is None
    # nested and repeated uses (a folder read inside another one)
    with statsd_timer("a", registry={}), statsd_timer("b", registry={}):
        pass
    folder = Folder()
    folder.data["enfant"] = child = Folder()
    assert folder["enfant"] is child
    assert folder.get("absent") is None
    assert substanced.stats.donothing() is RIEN

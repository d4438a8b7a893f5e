"""The site's journal under concurrent writers (staff reads audited, staff
actions): conflicts per number of trees in a month
(``portail_famille.journal.resources.PARTS``), on a FileStorage.

    .venv/bin/python bench/journal.py [threads] [entries per thread]

Prints the conflicts for one tree (the baseline) and for the parts the
module uses; every entry is committed, retried on conflict."""

import sys
import tempfile
import threading
import time

import transaction
import ZODB
import ZODB.FileStorage
from ZODB.POSException import ConflictError

from portail_famille.journal import LECTURE, resources


def mesurer(parts, threads, n):
    resources.PARTS = parts
    directory = tempfile.mkdtemp(prefix="bench-journal-")
    db = ZODB.DB(ZODB.FileStorage.FileStorage(directory + "/Data.fs"))
    with db.transaction() as conn:
        conn.root()["journal"] = journal = resources.Journal()
        journal.preparer(time.time())
    stats = {"commits": 0, "conflits": 0}
    lock = threading.Lock()

    def work():
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        for _i in range(n):
            while True:
                try:
                    conn.root()["journal"].ajouter(
                        time.time(), LECTURE, "agent", "sanitaires", "1001", 1, 2, "/", None
                    )
                    tm.commit()
                    with lock:
                        stats["commits"] += 1
                    break
                except ConflictError:
                    tm.abort()
                    with lock:
                        stats["conflits"] += 1
        conn.close()

    workers = [threading.Thread(target=work) for _t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with db.transaction() as conn:
        journal = conn.root()["journal"]
        assert sum(len(partition) for partition in journal.mois.values()) == threads * n
    db.close()
    return stats


def main(argv=sys.argv):
    threads = int(argv[1]) if len(argv) > 1 else 4
    n = int(argv[2]) if len(argv) > 2 else 300
    parts = resources.PARTS
    for count in (1, parts):
        stats = mesurer(count, threads, n)
        print(
            "journal, %d tree(s), %d threads: %d commits, %d conflicts"
            % (count, threads, stats["commits"], stats["conflits"])
        )
    resources.PARTS = parts


if __name__ == "__main__":
    main()

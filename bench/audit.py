"""The audit of staff reads under concurrent writers: conflicts per number
of parts (``portail_famille.rgpd.audit.PARTS``), on a FileStorage.

    .venv/bin/python bench/audit.py [threads] [entries per thread]

Prints the conflicts for one tree (the baseline) and for the parts the
module uses; every entry is committed, retried on conflict."""

import sys
import tempfile
import threading

import transaction
import ZODB
import ZODB.FileStorage
from ZODB.POSException import ConflictError

from portail_famille.rgpd import audit


class Famille:
    __name__ = "1001001818331"


def mesurer(parts, threads, n):
    audit.PARTS = parts
    directory = tempfile.mkdtemp(prefix="bench-audit-")
    db = ZODB.DB(ZODB.FileStorage.FileStorage(directory + "/Data.fs"))
    with db.transaction() as conn:
        conn.root()["audit"] = audit.Audit()
    stats = {"commits": 0, "conflits": 0}
    lock = threading.Lock()

    def work():
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        for _i in range(n):
            while True:
                try:
                    conn.root()["audit"].ajouter("agent", Famille(), audit.SANITAIRES)
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
        assert len(conn.root()["audit"]) == threads * n
    db.close()
    return stats


def main(argv=sys.argv):
    threads = int(argv[1]) if len(argv) > 1 else 4
    n = int(argv[2]) if len(argv) > 2 else 300
    parts = audit.PARTS
    for count in (1, parts):
        stats = mesurer(count, threads, n)
        print(
            "audit, %d part(s), %d threads: %d commits, %d conflicts"
            % (count, threads, stats["commits"], stats["conflits"])
        )
    audit.PARTS = parts


if __name__ == "__main__":
    main()

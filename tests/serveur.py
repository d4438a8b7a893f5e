"""waitress in a background thread, for the tests that need a real server
(browser tests, concurrent requests)."""

import threading

from waitress.server import TcpWSGIServer


class Serveur(TcpWSGIServer):
    """waitress in a background thread; stopped by ``stop``."""

    stopping = False

    def start(self):
        self.thread = threading.Thread(target=self._run, name="waitress-tests", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.run()
        except (OSError, ValueError):
            if not self.stopping:
                raise

    def stop(self):
        """Close every channel from the loop's own thread: the loop ends."""
        self.stopping = True

        def close_all():
            for channel in list(self._map.values()):
                channel.close()

        self.trigger.pull_trigger(close_all)
        self.thread.join(5)
        self.task_dispatcher.shutdown()

"""A local HTTP server that counts what it is asked: a renderer that loads
nothing leaves it at zero hits."""

import http.server
import threading


class Espion:
    def __init__(self):
        self.hits = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                hits.append(self.path)
                body = b"<p>CONTENU DISTANT</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def arreter(self):
        self.server.shutdown()
        self.server.server_close()


def pieges(espion):
    """HTML that would load a local file, the network and run a script."""
    return (
        '<img src="%s">' % espion.url("/img"),
        '<iframe src="%s"></iframe>' % espion.url("/iframe"),
        '<link rel="stylesheet" href="%s">' % espion.url("/css"),
        '<img src="http://localhost:%d/localhost">' % espion.port,
        '<iframe src="file:///etc/passwd"></iframe>',
        '<object data="file:///etc/passwd"></object>',
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        "<script>document.write('SCRIPT EXECUTE');"
        "new Image().src = '%s';</script>" % espion.url("/script"),
    )

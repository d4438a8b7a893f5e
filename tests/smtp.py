"""A tiny SMTP server for the tests of the operators' commands (the
verifier's mail check, the jobs the timers run): real sockets, no mail
leaves the machine."""

import socket
import threading


class ServeurSmtp:
    """A tiny SMTP server on 127.0.0.1: greets, answers EHLO, NOOP, DATA
    and QUIT (250 to the others), and keeps the commands and the messages
    it received."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.port = self.socket.getsockname()[1]
        self.commandes = []
        self.messages = []
        self.fil = threading.Thread(target=self.servir, daemon=True)
        self.fil.start()

    def servir(self):
        while True:
            try:
                client, _adresse = self.socket.accept()
            except OSError:
                return
            with client, client.makefile("rwb") as flux:
                flux.write(b"220 test.example ESMTP\r\n")
                flux.flush()
                for ligne in flux:
                    commande = ligne.decode().strip().split(" ")[0].upper()
                    self.commandes.append(commande)
                    if commande == "EHLO":
                        flux.write(b"250-test.example\r\n250 8BITMIME\r\n")
                    elif commande == "DATA":
                        flux.write(b"354 go ahead\r\n")
                        flux.flush()
                        message = []
                        for donnee in flux:
                            if donnee in (b".\r\n", b".\n"):
                                break
                            message.append(donnee)
                        self.messages.append(b"".join(message))
                        flux.write(b"250 OK\r\n")
                    elif commande == "QUIT":
                        flux.write(b"221 au revoir\r\n")
                        flux.flush()
                        break
                    else:
                        flux.write(b"250 OK\r\n")
                    flux.flush()

    def fermer(self):
        try:
            self.socket.shutdown(socket.SHUT_RDWR)  # accept() returns
        except OSError:
            pass
        self.socket.close()
        self.fil.join(5)

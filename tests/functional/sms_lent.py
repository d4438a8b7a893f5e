"""SMS transports for the tests (``portail.sms.transport =
tests.functional.sms_lent:<Classe>``): ``SmsBloque`` writes the first SMS
as the development transport does, then blocks, so that the crash test
kills the process right after a first SMS left and before it is marked
sent; ``SmsAvant`` blocks before (after the commit "en cours");
``SmsRefuse`` is a provider refusing every SMS."""

import os
import time

from portail_famille.rappels.sms import EnvoiSmsImpossible, RepertoireSms


class SmsBloque(RepertoireSms):
    def envoyer(self, numero, texte):
        name = super().envoyer(numero, texte)
        time.sleep(600)  # killed here (SIGKILL) by the test
        return name


class SmsAvant(RepertoireSms):
    """Called once the reminder's "en cours" is committed: says so (a
    ``.pret`` file, not an SMS), then blocks before the SMS leaves."""

    def envoyer(self, numero, texte):
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, "envoi.pret"), "w") as fp:
            fp.write(numero)
        time.sleep(600)  # killed here (SIGKILL) by the test
        return super().envoyer(numero, texte)


class SmsRefuse(RepertoireSms):
    """A provider that refuses every SMS (an account out of credit)."""

    def envoyer(self, numero, texte):
        raise EnvoiSmsImpossible("This service has no credit left")

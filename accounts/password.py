"""Password rules, with Italian messages (settings.AUTH_PASSWORD_VALIDATORS; README, «Accesso»).

Django's own validators are used as they are, except that the Italian translation Django ships
lacks the current wording of the minimum-length message (it came out in English), so that one
is rewritten here. Django's list of 20.000 common passwords does not have keyboard walks such as
`qwertyuiopasdfgh`, long enough to pass the minimum length: `SequenzaTastieraValidator`
refuses passwords made mostly of runs along a keyboard row, the alphabet or the digits.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError


class LunghezzaMinimaValidator(MinimumLengthValidator):
    def get_error_message(self):
        return f"Password troppo corta: servono almeno {self.min_length} caratteri."

    def get_help_text(self):
        return f"La password deve avere almeno {self.min_length} caratteri."

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")


# Sequences a person types without thinking: keyboard rows read left to right and row after
# row (Italian, English, French and German layouts), the alphabet and the digits.
SEQUENZE = (
    "1234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "abcdefghijklmnopqrstuvwxyz",
    "qazwsxedcrfvtgbyhnujmikolp",  # the columns
)


def _adiacenti():
    coppie = set()
    for sequenza in SEQUENZE:
        for a, b in zip(sequenza, sequenza[1:], strict=False):
            coppie.add((a, b))
            coppie.add((b, a))
    return frozenset(coppie)


ADIACENTI = _adiacenti()


class SequenzaTastieraValidator:
    """Refuses a password when at least `quota` of its characters are in runs of `minimo` or
    more keys next to each other in a sequence above, or repetitions of one character."""

    def __init__(self, minimo=3, quota=0.75):
        self.minimo = minimo
        self.quota = quota

    def coperti(self, password):
        testo = password.lower()
        coperti = 0
        inizio = 0
        for i in range(1, len(testo) + 1):
            fine_run = i == len(testo) or not ((testo[i - 1], testo[i]) in ADIACENTI or testo[i - 1] == testo[i])
            if fine_run:
                if i - inizio >= self.minimo:
                    coperti += i - inizio
                inizio = i
        return coperti

    def validate(self, password, user=None):
        if password and self.coperti(password) >= self.quota * len(password):
            raise ValidationError(
                "Questa password è una sequenza di tasti vicini o di caratteri in fila (come "
                "«qwertyuiop» o «123456»): sceglierne una meno prevedibile.",
                code="password_sequenza",
            )

    def get_help_text(self):
        return "La password non può essere una sequenza di tasti vicini o di caratteri in fila."

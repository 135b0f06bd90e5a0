class DomainError(Exception):
    """A rule of the domain was broken (an illegal transition, a closed campaign, a full session).

    Pages show the message to the user; the API returns it as a 400 (or `status_code`).
    `field` names the input at fault when there is one.
    """

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.field = field
        if status_code:
            self.status_code = status_code


class IllegalTransition(DomainError):
    status_code = 409

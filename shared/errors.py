"""Domain errors. Raised by use cases; turned into problem+json once, in shared.http."""

from http import HTTPStatus


class DomainError(Exception):
    """Base of errors a client can act on; `status` is the HTTP status it maps to."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    title: str = "Bad request"

    def __init__(self, detail: str, **extensions: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(DomainError):
    status = HTTPStatus.NOT_FOUND
    title = "Not found"


class Conflict(DomainError):
    status = HTTPStatus.CONFLICT
    title = "Conflict"


class IllegalTransition(Conflict):
    title = "Illegal state transition"

    def __init__(self, current: object, target: object) -> None:
        super().__init__(f"cannot go from {current} to {target}", current=str(current), target=str(target))


class InvalidInput(DomainError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    title = "Invalid input"

"""The one error type commands raise: a message a person can act on, and an exit code."""


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

"""The errors the CLI reports as one line."""


class DigestError(Exception):
    """A fatal problem the user can act on; the message is one line."""


class ConfigError(DigestError):
    """The configuration is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class RenderError(DigestError):
    """An output could not be rendered (missing font, template error)."""

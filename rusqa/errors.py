"""rusqa's errors: each message says what to do; the CLI maps each class to one exit code."""


class RusqaError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = 1


class CorpusError(RusqaError):
    """The catalog or a plan file is wrong (missing, empty, not UTF-8, hash changed …)."""

    exit_code = 2


class ParseError(RusqaError):
    """A parser could not read a plan."""

    exit_code = 1


class InputError(RusqaError):
    """A user's input (a question, an option) is unusable."""

    exit_code = 2


class IndexMissingError(RusqaError):
    """There is no live index."""

    exit_code = 3


class IndexMismatchError(RusqaError):
    """The live index was built by other code or settings."""

    exit_code = 3


class IndexBusyError(RusqaError):
    """Another `rusqa index` holds the build lock."""

    exit_code = 1

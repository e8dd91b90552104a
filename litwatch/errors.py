"""User-facing errors: each carries one clear sentence that the CLI prints without a traceback."""


class LitwatchError(Exception):
    """A problem the user can fix (bad input, missing file, unknown topic); message is one sentence."""


class InputError(LitwatchError):
    """A file or argument that cannot be read as what it claims to be."""


class TopicError(LitwatchError):
    """A topic file that is missing, unknown or invalid."""


class WarehouseError(LitwatchError):
    """The warehouse cannot be opened or written (locked, read-only, wrong schema)."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse's write lock; waiting and trying again can succeed."""


class HarvestError(LitwatchError):
    """A harvest that could not fetch everything; the watermark was not advanced."""


class SearchRejectedError(HarvestError):
    """PubMed rejected the topic's query (syntax, unknown field): only changing the query helps."""


class DigestError(LitwatchError):
    """A digest that cannot be composed or sent as configured (SMTP URL, recipients, unknown run)."""


class TopicBusyError(LitwatchError):
    """Another run of the same topic holds the topic's lock; this one refused rather than interleave."""


class ExtractionError(LitwatchError):
    """An extraction run that could not finish (a worker process died); stored batches are kept."""

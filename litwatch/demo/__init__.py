"""The offline demo: a bundled corpus of real PubMed abstracts replayed night by night (see SOURCE.md)."""

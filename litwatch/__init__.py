"""litwatch: keep evidence curators' living answers to PubMed questions current."""

__version__ = "0.1.0"

"""One module per scoring dataset; each registers itself with `extractors.scoring.registry`."""

"""Scoring of the extraction pipeline on annotated data: `litwatch evaluate --dataset NAME`."""

"""Findings about outcomes: statistics parsing, cue lexicons and the direction/significance classifier."""

"""Read the region table shipped as package data (xjma/data/cn_regions.tsv) into core.regions.Regions."""

from __future__ import annotations

import functools
from importlib import resources

from xjma.core.regions import Regions, parse_regions


@functools.cache
def load_regions() -> Regions:
    """The shipped table, read once per process on first use (package data never changes while it runs)."""
    text = resources.files("xjma").joinpath("data/cn_regions.tsv").read_text(encoding="utf-8")
    return parse_regions(text)

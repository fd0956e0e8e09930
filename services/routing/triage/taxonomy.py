"""The taxonomy of complaints: categories with sub-categories, names in English and Chinese, keywords in both
languages. A shipped default serves a general business; `taxonomy_file` points at another."""

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TAXONOMY = Path(__file__).with_name("default_taxonomy.yaml")
LEVELS = ("general", "important", "urgent", "critical")
OTHER = "other"


@dataclass(frozen=True)
class Subcategory:
    id: str
    names: dict[str, str]
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    id: str
    names: dict[str, str]
    level: str = "general"
    keywords: tuple[str, ...] = ()
    subcategories: tuple[Subcategory, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    regulatory_keywords: tuple[str, ...] = ()
    safety_keywords: tuple[str, ...] = ()
    by_id: dict[str, Category] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {c.id: c for c in self.categories})

    def has(self, category: str, subcategory: str | None = None) -> bool:
        found = self.by_id.get(category)
        if found is None:
            return False
        return subcategory is None or any(s.id == subcategory for s in found.subcategories)


class BadTaxonomy(ValueError):
    """The taxonomy file cannot be used; the message says why."""


def parse_taxonomy(document: dict[str, Any]) -> Taxonomy:
    try:
        categories = tuple(_category(raw) for raw in document["categories"])
        taxonomy = Taxonomy(categories, tuple(map(str, document.get("regulatory_keywords") or ())),
                            tuple(map(str, document.get("safety_keywords") or ())))
    except (KeyError, TypeError, AttributeError) as exc:
        raise BadTaxonomy(f"a category lacks a field or has the wrong shape: {exc}") from exc
    if OTHER not in taxonomy.by_id:
        raise BadTaxonomy(f"the taxonomy needs a category '{OTHER}' for complaints nothing else fits")
    if len(taxonomy.by_id) != len(categories):
        raise BadTaxonomy("category ids must be unique")
    return taxonomy


def _category(raw: dict[str, Any]) -> Category:
    level = raw.get("level", "general")
    if level not in LEVELS:
        raise BadTaxonomy(f"category {raw['id']}: level must be one of {', '.join(LEVELS)}, not {level!r}")
    subs = tuple(Subcategory(str(s["id"]), dict(s["name"]), tuple(map(str, s.get("keywords") or ())))
                 for s in raw.get("subcategories") or ())
    return Category(str(raw["id"]), dict(raw["name"]), level, tuple(map(str, raw.get("keywords") or ())), subs)


@functools.cache
def load_taxonomy(path: Path = DEFAULT_TAXONOMY) -> Taxonomy:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BadTaxonomy(f"cannot read the taxonomy {path}: {exc}") from exc
    return parse_taxonomy(document)

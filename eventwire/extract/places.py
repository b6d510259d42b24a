"""Place mentions resolved against GeoNames (SPEC 6). STUB: being written."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


def add_entity_ruler(nlp: Language) -> None:
    """Gazetteer names the statistical NER misses or mislabels."""


@Language.component("eventwire_places")
def places_component(doc: Doc) -> Doc:
    doc._.places = []
    return doc

"""The library entry point: documents in, SPEC document records out."""
from __future__ import annotations

from typing import Iterable, Iterator, Optional

from spacy.language import Language

from .extract.record import to_record
from .models import Document, DocumentRecord
from .nlp import load_nlp, make_doc


def extract(documents: Iterable[Document], nlp: Optional[Language] = None,
            batch_size: int = 8) -> Iterator[DocumentRecord]:
    """Extract events from each document, in input order."""
    nlp = nlp or load_nlp()
    docs = list(documents) if not isinstance(documents, list) else documents
    spacy_docs = (make_doc(nlp, d.text, d.date) for d in docs)
    for document, doc in zip(docs, nlp.pipe(spacy_docs, batch_size=batch_size)):
        yield to_record(doc, document)


def extract_text(text: str, date: str, doc_id: Optional[str] = None, **meta) -> DocumentRecord:
    """Extract from one text dated `date` (ISO); convenience for notebooks and tests."""
    from .ingest.readers import content_id

    document = Document(id=doc_id or content_id(text), date=date, text=text, **meta)
    return next(extract([document]))

"""Claims: who an event is attributed to, through what medium, and its modality (SPEC 3).

Status comes from the words governing the trigger: a reporting verb above it ("X said that ...")
or "according to X" makes it `claimed` by X; a denial verb `denied`; a future auxiliary or a
planning verb (offer, threaten, plan) `planned`; an "if" clause `conditional`; a negation
`negated`. Otherwise the writer states it: `reported`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Actor, Claim
from . import vocab
from .events import Arguments, EventDraft, _clause_head
from .mentions import doc_text, per_doc, span_text

# Edges that leave a reported clause: "Russia, which launched an invasion, says ..." does not
# report the invasion.
# Acts done by saying something: their actor is also who the content is attributed to.
SPEECH_ACTS = {"ACCUSE", "REJECT", "SUPPORT", "THREATEN", "REQUEST", "AGREE", "CONCEDE"}
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "relcl", "appos", "acl", "poss", "dobj", "pobj"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = dict(vocab.load("claims"))
    data["attribution_verbs"] = set(data["reporting"]) | set(data["attributing"])
    data["quotes"] = set(data["quote_open"]) | set(data["quote_close"]) | set(data["quote_both"])
    data["channel_res"] = [(re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE), name) for w, name in data["channels"]]
    # all of them in one pattern: most sentences name no channel, and are scanned once
    data["channel_any"] = re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in data["channel_res"]) or "(?!)",
                                     re.IGNORECASE)
    return data


def channel_of(sent: Span) -> Optional[str]:
    text = span_text(sent)
    if not lexicon()["channel_any"].search(text):
        return None
    for rx, name in lexicon()["channel_res"]:
        if rx.search(text):
            return name
    return None


def _according_to(sent: Span) -> Optional[Token]:
    according, to = lexicon()["according_to"]
    for t in sent:
        if t.lower_ == according:
            for c in t.children:
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
            nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
            if nxt is not None and nxt.lower_ == to:
                return next((p for p in nxt.children if p.dep_ == "pobj"), None)
    return None


def _conditional(node: Token) -> bool:
    marks = lexicon()["conditional_marks"]
    return node.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in node.children)


def _infinitive(node: Token) -> bool:
    """An adverbial clause that is an infinitive (the parser hangs "sworn to fight", "in a bid to
    seize" this way)."""
    return node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ in lexicon()["infinitive"] for c in node.children)


def _thwarted(node: Token) -> bool:
    """Whether an act or attempt is said to have failed or been stopped: "was thwarted", "police
    foiled an attempted bombing", "the failed attempt", "failed to take the town". A repelled
    attack still took place (a clash), and one that police "failed to prevent" happened."""
    stop = lexicon()["thwarting"]
    if any(c.dep_ in ("amod", "conj") and c.lemma_.lower() in stop for c in node.children):
        return True
    head = node.head
    if node.dep_ in ("nsubj", "nsubjpass", "dobj", "xcomp") and head.lemma_.lower() in stop:
        stopping_failed = any(c.dep_ == "neg" for c in head.children) or (
            head.dep_ == "xcomp" and head.head.lemma_.lower() in stop)
        return not stopping_failed
    return False


def _attempted(tok: Token) -> Optional[str]:
    """The modality of an act framed as an attempt (`attempts` in data/claims.yaml): `planned`,
    or `negated` when the attempt failed; None for an act with no such frame."""
    attempts = lexicon()["attempts"]
    frame = tok if any(c.dep_ in ("amod", "compound") and c.lemma_.lower() in attempts for c in tok.children) else None
    node = tok
    for _ in range(3):
        if frame is not None or (node.dep_ not in ("xcomp", "acl") and not _infinitive(node)) or node.head is node:
            break
        node = node.head
        if node.lemma_.lower() in attempts:
            frame = node
    if _thwarted(tok) or (frame is not None and _thwarted(frame)):
        return "negated"
    return "planned" if frame is not None else None


def _modality(tok: Token) -> Optional[str]:
    lex = lexicon()
    head = _clause_head(tok)
    node = head
    for _ in range(4):  # "... if he came to meet them": the whole clause is the condition
        if _conditional(node):
            return "conditional"
        if node.dep_ not in ("xcomp", "ccomp", "conj") or node.head == node:
            break
        node = node.head
    for node in {tok, head}:
        kids = list(node.children)
        if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in lex["negation"]) for c in kids):
            return "negated"
        if any(_conditional(c) for c in kids):
            return "conditional"
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in lex["future_aux"] for c in kids):
            return "planned"
    attempt = _attempted(tok)
    if attempt is not None:
        return attempt
    node = head
    for _ in range(3):  # "plans to attack", "threatened to strike"
        if (node.dep_ not in ("xcomp", "ccomp", "acl") and not _infinitive(node)) or node.head == node:
            break
        node = node.head
        if node.lemma_.lower() in lex["planning"]:
            return "planned"
        if any(c.dep_ in ("aux",) and c.lower_ in lex["future_aux"] for c in node.children):
            return "planned"
    return None


def _speakers(verb: Token, args: Arguments, previous: list[Actor]) -> list[Actor]:
    """Who a reporting verb's subject stands for: a party, or the issuer of a document."""
    lex = lexicon()
    subj = args.subject(verb)
    if subj is None:
        return []
    found = args.actors_of(subj)
    if found or subj.lemma_.lower() not in lex["documents"]:
        return found
    for c in subj.children:  # "a statement by the ministry", "Erdogan's office statement"
        if c.dep_ == "poss":
            found += args.actors_of(c)
        elif c.dep_ in ("prep", "acl"):
            found += [a for t in c.subtree if t.dep_ == "pobj" for a in args.actors_of(t)]
    return found or previous[-1:]


def quoted_attribution(sent: Span, args: Arguments, previous: list[Actor]) -> list[Actor]:
    """Claimants of a quoted sentence from the attribution in the sentence after or before it."""
    lex = lexicon()
    text = span_text(sent).strip()
    if not text or text[0] not in lex["quotes"] or any(
            t.lemma_.lower() in lex["reporting"] and t.pos_ in ("VERB", "AUX") for t in sent):
        return []  # not a quotation, or one attributed in its own sentence
    doc = sent.doc
    neighbours = []
    if sent.end < len(doc):
        neighbours.append(doc[sent.end].sent)
    if sent.start > 0:
        neighbours.append(doc[sent.start - 1].sent)
    for other in neighbours:
        if not any(q in other.text for q in lex["quotes"]):
            continue
        for t in other:
            if t.lemma_.lower() in lex["reporting"] and t.pos_ in ("VERB", "AUX"):
                found = _speakers(t, args, previous)
                if found:
                    return found
    return []


def quotations(doc: Doc) -> list[tuple[int, int, Span]]:
    """(start, end) character offsets of each quotation, with the sentence it opens in."""
    lex = lexicon()
    openers = set(lex["quote_open"]) | set(lex["quote_both"])
    closers = set(lex["quote_close"]) | set(lex["quote_both"])
    out, start = [], None
    for i, ch in enumerate(doc_text(doc)):
        if start is None and ch in openers:
            start = i
        elif start is not None and ch in closers:
            out.append((start, i, doc.char_span(start, start + 1, alignment_mode="expand")))
            start = None
    return [(a, b, span.sent) for a, b, span in out if span is not None]


def quote_speakers(tok: Token, args: Arguments) -> list[Actor]:
    """Who speaks a quotation the act sits in, from the words that lead into it in the sentence
    where it opens ('The Department of Defense justified the strike: "... by killing ..."'), for
    quotations that run over several sentences with no attribution of their own."""
    doc = tok.doc
    for start, end, sent in per_doc(doc, "eventwire_quotes", quotations):
        if start < tok.idx < end and sent.start_char < start - 1:
            # the lead-in's main verb: the parser may hang the whole sentence on a quoted verb
            lead = [t for t in sent if t.idx < start and t.pos_ in ("VERB", "AUX")
                    and (subj := args.subject(t)) is not None and subj.idx < start]
            if not lead:
                return []
            subj = args.subject(min(lead, key=lambda t: len(list(t.ancestors))))
            if subj.lower_ not in vocab.load("actors")["first_person"]:
                return args.actors_of(subj)
    return []


def _hedged(tok: Token) -> bool:
    """A hedge on the act or its clause ("reportedly struck", "the alleged attack"), not on some
    other word of the sentence ("demands include investigation of alleged police violence")."""
    clause = _clause_head(tok)
    heads = {tok.i, clause.i} | {c.i for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")}
    return any(t.lower_ in lexicon()["hedges"] and t.head.i in heads for t in tok.sent)


def claim_for(draft: EventDraft, args: Arguments, previous: Optional[list[Actor]] = None) -> Claim:
    lex = lexicon()
    tok = draft.trigger.root
    status, claimants, source_verb = "reported", [], None
    child = tok if tok.pos_ in ("VERB", "AUX") else _clause_head(tok)
    for anc in child.ancestors:
        if child.dep_ in ARGUMENT_DEPS and not (child.pos_ == "VERB" and child.dep_ in ("dobj", "pobj")):
            break  # the trigger sits in an argument of this verb, not in what it reports
        lemma = anc.lemma_.lower()
        if child.dep_ == "conj" and (lemma in lex["denial"] or lemma in lex["attribution_verbs"]):
            break  # "denied X but cast Y": a second act beside the denial, not its content
        child = anc
        if lemma in lex["denial"]:
            status, source_verb = "denied", anc
            break
        if lemma in lex["attribution_verbs"] and anc.pos_ in ("VERB", "AUX"):
            status, source_verb = "claimed", anc
            break
    previous = previous if previous is not None else []
    if source_verb is not None:
        claimants = _speakers(source_verb, args, previous)
    pobj = _according_to(tok.sent)
    if pobj is not None:
        status = "claimed" if status == "reported" else status
        claimants = claimants or args.actors_of(pobj)
    if status == "reported" and _hedged(tok):
        status = "claimed"
    if not claimants and draft.actors and any(
            c.dep_ in ("advcl", "xcomp", "conj") and c.tag_ == "VBG" and c.lemma_.lower() in lex["attribution_verbs"]
            for c in (tok if tok.pos_ in ("VERB", "AUX") else _clause_head(tok)).children):
        # "KGB arrested 33 Russians, claiming them to be mercenaries": the actor gives its account
        status, claimants = "claimed" if status == "reported" else status, list(draft.actors)
    if not claimants and draft.type in SPEECH_ACTS and source_verb is None:
        claimants = list(draft.actors)  # a statement is its speaker's own claim
    if not claimants and status in ("reported", "claimed"):
        claimants = quoted_attribution(tok.sent, args, previous) or quote_speakers(tok, args)
        if claimants:
            status = "claimed"
    modality = _modality(tok)
    if modality is not None and status in ("reported", "claimed"):
        status = modality
    channel = channel_of(tok.sent) if status != "reported" or claimants else None
    return Claim(claimants=_unique(claimants), channel=channel, status=status)


def _unique(actors: list[Actor]) -> list[Actor]:
    out, seen = [], set()
    for a in actors:
        key = (a.name, a.country, a.sector)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


@Language.component("eventwire_claims")
def claims_component(doc: Doc) -> Doc:
    """Claims only (the assembler calls `claim_for` itself; dates and confidence are not ours)."""
    args = Arguments(doc)
    previous: list[Actor] = []  # claimants so far: who "the statement" of a later sentence is from
    for draft in sorted(doc._.events or (), key=lambda d: d.trigger.start):
        draft.claim = claim_for(draft, args, previous)
        previous.extend(draft.claim.claimants)
    return doc

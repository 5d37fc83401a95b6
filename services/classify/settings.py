"""Settings of the classify service."""

from pathlib import Path

from pydantic import Field

from services.classify.corpus import MODELS_DIR
from services.common.settings import CommonSettings


class ClassifySettings(CommonSettings):
    metrics_port: int = Field(
        default=9102,
        ge=0,
        le=65535,
        validation_alias="WEBCARE_CLASSIFY_METRICS_PORT",
        description="Port of classify's `/metrics` and `/health`; 0 turns them off.",
    )
    model_dir: Path = Field(
        default=MODELS_DIR,
        validation_alias="WEBCARE_CLASSIFY_MODEL_DIR",
        description="Where versioned model artifacts live (built there when missing).",
    )
    model_version: str | None = Field(
        default=None,
        validation_alias="WEBCARE_CLASSIFY_MODEL_VERSION",
        description="Pin a model version; unset: the one CURRENT names, else the corpus model.",
    )
    shadow_version: str | None = Field(
        default=None,
        validation_alias="WEBCARE_CLASSIFY_SHADOW_VERSION",
        description="A model version to run beside the live one (recorded, counted, not routed).",
    )
    explain: bool = Field(
        default=True,
        validation_alias="WEBCARE_CLASSIFY_EXPLAIN",
        description="Add the words that drove each topic to every classified mention.",
    )

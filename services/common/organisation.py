"""The organisation's policy file: taxonomy, departments, push targets, SLAs.

Validated at start; `load_organisation` raises `OrganisationConfigError` with a
message that names the field and says what is wrong, and services stop on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from services.common.organisation_accounts import (
    Account,
    ReplyGuidelines,
    check_account_references,
)
from services.common.organisation_push import PushTargets
from services.common.organisation_routing import RoutingPolicy, check_references
from services.common.organisation_rules import TopicRule
from services.common.organisation_sources import Sources
from services.common.validation import describe

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class OrganisationConfigError(ValueError):
    """The organisation file is missing, unreadable or invalid."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicDefinition(Strict):
    """A topic of the taxonomy and the keywords that suggest it (the first classifier uses them)."""

    slug: Slug
    name: str
    keywords: list[str] = Field(default_factory=list)
    sla_minutes: int | None = Field(default=None, ge=1, description="Time to first response.")


class WebhookTarget(Strict):
    url: HttpUrl
    secret_env: str | None = Field(
        default=None, description="Name of the environment variable holding the HMAC secret."
    )


class Department(Strict):
    slug: Slug
    name: str
    topics: list[Slug] = Field(default_factory=list)
    language: str = "nl"
    members: list[str] = Field(default_factory=list)
    webhooks: list[WebhookTarget] = Field(default_factory=list)
    push: PushTargets = Field(default_factory=PushTargets)


class Organisation(Strict):
    name: str
    handles: list[str] = Field(default_factory=list)
    default_sla_minutes: int = Field(default=24 * 60, ge=1)
    triage_department: Slug
    topics: list[TopicDefinition] = Field(min_length=1)
    departments: list[Department] = Field(min_length=1)
    sentiment_keywords: dict[str, list[str]] = Field(
        default_factory=dict, description="Words suggesting 'negative' or 'positive'."
    )
    routing: RoutingPolicy = Field(
        default_factory=RoutingPolicy,
        description="Priority, escalation, hours, guidelines, crisis (organisation_routing.py).",
    )
    sources: Sources = Field(default_factory=Sources, description="Channels ingest listens to.")
    topic_rules: list[TopicRule] = Field(
        default_factory=list, description="Keyword rules that force or forbid a topic."
    )
    accounts: list[Account] = Field(
        default_factory=list, description="The organisation's own accounts replies are posted from."
    )
    reply_guidelines: ReplyGuidelines = Field(
        default_factory=ReplyGuidelines, description="Warnings shown before a reply is sent."
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> Organisation:
        topic_slugs = [t.slug for t in self.topics]
        if len(set(topic_slugs)) != len(topic_slugs):
            raise ValueError("topics: a topic slug is defined twice")
        dept_slugs = [d.slug for d in self.departments]
        if len(set(dept_slugs)) != len(dept_slugs):
            raise ValueError("departments: a department slug is defined twice")
        for dept in self.departments:
            unknown = sorted(set(dept.topics) - set(topic_slugs))
            if unknown:
                raise ValueError(f"departments.{dept.slug}.topics: unknown topic(s) {unknown}")
        if self.triage_department not in dept_slugs:
            raise ValueError(
                f"triage_department: {self.triage_department!r} is not one of the departments"
            )
        unknown_moods = set(self.sentiment_keywords) - {"negative", "positive"}
        if unknown_moods:
            raise ValueError(f"sentiment_keywords: unknown key(s) {sorted(unknown_moods)}")
        return self

    @model_validator(mode="after")
    def _routing_references_resolve(self) -> Organisation:
        check_references(self.routing, self.department_slugs, [t.slug for t in self.topics])
        check_account_references(self.accounts, self.department_slugs)
        return self

    def department(self, slug: str) -> Department:
        for dept in self.departments:
            if dept.slug == slug:
                return dept
        raise KeyError(slug)

    @property
    def department_slugs(self) -> list[str]:
        return [d.slug for d in self.departments]

    def sla_minutes(self, topic: str) -> int:
        for t in self.topics:
            if t.slug == topic and t.sla_minutes is not None:
                return t.sla_minutes
        return self.default_sla_minutes


def parse_organisation(data: object, source: str = "<memory>") -> Organisation:
    try:
        return Organisation.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(describe(err))
        raise OrganisationConfigError(f"{source}: {problems}") from err


def load_organisation(path: Path) -> Organisation:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise OrganisationConfigError(f"{path}: cannot read ({err.strerror})") from err
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise OrganisationConfigError(f"{path}: not valid YAML ({err})") from err
    return parse_organisation(data, str(path))


def load_organisation_or_exit(path: Path) -> Organisation:
    """What a service calls at start: a wrong file stops it with the reason, not a traceback."""
    try:
        return load_organisation(path)
    except OrganisationConfigError as err:
        raise SystemExit(f"webcare: invalid organisation config: {err}") from err

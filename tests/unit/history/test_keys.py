"""API keys: format, hashing, the bearer header, and scopes; hypothesis on what callers send."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.history.keys import (
    ENV_ADMIN,
    Principal,
    Role,
    Scope,
    generate,
    is_env_admin,
    matches,
    sha256_hex,
    split,
)


def test_a_generated_key_splits_into_id_and_secret_whose_hash_is_stored() -> None:
    new = generate()
    parts = split(new.token)
    assert parts is not None
    key_id, secret = parts
    assert key_id == new.key_id
    assert new.secret_sha256 == sha256_hex(secret)
    assert secret not in new.secret_sha256
    assert matches(secret, new.secret_sha256)
    assert not matches(secret + "x", new.secret_sha256)


def test_keys_are_unique() -> None:
    assert len({generate().token for _ in range(200)}) == 200


@given(st.text(max_size=200))
def test_split_never_raises_and_only_accepts_the_format(token: str) -> None:
    parts = split(token)
    if parts is not None:
        assert token == f"wck_{parts[0]}_{parts[1]}"
        assert parts[0]
        assert parts[1]


@given(st.text(max_size=100), st.text(max_size=100))
def test_env_admin_key_matches_only_itself(token: str, admin_key: str) -> None:
    assert is_env_admin(token, admin_key) == (bool(admin_key) and token == admin_key)


def test_departments_read_everything_but_act_only_for_themselves() -> None:
    service = Principal("service", "k1", frozenset({Scope.READ, Scope.ACT}), "service")
    reader = Principal("board", "k2", frozenset({Scope.READ}), "service")
    assert service.may(Scope.READ)
    assert service.may_act_for("service")
    assert not service.may_act_for("fondsenwerving")
    assert not reader.may_act_for("service")
    assert not service.may(Scope.ADMIN)
    assert ENV_ADMIN.may(Scope.ADMIN)
    assert ENV_ADMIN.may_act_for("service")  # an admin acts on any mention


@pytest.mark.parametrize(
    ("role", "home", "routed", "may", "records_for"),
    [
        (Role.MEMBER, {"service"}, ["service", "communicatie"], True, "service"),
        (Role.MEMBER, {"service", "pers"}, ["communicatie", "pers"], True, "pers"),
        (Role.MEMBER, {"service"}, ["fondsenwerving"], False, "service"),
        (Role.MEMBER, {"service"}, [], False, "service"),
        (Role.LEAD, {"service"}, ["fondsenwerving"], True, "service"),
        (Role.ADMIN, set(), ["fondsenwerving"], True, None),
    ],
)
def test_who_may_act_on_a_mention(
    role: Role, home: set[str], routed: list[str], may: bool, records_for: str | None
) -> None:
    person = Principal(
        "femke", None, frozenset({Scope.READ, Scope.ACT}), None, frozenset(home), role
    )
    assert person.may_act_on(routed) is may
    assert person.acting_department(routed) == records_for
    reader = Principal("board", None, frozenset({Scope.READ}), None, frozenset(home), role)
    assert not reader.may_act_on(routed)

"""API keys: format, hashing, the bearer header, and scopes; hypothesis on what callers send."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.history.keys import (
    ENV_ADMIN,
    Principal,
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
    assert not ENV_ADMIN.may_act_for("service")

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from services.intake.encryption import PiiCipher
from services.intake.pii_keys import KEY_FILE, NoKeys, pii_cipher, pii_keys
from services.intake.settings import IntakeSettings

NEW, OLD = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_keys_are_given_comma_separated_or_as_a_json_list_newest_first():
    assert [k.get_secret_value() for k in IntakeSettings(pii_keys=f"{NEW}, {OLD}").pii_keys] == [NEW, OLD]
    assert [k.get_secret_value() for k in IntakeSettings(pii_keys=f'["{NEW}"]').pii_keys] == [NEW]


def test_a_key_that_is_not_a_fernet_key_is_refused():
    with pytest.raises(ValidationError, match="PII key 2 is not a Fernet key"):
        IntakeSettings(pii_keys=[NEW, "secret"])


def test_configured_keys_are_used_and_no_key_file_is_made(tmp_path: Path):
    settings = IntakeSettings(data_dir=tmp_path, pii_keys=[NEW, OLD])
    assert pii_keys(settings) == [NEW, OLD]
    assert not (tmp_path / KEY_FILE).exists()


def test_without_keys_one_is_generated_once_in_the_data_dir_for_its_owner_only(tmp_path: Path):
    settings = IntakeSettings(data_dir=tmp_path / "data")
    first = pii_keys(settings)
    assert pii_keys(settings) == first and len(first) == 1
    Fernet(first[0])
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE]
    assert pii_keys(IntakeSettings(data_dir=tmp_path / "elsewhere")) != first


def test_tools_that_must_not_make_a_key_say_that_none_is_set(tmp_path: Path):
    with pytest.raises(NoKeys, match="REDRESS_INTAKE_PII_KEYS is not set"):
        pii_keys(IntakeSettings(data_dir=tmp_path), generate=False)
    assert not (tmp_path / KEY_FILE).exists()
    made = pii_keys(IntakeSettings(data_dir=tmp_path))
    assert pii_keys(IntakeSettings(data_dir=tmp_path), generate=False) == made


def test_processes_starting_together_end_up_with_the_same_key(tmp_path: Path):
    settings = IntakeSettings(data_dir=tmp_path)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: tuple(pii_keys(settings)), range(16)))
    assert len(set(found)) == 1


def test_a_key_file_may_hold_older_keys_after_the_newest(tmp_path: Path):
    (tmp_path / KEY_FILE).write_text(f"{NEW}\n\n{OLD}\n")
    cipher = pii_cipher(IntakeSettings(data_dir=tmp_path))
    assert cipher == PiiCipher([NEW, OLD])


@pytest.mark.parametrize("content", ["", "\n", "not a key\n"])
def test_a_damaged_key_file_is_a_clear_error(tmp_path: Path, content: str):
    (tmp_path / KEY_FILE).write_text(content)
    with pytest.raises(ValueError, match=KEY_FILE):
        pii_keys(IntakeSettings(data_dir=tmp_path))

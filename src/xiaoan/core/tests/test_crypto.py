import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from xiaoan.core import crypto


@pytest.fixture
def keys(settings):
    def configure(value: str, hash_key: str = "hash-key-for-tests"):
        settings.XIAOAN_DATA_KEYS = value
        settings.XIAOAN_HASH_KEY = hash_key
        crypto.reset_keys()

    yield configure
    crypto.reset_keys()


def key(byte: int) -> str:
    return base64.b64encode(bytes([byte]) * 32).decode()


def test_it_encrypts_with_the_first_key_and_names_it_in_the_stored_value(keys):
    keys(f"v2:{key(2)},v1:{key(1)}")
    token = crypto.encrypt("411302201501011234")
    assert token.startswith("v2:")
    assert "411302201501011234" not in token
    assert crypto.decrypt(token) == "411302201501011234"


def test_it_uses_a_fresh_nonce_so_equal_numbers_do_not_look_equal(keys):
    keys(f"v1:{key(1)}")
    assert crypto.encrypt("13812341234") != crypto.encrypt("13812341234")


def test_it_still_reads_values_written_with_an_older_key_after_a_new_one_is_added(keys):
    keys(f"v1:{key(1)}")
    old = crypto.encrypt("13812341234")
    keys(f"v2:{key(2)},v1:{key(1)}")
    assert crypto.decrypt(old) == "13812341234"


def test_it_refuses_a_value_whose_key_was_dropped_or_that_was_tampered_with(keys):
    keys(f"v1:{key(1)}")
    token = crypto.encrypt("13812341234")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)
    keys(f"v2:{key(2)}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_it_rejects_malformed_key_settings(keys):
    with pytest.raises(ImproperlyConfigured):
        keys("no-colon-here")
        crypto.keyring()
    with pytest.raises(ImproperlyConfigured):
        keys("v1:" + base64.b64encode(b"short").decode())
        crypto.keyring()


def test_the_keyed_hash_is_stable_across_data_key_rotation_but_depends_on_the_hash_key(keys):
    keys(f"v1:{key(1)}")
    first = crypto.keyed_hash("13812341234")
    keys(f"v2:{key(2)}")
    assert crypto.keyed_hash("13812341234") == first
    keys(f"v2:{key(2)}", hash_key="another-hash-key")
    assert crypto.keyed_hash("13812341234") != first


def test_it_falls_back_to_a_development_key_outside_production(keys):
    keys("", hash_key="")
    assert crypto.encrypt("x").startswith(crypto.DEV_KEY_ID + ":")


@pytest.mark.parametrize(
    ("masker", "value", "masked"),
    [
        (crypto.mask_name, "张小明", "张*明"),
        (crypto.mask_name, "张三", "张*"),
        (crypto.mask_name, "欧阳小明", "欧**明"),
        (crypto.mask_name, "", ""),
        (crypto.mask_mobile, "13812341234", "138****1234"),
        (crypto.mask_id_number, "411302201501011234", "4113**********1234"),
        (crypto.mask_id_number, "", ""),
    ],
)
def test_masks_hide_the_middle_of_names_and_numbers(masker, value, masked):
    assert masker(value) == masked

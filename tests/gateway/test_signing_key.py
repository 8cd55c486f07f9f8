"""The JWT bearer flow's signing key: parsed without OpenSSL's primality tests (tens of milliseconds per
cold start), and checked for consistency instead before it signs anything."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.exceptions import InvalidKeyError
from leadrelay.adapters.salesforce.auth import SalesforceCredentials, jwt_assertion

NOW = 1_750_000_000.0


def _credentials(private_key_pem: str) -> SalesforceCredentials:
    return SalesforceCredentials(
        consumer_key="3MVG9leadrelayConsumerKey",
        username="leadrelay-integration@sample-shoji.co.jp",
        private_key=private_key_pem,  # type: ignore[arg-type]  # pydantic makes it a SecretStr
    )


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_a_consistent_key_signs_an_assertion_its_public_key_verifies(rsa_key: rsa.RSAPrivateKey) -> None:
    token = jwt_assertion(_credentials(_pem(rsa_key)), now=NOW)

    claims = jwt.decode(token, rsa_key.public_key(), algorithms=["RS256"], options={"verify_aud": False,
                        "verify_exp": False})  # fmt: skip
    assert claims["sub"] == "leadrelay-integration@sample-shoji.co.jp"


def test_a_key_with_a_corrupted_crt_coefficient_is_refused_before_it_signs(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    numbers = rsa_key.private_numbers()
    corrupted = rsa.RSAPrivateNumbers(
        numbers.p, numbers.q, numbers.d, numbers.dmp1, numbers.dmq1, numbers.iqmp + 1, numbers.public_numbers
    ).private_key(unsafe_skip_rsa_key_validation=True)

    with pytest.raises(InvalidKeyError, match="not a consistent RSA key"):
        jwt_assertion(_credentials(_pem(corrupted)), now=NOW)


def test_a_key_whose_private_exponent_does_not_invert_e_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    numbers = rsa_key.private_numbers()
    p, q, d = numbers.p, numbers.q, numbers.d + 2
    wrong = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), numbers.iqmp, numbers.public_numbers
    ).private_key(unsafe_skip_rsa_key_validation=True)

    with pytest.raises(InvalidKeyError, match="not a consistent RSA key"):
        jwt_assertion(_credentials(_pem(wrong)), now=NOW)


def test_an_elliptic_curve_key_is_refused_naming_what_rs256_needs() -> None:
    key = ec.generate_private_key(ec.SECP256R1())

    with pytest.raises(InvalidKeyError, match=r"not an RSA key \(RS256 needs one\), got EC"):
        jwt_assertion(_credentials(_pem(key)), now=NOW)


def test_text_that_is_not_a_pem_key_is_refused() -> None:
    not_a_key = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"

    with pytest.raises(InvalidKeyError, match="not a PEM-encoded private key"):
        jwt_assertion(_credentials(not_a_key), now=NOW)

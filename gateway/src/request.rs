//! The signed request: the EIP-712 `GatewayRequest` a wallet signs, how it
//! travels (two headers), and the checks that need no chain (body hash,
//! expiry window, ecrecover).
//!
//! ```text
//! X-Stylus-IP-Request:   {"account":"0x…","collection":"0x…","tokenId":"7",
//!                         "bodyHash":"0x…","nonce":"1","expiry":1700000000}
//! X-Stylus-IP-Signature: 0x<r‖s‖v, or an ERC-1271 wallet's signature bytes>
//! ```
//!
//! The EIP-712 domain is `{ name: "stylus-ip gateway", version: "1",
//! chainId, verifyingContract: <the licence market> }`.

use std::str::FromStr;

use alloy::primitives::{keccak256, Address, Bytes, Signature, B256, U256};
use alloy::sol_types::{eip712_domain, Eip712Domain, SolStruct};
use serde::Deserialize;

use crate::error::GatewayError;

/// Header carrying the request's EIP-712 fields as JSON.
pub const REQUEST_HEADER: &str = "x-stylus-ip-request";
/// Header carrying the signature, `0x`-hex.
pub const SIGNATURE_HEADER: &str = "x-stylus-ip-signature";
/// The EIP-712 domain name.
pub const DOMAIN_NAME: &str = "stylus-ip gateway";
/// The EIP-712 domain version.
pub const DOMAIN_VERSION: &str = "1";

alloy::sol! {
    /// What a licensee signs for one call of the gateway.
    #[derive(Debug, PartialEq, Eq)]
    struct GatewayRequest {
        address account;
        address collection;
        uint256 tokenId;
        bytes32 bodyHash;
        uint256 nonce;
        uint64 expiry;
    }
}

/// The EIP-712 domain of the gateway on `chain_id`, bound to the licence
/// market at `market`.
#[must_use]
pub fn domain(chain_id: u64, market: Address) -> Eip712Domain {
    eip712_domain! {
        name: DOMAIN_NAME,
        version: DOMAIN_VERSION,
        chain_id: chain_id,
        verifying_contract: market,
    }
}

/// The digest the account signs.
#[must_use]
pub fn signing_hash(req: &GatewayRequest, chain_id: u64, market: Address) -> B256 {
    req.eip712_signing_hash(&domain(chain_id, market))
}

/// A `uint256` as JSON: a number, or a decimal or `0x`-hex string.
pub(crate) fn de_u256<'de, D: serde::Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Num(u64),
        Str(String),
    }
    match N::deserialize(d)? {
        N::Num(n) => Ok(U256::from(n)),
        N::Str(s) => U256::from_str(s.trim()).map_err(serde::de::Error::custom),
    }
}

/// A `uint64` as JSON: a number or a decimal string.
fn de_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = de_u256(d)?;
    u64::try_from(v).map_err(|_| serde::de::Error::custom("does not fit in uint64"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Wire {
    account: Address,
    collection: Address,
    #[serde(deserialize_with = "de_u256")]
    token_id: U256,
    body_hash: B256,
    #[serde(deserialize_with = "de_u256")]
    nonce: U256,
    #[serde(deserialize_with = "de_u64")]
    expiry: u64,
}

/// Parses the request header's JSON.
///
/// # Errors
/// [`GatewayError::BadRequestHeader`] for anything but the six members.
pub fn parse_request_header(json: &str) -> Result<GatewayRequest, GatewayError> {
    let w: Wire =
        serde_json::from_str(json).map_err(|e| GatewayError::BadRequestHeader(e.to_string()))?;
    Ok(GatewayRequest {
        account: w.account,
        collection: w.collection,
        tokenId: w.token_id,
        bodyHash: w.body_hash,
        nonce: w.nonce,
        expiry: w.expiry,
    })
}

/// The request header's JSON for `req` (integers as decimal strings, as
/// wallets take them).
#[must_use]
pub fn request_header_json(req: &GatewayRequest) -> String {
    serde_json::json!({
        "account": req.account,
        "collection": req.collection,
        "tokenId": req.tokenId.to_string(),
        "bodyHash": req.bodyHash,
        "nonce": req.nonce.to_string(),
        "expiry": req.expiry,
    })
    .to_string()
}

/// Parses the signature header (`0x`-hex, 1 to 4096 bytes).
///
/// # Errors
/// [`GatewayError::BadSignature`] when it is not that.
pub fn parse_signature_header(s: &str) -> Result<Bytes, GatewayError> {
    let s = s.trim();
    let hex = s
        .strip_prefix("0x")
        .ok_or_else(|| GatewayError::BadSignature("expected 0x-prefixed hex".into()))?;
    let bytes = alloy::primitives::hex::decode(hex)
        .map_err(|e| GatewayError::BadSignature(e.to_string()))?;
    if bytes.is_empty() || bytes.len() > 4096 {
        return Err(GatewayError::BadSignature(format!(
            "{} bytes (expected 1 to 4096)",
            bytes.len()
        )));
    }
    Ok(bytes.into())
}

/// Checks that `body` is the signed body.
///
/// # Errors
/// [`GatewayError::BodyHashMismatch`].
pub fn check_body(req: &GatewayRequest, body: &[u8]) -> Result<(), GatewayError> {
    if keccak256(body) == req.bodyHash {
        Ok(())
    } else {
        Err(GatewayError::BodyHashMismatch)
    }
}

/// Checks the request's lifetime at gateway time `now`: valid while
/// `now <= expiry`, and never more than `max_secs` ahead (so that the nonce
/// store can forget a nonce once its request has expired).
///
/// # Errors
/// [`GatewayError::Expired`] or [`GatewayError::ExpiryTooFar`].
pub fn check_expiry(req: &GatewayRequest, now: u64, max_secs: u64) -> Result<(), GatewayError> {
    if now > req.expiry {
        return Err(GatewayError::Expired {
            expiry: req.expiry,
            now,
        });
    }
    if req.expiry - now > max_secs {
        return Err(GatewayError::ExpiryTooFar {
            expiry: req.expiry,
            now,
            max_secs,
        });
    }
    Ok(())
}

/// The externally owned account that signed `digest`, if `sig` is a 65-byte
/// `r ‖ s ‖ v` signature (`v` 27/28 or 0/1) that recovers.
#[must_use]
pub fn recover_eoa(digest: B256, sig: &[u8]) -> Option<Address> {
    if sig.len() != 65 {
        return None;
    }
    Signature::from_raw(sig)
        .ok()?
        .recover_address_from_prehash(&digest)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::signers::local::PrivateKeySigner;
    use alloy::signers::SignerSync;
    use proptest::prelude::*;

    fn req(account: Address) -> GatewayRequest {
        GatewayRequest {
            account,
            collection: Address::repeat_byte(0xc0),
            tokenId: U256::from(7),
            bodyHash: keccak256(b"{}"),
            nonce: U256::from(1),
            expiry: 1_000,
        }
    }

    #[test]
    fn header_round_trip_and_refusals() {
        let r = req(Address::repeat_byte(1));
        assert_eq!(parse_request_header(&request_header_json(&r)).unwrap(), r);
        // Numbers and hex strings are accepted too.
        let j = format!(
            r#"{{"account":"{}","collection":"{}","tokenId":"0x7","bodyHash":"{}","nonce":1,"expiry":"1000"}}"#,
            r.account, r.collection, r.bodyHash
        );
        assert_eq!(parse_request_header(&j).unwrap(), r);
        for bad in [
            "",
            "{}",
            &j.replace("\"expiry\":\"1000\"", "\"expiry\":\"18446744073709551616\""),
            &j.replace("}", ",\"extra\":1}"),
            &j.replace("\"0x7\"", "\"seven\""),
        ] {
            let e = parse_request_header(bad).unwrap_err();
            assert_eq!(e.code(), "bad_request_header", "{bad}");
        }
        assert!(parse_signature_header("abcd").is_err());
        assert!(parse_signature_header("0xzz").is_err());
        assert!(parse_signature_header("0x").is_err());
        assert_eq!(parse_signature_header("0x0102").unwrap().len(), 2);
    }

    #[test]
    fn expiry_window() {
        let r = req(Address::ZERO);
        assert!(check_expiry(&r, 1_000, 60).is_ok());
        assert!(check_expiry(&r, 940, 60).is_ok());
        assert_eq!(
            check_expiry(&r, 1_001, 60).unwrap_err().code(),
            "request_expired"
        );
        assert_eq!(
            check_expiry(&r, 939, 60).unwrap_err().code(),
            "expiry_too_far"
        );
    }

    #[test]
    fn domain_matches_the_typed_data_definition() {
        // The type string every wallet hashes.
        assert_eq!(
            GatewayRequest::eip712_encode_type(),
            "GatewayRequest(address account,address collection,uint256 tokenId,bytes32 bodyHash,uint256 nonce,uint64 expiry)"
        );
        let m = Address::repeat_byte(9);
        let d = domain(412_346, m);
        let by_hand = keccak256(
            [
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
                )
                .as_slice(),
                keccak256(DOMAIN_NAME).as_slice(),
                keccak256(DOMAIN_VERSION).as_slice(),
                &U256::from(412_346u64).to_be_bytes::<32>(),
                B256::left_padding_from(m.as_slice()).as_slice(),
            ]
            .concat(),
        );
        assert_eq!(d.separator(), by_hand);
    }

    proptest! {
        /// A signature recovers to its signer over exactly the signed fields:
        /// another field value, chain or market gives another digest.
        #[test]
        fn signatures_bind_every_field(key in any::<[u8; 32]>(), nonce in any::<u64>(), expiry in any::<u64>(),
                                       token in any::<u64>(), body in any::<Vec<u8>>(), which in 0u8..8) {
            let Ok(signer) = PrivateKeySigner::from_slice(&key) else { return Ok(()) };
            let r = GatewayRequest {
                account: signer.address(),
                collection: Address::repeat_byte(3),
                tokenId: U256::from(token),
                bodyHash: keccak256(&body),
                nonce: U256::from(nonce),
                expiry,
            };
            let market = Address::repeat_byte(9);
            let digest = signing_hash(&r, 1, market);
            let sig = signer.sign_hash_sync(&digest).unwrap().as_bytes();
            prop_assert_eq!(recover_eoa(digest, &sig), Some(signer.address()));
            prop_assert!(check_body(&r, &body).is_ok());
            let mut t = r.clone();
            let (chain, m) = match which {
                0 => { t.tokenId ^= U256::from(1); (1, market) }
                1 => { t.nonce ^= U256::from(1); (1, market) }
                2 => { t.expiry ^= 1; (1, market) }
                3 => { t.bodyHash.0[0] ^= 1; (1, market) }
                4 => { t.collection.0[0] ^= 1; (1, market) }
                5 => { t.account.0[0] ^= 1; (1, market) }
                6 => (2, market),
                _ => (1, Address::repeat_byte(8)),
            };
            let other = signing_hash(&t, chain, m);
            prop_assert_ne!(other, digest);
            prop_assert_ne!(recover_eoa(other, &sig), Some(signer.address()));
            let mut tampered = body;
            tampered.push(0);
            prop_assert!(check_body(&r, &tampered).is_err());
        }
    }
}

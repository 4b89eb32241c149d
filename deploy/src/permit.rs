//! EIP-2612 permits for the share tokens: the `Permit` struct, the share
//! token's EIP-712 domain (as its ERC-5267 `eip712Domain()` reports it:
//! name, version "1", chain id, the vault) and a local signer's `(v, r, s)`.
//! Used by the demo; the tests sign the same struct with wallet libraries.

use alloy::primitives::{Address, B256, U256};
use alloy::signers::{local::PrivateKeySigner, SignerSync};
use alloy::sol;
use alloy::sol_types::{Eip712Domain, SolStruct};
use anyhow::{ensure, Context, Result};

sol! {
    /// EIP-2612's `Permit`, the struct a share token's `permit` checks.
    #[derive(Debug, PartialEq, Eq)]
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// The EIP-712 domain of the share token `vault` named `name` on `chain_id`.
#[must_use]
pub fn domain(name: &str, chain_id: u64, vault: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some(name.to_string().into()),
        Some("1".into()),
        Some(U256::from(chain_id)),
        Some(vault),
        None,
    )
}

/// A signed permit's `(v, r, s)`, as `permit(owner, spender, value,
/// deadline, v, r, s)` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    /// Recovery id, 27 or 28.
    pub v: u8,
    /// `r`.
    pub r: B256,
    /// `s` (low half, as every wallet signs).
    pub s: B256,
}

/// Signs `permit` for `domain` with `signer` (who must be its owner).
///
/// # Errors
/// When the signer is not the permit's owner or signing fails.
pub fn sign(signer: &PrivateKeySigner, domain: &Eip712Domain, permit: &Permit) -> Result<Signed> {
    ensure!(
        signer.address() == permit.owner,
        "the permit's owner {} is not the signer {}",
        permit.owner,
        signer.address()
    );
    let digest = permit.eip712_signing_hash(domain);
    let sig = signer
        .sign_hash_sync(&digest)
        .context("signing the permit")?;
    Ok(Signed {
        v: 27 + u8::from(sig.v()),
        r: sig.r().into(),
        s: sig.s().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_permit_recovers_to_its_owner_and_binds_every_field() {
        let signer = PrivateKeySigner::random();
        let vault = Address::repeat_byte(0x11);
        let d = domain("Neon Koi Shares", 412_346, vault);
        let permit = Permit {
            owner: signer.address(),
            spender: Address::repeat_byte(0x22),
            value: U256::from(5u64),
            nonce: U256::ZERO,
            deadline: U256::from(1_000u64),
        };
        let s = sign(&signer, &d, &permit).unwrap();
        assert!(s.v == 27 || s.v == 28);
        let sig = alloy::primitives::Signature::new(s.r.into(), s.s.into(), s.v == 28);
        let digest = permit.eip712_signing_hash(&d);
        assert_eq!(
            sig.recover_address_from_prehash(&digest).unwrap(),
            signer.address()
        );
        // another nonce, chain or vault is another digest
        let other = Permit {
            nonce: U256::from(1u64),
            ..permit
        };
        assert_ne!(other.eip712_signing_hash(&d), digest);
        assert_ne!(
            permit.eip712_signing_hash(&domain("Neon Koi Shares", 1, vault)),
            digest
        );
        // a permit for someone else is refused before signing
        let theirs = Permit {
            owner: Address::repeat_byte(0x33),
            ..permit
        };
        assert!(sign(&signer, &d, &theirs).is_err());
    }
}

//! Pure helpers of the vault factory (no VM): the CREATE2 salt and address
//! of a creator's vault and the packed vault configuration (the calls it
//! makes are encoded by [`stylus_ip_common::abi`]).

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256, U256};
use stylus_ip_proxy as proxy;

/// The CREATE2 salt of a vault: `keccak256(abi.encode(creator, salt))`, so
/// that nobody can take (front-run) another creator's address.
#[must_use]
pub fn vault_salt(creator: Address, salt: B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[12..32].copy_from_slice(creator.as_slice());
    buf[32..].copy_from_slice(salt.as_slice());
    keccak256(buf)
}

/// The address of the vault `creator` gets with `salt` from `factory`,
/// whose proxies delegate to `implementation`.
#[must_use]
pub fn predict_vault(
    factory: Address,
    implementation: Address,
    creator: Address,
    salt: B256,
) -> Address {
    let hash = proxy::proxy_init_code_hash(implementation.into_array());
    Address::from(proxy::predict_create2_address(
        factory.into_array(),
        vault_salt(creator, salt).0,
        hash,
    ))
}

/// Packs a vault's configuration in the layout of the share vault's
/// `initialize(bytes)` (`share_vault::logic::encode_config`, which the tests
/// check this against):
/// `asset(20) id(32) units(32) curator(20) market(20) maxLeaseDuration(8)
///  buyout(20) offering(20) ammRouter(20) ammFactory(20) n(1) token(20)·n nameLen(1) name symbolLen(1)
///  symbol (holder(20) amount(32))·m`.
///
/// Returns `None` if there are more than 255 revenue tokens, a name or
/// symbol longer than 255 bytes, or `holders` and `amounts` of different
/// lengths.
#[allow(clippy::too_many_arguments)]
#[must_use]
pub fn encode_config(
    asset: Address,
    id: U256,
    units: U256,
    curator: Address,
    market: Address,
    max_lease_duration: u64,
    buyout: Address,
    offering: Address,
    amm_router: Address,
    amm_factory: Address,
    revenue_tokens: &[Address],
    name: &str,
    symbol: &str,
    holders: &[Address],
    amounts: &[U256],
) -> Option<Vec<u8>> {
    if holders.len() != amounts.len() {
        return None;
    }
    let mut out = Vec::with_capacity(
        214 + 20 * revenue_tokens.len() + name.len() + symbol.len() + 52 * holders.len(),
    );
    out.extend_from_slice(asset.as_slice());
    out.extend_from_slice(&id.to_be_bytes::<32>());
    out.extend_from_slice(&units.to_be_bytes::<32>());
    out.extend_from_slice(curator.as_slice());
    out.extend_from_slice(market.as_slice());
    out.extend_from_slice(&max_lease_duration.to_be_bytes());
    out.extend_from_slice(buyout.as_slice());
    out.extend_from_slice(offering.as_slice());
    out.extend_from_slice(amm_router.as_slice());
    out.extend_from_slice(amm_factory.as_slice());
    out.push(u8::try_from(revenue_tokens.len()).ok()?);
    for token in revenue_tokens {
        out.extend_from_slice(token.as_slice());
    }
    for text in [name, symbol] {
        out.push(u8::try_from(text.len()).ok()?);
        out.extend_from_slice(text.as_bytes());
    }
    for (holder, amount) in holders.iter().zip(amounts) {
        out.extend_from_slice(holder.as_slice());
        out.extend_from_slice(&amount.to_be_bytes::<32>());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::{sol, SolCall};
    use proptest::prelude::*;
    use stylus_ip_common::abi::encode_with_bytes;

    sol! {
        function initialize(bytes config);
        function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data);
    }

    #[test]
    fn salt_binds_the_creator() {
        let s = B256::repeat_byte(7);
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        assert_ne!(vault_salt(a, s), vault_salt(b, s));
        assert_ne!(vault_salt(a, s), vault_salt(a, B256::repeat_byte(8)));
        // keccak256(abi.encode(address, bytes32)).
        let mut buf = Vec::new();
        buf.extend_from_slice(&[0u8; 12]);
        buf.extend_from_slice(a.as_slice());
        buf.extend_from_slice(s.as_slice());
        assert_eq!(vault_salt(a, s), keccak256(buf));
    }

    #[test]
    fn prediction_is_create2_of_the_proxy() {
        let (factory, implementation, creator) = (
            Address::repeat_byte(0xfa),
            Address::repeat_byte(0x1e),
            Address::repeat_byte(0xc0),
        );
        let salt = B256::repeat_byte(3);
        let init_code = proxy::proxy_init_code(implementation.into_array());
        // EIP-1014 by hand.
        let mut buf = vec![0xff];
        buf.extend_from_slice(factory.as_slice());
        buf.extend_from_slice(vault_salt(creator, salt).as_slice());
        buf.extend_from_slice(keccak256(&init_code).as_slice());
        let expected = Address::from_slice(&keccak256(buf)[12..]);
        assert_eq!(
            predict_vault(factory, implementation, creator, salt),
            expected
        );
        assert_ne!(
            predict_vault(factory, Address::repeat_byte(0x2e), creator, salt),
            expected
        );
    }

    /// `encode_config` with every fixed field zero and the variable ones
    /// (revenue tokens, name, symbol, holders, amounts) as given.
    fn pack(
        tokens: &[Address],
        name: &str,
        symbol: &str,
        holders: &[Address],
        amounts: &[U256],
    ) -> Option<Vec<u8>> {
        encode_config(
            Address::ZERO,
            U256::ZERO,
            U256::ZERO,
            Address::ZERO,
            Address::ZERO,
            0,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            tokens,
            name,
            symbol,
            holders,
            amounts,
        )
    }

    #[test]
    fn config_rejects_what_cannot_be_packed() {
        let a = [Address::ZERO];
        let n = [U256::from(1)];
        assert!(pack(&[], "n", "s", &a, &n).is_some());
        assert!(pack(&[], "n", "s", &a, &[]).is_none());
        let long = "x".repeat(256);
        assert!(pack(&[], &long, "s", &a, &n).is_none());
        assert!(pack(&[], "n", &long, &a, &n).is_none());
        let tokens = vec![Address::ZERO; 256];
        assert!(pack(&tokens, "n", "s", &a, &n).is_none());
    }

    proptest! {
        /// The factory's two calls with a trailing `bytes`, as
        /// [`stylus_ip_common::abi::encode_with_bytes`] writes them, equal
        /// alloy's.
        #[test]
        fn bytes_calls_match_alloy(data in proptest::collection::vec(any::<u8>(), 0..100), id in any::<u64>()) {
            prop_assert_eq!(
                encode_with_bytes(&initializeCall::SELECTOR, &[], &data),
                initializeCall { config: data.clone().into() }.abi_encode()
            );
            let (from, to) = (Address::repeat_byte(1), Address::repeat_byte(2));
            let words = [from.into_word(), to.into_word(), U256::from(id).into(), U256::from(9).into()];
            prop_assert_eq!(
                encode_with_bytes(&safeTransferFromCall::SELECTOR, &words, &data),
                safeTransferFromCall { from, to, id: U256::from(id), value: U256::from(9), data: data.into() }.abi_encode()
            );
        }
    }
}

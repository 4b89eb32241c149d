//! motsu tests of [`ShareVault`] with mock assets, revenue tokens, holder
//! wallets (contracts, since motsu can only pay ETH to contracts) and a mock
//! lease market, side by side.
#![allow(clippy::too_many_arguments)]

use super::*;
use alloc::{string::ToString, vec};
use alloy_primitives::uint;
use alloy_sol_types::{sol, SolCall, SolError};
use motsu::prelude::*;
use openzeppelin_stylus::token::{
    erc20::{Erc20, IErc20},
    erc721::{Erc721, IErc721},
};
use stylus_ip_common::test_mocks::{Frozen, MockEditions};
use stylus_sdk::storage::{StorageBool, StorageString};

const ID: U256 = uint!(7_U256);
const ETH: Address = Address::ZERO;

fn u(x: u64) -> U256 {
    U256::from(x)
}

sol! {
    #[derive(Debug)]
    error MarketError(uint256 code);
    #[derive(Debug)]
    error NotOwner();
    #[derive(Debug)]
    error Broken();
}

/// Raw calls used in tests.
mod calls {
    alloy_sol_types::sol! {
        function setLeaseOperator(address operator, bool approved);
        function curatorCall(address target, bytes data) returns (bytes);
        function onERC1155BatchReceived(address operator, address from, uint256[] ids, uint256[] values, bytes data) returns (bytes4);
    }
}

// ----------------------------------------------------------------------
// Mock ERC-721 asset with lease-operator approvals, a lease lock and URIs.
// ----------------------------------------------------------------------

#[storage]
struct MockNft {
    erc721: Erc721,
    lease_operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
    uris: StorageMap<U256, StorageString>,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockNft {}

#[public]
impl MockNft {
    fn mint(&mut self, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721._mint(to, id)?)
    }
    fn owner_of(&self, id: U256) -> Result<Address, Vec<u8>> {
        Ok(self.erc721.owner_of(id)?)
    }
    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from(&mut self, from: Address, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721.safe_transfer_from(from, to, id)?)
    }
    fn transfer_from(&mut self, from: Address, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721.transfer_from(from, to, id)?)
    }
    fn approve(&mut self, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721.approve(to, id)?)
    }
    fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Vec<u8>> {
        Ok(self.erc721.set_approval_for_all(operator, approved)?)
    }
    fn set_lease_operator(&mut self, operator: Address, approved: bool) {
        let owner = self.vm().msg_sender();
        self.lease_operators
            .setter(owner)
            .insert(operator, approved);
    }
    fn is_lease_operator(&self, owner: Address, operator: Address) -> bool {
        self.lease_operators.getter(owner).get(operator)
    }
    #[selector(name = "setTokenURI")]
    fn set_token_uri(&mut self, id: U256, uri: String) -> Result<(), Vec<u8>> {
        if self.erc721.owner_of(id)? != self.vm().msg_sender() {
            return Err(NotOwner {}.abi_encode());
        }
        self.uris.setter(id).set_str(uri);
        Ok(())
    }
    #[selector(name = "tokenURI")]
    fn token_uri(&self, id: U256) -> String {
        self.uris.getter(id).get_string()
    }
}

// ----------------------------------------------------------------------
// Mock ERC-1155 asset with frozen (leased) units.
// ----------------------------------------------------------------------

// `MockEditions` (ERC-1155 with frozen units): `stylus_ip_common::test_mocks`.

// ----------------------------------------------------------------------
// Mock ERC-20 revenue token that can be broken on purpose.
// ----------------------------------------------------------------------

#[storage]
struct MockToken {
    erc20: Erc20,
    broken: StorageBool,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockToken {}

#[public]
impl MockToken {
    fn mint(&mut self, to: Address, value: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc20._mint(to, value)?)
    }
    fn set_broken(&mut self, broken: bool) {
        self.broken.set(broken);
    }
    fn balance_of(&self, account: Address) -> Result<U256, Vec<u8>> {
        if self.broken.get() {
            return Err(Broken {}.abi_encode());
        }
        Ok(self.erc20.balance_of(account))
    }
    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        if self.broken.get() {
            return Err(Broken {}.abi_encode());
        }
        Ok(self.erc20.transfer(to, value)?)
    }
}

// ----------------------------------------------------------------------
// A holder wallet: can receive ETH, optionally re-entering the vault's
// claim from its receive hook, or rejecting ETH.
// ----------------------------------------------------------------------

sol_interface! {
    interface IVault {
        function claim(address[] tokens) external;
        function transfer(address to, uint256 value) external returns (bool);
        function redeem() external;
    }
}

#[storage]
struct Wallet {
    vault: StorageAddress,
    reenter: StorageBool,
    reject: StorageBool,
    reentry_attempts: StorageU256,
    reentry_succeeded: StorageBool,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for Wallet {}

#[public]
impl Wallet {
    fn configure(&mut self, vault: Address, reenter: bool, reject: bool) {
        self.vault.set(vault);
        self.reenter.set(reenter);
        self.reject.set(reject);
    }
    fn claim(&mut self, tokens: Vec<Address>) -> Result<(), Vec<u8>> {
        let vault = IVault::new(self.vault.get());
        Ok(vault.claim(&mut *self, tokens)?)
    }
    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        let vault = IVault::new(self.vault.get());
        Ok(vault.transfer(&mut *self, to, value)?)
    }
    fn redeem(&mut self) -> Result<(), Vec<u8>> {
        let vault = IVault::new(self.vault.get());
        Ok(vault.redeem(&mut *self)?)
    }
    fn reentry(&self) -> (U256, bool) {
        (self.reentry_attempts.get(), self.reentry_succeeded.get())
    }
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        if self.reject.get() {
            return Err(b"no ETH".to_vec());
        }
        if self.reenter.get() && self.reentry_attempts.get().is_zero() {
            self.reentry_attempts.set(U256::from(1));
            let vault = IVault::new(self.vault.get());
            let ok = vault.claim(&mut *self, vec![Address::ZERO]).is_ok();
            self.reentry_succeeded.set(ok);
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// A lease market that lets the owner of a token publish an offer.
// ----------------------------------------------------------------------

/// `OfferTerms` as an argument of the mock market's functions: the
/// canonical tuple, as the real market declares it (stylus-sdk 0.9's
/// derive would hash the struct's name into the selector).
impl stylus_sdk::abi::AbiType for OfferTerms {
    type SolType = Self;

    const ABI: stylus_sdk::abi::ConstString = stylus_sdk::abi::ConstString::new(
        "(uint256,address,uint64,uint64,uint64,uint32,address,bytes32,string,uint8,uint16)",
    );
}

/// A licence market that records the offer calls it receives (decoded by
/// the SDK's ABI decoder, as the real market's) and answers `createOffer`
/// with offer id 42; a price of 999 makes it revert with `MarketError(999)`.
#[storage]
struct MockMarket {
    /// Calls received (create, update, cancel).
    calls: StorageU256,
    lessor: StorageAddress,
    collection: StorageAddress,
    token_id: StorageU256,
    amount: StorageU256,
    offer_id: StorageU256,
    price: StorageU256,
    payment_token: StorageAddress,
    max_duration: StorageU256,
    payee: StorageAddress,
    terms_uri: StorageString,
    max_royalty_bps: StorageU256,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockMarket {}

impl MockMarket {
    fn record(&mut self, offer_id: U256, terms: &OfferTerms) -> Result<(), Vec<u8>> {
        if terms.pricePerSecond == u(999) {
            return Err(MarketError { code: u(999) }.abi_encode());
        }
        let calls = self.calls.get();
        self.calls.set(calls + u(1));
        let sender = self.vm().msg_sender();
        self.lessor.set(sender);
        self.offer_id.set(offer_id);
        self.price.set(terms.pricePerSecond);
        self.payment_token.set(terms.paymentToken);
        self.max_duration.set(u(terms.maxDuration));
        self.payee.set(terms.payee);
        self.terms_uri.set_str(&terms.termsUri);
        self.max_royalty_bps.set(u(u64::from(terms.maxRoyaltyBps)));
        Ok(())
    }
}

#[public]
impl MockMarket {
    fn create_offer(
        &mut self,
        collection: Address,
        token_id: U256,
        amount: u64,
        terms: OfferTerms,
    ) -> Result<U256, Vec<u8>> {
        self.record(U256::ZERO, &terms)?;
        self.collection.set(collection);
        self.token_id.set(token_id);
        self.amount.set(u(amount));
        Ok(u(42))
    }
    fn update_offer(&mut self, offer_id: U256, terms: OfferTerms) -> Result<(), Vec<u8>> {
        self.record(offer_id, &terms)
    }
    fn cancel_offer(&mut self, offer_id: U256) -> Result<(), Vec<u8>> {
        let calls = self.calls.get();
        self.calls.set(calls + u(1));
        self.offer_id.set(offer_id);
        Ok(())
    }
    /// (calls, lessor, collection, token id, amount, offer id).
    fn seen(&self) -> (U256, Address, Address, U256, U256, U256) {
        (
            self.calls.get(),
            self.lessor.get(),
            self.collection.get(),
            self.token_id.get(),
            self.amount.get(),
            self.offer_id.get(),
        )
    }
    /// (price, payment token, max duration, payee, terms URI, royalty cap).
    fn terms_seen(&self) -> (U256, Address, U256, Address, String, U256) {
        (
            self.price.get(),
            self.payment_token.get(),
            self.max_duration.get(),
            self.payee.get(),
            self.terms_uri.get_string(),
            self.max_royalty_bps.get(),
        )
    }
}

// ----------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------

/// The market of vaults whose test does not use one.
const MARKET: Address = Address::repeat_byte(0x4d);
/// The vaults' longest lease: 30 days.
const MAX_LEASE: u64 = 30 * 86_400;

fn config(
    asset: Address,
    units: u64,
    holders: &[(Address, U256)],
    curator: Address,
    tokens: &[Address],
) -> logic::Config {
    logic::Config {
        asset,
        id: ID,
        units: u(units),
        curator,
        market: MARKET,
        max_lease_duration: MAX_LEASE,
        buyout: Address::ZERO,
        offering: Address::ZERO,
        amm_router: Address::ZERO,
        amm_factory: Address::ZERO,
        revenue_tokens: tokens.to_vec(),
        name: "Mona Shares".to_string(),
        symbol: "MONA".to_string(),
        holders: holders.to_vec(),
    }
}

fn init_with(
    vault: &Contract<ShareVault>,
    factory: Address,
    c: &logic::Config,
) -> Result<(), Error> {
    vault
        .sender(factory)
        .initialize(logic::encode_config(c).expect("encodable").into())
}

fn init(
    vault: &Contract<ShareVault>,
    factory: Address,
    asset: Address,
    units: u64,
    holders: &[(Address, U256)],
    curator: Address,
    tokens: &[Address],
) -> Result<(), Error> {
    init_with(
        vault,
        factory,
        &config(asset, units, holders, curator, tokens),
    )
}

/// Vault holding ERC-721 token `ID` of `nft`, minted to `owner` first.
fn vault_721(
    vault: &Contract<ShareVault>,
    nft: &Contract<MockNft>,
    owner: Address,
    holders: &[(Address, U256)],
    curator: Address,
    tokens: &[Address],
) {
    nft.sender(owner).mint(owner, ID).motsu_unwrap();
    init(vault, owner, nft.address(), 0, holders, curator, tokens).motsu_unwrap();
    nft.sender(owner)
        .safe_transfer_from(owner, vault.address(), ID)
        .motsu_unwrap();
    assert_eq!(vault.sender(owner).status(), status::ACTIVE);
}

/// [`vault_721`] curated by its `owner`.
fn own_vault_721(
    vault: &Contract<ShareVault>,
    nft: &Contract<MockNft>,
    owner: Address,
    holders: &[(Address, U256)],
    tokens: &[Address],
) {
    vault_721(vault, nft, owner, holders, owner, tokens);
}

/// [`init`] of an ERC-721 `asset` (no units) by `factory`, which also
/// curates.
fn init_own(
    vault: &Contract<ShareVault>,
    factory: Address,
    asset: Address,
    holders: &[(Address, U256)],
    tokens: &[Address],
) -> Result<(), Error> {
    init(vault, factory, asset, 0, holders, factory, tokens)
}

fn err_bytes(e: Error) -> Vec<u8> {
    e.into()
}

/// Asserts that a call failed with exactly `expected`'s revert data
/// (motsu's `motsu_unwrap_err`, which also rolls the failed call back).
#[track_caller]
fn assert_fails<T: core::fmt::Debug>(result: Result<T, Vec<u8>>, expected: Error) {
    assert_eq!(result.motsu_unwrap_err(), err_bytes(expected));
}

fn total_supply(vault: &Contract<ShareVault>) -> U256 {
    vault.sender(Address::ZERO).total_supply()
}

// ----------------------------------------------------------------------
// Initialisation
// ----------------------------------------------------------------------

#[motsu::test]
fn initialize_mints_and_records(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
    curator: Address,
) {
    init(
        &vault,
        alice,
        nft.address(),
        0,
        &[(alice, u(600)), (bob, u(400))],
        curator,
        &[token.address()],
    )
    .motsu_unwrap();
    let v = vault.sender(alice);
    assert_eq!(v.name(), "Mona Shares");
    assert_eq!(v.symbol(), "MONA");
    assert_eq!(v.decimals(), 18);
    assert_eq!(v.total_supply(), u(1000));
    assert_eq!(v.balance_of(alice), u(600));
    assert_eq!(v.balance_of(bob), u(400));
    assert_eq!(v.asset(), (nft.address(), ID, U256::ZERO));
    assert_eq!(v.status(), status::AWAITING_ASSET);
    assert_eq!(v.curator(), curator);
    assert_eq!(v.revenue_tokens(), vec![token.address()]);
    vault.assert_emitted(&VaultInitialized {
        asset: nft.address(),
        id: ID,
        units: U256::ZERO,
        supply: u(1000),
        curator,
    });
    vault.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: bob,
        value: u(400),
    });
}

#[motsu::test]
fn initialize_twice_fails(vault: Contract<ShareVault>, nft: Contract<MockNft>, alice: Address) {
    init_own(&vault, alice, nft.address(), &[(alice, u(1))], &[]).motsu_unwrap();
    let err = init_own(&vault, alice, nft.address(), &[(alice, u(1))], &[]).motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialized(_)));
    assert_eq!(total_supply(&vault), u(1));
}

#[motsu::test]
fn initialize_rejects_bad_input(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
) {
    let asset = nft.address();
    // Zero asset.
    let err = init_own(&vault, alice, Address::ZERO, &[(alice, u(1))], &[]).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidAsset(VaultInvalidAsset { asset }) if asset.is_zero()));
    // Malformed config.
    let err = vault
        .sender(alice)
        .initialize(vec![1, 2, 3].into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)));
    // No holders: zero supply.
    let err = init_own(&vault, alice, asset, &[], &[]).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSupply(VaultInvalidSupply { supply }) if supply.is_zero()));
    // Name or symbol too long.
    let mut c = config(asset, 0, &[(alice, u(1))], alice, &[]);
    c.name = "n".repeat(96);
    let err = init_with(&vault, alice, &c).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidMetadata(VaultInvalidMetadata { nameLength, symbolLength })
        if nameLength == u(96) && symbolLength == u(4))
    );
    c.name = "n".repeat(95);
    c.symbol = "s".repeat(32);
    let err = init_with(&vault, alice, &c).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidMetadata(_)));
    // Zero supply.
    let err = init_own(
        &vault,
        alice,
        asset,
        &[(alice, U256::ZERO), (bob, U256::ZERO)],
        &[],
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSupply(VaultInvalidSupply { supply }) if supply.is_zero()));
    // Supply above 2^96, and a sum that overflows.
    let too_big = logic::MAX_SUPPLY + u(1);
    let err = init_own(&vault, alice, asset, &[(alice, too_big)], &[]).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSupply(VaultInvalidSupply { supply }) if supply == too_big)
    );
    let err = init_own(
        &vault,
        alice,
        asset,
        &[(alice, U256::MAX), (bob, u(1))],
        &[],
    )
    .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSupply(VaultInvalidSupply { supply }) if supply == U256::MAX)
    );
    // Nine revenue tokens.
    let nine: Vec<Address> = (1..=9u8).map(Address::repeat_byte).collect();
    let err = init_own(&vault, alice, asset, &[(alice, u(1))], &nine).motsu_unwrap_err();
    assert!(
        matches!(err, Error::TooManyRevenueTokens(VaultTooManyRevenueTokens { count }) if count == u(9))
    );
    // Zero, duplicate, self and asset revenue tokens.
    for bad in [
        vec![Address::ZERO],
        vec![token.address(), token.address()],
        vec![vault.address()],
        vec![asset],
    ] {
        let err = init_own(&vault, alice, asset, &[(alice, u(1))], &bad).motsu_unwrap_err();
        assert!(matches!(err, Error::InvalidRevenueToken(_)), "{bad:?}");
    }
    // Zero holder.
    let err = init_own(&vault, alice, asset, &[(Address::ZERO, u(1))], &[]).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver.is_zero())
    );
    // The vault itself as a holder (L-4: nobody could ever hold 100 %).
    let err = init_own(
        &vault,
        alice,
        asset,
        &[(alice, u(1)), (vault.address(), u(1))],
        &[],
    )
    .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == vault.address())
    );
    // No market; a longest lease above the market's bound.
    let mut no_market = config(asset, 0, &[(alice, u(1))], alice, &[]);
    no_market.market = Address::ZERO;
    let err = init_with(&vault, alice, &no_market).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)));
    let mut too_long = config(asset, 0, &[(alice, u(1))], alice, &[]);
    too_long.max_lease_duration = logic::MAX_LEASE_DURATION + 1;
    let err = init_with(&vault, alice, &too_long).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidMaxLeaseDuration(VaultInvalidMaxLeaseDuration { maxLeaseDuration })
        if maxLeaseDuration == u(logic::MAX_LEASE_DURATION + 1))
    );
    // Nothing happened; a valid initialisation still works (8 tokens is fine).
    assert_eq!(vault.sender(alice).status(), status::UNINITIALIZED);
    assert_eq!(total_supply(&vault), U256::ZERO);
    let eight: Vec<Address> = (1..=8u8).map(Address::repeat_byte).collect();
    c.symbol = "s".repeat(31);
    c.holders = vec![(alice, logic::MAX_SUPPLY)];
    c.revenue_tokens = eight;
    c.max_lease_duration = logic::MAX_LEASE_DURATION;
    init_with(&vault, alice, &c).motsu_unwrap();
    assert_eq!(vault.sender(alice).market(), MARKET);
    assert_eq!(
        vault.sender(alice).max_lease_duration(),
        logic::MAX_LEASE_DURATION
    );
    assert_eq!(vault.sender(alice).revenue_tokens().len(), 8);
    assert_eq!(vault.sender(alice).name(), "n".repeat(95));
    assert_eq!(vault.sender(alice).symbol(), "s".repeat(31));
}

// ----------------------------------------------------------------------
// Receiving the asset
// ----------------------------------------------------------------------

#[motsu::test]
fn receives_its_erc721_once(vault: Contract<ShareVault>, nft: Contract<MockNft>, alice: Address) {
    let other = ID + u(1);
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    nft.sender(alice).mint(alice, other).motsu_unwrap();
    // Before initialisation the vault accepts nothing.
    assert!(nft
        .sender(alice)
        .safe_transfer_from(alice, vault.address(), ID)
        .motsu_res()
        .is_err());
    init_own(&vault, alice, nft.address(), &[(alice, u(10))], &[]).motsu_unwrap();
    // Another token of the same collection is refused.
    assert!(nft
        .sender(alice)
        .safe_transfer_from(alice, vault.address(), other)
        .motsu_res()
        .is_err());
    assert_eq!(nft.sender(alice).owner_of(other).motsu_unwrap(), alice);
    // Its own token is accepted and activates the vault.
    nft.sender(alice)
        .safe_transfer_from(alice, vault.address(), ID)
        .motsu_unwrap();
    assert_eq!(
        nft.sender(alice).owner_of(ID).motsu_unwrap(),
        vault.address()
    );
    assert_eq!(vault.sender(alice).status(), status::ACTIVE);
    // Direct calls from anything but the asset are refused.
    let hook = onERC721ReceivedCall {
        operator: alice,
        from: alice,
        tokenId: ID,
        data: Vec::new().into(),
    }
    .abi_encode();
    assert_fails(
        vault.sender(alice).fallback(&hook),
        Error::UnexpectedAsset(VaultUnexpectedAsset {
            asset: alice,
            id: ID,
        }),
    );
    // And even from the asset, a second time.
    assert_fails(
        vault.sender(nft.address()).fallback(&hook),
        Error::UnexpectedAsset(VaultUnexpectedAsset {
            asset: nft.address(),
            id: ID,
        }),
    );
    // Truncated hook calldata and unknown selectors are refused.
    assert_fails(
        vault.sender(nft.address()).fallback(&hook[..60]),
        Error::UnexpectedAsset(VaultUnexpectedAsset {
            asset: nft.address(),
            id: U256::ZERO,
        }),
    );
    assert_eq!(
        vault
            .sender(alice)
            .fallback(&[1, 2, 3, 4])
            .motsu_unwrap_err(),
        Vec::<u8>::new()
    );
    assert_eq!(
        vault.sender(alice).fallback(&[]).motsu_unwrap_err(),
        Vec::<u8>::new()
    );
    assert_eq!(vault.sender(alice).status(), status::ACTIVE);
}

#[motsu::test]
fn receives_exactly_its_erc1155_units(
    vault: Contract<ShareVault>,
    editions: Contract<MockEditions>,
    alice: Address,
) {
    editions.sender(alice).mint(alice, ID, u(10)).motsu_unwrap();
    editions
        .sender(alice)
        .mint(alice, ID + u(1), u(10))
        .motsu_unwrap();
    init(
        &vault,
        alice,
        editions.address(),
        5,
        &[(alice, u(100))],
        alice,
        &[],
    )
    .motsu_unwrap();
    let to = vault.address();
    let empty = || Bytes::from(Vec::new());
    // Wrong amount, wrong id, zero amount, batch: all refused.
    for (id, value) in [(ID, 4), (ID, 6), (ID + u(1), 5), (ID, 0)] {
        assert!(editions
            .sender(alice)
            .safe_transfer_from(alice, to, id, u(value), empty())
            .motsu_res()
            .is_err());
    }
    assert!(editions
        .sender(alice)
        .safe_batch_transfer_from(alice, to, vec![ID, ID + u(1)], vec![u(5), u(1)], empty())
        .motsu_res()
        .is_err());
    assert_eq!(editions.sender(alice).balance_of(to, ID), U256::ZERO);
    assert_eq!(vault.sender(alice).status(), status::AWAITING_ASSET);
    // Exactly the units: accepted.
    editions
        .sender(alice)
        .safe_transfer_from(alice, to, ID, u(5), empty())
        .motsu_unwrap();
    assert_eq!(editions.sender(alice).balance_of(to, ID), u(5));
    assert_eq!(vault.sender(alice).status(), status::ACTIVE);
    // Direct hook calls.
    let hook = |value: u64| {
        onERC1155ReceivedCall {
            operator: alice,
            from: alice,
            id: ID,
            value: u(value),
            data: empty().0.into(),
        }
        .abi_encode()
    };
    assert_fails(
        vault.sender(editions.address()).fallback(&hook(5)),
        Error::UnexpectedAsset(VaultUnexpectedAsset {
            asset: editions.address(),
            id: ID,
        }),
    );
    let batch = calls::onERC1155BatchReceivedCall {
        operator: alice,
        from: alice,
        ids: vec![ID],
        values: vec![u(5)],
        data: Vec::new().into(),
    }
    .abi_encode();
    assert_eq!(
        vault
            .sender(editions.address())
            .fallback(&batch)
            .motsu_unwrap_err(),
        Vec::<u8>::new()
    );
}

#[motsu::test]
fn hooks_return_the_magic_values(
    vault: Contract<ShareVault>,
    vault2: Contract<ShareVault>,
    nft: Contract<MockNft>,
    editions: Contract<MockEditions>,
    alice: Address,
) {
    init_own(&vault, alice, nft.address(), &[(alice, u(1))], &[]).motsu_unwrap();
    let hook = onERC721ReceivedCall {
        operator: alice,
        from: alice,
        tokenId: ID,
        data: Vec::new().into(),
    }
    .abi_encode();
    let out = vault.sender(nft.address()).fallback(&hook).motsu_unwrap();
    assert_eq!(
        out,
        onERC721ReceivedCall::SELECTOR
            .into_iter()
            .chain([0u8; 28])
            .collect::<Vec<u8>>()
    );
    assert_eq!(vault.sender(alice).status(), status::ACTIVE);
    init(
        &vault2,
        alice,
        editions.address(),
        3,
        &[(alice, u(1))],
        alice,
        &[],
    )
    .motsu_unwrap();
    let hook = onERC1155ReceivedCall {
        operator: alice,
        from: alice,
        id: ID,
        value: u(3),
        data: Vec::new().into(),
    }
    .abi_encode();
    let out = vault2
        .sender(editions.address())
        .fallback(&hook)
        .motsu_unwrap();
    assert_eq!(
        out,
        onERC1155ReceivedCall::SELECTOR
            .into_iter()
            .chain([0u8; 28])
            .collect::<Vec<u8>>()
    );
    assert_eq!(vault2.sender(alice).status(), status::ACTIVE);
}

// ----------------------------------------------------------------------
// ERC-20 shares
// ----------------------------------------------------------------------

#[motsu::test]
fn share_transfers_and_allowances(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    own_vault_721(&vault, &nft, alice, &[(alice, u(1000))], &[]);
    assert!(vault.sender(alice).transfer(bob, u(300)).motsu_unwrap());
    vault.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: u(300),
    });
    assert!(vault.sender(bob).approve(carol, u(100)).motsu_unwrap());
    vault.assert_emitted(&Approval {
        owner: bob,
        spender: carol,
        value: u(100),
    });
    assert_eq!(vault.sender(bob).allowance(bob, carol), u(100));
    assert!(vault
        .sender(carol)
        .transfer_from(bob, carol, u(60))
        .motsu_unwrap());
    assert_eq!(vault.sender(bob).allowance(bob, carol), u(40));
    assert_eq!(vault.sender(alice).balance_of(alice), u(700));
    assert_eq!(vault.sender(alice).balance_of(bob), u(240));
    assert_eq!(vault.sender(alice).balance_of(carol), u(60));
    // An infinite allowance is not spent (as OpenZeppelin).
    vault.sender(alice).approve(carol, U256::MAX).motsu_unwrap();
    vault
        .sender(carol)
        .transfer_from(alice, carol, u(10))
        .motsu_unwrap();
    assert_eq!(vault.sender(alice).allowance(alice, carol), U256::MAX);
    assert_eq!(vault.sender(alice).balance_of(alice), u(690));
    // Zero-value and self transfers are fine.
    assert!(vault.sender(alice).transfer(bob, U256::ZERO).motsu_unwrap());
    assert!(vault.sender(alice).transfer(alice, u(5)).motsu_unwrap());
    assert_eq!(vault.sender(alice).balance_of(alice), u(690));
    assert_eq!(total_supply(&vault), u(1000));
    // More than the balance, even to oneself: refused.
    let err = vault
        .sender(alice)
        .transfer(alice, u(691))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientBalance(_)));
    assert_eq!(vault.sender(alice).balance_of(alice), u(690));
}

#[motsu::test]
fn share_transfer_errors_change_nothing(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Address,
    bob: Address,
) {
    own_vault_721(&vault, &nft, alice, &[(alice, u(1000))], &[]);
    vault.address().fund(u(1_000));
    let err = vault
        .sender(alice)
        .transfer(Address::ZERO, u(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver.is_zero())
    );
    let err = vault
        .sender(alice)
        .transfer(vault.address(), u(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver })
        if receiver == vault.address())
    );
    let err = vault
        .sender(alice)
        .transfer(bob, u(1001))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed })
        if sender == alice && balance == u(1000) && needed == u(1001))
    );
    let err = vault
        .sender(bob)
        .transfer_from(alice, bob, u(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientAllowance(ERC20InsufficientAllowance { spender, .. }) if spender == bob)
    );
    vault.sender(alice).approve(bob, u(10)).motsu_unwrap();
    let err = vault
        .sender(bob)
        .transfer_from(alice, Address::ZERO, u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidReceiver(_)));
    let err = vault
        .sender(alice)
        .approve(Address::ZERO, u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSpender(_)));
    // From the zero address (a zero-value `transferFrom` passes the
    // allowance check): ERC-6093's invalid sender.
    let err = vault
        .sender(bob)
        .transfer_from(Address::ZERO, bob, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSender(ERC20InvalidSender { sender }) if sender.is_zero()));
    // Failed transfers did not even account the pending revenue.
    assert!(!vault.emitted(&RevenueAccrued {
        token: ETH,
        amount: u(1_000)
    }));
    assert_eq!(vault.sender(alice).balance_of(alice), u(1000));
    assert_eq!(vault.sender(alice).allowance(alice, bob), u(10));
    assert_eq!(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        u(1_000)
    );
}

// ----------------------------------------------------------------------
// Revenue
// ----------------------------------------------------------------------

#[motsu::test]
fn passive_eth_is_shared_pro_rata_and_claimed(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    alice: Address,
) {
    // 3 and 1 shares: every accrual below divides exactly.
    own_vault_721(
        &vault,
        &nft,
        alice,
        &[(a.address(), u(3)), (b.address(), u(1))],
        &[],
    );
    a.sender(alice).configure(vault.address(), false, false);
    b.sender(alice).configure(vault.address(), false, false);
    // ETH arrives through the proxy's receive path: no WASM call at all.
    vault.address().fund(u(1_000));
    assert_eq!(
        vault
            .sender(alice)
            .claimable(a.address(), ETH)
            .motsu_unwrap(),
        u(750)
    );
    assert_eq!(
        vault
            .sender(alice)
            .claimable(b.address(), ETH)
            .motsu_unwrap(),
        u(250)
    );
    a.sender(alice).claim(vec![ETH]).motsu_unwrap();
    assert_eq!(a.balance(), u(750));
    vault.assert_emitted(&RevenueAccrued {
        token: ETH,
        amount: u(1_000),
    });
    vault.assert_emitted(&RevenueClaimed {
        holder: a.address(),
        token: ETH,
        amount: u(750),
    });
    // A second deposit, then a transfer: the later revenue follows the shares.
    vault.address().fund(u(400));
    a.sender(alice).transfer(b.address(), u(3)).motsu_unwrap();
    vault.address().fund(u(100));
    assert_eq!(
        vault
            .sender(alice)
            .claimable(a.address(), ETH)
            .motsu_unwrap(),
        u(300)
    );
    assert_eq!(
        vault
            .sender(alice)
            .claimable(b.address(), ETH)
            .motsu_unwrap(),
        u(250 + 100 + 100)
    );
    a.sender(alice).claim(vec![ETH]).motsu_unwrap();
    b.sender(alice).claim(vec![ETH]).motsu_unwrap();
    assert_eq!(a.balance(), u(1_050));
    assert_eq!(b.balance(), u(450));
    assert_eq!(vault.balance(), U256::ZERO);
    // Nothing left: claiming again fails.
    assert_fails(
        b.sender(alice).claim(vec![ETH]),
        Error::NothingToClaim(VaultNothingToClaim {
            holder: b.address(),
        }),
    );
}

#[motsu::test]
fn erc20_revenue_is_shared_and_claimed(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
) {
    own_vault_721(
        &vault,
        &nft,
        alice,
        &[(alice, u(2)), (bob, u(1))],
        &[token.address()],
    );
    token
        .sender(alice)
        .mint(vault.address(), u(3_000))
        .motsu_unwrap();
    assert_eq!(
        vault
            .sender(bob)
            .claimable(bob, token.address())
            .motsu_unwrap(),
        u(1_000)
    );
    // ETH has nothing due, so it is skipped; the token is paid.
    vault
        .sender(bob)
        .claim(vec![ETH, token.address()])
        .motsu_unwrap();
    assert_eq!(token.sender(bob).balance_of(bob).motsu_unwrap(), u(1_000));
    vault.assert_emitted(&RevenueClaimed {
        holder: bob,
        token: token.address(),
        amount: u(1_000),
    });
    vault
        .sender(alice)
        .claim(vec![token.address()])
        .motsu_unwrap();
    assert_eq!(
        token.sender(alice).balance_of(alice).motsu_unwrap(),
        u(2_000)
    );
    assert_eq!(
        token
            .sender(alice)
            .balance_of(vault.address())
            .motsu_unwrap(),
        U256::ZERO
    );
}

#[motsu::test]
fn revenue_sent_before_initialisation_goes_to_initial_holders(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Address,
    bob: Address,
) {
    vault.address().fund(u(90));
    own_vault_721(&vault, &nft, alice, &[(alice, u(2)), (bob, u(1))], &[]);
    assert_eq!(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        u(60)
    );
    vault.sender(alice).transfer(bob, u(2)).motsu_unwrap();
    assert_eq!(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        u(60)
    );
    assert_eq!(
        vault.sender(alice).claimable(bob, ETH).motsu_unwrap(),
        u(30)
    );
}

#[motsu::test]
fn claim_rejects_tokens_off_the_allow_list(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    other: Contract<MockToken>,
    alice: Address,
) {
    own_vault_721(&vault, &nft, alice, &[(alice, u(1))], &[token.address()]);
    other
        .sender(alice)
        .mint(vault.address(), u(10))
        .motsu_unwrap();
    let err = vault
        .sender(alice)
        .claimable(alice, other.address())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TokenNotAllowed(VaultTokenNotAllowed { token }) if token == other.address())
    );
    let err = vault
        .sender(alice)
        .claim(vec![other.address()])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TokenNotAllowed(_)));
    assert_eq!(
        other
            .sender(alice)
            .balance_of(vault.address())
            .motsu_unwrap(),
        u(10)
    );
}

#[motsu::test]
fn claim_with_nothing_due_fails(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
) {
    own_vault_721(&vault, &nft, alice, &[(alice, u(1))], &[token.address()]);
    let err = vault
        .sender(alice)
        .claim(vec![ETH, token.address()])
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NothingToClaim(VaultNothingToClaim { holder }) if holder == alice)
    );
    let err = vault.sender(alice).claim(vec![]).motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(_)));
    // A non-holder has nothing even when revenue arrived.
    token
        .sender(alice)
        .mint(vault.address(), u(5))
        .motsu_unwrap();
    let err = vault
        .sender(bob)
        .claim(vec![token.address()])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(VaultNothingToClaim { holder }) if holder == bob));
}

#[motsu::test]
fn reentrant_eth_claim_gets_nothing_more(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    attacker: Contract<Wallet>,
    honest: Contract<Wallet>,
    alice: Address,
) {
    own_vault_721(
        &vault,
        &nft,
        alice,
        &[(attacker.address(), u(1)), (honest.address(), u(1))],
        &[],
    );
    attacker
        .sender(alice)
        .configure(vault.address(), true, false);
    honest
        .sender(alice)
        .configure(vault.address(), false, false);
    vault.address().fund(u(100));
    attacker.sender(alice).claim(vec![ETH]).motsu_unwrap();
    // The re-entrant claim ran and found nothing: effects came first.
    assert_eq!(attacker.sender(alice).reentry(), (u(1), false));
    assert_eq!(attacker.balance(), u(50));
    honest.sender(alice).claim(vec![ETH]).motsu_unwrap();
    assert_eq!(honest.balance(), u(50));
    assert_eq!(vault.balance(), U256::ZERO);
}

#[motsu::test]
fn failed_payouts_revert_the_claim(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    wallet: Contract<Wallet>,
    alice: Address,
    bob: Address,
) {
    own_vault_721(
        &vault,
        &nft,
        alice,
        &[(wallet.address(), u(1)), (alice, u(1))],
        &[token.address()],
    );
    wallet.sender(alice).configure(vault.address(), false, true);
    vault.address().fund(u(10));
    token
        .sender(alice)
        .mint(vault.address(), u(20))
        .motsu_unwrap();
    // ETH refused by the receiver: typed error, nothing changes.
    assert_fails(
        wallet.sender(alice).claim(vec![ETH]),
        Error::EthTransferFailed(VaultEthTransferFailed {
            to: wallet.address(),
            amount: u(5),
        }),
    );
    assert_eq!(
        vault
            .sender(alice)
            .claimable(wallet.address(), ETH)
            .motsu_unwrap(),
        u(5)
    );
    assert_eq!(vault.balance(), u(10));
    // The token still pays.
    wallet
        .sender(alice)
        .claim(vec![token.address()])
        .motsu_unwrap();
    assert_eq!(
        token
            .sender(alice)
            .balance_of(wallet.address())
            .motsu_unwrap(),
        u(10)
    );
    // More token revenue, accounted by a share transfer, then the token breaks.
    token
        .sender(alice)
        .mint(vault.address(), u(10))
        .motsu_unwrap();
    vault.sender(alice).transfer(bob, u(1)).motsu_unwrap();
    vault.assert_emitted(&RevenueAccrued {
        token: token.address(),
        amount: u(10),
    });
    token.sender(alice).set_broken(true);
    // What was accounted is still owed; the payout fails with a typed error.
    assert_fails(
        wallet.sender(alice).claim(vec![token.address()]),
        Error::SafeErc20Failed(SafeErc20FailedOperation {
            token: token.address(),
        }),
    );
    // Once repaired, the claim goes through.
    token.sender(alice).set_broken(false);
    wallet
        .sender(alice)
        .claim(vec![token.address()])
        .motsu_unwrap();
    assert_eq!(
        token
            .sender(alice)
            .balance_of(wallet.address())
            .motsu_unwrap(),
        u(15)
    );
}

#[motsu::test]
fn broken_revenue_token_never_blocks_shares(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
) {
    own_vault_721(&vault, &nft, alice, &[(alice, u(10))], &[token.address()]);
    token
        .sender(alice)
        .mint(vault.address(), u(10))
        .motsu_unwrap();
    token.sender(alice).set_broken(true);
    vault.sender(alice).transfer(bob, u(5)).motsu_unwrap();
    assert_eq!(vault.sender(alice).balance_of(bob), u(5));
    // The pending token revenue was not accounted while broken: it is shared
    // among the holders at the time it can first be read.
    token.sender(alice).set_broken(false);
    assert_eq!(
        vault
            .sender(alice)
            .claimable(alice, token.address())
            .motsu_unwrap(),
        u(5)
    );
    assert_eq!(
        vault
            .sender(alice)
            .claimable(bob, token.address())
            .motsu_unwrap(),
        u(5)
    );
}

#[motsu::test]
fn accumulator_is_exact_across_many_transfers(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    let third = U256::from(10u64).pow(u(18));
    own_vault_721(
        &vault,
        &nft,
        alice,
        &[(alice, third), (bob, third), (carol, third)],
        &[token.address()],
    );
    // 10 rounds: deposit 1,000 units, then rotate shares.
    let mut expected = [U256::ZERO; 3];
    let people = [alice, bob, carol];
    for round in 0..10u64 {
        token
            .sender(alice)
            .mint(vault.address(), u(1_000 + round))
            .motsu_unwrap();
        let supply = total_supply(&vault);
        for (e, p) in expected.iter_mut().zip(people) {
            *e += u(1_000 + round) * vault.sender(alice).balance_of(p) / supply;
        }
        let (from, to) = (people[round as usize % 3], people[(round as usize + 1) % 3]);
        let half = vault.sender(from).balance_of(from) / u(2);
        vault.sender(from).transfer(to, half).motsu_unwrap();
    }
    let mut total = U256::ZERO;
    for (e, p) in expected.iter().zip(people) {
        let got = vault.sender(p).claimable(p, token.address()).motsu_unwrap();
        // Within one unit per deposit of the exact share.
        assert!(got <= *e + u(10) && *e <= got + u(10), "{got} vs {e}");
        total += got;
    }
    assert!(total <= u(10_045));
}

// ----------------------------------------------------------------------
// Curator
// ----------------------------------------------------------------------

#[motsu::test]
fn curator_transfer_and_renounce(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Address,
    curator: Address,
    next: Address,
) {
    vault_721(&vault, &nft, alice, &[(alice, u(1))], curator, &[]);
    let err = vault
        .sender(alice)
        .transfer_curator(alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotCurator(VaultNotCurator { account }) if account == alice));
    vault.sender(curator).transfer_curator(next).motsu_unwrap();
    vault.assert_emitted(&CuratorTransferred {
        previousCurator: curator,
        newCurator: next,
    });
    assert_eq!(vault.sender(alice).curator(), next);
    let err = vault
        .sender(curator)
        .transfer_curator(curator)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotCurator(_)));
    // Renounce: nobody is curator any more.
    vault
        .sender(next)
        .transfer_curator(Address::ZERO)
        .motsu_unwrap();
    let err = vault.sender(next).transfer_curator(next).motsu_unwrap_err();
    assert!(matches!(err, Error::NotCurator(_)));
    assert_fails(
        vault.sender(next).set_market_approval(true),
        Error::NotCurator(VaultNotCurator { account: next }),
    );
}

/// Offer terms a vault may publish: paying `payee` in `token`, for at most
/// `max_duration` seconds.
fn offer_terms(payee: Address, token: Address, max_duration: u64) -> OfferTerms {
    OfferTerms {
        pricePerSecond: u(5),
        paymentToken: token,
        minDuration: 60,
        maxDuration: max_duration,
        endTime: 0,
        maxLicensees: 1,
        payee,
        termsHash: B256::repeat_byte(0x7e),
        termsUri: "ipfs://terms".to_string(),
        flags: 1,
        maxRoyaltyBps: 1_000,
    }
}

fn create_offer(amount: u64, terms: OfferTerms) -> Vec<u8> {
    createOfferCall { amount, terms }.abi_encode()
}

fn update_offer(offer_id: U256, terms: OfferTerms) -> Vec<u8> {
    updateOfferCall {
        offerId: offer_id,
        terms,
    }
    .abi_encode()
}

/// A vault of `nft`'s token `ID` on `market`, with `curator` and one
/// revenue token.
fn leasing_vault(
    vault: &Contract<ShareVault>,
    nft: &Contract<MockNft>,
    market: &Contract<MockMarket>,
    alice: Address,
    curator: Address,
    token: Address,
) {
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    let mut c = config(nft.address(), 0, &[(alice, u(1))], curator, &[token]);
    c.market = market.address();
    init_with(vault, alice, &c).motsu_unwrap();
    nft.sender(alice)
        .safe_transfer_from(alice, vault.address(), ID)
        .motsu_unwrap();
}

#[motsu::test]
fn curator_leases_through_the_market_only(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    token: Contract<MockToken>,
    alice: Address,
    curator: Address,
) {
    leasing_vault(&vault, &nft, &market, alice, curator, token.address());
    let this = vault.address();
    assert_eq!(vault.sender(alice).market(), market.address());
    assert_eq!(vault.sender(alice).max_lease_duration(), MAX_LEASE);
    // Approve, then revoke, the market (and only it) as lease operator.
    vault
        .sender(curator)
        .set_market_approval(true)
        .motsu_unwrap();
    assert!(nft.sender(alice).is_lease_operator(this, market.address()));
    vault
        .sender(curator)
        .set_market_approval(false)
        .motsu_unwrap();
    assert!(!nft.sender(alice).is_lease_operator(this, market.address()));
    vault
        .sender(curator)
        .set_market_approval(true)
        .motsu_unwrap();
    // An ETH offer of the vaulted token for the longest allowed lease: the
    // market gets the vault's asset and exactly the curator's terms.
    let out = vault
        .sender(curator)
        .fallback(&create_offer(0, offer_terms(this, ETH, MAX_LEASE)))
        .motsu_unwrap();
    assert_eq!(out, u(42).to_be_bytes::<32>().to_vec());
    assert_eq!(
        market.sender(alice).seen(),
        (u(1), this, nft.address(), ID, U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        market.sender(alice).terms_seen(),
        (
            u(5),
            ETH,
            u(MAX_LEASE),
            this,
            "ipfs://terms".to_string(),
            u(1_000)
        )
    );
    // Units per licence are passed through (the market checks them).
    vault
        .sender(curator)
        .fallback(&create_offer(3, offer_terms(this, ETH, 60)))
        .motsu_unwrap();
    assert_eq!(market.sender(alice).seen().4, u(3));
    // An update to the revenue token.
    let mut terms = offer_terms(this, token.address(), 3_600);
    terms.termsUri = "ipfs://v2".repeat(20);
    vault
        .sender(curator)
        .fallback(&update_offer(u(42), terms))
        .motsu_unwrap();
    assert_eq!(market.sender(alice).seen().5, u(42));
    assert_eq!(
        market.sender(alice).terms_seen(),
        (
            u(5),
            token.address(),
            u(3_600),
            this,
            "ipfs://v2".repeat(20),
            u(1_000)
        )
    );
    // A cancellation.
    vault
        .sender(curator)
        .fallback(&cancelOfferCall { offerId: u(7) }.abi_encode())
        .motsu_unwrap();
    assert_eq!(market.sender(alice).seen().0, u(4));
    assert_eq!(market.sender(alice).seen().5, u(7));
    // The market's revert is bubbled verbatim.
    let mut failing = offer_terms(this, ETH, 60);
    failing.pricePerSecond = u(999);
    let err = vault
        .sender(curator)
        .fallback(&create_offer(0, failing))
        .motsu_unwrap_err();
    assert_eq!(err, MarketError { code: u(999) }.abi_encode());
    // Nothing moved: the vault still holds its token.
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), this);
}

#[motsu::test]
fn only_the_curator_leases(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    token: Contract<MockToken>,
    alice: Address,
    curator: Address,
) {
    leasing_vault(&vault, &nft, &market, alice, curator, token.address());
    let this = vault.address();
    let not_curator = err_bytes(Error::NotCurator(VaultNotCurator { account: alice }));
    let err = vault
        .sender(alice)
        .set_market_approval(true)
        .motsu_unwrap_err();
    assert_eq!(err, not_curator);
    for data in [
        create_offer(0, offer_terms(this, ETH, 60)),
        update_offer(u(1), offer_terms(this, ETH, 60)),
        cancelOfferCall { offerId: u(1) }.abi_encode(),
    ] {
        let err = vault.sender(alice).fallback(&data).motsu_unwrap_err();
        assert_eq!(err, not_curator);
    }
    assert!(!nft.sender(alice).is_lease_operator(this, market.address()));
    assert_eq!(market.sender(alice).seen().0, U256::ZERO);
}

/// H-1c: a vault offer must pay the vault; the curator cannot name itself
/// (or anyone else) as payee, at creation or by an update.
#[motsu::test]
fn h1c_vault_offers_pay_the_vault(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    token: Contract<MockToken>,
    alice: Address,
    curator: Address,
) {
    leasing_vault(&vault, &nft, &market, alice, curator, token.address());
    for payee in [curator, alice, Address::ZERO, market.address()] {
        let want = err_bytes(Error::InvalidOfferPayee(VaultInvalidOfferPayee { payee }));
        for data in [
            create_offer(0, offer_terms(payee, ETH, 60)),
            update_offer(u(1), offer_terms(payee, ETH, 60)),
        ] {
            let err = vault.sender(curator).fallback(&data).motsu_unwrap_err();
            assert_eq!(err, want, "payee {payee}");
        }
    }
    assert_eq!(market.sender(alice).seen().0, U256::ZERO);
}

/// M-2: a vault offer is paid in ETH or a revenue token, so every lease
/// payment is shared among the holders (no token lands in the vault that
/// only the curator could reach, and the curator can no longer move any).
#[motsu::test]
fn m2_vault_offers_are_paid_in_revenue_tokens(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    token: Contract<MockToken>,
    other: Contract<MockToken>,
    alice: Address,
    curator: Address,
) {
    leasing_vault(&vault, &nft, &market, alice, curator, token.address());
    let this = vault.address();
    for bad in [other.address(), this, nft.address(), market.address()] {
        let want = err_bytes(Error::TokenNotAllowed(VaultTokenNotAllowed { token: bad }));
        for data in [
            create_offer(0, offer_terms(this, bad, 60)),
            update_offer(u(1), offer_terms(this, bad, 60)),
        ] {
            let err = vault.sender(curator).fallback(&data).motsu_unwrap_err();
            assert_eq!(err, want, "token {bad}");
        }
    }
    // A payment-token word with stray high bits is refused, not truncated
    // to the revenue token.
    let mut data = create_offer(0, offer_terms(this, token.address(), 60));
    let at = 4 + 64 + 32; // tuple start + word 1
    data[at] = 1;
    assert_fails(
        vault.sender(curator).fallback(&data),
        Error::TokenNotAllowed(VaultTokenNotAllowed {
            token: token.address(),
        }),
    );
    assert_eq!(market.sender(alice).seen().0, U256::ZERO);
    // The curator's former generic call no longer exists.
    let sweep = calls::curatorCallCall {
        target: other.address(),
        data: Vec::new().into(),
    }
    .abi_encode();
    let err = vault.sender(curator).fallback(&sweep).motsu_unwrap_err();
    assert!(err.is_empty());
}

/// H-1a: every vault offer's `maxDuration` is at most the vault's
/// `maxLeaseDuration`, so no lease the curator sells (even at price 0)
/// locks the asset for longer.
#[motsu::test]
fn h1a_vault_offers_are_bounded_in_time(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    token: Contract<MockToken>,
    alice: Address,
    curator: Address,
) {
    leasing_vault(&vault, &nft, &market, alice, curator, token.address());
    let this = vault.address();
    for max in [MAX_LEASE + 1, u64::MAX] {
        let want = err_bytes(Error::OfferTooLong(VaultOfferTooLong {
            maxDuration: u(max),
            maxLeaseDuration: u(MAX_LEASE),
        }));
        let mut free = offer_terms(this, ETH, max);
        free.pricePerSecond = U256::ZERO;
        for data in [
            create_offer(0, free.clone()),
            update_offer(u(1), free.clone()),
        ] {
            let err = vault.sender(curator).fallback(&data).motsu_unwrap_err();
            assert_eq!(err, want, "max {max}");
        }
    }
    // A word above 2^64 is compared whole.
    let mut data = create_offer(0, offer_terms(this, ETH, 60));
    let at = 4 + 64 + 3 * 32; // tuple start + word 3
    data[at] = 1;
    assert_fails(
        vault.sender(curator).fallback(&data),
        Error::OfferTooLong(VaultOfferTooLong {
            maxDuration: U256::from_be_slice(&data[at..at + 32]),
            maxLeaseDuration: u(MAX_LEASE),
        }),
    );
    assert_eq!(market.sender(alice).seen().0, U256::ZERO);
}

#[motsu::test]
fn malformed_offer_calls_revert_without_data(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    token: Contract<MockToken>,
    alice: Address,
    curator: Address,
) {
    leasing_vault(&vault, &nft, &market, alice, curator, token.address());
    let this = vault.address();
    let good = create_offer(0, offer_terms(this, ETH, 60));
    // Truncated head, an offset past the end, a short tuple, a short cancel.
    let mut far = good.clone();
    far[4 + 63] = 0xff;
    for data in [
        good[..40].to_vec(),
        far,
        good[..4 + 64 + 32 * 10].to_vec(),
        cancelOfferCall::SELECTOR.to_vec(),
    ] {
        let err = vault.sender(curator).fallback(&data).motsu_unwrap_err();
        assert!(err.is_empty(), "{data:?}");
    }
    assert_eq!(market.sender(alice).seen().0, U256::ZERO);
}

// ----------------------------------------------------------------------
// Redemption
// ----------------------------------------------------------------------

#[motsu::test]
fn redeem_with_full_supply(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
) {
    own_vault_721(
        &vault,
        &nft,
        alice,
        &[(alice, u(3)), (bob, u(1))],
        &[token.address()],
    );
    token
        .sender(alice)
        .mint(vault.address(), u(400))
        .motsu_unwrap();
    // Without 100%: refused.
    assert_fails(
        vault.sender(alice).redeem(),
        Error::NotFullOwner(VaultNotFullOwner {
            account: alice,
            balance: u(3),
            supply: u(4),
        }),
    );
    // Bob sells his share to Alice, then she redeems.
    vault.sender(bob).transfer(alice, u(1)).motsu_unwrap();
    token
        .sender(alice)
        .mint(vault.address(), u(100))
        .motsu_unwrap();
    vault.sender(alice).redeem().motsu_unwrap();
    vault.assert_emitted(&Redeemed {
        holder: alice,
        asset: nft.address(),
        id: ID,
        units: U256::ZERO,
    });
    vault.assert_emitted(&Transfer {
        from: alice,
        to: Address::ZERO,
        value: u(4),
    });
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
    assert_eq!(total_supply(&vault), U256::ZERO);
    assert_eq!(vault.sender(alice).status(), status::REDEEMED);
    // Accrued revenue stays claimable by whoever earned it.
    assert_eq!(
        vault
            .sender(bob)
            .claimable(bob, token.address())
            .motsu_unwrap(),
        u(100)
    );
    assert_eq!(
        vault
            .sender(alice)
            .claimable(alice, token.address())
            .motsu_unwrap(),
        u(400)
    );
    // Later revenue goes to the redeemer.
    token
        .sender(alice)
        .mint(vault.address(), u(50))
        .motsu_unwrap();
    assert_eq!(
        vault
            .sender(alice)
            .claimable(alice, token.address())
            .motsu_unwrap(),
        u(450)
    );
    assert_eq!(
        vault
            .sender(bob)
            .claimable(bob, token.address())
            .motsu_unwrap(),
        u(100)
    );
    vault
        .sender(bob)
        .claim(vec![token.address()])
        .motsu_unwrap();
    vault
        .sender(alice)
        .claim(vec![token.address()])
        .motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(alice).motsu_unwrap(), u(450));
    assert_eq!(token.sender(alice).balance_of(bob).motsu_unwrap(), u(100));
    // Redeeming twice: the vault is no longer active.
    assert_fails(
        vault.sender(alice).redeem(),
        Error::VaultNotActive(VaultNotActive {}),
    );
}

#[motsu::test]
fn redeem_before_the_asset_arrives_fails(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Address,
) {
    init_own(&vault, alice, nft.address(), &[(alice, u(1))], &[]).motsu_unwrap();
    assert_fails(
        vault.sender(alice).redeem(),
        Error::VaultNotActive(VaultNotActive {}),
    );
    assert_eq!(total_supply(&vault), u(1));
}

#[motsu::test]
fn redeem_by_a_wallet_contract_and_eth_after_redemption(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    wallet: Contract<Wallet>,
    alice: Address,
) {
    // A wallet contract that does not implement onERC721Received cannot
    // take the token: the redemption reverts and nothing changes.
    own_vault_721(&vault, &nft, alice, &[(wallet.address(), u(1))], &[]);
    wallet
        .sender(alice)
        .configure(vault.address(), false, false);
    vault.address().fund(u(7));
    assert!(wallet.sender(alice).redeem().motsu_res().is_err());
    assert_eq!(total_supply(&vault), u(1));
    assert_eq!(vault.sender(alice).status(), status::ACTIVE);
    assert_eq!(
        nft.sender(alice).owner_of(ID).motsu_unwrap(),
        vault.address()
    );
    // It can still claim its ETH.
    wallet.sender(alice).claim(vec![ETH]).motsu_unwrap();
    assert_eq!(wallet.balance(), u(7));
}

#[motsu::test]
fn redeem_erc1155_units(
    vault: Contract<ShareVault>,
    editions: Contract<MockEditions>,
    wallet: Contract<Wallet>,
    alice: Address,
) {
    editions.sender(alice).mint(alice, ID, u(10)).motsu_unwrap();
    init(
        &vault,
        alice,
        editions.address(),
        4,
        &[(alice, u(1)), (wallet.address(), u(1))],
        alice,
        &[],
    )
    .motsu_unwrap();
    editions
        .sender(alice)
        .safe_transfer_from(alice, vault.address(), ID, u(4), Vec::new().into())
        .motsu_unwrap();
    wallet
        .sender(alice)
        .configure(vault.address(), false, false);
    vault.address().fund(u(10));
    wallet.sender(alice).transfer(alice, u(1)).motsu_unwrap();
    vault.address().fund(u(10));
    // Units frozen by an active lease: the asset refuses, verbatim, nothing changes.
    editions.sender(alice).freeze(vault.address(), ID, u(1));
    let err = vault.sender(alice).redeem().motsu_unwrap_err();
    assert_eq!(err, Frozen { id: ID }.abi_encode());
    assert_eq!(total_supply(&vault), u(2));
    // Lease over: redemption moves the units.
    editions
        .sender(alice)
        .freeze(vault.address(), ID, U256::ZERO);
    vault.sender(alice).redeem().motsu_unwrap();
    assert_eq!(editions.sender(alice).balance_of(alice, ID), u(10));
    assert_eq!(
        editions.sender(alice).balance_of(vault.address(), ID),
        U256::ZERO
    );
    vault.assert_emitted(&Redeemed {
        holder: alice,
        asset: editions.address(),
        id: ID,
        units: u(4),
    });
    // ETH accrued before stays with the wallet (5) and Alice (5 + 10).
    assert_eq!(
        vault
            .sender(alice)
            .claimable(wallet.address(), ETH)
            .motsu_unwrap(),
        u(5)
    );
    assert_eq!(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        u(15)
    );
    // ETH arriving after redemption goes to Alice.
    vault.address().fund(u(3));
    wallet.sender(alice).claim(vec![ETH]).motsu_unwrap();
    assert_eq!(wallet.balance(), u(5));
    assert_eq!(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        u(18)
    );
}

// ----------------------------------------------------------------------
// ERC-165
// ----------------------------------------------------------------------

#[motsu::test]
fn supports_interface(vault: Contract<ShareVault>, alice: Address) {
    let v = vault.sender(alice);
    for id in [IERC165_ID, IERC721_RECEIVER_ID, IERC1155_RECEIVER_ID] {
        assert!(v.supports_interface(id.into()));
    }
    assert!(!v.supports_interface([0xff; 4].into()));
    assert!(!v.supports_interface([0x36, 0x37, 0x2b, 0x07].into()));
}

#[test]
fn interface_ids_are_xors_of_selectors() {
    use stylus_sdk::function_selector as sel;
    assert_eq!(IERC165_ID, sel!("supportsInterface", B32));
    assert_eq!(
        IERC721_RECEIVER_ID,
        sel!("onERC721Received", Address, Address, U256, Bytes)
    );
    assert_eq!(ON_ERC721_RECEIVED, onERC721ReceivedCall::SELECTOR);
    assert_eq!(ON_ERC1155_RECEIVED, onERC1155ReceivedCall::SELECTOR);
    let single = sel!("onERC1155Received", Address, Address, U256, U256, Bytes);
    let batch = sel!(
        "onERC1155BatchReceived",
        Address,
        Address,
        Vec<U256>,
        Vec<U256>,
        Bytes
    );
    let xor: Vec<u8> = single.iter().zip(batch).map(|(a, b)| a ^ b).collect();
    assert_eq!(IERC1155_RECEIVER_ID.to_vec(), xor);
    assert_eq!(SET_LEASE_OPERATOR, calls::setLeaseOperatorCall::SELECTOR);
}

#[test]
fn hand_encoded_errors_match_alloy() {
    let (a, b, n, m) = (
        Address::repeat_byte(0xa1),
        Address::repeat_byte(0xb2),
        u(7),
        U256::MAX,
    );
    stylus_ip_common::assert_errors_encode_like_alloy!(
        Error::InsufficientBalance(ERC20InsufficientBalance {
            sender: a,
            balance: n,
            needed: m,
        }),
        Error::InvalidSender(ERC20InvalidSender { sender: a }),
        Error::InvalidReceiver(ERC20InvalidReceiver { receiver: a }),
        Error::InsufficientAllowance(ERC20InsufficientAllowance {
            spender: a,
            allowance: n,
            needed: m,
        }),
        Error::InvalidSpender(ERC20InvalidSpender { spender: b }),
        Error::SafeErc20Failed(SafeErc20FailedOperation { token: a }),
        Error::AlreadyInitialized(InvalidInitialization {}),
        Error::InvalidAsset(VaultInvalidAsset { asset: b }),
        Error::InvalidConfig(VaultInvalidConfig {}),
        Error::InvalidSupply(VaultInvalidSupply { supply: m }),
        Error::InvalidMetadata(VaultInvalidMetadata {
            nameLength: n,
            symbolLength: m,
        }),
        Error::TooManyRevenueTokens(VaultTooManyRevenueTokens { count: n }),
        Error::InvalidRevenueToken(VaultInvalidRevenueToken { token: a }),
        Error::TokenNotAllowed(VaultTokenNotAllowed { token: b }),
        Error::NothingToClaim(VaultNothingToClaim { holder: a }),
        Error::EthTransferFailed(VaultEthTransferFailed { to: a, amount: m }),
        Error::NotCurator(VaultNotCurator { account: b }),
        Error::InvalidOfferPayee(VaultInvalidOfferPayee { payee: a }),
        Error::OfferTooLong(VaultOfferTooLong {
            maxDuration: m,
            maxLeaseDuration: n,
        }),
        Error::InvalidMaxLeaseDuration(VaultInvalidMaxLeaseDuration {
            maxLeaseDuration: n,
        }),
        Error::NotFullOwner(VaultNotFullOwner {
            account: a,
            balance: n,
            supply: m,
        }),
        Error::VaultNotActive(VaultNotActive {}),
        Error::UnexpectedAsset(VaultUnexpectedAsset { asset: a, id: m }),
        Error::MathOverflow(VaultArithmeticOverflow {}),
        Error::ExpiredSignature(ERC2612ExpiredSignature { deadline: n }),
        Error::InvalidSigner(ERC2612InvalidSigner {
            signer: a,
            owner: Address::repeat_byte(2),
        }),
        Error::InvalidPool(VaultInvalidPool { pair: a }),
        Error::NotBuyout(VaultNotBuyout { account: a }),
    );
}

// ----------------------------------------------------------------------
// Uniswap V2 mocks: a pair that holds and pays out shares, and a factory
// that lists pairs.
// ----------------------------------------------------------------------

/// A Uniswap V2 pair as the vault sees one: `token0()`/`token1()`, and
/// share transfers out of its balance (a swap paying shares out).
#[storage]
struct MockPair {
    vault: StorageAddress,
    token0: StorageAddress,
    token1: StorageAddress,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockPair {}

#[public]
impl MockPair {
    fn set_tokens(&mut self, vault: Address, token0: Address, token1: Address) {
        self.vault.set(vault);
        self.token0.set(token0);
        self.token1.set(token1);
    }
    fn token0(&self) -> Address {
        self.token0.get()
    }
    fn token1(&self) -> Address {
        self.token1.get()
    }
    /// A swap paying `value` shares out to `to`.
    fn swap_out(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        let vault = IVault::new(self.vault.get());
        Ok(vault.transfer(&mut *self, to, value)?)
    }
    /// A pair never claims; this one tries.
    fn claim(&mut self, tokens: Vec<Address>) -> Result<(), Vec<u8>> {
        let vault = IVault::new(self.vault.get());
        Ok(vault.claim(&mut *self, tokens)?)
    }
}

/// A Uniswap V2 factory's `getPair`, with pairs listed by the test.
#[storage]
struct MockAmmFactory {
    pairs: StorageMap<Address, StorageMap<Address, StorageAddress>>,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockAmmFactory {}

#[public]
impl MockAmmFactory {
    fn set_pair(&mut self, a: Address, b: Address, pair: Address) {
        self.pairs.setter(a).insert(b, pair);
        self.pairs.setter(b).insert(a, pair);
    }
    fn get_pair(&self, a: Address, b: Address) -> Address {
        self.pairs.getter(a).get(b)
    }
}

/// An account that answers every call with success and no data, as an
/// account without code does on chain (motsu cannot call one).
#[storage]
struct Silent;
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for Silent {}

#[public]
impl Silent {
    #[fallback]
    fn fallback(&mut self, _calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        Ok(Vec::new())
    }
}

/// An active ERC-721 vault (minted to `owner` first) with a buyout module
/// and a Uniswap V2 factory.
fn vault_with(
    vault: &Contract<ShareVault>,
    nft: &Contract<MockNft>,
    owner: Address,
    holders: &[(Address, U256)],
    buyout: Address,
    amm_factory: Address,
    tokens: &[Address],
) {
    nft.sender(owner).mint(owner, ID).motsu_unwrap();
    let mut c = config(nft.address(), 0, holders, owner, tokens);
    c.buyout = buyout;
    c.amm_factory = amm_factory;
    init_with(vault, owner, &c).motsu_unwrap();
    nft.sender(owner)
        .safe_transfer_from(owner, vault.address(), ID)
        .motsu_unwrap();
}

/// `pair` as a pair of the vault's shares and `other`, listed by `amm`.
fn list_pair(
    vault: &Contract<ShareVault>,
    pair: &Contract<MockPair>,
    amm: &Contract<MockAmmFactory>,
    other: Address,
) {
    pair.sender(other)
        .set_tokens(vault.address(), other, vault.address());
    amm.sender(other)
        .set_pair(other, vault.address(), pair.address());
}

fn claimable_eth(vault: &Contract<ShareVault>, holder: Address) -> U256 {
    vault.sender(holder).claimable(holder, ETH).motsu_unwrap()
}

// ----------------------------------------------------------------------
// EIP-2612 permit
// ----------------------------------------------------------------------

sol! {
    /// The EIP-712 permit struct, for alloy's reference signing hash.
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// A deadline one hour after motsu's block time.
const DEADLINE: U256 = uint!(1_735_693_200_U256);

/// The vault's `eip712Domain()`, through the fallback, decoded by alloy.
fn domain_of(vault: &Contract<ShareVault>) -> eip712DomainReturn {
    let out = vault
        .sender(Address::ZERO)
        .fallback(&eip712DomainCall {}.abi_encode())
        .expect("eip712Domain answers");
    eip712DomainCall::abi_decode_returns(&out, true).expect("ABI-exact return data")
}

/// `signer`'s permit signature `(v, r, s)`, hashed by alloy's EIP-712
/// implementation in the domain the vault publishes.
fn sign_permit(
    vault: &Contract<ShareVault>,
    signer: &Account,
    owner: Address,
    spender: Address,
    value: U256,
    nonce: U256,
    deadline: U256,
) -> (u8, B256, B256) {
    use alloy_sol_types::SolStruct;
    let d = domain_of(vault);
    let domain = alloy_sol_types::eip712_domain! {
        name: d.name,
        version: d.version,
        chain_id: d.chainId.to::<u64>(),
        verifying_contract: d.verifyingContract,
    };
    let hash = Permit {
        owner,
        spender,
        value,
        nonce,
        deadline,
    }
    .eip712_signing_hash(&domain);
    let (signature, recovery) = signer
        .signer()
        .credential()
        .sign_prehash_recoverable(hash.as_slice())
        .expect("a 32-byte prehash always signs");
    let (r, s) = signature.split_bytes();
    (
        recovery.to_byte() + 27,
        B256::from_slice(&r),
        B256::from_slice(&s),
    )
}

#[motsu::test]
fn permit_sets_the_allowance_once(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Account,
    bob: Address,
    carol: Address,
) {
    let owner = alice.address();
    own_vault_721(&vault, &nft, owner, &[(owner, u(100))], &[]);
    // The domain: the share token's name, version 1, the chain, the vault.
    let d = domain_of(&vault);
    assert_eq!(d.fields.0, [0x0f]);
    assert_eq!((d.name.as_str(), d.version.as_str()), ("Mona Shares", "1"));
    assert_eq!(d.chainId, u(42_161));
    assert_eq!(d.verifyingContract, vault.address());
    assert_eq!((d.salt, d.extensions.len()), (B256::ZERO, 0));
    assert_eq!(
        vault.sender(bob).domain_separator(),
        logic::domain_separator(b"Mona Shares", 42_161, vault.address())
    );
    assert_eq!(vault.sender(bob).nonces(owner), U256::ZERO);

    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(60), U256::ZERO, DEADLINE);
    // Anyone may submit it (here carol).
    vault
        .sender(carol)
        .permit(owner, bob, u(60), DEADLINE, v, r, s)
        .motsu_unwrap();
    assert_eq!(vault.sender(bob).allowance(owner, bob), u(60));
    assert_eq!(vault.sender(bob).nonces(owner), u(1));
    vault.assert_emitted(&Approval {
        owner,
        spender: bob,
        value: u(60),
    });
    // The nonce shares the balance slot: the balance is untouched.
    assert_eq!(vault.sender(bob).balance_of(owner), u(100));
    vault
        .sender(bob)
        .transfer_from(owner, carol, u(60))
        .motsu_unwrap();
    assert_eq!(vault.sender(bob).balance_of(carol), u(60));
    assert_eq!(vault.sender(bob).nonces(owner), u(1));
    // Replayed: the nonce moved on, so it recovers someone else.
    let err = vault
        .sender(carol)
        .permit(owner, bob, u(60), DEADLINE, v, r, s)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSigner(ERC2612InvalidSigner { signer, owner: o }) if signer != owner && o == owner)
    );
    assert_eq!(vault.sender(bob).allowance(owner, bob), U256::ZERO);
    // The next nonce works, up to the deadline itself (inclusive).
    let deadline = u(1_735_689_600);
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, U256::MAX, u(1), deadline);
    vault
        .sender(bob)
        .permit(owner, bob, U256::MAX, deadline, v, r, s)
        .motsu_unwrap();
    assert_eq!(vault.sender(bob).allowance(owner, bob), U256::MAX);
    assert_eq!(vault.sender(bob).nonces(owner), u(2));
    // Through the fallback (the ABI path) too.
    let (v, r, s) = sign_permit(&vault, &alice, owner, carol, u(7), u(2), DEADLINE);
    let call = permitCall {
        owner,
        spender: carol,
        value: u(7),
        deadline: DEADLINE,
        v,
        r,
        s,
    };
    assert_eq!(
        vault.sender(bob).fallback(&call.abi_encode()),
        Ok(Vec::new())
    );
    assert_eq!(vault.sender(bob).allowance(owner, carol), u(7));
    assert_eq!(vault.sender(bob).nonces(owner), u(3));
}

#[motsu::test]
fn permit_refuses_bad_signatures(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Account,
    mallory: Account,
    bob: Address,
) {
    let owner = alice.address();
    own_vault_721(&vault, &nft, owner, &[(owner, u(100))], &[]);
    let refused = |err: Error, signer: Address| {
        assert_eq!(
            err_bytes(err),
            err_bytes(Error::InvalidSigner(ERC2612InvalidSigner { signer, owner }))
        );
    };
    // Expired: one second after its deadline.
    let deadline = u(1_735_689_599);
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(1), U256::ZERO, deadline);
    let err = vault
        .sender(bob)
        .permit(owner, bob, u(1), deadline, v, r, s)
        .motsu_unwrap_err();
    assert_eq!(
        err_bytes(err),
        err_bytes(Error::ExpiredSignature(ERC2612ExpiredSignature {
            deadline
        }))
    );
    // Signed by someone else.
    let (v, r, s) = sign_permit(&vault, &mallory, owner, bob, u(1), U256::ZERO, DEADLINE);
    let err = vault
        .sender(bob)
        .permit(owner, bob, u(1), DEADLINE, v, r, s)
        .motsu_unwrap_err();
    refused(err, mallory.address());
    // Signed for other terms (value 2, submitted as 1).
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(2), U256::ZERO, DEADLINE);
    let err = vault
        .sender(bob)
        .permit(owner, bob, u(1), DEADLINE, v, r, s)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSigner(e) if e.signer != owner && !e.signer.is_zero()));
    // The malleable twin of a valid signature (s' = n − s, v flipped)
    // recovers the owner at the precompile, but high s is refused.
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(1), U256::ZERO, DEADLINE);
    let n = U256::from_be_bytes(
        alloy_primitives::b256!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
            .0,
    );
    let high = B256::from(n - U256::from_be_bytes(s.0));
    let err = vault
        .sender(bob)
        .permit(owner, bob, u(1), DEADLINE, 55 - v, r, high)
        .motsu_unwrap_err();
    refused(err, Address::ZERO);
    // `v` other than 27 or 28: the precompile recovers nobody.
    for bad_v in [0, 1, v + 2] {
        let err = vault
            .sender(bob)
            .permit(owner, bob, u(1), DEADLINE, bad_v, r, s)
            .motsu_unwrap_err();
        refused(err, Address::ZERO);
    }
    // Garbage: nobody, never the zero address as an "owner".
    let err = vault
        .sender(bob)
        .permit(
            Address::ZERO,
            bob,
            u(1),
            DEADLINE,
            27,
            B256::ZERO,
            B256::ZERO,
        )
        .motsu_unwrap_err();
    assert_eq!(
        err_bytes(err),
        err_bytes(Error::InvalidSigner(ERC2612InvalidSigner {
            signer: Address::ZERO,
            owner: Address::ZERO
        }))
    );
    // A valid signature for the zero spender: ERC-20's own refusal.
    let (v0, r0, s0) = sign_permit(
        &vault,
        &alice,
        owner,
        Address::ZERO,
        u(1),
        U256::ZERO,
        DEADLINE,
    );
    let err = vault
        .sender(bob)
        .permit(owner, Address::ZERO, u(1), DEADLINE, v0, r0, s0)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSpender(_)));
    // A `v` word above 255 is not a uint8: no data, as the ABI decoder.
    let mut data = permitCall {
        owner,
        spender: bob,
        value: u(1),
        deadline: DEADLINE,
        v,
        r,
        s,
    }
    .abi_encode();
    data[4 + 4 * 32 + 30] = 1;
    assert_eq!(vault.sender(bob).fallback(&data), Err(Vec::new()));
    // Nothing of that changed anything; the untouched signature still works.
    assert_eq!(vault.sender(bob).nonces(owner), U256::ZERO);
    assert_eq!(vault.sender(bob).allowance(owner, bob), U256::ZERO);
    vault
        .sender(bob)
        .permit(owner, bob, u(1), DEADLINE, v, r, s)
        .motsu_unwrap();
    assert_eq!(vault.sender(bob).allowance(owner, bob), u(1));
}

#[motsu::test]
fn the_domain_follows_the_chain_id(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    alice: Account,
    bob: Address,
) {
    let owner = alice.address();
    own_vault_721(&vault, &nft, owner, &[(owner, u(100))], &[]);
    let before = vault.sender(bob).domain_separator();
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(1), U256::ZERO, DEADLINE);
    // A fork: the old chain's signatures are worthless on the new one.
    VM::context().set_chain_id(1);
    let after = vault.sender(bob).domain_separator();
    assert_ne!(before, after);
    assert_eq!(
        after,
        logic::domain_separator(b"Mona Shares", 1, vault.address())
    );
    assert_eq!(domain_of(&vault).chainId, u(1));
    let err = vault
        .sender(bob)
        .permit(owner, bob, u(1), DEADLINE, v, r, s)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSigner(_)));
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(1), U256::ZERO, DEADLINE);
    vault
        .sender(bob)
        .permit(owner, bob, u(1), DEADLINE, v, r, s)
        .motsu_unwrap();
}

// ----------------------------------------------------------------------
// Pools
// ----------------------------------------------------------------------

#[motsu::test]
fn register_pool_accepts_only_listed_pairs_of_the_shares(
    vault: Contract<ShareVault>,
    bare: Contract<ShareVault>,
    nft: Contract<MockNft>,
    pair: Contract<MockPair>,
    stranger_pair: Contract<MockPair>,
    amm: Contract<MockAmmFactory>,
    token: Contract<MockToken>,
    eoa: Contract<Silent>,
    alice: Address,
    weth: Address,
    buyout: Address,
) {
    vault_with(
        &vault,
        &nft,
        alice,
        &[(alice, u(10))],
        buyout,
        amm.address(),
        &[],
    );
    let invalid = |p: Address| err_bytes(Error::InvalidPool(VaultInvalidPool { pair: p }));
    let register = |p: Address| {
        vault
            .sender(alice)
            .register_pool(p)
            .map_err(err_bytes)
            .map_err(|e| (e, p))
    };
    // An account without code (a holder's) answers no token0().
    assert_eq!(
        register(eoa.address()),
        Err((invalid(eoa.address()), eoa.address()))
    );
    // A contract that is no pair.
    assert_eq!(
        register(token.address()),
        Err((invalid(token.address()), token.address()))
    );
    // A pair of the shares the factory does not list.
    pair.sender(alice)
        .set_tokens(vault.address(), weth, vault.address());
    assert_eq!(
        register(pair.address()),
        Err((invalid(pair.address()), pair.address()))
    );
    // The factory lists another pair for these tokens.
    amm.sender(alice)
        .set_pair(weth, vault.address(), stranger_pair.address());
    assert_eq!(
        register(pair.address()),
        Err((invalid(pair.address()), pair.address()))
    );
    // A listed pair that does not hold the shares.
    stranger_pair
        .sender(alice)
        .set_tokens(vault.address(), weth, token.address());
    amm.sender(alice)
        .set_pair(weth, token.address(), stranger_pair.address());
    assert_eq!(
        register(stranger_pair.address()),
        Err((invalid(stranger_pair.address()), stranger_pair.address()))
    );
    // The buyout module is non-accruing already.
    assert_eq!(register(buyout), Err((invalid(buyout), buyout)));
    // The listed pair of the shares: registered, once.
    list_pair(&vault, &pair, &amm, weth);
    assert!(vault.sender(alice).accrues(pair.address()));
    vault
        .sender(weth)
        .register_pool(pair.address())
        .motsu_unwrap();
    vault.assert_emitted(&PoolRegistered {
        pair: pair.address(),
    });
    assert!(!vault.sender(alice).accrues(pair.address()));
    assert_eq!(
        register(pair.address()),
        Err((invalid(pair.address()), pair.address()))
    );
    // Through the fallback: the same answers, and the ABI's decoding.
    let call = registerPoolCall {
        pair: pair.address(),
    }
    .abi_encode();
    assert_eq!(
        vault.sender(alice).fallback(&call),
        Err(invalid(pair.address()))
    );
    assert_eq!(vault.sender(alice).fallback(&call[..35]), Err(Vec::new()));
    // Pools off (no Uniswap V2 factory): nothing qualifies.
    nft.sender(alice).mint(alice, ID + u(1)).motsu_unwrap();
    let mut c = config(nft.address(), 0, &[(alice, u(10))], alice, &[]);
    c.id = ID + u(1);
    init_with(&bare, alice, &c).motsu_unwrap();
    assert_eq!(bare.sender(alice).amm_factory(), Address::ZERO);
    pair.sender(alice)
        .set_tokens(bare.address(), weth, bare.address());
    amm.sender(alice)
        .set_pair(weth, bare.address(), pair.address());
    assert_eq!(
        bare.sender(alice)
            .register_pool(pair.address())
            .map_err(err_bytes),
        Err(invalid(pair.address()))
    );
}

/// Revenue the pair accrued before registration is shared among the
/// accruing holders; after it, revenue is shared over the accruing supply
/// only, whichever way shares move between the pool and the holders, and
/// the pool can never claim.
#[motsu::test]
fn pools_hold_shares_but_never_revenue(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    pair: Contract<MockPair>,
    amm: Contract<MockAmmFactory>,
    token: Contract<MockToken>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    alice: Address,
    weth: Address,
) {
    let (a_, b_, p) = (a.address(), b.address(), pair.address());
    vault_with(
        &vault,
        &nft,
        alice,
        &[(a_, u(2)), (b_, u(6))],
        Address::ZERO,
        amm.address(),
        &[token.address()],
    );
    a.sender(alice).configure(vault.address(), false, false);
    b.sender(alice).configure(vault.address(), false, false);
    list_pair(&vault, &pair, &amm, weth);
    // b adds liquidity: 4 shares into the pair, which still accrues.
    b.sender(alice).transfer(p, u(4)).motsu_unwrap();
    vault.address().fund(u(800));
    token
        .sender(alice)
        .mint(vault.address(), u(80))
        .motsu_unwrap();
    assert_eq!(claimable_eth(&vault, p), u(400));
    assert_eq!(claimable_eth(&vault, a_), u(200));
    // Registered: the pair's 400 wei (and 40 tokens) go to a and b (2 : 2).
    vault.sender(alice).register_pool(p).motsu_unwrap();
    assert_eq!(vault.sender(alice).accruing_supply(), u(4));
    assert_eq!(vault.sender(alice).total_supply(), u(8));
    assert_eq!(claimable_eth(&vault, p), U256::ZERO);
    assert_eq!(claimable_eth(&vault, a_), u(400));
    assert_eq!(claimable_eth(&vault, b_), u(400));
    assert_eq!(
        vault
            .sender(alice)
            .claimable(a_, token.address())
            .motsu_unwrap(),
        u(40)
    );
    // New revenue: over the 4 accruing shares only.
    vault.address().fund(u(400));
    assert_eq!(claimable_eth(&vault, a_), u(600));
    assert_eq!(claimable_eth(&vault, b_), u(600));
    // A swap pays 2 shares out of the pool to a: exact amounts, a earns on
    // them from now on (6 accruing shares: a 4, b 2).
    pair.sender(alice).swap_out(a_, u(2)).motsu_unwrap();
    vault.assert_emitted(&Transfer {
        from: p,
        to: a_,
        value: u(2),
    });
    assert_eq!(vault.sender(alice).balance_of(p), u(2));
    assert_eq!(vault.sender(alice).balance_of(a_), u(4));
    assert_eq!(vault.sender(alice).accruing_supply(), u(6));
    vault.address().fund(u(600));
    assert_eq!(claimable_eth(&vault, a_), u(600 + 400));
    assert_eq!(claimable_eth(&vault, b_), u(600 + 200));
    assert_eq!(claimable_eth(&vault, p), U256::ZERO);
    // b sells 1 share into the pool: it keeps what it earned.
    b.sender(alice).transfer(p, u(1)).motsu_unwrap();
    assert_eq!(vault.sender(alice).balance_of(p), u(3));
    assert_eq!(vault.sender(alice).accruing_supply(), u(5));
    assert_eq!(claimable_eth(&vault, b_), u(800));
    vault.address().fund(u(500));
    assert_eq!(claimable_eth(&vault, a_), u(1_400));
    assert_eq!(claimable_eth(&vault, b_), u(900));
    // The pool cannot claim anything, in any token.
    assert_fails(
        pair.sender(alice).claim(vec![ETH, token.address()]),
        Error::NothingToClaim(VaultNothingToClaim { holder: p }),
    );
    // Everything paid out: 2,300 wei deposited, all of it claimed.
    a.sender(alice)
        .claim(vec![ETH, token.address()])
        .motsu_unwrap();
    b.sender(alice)
        .claim(vec![ETH, token.address()])
        .motsu_unwrap();
    assert_eq!(a.balance() + b.balance(), u(2_300));
    assert_eq!(vault.balance(), U256::ZERO);
    assert_eq!(
        token.sender(alice).balance_of(a_).motsu_unwrap()
            + token.sender(alice).balance_of(b_).motsu_unwrap(),
        u(80)
    );
}

/// The buyout module holds shares from initialisation on without ever
/// accruing; while nobody accrues, revenue waits for the first holder who
/// does.
#[motsu::test]
fn the_buyout_module_never_accrues(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    a: Contract<Wallet>,
    alice: Address,
    buyout: Address,
) {
    let a_ = a.address();
    vault_with(
        &vault,
        &nft,
        alice,
        &[(a_, u(3)), (buyout, u(1))],
        buyout,
        Address::ZERO,
        &[],
    );
    a.sender(alice).configure(vault.address(), false, false);
    assert!(!vault.sender(alice).accrues(buyout));
    assert_eq!(vault.sender(alice).buyout(), buyout);
    assert_eq!(vault.sender(alice).balance_of(buyout), u(1));
    assert_eq!(vault.sender(alice).accruing_supply(), u(3));
    vault.address().fund(u(300));
    assert_eq!(claimable_eth(&vault, a_), u(300));
    assert_eq!(claimable_eth(&vault, buyout), U256::ZERO);
    // A holder commits its shares to the buyout pool: all of them.
    a.sender(alice).transfer(buyout, u(3)).motsu_unwrap();
    assert_eq!(vault.sender(alice).accruing_supply(), U256::ZERO);
    vault.address().fund(u(100));
    // Nobody accrues: the revenue stays pending, nobody can claim it.
    assert_eq!(claimable_eth(&vault, a_), u(300));
    assert_eq!(claimable_eth(&vault, buyout), U256::ZERO);
    let err = vault.sender(buyout).claim(vec![ETH]).motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(_)));
    // The buyout fails: the module hands the shares back; the 100 wei
    // pending go to the accruing holder, plus what arrives later.
    vault.sender(buyout).transfer(a_, u(2)).motsu_unwrap();
    vault.address().fund(u(20));
    assert_eq!(claimable_eth(&vault, a_), u(420));
    a.sender(alice).claim(vec![ETH]).motsu_unwrap();
    assert_eq!(a.balance(), u(420));
    assert_eq!(vault.balance(), U256::ZERO);
}

// ----------------------------------------------------------------------
// Buyout: releaseAsset
// ----------------------------------------------------------------------

#[motsu::test]
fn release_asset_only_by_the_buyout_module_while_active(
    vault: Contract<ShareVault>,
    bare: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    alice: Account,
    bob: Address,
    proposer: Address,
    buyout: Address,
) {
    let owner = alice.address();
    nft.sender(owner).mint(owner, ID).motsu_unwrap();
    let mut c = config(nft.address(), 0, &[(owner, u(3)), (bob, u(1))], owner, &[]);
    c.buyout = buyout;
    c.market = market.address();
    init_with(&vault, owner, &c).motsu_unwrap();
    // Before the asset arrives: not active.
    assert_fails(
        vault.sender(buyout).release_asset(proposer),
        Error::VaultNotActive(VaultNotActive {}),
    );
    nft.sender(owner)
        .safe_transfer_from(owner, vault.address(), ID)
        .motsu_unwrap();
    // Anyone else, the curator and 100 % holders included: refused.
    for caller in [owner, bob, proposer, vault.address()] {
        assert_fails(
            vault.sender(caller).release_asset(caller),
            Error::NotBuyout(VaultNotBuyout { account: caller }),
        );
    }
    assert_eq!(
        nft.sender(owner).owner_of(ID).motsu_unwrap(),
        vault.address()
    );
    // The buyout module, through the ABI.
    let call = releaseAssetCall { to: proposer }.abi_encode();
    assert_eq!(vault.sender(buyout).fallback(&call), Ok(Vec::new()));
    vault.assert_emitted(&AssetReleased { to: proposer });
    assert_eq!(nft.sender(owner).owner_of(ID).motsu_unwrap(), proposer);
    assert_eq!(vault.sender(owner).status(), status::BOUGHT_OUT);
    // Once: the vault no longer holds the asset.
    assert_fails(
        vault.sender(buyout).release_asset(buyout),
        Error::VaultNotActive(VaultNotActive {}),
    );
    // Offers and redemption end; shares, permits and claims live on.
    let terms = offer_terms(vault.address(), ETH, 60);
    let err = vault
        .sender(owner)
        .fallback(&create_offer(0, terms))
        .unwrap_err();
    assert_eq!(err, err_bytes(Error::VaultNotActive(VaultNotActive {})));
    let err = vault
        .sender(owner)
        .fallback(&cancelOfferCall { offerId: u(1) }.abi_encode())
        .unwrap_err();
    assert_eq!(err, err_bytes(Error::VaultNotActive(VaultNotActive {})));
    assert_eq!(market.sender(owner).seen().0, U256::ZERO);
    vault.sender(bob).transfer(owner, u(1)).motsu_unwrap();
    assert_fails(
        vault.sender(owner).redeem(),
        Error::VaultNotActive(VaultNotActive {}),
    );
    vault.address().fund(u(40));
    assert_eq!(claimable_eth(&vault, owner), u(40));
    let (v, r, s) = sign_permit(&vault, &alice, owner, bob, u(2), U256::ZERO, DEADLINE);
    vault
        .sender(bob)
        .permit(owner, bob, u(2), DEADLINE, v, r, s)
        .motsu_unwrap();
    vault
        .sender(bob)
        .transfer_from(owner, bob, u(2))
        .motsu_unwrap();
    assert_eq!(vault.sender(bob).balance_of(bob), u(2));
    // A vault without a buyout module: nobody can release its asset.
    nft.sender(owner).mint(owner, ID + u(1)).motsu_unwrap();
    let mut c = config(nft.address(), 0, &[(owner, u(1))], owner, &[]);
    c.id = ID + u(1);
    init_with(&bare, owner, &c).motsu_unwrap();
    nft.sender(owner)
        .safe_transfer_from(owner, bare.address(), ID + u(1))
        .motsu_unwrap();
    assert_fails(
        bare.sender(buyout).release_asset(buyout),
        Error::NotBuyout(VaultNotBuyout { account: buyout }),
    );
}

/// When no share accrues any more (after a buyout every share may sit with
/// the buyout module), revenue that arrives is credited to the account the
/// asset was released to instead of waiting forever; while shares accrue,
/// they share it as before. The offering's escrow never accrues.
#[motsu::test]
fn revenue_with_no_accruing_share_goes_to_the_asset_recipient(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    market: Contract<MockMarket>,
    alice: Account,
    bob: Account,
    proposer: Account,
    buyout: Address,
    offering: Address,
) {
    let (alice, bob, proposer) = (alice.address(), bob.address(), proposer.address());
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    let mut c = config(nft.address(), 0, &[(alice, u(3)), (bob, u(1))], alice, &[]);
    c.buyout = buyout;
    c.offering = offering;
    c.market = market.address();
    init_with(&vault, alice, &c).motsu_unwrap();
    nft.sender(alice)
        .safe_transfer_from(alice, vault.address(), ID)
        .motsu_unwrap();
    assert!(!vault.sender(alice).accrues(offering));
    // Alice escrows 2 shares with the offering: they earn nothing.
    vault.sender(alice).transfer(offering, u(2)).motsu_unwrap();
    vault.address().fund(u(20));
    assert_eq!(claimable_eth(&vault, alice), u(10));
    assert_eq!(claimable_eth(&vault, bob), u(10));
    assert_eq!(claimable_eth(&vault, offering), U256::ZERO);
    // A buyout pool takes every other share, succeeds, releases the asset.
    vault.sender(alice).transfer(buyout, u(1)).motsu_unwrap();
    vault.sender(bob).transfer(buyout, u(1)).motsu_unwrap();
    assert_eq!(vault.sender(alice).accruing_supply(), U256::ZERO);
    vault.sender(buyout).release_asset(proposer).motsu_unwrap();
    // Nobody accrues: late revenue goes to the new owner of the asset, and
    // what the holders had earned stays theirs.
    vault.address().fund(u(7));
    assert_eq!(claimable_eth(&vault, proposer), u(7));
    assert_eq!(claimable_eth(&vault, alice), u(10));
    assert_eq!(claimable_eth(&vault, bob), u(10));
    assert_eq!(claimable_eth(&vault, buyout), U256::ZERO);
    // Shares that accrue again share what comes next; the credit stays.
    vault.sender(offering).transfer(bob, u(2)).motsu_unwrap();
    vault.address().fund(u(4));
    assert_eq!(claimable_eth(&vault, bob), u(14));
    assert_eq!(claimable_eth(&vault, alice), u(10));
    assert_eq!(claimable_eth(&vault, proposer), u(7));
    assert_eq!(vault.balance(), u(31));
}

#[motsu::test]
fn release_asset_moves_erc1155_units(
    vault: Contract<ShareVault>,
    editions: Contract<MockEditions>,
    alice: Address,
    proposer: Address,
    buyout: Address,
) {
    editions.sender(alice).mint(alice, ID, u(10)).motsu_unwrap();
    let mut c = config(editions.address(), 4, &[(alice, u(1))], alice, &[]);
    c.buyout = buyout;
    init_with(&vault, alice, &c).motsu_unwrap();
    editions
        .sender(alice)
        .safe_transfer_from(alice, vault.address(), ID, u(4), Vec::new().into())
        .motsu_unwrap();
    // Units frozen by a lease: the asset refuses, verbatim; nothing changes.
    editions.sender(alice).freeze(vault.address(), ID, u(1));
    let err = vault
        .sender(buyout)
        .release_asset(proposer)
        .motsu_unwrap_err();
    assert_eq!(err, Frozen { id: ID }.abi_encode());
    assert_eq!(vault.sender(alice).status(), status::ACTIVE);
    editions
        .sender(alice)
        .freeze(vault.address(), ID, U256::ZERO);
    vault.sender(buyout).release_asset(proposer).motsu_unwrap();
    assert_eq!(editions.sender(alice).balance_of(proposer, ID), u(4));
    assert_eq!(
        editions.sender(alice).balance_of(vault.address(), ID),
        U256::ZERO
    );
    assert_eq!(vault.sender(alice).status(), status::BOUGHT_OUT);
}

// ----------------------------------------------------------------------
// The hand-written dispatch
// ----------------------------------------------------------------------

/// Every function served by the fallback answers what alloy decodes as the
/// declared return type, with the same values as the Rust method; calldata
/// the ABI decoder would refuse reverts with no data.
#[motsu::test]
fn served_functions_match_their_declarations(
    vault: Contract<ShareVault>,
    nft: Contract<MockNft>,
    token: Contract<MockToken>,
    alice: Address,
    bob: Address,
    buyout: Address,
    amm: Address,
) {
    vault_with(
        &vault,
        &nft,
        alice,
        &[(alice, u(3)), (bob, u(1))],
        buyout,
        amm,
        &[token.address()],
    );
    vault.sender(alice).approve(bob, u(9)).motsu_unwrap();
    let v = |data: Vec<u8>| vault.sender(alice).fallback(&data);
    let ok = |data: Vec<u8>| v(data).expect("served");
    assert_eq!(
        nameCall::abi_decode_returns(&ok(nameCall {}.abi_encode()), true)
            .unwrap()
            ._0,
        "Mona Shares"
    );
    assert_eq!(
        symbolCall::abi_decode_returns(&ok(symbolCall {}.abi_encode()), true)
            .unwrap()
            ._0,
        "MONA"
    );
    assert_eq!(
        revenueTokensCall::abi_decode_returns(&ok(revenueTokensCall {}.abi_encode()), true)
            .unwrap()
            ._0,
        vec![token.address()]
    );
    let word = |x: U256| B256::from(x).to_vec();
    assert_eq!(ok(decimalsCall {}.abi_encode()), word(u(18)));
    assert_eq!(ok(totalSupplyCall {}.abi_encode()), word(u(4)));
    assert_eq!(
        ok(balanceOfCall { account: alice }.abi_encode()),
        word(u(3))
    );
    assert_eq!(
        ok(allowanceCall {
            owner: alice,
            spender: bob
        }
        .abi_encode()),
        word(u(9))
    );
    assert_eq!(
        ok(claimableCall {
            holder: alice,
            token: ETH
        }
        .abi_encode()),
        word(U256::ZERO)
    );
    let (asset, id, units) = vault.sender(alice).asset();
    let got = assetCall::abi_decode_returns(&ok(assetCall {}.abi_encode()), true).unwrap();
    assert_eq!((got._0, got._1, got._2), (asset, id, units));
    assert_eq!(ok(statusCall {}.abi_encode()), word(u(2)));
    assert_eq!(ok(curatorCall {}.abi_encode()), alice.into_word().to_vec());
    assert_eq!(ok(marketCall {}.abi_encode()), MARKET.into_word().to_vec());
    assert_eq!(ok(maxLeaseDurationCall {}.abi_encode()), word(u(MAX_LEASE)));
    assert_eq!(ok(buyoutCall {}.abi_encode()), buyout.into_word().to_vec());
    assert_eq!(ok(ammFactoryCall {}.abi_encode()), amm.into_word().to_vec());
    assert_eq!(ok(accruingSupplyCall {}.abi_encode()), word(u(4)));
    assert_eq!(
        ok(accruesCall { account: buyout }.abi_encode()),
        word(U256::ZERO)
    );
    assert_eq!(ok(accruesCall { account: bob }.abi_encode()), word(u(1)));
    assert_eq!(ok(noncesCall { owner: bob }.abi_encode()), word(U256::ZERO));
    assert_eq!(
        ok(DOMAIN_SEPARATORCall {}.abi_encode()),
        vault.sender(alice).domain_separator().to_vec()
    );
    assert_eq!(
        ok(supportsInterfaceCall {
            interfaceId: IERC165_ID.into()
        }
        .abi_encode()),
        word(u(1))
    );
    // State-changing functions return what their declarations say.
    assert_eq!(
        ok(transferCall {
            to: bob,
            value: u(1)
        }
        .abi_encode()),
        word(u(1))
    );
    assert_eq!(
        ok(approveCall {
            spender: bob,
            value: u(1)
        }
        .abi_encode()),
        word(u(1))
    );
    let moved = vault
        .sender(bob)
        .fallback(
            &transferFromCall {
                from: alice,
                to: bob,
                value: u(1),
            }
            .abi_encode(),
        )
        .expect("allowed");
    assert_eq!(moved, word(u(1)));
    assert_eq!(vault.sender(alice).balance_of(bob), u(3));
    assert_eq!(
        ok(setMarketApprovalCall { approved: true }.abi_encode()),
        Vec::<u8>::new()
    );
    assert!(nft.sender(alice).is_lease_operator(vault.address(), MARKET));
    assert_eq!(
        ok(transferCuratorCall { newCurator: bob }.abi_encode()),
        Vec::<u8>::new()
    );
    assert_eq!(vault.sender(alice).curator(), bob);
    token
        .sender(alice)
        .mint(vault.address(), u(40))
        .motsu_unwrap();
    assert_eq!(
        ok(claimCall {
            tokens: vec![token.address()]
        }
        .abi_encode()),
        Vec::<u8>::new()
    );
    assert_eq!(token.sender(alice).balance_of(alice).motsu_unwrap(), u(10));
    // Errors come back ABI-encoded.
    assert_eq!(
        v(transferCall {
            to: Address::ZERO,
            value: u(1)
        }
        .abi_encode()),
        Err(err_bytes(Error::InvalidReceiver(ERC20InvalidReceiver {
            receiver: Address::ZERO
        })))
    );
    assert_eq!(
        v(redeemCall {}.abi_encode()),
        Err(err_bytes(Error::NotFullOwner(VaultNotFullOwner {
            account: alice,
            balance: u(1),
            supply: u(4)
        })))
    );
    // What the ABI decoder refuses: no data.
    let transfer = transferCall {
        to: bob,
        value: u(1),
    }
    .abi_encode();
    assert_eq!(v(transfer[..transfer.len() - 1].to_vec()), Err(Vec::new()));
    let mut dirty = transfer;
    dirty[4] = 1;
    assert_eq!(v(dirty), Err(Vec::new()));
    let mut flag = setMarketApprovalCall { approved: true }.abi_encode();
    flag[35] = 2;
    assert_eq!(v(flag), Err(Vec::new()));
    let mut id = supportsInterfaceCall {
        interfaceId: IERC165_ID.into(),
    }
    .abi_encode();
    id[35] = 1;
    assert_eq!(v(id), Err(Vec::new()));
    let mut claim = claimCall {
        tokens: vec![token.address()],
    }
    .abi_encode();
    claim[35] = 0x40; // the array's offset points past the calldata
    assert_eq!(v(claim.clone()), Err(Vec::new()));
    claim[35] = 0x20;
    claim[4 + 64] = 1; // a dirty address in the array
    assert_eq!(v(claim), Err(Vec::new()));
    let mut init = initializeCall {
        config: vec![1, 2, 3].into(),
    }
    .abi_encode();
    init[4 + 63] = 0xff; // length past the calldata
    assert_eq!(v(init), Err(Vec::new()));
    assert_eq!(v(vec![0xde, 0xad, 0xbe, 0xef]), Err(Vec::new()));
    assert_eq!(v(vec![0xde]), Err(Vec::new()));
    // Nothing of that moved a share.
    assert_eq!(vault.sender(alice).balance_of(bob), u(3));
}

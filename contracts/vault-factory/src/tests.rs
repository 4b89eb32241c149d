//! motsu tests of [`VaultFactory`] with the real `ShareVault` (placed at the
//! CREATE2 address, since motsu cannot run CREATE2) and mock assets.
#![allow(clippy::too_many_arguments)]

use super::*;
use alloc::{string::ToString, vec};
use alloy_primitives::uint;
use alloy_sol_types::{sol, SolCall, SolError};
use motsu::prelude::*;
use openzeppelin_stylus::token::{
    erc1155::{self, Erc1155, IErc1155},
    erc721::{self, Erc721, IErc721},
};
use share_vault::ShareVault;
use stylus_ip_common::test_mocks::MockEditions;
use stylus_sdk::abi::Bytes;

const ID: U256 = uint!(7_U256);
const SALT: B256 = B256::repeat_byte(0x5a);
/// The suite's licence market given to every vault.
const MARKET: Address = Address::repeat_byte(0x4d);
/// The suite's buyout module given to every vault.
const BUYOUT: Address = Address::repeat_byte(0xb0);
/// The Uniswap V2 factory given to every vault.
const AMM_FACTORY: Address = Address::repeat_byte(0xaf);
/// The share offering every vault treats as non-accruing.
const OFFERING: Address = Address::repeat_byte(0x0f);
/// The Uniswap V2 router every vault treats as non-accruing.
const ROUTER: Address = Address::repeat_byte(0x2e);
/// The vaults' longest lease: 30 days.
const MAX_LEASE: u64 = 30 * 86_400;

fn u(x: u64) -> U256 {
    U256::from(x)
}

// ----------------------------------------------------------------------
// Mock ERC-721 with ERC-4907 users and a lease lock.
// ----------------------------------------------------------------------

#[storage]
struct MockNft {
    erc721: Erc721,
    users: StorageMap<U256, StorageAddress>,
    locked: StorageMap<U256, StorageBool>,
    /// When set, `safeTransferFrom` skips the receiver hook (non-compliant).
    lazy: StorageBool,
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
    fn approve(&mut self, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721.approve(to, id)?)
    }
    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from(&mut self, from: Address, to: Address, id: U256) -> Result<(), Vec<u8>> {
        if self.lazy.get() {
            return Ok(self.erc721.transfer_from(from, to, id)?);
        }
        Ok(self.erc721.safe_transfer_from(from, to, id)?)
    }
    fn set_lease(&mut self, id: U256, user: Address, locked: bool) {
        self.users.insert(id, user);
        self.locked.insert(id, locked);
    }
    fn set_lazy(&mut self, lazy: bool) {
        self.lazy.set(lazy);
    }
    fn lease_locked(&self, id: U256) -> bool {
        self.locked.get(id)
    }
    fn user_of(&self, id: U256) -> Address {
        self.users.get(id)
    }
}

/// An ERC-721 without any lease functions (a plain collection).
#[storage]
struct PlainNft {
    erc721: Erc721,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for PlainNft {}

#[public]
impl PlainNft {
    fn mint(&mut self, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721._mint(to, id)?)
    }
    fn owner_of(&self, id: U256) -> Result<Address, Vec<u8>> {
        Ok(self.erc721.owner_of(id)?)
    }
    fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Vec<u8>> {
        Ok(self.erc721.set_approval_for_all(operator, approved)?)
    }
    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from(&mut self, from: Address, to: Address, id: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc721.safe_transfer_from(from, to, id)?)
    }
}

// ----------------------------------------------------------------------
// Mock ERC-1155 with frozen (leased) units.
// ----------------------------------------------------------------------

// `MockEditions` (ERC-1155 with frozen units): `stylus_ip_common::test_mocks`.

/// An ERC-1155 without lease records (no `frozenBalanceOf`).
#[storage]
struct PlainEditions {
    erc1155: Erc1155,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for PlainEditions {}

#[public]
impl PlainEditions {
    fn mint(&mut self, to: Address, id: U256, value: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc1155._mint(to, id, value, &Vec::new().into())?)
    }
    fn balance_of(&self, owner: Address, id: U256) -> U256 {
        self.erc1155.balance_of(owner, id)
    }
    fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Vec<u8>> {
        Ok(self.erc1155.set_approval_for_all(operator, approved)?)
    }
    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        value: U256,
        data: Bytes,
    ) -> Result<(), Vec<u8>> {
        Ok(self.erc1155.safe_transfer_from(from, to, id, value, data)?)
    }
}

// ----------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------

/// Constructs the factory with an implementation address (never called:
/// vaults are placed at their predicted addresses).
fn construct(factory: &Contract<VaultFactory>, deployer: Address) -> Address {
    let implementation = Address::repeat_byte(0x1e);
    factory
        .sender(deployer)
        .constructor(
            implementation,
            MARKET,
            BUYOUT,
            OFFERING,
            ROUTER,
            AMM_FACTORY,
        )
        .motsu_unwrap();
    implementation
}

/// The vault `creator` will get with `salt`, placed where CREATE2 would.
fn place_vault(
    factory: &Contract<VaultFactory>,
    creator: Address,
    salt: B256,
) -> Contract<ShareVault> {
    let predicted = factory.sender(creator).predict_vault(creator, salt);
    Contract::<ShareVault>::new_at(predicted)
}

fn fractionalize(
    factory: &Contract<VaultFactory>,
    creator: Address,
    asset: Address,
    units: u64,
    holders: &[(Address, u64)],
    curator: Address,
    tokens: &[Address],
    salt: B256,
) -> Result<Address, Vec<u8>> {
    factory.sender(creator).fractionalize(
        asset,
        ID,
        u(units),
        "Mona Shares".to_string(),
        "MONA".to_string(),
        holders.iter().map(|h| h.0).collect(),
        holders.iter().map(|h| u(h.1)).collect(),
        curator,
        tokens.to_vec(),
        MAX_LEASE,
        salt,
    )
}

fn err(e: Error) -> Vec<u8> {
    e.into()
}

/// Asserts that a call failed with exactly `expected`'s revert data
/// (motsu's `motsu_unwrap_err`, which also rolls the failed call back).
#[track_caller]
fn assert_fails<T: core::fmt::Debug>(result: Result<T, Vec<u8>>, expected: Error) {
    assert_eq!(result.motsu_unwrap_err(), err(expected));
}

/// Constructs the factory, places `creator`'s vault at `SALT` and mints the
/// ERC-721 token `ID` to `creator`, approved to the factory. The returned
/// vault must be kept alive (dropping it removes it from motsu's VM).
fn nft_ready(
    factory: &Contract<VaultFactory>,
    nft: &Contract<MockNft>,
    deployer: Address,
    creator: Address,
) -> Contract<ShareVault> {
    construct(factory, deployer);
    let vault = place_vault(factory, creator, SALT);
    nft.sender(creator).mint(creator, ID).motsu_unwrap();
    nft.sender(creator)
        .approve(factory.address(), ID)
        .motsu_unwrap();
    vault
}

/// `creator` fractionalizes token `ID` of `asset` alone: one share, its own
/// curator, no revenue tokens, `SALT`.
fn fractionalize_alone(
    factory: &Contract<VaultFactory>,
    creator: Address,
    asset: Address,
) -> Result<Address, Vec<u8>> {
    fractionalize(
        factory,
        creator,
        asset,
        0,
        &[(creator, 1)],
        creator,
        &[],
        SALT,
    )
}

/// The raw `fractionalize` call with symbol "s", no units, `creator` as
/// curator and no revenue tokens; the rest as given.
fn fractionalize_raw(
    factory: &Contract<VaultFactory>,
    creator: Address,
    asset: Address,
    id: U256,
    name: String,
    holders: Vec<Address>,
    amounts: Vec<U256>,
    max_lease: u64,
    salt: B256,
) -> Result<Address, Vec<u8>> {
    factory.sender(creator).fractionalize(
        asset,
        id,
        U256::ZERO,
        name,
        "s".into(),
        holders,
        amounts,
        creator,
        vec![],
        max_lease,
        salt,
    )
}

// ----------------------------------------------------------------------
// Tests
// ----------------------------------------------------------------------

#[motsu::test]
fn constructor_and_views(
    factory: Contract<VaultFactory>,
    deployer: Address,
    alice: Address,
    bob: Address,
) {
    let e = factory
        .sender(deployer)
        .constructor(Address::ZERO, MARKET, BUYOUT, OFFERING, ROUTER, AMM_FACTORY)
        .motsu_unwrap_err();
    assert_eq!(
        err(e),
        err(Error::InvalidImplementation(
            VaultFactoryInvalidImplementation {
                implementation: Address::ZERO
            }
        ))
    );
    let e = factory
        .sender(deployer)
        .constructor(
            Address::repeat_byte(0x1e),
            Address::ZERO,
            BUYOUT,
            OFFERING,
            ROUTER,
            AMM_FACTORY,
        )
        .motsu_unwrap_err();
    assert_eq!(
        err(e),
        err(Error::InvalidMarket(VaultFactoryInvalidMarket {
            market: Address::ZERO
        }))
    );
    let implementation = construct(&factory, deployer);
    assert_eq!(factory.sender(alice).implementation(), implementation);
    assert_eq!(factory.sender(alice).market(), MARKET);
    assert_eq!(factory.sender(alice).buyout(), BUYOUT);
    assert_eq!(factory.sender(alice).amm_factory(), AMM_FACTORY);
    assert_eq!(factory.sender(alice).offering(), OFFERING);
    assert_eq!(factory.sender(alice).amm_router(), ROUTER);
    let a = factory.sender(alice).predict_vault(alice, SALT);
    assert_eq!(
        a,
        logic::predict_vault(factory.address(), implementation, alice, SALT)
    );
    // Per creator and per salt.
    assert_ne!(a, factory.sender(alice).predict_vault(bob, SALT));
    assert_ne!(a, factory.sender(alice).predict_vault(alice, B256::ZERO));
    assert!(!factory.sender(alice).is_vault(a));
}

#[motsu::test]
fn fractionalizes_an_erc721_token(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
    bob: Address,
    curator: Address,
    token: Address,
) {
    let vault = nft_ready(&factory, &nft, deployer, alice);
    let got = fractionalize(
        &factory,
        alice,
        nft.address(),
        0,
        &[(alice, 600), (bob, 400)],
        curator,
        &[token],
        SALT,
    )
    .motsu_unwrap();
    assert_eq!(got, vault.address());
    assert!(factory.sender(alice).is_vault(got));
    factory.assert_emitted(&VaultCreated {
        vault: got,
        creator: alice,
        asset: nft.address(),
        id: ID,
        units: U256::ZERO,
        salt: SALT,
    });
    // The vault holds the token, is active, and the shares are minted.
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), got);
    let v = vault.sender(alice);
    assert_eq!(v.status(), share_vault::status::ACTIVE);
    assert_eq!(v.asset(), (nft.address(), ID, U256::ZERO));
    assert_eq!(v.total_supply(), u(1000));
    assert_eq!(v.balance_of(alice), u(600));
    assert_eq!(v.balance_of(bob), u(400));
    assert_eq!(v.name(), "Mona Shares");
    assert_eq!(v.symbol(), "MONA");
    assert_eq!(v.curator(), curator);
    assert_eq!(v.revenue_tokens(), vec![token]);
    // Revenue sent to the vault is shared.
    vault.address().fund(u(1_000));
    assert_eq!(
        vault
            .sender(bob)
            .claimable(bob, Address::ZERO)
            .motsu_unwrap(),
        u(400)
    );
    // The salt cannot be used twice by the same creator.
    nft.sender(alice).mint(alice, ID + u(1)).motsu_unwrap();
    nft.sender(alice)
        .approve(factory.address(), ID + u(1))
        .motsu_unwrap();
    assert_fails(
        fractionalize_raw(
            &factory,
            alice,
            nft.address(),
            ID + u(1),
            "n".into(),
            vec![alice],
            vec![u(1)],
            MAX_LEASE,
            SALT,
        ),
        Error::VaultExists(VaultFactoryVaultExists { vault: got }),
    );
    assert_eq!(nft.sender(alice).owner_of(ID + u(1)).motsu_unwrap(), alice);
    // Without a contract at the CREATE2 address (motsu stand-in for a failed
    // CREATE2), the deployment error is typed.
    assert_fails(
        fractionalize_raw(
            &factory,
            alice,
            nft.address(),
            ID + u(1),
            "n".into(),
            vec![alice],
            vec![u(1)],
            MAX_LEASE,
            B256::ZERO,
        ),
        Error::VaultDeployFailed(VaultFactoryDeployFailed {}),
    );
}

#[motsu::test]
fn fractionalizes_erc1155_units(
    factory: Contract<VaultFactory>,
    editions: Contract<MockEditions>,
    deployer: Address,
    alice: Address,
) {
    construct(&factory, deployer);
    let vault = place_vault(&factory, alice, SALT);
    editions.sender(alice).mint(alice, ID, u(10)).motsu_unwrap();
    editions
        .sender(alice)
        .set_approval_for_all(factory.address(), true)
        .motsu_unwrap();
    // Two units are leased out (frozen): eight are usable.
    editions.sender(alice).freeze(alice, ID, u(2));
    assert_fails(
        fractionalize(
            &factory,
            alice,
            editions.address(),
            9,
            &[(alice, 5)],
            alice,
            &[],
            SALT,
        ),
        Error::AssetLeaseLocked(VaultFactoryAssetLeaseLocked {
            asset: editions.address(),
            id: ID,
        }),
    );
    assert_fails(
        fractionalize(
            &factory,
            alice,
            editions.address(),
            11,
            &[(alice, 5)],
            alice,
            &[],
            SALT,
        ),
        Error::InsufficientBalance(ERC1155InsufficientBalance {
            sender: alice,
            balance: u(10),
            needed: u(11),
            tokenId: ID,
        }),
    );
    let got = fractionalize(
        &factory,
        alice,
        editions.address(),
        8,
        &[(alice, 5)],
        alice,
        &[],
        SALT,
    )
    .motsu_unwrap();
    assert_eq!(got, vault.address());
    assert_eq!(editions.sender(alice).balance_of(got, ID), u(8));
    assert_eq!(editions.sender(alice).balance_of(alice, ID), u(2));
    assert_eq!(vault.sender(alice).asset(), (editions.address(), ID, u(8)));
    assert_eq!(vault.sender(alice).status(), share_vault::status::ACTIVE);
}

#[motsu::test]
fn refuses_a_token_the_caller_does_not_own(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
    bob: Address,
) {
    construct(&factory, deployer);
    let vault = place_vault(&factory, bob, SALT);
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    assert_fails(
        fractionalize(&factory, bob, nft.address(), 0, &[(bob, 1)], bob, &[], SALT),
        Error::IncorrectOwner(ERC721IncorrectOwner {
            sender: bob,
            tokenId: ID,
            owner: alice,
        }),
    );
    // A token that does not exist: the asset's own error, verbatim.
    let e = fractionalize_raw(
        &factory,
        bob,
        nft.address(),
        ID + u(1),
        "n".into(),
        vec![bob],
        vec![u(1)],
        MAX_LEASE,
        SALT,
    )
    .motsu_unwrap_err();
    let expected: Vec<u8> = erc721::Error::NonexistentToken(erc721::ERC721NonexistentToken {
        token_id: ID + u(1),
    })
    .into();
    assert_eq!(e, expected);
    assert!(!factory.sender(bob).is_vault(vault.address()));
    assert_eq!(
        vault.sender(bob).status(),
        share_vault::status::UNINITIALIZED
    );
}

/// H-1d: an ERC-721 token with a user, set and unexpired, is refused
/// whoever the user is: a lock the creator set for itself until 2^64 − 1
/// would bind the vault (no licence could ever be sold) and whoever redeems.
#[motsu::test]
fn h1d_a_token_with_a_user_is_refused(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
    lessee: Address,
) {
    construct(&factory, deployer);
    // Keep the placed vault alive (dropping it removes it from motsu's VM).
    let _vault = place_vault(&factory, alice, SALT);
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    nft.sender(alice)
        .approve(factory.address(), ID)
        .motsu_unwrap();
    // A locked lease held by the creator itself, by someone else, and an
    // unlocked user: all refused with the user named.
    for (user, locked) in [
        (alice, true),
        (lessee, true),
        (lessee, false),
        (alice, false),
    ] {
        nft.sender(alice).set_lease(ID, user, locked);
        let e = fractionalize_alone(&factory, alice, nft.address()).motsu_unwrap_err();
        assert_eq!(
            e,
            err(Error::AssetHasUser(VaultFactoryAssetHasUser {
                asset: nft.address(),
                id: ID,
                user,
            })),
            "{user} locked {locked}"
        );
        assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
        assert!(!factory.sender(alice).is_vault(_vault.address()));
    }
    // Once the user is gone (cleared or expired), the token is vaulted.
    nft.sender(alice).set_lease(ID, Address::ZERO, false);
    fractionalize_alone(&factory, alice, nft.address()).motsu_unwrap();
    assert_eq!(
        nft.sender(alice).owner_of(ID).motsu_unwrap(),
        _vault.address()
    );
}

/// L-4: the vault itself cannot be an initial holder (nobody could ever
/// hold 100 % and redeem); the factory refuses before deploying anything.
#[motsu::test]
fn l4_the_vault_cannot_hold_its_own_shares(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
) {
    let vault = nft_ready(&factory, &nft, deployer, alice);
    assert_fails(
        fractionalize(
            &factory,
            alice,
            nft.address(),
            0,
            &[(alice, 1), (vault.address(), 1)],
            alice,
            &[],
            SALT,
        ),
        Error::InvalidReceiver(ERC20InvalidReceiver {
            receiver: vault.address(),
        }),
    );
    assert!(!factory.sender(alice).is_vault(vault.address()));
    assert_eq!(
        vault.sender(alice).status(),
        share_vault::status::UNINITIALIZED
    );
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
}

/// Every vault gets the factory's market and the creator's longest lease;
/// one above the market's bound is refused by the vault, verbatim.
#[motsu::test]
fn vaults_get_the_market_and_the_longest_lease(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
) {
    let vault = nft_ready(&factory, &nft, deployer, alice);
    let too_long = share_vault::logic::MAX_LEASE_DURATION + 1;
    let e = fractionalize_raw(
        &factory,
        alice,
        nft.address(),
        ID,
        "n".into(),
        vec![alice],
        vec![u(1)],
        too_long,
        SALT,
    )
    .motsu_unwrap_err();
    let want: Vec<u8> =
        share_vault::Error::InvalidMaxLeaseDuration(share_vault::VaultInvalidMaxLeaseDuration {
            maxLeaseDuration: u(too_long),
        })
        .into();
    assert_eq!(e, want);
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
    fractionalize_alone(&factory, alice, nft.address()).motsu_unwrap();
    assert_eq!(vault.sender(alice).market(), MARKET);
    assert_eq!(vault.sender(alice).max_lease_duration(), MAX_LEASE);
}

/// Every vault gets the factory's buyout module (non-accruing from the
/// start) and Uniswap V2 factory; a factory built with zeros turns both off.
#[motsu::test]
fn vaults_get_the_buyout_module_and_the_amm_factory(
    factory: Contract<VaultFactory>,
    bare: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
    bob: Address,
) {
    let vault = nft_ready(&factory, &nft, deployer, alice);
    fractionalize(
        &factory,
        alice,
        nft.address(),
        0,
        &[(alice, 10)],
        alice,
        &[],
        SALT,
    )
    .motsu_unwrap();
    let v = vault.sender(alice);
    assert_eq!(v.buyout(), BUYOUT);
    assert_eq!(v.amm_factory(), AMM_FACTORY);
    assert!(!v.accrues(BUYOUT));
    assert!(!v.accrues(OFFERING), "the offering's escrow never accrues");
    assert!(!v.accrues(ROUTER), "the router's transit never accrues");
    assert!(v.accrues(alice));
    assert_eq!(v.accruing_supply(), u(10));

    bare.sender(deployer)
        .constructor(
            Address::repeat_byte(0x1e),
            MARKET,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
        )
        .motsu_unwrap();
    assert_eq!(bare.sender(bob).buyout(), Address::ZERO);
    assert_eq!(bare.sender(bob).offering(), Address::ZERO);
    assert_eq!(bare.sender(bob).amm_factory(), Address::ZERO);
    let vault = place_vault(&bare, bob, SALT);
    nft.sender(bob).mint(bob, ID + u(1)).motsu_unwrap();
    nft.sender(bob)
        .approve(bare.address(), ID + u(1))
        .motsu_unwrap();
    fractionalize_raw(
        &bare,
        bob,
        nft.address(),
        ID + u(1),
        "n".into(),
        vec![bob],
        vec![u(5)],
        MAX_LEASE,
        SALT,
    )
    .motsu_unwrap();
    let v = vault.sender(bob);
    assert_eq!(
        (v.buyout(), v.amm_factory()),
        (Address::ZERO, Address::ZERO)
    );
    assert!(v.accrues(Address::ZERO));
    assert_eq!(v.accruing_supply(), u(5));
}

#[motsu::test]
fn plain_collections_without_leases_work(
    factory: Contract<VaultFactory>,
    nft: Contract<PlainNft>,
    deployer: Address,
    alice: Address,
) {
    construct(&factory, deployer);
    let vault = place_vault(&factory, alice, SALT);
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    nft.sender(alice)
        .set_approval_for_all(factory.address(), true)
        .motsu_unwrap();
    fractionalize_alone(&factory, alice, nft.address()).motsu_unwrap();
    assert_eq!(
        nft.sender(alice).owner_of(ID).motsu_unwrap(),
        vault.address()
    );
}

#[motsu::test]
fn plain_erc1155_without_records_works(
    factory: Contract<VaultFactory>,
    editions: Contract<PlainEditions>,
    deployer: Address,
    alice: Address,
) {
    construct(&factory, deployer);
    let vault = place_vault(&factory, alice, SALT);
    editions.sender(alice).mint(alice, ID, u(3)).motsu_unwrap();
    editions
        .sender(alice)
        .set_approval_for_all(factory.address(), true)
        .motsu_unwrap();
    fractionalize(
        &factory,
        alice,
        editions.address(),
        3,
        &[(alice, 1)],
        alice,
        &[],
        SALT,
    )
    .motsu_unwrap();
    assert_eq!(editions.sender(alice).balance_of(vault.address(), ID), u(3));
}

#[motsu::test]
fn missing_approval_changes_nothing(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
) {
    construct(&factory, deployer);
    let vault = place_vault(&factory, alice, SALT);
    nft.sender(alice).mint(alice, ID).motsu_unwrap();
    let e = fractionalize_alone(&factory, alice, nft.address()).motsu_unwrap_err();
    let expected: Vec<u8> =
        erc721::Error::InsufficientApproval(erc721::ERC721InsufficientApproval {
            operator: factory.address(),
            token_id: ID,
        })
        .into();
    assert_eq!(e, expected);
    assert!(!factory.sender(alice).is_vault(vault.address()));
    assert_eq!(
        vault.sender(alice).status(),
        share_vault::status::UNINITIALIZED
    );
    assert_eq!(vault.sender(alice).total_supply(), U256::ZERO);
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
}

#[motsu::test]
fn non_compliant_asset_is_refused(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
) {
    let vault = nft_ready(&factory, &nft, deployer, alice);
    // `safeTransferFrom` that never calls the receiver hook: the vault would
    // hold the token without being able to release it, so all reverts.
    nft.sender(alice).set_lazy(true);
    assert_fails(
        fractionalize_alone(&factory, alice, nft.address()),
        Error::AssetNotReceived(VaultFactoryAssetNotReceived {
            vault: vault.address(),
        }),
    );
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
    assert!(!factory.sender(alice).is_vault(vault.address()));
}

#[motsu::test]
fn bad_configurations(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    deployer: Address,
    alice: Address,
    bob: Address,
) {
    let vault = nft_ready(&factory, &nft, deployer, alice);
    let asset = nft.address();
    // Holders: none, or lists of different lengths.
    assert_fails(
        fractionalize(&factory, alice, asset, 0, &[], alice, &[], SALT),
        Error::InvalidHolders(VaultFactoryInvalidHolders {
            holders: U256::ZERO,
            amounts: U256::ZERO,
        }),
    );
    assert_fails(
        fractionalize_raw(
            &factory,
            alice,
            asset,
            ID,
            "n".into(),
            vec![alice, bob],
            vec![u(1)],
            MAX_LEASE,
            SALT,
        ),
        Error::InvalidHolders(VaultFactoryInvalidHolders {
            holders: u(2),
            amounts: u(1),
        }),
    );
    // Zero supply: the vault's own error, verbatim.
    let e = fractionalize(
        &factory,
        alice,
        asset,
        0,
        &[(alice, 0), (bob, 0)],
        alice,
        &[],
        SALT,
    )
    .motsu_unwrap_err();
    let expected: Vec<u8> =
        share_vault::Error::InvalidSupply(share_vault::VaultInvalidSupply { supply: U256::ZERO })
            .into();
    assert_eq!(e, expected);
    // Nine revenue tokens: the vault refuses; 256: cannot even be passed.
    let nine: Vec<Address> = (1..=9u8).map(Address::repeat_byte).collect();
    let e = fractionalize(&factory, alice, asset, 0, &[(alice, 1)], alice, &nine, SALT)
        .motsu_unwrap_err();
    let expected: Vec<u8> =
        share_vault::Error::TooManyRevenueTokens(share_vault::VaultTooManyRevenueTokens {
            count: u(9),
        })
        .into();
    assert_eq!(e, expected);
    let many = vec![Address::repeat_byte(1); 256];
    assert_fails(
        fractionalize(&factory, alice, asset, 0, &[(alice, 1)], alice, &many, SALT),
        Error::TooManyRevenueTokens(VaultTooManyRevenueTokens { count: u(256) }),
    );
    // Name too long for the vault (96 bytes) and too long to pass (256).
    for (len, vault_error) in [(96usize, true), (256, false)] {
        let e = fractionalize_raw(
            &factory,
            alice,
            asset,
            ID,
            "n".repeat(len),
            vec![alice],
            vec![u(1)],
            MAX_LEASE,
            SALT,
        )
        .motsu_unwrap_err();
        let expected: Vec<u8> = if vault_error {
            share_vault::Error::InvalidMetadata(share_vault::VaultInvalidMetadata {
                nameLength: U256::from(len),
                symbolLength: u(1),
            })
            .into()
        } else {
            err(Error::InvalidMetadata(VaultInvalidMetadata {
                nameLength: U256::from(len),
                symbolLength: u(1),
            }))
        };
        assert_eq!(e, expected, "{len}");
    }
    // Nothing happened.
    assert!(!factory.sender(alice).is_vault(vault.address()));
    assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
}

#[motsu::test]
fn unconstructed_factory_refuses(
    factory: Contract<VaultFactory>,
    nft: Contract<MockNft>,
    alice: Address,
) {
    assert_fails(
        fractionalize_alone(&factory, alice, nft.address()),
        Error::InvalidImplementation(VaultFactoryInvalidImplementation {
            implementation: Address::ZERO,
        }),
    );
}

#[test]
fn config_matches_the_vaults_decoder() {
    let (asset, curator) = (Address::repeat_byte(0xaa), Address::repeat_byte(0xcc));
    let tokens = [Address::repeat_byte(1), Address::repeat_byte(2)];
    let holders = [Address::repeat_byte(3), Address::repeat_byte(4)];
    let amounts = [u(5), U256::MAX];
    let ours = logic::encode_config(
        asset,
        ID,
        u(9),
        curator,
        MARKET,
        MAX_LEASE,
        BUYOUT,
        OFFERING,
        ROUTER,
        AMM_FACTORY,
        &tokens,
        "Näme",
        "SYM",
        &holders,
        &amounts,
    )
    .unwrap();
    let theirs = share_vault::logic::encode_config(&share_vault::logic::Config {
        asset,
        id: ID,
        units: u(9),
        curator,
        market: MARKET,
        max_lease_duration: MAX_LEASE,
        buyout: BUYOUT,
        offering: OFFERING,
        amm_router: ROUTER,
        amm_factory: AMM_FACTORY,
        revenue_tokens: tokens.to_vec(),
        name: "Näme".to_string(),
        symbol: "SYM".to_string(),
        holders: holders.into_iter().zip(amounts).collect(),
    })
    .unwrap();
    assert_eq!(ours, theirs);
    let decoded = share_vault::logic::decode_config(&ours).unwrap();
    assert_eq!(
        (
            decoded.buyout,
            decoded.offering,
            decoded.amm_router,
            decoded.amm_factory
        ),
        (BUYOUT, OFFERING, ROUTER, AMM_FACTORY)
    );
}

#[test]
fn hand_encoded_errors_match_alloy() {
    let (a, b, n) = (Address::repeat_byte(1), Address::repeat_byte(2), U256::MAX);
    stylus_ip_common::assert_errors_encode_like_alloy!(
        Error::InvalidImplementation(VaultFactoryInvalidImplementation { implementation: a }),
        Error::InvalidMarket(VaultFactoryInvalidMarket { market: b }),
        Error::InvalidReceiver(ERC20InvalidReceiver { receiver: a }),
        Error::AssetHasUser(VaultFactoryAssetHasUser {
            asset: a,
            id: n,
            user: b,
        }),
        Error::InvalidHolders(VaultFactoryInvalidHolders {
            holders: n,
            amounts: u(1),
        }),
        Error::InvalidMetadata(VaultInvalidMetadata {
            nameLength: u(2),
            symbolLength: n,
        }),
        Error::TooManyRevenueTokens(VaultTooManyRevenueTokens { count: n }),
        Error::IncorrectOwner(ERC721IncorrectOwner {
            sender: a,
            tokenId: n,
            owner: b,
        }),
        Error::InsufficientBalance(ERC1155InsufficientBalance {
            sender: a,
            balance: u(1),
            needed: n,
            tokenId: u(3),
        }),
        Error::AssetLeaseLocked(VaultFactoryAssetLeaseLocked { asset: a, id: n }),
        Error::VaultExists(VaultFactoryVaultExists { vault: b }),
        Error::VaultDeployFailed(VaultFactoryDeployFailed {}),
        Error::AssetNotReceived(VaultFactoryAssetNotReceived { vault: a }),
    );
    // The factory's shared error signatures are the vault's.
    assert_eq!(
        VaultInvalidMetadata::SELECTOR,
        share_vault::VaultInvalidMetadata::SELECTOR
    );
    assert_eq!(
        VaultTooManyRevenueTokens::SELECTOR,
        share_vault::VaultTooManyRevenueTokens::SELECTOR
    );
    assert_eq!(
        ERC20InvalidReceiver::SELECTOR,
        share_vault::ERC20InvalidReceiver::SELECTOR
    );
}

#[test]
fn selectors_match_the_interfaces() {
    sol! {
        function ownerOf(uint256 id) returns (address);
        function userOf(uint256 id) returns (address);
        function balanceOf(address owner, uint256 id) returns (uint256);
        function frozenBalanceOf(address owner, uint256 id) returns (uint256);
        function status() returns (uint8);
        function initialize(bytes config);
    }
    assert_eq!(OWNER_OF, ownerOfCall::SELECTOR);
    assert_eq!(USER_OF, userOfCall::SELECTOR);
    assert_eq!(BALANCE_OF, balanceOfCall::SELECTOR);
    assert_eq!(FROZEN_BALANCE_OF, frozenBalanceOfCall::SELECTOR);
    assert_eq!(STATUS, statusCall::SELECTOR);
    assert_eq!(INITIALIZE, initializeCall::SELECTOR);
    assert_eq!(VAULT_ACTIVE, share_vault::status::ACTIVE);
    let _ = erc1155::Error::InvalidReceiver; // the mock's crate is the real OZ ERC-1155
}

//! Bad-input catalogue: named cases across the suite's contracts (the eight
//! of the suite, the share offering and the share buyout), each run on a
//! clone of the populated suite (see `bad_input_world`) — malformed calldata
//! (short, unknown selector, truncated or out-of-bounds ABI, dirty address
//! or small-integer words, value to a non-payable function, constructor
//! replays), zero addresses, `U256::MAX` amounts, every unauthorised call,
//! bad EIP-2612 permits (expired, signed by someone else, for other terms,
//! replayed, malleable high `s`, malformed `v`), out-of-range parameters,
//! calls outside their period and unmet state preconditions.
//!
//! Each case sets up its state, takes a fingerprint of the whole chain
//! (every account's balance, nonce, code and non-zero storage slot), sends
//! the bad call, and asserts
//! * the exact revert: the custom error decoded with the `sol!` bindings of
//!   `abi/<Name>.json` and compared variant and fields — or empty revert
//!   data where stylus-sdk's router (or the suite's hand-written one)
//!   rejects malformed input before any contract code runs;
//! * that the fingerprint is unchanged except for the sender's nonce (so
//!   every wei sent with a bad call went back, and no slot moved).
//!
//! One test per contract runs its cases and names every failing case;
//! `catalogue_has_at_least_60_distinct_named_cases` prints the size of the
//! catalogue per contract. Two regression tests at the end cover the
//! contract bugs found while writing it (honest calls wrongly refused; both
//! fixed).

mod bad_input_world;

use std::collections::BTreeMap;
use std::fmt::Debug;

use alloy::signers::{local::PrivateKeySigner, SignerSync};
use alloy_primitives::{aliases::U96, keccak256, Address, Bytes, Signature, B256, U256};
use alloy_sol_types::{sol, Eip712Domain, SolCall, SolInterface, SolStruct, SolValue};
use bad_input_world::*;
use stylus_ip_deploy::uniswap::bindings::IUniswapV2Factory;
use stylus_ip_tests::js::Permit;
use stylus_ip_tests::{big_stack, ETH};

use IpCollection::IpCollectionErrors as CollectionE;
use IpEditions::IpEditionsErrors as EditionsE;
use LicenseMarket::LicenseMarketErrors as MarketE;
use ProvenanceRegistry::ProvenanceRegistryErrors as ProvenanceE;
use ShareBuyout::ShareBuyoutErrors as BuyoutE;
use ShareOffering::ShareOfferingErrors as OfferingE;
use ShareVault::ShareVaultErrors as VaultE;
use Split::SplitErrors as SplitE;
use SplitFactory::SplitFactoryErrors as SplitFactoryE;
use VaultFactory::VaultFactoryErrors as VaultFactoryE;

/// `keccak256("MINTER_ROLE")` (ip-editions).
const MINTER_ROLE: B256 =
    alloy_primitives::b256!("9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6");
/// `keccak256("METADATA_UPDATER_ROLE")` (ip-editions).
const METADATA_UPDATER_ROLE: B256 =
    alloy_primitives::b256!("7f5260842512b02356ff92de24be96e7e1aac2e234d9371b076ac2b4cddda61e");

// The provenance record's EIP-712 struct (see the registry's `hashing`
// module), to compute the commitment a reveal error names.
sol! {
    struct AssetRef { address collection; uint256 id; }
    struct ProvenanceRecord {
        address collection;
        uint256 id;
        uint256 modelId;
        bytes32 promptHash;
        bytes32 seedHash;
        bytes32 paramsHash;
        bytes32 contentHash;
        bytes32 humanHash;
        address creator;
        AssetRef[] parents;
    }
}

/// The revert a bad call must produce.
#[derive(Debug, Clone)]
enum Expect {
    /// Empty revert data: the router refused the calldata (or the value)
    /// before the contract's code ran.
    Empty,
    Collection(CollectionE),
    Editions(EditionsE),
    Market(MarketE),
    Provenance(ProvenanceE),
    Vault(VaultE),
    VaultFactory(VaultFactoryE),
    Split(SplitE),
    SplitFactory(SplitFactoryE),
    Offering(OfferingE),
    Buyout(BuyoutE),
}

macro_rules! expect_from {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for Expect {
            fn from(e: $ty) -> Self {
                Expect::$variant(e)
            }
        }
    )*};
}
expect_from!(
    Collection(CollectionE),
    Editions(EditionsE),
    Market(MarketE),
    Provenance(ProvenanceE),
    Vault(VaultE),
    VaultFactory(VaultFactoryE),
    Split(SplitE),
    SplitFactory(SplitFactoryE),
    Offering(OfferingE),
    Buyout(BuyoutE)
);

/// Decodes `data` as one of `E`'s errors and compares it with `want`.
fn same<E: SolInterface + PartialEq + Debug>(data: &Bytes, want: &E) -> Result<(), String> {
    match E::abi_decode(data) {
        Ok(got) if &got == want => Ok(()),
        Ok(got) => Err(format!("expected {want:?}, got {got:?}")),
        Err(_) => Err(format!("expected {want:?}, got undecodable {data}")),
    }
}

impl Expect {
    fn check(&self, data: &Bytes) -> Result<(), String> {
        match self {
            Self::Empty if data.is_empty() => Ok(()),
            Self::Empty => Err(format!("expected empty revert data, got {data}")),
            Self::Collection(e) => same(data, e),
            Self::Editions(e) => same(data, e),
            Self::Market(e) => same(data, e),
            Self::Provenance(e) => same(data, e),
            Self::Vault(e) => same(data, e),
            Self::VaultFactory(e) => same(data, e),
            Self::Split(e) => same(data, e),
            Self::SplitFactory(e) => same(data, e),
            Self::Offering(e) => same(data, e),
            Self::Buyout(e) => same(data, e),
        }
    }
}

/// A bad call and the revert it must produce.
struct Bad {
    from: Address,
    to: Address,
    data: Vec<u8>,
    value: U256,
    expect: Expect,
}

impl Bad {
    fn call<C: SolCall>(from: Address, to: Address, call: &C, expect: impl Into<Expect>) -> Self {
        Self::raw(from, to, call.abi_encode(), expect)
    }

    fn raw(from: Address, to: Address, data: Vec<u8>, expect: impl Into<Expect>) -> Self {
        Self {
            from,
            to,
            data,
            value: U256::ZERO,
            expect: expect.into(),
        }
    }

    fn value(mut self, wei: U256) -> Self {
        self.value = wei;
        self
    }
}

/// One named case: builds its state on the world, returns the bad call.
struct Case {
    name: &'static str,
    run: fn(&mut World) -> Bad,
}

fn case(name: &'static str, run: fn(&mut World) -> Bad) -> Case {
    Case { name, run }
}

/// Runs one case on a fresh clone of the world.
fn run(case: &Case) -> Result<(), String> {
    let mut w = World::get();
    let bad = (case.run)(&mut w);
    let before = w.h.fingerprint();
    let out =
        w.h.node
            .transact(bad.from, bad.to, Bytes::from(bad.data), bad.value)
            .map_err(|e| format!("devnode error: {e}"))?;
    if out.success {
        return Err(format!("succeeded (returned {})", out.output));
    }
    bad.expect.check(&out.output)?;
    let diff = before.diff(&w.h.fingerprint(), &[bad.from]);
    if !diff.is_empty() {
        return Err(format!("state changed: {diff:#?}"));
    }
    Ok(())
}

/// Runs every case whose name starts with `prefix` (on a large-stack
/// thread) and fails naming each failing case.
fn run_group(prefix: &'static str) {
    let failures = big_stack(prefix, move || {
        let cases: Vec<Case> = catalogue()
            .into_iter()
            .filter(|c| c.name.starts_with(prefix))
            .collect();
        assert!(!cases.is_empty(), "no case for {prefix}");
        let mut failures = Vec::new();
        for c in &cases {
            match run(c) {
                Ok(()) => println!("ok   {}", c.name),
                Err(e) => {
                    println!("FAIL {}: {e}", c.name);
                    failures.push(format!("{}: {e}", c.name));
                }
            }
        }
        println!("{prefix}: {} cases", cases.len());
        failures
    });
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Helpers for the cases
// ---------------------------------------------------------------------------

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `selector ‖ 32 zero bytes` for an unknown selector.
fn unknown_selector() -> Vec<u8> {
    let mut d = vec![0xde, 0xad, 0xbe, 0xef];
    d.extend([0u8; 32]);
    d
}

/// `call`'s encoding without its last byte.
fn truncated<C: SolCall>(call: &C) -> Vec<u8> {
    let mut d = call.abi_encode();
    d.pop();
    d
}

/// `call`'s encoding with the 32-byte head word `index` (after the
/// selector) replaced by `word` (e.g. an offset pointing past the end).
fn with_word<C: SolCall>(call: &C, index: usize, word: U256) -> Vec<u8> {
    let mut d = call.abi_encode();
    let at = 4 + 32 * index;
    d[at..at + 32].copy_from_slice(&word.to_be_bytes::<32>());
    d
}

/// Price of a `seconds` lease from a base offer.
fn price(seconds: u64) -> U256 {
    u(PRICE_PER_SECOND * seconds)
}

fn buy(offer: u64, seconds: u64) -> LicenseMarket::buyLeaseCall {
    LicenseMarket::buyLeaseCall {
        offerId: u(offer),
        duration: seconds,
        maxPrice: U256::MAX,
        version: 1,
    }
}

/// `who` buys a `seconds` lease from `offer`, paying exactly.
fn bought(w: &mut World, who: Address, offer: u64, seconds: u64) {
    let market = w.market;
    w.ok_value(who, market, &buy(offer, seconds), price(seconds));
}

fn create_offer(
    collection: Address,
    token: u64,
    amount: u64,
    terms: ILicenseMarket::OfferTerms,
) -> LicenseMarket::createOfferCall {
    LicenseMarket::createOfferCall {
        collection,
        tokenId: u(token),
        amount,
        terms,
    }
}

fn collection_mint(to: Address, bps: U96) -> IpCollection::mintCall {
    IpCollection::mintCall {
        to,
        uri: String::new(),
        royaltyReceiver: if bps.is_zero() {
            Address::ZERO
        } else {
            Address::repeat_byte(0x77)
        },
        royaltyBps: bps,
    }
}

fn transfer_nft(from: Address, to: Address, id: u64) -> IpCollection::transferFromCall {
    IpCollection::transferFromCall {
        from,
        to,
        tokenId: u(id),
    }
}

fn editions_mint(to: Address, id: u64, amount: U256) -> IpEditions::mintCall {
    IpEditions::mintCall {
        to,
        id: u(id),
        amount,
        data: Bytes::new(),
    }
}

fn units_transfer(from: Address, to: Address, value: U256) -> IpEditions::safeTransferFromCall {
    IpEditions::safeTransferFromCall {
        from,
        to,
        id: u(1),
        value,
        data: Bytes::new(),
    }
}

fn user_record(
    owner: Address,
    user: Address,
    amount: u64,
    expiry: u64,
) -> IpEditions::createUserRecordCall {
    IpEditions::createUserRecordCall {
        owner,
        user,
        tokenId: u(1),
        amount,
        expiry,
    }
}

fn register_model(
    attester: Address,
    parent: u64,
    commit_reveal: bool,
    nft: (Address, u64),
) -> ProvenanceRegistry::registerModelCall {
    ProvenanceRegistry::registerModelCall {
        weightsHash: B256::repeat_byte(0x22),
        version: "v2".into(),
        uri: "ipfs://model2".into(),
        attester,
        parentModelId: u(parent),
        commitReveal: commit_reveal,
        nftCollection: nft.0,
        nftTokenId: u(nft.1),
    }
}

/// The EIP-712 struct hash (commitment) of `record` written by `creator`.
fn commitment(record: &ProvenanceRegistry::recordProvenanceCall, creator: Address) -> B256 {
    ProvenanceRecord {
        collection: record.collection,
        id: record.id,
        modelId: record.modelId,
        promptHash: record.promptHash,
        seedHash: record.seedHash,
        paramsHash: record.paramsHash,
        contentHash: record.contentHash,
        humanHash: record.humanHash,
        creator,
        parents: record
            .parentCollections
            .iter()
            .zip(&record.parentIds)
            .map(|(&collection, &id)| AssetRef { collection, id })
            .collect(),
    }
    .eip712_hash_struct()
}

/// An unsigned `recordProvenanceBatch` of `ids` of `collection` under
/// model 1: [`record_call`]'s hashes, with the seed hash set to the id.
fn batch_call(collection: Address, ids: &[u64]) -> ProvenanceRegistry::recordProvenanceBatchCall {
    let one = record_call(collection, U256::ZERO, vec![]);
    let n = ids.len();
    ProvenanceRegistry::recordProvenanceBatchCall {
        collection,
        ids: ids.iter().map(|&id| u(id)).collect(),
        modelId: one.modelId,
        promptHashes: vec![one.promptHash; n],
        seedHashes: ids.iter().map(|&id| B256::from(u(id))).collect(),
        paramsHashes: vec![one.paramsHash; n],
        contentHashes: vec![one.contentHash; n],
        humanHashes: vec![one.humanHash; n],
        signatures: Bytes::new(),
    }
}

fn update_split(
    recipients: Vec<Address>,
    allocations: Vec<u32>,
    dust: Address,
) -> Split::updateSplitCall {
    Split::updateSplitCall {
        recipients,
        allocations,
        dustRecipient: dust,
        settleTokens: vec![Address::ZERO],
    }
}

fn create_split(
    recipients: Vec<Address>,
    allocations: Vec<u32>,
    dust: Address,
) -> SplitFactory::createSplitCall {
    SplitFactory::createSplitCall {
        recipients,
        allocations,
        controller: Address::ZERO,
        dustRecipient: dust,
        salt: B256::repeat_byte(9),
    }
}

/// Whole supply of the base vault's shares.
fn vault_supply() -> U256 {
    U256::from(VAULT_SHARES[0] + VAULT_SHARES[1])
}

/// Offer terms of a base-vault offer: paying `payee` in `token`, for at
/// most `max_duration` seconds.
fn vault_terms(payee: Address, token: Address, max_duration: u64) -> IShareVault::OfferTerms {
    IShareVault::OfferTerms {
        pricePerSecond: U256::from(PRICE_PER_SECOND),
        paymentToken: token,
        minDuration: 60,
        maxDuration: max_duration,
        endTime: 0,
        maxLicensees: 1,
        payee,
        termsHash: B256::repeat_byte(0x7e),
        termsUri: "ipfs://terms".into(),
        flags: 1,
        maxRoyaltyBps: 10_000,
    }
}

/// The curator's former generic call (`curatorCall(address,bytes)`),
/// encoded by hand: the vault no longer has it.
fn curator_call(target: Address, inner: &impl SolCall) -> Vec<u8> {
    let mut data = alloy_primitives::keccak256("curatorCall(address,bytes)")[..4].to_vec();
    data.extend((target, Bytes::from(inner.abi_encode())).abi_encode_params());
    data
}

fn onerc721_received(id: u64) -> ShareVault::onERC721ReceivedCall {
    ShareVault::onERC721ReceivedCall {
        operator: Address::ZERO,
        from: Address::ZERO,
        tokenId: u(id),
        data: Bytes::new(),
    }
}

// ---------------------------------------------------------------------------
// Helpers for the investor features (permit, pools, offering, buyout)
// ---------------------------------------------------------------------------

/// `n` whole shares (18 decimals), in base units.
fn sh(n: u64) -> U256 {
    U256::from(u128::from(n) * ETH)
}

/// `wei` as a `U256`.
fn wei(wei: u128) -> U256 {
    U256::from(wei)
}

/// A holder that signs permits (the world's actors have no keys).
fn owner_key() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&keccak256("stylus-ip bad-input permit owner")).expect("a key")
}

/// Someone else's key.
fn stranger_key() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&keccak256("stylus-ip bad-input stranger")).expect("a key")
}

/// Last second of the catalogue's permits: an hour after genesis.
const PERMIT_DEADLINE: u64 = START + 3600;

/// An EIP-712 domain of a share token (name "Work Shares", version "1").
fn share_domain(chain_id: u64, vault: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some("Work Shares".into()),
        Some("1".into()),
        Some(U256::from(chain_id)),
        Some(vault),
        None,
    )
}

/// The base vault's EIP-712 domain.
fn vault_domain(w: &World) -> Eip712Domain {
    share_domain(w.chain_id(), w.vault)
}

/// [`owner_key`]'s permit for `spender` to move `value` shares, with
/// `nonce`, until [`PERMIT_DEADLINE`].
fn permit_of(spender: Address, value: U256, nonce: u64) -> Permit {
    Permit {
        owner: owner_key().address(),
        spender,
        value,
        nonce: u(nonce),
        deadline: u(PERMIT_DEADLINE),
    }
}

/// The `permit` call of `permit` signed by `key` in `domain`.
fn signed(
    key: &PrivateKeySigner,
    domain: &Eip712Domain,
    permit: &Permit,
) -> ShareVault::permitCall {
    let sig = key
        .sign_hash_sync(&permit.eip712_signing_hash(domain))
        .expect("signing a permit");
    ShareVault::permitCall {
        owner: permit.owner,
        spender: permit.spender,
        value: permit.value,
        deadline: permit.deadline,
        v: 27 + u8::from(sig.v()),
        r: sig.r().into(),
        s: sig.s().into(),
    }
}

/// Whom `ecrecover` names for `call`'s signature over the permit the call
/// states, with `nonce`, in `domain` (what the vault checks).
fn recovered(call: &ShareVault::permitCall, nonce: u64, domain: &Eip712Domain) -> Address {
    let permit = Permit {
        owner: call.owner,
        spender: call.spender,
        value: call.value,
        nonce: u(nonce),
        deadline: call.deadline,
    };
    Signature::new(
        U256::from_be_bytes(call.r.0),
        U256::from_be_bytes(call.s.0),
        call.v == 28,
    )
    .recover_address_from_prehash(&permit.eip712_signing_hash(domain))
    .expect("a recoverable signature")
}

fn invalid_signer(signer: Address, owner: Address) -> VaultE {
    VaultE::ERC2612InvalidSigner(ShareVault::ERC2612InvalidSigner { signer, owner })
}

/// The secp256k1 group order `n`.
const SECP256K1_N: B256 =
    alloy_primitives::b256!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

/// Alice sends `n` of her shares to [`owner_key`]'s account.
fn fund_signer(w: &mut World, n: u64) {
    let (alice, vault) = (w.alice, w.vault);
    let call = ShareVault::transferCall {
        to: owner_key().address(),
        value: sh(n),
    };
    w.ok(alice, vault, &call);
}

/// Creates the pair of `a` and `b` on Uniswap V2 factory `factory`.
fn create_pair(w: &mut World, factory: Address, a: Address, b: Address) -> Address {
    let carol = w.carol;
    let call = IUniswapV2Factory::createPairCall {
        tokenA: a,
        tokenB: b,
    };
    w.ok(carol, factory, &call)
}

/// The pair of the base vault's shares and WETH on the world's factory.
fn share_pair(w: &mut World) -> Address {
    let (factory, vault, weth) = (w.amm.factory, w.vault, w.amm.weth);
    create_pair(w, factory, vault, weth)
}

/// A vault of NFT 3 (alice 600 shares, dave 400) from a second vault
/// factory constructed without a buyout module or a Uniswap V2 factory.
fn featureless_vault(w: &mut World) -> Address {
    let (alice, dave, nft, implementation, market, offering) =
        (w.alice, w.dave, w.nft, w.vault_impl, w.market, w.offering);
    // The program is already activated: the same code runs as it is.
    let admin = w.admin();
    let factory =
        w.h.node
            .deploy_wasm(admin, &stylus_ip_tests::wasm("vault-factory"))
            .unwrap_or_else(|o| panic!("deploying a second vault factory failed: {o:?}"));
    let args = VaultFactory::constructorCall {
        implementation,
        market,
        buyout: Address::ZERO,
        offering,
        ammRouter: Address::ZERO,
        ammFactory: Address::ZERO,
    };
    w.h.construct(factory, &args);
    let approve = IpCollection::approveCall {
        to: factory,
        tokenId: u(3),
    };
    w.ok(alice, nft, &approve);
    w.ok(
        alice,
        factory,
        &fractionalize(nft, u(3), U256::ZERO, alice, dave, B256::ZERO),
    )
}

/// Lets `account`, a contract, send the case's transaction, as a node's
/// impersonation does: the devnode refuses transactions from accounts with
/// code (EIP-3607), so the code is removed before the fingerprint is taken.
/// The callee sees `account` as the caller all the same.
fn impersonate(w: &mut World, account: Address) -> Address {
    w.h.node.set_code(account, Bytes::new());
    account
}

/// Dave gives alice his 400 shares and alice redeems the base vault
/// (status 3).
fn redeemed(w: &mut World) {
    let (alice, dave, vault) = (w.alice, w.dave, w.vault);
    let call = ShareVault::transferCall {
        to: alice,
        value: u128_u(VAULT_SHARES[1]),
    };
    w.ok(dave, vault, &call);
    w.ok(alice, vault, &ShareVault::redeemCall {});
}

fn u128_u(x: u128) -> U256 {
    U256::from(x)
}

// The catalogue's offering: alice sells 100 shares of the base vault at
// 0.01 ETH a share (1 ETH in all), at most 50 per buyer, for a week,
// succeeding at 0.5 ETH, paid to alice.
const OFFER_SHARES: u64 = 100;
const OFFER_PRICE: u128 = ETH / 100;
const OFFER_CAP: u64 = 50;
const OFFER_MIN_RAISE: u128 = ETH / 2;
const OFFER_DEADLINE: u64 = START + 7 * 86_400;
/// `REFUND_WINDOW`: 30 days.
const REFUND_WINDOW: u64 = 30 * 86_400;
/// `MAX_OFFERING_DURATION`: 365 days.
const MAX_OFFERING_DURATION: u64 = 365 * 86_400;

fn create_offering(w: &World) -> ShareOffering::createOfferingCall {
    ShareOffering::createOfferingCall {
        vault: w.vault,
        shares: sh(OFFER_SHARES),
        price: wei(OFFER_PRICE),
        paymentToken: Address::ZERO,
        perBuyerCap: sh(OFFER_CAP),
        deadline: OFFER_DEADLINE,
        minRaise: wei(OFFER_MIN_RAISE),
        payee: w.alice,
    }
}

/// `owner` approves `spender` for `value` shares of the base vault.
fn approve_shares(w: &mut World, owner: Address, spender: Address, value: U256) {
    let vault = w.vault;
    w.ok(owner, vault, &ShareVault::approveCall { spender, value });
}

/// Opens the catalogue's offering (id 1).
fn offered(w: &mut World) -> U256 {
    let (alice, offering) = (w.alice, w.offering);
    approve_shares(w, alice, offering, sh(OFFER_SHARES));
    let call = create_offering(w);
    let id = w.ok(alice, offering, &call);
    assert_eq!(id, u(1));
    id
}

/// What `shares` of the catalogue's offering cost: `⌈shares · price / 10^18⌉`.
fn offer_cost(shares: U256) -> U256 {
    let one = U256::from(ETH);
    (shares * wei(OFFER_PRICE) + one - U256::from(1)) / one
}

/// `who` buys `n` whole shares of offering `id`, paying exactly.
fn bought_offered(w: &mut World, who: Address, id: U256, n: u64) {
    let offering = w.offering;
    let call = ShareOffering::buyCall { id, shares: sh(n) };
    w.ok_value(who, offering, &call, offer_cost(sh(n)));
}

/// `ShareOffering` error helpers.
fn offering_unknown(id: U256) -> OfferingE {
    OfferingE::OfferingUnknown(ShareOffering::OfferingUnknown { id })
}

fn nothing_to_withdraw(id: U256) -> OfferingE {
    OfferingE::OfferingNothingToWithdraw(ShareOffering::OfferingNothingToWithdraw { id })
}

fn invalid_deadline(deadline: u64) -> OfferingE {
    OfferingE::OfferingInvalidDeadline(ShareOffering::OfferingInvalidDeadline {
        deadline,
        now: START,
        latest: START + MAX_OFFERING_DURATION,
    })
}

// The catalogue's buyouts (the buyout module's periods: selling for 2 days,
// buying back for 4).
const PROPOSAL_PERIOD: u64 = 2 * 86_400;
const REJECTION_PERIOD: u64 = 4 * 86_400;
/// Shares alice deposits in the catalogue's proposal.
const POOL_SHARES: u64 = 100;
/// Wei alice offers for the 900 other shares: 0.01 ETH a share.
const PROPOSAL_WEI: u128 = 9 * ETH;

/// Alice proposes a buyout of the base vault at START: 100 of her shares
/// into the pool, 9 ETH for the 900 others (0.01 ETH a share).
fn proposed(w: &mut World) {
    let (alice, vault, buyout) = (w.alice, w.vault, w.buyout);
    approve_shares(w, alice, buyout, sh(POOL_SHARES));
    let call = ShareBuyout::proposeCall {
        vault,
        shares: sh(POOL_SHARES),
    };
    w.ok_value(alice, buyout, &call, wei(PROPOSAL_WEI));
}

/// A failed buyout: [`proposed`], nobody sells, ended after the rejection
/// period (alice is credited her 9 ETH).
fn failed_buyout(w: &mut World) {
    proposed(w);
    w.h.node.warp(REJECTION_PERIOD);
    let (alice, vault, buyout) = (w.alice, w.vault, w.buyout);
    w.ok(alice, buyout, &ShareBuyout::endCall { vault });
}

/// A succeeded buyout: alice proposes with all 600 of her shares and 4 ETH
/// for dave's 400 (0.01 ETH a share), ended after the rejection period;
/// the vault released NFT 2 to alice (status 4) and dave may cash out 400.
fn bought_out(w: &mut World) {
    let (alice, vault, buyout) = (w.alice, w.vault, w.buyout);
    approve_shares(w, alice, buyout, u128_u(VAULT_SHARES[0]));
    let call = ShareBuyout::proposeCall {
        vault,
        shares: u128_u(VAULT_SHARES[0]),
    };
    w.ok_value(alice, buyout, &call, U256::from(4 * ETH));
    w.h.node.warp(REJECTION_PERIOD);
    w.ok(alice, buyout, &ShareBuyout::endCall { vault });
    let status = w.view(vault, &ShareVault::statusCall {});
    assert_eq!(status, 4, "the buyout released the asset");
}

fn buyout_not_active(vault: Address, state: u8) -> BuyoutE {
    BuyoutE::BuyoutNotActive(ShareBuyout::BuyoutNotActive { vault, state })
}

fn buyout_not_succeeded(vault: Address, state: u8) -> BuyoutE {
    BuyoutE::BuyoutNotSucceeded(ShareBuyout::BuyoutNotSucceeded { vault, state })
}

/// The vault's `ERC20InsufficientAllowance` for `spender`.
fn no_allowance(spender: Address, allowance: U256, needed: U256) -> VaultE {
    VaultE::ERC20InsufficientAllowance(ShareVault::ERC20InsufficientAllowance {
        spender,
        allowance,
        needed,
    })
}

/// The vault's `ERC20InsufficientBalance` of `sender`.
fn short_balance(sender: Address, balance: U256, needed: U256) -> VaultE {
    VaultE::ERC20InsufficientBalance(ShareVault::ERC20InsufficientBalance {
        sender,
        balance,
        needed,
    })
}

/// An address word with a bit set above its 20 bytes.
fn dirty(a: Address) -> U256 {
    let mut word = U256::from_be_slice(a.as_slice());
    word.set_bit(200, true);
    word
}

/// `selector` followed by `bytes` zero bytes.
fn selector_and(selector: [u8; 4], bytes: usize) -> Vec<u8> {
    let mut data = selector.to_vec();
    data.resize(4 + bytes, 0);
    data
}

// ---------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------

/// Two garbage-calldata cases for the world field `$field`.
macro_rules! garbage {
    ($v:ident, $prefix:literal, $field:ident) => {
        $v.push(case(concat!($prefix, "/calldata/short_3_bytes"), |w| {
            Bad::raw(w.carol, w.$field, vec![0x12, 0x34, 0x56], Expect::Empty)
        }));
        $v.push(case(concat!($prefix, "/calldata/unknown_selector"), |w| {
            Bad::raw(w.carol, w.$field, unknown_selector(), Expect::Empty).value(u(1))
        }));
    };
}

fn catalogue() -> Vec<Case> {
    let mut v = Vec::new();
    garbage!(v, "collection", nft);
    garbage!(v, "editions", editions);
    garbage!(v, "market", market);
    garbage!(v, "provenance", provenance);
    garbage!(v, "vault", vault);
    garbage!(v, "vault_factory", vault_factory);
    garbage!(v, "split", split);
    garbage!(v, "split_factory", split_factory);
    garbage!(v, "offering", offering);
    garbage!(v, "buyout", buyout);
    collection_cases(&mut v);
    editions_cases(&mut v);
    market_cases(&mut v);
    provenance_cases(&mut v);
    vault_cases(&mut v);
    vault_factory_cases(&mut v);
    split_cases(&mut v);
    split_factory_cases(&mut v);
    vault_permit_cases(&mut v);
    vault_pool_cases(&mut v);
    vault_buyout_cases(&mut v);
    vault_view_calldata_cases(&mut v);
    offering_cases(&mut v);
    buyout_cases(&mut v);
    v
}

fn collection_cases(v: &mut Vec<Case>) {
    use IpCollection as C;
    v.push(case("collection/calldata/truncated_transfer_from", |w| {
        let data = truncated(&transfer_nft(w.alice, w.bob, 3));
        Bad::raw(w.alice, w.nft, data, Expect::Empty)
    }));
    v.push(case("collection/calldata/dirty_address_high_bits", |w| {
        // `to` with a non-zero byte above its 20 address bytes.
        let mut word = U256::from_be_slice(w.bob.as_slice());
        word.set_bit(200, true);
        let data = with_word(&transfer_nft(w.alice, w.bob, 3), 1, word);
        Bad::raw(w.alice, w.nft, data, Expect::Empty)
    }));
    v.push(case("collection/calldata/string_length_past_end", |w| {
        // mint(to, uri, ..): the uri's length word claims 2^64 bytes.
        let call = collection_mint(w.alice, U96::ZERO);
        let mut data = call.abi_encode();
        let len_at = 4 + 4 * 32;
        data[len_at..len_at + 32].copy_from_slice(&U256::from(u64::MAX).to_be_bytes::<32>());
        Bad::raw(w.admin(), w.nft, data, Expect::Empty)
    }));
    v.push(case("collection/calldata/value_to_non_payable", |w| {
        Bad::call(
            w.alice,
            w.nft,
            &transfer_nft(w.alice, w.bob, 3),
            Expect::Empty,
        )
        .value(u(ETH as u64))
    }));
    v.push(case("collection/constructor_after_initialize", |w| {
        let mut data = CONSTRUCTOR.to_vec();
        data.extend(
            (
                String::from("X"),
                String::from("X"),
                String::new(),
                w.carol,
                Address::ZERO,
                U256::ZERO,
            )
                .abi_encode_params(),
        );
        Bad::raw(
            w.carol,
            w.nft,
            data,
            CollectionE::InvalidInitialization(C::InvalidInitialization {}),
        )
    }));
    v.push(case("collection/initialize_twice", |w| {
        let call = C::initializeCall {
            name: "Stolen".into(),
            symbol: "S".into(),
            baseUri: String::new(),
            owner: w.carol,
            royaltyReceiver: w.carol,
            royaltyBps: U96::from(10_000),
        };
        Bad::call(
            w.carol,
            w.nft,
            &call,
            CollectionE::InvalidInitialization(C::InvalidInitialization {}),
        )
    }));
    v.push(case("collection/unauthorised/mint_by_stranger", |w| {
        let e = CollectionE::CollectionCallerNotMinter(C::CollectionCallerNotMinter {
            account: w.carol,
        });
        Bad::call(w.carol, w.nft, &collection_mint(w.carol, U96::ZERO), e)
    }));
    v.push(case("collection/zero/mint_to_zero_address", |w| {
        let e = CollectionE::ERC721InvalidReceiver(C::ERC721InvalidReceiver {
            receiver: Address::ZERO,
        });
        Bad::call(
            w.admin(),
            w.nft,
            &collection_mint(Address::ZERO, U96::ZERO),
            e,
        )
    }));
    v.push(case("collection/range/mint_royalty_u96_max", |w| {
        let e = CollectionE::ERC2981InvalidTokenRoyalty(C::ERC2981InvalidTokenRoyalty {
            tokenId: u(4),
            numerator: U256::from(U96::MAX),
            denominator: u(10_000),
        });
        Bad::call(w.admin(), w.nft, &collection_mint(w.alice, U96::MAX), e)
    }));
    v.push(case("collection/unauthorised/transfer_by_stranger", |w| {
        let e = CollectionE::ERC721InsufficientApproval(C::ERC721InsufficientApproval {
            operator: w.carol,
            tokenId: u(1),
        });
        Bad::call(w.carol, w.nft, &transfer_nft(w.alice, w.carol, 1), e)
    }));
    v.push(case("collection/zero/transfer_to_zero_address", |w| {
        let e = CollectionE::ERC721InvalidReceiver(C::ERC721InvalidReceiver {
            receiver: Address::ZERO,
        });
        Bad::call(w.alice, w.nft, &transfer_nft(w.alice, Address::ZERO, 3), e)
    }));
    v.push(case("collection/state/transfer_with_wrong_from", |w| {
        let e = CollectionE::ERC721IncorrectOwner(C::ERC721IncorrectOwner {
            sender: w.bob,
            tokenId: u(3),
            owner: w.alice,
        });
        Bad::call(w.alice, w.nft, &transfer_nft(w.bob, w.carol, 3), e)
    }));
    v.push(case("collection/state/transfer_nonexistent_token", |w| {
        let e = CollectionE::ERC721NonexistentToken(C::ERC721NonexistentToken { tokenId: u(99) });
        Bad::call(w.alice, w.nft, &transfer_nft(w.alice, w.bob, 99), e)
    }));
    v.push(case(
        "collection/state/safe_transfer_to_contract_without_hook",
        |w| {
            let call = C::safeTransferFrom_0Call {
                from: w.alice,
                to: w.market,
                tokenId: u(3),
            };
            let e =
                CollectionE::ERC721InvalidReceiver(C::ERC721InvalidReceiver { receiver: w.market });
            Bad::call(w.alice, w.nft, &call, e)
        },
    ));
    v.push(case(
        "collection/state/safe_transfer_to_vault_rethrows_its_error",
        |w| {
            // An active vault refuses any further token: its error is re-thrown verbatim.
            let call = C::safeTransferFrom_0Call {
                from: w.alice,
                to: w.vault,
                tokenId: u(3),
            };
            let e = VaultE::VaultUnexpectedAsset(ShareVault::VaultUnexpectedAsset {
                asset: w.nft,
                id: u(3),
            });
            Bad::call(w.alice, w.nft, &call, e)
        },
    ));
    v.push(case("collection/unauthorised/approve_by_stranger", |w| {
        let call = C::approveCall {
            to: w.carol,
            tokenId: u(1),
        };
        let e = CollectionE::ERC721InvalidApprover(C::ERC721InvalidApprover { approver: w.carol });
        Bad::call(w.carol, w.nft, &call, e)
    }));
    v.push(case("collection/zero/approval_for_all_to_zero", |w| {
        let call = C::setApprovalForAllCall {
            operator: Address::ZERO,
            approved: true,
        };
        let e = CollectionE::ERC721InvalidOperator(C::ERC721InvalidOperator {
            operator: Address::ZERO,
        });
        Bad::call(w.alice, w.nft, &call, e)
    }));
    v.push(case("collection/zero/lease_operator_zero", |w| {
        let call = C::setLeaseOperatorCall {
            operator: Address::ZERO,
            approved: true,
        };
        let e = CollectionE::ERC721InvalidOperator(C::ERC721InvalidOperator {
            operator: Address::ZERO,
        });
        Bad::call(w.alice, w.nft, &call, e)
    }));
    v.push(case("collection/unauthorised/set_user_by_stranger", |w| {
        let call = C::setUserCall {
            tokenId: u(3),
            user: w.carol,
            expires: START + 100,
        };
        let e = CollectionE::ERC721InsufficientApproval(C::ERC721InsufficientApproval {
            operator: w.carol,
            tokenId: u(3),
        });
        Bad::call(w.carol, w.nft, &call, e)
    }));
    v.push(case("collection/range/set_user_expiry_in_past", |w| {
        let call = C::setUserCall {
            tokenId: u(3),
            user: w.bob,
            expires: START - 1,
        };
        let e = CollectionE::CollectionUserExpiryInPast(C::CollectionUserExpiryInPast {
            expires: START - 1,
            timestamp: START,
        });
        Bad::call(w.alice, w.nft, &call, e)
    }));
    v.push(case("collection/state/owner_overrides_locked_lease", |w| {
        let bob = w.bob;
        bought(w, bob, 1, 3600);
        let call = C::setUserCall {
            tokenId: u(1),
            user: w.carol,
            expires: START + 10,
        };
        let e = CollectionE::CollectionLeaseLocked(C::CollectionLeaseLocked {
            tokenId: u(1),
            user: w.bob,
            expires: START + 3600,
        });
        Bad::call(w.alice, w.nft, &call, e)
    }));
    v.push(case("collection/state/l1_lock_past_five_years", |w| {
        // L-1: a lease operator's lock must end within 5 x 365 days.
        let (alice, carol, nft) = (w.alice, w.carol, w.nft);
        let op = C::setLeaseOperatorCall {
            operator: carol,
            approved: true,
        };
        w.ok(alice, nft, &op);
        let call = C::setUserCall {
            tokenId: u(3),
            user: w.bob,
            expires: u64::MAX,
        };
        let e = CollectionE::CollectionLockExpiryTooFar(C::CollectionLockExpiryTooFar {
            expires: u64::MAX,
            maxExpires: START + 157_680_000,
        });
        Bad::call(carol, nft, &call, e)
    }));
    v.push(case(
        "collection/state/l1_lock_renewal_past_five_years",
        |w| {
            let (alice, bob, carol, nft) = (w.alice, w.bob, w.carol, w.nft);
            let op = C::setLeaseOperatorCall {
                operator: carol,
                approved: true,
            };
            w.ok(alice, nft, &op);
            let lock = C::setUserCall {
                tokenId: u(3),
                user: bob,
                expires: START + 100,
            };
            w.ok(carol, nft, &lock);
            let call = C::setUserCall {
                tokenId: u(3),
                user: bob,
                expires: START + 157_680_001,
            };
            let e = CollectionE::CollectionLockExpiryTooFar(C::CollectionLockExpiryTooFar {
                expires: START + 157_680_001,
                maxExpires: START + 157_680_000,
            });
            Bad::call(carol, nft, &call, e)
        },
    ));
    v.push(case(
        "collection/state/l1_owner_self_lock_cleared_by_sale",
        |w| {
            // L-1: the owner, approved as its own lease operator, sets its
            // accomplice as user "forever", then sells: the sale clears it, and
            // the seller's self-approval no longer reaches the token.
            let (alice, carol, dave, nft) = (w.alice, w.carol, w.dave, w.nft);
            let op = C::setLeaseOperatorCall {
                operator: alice,
                approved: true,
            };
            w.ok(alice, nft, &op);
            let forever = C::setUserCall {
                tokenId: u(3),
                user: carol,
                expires: u64::MAX,
            };
            w.ok(alice, nft, &forever);
            w.ok(alice, nft, &transfer_nft(alice, dave, 3));
            let user = w.view(nft, &C::userOfCall { tokenId: u(3) });
            assert_eq!(user, Address::ZERO, "the sale must clear the owner's user");
            let call = C::setUserCall {
                tokenId: u(3),
                user: carol,
                expires: u64::MAX,
            };
            let e = CollectionE::ERC721InsufficientApproval(C::ERC721InsufficientApproval {
                operator: alice,
                tokenId: u(3),
            });
            Bad::call(alice, nft, &call, e)
        },
    ));
    v.push(case("collection/unauthorised/pause_by_stranger", |w| {
        let e = CollectionE::OwnableUnauthorizedAccount(C::OwnableUnauthorizedAccount {
            account: w.carol,
        });
        Bad::call(w.carol, w.nft, &C::pauseCall {}, e)
    }));
    v.push(case("collection/state/pause_twice", |w| {
        let (admin, nft) = (w.admin(), w.nft);
        w.ok(admin, nft, &C::pauseCall {});
        Bad::call(
            admin,
            nft,
            &C::pauseCall {},
            CollectionE::EnforcedPause(C::EnforcedPause {}),
        )
    }));
    v.push(case("collection/state/unpause_when_not_paused", |w| {
        let e = CollectionE::ExpectedPause(C::ExpectedPause {});
        Bad::call(w.admin(), w.nft, &C::unpauseCall {}, e)
    }));
    v.push(case("collection/state/transfer_while_paused", |w| {
        let (admin, nft) = (w.admin(), w.nft);
        w.ok(admin, nft, &C::pauseCall {});
        let e = CollectionE::EnforcedPause(C::EnforcedPause {});
        Bad::call(w.alice, nft, &transfer_nft(w.alice, w.bob, 3), e)
    }));
    v.push(case(
        "collection/unauthorised/set_token_uri_by_stranger",
        |w| {
            let call = C::setTokenURICall {
                tokenId: u(1),
                uri: "ipfs://fake".into(),
            };
            let e = CollectionE::CollectionCallerNotMetadataUpdater(
                C::CollectionCallerNotMetadataUpdater { account: w.carol },
            );
            Bad::call(w.carol, w.nft, &call, e)
        },
    ));
    v.push(case("collection/state/set_token_uri_nonexistent", |w| {
        let call = C::setTokenURICall {
            tokenId: u(99),
            uri: "x".into(),
        };
        let e = CollectionE::ERC721NonexistentToken(C::ERC721NonexistentToken { tokenId: u(99) });
        Bad::call(w.admin(), w.nft, &call, e)
    }));
    v.push(case(
        "collection/range/default_royalty_over_100_percent",
        |w| {
            let call = C::setDefaultRoyaltyCall {
                receiver: w.royalty,
                royaltyBps: U96::from(10_001),
            };
            let e = CollectionE::ERC2981InvalidDefaultRoyalty(C::ERC2981InvalidDefaultRoyalty {
                numerator: u(10_001),
                denominator: u(10_000),
            });
            Bad::call(w.admin(), w.nft, &call, e)
        },
    ));
    v.push(case("collection/zero/default_royalty_zero_receiver", |w| {
        let call = C::setDefaultRoyaltyCall {
            receiver: Address::ZERO,
            royaltyBps: U96::from(100),
        };
        let e = CollectionE::ERC2981InvalidDefaultRoyaltyReceiver(
            C::ERC2981InvalidDefaultRoyaltyReceiver {
                receiver: Address::ZERO,
            },
        );
        Bad::call(w.admin(), w.nft, &call, e)
    }));
    v.push(case(
        "collection/unauthorised/default_royalty_by_stranger",
        |w| {
            let call = C::setDefaultRoyaltyCall {
                receiver: w.carol,
                royaltyBps: U96::from(10_000),
            };
            let e = CollectionE::OwnableUnauthorizedAccount(C::OwnableUnauthorizedAccount {
                account: w.carol,
            });
            Bad::call(w.carol, w.nft, &call, e)
        },
    ));
    v.push(case("collection/zero/set_minter_zero", |w| {
        let call = C::setMinterCall {
            account: Address::ZERO,
            enabled: true,
        };
        let e = CollectionE::CollectionInvalidAccount(C::CollectionInvalidAccount {
            account: Address::ZERO,
        });
        Bad::call(w.admin(), w.nft, &call, e)
    }));
    v.push(case(
        "collection/unauthorised/set_minter_by_stranger",
        |w| {
            let call = C::setMinterCall {
                account: w.carol,
                enabled: true,
            };
            let e = CollectionE::OwnableUnauthorizedAccount(C::OwnableUnauthorizedAccount {
                account: w.carol,
            });
            Bad::call(w.carol, w.nft, &call, e)
        },
    ));
    v.push(case(
        "collection/unauthorised/accept_ownership_not_pending",
        |w| {
            let e = CollectionE::OwnableUnauthorizedAccount(C::OwnableUnauthorizedAccount {
                account: w.carol,
            });
            Bad::call(w.carol, w.nft, &C::acceptOwnershipCall {}, e)
        },
    ));
    v.push(case(
        "collection/unauthorised/renounce_ownership_by_stranger",
        |w| {
            let e = CollectionE::OwnableUnauthorizedAccount(C::OwnableUnauthorizedAccount {
                account: w.carol,
            });
            Bad::call(w.carol, w.nft, &C::renounceOwnershipCall {}, e)
        },
    ));
    v.push(case("collection/zero/balance_of_zero_address", |w| {
        let call = C::balanceOfCall {
            owner: Address::ZERO,
        };
        let e = CollectionE::ERC721InvalidOwner(C::ERC721InvalidOwner {
            owner: Address::ZERO,
        });
        Bad::call(w.carol, w.nft, &call, e)
    }));
    v.push(case("collection/state/mint_batch_empty", |w| {
        let e = CollectionE::CollectionEmptyBatch(C::CollectionEmptyBatch {});
        Bad::call(
            w.admin(),
            w.nft,
            &collection_mint_batch(w.alice, 0, U96::ZERO),
            e,
        )
    }));
    v.push(case(
        "collection/unauthorised/mint_batch_by_stranger",
        |w| {
            let e = CollectionE::CollectionCallerNotMinter(C::CollectionCallerNotMinter {
                account: w.carol,
            });
            Bad::call(
                w.carol,
                w.nft,
                &collection_mint_batch(w.carol, 3, U96::ZERO),
                e,
            )
        },
    ));
    v.push(case("collection/zero/mint_batch_to_zero_address", |w| {
        let e = CollectionE::ERC721InvalidReceiver(C::ERC721InvalidReceiver {
            receiver: Address::ZERO,
        });
        let call = collection_mint_batch(Address::ZERO, 3, U96::ZERO);
        Bad::call(w.admin(), w.nft, &call, e)
    }));
    v.push(case(
        "collection/range/mint_batch_royalty_over_100_percent",
        |w| {
            let e = CollectionE::ERC2981InvalidTokenRoyalty(C::ERC2981InvalidTokenRoyalty {
                tokenId: u(4),
                numerator: u(10_001),
                denominator: u(10_000),
            });
            let call = collection_mint_batch(w.alice, 3, U96::from(10_001));
            Bad::call(w.admin(), w.nft, &call, e)
        },
    ));
    v.push(case("collection/state/mint_batch_while_paused", |w| {
        let (admin, nft) = (w.admin(), w.nft);
        w.ok(admin, nft, &C::pauseCall {});
        let e = CollectionE::EnforcedPause(C::EnforcedPause {});
        Bad::call(admin, nft, &collection_mint_batch(w.alice, 3, U96::ZERO), e)
    }));
    v.push(case(
        "collection/calldata/mint_batch_length_past_end",
        |w| {
            // mintBatch(to, digests, ..): the array's length word claims one
            // more digest than the calldata holds.
            let mut data = collection_mint_batch(w.alice, 3, U96::ZERO).abi_encode();
            let len_at = 4 + 4 * 32;
            data[len_at..len_at + 32].copy_from_slice(&u(4).to_be_bytes::<32>());
            Bad::raw(w.admin(), w.nft, data, Expect::Empty)
        },
    ));
    v.push(case("collection/calldata/value_to_mint_batch", |w| {
        // Served by the fallback, which refuses value as the router does.
        let call = collection_mint_batch(w.alice, 3, U96::ZERO);
        Bad::call(w.admin(), w.nft, &call, Expect::Empty).value(u(ETH as u64))
    }));
    v.push(case("collection/calldata/plain_eth_transfer", |w| {
        Bad::raw(w.alice, w.nft, Vec::new(), Expect::Empty).value(u(ETH as u64))
    }));
    v.push(case(
        "collection/calldata/mint_batch_dirty_royalty_bps",
        |w| {
            // `royaltyBps` (uint96) with a bit set above its 96 bits.
            let data = with_word(
                &collection_mint_batch(w.alice, 3, U96::ZERO),
                3,
                U256::from(1) << 96,
            );
            Bad::raw(w.admin(), w.nft, data, Expect::Empty)
        },
    ));
    v.push(case(
        "collection/unauthorised/set_contract_uri_by_stranger",
        |w| {
            let call = C::setContractURICall {
                uri: "ipfs://fake".into(),
            };
            let e = CollectionE::CollectionCallerNotMetadataUpdater(
                C::CollectionCallerNotMetadataUpdater { account: w.carol },
            );
            Bad::call(w.carol, w.nft, &call, e)
        },
    ));
    v.push(case("collection/calldata/set_contract_uri_not_utf8", |w| {
        // setContractURI(uri): the string's one byte is 0xff.
        let mut data = C::setContractURICall { uri: "x".into() }.abi_encode();
        data[4 + 64] = 0xff;
        Bad::raw(w.admin(), w.nft, data, Expect::Empty)
    }));
}

/// `mintBatch(to, n digests, ..)`, with a royalty receiver when `bps` is not
/// zero (as [`collection_mint`]).
fn collection_mint_batch(to: Address, n: u64, bps: U96) -> IpCollection::mintBatchCall {
    IpCollection::mintBatchCall {
        to,
        metadataDigests: (0..n).map(|i| keccak256(i.to_be_bytes())).collect(),
        royaltyReceiver: if bps.is_zero() {
            Address::ZERO
        } else {
            Address::repeat_byte(0x77)
        },
        royaltyBps: bps,
    }
}

fn editions_cases(v: &mut Vec<Case>) {
    use IpEditions as C;
    v.push(case("editions/calldata/truncated_safe_transfer", |w| {
        let data = truncated(&units_transfer(w.alice, w.bob, u(1)));
        Bad::raw(w.alice, w.editions, data, Expect::Empty)
    }));
    v.push(case("editions/calldata/bytes_offset_past_end", |w| {
        // safeTransferFrom(from, to, id, value, data): `data`'s offset word.
        let data = with_word(&units_transfer(w.alice, w.bob, u(1)), 4, u(1 << 40));
        Bad::raw(w.alice, w.editions, data, Expect::Empty)
    }));
    v.push(case("editions/calldata/array_length_2_pow_255", |w| {
        let call = C::safeBatchTransferFromCall {
            from: w.alice,
            to: w.bob,
            ids: vec![u(1)],
            values: vec![u(1)],
            data: Bytes::new(),
        };
        let mut data = call.abi_encode();
        // Head: from, to, ids offset, values offset, data offset; the ids
        // array's length word comes first in the tail.
        let len_at = 4 + 5 * 32;
        let mut huge = U256::ZERO;
        huge.set_bit(255, true);
        data[len_at..len_at + 32].copy_from_slice(&huge.to_be_bytes::<32>());
        Bad::raw(w.alice, w.editions, data, Expect::Empty)
    }));
    v.push(case("editions/calldata/value_to_non_payable", |w| {
        Bad::call(
            w.alice,
            w.editions,
            &units_transfer(w.alice, w.bob, u(1)),
            Expect::Empty,
        )
        .value(u(ETH as u64))
    }));
    v.push(case("editions/constructor_after_initialize", |w| {
        let mut data = CONSTRUCTOR.to_vec();
        data.extend((String::new(), w.carol, Address::ZERO, U256::ZERO).abi_encode_params());
        let e = EditionsE::InvalidInitialization(C::InvalidInitialization {});
        Bad::raw(w.carol, w.editions, data, e)
    }));
    v.push(case("editions/initialize_twice", |w| {
        let call = C::initializeCall {
            baseUri: String::new(),
            owner: w.carol,
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        let e = EditionsE::InvalidInitialization(C::InvalidInitialization {});
        Bad::call(w.carol, w.editions, &call, e)
    }));
    v.push(case("editions/unauthorised/create_id_by_stranger", |w| {
        let call = C::createIdCall {
            maxSupply: U256::ZERO,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        let e = EditionsE::AccessControlUnauthorizedAccount(C::AccessControlUnauthorizedAccount {
            account: w.carol,
            neededRole: MINTER_ROLE,
        });
        Bad::call(w.carol, w.editions, &call, e)
    }));
    v.push(case(
        "editions/range/create_id_royalty_over_100_percent",
        |w| {
            let call = C::createIdCall {
                maxSupply: U256::ZERO,
                uri: String::new(),
                royaltyReceiver: w.royalty,
                royaltyBps: U96::from(10_001),
            };
            let e = EditionsE::ERC2981InvalidTokenRoyalty(C::ERC2981InvalidTokenRoyalty {
                tokenId: u(2),
                numerator: u(10_001),
                denominator: u(10_000),
            });
            Bad::call(w.admin(), w.editions, &call, e)
        },
    ));
    v.push(case("editions/zero/create_id_royalty_zero_receiver", |w| {
        let call = C::createIdCall {
            maxSupply: U256::ZERO,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::from(100),
        };
        let e =
            EditionsE::ERC2981InvalidTokenRoyaltyReceiver(C::ERC2981InvalidTokenRoyaltyReceiver {
                tokenId: u(2),
                receiver: Address::ZERO,
            });
        Bad::call(w.admin(), w.editions, &call, e)
    }));
    v.push(case(
        "editions/unauthorised/set_contract_uri_by_stranger",
        |w| {
            let e =
                EditionsE::AccessControlUnauthorizedAccount(C::AccessControlUnauthorizedAccount {
                    account: w.carol,
                    neededRole: METADATA_UPDATER_ROLE,
                });
            let call = C::setContractURICall {
                uri: "ipfs://fake".into(),
            };
            Bad::call(w.carol, w.editions, &call, e)
        },
    ));
    v.push(case("editions/unauthorised/mint_by_stranger", |w| {
        let e = EditionsE::AccessControlUnauthorizedAccount(C::AccessControlUnauthorizedAccount {
            account: w.carol,
            neededRole: MINTER_ROLE,
        });
        Bad::call(w.carol, w.editions, &editions_mint(w.carol, 1, u(1)), e)
    }));
    v.push(case("editions/state/mint_nonexistent_edition", |w| {
        let e = EditionsE::EditionsNonexistentEdition(C::EditionsNonexistentEdition { id: u(99) });
        Bad::call(w.admin(), w.editions, &editions_mint(w.alice, 99, u(1)), e)
    }));
    v.push(case("editions/zero/mint_to_zero_address", |w| {
        let e = EditionsE::ERC1155InvalidReceiver(C::ERC1155InvalidReceiver {
            receiver: Address::ZERO,
        });
        Bad::call(
            w.admin(),
            w.editions,
            &editions_mint(Address::ZERO, 1, u(1)),
            e,
        )
    }));
    v.push(case("editions/range/mint_over_max_supply", |w| {
        let e = EditionsE::EditionsMaxSupplyExceeded(C::EditionsMaxSupplyExceeded {
            id: u(1),
            available: u(90),
            amount: u(91),
        });
        Bad::call(w.admin(), w.editions, &editions_mint(w.alice, 1, u(91)), e)
    }));
    v.push(case("editions/max/mint_u256_max", |w| {
        let e = EditionsE::EditionsMaxSupplyExceeded(C::EditionsMaxSupplyExceeded {
            id: u(1),
            available: u(90),
            amount: U256::MAX,
        });
        Bad::call(
            w.admin(),
            w.editions,
            &editions_mint(w.alice, 1, U256::MAX),
            e,
        )
    }));
    v.push(case("editions/max/mint_batch_total_overflows", |w| {
        let call = C::mintBatchCall {
            to: w.alice,
            ids: vec![u(1), u(1)],
            amounts: vec![U256::MAX, u(1)],
            data: Bytes::new(),
        };
        let e = EditionsE::EditionsMaxSupplyExceeded(C::EditionsMaxSupplyExceeded {
            id: u(1),
            available: U256::MAX - u(10),
            amount: U256::MAX,
        });
        Bad::call(w.admin(), w.editions, &call, e)
    }));
    v.push(case("editions/unauthorised/transfer_by_stranger", |w| {
        let e = EditionsE::ERC1155MissingApprovalForAll(C::ERC1155MissingApprovalForAll {
            operator: w.carol,
            owner: w.alice,
        });
        Bad::call(
            w.carol,
            w.editions,
            &units_transfer(w.alice, w.carol, u(1)),
            e,
        )
    }));
    v.push(case("editions/state/transfer_frozen_units", |w| {
        let e = EditionsE::EditionsInsufficientUnfrozenBalance(
            C::EditionsInsufficientUnfrozenBalance {
                owner: w.alice,
                tokenId: u(1),
                available: u(8),
                needed: u(9),
            },
        );
        Bad::call(
            w.alice,
            w.editions,
            &units_transfer(w.alice, w.carol, u(9)),
            e,
        )
    }));
    v.push(case("editions/max/transfer_u256_max", |w| {
        let e = EditionsE::ERC1155InsufficientBalance(C::ERC1155InsufficientBalance {
            sender: w.bob,
            balance: U256::ZERO,
            needed: U256::MAX,
            tokenId: u(1),
        });
        Bad::call(
            w.bob,
            w.editions,
            &units_transfer(w.bob, w.carol, U256::MAX),
            e,
        )
    }));
    v.push(case("editions/zero/transfer_to_zero_address", |w| {
        let e = EditionsE::ERC1155InvalidReceiver(C::ERC1155InvalidReceiver {
            receiver: Address::ZERO,
        });
        Bad::call(
            w.alice,
            w.editions,
            &units_transfer(w.alice, Address::ZERO, u(1)),
            e,
        )
    }));
    v.push(case("editions/range/batch_length_mismatch", |w| {
        let call = C::safeBatchTransferFromCall {
            from: w.alice,
            to: w.bob,
            ids: vec![u(1)],
            values: vec![u(1), u(1)],
            data: Bytes::new(),
        };
        let e = EditionsE::ERC1155InvalidArrayLength(C::ERC1155InvalidArrayLength {
            idsLength: u(1),
            valuesLength: u(2),
        });
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case(
        "editions/max/batch_repeated_id_total_overflows",
        |w| {
            let call = C::safeBatchTransferFromCall {
                from: w.alice,
                to: w.bob,
                ids: vec![u(1), u(1)],
                values: vec![U256::MAX, u(2)],
                data: Bytes::new(),
            };
            let e = EditionsE::ERC1155InsufficientBalance(C::ERC1155InsufficientBalance {
                sender: w.alice,
                balance: u(10),
                needed: U256::MAX,
                tokenId: u(1),
            });
            Bad::call(w.alice, w.editions, &call, e)
        },
    ));
    v.push(case("editions/state/burn_frozen_units", |w| {
        let call = C::burnCall {
            account: w.alice,
            id: u(1),
            value: u(10),
        };
        let e = EditionsE::EditionsInsufficientUnfrozenBalance(
            C::EditionsInsufficientUnfrozenBalance {
                owner: w.alice,
                tokenId: u(1),
                available: u(8),
                needed: u(10),
            },
        );
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case("editions/unauthorised/burn_by_stranger", |w| {
        let call = C::burnCall {
            account: w.alice,
            id: u(1),
            value: u(1),
        };
        let e = EditionsE::ERC1155MissingApprovalForAll(C::ERC1155MissingApprovalForAll {
            operator: w.carol,
            owner: w.alice,
        });
        Bad::call(w.carol, w.editions, &call, e)
    }));
    v.push(case("editions/zero/approval_for_all_to_zero", |w| {
        let call = C::setApprovalForAllCall {
            operator: Address::ZERO,
            approved: true,
        };
        let e = EditionsE::ERC1155InvalidOperator(C::ERC1155InvalidOperator {
            operator: Address::ZERO,
        });
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case("editions/zero/lease_operator_zero", |w| {
        let call = C::setLeaseOperatorCall {
            operator: Address::ZERO,
            approved: true,
        };
        let e = EditionsE::ERC1155InvalidOperator(C::ERC1155InvalidOperator {
            operator: Address::ZERO,
        });
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case("editions/unauthorised/user_record_by_stranger", |w| {
        let e = EditionsE::ERC1155MissingApprovalForAll(C::ERC1155MissingApprovalForAll {
            operator: w.carol,
            owner: w.alice,
        });
        Bad::call(
            w.carol,
            w.editions,
            &user_record(w.alice, w.carol, 1, START + 100),
            e,
        )
    }));
    v.push(case("editions/zero/user_record_zero_user", |w| {
        let e = EditionsE::EditionsInvalidRecordUser(C::EditionsInvalidRecordUser {
            user: Address::ZERO,
        });
        Bad::call(
            w.alice,
            w.editions,
            &user_record(w.alice, Address::ZERO, 1, START + 100),
            e,
        )
    }));
    v.push(case("editions/range/user_record_zero_amount", |w| {
        let e = EditionsE::EditionsInvalidRecordAmount(C::EditionsInvalidRecordAmount {});
        Bad::call(
            w.alice,
            w.editions,
            &user_record(w.alice, w.dave, 0, START + 100),
            e,
        )
    }));
    v.push(case("editions/range/user_record_expiry_now", |w| {
        let e = EditionsE::EditionsInvalidRecordExpiry(C::EditionsInvalidRecordExpiry {
            expiry: START,
            timestamp: START,
        });
        Bad::call(
            w.alice,
            w.editions,
            &user_record(w.alice, w.dave, 1, START),
            e,
        )
    }));
    v.push(case(
        "editions/state/user_record_over_unfrozen_units",
        |w| {
            let e = EditionsE::EditionsInsufficientUnfrozenBalance(
                C::EditionsInsufficientUnfrozenBalance {
                    owner: w.alice,
                    tokenId: u(1),
                    available: u(8),
                    needed: u(9),
                },
            );
            Bad::call(
                w.alice,
                w.editions,
                &user_record(w.alice, w.dave, 9, START + 100),
                e,
            )
        },
    ));
    v.push(case("editions/state/seventeenth_active_record", |w| {
        // 16 active records per (owner, id): bob's lease plus 15 more.
        let (admin, alice, dave, editions) = (w.admin(), w.alice, w.dave, w.editions);
        w.ok(admin, editions, &editions_mint(alice, 1, u(20)));
        for _ in 0..15 {
            w.ok(alice, editions, &user_record(alice, dave, 1, START + 100));
        }
        let e = EditionsE::EditionsTooManyRecords(C::EditionsTooManyRecords {
            account: alice,
            tokenId: u(1),
        });
        Bad::call(
            alice,
            editions,
            &user_record(alice, w.carol, 1, START + 100),
            e,
        )
    }));
    v.push(case(
        "editions/state/l6_stranger_cannot_fill_user_slots",
        |w| {
            // L-6: a stranger fills dave's 16 user-side slots for edition 1;
            // dave's purchase still goes through, and the stranger's 17th
            // record hits the stranger's own (owner-side) cap, not dave's.
            let (admin, carol, dave, editions) = (w.admin(), w.carol, w.dave, w.editions);
            w.ok(admin, editions, &editions_mint(carol, 1, u(17)));
            for _ in 0..16 {
                w.ok(carol, editions, &user_record(carol, dave, 1, START + 1_000));
            }
            bought(w, dave, 2, 3600);
            let usable = w.view(
                editions,
                &C::usableBalanceOfCall {
                    account: dave,
                    tokenId: u(1),
                },
            );
            assert_eq!(usable, u(16 + UNITS_PER_LICENCE));
            let e = EditionsE::EditionsTooManyRecords(C::EditionsTooManyRecords {
                account: carol,
                tokenId: u(1),
            });
            Bad::call(
                carol,
                editions,
                &user_record(carol, dave, 1, START + 1_000),
                e,
            )
        },
    ));
    v.push(case(
        "editions/state/l1_locked_record_past_five_years",
        |w| {
            let (alice, carol, editions) = (w.alice, w.carol, w.editions);
            let op = C::setLeaseOperatorCall {
                operator: carol,
                approved: true,
            };
            w.ok(alice, editions, &op);
            let e = EditionsE::EditionsLockExpiryTooFar(C::EditionsLockExpiryTooFar {
                expiry: u64::MAX,
                maxExpiry: START + 157_680_000,
            });
            Bad::call(carol, editions, &user_record(alice, w.dave, 1, u64::MAX), e)
        },
    ));
    v.push(case("editions/range/l1_extension_past_five_years", |w| {
        let (alice, carol, editions) = (w.alice, w.carol, w.editions);
        let op = C::setLeaseOperatorCall {
            operator: carol,
            approved: true,
        };
        w.ok(alice, editions, &op);
        let call = C::extendUserRecordCall {
            recordId: w.record,
            expiry: u64::MAX,
        };
        let e = EditionsE::EditionsLockExpiryTooFar(C::EditionsLockExpiryTooFar {
            expiry: u64::MAX,
            maxExpiry: START + 157_680_000,
        });
        Bad::call(carol, editions, &call, e)
    }));
    v.push(case("editions/state/owner_deletes_locked_record", |w| {
        let call = C::deleteUserRecordCall { recordId: w.record };
        let e = EditionsE::EditionsLockedRecord(C::EditionsLockedRecord {
            recordId: w.record,
            expiry: START + 3600,
        });
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case("editions/unauthorised/stranger_deletes_record", |w| {
        let call = C::deleteUserRecordCall { recordId: w.record };
        let e = EditionsE::ERC1155MissingApprovalForAll(C::ERC1155MissingApprovalForAll {
            operator: w.carol,
            owner: w.alice,
        });
        Bad::call(w.carol, w.editions, &call, e)
    }));
    v.push(case("editions/state/delete_unknown_record", |w| {
        let call = C::deleteUserRecordCall { recordId: u(999) };
        let e =
            EditionsE::EditionsNonexistentRecord(C::EditionsNonexistentRecord { recordId: u(999) });
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case(
        "editions/unauthorised/extend_record_by_non_lease_operator",
        |w| {
            // Not even the owner: only its lease operators extend records.
            let call = C::extendUserRecordCall {
                recordId: w.record,
                expiry: START + 7200,
            };
            let e = EditionsE::EditionsNotLeaseOperator(C::EditionsNotLeaseOperator {
                operator: w.alice,
                owner: w.alice,
            });
            Bad::call(w.alice, w.editions, &call, e)
        },
    ));
    v.push(case("editions/range/extend_record_not_longer", |w| {
        let (alice, carol, editions) = (w.alice, w.carol, w.editions);
        let op = C::setLeaseOperatorCall {
            operator: carol,
            approved: true,
        };
        w.ok(alice, editions, &op);
        let call = C::extendUserRecordCall {
            recordId: w.record,
            expiry: START + 3600,
        };
        let e = EditionsE::EditionsInvalidRecordExtension(C::EditionsInvalidRecordExtension {
            recordId: w.record,
            expiry: START + 3600,
            newExpiry: START + 3600,
        });
        Bad::call(carol, editions, &call, e)
    }));
    v.push(case("editions/state/extend_expired_record", |w| {
        let (alice, carol, editions) = (w.alice, w.carol, w.editions);
        let op = C::setLeaseOperatorCall {
            operator: carol,
            approved: true,
        };
        w.ok(alice, editions, &op);
        w.h.node.warp(3601);
        let call = C::extendUserRecordCall {
            recordId: w.record,
            expiry: START + 7200,
        };
        let e = EditionsE::EditionsExpiredRecord(C::EditionsExpiredRecord {
            recordId: w.record,
            expiry: START + 3600,
        });
        Bad::call(carol, editions, &call, e)
    }));
    v.push(case("editions/state/extend_unknown_record", |w| {
        let call = C::extendUserRecordCall {
            recordId: u(999),
            expiry: START + 7200,
        };
        let e =
            EditionsE::EditionsNonexistentRecord(C::EditionsNonexistentRecord { recordId: u(999) });
        Bad::call(w.alice, w.editions, &call, e)
    }));
    v.push(case("editions/state/extend_record_while_paused", |w| {
        let (admin, editions) = (w.admin(), w.editions);
        w.ok(admin, editions, &C::pauseCall {});
        let call = C::extendUserRecordCall {
            recordId: w.record,
            expiry: START + 7200,
        };
        let e = EditionsE::EnforcedPause(C::EnforcedPause {});
        Bad::call(w.alice, editions, &call, e)
    }));
    v.push(case("editions/unauthorised/set_uri_by_stranger", |w| {
        let call = C::setURICall {
            id: u(1),
            uri: "x".into(),
        };
        let e = EditionsE::AccessControlUnauthorizedAccount(C::AccessControlUnauthorizedAccount {
            account: w.carol,
            neededRole: METADATA_UPDATER_ROLE,
        });
        Bad::call(w.carol, w.editions, &call, e)
    }));
    v.push(case("editions/state/set_uri_nonexistent_edition", |w| {
        let call = C::setURICall {
            id: u(99),
            uri: "x".into(),
        };
        let e = EditionsE::EditionsNonexistentEdition(C::EditionsNonexistentEdition { id: u(99) });
        Bad::call(w.admin(), w.editions, &call, e)
    }));
    v.push(case("editions/unauthorised/grant_role_by_stranger", |w| {
        let call = C::grantRoleCall {
            role: MINTER_ROLE,
            account: w.carol,
        };
        let e = EditionsE::OwnableUnauthorizedAccount(C::OwnableUnauthorizedAccount {
            account: w.carol,
        });
        Bad::call(w.carol, w.editions, &call, e)
    }));
    v.push(case(
        "editions/unauthorised/renounce_role_for_someone_else",
        |w| {
            let call = C::renounceRoleCall {
                role: MINTER_ROLE,
                confirmation: w.admin(),
            };
            let e = EditionsE::AccessControlBadConfirmation(C::AccessControlBadConfirmation {});
            Bad::call(w.carol, w.editions, &call, e)
        },
    ));
    v.push(case("editions/state/record_while_paused", |w| {
        let (admin, editions) = (w.admin(), w.editions);
        w.ok(admin, editions, &C::pauseCall {});
        let e = EditionsE::EnforcedPause(C::EnforcedPause {});
        Bad::call(
            w.alice,
            editions,
            &user_record(w.alice, w.dave, 1, START + 100),
            e,
        )
    }));
    v.push(case("editions/state/unpause_when_not_paused", |w| {
        let e = EditionsE::ExpectedPause(C::ExpectedPause {});
        Bad::call(w.admin(), w.editions, &C::unpauseCall {}, e)
    }));
    v.push(case(
        "editions/range/balance_of_batch_length_mismatch",
        |w| {
            let call = C::balanceOfBatchCall {
                accounts: vec![w.alice, w.bob],
                ids: vec![u(1)],
            };
            let e = EditionsE::ERC1155InvalidArrayLength(C::ERC1155InvalidArrayLength {
                idsLength: u(1),
                valuesLength: u(2),
            });
            Bad::call(w.carol, w.editions, &call, e)
        },
    ));
}

fn market_cases(v: &mut Vec<Case>) {
    use LicenseMarket as C;
    v.push(case(
        "market/calldata/truncated_buy_lease_with_value",
        |w| {
            let data = truncated(&buy(1, 3600));
            Bad::raw(w.carol, w.market, data, Expect::Empty).value(price(3600))
        },
    ));
    v.push(case(
        "market/calldata/create_offer_tuple_offset_past_end",
        |w| {
            let data = with_word(&create_offer(w.nft, 3, 0, terms(w.alice, 1)), 3, u(1 << 40));
            Bad::raw(w.alice, w.market, data, Expect::Empty)
        },
    ));
    v.push(case("market/calldata/value_to_non_payable_withdraw", |w| {
        let call = C::withdrawCall {
            token: Address::ZERO,
        };
        Bad::call(w.carol, w.market, &call, Expect::Empty).value(u(1))
    }));
    v.push(case(
        "market/calldata/constructor_selector_without_constructor",
        |w| Bad::raw(w.carol, w.market, CONSTRUCTOR.to_vec(), Expect::Empty),
    ));
    v.push(case("market/state/buy_unknown_offer", |w| {
        let e = MarketE::LicenseMarketUnknownOffer(C::LicenseMarketUnknownOffer { offerId: u(99) });
        Bad::call(w.carol, w.market, &buy(99, 3600), e).value(price(3600))
    }));
    v.push(case("market/state/buy_cancelled_offer", |w| {
        let (alice, market) = (w.alice, w.market);
        w.ok(alice, market, &C::cancelOfferCall { offerId: u(1) });
        let e =
            MarketE::LicenseMarketOfferCancelled(C::LicenseMarketOfferCancelled { offerId: u(1) });
        Bad::call(w.carol, market, &buy(1, 3600), e).value(price(3600))
    }));
    v.push(case("market/state/buy_after_end_time", |w| {
        let (alice, market) = (w.alice, w.market);
        let mut t = terms(alice, 1);
        t.endTime = START + 100;
        w.ok(
            alice,
            market,
            &C::updateOfferCall {
                offerId: u(1),
                terms: t,
            },
        );
        w.h.node.warp(101);
        let e = MarketE::LicenseMarketOfferEnded(C::LicenseMarketOfferEnded {
            offerId: u(1),
            endTime: START + 100,
        });
        Bad::call(w.carol, market, &buy(1, 3600), e).value(price(3600))
    }));
    v.push(case("market/range/buy_duration_below_min", |w| {
        let e = MarketE::LicenseMarketDurationOutOfBounds(C::LicenseMarketDurationOutOfBounds {
            duration: 59,
            minDuration: 60,
            maxDuration: 86_400,
        });
        Bad::call(w.carol, w.market, &buy(1, 59), e).value(price(59))
    }));
    v.push(case("market/max/buy_duration_u64_max", |w| {
        let e = MarketE::LicenseMarketDurationOutOfBounds(C::LicenseMarketDurationOutOfBounds {
            duration: u64::MAX,
            minDuration: 60,
            maxDuration: 86_400,
        });
        Bad::call(w.carol, w.market, &buy(1, u64::MAX), e).value(u(ETH as u64))
    }));
    v.push(case("market/range/buy_price_above_max", |w| {
        let call = C::buyLeaseCall {
            offerId: u(1),
            duration: 3600,
            maxPrice: price(3600) - u(1),
            version: 1,
        };
        let e = MarketE::LicenseMarketPriceAboveMax(C::LicenseMarketPriceAboveMax {
            price: price(3600),
            maxPrice: price(3600) - u(1),
        });
        Bad::call(w.carol, w.market, &call, e).value(price(3600))
    }));
    v.push(case("market/range/buy_underpaid", |w| {
        let e = MarketE::LicenseMarketInsufficientPayment(C::LicenseMarketInsufficientPayment {
            price: price(3600),
            paid: price(3600) - u(1),
        });
        Bad::call(w.carol, w.market, &buy(1, 3600), e).value(price(3600) - u(1))
    }));
    v.push(case("market/state/buy_while_licensed", |w| {
        let e = MarketE::LicenseMarketAlreadyLicensed(C::LicenseMarketAlreadyLicensed {
            offerId: u(2),
            licensee: w.bob,
            expires: START + 3600,
        });
        Bad::call(w.bob, w.market, &buy(2, 3600), e).value(price(3600))
    }));
    v.push(case("market/state/renew_without_licence", |w| {
        let call = C::renewLeaseCall {
            offerId: u(1),
            duration: 3600,
            maxPrice: U256::MAX,
            version: 1,
        };
        let e = MarketE::LicenseMarketNotLicensee(C::LicenseMarketNotLicensee {
            offerId: u(1),
            account: w.carol,
        });
        Bad::call(w.carol, w.market, &call, e).value(price(3600))
    }));
    v.push(case(
        "market/state/buy_after_lessor_revoked_operator",
        |w| {
            let (alice, market, nft) = (w.alice, w.market, w.nft);
            let revoke = IpCollection::setLeaseOperatorCall {
                operator: market,
                approved: false,
            };
            w.ok(alice, nft, &revoke);
            let e =
                MarketE::LicenseMarketOperatorNotApproved(C::LicenseMarketOperatorNotApproved {
                    collection: nft,
                    lessor: alice,
                });
            Bad::call(w.carol, market, &buy(1, 3600), e).value(price(3600))
        },
    ));
    v.push(case("market/state/buy_after_lessor_sold_token", |w| {
        let (alice, dave, nft) = (w.alice, w.dave, w.nft);
        w.ok(alice, nft, &transfer_nft(alice, dave, 1));
        let e = MarketE::LicenseMarketLessorNotOwner(C::LicenseMarketLessorNotOwner {
            collection: nft,
            tokenId: u(1),
            lessor: alice,
        });
        Bad::call(w.carol, w.market, &buy(1, 3600), e).value(price(3600))
    }));
    v.push(case("market/state/buy_token_under_locked_lease", |w| {
        let (alice, bob, market, nft) = (w.alice, w.bob, w.market, w.nft);
        bought(w, bob, 1, 3600);
        // A second offer for the same token cannot sell while bob's runs.
        w.ok(alice, market, &create_offer(nft, 1, 0, terms(alice, 1)));
        let e = MarketE::LicenseMarketTokenLeased(C::LicenseMarketTokenLeased {
            collection: nft,
            tokenId: u(1),
            expires: u(START + 3600),
        });
        Bad::call(w.carol, market, &buy(3, 3600), e).value(price(3600))
    }));
    v.push(case("market/state/buy_without_free_units", |w| {
        let (alice, dave, editions) = (w.alice, w.dave, w.editions);
        w.ok(alice, editions, &units_transfer(alice, dave, u(7)));
        let e = MarketE::LicenseMarketNoFreeUnits(C::LicenseMarketNoFreeUnits {
            offerId: u(2),
            free: u(1),
            needed: UNITS_PER_LICENCE,
        });
        Bad::call(w.carol, w.market, &buy(2, 3600), e).value(price(3600))
    }));
    v.push(case(
        "market/state/renew_units_after_licensee_renounced_record",
        |w| {
            // Bob deleted his record on the asset: the renewal has nothing
            // to extend, the asset refuses, the payment goes back.
            let (bob, editions, record) = (w.bob, w.editions, w.record);
            w.ok(
                bob,
                editions,
                &IpEditions::deleteUserRecordCall { recordId: record },
            );
            let call = C::renewLeaseCall {
                offerId: u(2),
                duration: 3600,
                maxPrice: U256::MAX,
                version: 1,
            };
            let e = MarketE::LicenseMarketLeaseRejected(C::LicenseMarketLeaseRejected {
                collection: editions,
                tokenId: u(1),
            });
            Bad::call(bob, w.market, &call, e).value(price(3600))
        },
    ));
    v.push(case("market/state/buy_sold_out", |w| {
        let (carol, dave) = (w.carol, w.dave);
        bought(w, carol, 2, 3600);
        bought(w, dave, 2, 3600);
        let e = MarketE::LicenseMarketSoldOut(C::LicenseMarketSoldOut {
            offerId: u(2),
            maxLicensees: 3,
        });
        Bad::call(w.admin(), w.market, &buy(2, 3600), e).value(price(3600))
    }));
    v.push(case("market/range/eth_sent_to_erc20_offer", |w| {
        // The vault's shares are an ERC-20: an offer priced in them.
        let (alice, market, nft) = (w.alice, w.market, w.nft);
        let mut t = terms(alice, 1);
        t.paymentToken = w.vault;
        w.ok(alice, market, &create_offer(nft, 3, 0, t));
        let e =
            MarketE::LicenseMarketUnexpectedValue(C::LicenseMarketUnexpectedValue { value: u(1) });
        Bad::call(w.carol, market, &buy(3, 60), e).value(u(1))
    }));
    v.push(case("market/state/erc20_offer_without_allowance", |w| {
        let (alice, market, nft, vault) = (w.alice, w.market, w.nft, w.vault);
        let mut t = terms(alice, 1);
        t.paymentToken = vault;
        w.ok(alice, market, &create_offer(nft, 3, 0, t));
        let e = MarketE::SafeErc20FailedOperation(C::SafeErc20FailedOperation { token: vault });
        Bad::call(w.dave, market, &buy(3, 60), e)
    }));
    v.push(case("market/state/withdraw_without_credit", |w| {
        let call = C::withdrawCall {
            token: Address::ZERO,
        };
        let e = MarketE::LicenseMarketNothingToWithdraw(C::LicenseMarketNothingToWithdraw {
            token: Address::ZERO,
        });
        Bad::call(w.carol, w.market, &call, e)
    }));
    v.push(case("market/unauthorised/cancel_by_stranger", |w| {
        let e = MarketE::LicenseMarketUnauthorizedLessor(C::LicenseMarketUnauthorizedLessor {
            offerId: u(1),
            account: w.carol,
        });
        Bad::call(w.carol, w.market, &C::cancelOfferCall { offerId: u(1) }, e)
    }));
    v.push(case("market/state/cancel_twice", |w| {
        let (alice, market) = (w.alice, w.market);
        w.ok(alice, market, &C::cancelOfferCall { offerId: u(1) });
        let e =
            MarketE::LicenseMarketOfferCancelled(C::LicenseMarketOfferCancelled { offerId: u(1) });
        Bad::call(alice, market, &C::cancelOfferCall { offerId: u(1) }, e)
    }));
    v.push(case("market/state/cancel_unknown_offer", |w| {
        let e = MarketE::LicenseMarketUnknownOffer(C::LicenseMarketUnknownOffer { offerId: u(99) });
        Bad::call(w.alice, w.market, &C::cancelOfferCall { offerId: u(99) }, e)
    }));
    v.push(case("market/unauthorised/update_by_stranger", |w| {
        let mut t = terms(w.carol, 1);
        t.pricePerSecond = U256::ZERO;
        let call = C::updateOfferCall {
            offerId: u(1),
            terms: t,
        };
        let e = MarketE::LicenseMarketUnauthorizedLessor(C::LicenseMarketUnauthorizedLessor {
            offerId: u(1),
            account: w.carol,
        });
        Bad::call(w.carol, w.market, &call, e)
    }));
    v.push(case("market/zero/offer_payee_zero", |w| {
        let e = MarketE::LicenseMarketInvalidPayee(C::LicenseMarketInvalidPayee {
            payee: Address::ZERO,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.nft, 3, 0, terms(Address::ZERO, 1)),
            e,
        )
    }));
    v.push(case("market/range/offer_payee_is_market", |w| {
        let e =
            MarketE::LicenseMarketInvalidPayee(C::LicenseMarketInvalidPayee { payee: w.market });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.nft, 3, 0, terms(w.market, 1)),
            e,
        )
    }));
    v.push(case("market/range/offer_min_duration_zero", |w| {
        let mut t = terms(w.alice, 1);
        t.minDuration = 0;
        let e =
            MarketE::LicenseMarketInvalidDurationBounds(C::LicenseMarketInvalidDurationBounds {
                minDuration: 0,
                maxDuration: 86_400,
            });
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case("market/range/offer_min_above_max", |w| {
        let mut t = terms(w.alice, 1);
        (t.minDuration, t.maxDuration) = (100, 50);
        let e =
            MarketE::LicenseMarketInvalidDurationBounds(C::LicenseMarketInvalidDurationBounds {
                minDuration: 100,
                maxDuration: 50,
            });
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case("market/range/offer_end_time_in_past", |w| {
        let mut t = terms(w.alice, 1);
        t.endTime = START - 1;
        let e = MarketE::LicenseMarketInvalidEndTime(C::LicenseMarketInvalidEndTime {
            endTime: START - 1,
        });
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case("market/range/erc721_offer_for_two_licensees", |w| {
        let e = MarketE::LicenseMarketInvalidMaxLicensees(C::LicenseMarketInvalidMaxLicensees {
            maxLicensees: 2,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.nft, 3, 0, terms(w.alice, 2)),
            e,
        )
    }));
    v.push(case("market/range/erc1155_offer_for_65_licensees", |w| {
        let e = MarketE::LicenseMarketInvalidMaxLicensees(C::LicenseMarketInvalidMaxLicensees {
            maxLicensees: 65,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.editions, 1, 1, terms(w.alice, 65)),
            e,
        )
    }));
    v.push(case("market/range/erc1155_offer_for_17_licensees", |w| {
        // 16 = the editions' active records per (owner, id).
        let e = MarketE::LicenseMarketInvalidMaxLicensees(C::LicenseMarketInvalidMaxLicensees {
            maxLicensees: 17,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.editions, 1, 1, terms(w.alice, 17)),
            e,
        )
    }));
    v.push(case(
        "market/range/erc1155_offer_update_to_17_licensees",
        |w| {
            let call = C::updateOfferCall {
                offerId: u(2),
                terms: terms(w.alice, 17),
            };
            let e =
                MarketE::LicenseMarketInvalidMaxLicensees(C::LicenseMarketInvalidMaxLicensees {
                    maxLicensees: 17,
                });
            Bad::call(w.alice, w.market, &call, e)
        },
    ));
    v.push(case("market/range/erc1155_offer_for_no_licensee", |w| {
        let e = MarketE::LicenseMarketInvalidMaxLicensees(C::LicenseMarketInvalidMaxLicensees {
            maxLicensees: 0,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.editions, 1, 1, terms(w.alice, 0)),
            e,
        )
    }));
    v.push(case("market/range/offer_unknown_flag", |w| {
        let mut t = terms(w.alice, 1);
        t.flags = 8;
        let e = MarketE::LicenseMarketInvalidFlags(C::LicenseMarketInvalidFlags { flags: 8 });
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case("market/max/offer_price_per_second_u256_max", |w| {
        let mut t = terms(w.alice, 1);
        t.pricePerSecond = U256::MAX;
        let e = MarketE::LicenseMarketArithmeticOverflow(C::LicenseMarketArithmeticOverflow {});
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case("market/m1/buy_quoted_at_an_older_version", |w| {
        // M-1: the lessor switched the offer (here: dropped the
        // commercial-use flag) after the buyer's quote at version 1.
        let (alice, market) = (w.alice, w.market);
        let mut t = terms(alice, 1);
        t.flags = 0;
        w.ok(
            alice,
            market,
            &C::updateOfferCall {
                offerId: u(1),
                terms: t,
            },
        );
        let e = MarketE::LicenseMarketOfferVersionMismatch(C::LicenseMarketOfferVersionMismatch {
            offerId: u(1),
            quoted: 1,
            current: 2,
        });
        Bad::call(w.carol, market, &buy(1, 3600), e).value(price(3600))
    }));
    v.push(case("market/m1/renew_quoted_at_an_older_version", |w| {
        // M-1 on a renewal: bob's offer switched to an ERC-20 (the vault's
        // shares) after his quote.
        let (alice, market, vault) = (w.alice, w.market, w.vault);
        let mut t = terms(alice, 3);
        t.paymentToken = vault;
        w.ok(
            alice,
            market,
            &C::updateOfferCall {
                offerId: u(2),
                terms: t,
            },
        );
        let call = C::renewLeaseCall {
            offerId: u(2),
            duration: 3600,
            maxPrice: price(3600),
            version: 1,
        };
        let e = MarketE::LicenseMarketOfferVersionMismatch(C::LicenseMarketOfferVersionMismatch {
            offerId: u(2),
            quoted: 1,
            current: 2,
        });
        Bad::call(w.bob, market, &call, e).value(price(3600))
    }));
    v.push(case(
        "market/m3/buy_with_royalty_above_the_offers_cap",
        |w| {
            // M-3: the collection's 5 % royalty is above the offer's 4 % cap.
            let (alice, market) = (w.alice, w.market);
            let mut t = terms(alice, 1);
            t.maxRoyaltyBps = 400;
            w.ok(
                alice,
                market,
                &C::updateOfferCall {
                    offerId: u(1),
                    terms: t,
                },
            );
            let call = C::buyLeaseCall {
                offerId: u(1),
                duration: 3600,
                maxPrice: U256::MAX,
                version: 2,
            };
            let e = MarketE::LicenseMarketRoyaltyAboveCap(C::LicenseMarketRoyaltyAboveCap {
                offerId: u(1),
                royalty: price(3600) * u(NFT_ROYALTY_BPS) / u(10_000),
                maxRoyalty: price(3600) * u(400) / u(10_000),
            });
            Bad::call(w.carol, market, &call, e).value(price(3600))
        },
    ));
    v.push(case(
        "market/m3/buy_after_owner_raised_royalty_to_100_percent",
        |w| {
            // M-3: the collection owner raises the default royalty to 100 %
            // under an offer capped at the 5 % it had.
            let (alice, admin, market, nft, royalty) =
                (w.alice, w.admin(), w.market, w.nft, w.royalty);
            let mut t = terms(alice, 1);
            t.maxRoyaltyBps = 500;
            w.ok(
                alice,
                market,
                &C::updateOfferCall {
                    offerId: u(1),
                    terms: t,
                },
            );
            let raise = IpCollection::setDefaultRoyaltyCall {
                receiver: royalty,
                royaltyBps: U96::from(10_000),
            };
            w.ok(admin, nft, &raise);
            let call = C::buyLeaseCall {
                offerId: u(1),
                duration: 3600,
                maxPrice: U256::MAX,
                version: 2,
            };
            let e = MarketE::LicenseMarketRoyaltyAboveCap(C::LicenseMarketRoyaltyAboveCap {
                offerId: u(1),
                royalty: price(3600),
                maxRoyalty: price(3600) * u(500) / u(10_000),
            });
            Bad::call(w.carol, market, &call, e).value(price(3600))
        },
    ));
    v.push(case("market/m3/offer_royalty_cap_above_100_percent", |w| {
        let mut t = terms(w.alice, 1);
        t.maxRoyaltyBps = 10_001;
        let e = MarketE::LicenseMarketInvalidRoyaltyCap(C::LicenseMarketInvalidRoyaltyCap {
            maxRoyaltyBps: 10_001,
        });
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case("market/lock/offer_max_duration_above_5_years", |w| {
        // The perpetual lock: a free offer with a huge maximum duration.
        let mut t = terms(w.alice, 1);
        t.pricePerSecond = U256::ZERO;
        t.maxDuration = u64::MAX;
        let e =
            MarketE::LicenseMarketInvalidDurationBounds(C::LicenseMarketInvalidDurationBounds {
                minDuration: 60,
                maxDuration: u64::MAX,
            });
        Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
    }));
    v.push(case(
        "market/lock/offer_max_duration_one_second_over_5_years",
        |w| {
            let mut t = terms(w.alice, 1);
            t.maxDuration = 5 * 365 * 86_400 + 1;
            let e = MarketE::LicenseMarketInvalidDurationBounds(
                C::LicenseMarketInvalidDurationBounds {
                    minDuration: 60,
                    maxDuration: 5 * 365 * 86_400 + 1,
                },
            );
            Bad::call(w.alice, w.market, &create_offer(w.nft, 3, 0, t), e)
        },
    ));
    v.push(case("market/lock/renew_past_max_duration_from_now", |w| {
        // Bob's licence runs an hour; renewing by the offer's whole day
        // would reach past now + maxDuration.
        let now = w.h.node.timestamp();
        let call = C::renewLeaseCall {
            offerId: u(2),
            duration: 86_400,
            maxPrice: U256::MAX,
            version: 1,
        };
        let e = MarketE::LicenseMarketLeaseTooLong(C::LicenseMarketLeaseTooLong {
            expires: START + 3600 + 86_400,
            latest: now + 86_400,
        });
        Bad::call(w.bob, w.market, &call, e).value(price(86_400))
    }));
    v.push(case("market/l2/withdraw_to_without_credit", |w| {
        let call = C::withdrawToCall {
            account: w.carol,
            token: Address::ZERO,
        };
        let e = MarketE::LicenseMarketNothingToWithdraw(C::LicenseMarketNothingToWithdraw {
            token: Address::ZERO,
        });
        Bad::call(w.dave, w.market, &call, e)
    }));
    v.push(case("market/l2/value_to_non_payable_withdraw_to", |w| {
        let call = C::withdrawToCall {
            account: w.carol,
            token: Address::ZERO,
        };
        Bad::call(w.dave, w.market, &call, Expect::Empty).value(u(1))
    }));
    v.push(case(
        "market/unauthorised/offer_for_token_of_someone_else",
        |w| {
            let e = MarketE::LicenseMarketLessorNotOwner(C::LicenseMarketLessorNotOwner {
                collection: w.nft,
                tokenId: u(1),
                lessor: w.carol,
            });
            Bad::call(
                w.carol,
                w.market,
                &create_offer(w.nft, 1, 0, terms(w.carol, 1)),
                e,
            )
        },
    ));
    v.push(case("market/state/offer_without_operator_approval", |w| {
        let (alice, carol, nft) = (w.alice, w.carol, w.nft);
        w.ok(alice, nft, &transfer_nft(alice, carol, 3));
        let e = MarketE::LicenseMarketOperatorNotApproved(C::LicenseMarketOperatorNotApproved {
            collection: nft,
            lessor: carol,
        });
        Bad::call(
            carol,
            w.market,
            &create_offer(nft, 3, 0, terms(carol, 1)),
            e,
        )
    }));
    v.push(case("market/range/offer_more_units_than_held", |w| {
        let e = MarketE::LicenseMarketLessorNotOwner(C::LicenseMarketLessorNotOwner {
            collection: w.editions,
            tokenId: u(1),
            lessor: w.alice,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.editions, 1, 11, terms(w.alice, 1)),
            e,
        )
    }));
    v.push(case(
        "market/range/units_offer_on_the_erc721_collection",
        |w| {
            // balanceOf(address,uint256) does not exist on the ERC-721 collection.
            let e = MarketE::LicenseMarketLessorNotOwner(C::LicenseMarketLessorNotOwner {
                collection: w.nft,
                tokenId: u(3),
                lessor: w.alice,
            });
            Bad::call(
                w.alice,
                w.market,
                &create_offer(w.nft, 3, 1, terms(w.alice, 1)),
                e,
            )
        },
    ));
    v.push(case(
        "market/range/token_offer_on_the_erc1155_editions",
        |w| {
            // ownerOf does not exist on the editions.
            let e = MarketE::LicenseMarketLessorNotOwner(C::LicenseMarketLessorNotOwner {
                collection: w.editions,
                tokenId: u(1),
                lessor: w.alice,
            });
            Bad::call(
                w.alice,
                w.market,
                &create_offer(w.editions, 1, 0, terms(w.alice, 1)),
                e,
            )
        },
    ));
    v.push(case("market/range/offer_on_account_without_code", |w| {
        let e = MarketE::LicenseMarketLessorNotOwner(C::LicenseMarketLessorNotOwner {
            collection: w.carol,
            tokenId: u(1),
            lessor: w.alice,
        });
        Bad::call(
            w.alice,
            w.market,
            &create_offer(w.carol, 1, 0, terms(w.alice, 1)),
            e,
        )
    }));
}

fn provenance_cases(v: &mut Vec<Case>) {
    use ProvenanceRegistry as C;
    v.push(case("provenance/calldata/truncated_record", |w| {
        let data = truncated(&record_call(w.nft, u(3), vec![]));
        Bad::raw(w.alice, w.provenance, data, Expect::Empty)
    }));
    v.push(case("provenance/calldata/parents_offset_past_end", |w| {
        // Head word 8 is the offset of `parentCollections`.
        let data = with_word(&record_call(w.nft, u(3), vec![]), 8, u(1 << 40));
        Bad::raw(w.alice, w.provenance, data, Expect::Empty)
    }));
    v.push(case("provenance/zero/model_attester_zero", |w| {
        let e = ProvenanceE::ProvenanceInvalidAttester(C::ProvenanceInvalidAttester {
            attester: Address::ZERO,
        });
        let call = register_model(Address::ZERO, 0, false, (Address::ZERO, 0));
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/state/model_parent_unknown", |w| {
        let e = ProvenanceE::ProvenanceUnknownModel(C::ProvenanceUnknownModel { modelId: u(99) });
        let call = register_model(w.attester, 99, false, (Address::ZERO, 0));
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case(
        "provenance/unauthorised/model_parent_of_someone_else",
        |w| {
            let e = ProvenanceE::ProvenanceNotModelOwner(C::ProvenanceNotModelOwner {
                modelId: u(1),
                account: w.carol,
            });
            let call = register_model(w.attester, 1, false, (Address::ZERO, 0));
            Bad::call(w.carol, w.provenance, &call, e)
        },
    ));
    v.push(case(
        "provenance/unauthorised/model_nft_of_someone_else",
        |w| {
            let e = ProvenanceE::ProvenanceNotTokenOwner(C::ProvenanceNotTokenOwner {
                collection: w.nft,
                tokenId: u(1),
                account: w.carol,
            });
            let call = register_model(w.attester, 0, false, (w.nft, 1));
            Bad::call(w.carol, w.provenance, &call, e)
        },
    ));
    v.push(case("provenance/unauthorised/retire_by_stranger", |w| {
        let e = ProvenanceE::ProvenanceNotModelOwner(C::ProvenanceNotModelOwner {
            modelId: u(1),
            account: w.carol,
        });
        Bad::call(
            w.carol,
            w.provenance,
            &C::retireModelCall { modelId: u(1) },
            e,
        )
    }));
    v.push(case("provenance/state/retire_unknown_model", |w| {
        let e = ProvenanceE::ProvenanceUnknownModel(C::ProvenanceUnknownModel { modelId: u(99) });
        Bad::call(
            w.alice,
            w.provenance,
            &C::retireModelCall { modelId: u(99) },
            e,
        )
    }));
    v.push(case("provenance/state/retire_twice", |w| {
        let (alice, provenance) = (w.alice, w.provenance);
        w.ok(alice, provenance, &C::retireModelCall { modelId: u(1) });
        let e = ProvenanceE::ProvenanceModelRetired(C::ProvenanceModelRetired { modelId: u(1) });
        Bad::call(alice, provenance, &C::retireModelCall { modelId: u(1) }, e)
    }));
    v.push(case("provenance/state/record_twice", |w| {
        let e = ProvenanceE::ProvenanceRecordExists(C::ProvenanceRecordExists {
            collection: w.nft,
            id: u(1),
        });
        Bad::call(w.alice, w.provenance, &record_call(w.nft, u(1), vec![]), e)
    }));
    v.push(case("provenance/state/record_unknown_model", |w| {
        let mut call = record_call(w.nft, u(3), vec![]);
        call.modelId = u(99);
        let e = ProvenanceE::ProvenanceUnknownModel(C::ProvenanceUnknownModel { modelId: u(99) });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/state/record_under_retired_model", |w| {
        let (alice, provenance) = (w.alice, w.provenance);
        w.ok(alice, provenance, &C::retireModelCall { modelId: u(1) });
        let e = ProvenanceE::ProvenanceModelRetired(C::ProvenanceModelRetired { modelId: u(1) });
        Bad::call(alice, provenance, &record_call(w.nft, u(3), vec![]), e)
    }));
    v.push(case(
        "provenance/unauthorised/record_for_token_of_someone_else",
        |w| {
            let e = ProvenanceE::ProvenanceUnauthorizedWriter(C::ProvenanceUnauthorizedWriter {
                collection: w.nft,
                id: u(3),
                account: w.carol,
            });
            Bad::call(w.carol, w.provenance, &record_call(w.nft, u(3), vec![]), e)
        },
    ));
    v.push(case(
        "provenance/unauthorised/record_for_an_edition_by_stranger",
        |w| {
            let e = ProvenanceE::ProvenanceUnauthorizedWriter(C::ProvenanceUnauthorizedWriter {
                collection: w.editions,
                id: u(1),
                account: w.carol,
            });
            Bad::call(
                w.carol,
                w.provenance,
                &record_call(w.editions, u(1), vec![]),
                e,
            )
        },
    ));
    v.push(case("provenance/range/parents_length_mismatch", |w| {
        let mut call = record_call(w.nft, u(3), vec![(w.nft, u(1))]);
        call.parentCollections.push(w.nft);
        let e = ProvenanceE::ProvenanceParentsLengthMismatch(C::ProvenanceParentsLengthMismatch {
            collections: u(2),
            ids: u(1),
        });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/range/nine_parents", |w| {
        let parents = (1..=9).map(|i| (w.nft, u(100 + i))).collect();
        let e = ProvenanceE::ProvenanceTooManyParents(C::ProvenanceTooManyParents {
            count: u(9),
            max: u(8),
        });
        Bad::call(w.alice, w.provenance, &record_call(w.nft, u(3), parents), e)
    }));
    v.push(case("provenance/range/duplicate_parent", |w| {
        let parents = vec![(w.nft, u(1)), (w.nft, u(1))];
        let e = ProvenanceE::ProvenanceDuplicateParent(C::ProvenanceDuplicateParent {
            collection: w.nft,
            id: u(1),
        });
        Bad::call(w.alice, w.provenance, &record_call(w.nft, u(3), parents), e)
    }));
    v.push(case("provenance/state/parent_without_record", |w| {
        let parents = vec![(w.nft, u(1)), (w.nft, u(2))];
        let e = ProvenanceE::ProvenanceMissingParent(C::ProvenanceMissingParent {
            collection: w.nft,
            id: u(2),
        });
        Bad::call(w.alice, w.provenance, &record_call(w.nft, u(3), parents), e)
    }));
    v.push(case("provenance/range/garbage_signature", |w| {
        let mut call = record_call(w.nft, u(3), vec![]);
        call.signature = vec![0x5a; 65].into();
        let e = ProvenanceE::ProvenanceInvalidSignature(C::ProvenanceInvalidSignature {});
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/state/commit_twice", |w| {
        let (carol, provenance) = (w.carol, w.provenance);
        let c = B256::repeat_byte(0xc0);
        w.ok(carol, provenance, &C::commitCall { commitment: c });
        let e = ProvenanceE::ProvenanceCommitmentExists(C::ProvenanceCommitmentExists {
            commitment: c,
        });
        Bad::call(carol, provenance, &C::commitCall { commitment: c }, e)
    }));
    v.push(case("provenance/state/reveal_without_commit", |w| {
        let (alice, attester, provenance) = (w.alice, w.attester, w.provenance);
        w.ok(
            alice,
            provenance,
            &register_model(attester, 0, true, (Address::ZERO, 0)),
        );
        let mut call = record_call(w.nft, u(3), vec![]);
        call.modelId = u(2);
        let e = ProvenanceE::ProvenanceRevealWithoutCommit(C::ProvenanceRevealWithoutCommit {
            commitment: commitment(&call, alice),
        });
        Bad::call(alice, provenance, &call, e)
    }));
    v.push(case("provenance/state/reveal_in_the_commit_block", |w| {
        let (alice, attester, provenance) = (w.alice, w.attester, w.provenance);
        w.ok(
            alice,
            provenance,
            &register_model(attester, 0, true, (Address::ZERO, 0)),
        );
        let mut call = record_call(w.nft, u(3), vec![]);
        call.modelId = u(2);
        let c = commitment(&call, alice);
        // The devnode mines a block per transaction: stay in this block by
        // rewinding the block number for the reveal.
        let block = w.h.node.block_number();
        w.ok(alice, provenance, &C::commitCall { commitment: c });
        let mut env = w.h.node.block().clone();
        env.number = U256::from(block);
        w.h.node.set_block(env);
        let e = ProvenanceE::ProvenanceRevealTooEarly(C::ProvenanceRevealTooEarly {
            commitment: c,
            readyAtBlock: block + 1,
        });
        Bad::call(alice, provenance, &call, e)
    }));
    v.push(case("provenance/state/attest_missing_record", |w| {
        let call = C::attestCall {
            collection: w.nft,
            id: u(3),
            signature: vec![0x5a; 65].into(),
        };
        let e = ProvenanceE::ProvenanceNonexistentRecord(C::ProvenanceNonexistentRecord {
            collection: w.nft,
            id: u(3),
        });
        Bad::call(w.carol, w.provenance, &call, e)
    }));
    v.push(case(
        "provenance/range/attest_with_garbage_signature",
        |w| {
            let call = C::attestCall {
                collection: w.nft,
                id: u(1),
                signature: vec![0x5a; 65].into(),
            };
            let e = ProvenanceE::ProvenanceInvalidSignature(C::ProvenanceInvalidSignature {});
            Bad::call(w.carol, w.provenance, &call, e)
        },
    ));
    v.push(case("provenance/calldata/truncated_batch", |w| {
        let data = truncated(&batch_call(w.nft, &[3, 4]));
        Bad::raw(w.alice, w.provenance, data, Expect::Empty)
    }));
    v.push(case("provenance/calldata/batch_ids_offset_past_end", |w| {
        // Head word 1 is the offset of `ids`.
        let data = with_word(&batch_call(w.nft, &[3, 4]), 1, u(1 << 40));
        Bad::raw(w.alice, w.provenance, data, Expect::Empty)
    }));
    v.push(case("provenance/range/batch_empty", |w| {
        let e = ProvenanceE::ProvenanceEmptyBatch(C::ProvenanceEmptyBatch {});
        Bad::call(w.alice, w.provenance, &batch_call(w.nft, &[]), e)
    }));
    v.push(case("provenance/range/batch_hash_array_short", |w| {
        let mut call = batch_call(w.nft, &[3, 4]);
        call.contentHashes.pop();
        let e = ProvenanceE::ProvenanceBatchLengthMismatch(C::ProvenanceBatchLengthMismatch {
            ids: u(2),
            hashes: u(1),
        });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/range/batch_hash_array_long", |w| {
        let mut call = batch_call(w.nft, &[3, 4]);
        call.humanHashes.push(B256::ZERO);
        let e = ProvenanceE::ProvenanceBatchLengthMismatch(C::ProvenanceBatchLengthMismatch {
            ids: u(2),
            hashes: u(3),
        });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/range/batch_one_signature_for_two", |w| {
        let mut call = batch_call(w.nft, &[3, 4]);
        call.signatures = vec![0x5a; 65].into();
        let e = ProvenanceE::ProvenanceBatchSignaturesLength(C::ProvenanceBatchSignaturesLength {
            length: u(65),
            records: u(2),
        });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/range/batch_signatures_off_by_one", |w| {
        let mut call = batch_call(w.nft, &[3, 4]);
        call.signatures = vec![0x5a; 129].into();
        let e = ProvenanceE::ProvenanceBatchSignaturesLength(C::ProvenanceBatchSignaturesLength {
            length: u(129),
            records: u(2),
        });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/range/batch_garbage_signatures", |w| {
        let mut call = batch_call(w.nft, &[3, 4]);
        call.signatures = vec![0x5a; 130].into();
        let e = ProvenanceE::ProvenanceInvalidSignature(C::ProvenanceInvalidSignature {});
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/range/batch_duplicate_id", |w| {
        let e = ProvenanceE::ProvenanceRecordExists(C::ProvenanceRecordExists {
            collection: w.nft,
            id: u(4),
        });
        Bad::call(w.alice, w.provenance, &batch_call(w.nft, &[4, 3, 4]), e)
    }));
    v.push(case("provenance/state/batch_with_a_recorded_id", |w| {
        let e = ProvenanceE::ProvenanceRecordExists(C::ProvenanceRecordExists {
            collection: w.nft,
            id: u(1),
        });
        Bad::call(w.alice, w.provenance, &batch_call(w.nft, &[3, 1]), e)
    }));
    v.push(case("provenance/state/batch_unknown_model", |w| {
        let mut call = batch_call(w.nft, &[3, 4]);
        call.modelId = u(99);
        let e = ProvenanceE::ProvenanceUnknownModel(C::ProvenanceUnknownModel { modelId: u(99) });
        Bad::call(w.alice, w.provenance, &call, e)
    }));
    v.push(case("provenance/state/batch_under_retired_model", |w| {
        let (alice, provenance) = (w.alice, w.provenance);
        w.ok(alice, provenance, &C::retireModelCall { modelId: u(1) });
        let e = ProvenanceE::ProvenanceModelRetired(C::ProvenanceModelRetired { modelId: u(1) });
        Bad::call(alice, provenance, &batch_call(w.nft, &[3, 4]), e)
    }));
    v.push(case("provenance/unauthorised/batch_by_stranger", |w| {
        let e = ProvenanceE::ProvenanceUnauthorizedWriter(C::ProvenanceUnauthorizedWriter {
            collection: w.nft,
            id: u(3),
            account: w.carol,
        });
        Bad::call(w.carol, w.provenance, &batch_call(w.nft, &[3, 4]), e)
    }));
    v.push(case("provenance/state/batch_reveal_without_commit", |w| {
        let (alice, attester, provenance) = (w.alice, w.attester, w.provenance);
        w.ok(
            alice,
            provenance,
            &register_model(attester, 0, true, (Address::ZERO, 0)),
        );
        let mut call = batch_call(w.nft, &[3, 4]);
        call.modelId = u(2);
        // The first record's commitment: as recordProvenance's.
        let mut first = record_call(w.nft, u(3), vec![]);
        first.modelId = u(2);
        first.seedHash = call.seedHashes[0];
        let e = ProvenanceE::ProvenanceRevealWithoutCommit(C::ProvenanceRevealWithoutCommit {
            commitment: commitment(&first, alice),
        });
        Bad::call(alice, provenance, &call, e)
    }));
    v.push(case("provenance/max/lineage_depth_u32_max", |w| {
        let call = C::lineageCall {
            collection: w.nft,
            id: u(1),
            maxDepth: u32::MAX,
        };
        let e = ProvenanceE::ProvenanceLineageTooDeep(C::ProvenanceLineageTooDeep {
            maxDepth: u32::MAX,
            limit: 16,
        });
        Bad::call(w.carol, w.provenance, &call, e)
    }));
}

fn vault_cases(v: &mut Vec<Case>) {
    use ShareVault as C;
    v.push(case("vault/calldata/truncated_transfer", |w| {
        let call = C::transferCall {
            to: w.bob,
            value: u(1),
        };
        Bad::raw(w.alice, w.vault, truncated(&call), Expect::Empty)
    }));
    v.push(case("vault/calldata/truncated_hook_reads_zero", |w| {
        // The hand-decoded hook reads missing words as zero: id 0.
        let data = C::onERC721ReceivedCall::SELECTOR.to_vec();
        let e = VaultE::VaultUnexpectedAsset(C::VaultUnexpectedAsset {
            asset: w.carol,
            id: U256::ZERO,
        });
        Bad::raw(w.carol, w.vault, data, e)
    }));
    v.push(case("vault/calldata/batch_hook_unsupported", |w| {
        let mut data = vec![0xbc, 0x19, 0x7c, 0x81]; // onERC1155BatchReceived
        data.extend([0u8; 160]);
        Bad::raw(w.carol, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/value_to_non_payable_claim", |w| {
        let call = C::claimCall {
            tokens: vec![Address::ZERO],
        };
        Bad::call(w.alice, w.vault, &call, Expect::Empty).value(u(ETH as u64))
    }));
    v.push(case("vault/state/initialize_twice", |w| {
        let call = C::initializeCall {
            config: Bytes::new(),
        };
        Bad::call(
            w.carol,
            w.vault,
            &call,
            VaultE::InvalidInitialization(C::InvalidInitialization {}),
        )
    }));
    v.push(case("vault/range/implementation_garbage_config", |w| {
        let call = C::initializeCall {
            config: vec![1u8].into(),
        };
        Bad::call(
            w.carol,
            w.vault_impl,
            &call,
            VaultE::VaultInvalidConfig(C::VaultInvalidConfig {}),
        )
    }));
    v.push(case("vault/state/implementation_redeem", |w| {
        Bad::call(
            w.carol,
            w.vault_impl,
            &C::redeemCall {},
            VaultE::VaultNotActive(C::VaultNotActive {}),
        )
    }));
    v.push(case("vault/range/transfer_more_than_balance", |w| {
        let call = C::transferCall {
            to: w.bob,
            value: u(1),
        };
        let e = VaultE::ERC20InsufficientBalance(C::ERC20InsufficientBalance {
            sender: w.carol,
            balance: U256::ZERO,
            needed: u(1),
        });
        Bad::call(w.carol, w.vault, &call, e)
    }));
    v.push(case("vault/max/transfer_u256_max", |w| {
        let call = C::transferCall {
            to: w.bob,
            value: U256::MAX,
        };
        let e = VaultE::ERC20InsufficientBalance(C::ERC20InsufficientBalance {
            sender: w.alice,
            balance: U256::from(VAULT_SHARES[0]),
            needed: U256::MAX,
        });
        Bad::call(w.alice, w.vault, &call, e)
    }));
    v.push(case("vault/zero/transfer_to_zero", |w| {
        let call = C::transferCall {
            to: Address::ZERO,
            value: u(1),
        };
        let e = VaultE::ERC20InvalidReceiver(C::ERC20InvalidReceiver {
            receiver: Address::ZERO,
        });
        Bad::call(w.alice, w.vault, &call, e)
    }));
    v.push(case("vault/range/transfer_to_the_vault_itself", |w| {
        let call = C::transferCall {
            to: w.vault,
            value: u(1),
        };
        let e = VaultE::ERC20InvalidReceiver(C::ERC20InvalidReceiver { receiver: w.vault });
        Bad::call(w.alice, w.vault, &call, e)
    }));
    v.push(case("vault/zero/approve_zero_spender", |w| {
        let call = C::approveCall {
            spender: Address::ZERO,
            value: U256::MAX,
        };
        let e = VaultE::ERC20InvalidSpender(C::ERC20InvalidSpender {
            spender: Address::ZERO,
        });
        Bad::call(w.alice, w.vault, &call, e)
    }));
    v.push(case("vault/max/transfer_from_without_allowance", |w| {
        let call = C::transferFromCall {
            from: w.alice,
            to: w.carol,
            value: U256::MAX,
        };
        let e = VaultE::ERC20InsufficientAllowance(C::ERC20InsufficientAllowance {
            spender: w.carol,
            allowance: U256::ZERO,
            needed: U256::MAX,
        });
        Bad::call(w.carol, w.vault, &call, e)
    }));
    v.push(case("vault/zero/transfer_from_zero_sender", |w| {
        let call = C::transferFromCall {
            from: Address::ZERO,
            to: w.carol,
            value: U256::ZERO,
        };
        let e = VaultE::ERC20InvalidSender(C::ERC20InvalidSender {
            sender: Address::ZERO,
        });
        Bad::call(w.carol, w.vault, &call, e)
    }));
    v.push(case("vault/range/claim_token_not_allowed", |w| {
        let call = C::claimCall {
            tokens: vec![Address::ZERO, w.nft],
        };
        let e = VaultE::VaultTokenNotAllowed(C::VaultTokenNotAllowed { token: w.nft });
        Bad::call(w.alice, w.vault, &call, e)
    }));
    v.push(case("vault/state/claim_without_shares", |w| {
        let call = C::claimCall {
            tokens: vec![Address::ZERO],
        };
        let e = VaultE::VaultNothingToClaim(C::VaultNothingToClaim { holder: w.carol });
        Bad::call(w.carol, w.vault, &call, e)
    }));
    v.push(case("vault/state/claim_twice", |w| {
        let (alice, vault) = (w.alice, w.vault);
        let call = C::claimCall {
            tokens: vec![Address::ZERO],
        };
        w.ok(alice, vault, &call);
        let e = VaultE::VaultNothingToClaim(C::VaultNothingToClaim { holder: alice });
        Bad::call(alice, vault, &call, e)
    }));
    v.push(case(
        "vault/unauthorised/transfer_curator_by_stranger",
        |w| {
            let call = C::transferCuratorCall {
                newCurator: w.carol,
            };
            let e = VaultE::VaultNotCurator(C::VaultNotCurator { account: w.carol });
            Bad::call(w.carol, w.vault, &call, e)
        },
    ));
    v.push(case(
        "vault/unauthorised/set_market_approval_by_stranger",
        |w| {
            let call = C::setMarketApprovalCall { approved: true };
            let e = VaultE::VaultNotCurator(C::VaultNotCurator { account: w.carol });
            Bad::call(w.carol, w.vault, &call, e)
        },
    ));
    v.push(case("vault/unauthorised/create_offer_by_stranger", |w| {
        let call = C::createOfferCall {
            amount: 0,
            terms: vault_terms(w.vault, Address::ZERO, 3600),
        };
        let e = VaultE::VaultNotCurator(C::VaultNotCurator { account: w.carol });
        Bad::call(w.carol, w.vault, &call, e)
    }));
    v.push(case("vault/unauthorised/cancel_offer_by_stranger", |w| {
        let call = C::cancelOfferCall { offerId: u(1) };
        let e = VaultE::VaultNotCurator(C::VaultNotCurator { account: w.carol });
        Bad::call(w.carol, w.vault, &call, e)
    }));
    // H-1a, H-1b, M-2: the curator's generic call (approving its own EOA as
    // lease operator, sweeping a token) no longer exists.
    v.push(case(
        "vault/unauthorised/h1a_curator_call_approving_its_eoa",
        |w| {
            let inner = IpCollection::setLeaseOperatorCall {
                operator: w.alice,
                approved: true,
            };
            Bad::raw(w.alice, w.vault, curator_call(w.nft, &inner), Expect::Empty)
        },
    ));
    v.push(case("vault/unauthorised/m2_curator_call_sweeping", |w| {
        let inner = C::transferCall {
            to: w.alice,
            value: u(1),
        };
        Bad::raw(
            w.alice,
            w.vault,
            curator_call(w.market, &inner),
            Expect::Empty,
        )
    }));
    v.push(case(
        "vault/unauthorised/h1c_offer_paying_the_curator",
        |w| {
            let call = C::createOfferCall {
                amount: 0,
                terms: vault_terms(w.alice, Address::ZERO, 3600),
            };
            let e = VaultE::VaultInvalidOfferPayee(C::VaultInvalidOfferPayee { payee: w.alice });
            Bad::call(w.alice, w.vault, &call, e)
        },
    ));
    v.push(case(
        "vault/unauthorised/h1c_offer_update_paying_the_curator",
        |w| {
            let call = C::updateOfferCall {
                offerId: u(1),
                terms: vault_terms(w.alice, Address::ZERO, 3600),
            };
            let e = VaultE::VaultInvalidOfferPayee(C::VaultInvalidOfferPayee { payee: w.alice });
            Bad::call(w.alice, w.vault, &call, e)
        },
    ));
    v.push(case(
        "vault/unauthorised/m2_offer_paid_in_a_token_off_the_allow_list",
        |w| {
            let token = w.editions;
            let call = C::createOfferCall {
                amount: 0,
                terms: vault_terms(w.vault, token, 3600),
            };
            let e = VaultE::VaultTokenNotAllowed(C::VaultTokenNotAllowed { token });
            Bad::call(w.alice, w.vault, &call, e)
        },
    ));
    v.push(case(
        "vault/range/h1a_offer_longer_than_the_longest_lease",
        |w| {
            let mut terms = vault_terms(w.vault, Address::ZERO, VAULT_MAX_LEASE + 1);
            terms.pricePerSecond = U256::ZERO;
            let call = C::createOfferCall { amount: 0, terms };
            let e = VaultE::VaultOfferTooLong(C::VaultOfferTooLong {
                maxDuration: u(VAULT_MAX_LEASE + 1),
                maxLeaseDuration: u(VAULT_MAX_LEASE),
            });
            Bad::call(w.alice, w.vault, &call, e)
        },
    ));
    v.push(case("vault/calldata/truncated_offer_terms", |w| {
        let call = C::createOfferCall {
            amount: 0,
            terms: vault_terms(w.vault, Address::ZERO, 3600),
        };
        let data = call.abi_encode();
        let cut = data[..4 + 64 + 32 * 10].to_vec();
        Bad::raw(w.alice, w.vault, cut, Expect::Empty)
    }));
    v.push(case("vault/unauthorised/redeem_by_partial_holder", |w| {
        let e = VaultE::VaultNotFullOwner(C::VaultNotFullOwner {
            account: w.alice,
            balance: U256::from(VAULT_SHARES[0]),
            supply: vault_supply(),
        });
        Bad::call(w.alice, w.vault, &C::redeemCall {}, e)
    }));
    v.push(case("vault/unauthorised/redeem_by_outsider", |w| {
        let e = VaultE::VaultNotFullOwner(C::VaultNotFullOwner {
            account: w.carol,
            balance: U256::ZERO,
            supply: vault_supply(),
        });
        Bad::call(w.carol, w.vault, &C::redeemCall {}, e)
    }));
    v.push(case(
        "vault/unauthorised/erc721_hook_from_an_account",
        |w| {
            let e = VaultE::VaultUnexpectedAsset(C::VaultUnexpectedAsset {
                asset: w.carol,
                id: u(2),
            });
            Bad::call(w.carol, w.vault, &onerc721_received(2), e)
        },
    ));
    v.push(case("vault/range/erc1155_hook_zero_units", |w| {
        let call = C::onERC1155ReceivedCall {
            operator: Address::ZERO,
            from: Address::ZERO,
            id: u(2),
            value: U256::ZERO,
            data: Bytes::new(),
        };
        let e = VaultE::VaultUnexpectedAsset(C::VaultUnexpectedAsset {
            asset: w.carol,
            id: u(2),
        });
        Bad::call(w.carol, w.vault, &call, e)
    }));
}

fn vault_factory_cases(v: &mut Vec<Case>) {
    use VaultFactory as C;
    v.push(case(
        "vault_factory/calldata/truncated_fractionalize",
        |w| {
            let call = fractionalize(w.nft, u(3), U256::ZERO, w.alice, w.dave, B256::ZERO);
            Bad::raw(w.alice, w.vault_factory, truncated(&call), Expect::Empty)
        },
    ));
    v.push(case("vault_factory/calldata/constructor_replay", |w| {
        let mut data = CONSTRUCTOR.to_vec();
        data.extend(w.carol.abi_encode());
        Bad::raw(w.carol, w.vault_factory, data, Expect::Empty)
    }));
    v.push(case(
        "vault_factory/unauthorised/token_of_someone_else",
        |w| {
            let call = fractionalize(w.nft, u(3), U256::ZERO, w.carol, w.dave, B256::ZERO);
            let e = VaultFactoryE::ERC721IncorrectOwner(C::ERC721IncorrectOwner {
                sender: w.carol,
                tokenId: u(3),
                owner: w.alice,
            });
            Bad::call(w.carol, w.vault_factory, &call, e)
        },
    ));
    v.push(case(
        "vault_factory/state/nonexistent_token_rethrows",
        |w| {
            let call = fractionalize(w.nft, u(99), U256::ZERO, w.alice, w.dave, B256::ZERO);
            let e = CollectionE::ERC721NonexistentToken(IpCollection::ERC721NonexistentToken {
                tokenId: u(99),
            });
            Bad::call(w.alice, w.vault_factory, &call, e)
        },
    ));
    v.push(case("vault_factory/range/empty_holders", |w| {
        let mut call = fractionalize(w.nft, u(3), U256::ZERO, w.alice, w.dave, B256::ZERO);
        call.holders.clear();
        call.amounts.clear();
        let e = VaultFactoryE::VaultFactoryInvalidHolders(C::VaultFactoryInvalidHolders {
            holders: U256::ZERO,
            amounts: U256::ZERO,
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case("vault_factory/range/holders_amounts_mismatch", |w| {
        let mut call = fractionalize(w.nft, u(3), U256::ZERO, w.alice, w.dave, B256::ZERO);
        call.amounts.pop();
        let e = VaultFactoryE::VaultFactoryInvalidHolders(C::VaultFactoryInvalidHolders {
            holders: u(2),
            amounts: u(1),
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case("vault_factory/range/name_of_256_bytes", |w| {
        let mut call = fractionalize(w.nft, u(3), U256::ZERO, w.alice, w.dave, B256::ZERO);
        call.name = "n".repeat(256);
        let e = VaultFactoryE::VaultInvalidMetadata(C::VaultInvalidMetadata {
            nameLength: u(256),
            symbolLength: u(3),
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case(
        "vault_factory/range/name_of_96_bytes_rethrown_from_vault",
        |w| {
            let (alice, nft, factory) = (w.alice, w.nft, w.vault_factory);
            let approve = IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            };
            w.ok(alice, nft, &approve);
            let mut call =
                fractionalize(nft, u(3), U256::ZERO, alice, w.dave, B256::repeat_byte(1));
            call.name = "n".repeat(96);
            let e = VaultE::VaultInvalidMetadata(ShareVault::VaultInvalidMetadata {
                nameLength: u(96),
                symbolLength: u(3),
            });
            Bad::call(alice, factory, &call, e)
        },
    ));
    v.push(case("vault_factory/range/256_revenue_tokens", |w| {
        let mut call = fractionalize(w.nft, u(3), U256::ZERO, w.alice, w.dave, B256::ZERO);
        call.revenueTokens = (1..=256u64)
            .map(|i| Address::from_word(B256::from(U256::from(i))))
            .collect();
        let e = VaultFactoryE::VaultTooManyRevenueTokens(C::VaultTooManyRevenueTokens {
            count: u(256),
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case(
        "vault_factory/range/nine_revenue_tokens_rethrown_from_vault",
        |w| {
            let mut call = fractionalize(
                w.nft,
                u(3),
                U256::ZERO,
                w.alice,
                w.dave,
                B256::repeat_byte(1),
            );
            call.revenueTokens = (1..=9u64)
                .map(|i| Address::from_word(B256::from(U256::from(i))))
                .collect();
            let e = VaultE::VaultTooManyRevenueTokens(ShareVault::VaultTooManyRevenueTokens {
                count: u(9),
            });
            Bad::call(w.alice, w.vault_factory, &call, e)
        },
    ));
    v.push(case(
        "vault_factory/zero/holder_zero_rethrown_from_vault",
        |w| {
            let call = fractionalize(
                w.nft,
                u(3),
                U256::ZERO,
                Address::ZERO,
                w.dave,
                B256::repeat_byte(1),
            );
            let e = VaultE::ERC20InvalidReceiver(ShareVault::ERC20InvalidReceiver {
                receiver: Address::ZERO,
            });
            Bad::call(w.alice, w.vault_factory, &call, e)
        },
    ));
    v.push(case(
        "vault_factory/max/supply_overflow_rethrown_from_vault",
        |w| {
            let mut call = fractionalize(
                w.nft,
                u(3),
                U256::ZERO,
                w.alice,
                w.dave,
                B256::repeat_byte(1),
            );
            call.amounts = vec![U256::MAX, u(1)];
            let e =
                VaultE::VaultInvalidSupply(ShareVault::VaultInvalidSupply { supply: U256::MAX });
            Bad::call(w.alice, w.vault_factory, &call, e)
        },
    ));
    v.push(case(
        "vault_factory/range/zero_supply_rethrown_from_vault",
        |w| {
            let mut call = fractionalize(
                w.nft,
                u(3),
                U256::ZERO,
                w.alice,
                w.dave,
                B256::repeat_byte(1),
            );
            call.amounts = vec![U256::ZERO, U256::ZERO];
            let e =
                VaultE::VaultInvalidSupply(ShareVault::VaultInvalidSupply { supply: U256::ZERO });
            Bad::call(w.alice, w.vault_factory, &call, e)
        },
    ));
    v.push(case("vault_factory/state/token_under_locked_lease", |w| {
        let (alice, bob, nft, factory) = (w.alice, w.bob, w.nft, w.vault_factory);
        bought(w, bob, 1, 3600);
        let approve = IpCollection::approveCall {
            to: factory,
            tokenId: u(1),
        };
        w.ok(alice, nft, &approve);
        let call = fractionalize(nft, u(1), U256::ZERO, alice, w.dave, B256::repeat_byte(1));
        let e = VaultFactoryE::VaultFactoryAssetHasUser(C::VaultFactoryAssetHasUser {
            asset: nft,
            id: u(1),
            user: bob,
        });
        Bad::call(alice, factory, &call, e)
    }));
    v.push(case(
        "vault_factory/state/h1d_token_used_by_its_creator",
        |w| {
            // The creator's own user on the token (as owner, until the end
            // of time) would bind the vault and whoever redeems it.
            let (alice, nft, factory) = (w.alice, w.nft, w.vault_factory);
            let set = IpCollection::setUserCall {
                tokenId: u(3),
                user: alice,
                expires: u64::MAX,
            };
            w.ok(alice, nft, &set);
            let approve = IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            };
            w.ok(alice, nft, &approve);
            let call = fractionalize(nft, u(3), U256::ZERO, alice, w.dave, B256::repeat_byte(1));
            let e = VaultFactoryE::VaultFactoryAssetHasUser(C::VaultFactoryAssetHasUser {
                asset: nft,
                id: u(3),
                user: alice,
            });
            Bad::call(alice, factory, &call, e)
        },
    ));
    v.push(case(
        "vault_factory/range/l4_vault_as_its_own_holder",
        |w| {
            let (alice, nft, factory) = (w.alice, w.nft, w.vault_factory);
            let salt = B256::repeat_byte(1);
            let vault = w.view(
                factory,
                &C::predictVaultCall {
                    creator: alice,
                    salt,
                },
            );
            let approve = IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            };
            w.ok(alice, nft, &approve);
            let call = fractionalize(nft, u(3), U256::ZERO, alice, vault, salt);
            let e =
                VaultFactoryE::ERC20InvalidReceiver(C::ERC20InvalidReceiver { receiver: vault });
            Bad::call(alice, factory, &call, e)
        },
    ));
    v.push(case(
        "vault_factory/range/longest_lease_above_the_market_bound",
        |w| {
            let (alice, nft, factory) = (w.alice, w.nft, w.vault_factory);
            let approve = IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            };
            w.ok(alice, nft, &approve);
            let mut call =
                fractionalize(nft, u(3), U256::ZERO, alice, w.dave, B256::repeat_byte(1));
            call.maxLeaseDuration = 5 * 365 * 86_400 + 1;
            let e =
                VaultE::VaultInvalidMaxLeaseDuration(ShareVault::VaultInvalidMaxLeaseDuration {
                    maxLeaseDuration: u(5 * 365 * 86_400 + 1),
                });
            Bad::call(alice, factory, &call, e)
        },
    ));
    v.push(case("vault_factory/state/salt_reused", |w| {
        let call = fractionalize(w.nft, u(3), U256::ZERO, w.alice, w.dave, B256::ZERO);
        let e =
            VaultFactoryE::VaultFactoryVaultExists(C::VaultFactoryVaultExists { vault: w.vault });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case(
        "vault_factory/state/asset_not_approved_rethrows",
        |w| {
            let call = fractionalize(
                w.nft,
                u(3),
                U256::ZERO,
                w.alice,
                w.dave,
                B256::repeat_byte(1),
            );
            let e =
                CollectionE::ERC721InsufficientApproval(IpCollection::ERC721InsufficientApproval {
                    operator: w.vault_factory,
                    tokenId: u(3),
                });
            Bad::call(w.alice, w.vault_factory, &call, e)
        },
    ));
    v.push(case("vault_factory/range/more_units_than_held", |w| {
        let call = fractionalize(w.editions, u(1), u(11), w.alice, w.dave, B256::ZERO);
        let e = VaultFactoryE::ERC1155InsufficientBalance(C::ERC1155InsufficientBalance {
            sender: w.alice,
            balance: u(10),
            needed: u(11),
            tokenId: u(1),
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case("vault_factory/state/units_frozen_by_lease", |w| {
        let call = fractionalize(w.editions, u(1), u(9), w.alice, w.dave, B256::ZERO);
        let e = VaultFactoryE::VaultFactoryAssetLeaseLocked(C::VaultFactoryAssetLeaseLocked {
            asset: w.editions,
            id: u(1),
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case(
        "vault_factory/range/editions_id_as_an_erc721_token",
        |w| {
            // units = 0 asks the editions for ownerOf, which they do not have:
            // their router's empty revert is bubbled.
            let call = fractionalize(w.editions, u(1), U256::ZERO, w.alice, w.dave, B256::ZERO);
            Bad::call(w.alice, w.vault_factory, &call, Expect::Empty)
        },
    ));
    v.push(case("vault_factory/range/erc721_token_as_units", |w| {
        // units > 0 asks the ERC-721 collection for balanceOf(address,uint256).
        let call = fractionalize(w.nft, u(3), u(1), w.alice, w.dave, B256::ZERO);
        let e = VaultFactoryE::ERC1155InsufficientBalance(C::ERC1155InsufficientBalance {
            sender: w.alice,
            balance: U256::ZERO,
            needed: u(1),
            tokenId: u(3),
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
    v.push(case("vault_factory/range/asset_without_code", |w| {
        let call = fractionalize(w.carol, u(1), U256::ZERO, w.alice, w.dave, B256::ZERO);
        let e = VaultFactoryE::ERC721IncorrectOwner(C::ERC721IncorrectOwner {
            sender: w.alice,
            tokenId: u(1),
            owner: Address::ZERO,
        });
        Bad::call(w.alice, w.vault_factory, &call, e)
    }));
}

fn split_cases(v: &mut Vec<Case>) {
    use Split as C;
    v.push(case("split/calldata/truncated_withdraw", |w| {
        let call = C::withdrawCall {
            recipient: w.alice,
            tokens: vec![Address::ZERO],
        };
        Bad::raw(w.carol, w.split, truncated(&call), Expect::Empty)
    }));
    v.push(case("split/calldata/value_to_non_payable_withdraw", |w| {
        let call = C::withdrawCall {
            recipient: w.alice,
            tokens: vec![Address::ZERO],
        };
        Bad::call(w.carol, w.split, &call, Expect::Empty).value(u(1))
    }));
    v.push(case("split/state/initialize_twice", |w| {
        let call = C::initializeCall {
            recipients: vec![w.carol],
            allocations: vec![1_000_000],
            controller: w.carol,
            dustRecipient: w.carol,
        };
        let e = SplitE::InvalidInitialization(C::InvalidInitialization {});
        Bad::call(w.carol, w.split, &call, e)
    }));
    v.push(case("split/state/implementation_refuses_eth", |w| {
        let e = SplitE::SplitNotInitialized(C::SplitNotInitialized {});
        Bad::raw(w.carol, w.split_impl, vec![], e).value(u(ETH as u64))
    }));
    v.push(case("split/state/implementation_withdraw", |w| {
        let call = C::withdrawCall {
            recipient: w.alice,
            tokens: vec![Address::ZERO],
        };
        let e = SplitE::SplitNotInitialized(C::SplitNotInitialized {});
        Bad::call(w.carol, w.split_impl, &call, e)
    }));
    v.push(case("split/unauthorised/update_by_stranger", |w| {
        let call = update_split(vec![w.carol], vec![1_000_000], w.carol);
        let e = SplitE::SplitUnauthorized(C::SplitUnauthorized { caller: w.carol });
        Bad::call(w.carol, w.split, &call, e)
    }));
    v.push(case(
        "split/unauthorised/transfer_control_by_stranger",
        |w| {
            let call = C::transferControlCall {
                newController: w.carol,
            };
            let e = SplitE::SplitUnauthorized(C::SplitUnauthorized { caller: w.carol });
            Bad::call(w.carol, w.split, &call, e)
        },
    ));
    v.push(case("split/zero/transfer_control_to_zero", |w| {
        let call = C::transferControlCall {
            newController: Address::ZERO,
        };
        let e = SplitE::SplitInvalidController(C::SplitInvalidController {
            controller: Address::ZERO,
        });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/unauthorised/accept_without_proposal", |w| {
        let e = SplitE::SplitUnauthorized(C::SplitUnauthorized { caller: w.carol });
        Bad::call(w.carol, w.split, &C::acceptControlCall {}, e)
    }));
    v.push(case("split/unauthorised/accept_by_wrong_account", |w| {
        let (admin, dave, split) = (w.admin(), w.dave, w.split);
        w.ok(
            admin,
            split,
            &C::transferControlCall {
                newController: dave,
            },
        );
        let e = SplitE::SplitUnauthorized(C::SplitUnauthorized { caller: w.carol });
        Bad::call(w.carol, split, &C::acceptControlCall {}, e)
    }));
    v.push(case("split/unauthorised/make_immutable_by_stranger", |w| {
        let e = SplitE::SplitUnauthorized(C::SplitUnauthorized { caller: w.carol });
        Bad::call(w.carol, w.split, &C::makeImmutableCall {}, e)
    }));
    v.push(case(
        "split/unauthorised/cancel_transfer_by_stranger",
        |w| {
            let e = SplitE::SplitUnauthorized(C::SplitUnauthorized { caller: w.carol });
            Bad::call(w.carol, w.split, &C::cancelControlTransferCall {}, e)
        },
    ));
    v.push(case("split/state/update_after_immutable", |w| {
        let (admin, split) = (w.admin(), w.split);
        w.ok(admin, split, &C::makeImmutableCall {});
        let call = update_split(vec![w.alice], vec![1_000_000], w.alice);
        Bad::call(
            admin,
            split,
            &call,
            SplitE::SplitImmutable(C::SplitImmutable {}),
        )
    }));
    v.push(case("split/state/withdraw_nothing_due", |w| {
        let call = C::withdrawCall {
            recipient: w.carol,
            tokens: vec![Address::ZERO],
        };
        let e = SplitE::SplitNothingToWithdraw(C::SplitNothingToWithdraw { recipient: w.carol });
        Bad::call(w.carol, w.split, &call, e)
    }));
    v.push(case("split/range/withdraw_token_without_code", |w| {
        let call = C::withdrawCall {
            recipient: w.alice,
            tokens: vec![w.carol],
        };
        let e = SplitE::SplitBalanceQueryFailed(C::SplitBalanceQueryFailed { token: w.carol });
        Bad::call(w.alice, w.split, &call, e)
    }));
    v.push(case("split/range/update_unsorted", |w| {
        let call = update_split(vec![w.bob, w.alice], SPLIT_ALLOCATIONS.to_vec(), w.alice);
        let e = SplitE::SplitRecipientsNotSorted(C::SplitRecipientsNotSorted { index: u(1) });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/range/update_allocations_not_a_million", |w| {
        let call = update_split(vec![w.alice, w.bob], vec![500_000, 400_000], w.alice);
        let e = SplitE::SplitInvalidAllocationSum(C::SplitInvalidAllocationSum { sum: u(900_000) });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/max/update_allocation_u32_max", |w| {
        let call = update_split(vec![w.alice, w.bob], vec![u32::MAX, 1], w.alice);
        let e = SplitE::SplitInvalidAllocationSum(C::SplitInvalidAllocationSum {
            sum: u(u64::from(u32::MAX) + 1),
        });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/range/update_zero_allocation", |w| {
        let call = update_split(vec![w.alice, w.bob], vec![1_000_000, 0], w.alice);
        let e = SplitE::SplitZeroAllocation(C::SplitZeroAllocation { index: u(1) });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/range/update_dust_recipient_not_listed", |w| {
        let call = update_split(vec![w.alice, w.bob], SPLIT_ALLOCATIONS.to_vec(), w.carol);
        let e = SplitE::SplitInvalidDustRecipient(C::SplitInvalidDustRecipient {
            dustRecipient: w.carol,
        });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/range/update_length_mismatch", |w| {
        let call = update_split(vec![w.alice, w.bob], vec![1_000_000], w.alice);
        let e = SplitE::SplitLengthMismatch(C::SplitLengthMismatch {
            recipients: u(2),
            allocations: u(1),
        });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/range/update_to_nobody", |w| {
        let call = update_split(vec![], vec![], w.alice);
        let e = SplitE::SplitInvalidRecipientCount(C::SplitInvalidRecipientCount {
            count: U256::ZERO,
            max: u(500),
        });
        Bad::call(w.admin(), w.split, &call, e)
    }));
    v.push(case("split/state/l3_update_keeps_old_revenue", |w| {
        // L-3: the split holds 1 ETH and 5 T6 (never touched); the
        // controller moves everything to carol without listing a token.
        // Alice and bob keep their claims; carol has nothing to withdraw.
        let (admin, alice, carol, split) = (w.admin(), w.alice, w.carol, w.split);
        let out =
            w.h.node
                .deploy(
                    carol,
                    stylus_ip_tests::sol::test_token_code("T6", 6).into(),
                    U256::ZERO,
                )
                .expect("devnode");
        let token = out.created.expect("token deployed");
        let mint = stylus_ip_tests::sol::TestToken::mintCall {
            to: split,
            value: u(5_000_000),
        };
        w.ok(carol, token, &mint);
        let update = C::updateSplitCall {
            recipients: vec![carol],
            allocations: vec![1_000_000],
            dustRecipient: carol,
            settleTokens: vec![],
        };
        w.ok(admin, split, &update);
        let claim = C::claimableCall {
            recipient: alice,
            token,
        };
        assert_eq!(w.view(split, &claim), u(3_000_000), "alice's T6 claim");
        let call = C::withdrawCall {
            recipient: carol,
            tokens: vec![Address::ZERO, token],
        };
        let e = SplitE::SplitNothingToWithdraw(C::SplitNothingToWithdraw { recipient: carol });
        Bad::call(carol, split, &call, e)
    }));
}

fn split_factory_cases(v: &mut Vec<Case>) {
    use SplitFactory as C;
    v.push(case("split_factory/calldata/constructor_replay", |w| {
        let mut data = CONSTRUCTOR.to_vec();
        data.extend(w.carol.abi_encode());
        Bad::raw(w.carol, w.split_factory, data, Expect::Empty)
    }));
    v.push(case("split_factory/calldata/array_offset_past_end", |w| {
        let call = create_split(vec![w.alice], vec![1_000_000], w.alice);
        let data = with_word(&call, 0, u(1 << 40));
        Bad::raw(w.carol, w.split_factory, data, Expect::Empty)
    }));
    v.push(case("split_factory/state/same_split_twice", |w| {
        let call = SplitFactory::createSplitCall {
            recipients: vec![w.alice, w.bob],
            allocations: SPLIT_ALLOCATIONS.to_vec(),
            controller: w.admin(),
            dustRecipient: w.alice,
            salt: B256::ZERO,
        };
        let e = SplitFactoryE::SplitFactoryDeployFailed(C::SplitFactoryDeployFailed {
            predicted: w.split,
        });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case("split_factory/range/unsorted_recipients", |w| {
        let call = create_split(vec![w.bob, w.alice], SPLIT_ALLOCATIONS.to_vec(), w.alice);
        let e =
            SplitFactoryE::SplitRecipientsNotSorted(C::SplitRecipientsNotSorted { index: u(1) });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case("split_factory/zero/zero_address_recipient", |w| {
        let call = create_split(
            vec![Address::ZERO, w.alice],
            SPLIT_ALLOCATIONS.to_vec(),
            w.alice,
        );
        let e = SplitFactoryE::SplitZeroAddressRecipient(C::SplitZeroAddressRecipient {});
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case("split_factory/range/length_mismatch", |w| {
        let call = create_split(vec![w.alice, w.bob], vec![1_000_000], w.alice);
        let e = SplitFactoryE::SplitLengthMismatch(C::SplitLengthMismatch {
            recipients: u(2),
            allocations: u(1),
        });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case("split_factory/range/zero_allocation", |w| {
        let call = create_split(vec![w.alice, w.bob], vec![0, 1_000_000], w.alice);
        let e = SplitFactoryE::SplitZeroAllocation(C::SplitZeroAllocation { index: U256::ZERO });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case(
        "split_factory/range/allocations_over_a_million",
        |w| {
            let call = create_split(vec![w.alice, w.bob], vec![600_000, 400_001], w.alice);
            let e = SplitFactoryE::SplitInvalidAllocationSum(C::SplitInvalidAllocationSum {
                sum: u(1_000_001),
            });
            Bad::call(w.carol, w.split_factory, &call, e)
        },
    ));
    v.push(case("split_factory/range/dust_recipient_not_listed", |w| {
        let call = create_split(vec![w.alice, w.bob], SPLIT_ALLOCATIONS.to_vec(), w.carol);
        let e = SplitFactoryE::SplitInvalidDustRecipient(C::SplitInvalidDustRecipient {
            dustRecipient: w.carol,
        });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case("split_factory/range/501_recipients", |w| {
        let recipients: Vec<Address> = (1..=501u64)
            .map(|i| Address::from_word(B256::from(U256::from(i))))
            .collect();
        let mut allocations = vec![1_996u32; 501];
        allocations[0] = 1_000_000 - 1_996 * 500;
        let call = create_split(recipients, allocations, w.alice);
        let e = SplitFactoryE::SplitInvalidRecipientCount(C::SplitInvalidRecipientCount {
            count: u(501),
            max: u(500),
        });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
    v.push(case("split_factory/range/no_recipients", |w| {
        let call = create_split(vec![], vec![], w.alice);
        let e = SplitFactoryE::SplitInvalidRecipientCount(C::SplitInvalidRecipientCount {
            count: U256::ZERO,
            max: u(500),
        });
        Bad::call(w.carol, w.split_factory, &call, e)
    }));
}

fn vault_permit_cases(v: &mut Vec<Case>) {
    use ShareVault as C;
    v.push(case(
        "vault/state/permit_one_second_after_its_deadline",
        |w| {
            let call = signed(
                &owner_key(),
                &vault_domain(w),
                &permit_of(w.carol, sh(1), 0),
            );
            // Valid until its deadline inclusive.
            w.h.node.warp(PERMIT_DEADLINE + 1 - START);
            let e = VaultE::ERC2612ExpiredSignature(C::ERC2612ExpiredSignature {
                deadline: u(PERMIT_DEADLINE),
            });
            Bad::call(w.bob, w.vault, &call, e)
        },
    ));
    v.push(case("vault/zero/permit_deadline_zero", |w| {
        let mut permit = permit_of(w.carol, sh(1), 0);
        permit.deadline = U256::ZERO;
        let call = signed(&owner_key(), &vault_domain(w), &permit);
        let e = VaultE::ERC2612ExpiredSignature(C::ERC2612ExpiredSignature {
            deadline: U256::ZERO,
        });
        Bad::call(w.bob, w.vault, &call, e)
    }));
    v.push(case(
        "vault/unauthorised/permit_signed_by_a_stranger",
        |w| {
            let call = signed(
                &stranger_key(),
                &vault_domain(w),
                &permit_of(w.carol, sh(1), 0),
            );
            let e = invalid_signer(stranger_key().address(), owner_key().address());
            Bad::call(w.bob, w.vault, &call, e)
        },
    ));
    v.push(case("vault/unauthorised/permit_signed_for_less", |w| {
        // Signed for 1 share, submitted for 2: another digest, another signer.
        fund_signer(w, 10);
        let domain = vault_domain(w);
        let mut call = signed(&owner_key(), &domain, &permit_of(w.carol, sh(1), 0));
        call.value = sh(2);
        let signer = recovered(&call, 0, &domain);
        assert_ne!(signer, owner_key().address());
        Bad::call(w.carol, w.vault, &call, invalid_signer(signer, call.owner))
    }));
    v.push(case("vault/unauthorised/permit_for_another_spender", |w| {
        let domain = vault_domain(w);
        let mut call = signed(&owner_key(), &domain, &permit_of(w.carol, sh(1), 0));
        call.spender = w.dave;
        let signer = recovered(&call, 0, &domain);
        Bad::call(w.dave, w.vault, &call, invalid_signer(signer, call.owner))
    }));
    v.push(case("vault/unauthorised/permit_for_another_chain", |w| {
        let other = share_domain(w.chain_id() + 1, w.vault);
        let call = signed(&owner_key(), &other, &permit_of(w.carol, sh(1), 0));
        let signer = recovered(&call, 0, &vault_domain(w));
        Bad::call(w.bob, w.vault, &call, invalid_signer(signer, call.owner))
    }));
    v.push(case("vault/unauthorised/permit_for_another_token", |w| {
        // Signed for the implementation's domain, submitted to the vault.
        let other = share_domain(w.chain_id(), w.vault_impl);
        let call = signed(&owner_key(), &other, &permit_of(w.carol, sh(1), 0));
        let signer = recovered(&call, 0, &vault_domain(w));
        Bad::call(w.bob, w.vault, &call, invalid_signer(signer, call.owner))
    }));
    v.push(case(
        "vault/unauthorised/permit_signed_with_a_future_nonce",
        |w| {
            let domain = vault_domain(w);
            let call = signed(&owner_key(), &domain, &permit_of(w.carol, sh(1), 1));
            let signer = recovered(&call, 0, &domain);
            Bad::call(w.bob, w.vault, &call, invalid_signer(signer, call.owner))
        },
    ));
    v.push(case("vault/state/permit_replayed", |w| {
        let (bob, vault) = (w.bob, w.vault);
        let domain = vault_domain(w);
        let call = signed(&owner_key(), &domain, &permit_of(w.carol, sh(1), 0));
        w.ok(bob, vault, &call);
        // The nonce moved on: the same signature now names a stranger.
        let signer = recovered(&call, 1, &domain);
        assert_ne!(signer, call.owner);
        Bad::call(bob, vault, &call, invalid_signer(signer, call.owner))
    }));
    v.push(case("vault/range/permit_high_s_twin", |w| {
        // s' = n − s with v flipped recovers the owner at the precompile,
        // but malleable signatures are refused.
        let mut call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        let n = U256::from_be_bytes(SECP256K1_N.0);
        call.s = B256::from(n - U256::from_be_bytes(call.s.0));
        call.v = 55 - call.v;
        Bad::call(
            w.bob,
            w.vault,
            &call,
            invalid_signer(Address::ZERO, call.owner),
        )
    }));
    v.push(case("vault/range/permit_v_not_27_or_28", |w| {
        let mut call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        call.v -= 27;
        Bad::call(
            w.bob,
            w.vault,
            &call,
            invalid_signer(Address::ZERO, call.owner),
        )
    }));
    v.push(case("vault/range/permit_r_zero", |w| {
        let mut call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        call.r = B256::ZERO;
        Bad::call(
            w.bob,
            w.vault,
            &call,
            invalid_signer(Address::ZERO, call.owner),
        )
    }));
    v.push(case("vault/zero/permit_zero_owner_zero_signature", |w| {
        let call = C::permitCall {
            owner: Address::ZERO,
            spender: w.carol,
            value: sh(1),
            deadline: u(PERMIT_DEADLINE),
            v: 27,
            r: B256::ZERO,
            s: B256::ZERO,
        };
        Bad::call(
            w.bob,
            w.vault,
            &call,
            invalid_signer(Address::ZERO, Address::ZERO),
        )
    }));
    v.push(case("vault/zero/permit_zero_spender", |w| {
        // A valid signature: the ERC-20's own refusal.
        let call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(Address::ZERO, sh(1), 0),
        );
        let e = VaultE::ERC20InvalidSpender(C::ERC20InvalidSpender {
            spender: Address::ZERO,
        });
        Bad::call(w.bob, w.vault, &call, e)
    }));
    v.push(case("vault/calldata/permit_v_above_255", |w| {
        let call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        let data = with_word(&call, 4, U256::from(256 + u64::from(call.v)));
        Bad::raw(w.bob, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/permit_dirty_owner", |w| {
        let call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        let data = with_word(&call, 0, dirty(call.owner));
        Bad::raw(w.bob, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/permit_dirty_spender", |w| {
        let call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        let data = with_word(&call, 1, dirty(call.spender));
        Bad::raw(w.bob, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/permit_truncated", |w| {
        // The last byte of `s` is missing: never read as zero.
        let call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        Bad::raw(w.bob, w.vault, truncated(&call), Expect::Empty)
    }));
    v.push(case("vault/calldata/value_to_non_payable_permit", |w| {
        // A valid permit: only the value is wrong.
        let call = signed(
            &owner_key(),
            &vault_domain(w),
            &permit_of(w.carol, sh(1), 0),
        );
        Bad::call(w.bob, w.vault, &call, Expect::Empty).value(u(1))
    }));
}

fn vault_pool_cases(v: &mut Vec<Case>) {
    use ShareVault as C;
    fn invalid_pool(pair: Address) -> VaultE {
        VaultE::VaultInvalidPool(C::VaultInvalidPool { pair })
    }
    v.push(case("vault/unauthorised/register_pool_an_account", |w| {
        let call = C::registerPoolCall { pair: w.carol };
        Bad::call(w.carol, w.vault, &call, invalid_pool(w.carol))
    }));
    v.push(case("vault/unauthorised/register_pool_a_holder", |w| {
        // Alice would stop earning: an account without code never qualifies.
        let call = C::registerPoolCall { pair: w.alice };
        Bad::call(w.dave, w.vault, &call, invalid_pool(w.alice))
    }));
    v.push(case("vault/zero/register_pool_zero", |w| {
        let call = C::registerPoolCall {
            pair: Address::ZERO,
        };
        Bad::call(w.carol, w.vault, &call, invalid_pool(Address::ZERO))
    }));
    v.push(case("vault/range/register_pool_not_created_yet", |w| {
        let pair = w.amm.pair_for(w.vault, w.amm.weth);
        Bad::call(
            w.carol,
            w.vault,
            &C::registerPoolCall { pair },
            invalid_pool(pair),
        )
    }));
    v.push(case("vault/range/register_pool_of_other_tokens", |w| {
        // A pair of the right factory, but not of these shares.
        let (factory, weth, editions) = (w.amm.factory, w.amm.weth, w.editions);
        let pair = create_pair(w, factory, weth, editions);
        Bad::call(
            w.carol,
            w.vault,
            &C::registerPoolCall { pair },
            invalid_pool(pair),
        )
    }));
    v.push(case("vault/range/register_pool_of_another_factory", |w| {
        // A genuine Uniswap V2 pair of the shares, from a factory the vault
        // does not know.
        let other = stylus_ip_tests::uniswap::deploy(&mut w.h);
        let vault = w.vault;
        let pair = create_pair(w, other.factory, vault, other.weth);
        Bad::call(
            w.carol,
            vault,
            &C::registerPoolCall { pair },
            invalid_pool(pair),
        )
    }));
    v.push(case("vault/range/register_pool_the_factory_itself", |w| {
        let pair = w.amm.factory;
        Bad::call(
            w.carol,
            w.vault,
            &C::registerPoolCall { pair },
            invalid_pool(pair),
        )
    }));
    v.push(case("vault/state/register_pool_twice", |w| {
        let (carol, vault) = (w.carol, w.vault);
        let pair = share_pair(w);
        w.ok(carol, vault, &C::registerPoolCall { pair });
        Bad::call(
            carol,
            vault,
            &C::registerPoolCall { pair },
            invalid_pool(pair),
        )
    }));
    v.push(case("vault/state/register_pool_the_buyout_module", |w| {
        // Non-accruing since initialisation, and no pair.
        let pair = w.buyout;
        Bad::call(
            w.carol,
            w.vault,
            &C::registerPoolCall { pair },
            invalid_pool(pair),
        )
    }));
    v.push(case(
        "vault/state/register_pool_without_an_amm_factory",
        |w| {
            // A vault created with pools off: even a real pair of its shares.
            let vault = featureless_vault(w);
            let (factory, weth) = (w.amm.factory, w.amm.weth);
            let pair = create_pair(w, factory, vault, weth);
            Bad::call(
                w.carol,
                vault,
                &C::registerPoolCall { pair },
                invalid_pool(pair),
            )
        },
    ));
    v.push(case("vault/calldata/register_pool_dirty_address", |w| {
        let pair = share_pair(w);
        let data = with_word(&C::registerPoolCall { pair }, 0, dirty(pair));
        Bad::raw(w.carol, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/register_pool_short", |w| {
        let pair = share_pair(w);
        Bad::raw(
            w.carol,
            w.vault,
            truncated(&C::registerPoolCall { pair }),
            Expect::Empty,
        )
    }));
    v.push(case(
        "vault/calldata/value_to_non_payable_register_pool",
        |w| {
            // A pair that qualifies: only the value is wrong.
            let pair = share_pair(w);
            Bad::call(
                w.carol,
                w.vault,
                &C::registerPoolCall { pair },
                Expect::Empty,
            )
            .value(u(1))
        },
    ));
}

fn vault_buyout_cases(v: &mut Vec<Case>) {
    use ShareVault as C;
    fn not_buyout(account: Address) -> VaultE {
        VaultE::VaultNotBuyout(C::VaultNotBuyout { account })
    }
    fn not_active() -> VaultE {
        VaultE::VaultNotActive(C::VaultNotActive {})
    }
    v.push(case(
        "vault/unauthorised/release_asset_by_a_stranger",
        |w| {
            let call = C::releaseAssetCall { to: w.carol };
            Bad::call(w.carol, w.vault, &call, not_buyout(w.carol))
        },
    ));
    v.push(case(
        "vault/unauthorised/release_asset_by_the_curator",
        |w| {
            let call = C::releaseAssetCall { to: w.alice };
            Bad::call(w.alice, w.vault, &call, not_buyout(w.alice))
        },
    ));
    v.push(case(
        "vault/unauthorised/release_asset_by_a_full_owner",
        |w| {
            // Even 100 % of the shares is no buyout: that is what redeem is for.
            let (alice, dave, vault) = (w.alice, w.dave, w.vault);
            let call = C::transferCall {
                to: alice,
                value: u128_u(VAULT_SHARES[1]),
            };
            w.ok(dave, vault, &call);
            Bad::call(
                alice,
                vault,
                &C::releaseAssetCall { to: alice },
                not_buyout(alice),
            )
        },
    ));
    v.push(case(
        "vault/unauthorised/release_asset_by_the_factory",
        |w| {
            let factory = impersonate(w, w.vault_factory);
            let call = C::releaseAssetCall { to: w.carol };
            Bad::call(factory, w.vault, &call, not_buyout(factory))
        },
    ));
    v.push(case(
        "vault/unauthorised/release_asset_by_the_offering",
        |w| {
            let offering = impersonate(w, w.offering);
            let call = C::releaseAssetCall { to: w.carol };
            Bad::call(offering, w.vault, &call, not_buyout(offering))
        },
    ));
    v.push(case(
        "vault/unauthorised/release_asset_without_a_buyout_module",
        |w| {
            // The suite's buyout is no module of a vault created without one.
            let vault = featureless_vault(w);
            let buyout = impersonate(w, w.buyout);
            let call = C::releaseAssetCall { to: buyout };
            Bad::call(buyout, vault, &call, not_buyout(buyout))
        },
    ));
    v.push(case("vault/state/release_asset_after_redeem", |w| {
        redeemed(w);
        let buyout = impersonate(w, w.buyout);
        let call = C::releaseAssetCall { to: w.carol };
        Bad::call(buyout, w.vault, &call, not_active())
    }));
    v.push(case("vault/state/release_asset_after_a_buyout", |w| {
        bought_out(w);
        let buyout = impersonate(w, w.buyout);
        let call = C::releaseAssetCall { to: w.carol };
        Bad::call(buyout, w.vault, &call, not_active())
    }));
    v.push(case("vault/state/redeem_after_a_buyout", |w| {
        bought_out(w);
        Bad::call(w.dave, w.vault, &C::redeemCall {}, not_active())
    }));
    v.push(case("vault/state/create_offer_after_a_buyout", |w| {
        bought_out(w);
        let call = C::createOfferCall {
            amount: 0,
            terms: vault_terms(w.vault, Address::ZERO, 3600),
        };
        Bad::call(w.alice, w.vault, &call, not_active())
    }));
    v.push(case("vault/calldata/release_asset_short", |w| {
        // From the buyout module, which may release: 31 bytes of `to` are
        // never read as an address.
        let buyout = impersonate(w, w.buyout);
        let call = C::releaseAssetCall { to: w.carol };
        Bad::raw(buyout, w.vault, truncated(&call), Expect::Empty)
    }));
    v.push(case("vault/calldata/release_asset_selector_only", |w| {
        let buyout = impersonate(w, w.buyout);
        let data = C::releaseAssetCall::SELECTOR.to_vec();
        Bad::raw(buyout, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/release_asset_dirty_address", |w| {
        let buyout = impersonate(w, w.buyout);
        let call = C::releaseAssetCall { to: w.carol };
        let data = with_word(&call, 0, dirty(w.carol));
        Bad::raw(buyout, w.vault, data, Expect::Empty)
    }));
    v.push(case(
        "vault/calldata/value_to_non_payable_release_asset",
        |w| {
            let buyout = impersonate(w, w.buyout);
            w.h.node.fund(buyout, U256::from(ETH));
            let call = C::releaseAssetCall { to: w.carol };
            Bad::call(buyout, w.vault, &call, Expect::Empty).value(u(1))
        },
    ));
}

/// Malformed calls to the vault's other hand-decoded entry points (views
/// included) and value sent to them.
fn vault_view_calldata_cases(v: &mut Vec<Case>) {
    use ShareVault as C;
    v.push(case("vault/calldata/nonces_selector_only", |w| {
        Bad::raw(
            w.carol,
            w.vault,
            C::noncesCall::SELECTOR.to_vec(),
            Expect::Empty,
        )
    }));
    v.push(case("vault/calldata/nonces_dirty_address", |w| {
        let data = with_word(&C::noncesCall { owner: w.alice }, 0, dirty(w.alice));
        Bad::raw(w.carol, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/accrues_short", |w| {
        let data = selector_and(C::accruesCall::SELECTOR, 20);
        Bad::raw(w.carol, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/accrues_dirty_address", |w| {
        let data = with_word(&C::accruesCall { account: w.alice }, 0, dirty(w.alice));
        Bad::raw(w.carol, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/transfer_from_dirty_receiver", |w| {
        let call = C::transferFromCall {
            from: w.alice,
            to: w.carol,
            value: U256::ZERO,
        };
        let data = with_word(&call, 1, dirty(w.carol));
        Bad::raw(w.alice, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/approve_short", |w| {
        let call = C::approveCall {
            spender: w.carol,
            value: sh(1),
        };
        let data = call.abi_encode()[..4 + 32 + 16].to_vec();
        Bad::raw(w.alice, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/claim_offset_past_end", |w| {
        let call = C::claimCall {
            tokens: vec![Address::ZERO],
        };
        let data = with_word(&call, 0, u(0x1000));
        Bad::raw(w.alice, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/claim_dirty_token", |w| {
        let call = C::claimCall {
            tokens: vec![Address::ZERO],
        };
        // Head, length, then the one item.
        let data = with_word(&call, 2, dirty(Address::ZERO));
        Bad::raw(w.alice, w.vault, data, Expect::Empty)
    }));
    v.push(case("vault/calldata/value_to_nonces", |w| {
        let call = C::noncesCall { owner: w.alice };
        Bad::call(w.carol, w.vault, &call, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_domain_separator", |w| {
        Bad::call(w.carol, w.vault, &C::DOMAIN_SEPARATORCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_eip712_domain", |w| {
        Bad::call(w.carol, w.vault, &C::eip712DomainCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_accrues", |w| {
        let call = C::accruesCall { account: w.alice };
        Bad::call(w.carol, w.vault, &call, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_accruing_supply", |w| {
        Bad::call(w.carol, w.vault, &C::accruingSupplyCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_amm_factory", |w| {
        Bad::call(w.carol, w.vault, &C::ammFactoryCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_buyout", |w| {
        Bad::call(w.carol, w.vault, &C::buyoutCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("vault/calldata/value_to_transfer", |w| {
        let call = C::transferCall {
            to: w.carol,
            value: sh(1),
        };
        Bad::call(w.alice, w.vault, &call, Expect::Empty).value(u(1))
    }));
}

fn offering_cases(v: &mut Vec<Case>) {
    use ShareOffering as C;

    // createOffering
    v.push(case("offering/zero/create_zero_shares", |w| {
        let mut call = create_offering(w);
        call.shares = U256::ZERO;
        let e = OfferingE::OfferingZeroShares(C::OfferingZeroShares {});
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/zero/create_zero_price", |w| {
        let mut call = create_offering(w);
        call.price = U256::ZERO;
        let e = OfferingE::OfferingZeroPrice(C::OfferingZeroPrice {});
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/max/create_u256_max_shares", |w| {
        let mut call = create_offering(w);
        call.shares = U256::MAX;
        let e = OfferingE::OfferingTooLarge(C::OfferingTooLarge {
            shares: U256::MAX,
            price: wei(OFFER_PRICE),
        });
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/max/create_u256_max_price", |w| {
        let mut call = create_offering(w);
        call.price = U256::MAX;
        let e = OfferingE::OfferingTooLarge(C::OfferingTooLarge {
            shares: sh(OFFER_SHARES),
            price: U256::MAX,
        });
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/range/create_min_raise_above_cost", |w| {
        let mut call = create_offering(w);
        call.minRaise = U256::from(ETH) + U256::from(1);
        let e = OfferingE::OfferingMinRaiseAboveCost(C::OfferingMinRaiseAboveCost {
            minRaise: call.minRaise,
            cost: U256::from(ETH),
        });
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/range/create_deadline_now", |w| {
        let mut call = create_offering(w);
        call.deadline = START;
        Bad::call(w.alice, w.offering, &call, invalid_deadline(START))
    }));
    v.push(case("offering/zero/create_deadline_zero", |w| {
        let mut call = create_offering(w);
        call.deadline = 0;
        Bad::call(w.alice, w.offering, &call, invalid_deadline(0))
    }));
    v.push(case(
        "offering/range/create_deadline_past_the_longest",
        |w| {
            let mut call = create_offering(w);
            call.deadline = START + MAX_OFFERING_DURATION + 1;
            Bad::call(w.alice, w.offering, &call, invalid_deadline(call.deadline))
        },
    ));
    v.push(case("offering/max/create_deadline_u64_max", |w| {
        let mut call = create_offering(w);
        call.deadline = u64::MAX;
        Bad::call(w.alice, w.offering, &call, invalid_deadline(u64::MAX))
    }));
    v.push(case("offering/zero/create_zero_payee", |w| {
        let mut call = create_offering(w);
        call.payee = Address::ZERO;
        let e = OfferingE::OfferingInvalidPayee(C::OfferingInvalidPayee {
            payee: Address::ZERO,
        });
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case(
        "offering/range/create_paying_the_offering_itself",
        |w| {
            let mut call = create_offering(w);
            call.payee = w.offering;
            let e = OfferingE::OfferingInvalidPayee(C::OfferingInvalidPayee { payee: w.offering });
            Bad::call(w.alice, w.offering, &call, e)
        },
    ));
    v.push(case(
        "offering/range/create_in_a_token_off_the_allow_list",
        |w| {
            let mut call = create_offering(w);
            call.paymentToken = w.amm.weth;
            let e = OfferingE::OfferingTokenNotAllowed(C::OfferingTokenNotAllowed {
                vault: w.vault,
                token: w.amm.weth,
            });
            Bad::call(w.alice, w.offering, &call, e)
        },
    ));
    v.push(case(
        "offering/range/create_in_a_token_for_an_account",
        |w| {
            // `vault` is no contract: it lists no revenue token.
            let mut call = create_offering(w);
            call.vault = w.carol;
            call.paymentToken = w.amm.weth;
            let e = OfferingE::OfferingTokenNotAllowed(C::OfferingTokenNotAllowed {
                vault: w.carol,
                token: w.amm.weth,
            });
            Bad::call(w.alice, w.offering, &call, e)
        },
    ));
    v.push(case("offering/zero/create_for_the_zero_vault", |w| {
        let mut call = create_offering(w);
        call.vault = Address::ZERO;
        let e = OfferingE::SafeErc20FailedOperation(C::SafeErc20FailedOperation {
            token: Address::ZERO,
        });
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/unauthorised/create_without_approval", |w| {
        let call = create_offering(w);
        let e = no_allowance(w.offering, U256::ZERO, sh(OFFER_SHARES));
        Bad::call(w.alice, w.offering, &call, e)
    }));
    v.push(case("offering/range/create_more_shares_than_held", |w| {
        let (carol, offering) = (w.carol, w.offering);
        approve_shares(w, carol, offering, U256::MAX);
        let call = create_offering(w);
        let e = short_balance(carol, U256::ZERO, sh(OFFER_SHARES));
        Bad::call(carol, offering, &call, e)
    }));
    v.push(case("offering/calldata/create_truncated", |w| {
        let (alice, offering) = (w.alice, w.offering);
        approve_shares(w, alice, offering, sh(OFFER_SHARES));
        let data = truncated(&create_offering(w));
        Bad::raw(alice, offering, data, Expect::Empty)
    }));
    v.push(case("offering/calldata/create_seven_words", |w| {
        let (alice, offering) = (w.alice, w.offering);
        approve_shares(w, alice, offering, sh(OFFER_SHARES));
        let data = create_offering(w).abi_encode()[..4 + 7 * 32].to_vec();
        Bad::raw(alice, offering, data, Expect::Empty)
    }));
    v.push(case("offering/calldata/create_dirty_vault", |w| {
        let (alice, offering) = (w.alice, w.offering);
        approve_shares(w, alice, offering, sh(OFFER_SHARES));
        let data = with_word(&create_offering(w), 0, dirty(w.vault));
        Bad::raw(alice, offering, data, Expect::Empty)
    }));
    v.push(case("offering/calldata/create_dirty_payee", |w| {
        let (alice, offering) = (w.alice, w.offering);
        approve_shares(w, alice, offering, sh(OFFER_SHARES));
        let data = with_word(&create_offering(w), 7, dirty(alice));
        Bad::raw(alice, offering, data, Expect::Empty)
    }));
    v.push(case(
        "offering/calldata/create_deadline_above_uint64",
        |w| {
            let (alice, offering) = (w.alice, w.offering);
            approve_shares(w, alice, offering, sh(OFFER_SHARES));
            let deadline = U256::from(OFFER_DEADLINE) | (U256::from(1) << 64);
            let data = with_word(&create_offering(w), 5, deadline);
            Bad::raw(alice, offering, data, Expect::Empty)
        },
    ));
    v.push(case("offering/calldata/value_to_non_payable_create", |w| {
        // An offering that would open: only the value is wrong.
        let (alice, offering) = (w.alice, w.offering);
        approve_shares(w, alice, offering, sh(OFFER_SHARES));
        Bad::call(alice, offering, &create_offering(w), Expect::Empty).value(u(1))
    }));

    // buy
    v.push(case("offering/state/buy_unknown_id", |w| {
        let call = C::buyCall {
            id: u(7),
            shares: sh(1),
        };
        Bad::call(w.bob, w.offering, &call, offering_unknown(u(7))).value(offer_cost(sh(1)))
    }));
    v.push(case("offering/zero/buy_id_zero", |w| {
        offered(w);
        let call = C::buyCall {
            id: U256::ZERO,
            shares: sh(1),
        };
        Bad::call(w.bob, w.offering, &call, offering_unknown(U256::ZERO)).value(offer_cost(sh(1)))
    }));
    v.push(case("offering/zero/buy_zero_shares", |w| {
        let id = offered(w);
        let call = C::buyCall {
            id,
            shares: U256::ZERO,
        };
        let e = OfferingE::OfferingZeroShares(C::OfferingZeroShares {});
        Bad::call(w.bob, w.offering, &call, e)
    }));
    v.push(case("offering/range/buy_more_than_offered", |w| {
        let id = offered(w);
        let call = C::buyCall {
            id,
            shares: sh(OFFER_SHARES) + U256::from(1),
        };
        let e = OfferingE::OfferingInsufficientShares(C::OfferingInsufficientShares {
            id,
            available: sh(OFFER_SHARES),
            requested: call.shares,
        });
        Bad::call(w.bob, w.offering, &call, e).value(offer_cost(call.shares))
    }));
    v.push(case("offering/max/buy_u256_max", |w| {
        let id = offered(w);
        let call = C::buyCall {
            id,
            shares: U256::MAX,
        };
        let e = OfferingE::OfferingInsufficientShares(C::OfferingInsufficientShares {
            id,
            available: sh(OFFER_SHARES),
            requested: U256::MAX,
        });
        Bad::call(w.bob, w.offering, &call, e)
    }));
    v.push(case("offering/range/buy_above_the_cap", |w| {
        let id = offered(w);
        let call = C::buyCall {
            id,
            shares: sh(OFFER_CAP) + U256::from(1),
        };
        let e = OfferingE::OfferingCapExceeded(C::OfferingCapExceeded {
            id,
            cap: sh(OFFER_CAP),
            total: call.shares,
        });
        Bad::call(w.bob, w.offering, &call, e).value(offer_cost(call.shares))
    }));
    v.push(case(
        "offering/range/buy_above_the_cap_in_two_purchases",
        |w| {
            let (bob, id) = (w.bob, offered(w));
            bought_offered(w, bob, id, 30);
            let call = C::buyCall { id, shares: sh(21) };
            let e = OfferingE::OfferingCapExceeded(C::OfferingCapExceeded {
                id,
                cap: sh(OFFER_CAP),
                total: sh(51),
            });
            Bad::call(bob, w.offering, &call, e).value(offer_cost(sh(21)))
        },
    ));
    v.push(case("offering/range/buy_paying_one_wei_too_little", |w| {
        let id = offered(w);
        let call = C::buyCall { id, shares: sh(10) };
        let cost = offer_cost(sh(10));
        let e = OfferingE::OfferingWrongValue(C::OfferingWrongValue {
            expected: cost,
            value: cost - U256::from(1),
        });
        Bad::call(w.bob, w.offering, &call, e).value(cost - U256::from(1))
    }));
    v.push(case("offering/range/buy_paying_one_wei_too_much", |w| {
        let id = offered(w);
        let call = C::buyCall { id, shares: sh(10) };
        let cost = offer_cost(sh(10));
        let e = OfferingE::OfferingWrongValue(C::OfferingWrongValue {
            expected: cost,
            value: cost + U256::from(1),
        });
        Bad::call(w.bob, w.offering, &call, e).value(cost + U256::from(1))
    }));
    v.push(case("offering/zero/buy_without_paying", |w| {
        let id = offered(w);
        let call = C::buyCall { id, shares: sh(1) };
        let e = OfferingE::OfferingWrongValue(C::OfferingWrongValue {
            expected: offer_cost(sh(1)),
            value: U256::ZERO,
        });
        Bad::call(w.bob, w.offering, &call, e)
    }));
    v.push(case(
        "offering/range/buy_with_eth_from_a_token_offering",
        |w| {
            // A vault with WETH as revenue token, offered for WETH: no ETH.
            let (alice, dave, nft, factory, offering, weth) = (
                w.alice,
                w.dave,
                w.nft,
                w.vault_factory,
                w.offering,
                w.amm.weth,
            );
            let approve = IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            };
            w.ok(alice, nft, &approve);
            let mut call = fractionalize(nft, u(3), U256::ZERO, alice, dave, B256::repeat_byte(3));
            call.revenueTokens = vec![weth];
            let vault = w.ok(alice, factory, &call);
            let approve = ShareVault::approveCall {
                spender: offering,
                value: sh(OFFER_SHARES),
            };
            w.ok(alice, vault, &approve);
            let mut create = create_offering(w);
            create.vault = vault;
            create.paymentToken = weth;
            let id = w.ok(alice, offering, &create);
            let call = C::buyCall { id, shares: sh(1) };
            let e = OfferingE::OfferingWrongValue(C::OfferingWrongValue {
                expected: U256::ZERO,
                value: offer_cost(sh(1)),
            });
            Bad::call(w.bob, offering, &call, e).value(offer_cost(sh(1)))
        },
    ));
    v.push(case("offering/state/buy_after_the_deadline", |w| {
        let id = offered(w);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        let call = C::buyCall { id, shares: sh(1) };
        // Nothing raised: refunding (3).
        let e = OfferingE::OfferingNotOpen(C::OfferingNotOpen { id, state: 3 });
        Bad::call(w.bob, w.offering, &call, e).value(offer_cost(sh(1)))
    }));
    v.push(case("offering/state/buy_sold_out", |w| {
        let (bob, dave, id) = (w.bob, w.dave, offered(w));
        bought_offered(w, bob, id, OFFER_CAP);
        bought_offered(w, dave, id, OFFER_CAP);
        let call = C::buyCall { id, shares: sh(1) };
        // Sold out before the deadline, 1 ETH raised: succeeded (2).
        let e = OfferingE::OfferingNotOpen(C::OfferingNotOpen { id, state: 2 });
        Bad::call(w.carol, w.offering, &call, e).value(offer_cost(sh(1)))
    }));
    v.push(case("offering/calldata/buy_truncated", |w| {
        let id = offered(w);
        let call = C::buyCall { id, shares: sh(1) };
        Bad::raw(w.bob, w.offering, truncated(&call), Expect::Empty).value(offer_cost(sh(1)))
    }));

    // refund
    v.push(case("offering/state/refund_unknown_id", |w| {
        Bad::call(
            w.bob,
            w.offering,
            &C::refundCall { id: u(7) },
            offering_unknown(u(7)),
        )
    }));
    v.push(case("offering/state/refund_while_open", |w| {
        let (bob, id) = (w.bob, offered(w));
        bought_offered(w, bob, id, 10);
        let e = OfferingE::OfferingNotFailed(C::OfferingNotFailed { id, state: 1 });
        Bad::call(bob, w.offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/state/refund_after_success", |w| {
        let (bob, id) = (w.bob, offered(w));
        bought_offered(w, bob, id, OFFER_CAP);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        let e = OfferingE::OfferingNotFailed(C::OfferingNotFailed { id, state: 2 });
        Bad::call(bob, w.offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/state/refund_after_the_window", |w| {
        let (bob, id) = (w.bob, offered(w));
        bought_offered(w, bob, id, 10);
        w.h.node.warp(OFFER_DEADLINE + REFUND_WINDOW + 1 - START);
        let e = OfferingE::OfferingRefundWindowOver(C::OfferingRefundWindowOver {
            id,
            windowEnd: OFFER_DEADLINE + REFUND_WINDOW,
        });
        Bad::call(bob, w.offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/unauthorised/refund_by_a_non_buyer", |w| {
        let (bob, carol, id) = (w.bob, w.carol, offered(w));
        bought_offered(w, bob, id, 10);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        let e = OfferingE::OfferingNothingToRefund(C::OfferingNothingToRefund { id, buyer: carol });
        Bad::call(carol, w.offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/state/refund_twice", |w| {
        let (bob, offering, id) = (w.bob, w.offering, offered(w));
        bought_offered(w, bob, id, 10);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        approve_shares(w, bob, offering, sh(10));
        w.ok(bob, offering, &C::refundCall { id });
        let e = OfferingE::OfferingNothingToRefund(C::OfferingNothingToRefund { id, buyer: bob });
        Bad::call(bob, offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/unauthorised/refund_without_approval", |w| {
        let (bob, id) = (w.bob, offered(w));
        bought_offered(w, bob, id, 10);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        let e = no_allowance(w.offering, U256::ZERO, sh(10));
        Bad::call(bob, w.offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/state/refund_of_shares_sold_on", |w| {
        // Bob passed his shares to carol: he cannot return them.
        let (bob, carol, offering, vault, id) = (w.bob, w.carol, w.offering, w.vault, offered(w));
        bought_offered(w, bob, id, 10);
        let call = ShareVault::transferCall {
            to: carol,
            value: sh(10),
        };
        w.ok(bob, vault, &call);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        approve_shares(w, bob, offering, sh(10));
        let e = short_balance(bob, U256::ZERO, sh(10));
        Bad::call(bob, offering, &C::refundCall { id }, e)
    }));
    v.push(case("offering/calldata/value_to_non_payable_refund", |w| {
        // A refund that would succeed: only the value is wrong.
        let (bob, offering, id) = (w.bob, w.offering, offered(w));
        bought_offered(w, bob, id, 10);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        approve_shares(w, bob, offering, sh(10));
        Bad::call(bob, offering, &C::refundCall { id }, Expect::Empty).value(u(1))
    }));

    // withdrawProceeds
    v.push(case("offering/state/withdraw_proceeds_unknown_id", |w| {
        let call = C::withdrawProceedsCall { id: u(7) };
        Bad::call(w.carol, w.offering, &call, offering_unknown(u(7)))
    }));
    v.push(case(
        "offering/state/withdraw_proceeds_below_the_minimum",
        |w| {
            let (bob, id) = (w.bob, offered(w));
            bought_offered(w, bob, id, 10);
            let call = C::withdrawProceedsCall { id };
            Bad::call(w.alice, w.offering, &call, nothing_to_withdraw(id))
        },
    ));
    v.push(case(
        "offering/state/withdraw_proceeds_while_refunding",
        |w| {
            let (bob, id) = (w.bob, offered(w));
            bought_offered(w, bob, id, 10);
            w.h.node.warp(OFFER_DEADLINE + 1 - START);
            let call = C::withdrawProceedsCall { id };
            Bad::call(w.alice, w.offering, &call, nothing_to_withdraw(id))
        },
    ));
    v.push(case("offering/state/withdraw_proceeds_twice", |w| {
        let (bob, carol, offering, id) = (w.bob, w.carol, w.offering, offered(w));
        bought_offered(w, bob, id, OFFER_CAP);
        let call = C::withdrawProceedsCall { id };
        w.ok(carol, offering, &call);
        Bad::call(carol, offering, &call, nothing_to_withdraw(id))
    }));
    v.push(case(
        "offering/range/withdraw_proceeds_to_a_payee_refusing_eth",
        |w| {
            // The buyout module has no receive: the payout reverts, stays due.
            let (alice, bob, offering, buyout) = (w.alice, w.bob, w.offering, w.buyout);
            approve_shares(w, alice, offering, sh(OFFER_SHARES));
            let mut create = create_offering(w);
            create.payee = buyout;
            let id = w.ok(alice, offering, &create);
            bought_offered(w, bob, id, OFFER_CAP);
            let e = OfferingE::OfferingEthTransferFailed(C::OfferingEthTransferFailed {
                to: buyout,
                amount: offer_cost(sh(OFFER_CAP)),
            });
            Bad::call(alice, offering, &C::withdrawProceedsCall { id }, e)
        },
    ));
    v.push(case(
        "offering/calldata/value_to_non_payable_withdraw_proceeds",
        |w| {
            let (bob, id) = (w.bob, offered(w));
            bought_offered(w, bob, id, OFFER_CAP);
            let call = C::withdrawProceedsCall { id };
            Bad::call(w.alice, w.offering, &call, Expect::Empty).value(u(1))
        },
    ));

    // withdrawShares
    v.push(case("offering/state/withdraw_shares_unknown_id", |w| {
        let call = C::withdrawSharesCall { id: u(7) };
        Bad::call(w.alice, w.offering, &call, offering_unknown(u(7)))
    }));
    v.push(case(
        "offering/unauthorised/withdraw_shares_by_a_stranger",
        |w| {
            let id = offered(w);
            w.h.node.warp(OFFER_DEADLINE + 1 - START);
            let e = OfferingE::OfferingNotSeller(C::OfferingNotSeller {
                id,
                account: w.carol,
            });
            Bad::call(w.carol, w.offering, &C::withdrawSharesCall { id }, e)
        },
    ));
    v.push(case(
        "offering/unauthorised/withdraw_shares_by_the_payee",
        |w| {
            // The payee (dave) is not the seller (alice).
            let (alice, dave, offering) = (w.alice, w.dave, w.offering);
            approve_shares(w, alice, offering, sh(OFFER_SHARES));
            let mut create = create_offering(w);
            create.payee = dave;
            let id = w.ok(alice, offering, &create);
            w.h.node.warp(OFFER_DEADLINE + 1 - START);
            let e = OfferingE::OfferingNotSeller(C::OfferingNotSeller { id, account: dave });
            Bad::call(dave, offering, &C::withdrawSharesCall { id }, e)
        },
    ));
    v.push(case("offering/state/withdraw_shares_while_open", |w| {
        let id = offered(w);
        let e = OfferingE::OfferingNotClosed(C::OfferingNotClosed { id });
        Bad::call(w.alice, w.offering, &C::withdrawSharesCall { id }, e)
    }));
    v.push(case("offering/state/withdraw_shares_sold_out", |w| {
        let (bob, dave, id) = (w.bob, w.dave, offered(w));
        bought_offered(w, bob, id, OFFER_CAP);
        bought_offered(w, dave, id, OFFER_CAP);
        let call = C::withdrawSharesCall { id };
        Bad::call(w.alice, w.offering, &call, nothing_to_withdraw(id))
    }));
    v.push(case("offering/state/withdraw_shares_twice", |w| {
        let (alice, offering, id) = (w.alice, w.offering, offered(w));
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        let call = C::withdrawSharesCall { id };
        w.ok(alice, offering, &call);
        Bad::call(alice, offering, &call, nothing_to_withdraw(id))
    }));
    v.push(case(
        "offering/calldata/value_to_non_payable_withdraw_shares",
        |w| {
            let id = offered(w);
            w.h.node.warp(OFFER_DEADLINE + 1 - START);
            let call = C::withdrawSharesCall { id };
            Bad::call(w.alice, w.offering, &call, Expect::Empty).value(u(1))
        },
    ));

    // Views (served by the hand-decoding fallback but for `offeringCount`).
    v.push(case("offering/state/offering_unknown_id", |w| {
        let call = C::offeringCall { id: u(7) };
        Bad::call(w.carol, w.offering, &call, offering_unknown(u(7)))
    }));
    v.push(case("offering/calldata/offering_short", |w| {
        let id = offered(w);
        Bad::raw(
            w.carol,
            w.offering,
            truncated(&C::offeringCall { id }),
            Expect::Empty,
        )
    }));
    v.push(case("offering/calldata/purchase_one_word", |w| {
        let id = offered(w);
        let call = C::purchaseCall { id, buyer: w.bob };
        let data = call.abi_encode()[..36].to_vec();
        Bad::raw(w.carol, w.offering, data, Expect::Empty)
    }));
    v.push(case("offering/calldata/purchase_dirty_buyer", |w| {
        let id = offered(w);
        let call = C::purchaseCall { id, buyer: w.bob };
        Bad::raw(
            w.carol,
            w.offering,
            with_word(&call, 1, dirty(w.bob)),
            Expect::Empty,
        )
    }));
    v.push(case("offering/calldata/value_to_offering", |w| {
        let id = offered(w);
        Bad::call(w.carol, w.offering, &C::offeringCall { id }, Expect::Empty).value(u(1))
    }));
    v.push(case("offering/calldata/value_to_offering_count", |w| {
        Bad::call(w.carol, w.offering, &C::offeringCountCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("offering/calldata/value_to_refund_window", |w| {
        Bad::call(w.carol, w.offering, &C::REFUND_WINDOWCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("offering/calldata/plain_eth", |w| {
        Bad::raw(w.carol, w.offering, Vec::new(), Expect::Empty).value(u(1))
    }));
}

fn buyout_cases(v: &mut Vec<Case>) {
    use ShareBuyout as C;
    fn propose(vault: Address, shares: U256) -> C::proposeCall {
        C::proposeCall { vault, shares }
    }
    fn unsupported(vault: Address) -> BuyoutE {
        BuyoutE::BuyoutUnsupportedVault(C::BuyoutUnsupportedVault {
            vault,
            buyout: Address::ZERO,
        })
    }
    fn zero_amount() -> BuyoutE {
        BuyoutE::BuyoutZeroAmount(C::BuyoutZeroAmount {})
    }

    // propose
    v.push(case("buyout/range/propose_for_an_account", |w| {
        let call = propose(w.carol, U256::ZERO);
        Bad::call(w.alice, w.buyout, &call, unsupported(w.carol)).value(u(1))
    }));
    v.push(case("buyout/range/propose_for_another_contract", |w| {
        // The collection answers no `buyout()`.
        let call = propose(w.nft, U256::ZERO);
        Bad::call(w.alice, w.buyout, &call, unsupported(w.nft)).value(u(1))
    }));
    v.push(case("buyout/range/propose_for_the_implementation", |w| {
        let call = propose(w.vault_impl, U256::ZERO);
        Bad::call(w.alice, w.buyout, &call, unsupported(w.vault_impl)).value(u(1))
    }));
    v.push(case(
        "buyout/range/propose_for_a_vault_without_buyouts",
        |w| {
            let vault = featureless_vault(w);
            let call = propose(vault, U256::ZERO);
            Bad::call(w.alice, w.buyout, &call, unsupported(vault)).value(u(1))
        },
    ));
    v.push(case("buyout/zero/propose_without_eth", |w| {
        let (alice, buyout) = (w.alice, w.buyout);
        approve_shares(w, alice, buyout, sh(POOL_SHARES));
        let call = propose(w.vault, sh(POOL_SHARES));
        let e = BuyoutE::BuyoutInvalidValue(C::BuyoutInvalidValue { value: U256::ZERO });
        Bad::call(alice, buyout, &call, e)
    }));
    v.push(case("buyout/max/propose_with_2_pow_128_wei", |w| {
        let (carol, buyout) = (w.carol, w.buyout);
        let value = U256::from(1) << 128;
        w.h.node.fund(carol, value);
        let call = propose(w.vault, U256::ZERO);
        let e = BuyoutE::BuyoutInvalidValue(C::BuyoutInvalidValue { value });
        Bad::call(carol, buyout, &call, e).value(value)
    }));
    v.push(case("buyout/range/propose_with_the_whole_supply", |w| {
        // Alice holds everything: nothing would be left to buy.
        let (alice, dave, vault, buyout) = (w.alice, w.dave, w.vault, w.buyout);
        let call = ShareVault::transferCall {
            to: alice,
            value: u128_u(VAULT_SHARES[1]),
        };
        w.ok(dave, vault, &call);
        approve_shares(w, alice, buyout, vault_supply());
        let e = BuyoutE::BuyoutInvalidShares(C::BuyoutInvalidShares {
            shares: vault_supply(),
            totalSupply: vault_supply(),
        });
        Bad::call(alice, buyout, &propose(vault, vault_supply()), e).value(u(1))
    }));
    v.push(case("buyout/max/propose_u256_max_shares", |w| {
        let e = BuyoutE::BuyoutInvalidShares(C::BuyoutInvalidShares {
            shares: U256::MAX,
            totalSupply: vault_supply(),
        });
        Bad::call(w.alice, w.buyout, &propose(w.vault, U256::MAX), e).value(u(1))
    }));
    v.push(case("buyout/unauthorised/propose_without_approval", |w| {
        let call = propose(w.vault, sh(POOL_SHARES));
        let e = no_allowance(w.buyout, U256::ZERO, sh(POOL_SHARES));
        Bad::call(w.alice, w.buyout, &call, e).value(wei(PROPOSAL_WEI))
    }));
    v.push(case("buyout/range/propose_more_shares_than_held", |w| {
        let (carol, buyout) = (w.carol, w.buyout);
        approve_shares(w, carol, buyout, U256::MAX);
        let call = propose(w.vault, sh(1));
        let e = short_balance(carol, U256::ZERO, sh(1));
        Bad::call(carol, buyout, &call, e).value(u(1))
    }));
    v.push(case("buyout/state/propose_while_one_runs", |w| {
        proposed(w);
        let e = BuyoutE::BuyoutAlreadyActive(C::BuyoutAlreadyActive {
            vault: w.vault,
            rejectionEnd: START + REJECTION_PERIOD,
        });
        Bad::call(w.dave, w.buyout, &propose(w.vault, U256::ZERO), e).value(u(1))
    }));
    v.push(case("buyout/state/propose_after_redeem", |w| {
        redeemed(w);
        let e = BuyoutE::BuyoutVaultNotActive(C::BuyoutVaultNotActive {
            vault: w.vault,
            status: 3,
        });
        Bad::call(w.dave, w.buyout, &propose(w.vault, U256::ZERO), e).value(u(1))
    }));
    v.push(case("buyout/state/propose_after_a_buyout", |w| {
        bought_out(w);
        let e = BuyoutE::BuyoutVaultNotActive(C::BuyoutVaultNotActive {
            vault: w.vault,
            status: 4,
        });
        Bad::call(w.dave, w.buyout, &propose(w.vault, U256::ZERO), e).value(u(1))
    }));
    v.push(case("buyout/calldata/propose_truncated", |w| {
        let call = propose(w.vault, U256::ZERO);
        Bad::raw(w.alice, w.buyout, truncated(&call), Expect::Empty).value(u(1))
    }));
    v.push(case("buyout/calldata/propose_dirty_vault", |w| {
        let data = with_word(&propose(w.vault, U256::ZERO), 0, dirty(w.vault));
        Bad::raw(w.alice, w.buyout, data, Expect::Empty).value(u(1))
    }));

    // sellShares
    v.push(case("buyout/state/sell_without_a_buyout", |w| {
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: sh(1),
        };
        Bad::call(w.dave, w.buyout, &call, buyout_not_active(w.vault, 0))
    }));
    v.push(case(
        "buyout/state/sell_at_the_end_of_the_proposal_period",
        |w| {
            proposed(w);
            let (dave, buyout) = (w.dave, w.buyout);
            approve_shares(w, dave, buyout, sh(10));
            w.h.node.warp(PROPOSAL_PERIOD);
            let call = C::sellSharesCall {
                vault: w.vault,
                amount: sh(10),
            };
            let e = BuyoutE::BuyoutProposalPeriodOver(C::BuyoutProposalPeriodOver {
                time: START + PROPOSAL_PERIOD,
                proposalEnd: START + PROPOSAL_PERIOD,
            });
            Bad::call(dave, buyout, &call, e)
        },
    ));
    v.push(case("buyout/state/sell_after_a_failed_buyout", |w| {
        failed_buyout(w);
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: sh(1),
        };
        Bad::call(w.dave, w.buyout, &call, buyout_not_active(w.vault, 3))
    }));
    v.push(case("buyout/zero/sell_zero", |w| {
        proposed(w);
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: U256::ZERO,
        };
        Bad::call(w.dave, w.buyout, &call, zero_amount())
    }));
    v.push(case("buyout/unauthorised/sell_without_approval", |w| {
        proposed(w);
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: sh(10),
        };
        let e = no_allowance(w.buyout, U256::ZERO, sh(10));
        Bad::call(w.dave, w.buyout, &call, e)
    }));
    v.push(case("buyout/range/sell_more_than_held", |w| {
        proposed(w);
        let (dave, buyout) = (w.dave, w.buyout);
        approve_shares(w, dave, buyout, U256::MAX);
        let needed = u128_u(VAULT_SHARES[1]) + U256::from(1);
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: needed,
        };
        let e = short_balance(dave, u128_u(VAULT_SHARES[1]), needed);
        Bad::call(dave, buyout, &call, e)
    }));
    v.push(case("buyout/max/sell_u256_max", |w| {
        proposed(w);
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: U256::MAX,
        };
        let e = BuyoutE::BuyoutArithmeticOverflow(C::BuyoutArithmeticOverflow {});
        Bad::call(w.dave, w.buyout, &call, e)
    }));
    v.push(case("buyout/calldata/value_to_non_payable_sell", |w| {
        // A sale that would go through: only the value is wrong.
        proposed(w);
        let (dave, buyout) = (w.dave, w.buyout);
        approve_shares(w, dave, buyout, sh(10));
        let call = C::sellSharesCall {
            vault: w.vault,
            amount: sh(10),
        };
        Bad::call(dave, buyout, &call, Expect::Empty).value(u(1))
    }));

    // buyShares (the catalogue's price: 0.01 ETH a share)
    v.push(case("buyout/state/buy_without_a_buyout", |w| {
        let call = C::buySharesCall {
            vault: w.vault,
            amount: sh(1),
        };
        Bad::call(w.dave, w.buyout, &call, buyout_not_active(w.vault, 0)).value(wei(ETH / 100))
    }));
    v.push(case(
        "buyout/state/buy_at_the_end_of_the_rejection_period",
        |w| {
            proposed(w);
            w.h.node.warp(REJECTION_PERIOD);
            let call = C::buySharesCall {
                vault: w.vault,
                amount: sh(10),
            };
            let e = BuyoutE::BuyoutRejectionPeriodOver(C::BuyoutRejectionPeriodOver {
                time: START + REJECTION_PERIOD,
                rejectionEnd: START + REJECTION_PERIOD,
            });
            Bad::call(w.dave, w.buyout, &call, e).value(wei(ETH / 10))
        },
    ));
    v.push(case("buyout/zero/buy_zero", |w| {
        proposed(w);
        let call = C::buySharesCall {
            vault: w.vault,
            amount: U256::ZERO,
        };
        Bad::call(w.dave, w.buyout, &call, zero_amount())
    }));
    v.push(case("buyout/range/buy_paying_one_wei_too_little", |w| {
        proposed(w);
        let call = C::buySharesCall {
            vault: w.vault,
            amount: sh(10),
        };
        let e = BuyoutE::BuyoutWrongValue(C::BuyoutWrongValue {
            value: wei(ETH / 10 - 1),
            expected: wei(ETH / 10),
        });
        Bad::call(w.dave, w.buyout, &call, e).value(wei(ETH / 10 - 1))
    }));
    v.push(case("buyout/range/buy_paying_one_wei_too_much", |w| {
        proposed(w);
        let call = C::buySharesCall {
            vault: w.vault,
            amount: sh(10),
        };
        let e = BuyoutE::BuyoutWrongValue(C::BuyoutWrongValue {
            value: wei(ETH / 10 + 1),
            expected: wei(ETH / 10),
        });
        Bad::call(w.dave, w.buyout, &call, e).value(wei(ETH / 10 + 1))
    }));
    v.push(case("buyout/range/buy_more_than_the_pool", |w| {
        // Paid exactly, but the pool holds 100 shares.
        proposed(w);
        let amount = sh(POOL_SHARES + 1);
        let call = C::buySharesCall {
            vault: w.vault,
            amount,
        };
        let e = BuyoutE::ERC20InsufficientBalance(C::ERC20InsufficientBalance {
            sender: w.buyout,
            balance: sh(POOL_SHARES),
            needed: amount,
        });
        Bad::call(w.dave, w.buyout, &call, e).value(wei((POOL_SHARES as u128 + 1) * ETH / 100))
    }));
    v.push(case("buyout/calldata/buy_truncated", |w| {
        proposed(w);
        let call = C::buySharesCall {
            vault: w.vault,
            amount: sh(10),
        };
        Bad::raw(w.dave, w.buyout, truncated(&call), Expect::Empty).value(wei(ETH / 10))
    }));

    // end
    v.push(case("buyout/state/end_without_a_buyout", |w| {
        let call = C::endCall { vault: w.vault };
        Bad::call(w.carol, w.buyout, &call, buyout_not_active(w.vault, 0))
    }));
    v.push(case("buyout/state/end_one_second_early", |w| {
        proposed(w);
        w.h.node.warp(REJECTION_PERIOD - 1);
        let e = BuyoutE::BuyoutRejectionPeriodOpen(C::BuyoutRejectionPeriodOpen {
            time: START + REJECTION_PERIOD - 1,
            rejectionEnd: START + REJECTION_PERIOD,
        });
        Bad::call(w.carol, w.buyout, &C::endCall { vault: w.vault }, e)
    }));
    v.push(case("buyout/state/end_twice", |w| {
        bought_out(w);
        let call = C::endCall { vault: w.vault };
        Bad::call(w.carol, w.buyout, &call, buyout_not_active(w.vault, 2))
    }));
    v.push(case("buyout/calldata/value_to_non_payable_end", |w| {
        proposed(w);
        w.h.node.warp(REJECTION_PERIOD);
        let call = C::endCall { vault: w.vault };
        Bad::call(w.carol, w.buyout, &call, Expect::Empty).value(u(1))
    }));

    // cash
    v.push(case("buyout/state/cash_while_the_buyout_runs", |w| {
        proposed(w);
        let call = C::cashCall {
            vault: w.vault,
            amount: sh(1),
        };
        Bad::call(w.dave, w.buyout, &call, buyout_not_succeeded(w.vault, 1))
    }));
    v.push(case("buyout/state/cash_after_a_failed_buyout", |w| {
        failed_buyout(w);
        let call = C::cashCall {
            vault: w.vault,
            amount: sh(1),
        };
        Bad::call(w.dave, w.buyout, &call, buyout_not_succeeded(w.vault, 3))
    }));
    v.push(case("buyout/zero/cash_zero", |w| {
        bought_out(w);
        let call = C::cashCall {
            vault: w.vault,
            amount: U256::ZERO,
        };
        Bad::call(w.dave, w.buyout, &call, zero_amount())
    }));
    v.push(case("buyout/range/cash_more_than_outstanding", |w| {
        bought_out(w);
        let (dave, buyout) = (w.dave, w.buyout);
        approve_shares(w, dave, buyout, U256::MAX);
        let amount = u128_u(VAULT_SHARES[1]) + U256::from(1);
        let call = C::cashCall {
            vault: w.vault,
            amount,
        };
        let e = BuyoutE::BuyoutCashExceedsOutstanding(C::BuyoutCashExceedsOutstanding {
            amount,
            outstanding: u128_u(VAULT_SHARES[1]),
        });
        Bad::call(dave, buyout, &call, e)
    }));
    v.push(case("buyout/unauthorised/cash_without_approval", |w| {
        bought_out(w);
        let call = C::cashCall {
            vault: w.vault,
            amount: sh(10),
        };
        let e = no_allowance(w.buyout, U256::ZERO, sh(10));
        Bad::call(w.dave, w.buyout, &call, e)
    }));
    v.push(case("buyout/unauthorised/cash_by_a_non_holder", |w| {
        bought_out(w);
        let (carol, buyout) = (w.carol, w.buyout);
        approve_shares(w, carol, buyout, U256::MAX);
        let call = C::cashCall {
            vault: w.vault,
            amount: sh(1),
        };
        Bad::call(
            carol,
            buyout,
            &call,
            short_balance(carol, U256::ZERO, sh(1)),
        )
    }));
    v.push(case("buyout/calldata/value_to_non_payable_cash", |w| {
        bought_out(w);
        let (dave, buyout) = (w.dave, w.buyout);
        approve_shares(w, dave, buyout, sh(10));
        let call = C::cashCall {
            vault: w.vault,
            amount: sh(10),
        };
        Bad::call(dave, buyout, &call, Expect::Empty).value(u(1))
    }));

    // claimAsset
    v.push(case("buyout/state/claim_asset_without_a_buyout", |w| {
        let call = C::claimAssetCall { vault: w.vault };
        Bad::call(w.alice, w.buyout, &call, buyout_not_succeeded(w.vault, 0))
    }));
    v.push(case(
        "buyout/state/claim_asset_while_the_buyout_runs",
        |w| {
            proposed(w);
            let call = C::claimAssetCall { vault: w.vault };
            Bad::call(w.alice, w.buyout, &call, buyout_not_succeeded(w.vault, 1))
        },
    ));
    v.push(case("buyout/state/claim_asset_already_released", |w| {
        bought_out(w);
        let call = C::claimAssetCall { vault: w.vault };
        let e = BuyoutE::BuyoutNothingToClaim(C::BuyoutNothingToClaim { vault: w.vault });
        Bad::call(w.alice, w.buyout, &call, e)
    }));
    v.push(case(
        "buyout/calldata/value_to_non_payable_claim_asset",
        |w| {
            bought_out(w);
            let call = C::claimAssetCall { vault: w.vault };
            Bad::call(w.alice, w.buyout, &call, Expect::Empty).value(u(1))
        },
    ));

    // withdraw
    v.push(case("buyout/state/withdraw_without_credit", |w| {
        let e = BuyoutE::BuyoutNothingToWithdraw(C::BuyoutNothingToWithdraw { account: w.carol });
        Bad::call(w.carol, w.buyout, &C::withdrawCall {}, e)
    }));
    v.push(case("buyout/state/withdraw_twice", |w| {
        failed_buyout(w);
        let (alice, buyout) = (w.alice, w.buyout);
        w.ok(alice, buyout, &C::withdrawCall {});
        let e = BuyoutE::BuyoutNothingToWithdraw(C::BuyoutNothingToWithdraw { account: alice });
        Bad::call(alice, buyout, &C::withdrawCall {}, e)
    }));
    v.push(case("buyout/calldata/value_to_non_payable_withdraw", |w| {
        // Alice is owed her 9 ETH: only the value is wrong.
        failed_buyout(w);
        Bad::call(w.alice, w.buyout, &C::withdrawCall {}, Expect::Empty).value(u(1))
    }));

    // Views (`buyoutOf` and the periods are served by the fallback).
    v.push(case("buyout/calldata/buyout_of_selector_only", |w| {
        let data = C::buyoutOfCall::SELECTOR.to_vec();
        Bad::raw(w.carol, w.buyout, data, Expect::Empty)
    }));
    v.push(case("buyout/calldata/buyout_of_short", |w| {
        let call = C::buyoutOfCall { vault: w.vault };
        Bad::raw(w.carol, w.buyout, truncated(&call), Expect::Empty)
    }));
    v.push(case("buyout/calldata/buyout_of_dirty_address", |w| {
        let data = with_word(&C::buyoutOfCall { vault: w.vault }, 0, dirty(w.vault));
        Bad::raw(w.carol, w.buyout, data, Expect::Empty)
    }));
    v.push(case("buyout/calldata/value_to_buyout_of", |w| {
        let call = C::buyoutOfCall { vault: w.vault };
        Bad::call(w.carol, w.buyout, &call, Expect::Empty).value(u(1))
    }));
    v.push(case("buyout/calldata/value_to_proposal_period", |w| {
        Bad::call(w.carol, w.buyout, &C::PROPOSAL_PERIODCall {}, Expect::Empty).value(u(1))
    }));
    v.push(case("buyout/calldata/value_to_credit", |w| {
        let call = C::creditCall { account: w.carol };
        Bad::call(w.carol, w.buyout, &call, Expect::Empty).value(u(1))
    }));
    v.push(case("buyout/calldata/plain_eth", |w| {
        Bad::raw(w.carol, w.buyout, Vec::new(), Expect::Empty).value(u(1))
    }));
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn catalogue_has_at_least_60_distinct_named_cases() {
    let cases = catalogue();
    let mut per_contract: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names = std::collections::BTreeSet::new();
    for c in &cases {
        assert!(names.insert(c.name), "duplicate case name {}", c.name);
        let contract = c.name.split('/').next().unwrap_or_default();
        *per_contract.entry(contract).or_default() += 1;
    }
    println!("bad-input catalogue: {} cases", cases.len());
    for (contract, n) in &per_contract {
        println!("  {contract}: {n}");
    }
    assert_eq!(per_contract.len(), 10, "every contract has cases");
    assert!(names.len() >= 60, "only {} cases", names.len());
}

macro_rules! group_tests {
    ($($test:ident => $prefix:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            run_group(concat!($prefix, "/"));
        }
    )*};
}

group_tests! {
    bad_input_ip_collection => "collection",
    bad_input_ip_editions => "editions",
    bad_input_license_market => "market",
    bad_input_provenance => "provenance",
    bad_input_share_vault => "vault",
    bad_input_vault_factory => "vault_factory",
    bad_input_splits => "split",
    bad_input_split_factory => "split_factory",
    bad_input_share_offering => "offering",
    bad_input_share_buyout => "buyout",
}

/// Regression (found while writing the catalogue): the registry authorises
/// record writers with `isMinter(account)` or `ownerOf(id)` on the
/// collection, and `ip-editions` had neither, so nobody could record the
/// provenance of an edition. The editions now answer `isMinter` (owner or
/// `MINTER_ROLE`).
#[test]
fn provenance_of_an_edition_can_be_recorded_by_its_minter() {
    big_stack("regression", || {
        let mut w = World::get();
        let (admin, alice, editions, provenance) = (w.admin(), w.alice, w.editions, w.provenance);
        let grant = IpEditions::grantRoleCall {
            role: MINTER_ROLE,
            account: alice,
        };
        w.ok(admin, editions, &grant);
        let record = record_call(editions, u(1), vec![]);
        if let Err(e) = w.h.send(alice, provenance, &record, U256::ZERO) {
            panic!(
                "a MINTER_ROLE holder of the editions cannot record: {:?}",
                e.decode::<ProvenanceE>()
            );
        }
        let has = ProvenanceRegistry::hasProvenanceCall {
            collection: editions,
            id: u(1),
        };
        assert!(w.view(provenance, &has));
    });
}

/// Regression (found while writing the catalogue): the market accepted
/// ERC-1155 offers for up to 64 concurrent licensees while `ip-editions`
/// keeps at most 16 active user records per (owner, id), and every renewal
/// wrote a second record while the first still ran (freezing the units
/// twice: renewing a lease of all the lessor's units always failed). Unit
/// offers now allow at most 16 licensees and a renewal extends the
/// licence's record (`extendUserRecord`).
///
/// On a fresh (owner, id): an offer for 16 licensees sells all 16 (every
/// unit of the lessor), a 17-licensee offer is refused, and a renewal of an
/// active licence succeeds with the lessor's frozen balance unchanged.
#[test]
fn erc1155_offer_sells_every_licence_it_advertises() {
    big_stack("regression", || {
        let mut w = World::get();
        let (admin, alice, editions, market) = (w.admin(), w.alice, w.editions, w.market);
        let create_id = IpEditions::createIdCall {
            maxSupply: U256::ZERO,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        let id = w.ok(admin, editions, &create_id);
        assert_eq!(id, u(2));
        w.ok(admin, editions, &editions_mint(alice, 2, u(16)));
        let frozen = |w: &mut World| {
            w.view(
                editions,
                &IpEditions::frozenBalanceOfCall {
                    account: alice,
                    tokenId: id,
                },
            )
        };

        // 17 licensees: more than the editions can ever record.
        let too_many = create_offer(editions, 2, 1, terms(alice, 17));
        match w.h.send(alice, market, &too_many, U256::ZERO) {
            Ok(_) => panic!("a 17-licensee unit offer was accepted"),
            Err(e) => assert_eq!(
                e.decode::<MarketE>(),
                MarketE::LicenseMarketInvalidMaxLicensees(
                    LicenseMarket::LicenseMarketInvalidMaxLicensees { maxLicensees: 17 }
                )
            ),
        }

        // 16 licensees of one unit each: all 16 sell.
        let offer = w.ok(
            alice,
            market,
            &create_offer(editions, 2, 1, terms(alice, 16)),
        );
        let buyers: Vec<Address> = (0..16u64)
            .map(|i| Address::from_word(B256::from(U256::from(0xb000 + i))))
            .collect();
        for (i, &buyer) in buyers.iter().enumerate() {
            w.h.node.fund(buyer, u(ETH as u64));
            let call = LicenseMarket::buyLeaseCall {
                offerId: offer,
                duration: 3600,
                maxPrice: U256::MAX,
                version: 1,
            };
            if let Err(e) = w.h.send(buyer, market, &call, price(3600)) {
                panic!(
                    "licence {} of 16 refused: {:?}",
                    i + 1,
                    e.decode::<MarketE>()
                );
            }
        }
        assert_eq!(frozen(&mut w), u(16), "every unit is leased");
        let lease = |w: &mut World, who: Address| {
            w.view(
                market,
                &LicenseMarket::leaseOfCall {
                    offerId: offer,
                    licensee: who,
                },
            )
        };
        let first = lease(&mut w, buyers[0]);
        assert_eq!(first._0, START + 3600);

        // Renewing with no free unit left: the record is extended.
        let renew = LicenseMarket::renewLeaseCall {
            offerId: offer,
            duration: 7200,
            maxPrice: U256::MAX,
            version: 1,
        };
        if let Err(e) = w.h.send(buyers[0], market, &renew, price(7200)) {
            panic!("renewal refused: {:?}", e.decode::<MarketE>());
        }
        let renewed = lease(&mut w, buyers[0]);
        assert_eq!(renewed._0, START + 3600 + 7200);
        assert_eq!(renewed._2, first._2, "the same record");
        let record = w.view(
            editions,
            &IpEditions::userRecordOfCall { recordId: first._2 },
        );
        assert_eq!(record.expiry, START + 3600 + 7200);
        assert_eq!(record.amount, 1);
        assert_eq!(frozen(&mut w), u(16), "frozen once, not twice");

        // Past the first expiry: the others lapse, the renewed one runs.
        w.h.node.warp(3601);
        assert_eq!(frozen(&mut w), u(1));
        let licensed = w.view(
            market,
            &LicenseMarket::isLicensedCall {
                collection: editions,
                tokenId: id,
                account: buyers[0],
            },
        );
        assert!(licensed._0);
        assert_eq!(licensed._1, START + 3600 + 7200);
    });
}

/// The honest twins of the catalogue's investor cases that refuse a call for
/// one flaw only (value sent to a non-payable function, short calldata, a
/// replay, an impersonated caller): from the same setup, the same call
/// without the flaw succeeds and has its exact effect. So those cases fail
/// for their flaw alone, and the impersonated buyout module is one the
/// vault obeys.
#[test]
fn honest_twins_of_the_investor_cases_succeed() {
    big_stack("twins", || {
        let balance_of = |w: &mut World, who: Address| {
            let vault = w.vault;
            w.view(vault, &ShareVault::balanceOfCall { account: who })
        };

        // A valid permit (once), then the spender moves the shares.
        let mut w = World::get();
        let (bob, carol, vault) = (w.bob, w.carol, w.vault);
        let owner = owner_key().address();
        fund_signer(&mut w, 10);
        let call = signed(&owner_key(), &vault_domain(&w), &permit_of(carol, sh(4), 0));
        w.ok(bob, vault, &call);
        let allowance = ShareVault::allowanceCall {
            owner,
            spender: carol,
        };
        assert_eq!(w.view(vault, &allowance), sh(4));
        assert_eq!(w.view(vault, &ShareVault::noncesCall { owner }), u(1));
        let move_ = ShareVault::transferFromCall {
            from: owner,
            to: carol,
            value: sh(4),
        };
        w.ok(carol, vault, &move_);
        assert_eq!(balance_of(&mut w, owner), sh(6));
        assert_eq!(balance_of(&mut w, carol), sh(4));

        // A real pair of the shares registers once and stops accruing.
        let mut w = World::get();
        let pair = share_pair(&mut w);
        assert_eq!(pair, w.amm.pair_for(w.vault, w.amm.weth));
        let (carol, vault) = (w.carol, w.vault);
        w.ok(carol, vault, &ShareVault::registerPoolCall { pair });
        assert!(!w.view(vault, &ShareVault::accruesCall { account: pair }));

        // The (impersonated) buyout module releases the asset.
        let mut w = World::get();
        let (nft, vault, buyout) = (w.nft, w.vault, w.buyout);
        impersonate(&mut w, buyout);
        let carol = w.carol;
        w.ok(buyout, vault, &ShareVault::releaseAssetCall { to: carol });
        assert_eq!(w.view(vault, &ShareVault::statusCall {}), 4);
        let owner_of = IpCollection::ownerOfCall { tokenId: u(2) };
        assert_eq!(w.view(nft, &owner_of), carol);

        // Offering: created, bought at the exact cost, proceeds paid.
        let mut w = World::get();
        let (alice, bob, offering) = (w.alice, w.bob, w.offering);
        let id = offered(&mut w);
        let paid = w.balance(alice);
        bought_offered(&mut w, bob, id, OFFER_CAP);
        assert_eq!(balance_of(&mut w, bob), sh(OFFER_CAP));
        w.ok(alice, offering, &ShareOffering::withdrawProceedsCall { id });
        assert_eq!(w.balance(alice) - paid, wei(OFFER_MIN_RAISE));

        // Offering: a failed raise refunds, the seller takes its shares back.
        let mut w = World::get();
        let (alice, bob, offering) = (w.alice, w.bob, w.offering);
        let id = offered(&mut w);
        bought_offered(&mut w, bob, id, 10);
        w.h.node.warp(OFFER_DEADLINE + 1 - START);
        approve_shares(&mut w, bob, offering, sh(10));
        let before = w.balance(bob);
        w.ok(bob, offering, &ShareOffering::refundCall { id });
        assert_eq!(w.balance(bob) - before, offer_cost(sh(10)));
        w.ok(alice, offering, &ShareOffering::withdrawSharesCall { id });
        assert_eq!(balance_of(&mut w, alice), u128_u(VAULT_SHARES[0]));

        // Buyout: a sale, a purchase, a failed end and the credit withdrawn.
        let mut w = World::get();
        let (alice, dave, vault, buyout) = (w.alice, w.dave, w.vault, w.buyout);
        proposed(&mut w);
        approve_shares(&mut w, dave, buyout, sh(10));
        let before = w.balance(dave);
        let sell = ShareBuyout::sellSharesCall {
            vault,
            amount: sh(10),
        };
        w.ok(dave, buyout, &sell);
        assert_eq!(w.balance(dave) - before, wei(ETH / 10));
        let buy = ShareBuyout::buySharesCall {
            vault,
            amount: sh(10),
        };
        w.ok_value(dave, buyout, &buy, wei(ETH / 10));
        assert_eq!(balance_of(&mut w, dave), u128_u(VAULT_SHARES[1]));
        w.h.node.warp(REJECTION_PERIOD);
        let carol = w.carol;
        w.ok(carol, buyout, &ShareBuyout::endCall { vault });
        let credit = ShareBuyout::creditCall { account: alice };
        assert_eq!(w.view(buyout, &credit), wei(PROPOSAL_WEI));
        let before = w.balance(alice);
        w.ok(alice, buyout, &ShareBuyout::withdrawCall {});
        assert_eq!(w.balance(alice) - before, wei(PROPOSAL_WEI));

        // Buyout: success, then a cash-out at 0.01 ETH a share.
        let mut w = World::get();
        let (dave, vault, buyout) = (w.dave, w.vault, w.buyout);
        bought_out(&mut w);
        approve_shares(&mut w, dave, buyout, sh(10));
        let before = w.balance(dave);
        let cash = ShareBuyout::cashCall {
            vault,
            amount: sh(10),
        };
        w.ok(dave, buyout, &cash);
        assert_eq!(w.balance(dave) - before, wei(ETH / 10));
    });
}

//! motsu unit tests: the market side by side with minimal mock assets
//! (ERC-721 with ERC-4907 lease operator, ERC-1155 with ERC-5006 records),
//! a mock ERC-20, wallets and a configurable (reverting / re-entering) payee.
#![allow(deprecated)] // stylus-sdk 0.9's `Call::new_in` in the mocks.
#![allow(clippy::too_many_arguments)]

use alloc::{format, string::String, vec::Vec};

use alloy_primitives::{aliases::U8, b256, Address, B256, U256};
use motsu::prelude::*;
use stylus_sdk::{
    call::Call,
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageBytes, StorageMap, StorageU256, StorageU64, StorageU8,
    },
};

use super::*;

/// Test clock: motsu's block timestamp is fixed, so the contracts read it
/// through [`clock::shift`], which adds a per-thread (= per-test) offset.
pub(crate) mod clock {
    use core::cell::Cell;

    std::thread_local! {
        static OFFSET: Cell<u64> = const { Cell::new(0) };
    }

    /// Block timestamp seen by the contracts.
    pub(crate) fn shift(t: u64) -> u64 {
        t + OFFSET.with(Cell::get)
    }

    /// Moves the test's clock forward.
    pub(crate) fn advance(secs: u64) {
        OFFSET.with(|o| o.set(o.get() + secs));
    }
}

/// motsu's fixed block timestamp.
const T0: u64 = 1_735_689_600;
const DAY: u64 = 86_400;
const RATE: u64 = 1_000; // wei per second
const TERMS: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");
const TERMS2: B256 = b256!("2222222222222222222222222222222222222222222222222222222222222222");
const ETH: Address = Address::ZERO;

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// A quote's price, royalty receiver and royalty.
fn price_royalty(q: Quote) -> (U256, Address, U256) {
    (q.price, q.royaltyReceiver, q.royalty)
}

fn now() -> u64 {
    clock::shift(T0)
}

fn mock_now(vm: &dyn stylus_sdk::prelude::Host) -> u64 {
    clock::shift(vm.block_timestamp())
}

/// Asserts that `$res` is an error equal to `$expected` (and rolls motsu's
/// state back, as a reverted transaction).
macro_rules! expect_err {
    ($res:expr, $expected:expr) => {{
        let err = $res.motsu_expect_err("call should fail");
        let expected: Error = $expected;
        assert_eq!(format!("{err:?}"), format!("{expected:?}"));
    }};
}

// ---------------------------------------------------------------- mocks ---

sol_interface! {
    interface IMarket {
        function withdraw(address token) external;
        function buyLease(uint256 offer_id, uint64 duration, uint256 max_price, uint32 version) external payable returns (uint64);
    }
}

/// `leaseTo`'s answer: owner, lessor approved, locked, user expiry,
/// royalty receiver and amount.
type MockLeaseContext = (Address, bool, bool, u64, Address, U256);

/// Minimal ERC-721 asset: owners, lease operators, ERC-4907 users with the
/// lock rule of the suite's collection, EIP-2981.
#[storage]
pub struct MockCollection {
    owners: StorageMap<U256, StorageAddress>,
    operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
    users: StorageMap<U256, StorageAddress>,
    expires: StorageMap<U256, StorageU64>,
    locked: StorageMap<U256, StorageBool>,
    royalty_receiver: StorageAddress,
    royalty_bps: StorageU256,
    reject_leases: StorageBool,
    royalty_reverts: StorageBool,
    /// Without `leaseTo`, as an ERC-721 that predates it.
    no_context: StorageBool,
    /// `setUser` calls received (a `leaseTo` that leases is not one).
    set_user_calls: StorageU64,
}

unsafe impl TopLevelStorage for MockCollection {}

#[public]
impl MockCollection {
    fn mint(&mut self, to: Address, id: U256) {
        self.owners.setter(id).set(to);
    }

    /// Moves the token; a locked lease survives (as in the suite's asset).
    fn transfer(&mut self, to: Address, id: U256) {
        self.owners.setter(id).set(to);
    }

    fn set_lease_operator(&mut self, operator: Address, approved: bool) {
        let owner = self.vm().msg_sender();
        self.operators.setter(owner).setter(operator).set(approved);
    }

    fn is_lease_operator(&self, owner: Address, operator: Address) -> bool {
        self.operators.getter(owner).getter(operator).get()
    }

    fn owner_of(&self, id: U256) -> Result<Address, Vec<u8>> {
        let owner = self.owners.get(id);
        if owner.is_zero() {
            return Err(b"nonexistent".to_vec());
        }
        Ok(owner)
    }

    fn set_user(&mut self, id: U256, user: Address, expires: u64) -> Result<(), Vec<u8>> {
        let calls = self.set_user_calls.get() + U64::from(1);
        self.set_user_calls.set(calls);
        self.apply_user(id, user, expires)
    }

    fn set_user_calls(&self) -> u64 {
        self.set_user_calls.get().to()
    }

    /// Test hook: sets a user record directly.
    fn force_user(&mut self, id: U256, user: Address, expires: u64, locked: bool) {
        self.users.setter(id).set(user);
        self.expires.setter(id).set(U64::from(expires));
        self.locked.setter(id).set(locked);
    }

    fn user_of(&self, id: U256) -> Address {
        if self.expires.get(id).to::<u64>() >= mock_now(self.vm()) {
            self.users.get(id)
        } else {
            Address::ZERO
        }
    }

    fn user_expires(&self, id: U256) -> U256 {
        U256::from(self.expires.get(id))
    }

    fn lease_locked(&self, id: U256) -> bool {
        self.locked.get(id) && self.expires.get(id).to::<u64>() >= mock_now(self.vm())
    }

    fn royalty_info(&self, _id: U256, price: U256) -> Result<(Address, U256), Vec<u8>> {
        if self.royalty_reverts.get() {
            return Err(b"no royalty".to_vec());
        }
        Ok((
            self.royalty_receiver.get(),
            price * self.royalty_bps.get() / U256::from(10_000),
        ))
    }

    fn set_royalty(&mut self, receiver: Address, bps: U256) {
        self.royalty_receiver.set(receiver);
        self.royalty_bps.set(bps);
    }

    fn set_reject_leases(&mut self, v: bool) {
        self.reject_leases.set(v);
    }

    fn set_royalty_reverts(&mut self, v: bool) {
        self.royalty_reverts.set(v);
    }

    /// The suite collection's one-call sale: the views above (failing when
    /// any of them fails) and, when they pass the market's rules, `setUser`
    /// by the caller (failing when it fails).
    fn lease_to(
        &mut self,
        id: U256,
        lessor: Address,
        user: Address,
        expires: u64,
        renew: bool,
        price: U256,
    ) -> Result<MockLeaseContext, Vec<u8>> {
        if self.no_context.get() {
            return Err(Vec::new());
        }
        let owner = self.owner_of(id)?;
        let (receiver, royalty) = self.royalty_info(id, price)?;
        let operator = self.vm().msg_sender();
        let facts = (
            owner,
            self.is_lease_operator(lessor, operator),
            self.lease_locked(id),
            self.expires.get(id).to(),
            receiver,
            royalty,
        );
        let refusal = stylus_ip_common::lease::asset_refusal(
            facts.1,
            owner == lessor,
            renew,
            facts.2,
            U256::from(facts.3),
            mock_now(self.vm()),
        );
        if refusal.is_none() {
            self.apply_user(id, user, expires)?;
        }
        Ok(facts)
    }

    /// Test hook: removes (or restores) `leaseTo`.
    fn set_no_context(&mut self, v: bool) {
        self.no_context.set(v);
    }
}

impl MockCollection {
    /// `setUser` by the caller, with the suite collection's lock rule.
    fn apply_user(&mut self, id: U256, user: Address, expires: u64) -> Result<(), Vec<u8>> {
        if self.reject_leases.get() {
            return Err(b"rejected".to_vec());
        }
        let now = mock_now(self.vm());
        let owner = self.owners.get(id);
        let sender = self.vm().msg_sender();
        let operator = self.operators.getter(owner).getter(sender).get();
        if sender != owner && !operator {
            return Err(b"unauthorised".to_vec());
        }
        if expires < now {
            return Err(b"expired".to_vec());
        }
        let current: u64 = self.expires.get(id).to();
        if self.locked.get(id) && current >= now {
            let extends = operator && self.users.get(id) == user && expires >= current;
            if !extends {
                return Err(b"locked".to_vec());
            }
        }
        self.users.setter(id).set(user);
        self.expires.setter(id).set(U64::from(expires));
        self.locked.setter(id).set(operator);
        Ok(())
    }
}

/// Minimal ERC-1155 asset with ERC-5006 user records created by owners or
/// lease operators; frozen units are those in unexpired records.
#[storage]
pub struct MockEditions {
    balances: StorageMap<U256, StorageMap<Address, StorageU256>>,
    operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
    record_count: StorageU256,
    rec_token: StorageMap<U256, StorageU256>,
    rec_owner: StorageMap<U256, StorageAddress>,
    rec_user: StorageMap<U256, StorageAddress>,
    rec_amount: StorageMap<U256, StorageU64>,
    rec_expiry: StorageMap<U256, StorageU64>,
    royalty_receiver: StorageAddress,
    royalty_bps: StorageU256,
    reject: StorageBool,
    extensions: StorageU256,
}

unsafe impl TopLevelStorage for MockEditions {}

impl MockEditions {
    fn sum_records(&self, account: Address, id: U256, by_owner: bool) -> U256 {
        let now = mock_now(self.vm());
        let mut sum = U256::ZERO;
        let n: u64 = self.record_count.get().to();
        for r in 1..=n {
            let r = U256::from(r);
            let who = if by_owner {
                self.rec_owner.get(r)
            } else {
                self.rec_user.get(r)
            };
            if who == account
                && self.rec_token.get(r) == id
                && self.rec_expiry.get(r).to::<u64>() >= now
            {
                sum += U256::from(self.rec_amount.get(r));
            }
        }
        sum
    }
}

#[public]
impl MockEditions {
    fn mint(&mut self, to: Address, id: U256, amount: U256) {
        let b = self.balances.getter(id).getter(to).get();
        self.balances.setter(id).setter(to).set(b + amount);
    }

    /// Test hook: removes units (ignores frozen ones, like a buggy asset).
    fn burn(&mut self, from: Address, id: U256, amount: U256) {
        let b = self.balances.getter(id).getter(from).get();
        self.balances.setter(id).setter(from).set(b - amount);
    }

    fn set_lease_operator(&mut self, operator: Address, approved: bool) {
        let owner = self.vm().msg_sender();
        self.operators.setter(owner).setter(operator).set(approved);
    }

    fn is_lease_operator(&self, owner: Address, operator: Address) -> bool {
        self.operators.getter(owner).getter(operator).get()
    }

    fn balance_of(&self, account: Address, id: U256) -> U256 {
        self.balances.getter(id).getter(account).get()
    }

    fn frozen_balance_of(&self, owner: Address, id: U256) -> U256 {
        self.sum_records(owner, id, true)
    }

    fn usable_balance_of(&self, user: Address, id: U256) -> U256 {
        self.sum_records(user, id, false)
    }

    fn create_user_record(
        &mut self,
        owner: Address,
        user: Address,
        token_id: U256,
        amount: u64,
        expiry: u64,
    ) -> Result<U256, Vec<u8>> {
        if self.reject.get() {
            return Err(b"rejected".to_vec());
        }
        let sender = self.vm().msg_sender();
        if sender != owner && !self.operators.getter(owner).getter(sender).get() {
            return Err(b"unauthorised".to_vec());
        }
        if expiry < mock_now(self.vm()) {
            return Err(b"expired".to_vec());
        }
        let free = self
            .balance_of(owner, token_id)
            .saturating_sub(self.frozen_balance_of(owner, token_id));
        if free < U256::from(amount) {
            return Err(b"insufficient usable".to_vec());
        }
        let id = self.record_count.get() + U256::from(1);
        self.record_count.set(id);
        self.rec_token.setter(id).set(token_id);
        self.rec_owner.setter(id).set(owner);
        self.rec_user.setter(id).set(user);
        self.rec_amount.setter(id).set(U64::from(amount));
        self.rec_expiry.setter(id).set(U64::from(expiry));
        Ok(id)
    }

    /// As ip-editions: a lease operator of the owner extends an active
    /// record to a later expiry.
    fn extend_user_record(&mut self, id: U256, expiry: u64) -> Result<(), Vec<u8>> {
        if self.reject.get() {
            return Err(b"rejected".to_vec());
        }
        if id.is_zero() || id > self.record_count.get() {
            return Err(b"unknown record".to_vec());
        }
        let owner = self.rec_owner.get(id);
        if !self
            .operators
            .getter(owner)
            .getter(self.vm().msg_sender())
            .get()
        {
            return Err(b"not a lease operator".to_vec());
        }
        let current: u64 = self.rec_expiry.get(id).to();
        if current < mock_now(self.vm()) {
            return Err(b"expired".to_vec());
        }
        if expiry <= current {
            return Err(b"not longer".to_vec());
        }
        self.rec_expiry.setter(id).set(U64::from(expiry));
        self.extensions.set(self.extensions.get() + U256::from(1));
        Ok(())
    }

    /// Test hook: how many extensions succeeded.
    fn extension_count(&self) -> U256 {
        self.extensions.get()
    }

    /// Test hook: the user renounces (deletes) a record.
    fn renounce(&mut self, id: U256) {
        self.rec_expiry.setter(id).set(U64::ZERO);
        self.rec_owner.setter(id).set(Address::ZERO);
    }

    fn user_record_of(&self, id: U256) -> Result<(U256, Address, u64, Address, u64), Vec<u8>> {
        if id.is_zero() || id > self.record_count.get() {
            return Err(b"unknown record".to_vec());
        }
        Ok((
            self.rec_token.get(id),
            self.rec_owner.get(id),
            self.rec_amount.get(id).to(),
            self.rec_user.get(id),
            self.rec_expiry.get(id).to(),
        ))
    }

    /// Test hook: rewrites a record's user (an asset disagreeing with the market).
    fn force_record_user(&mut self, id: U256, user: Address) {
        self.rec_user.setter(id).set(user);
    }

    fn royalty_info(&self, _id: U256, price: U256) -> (Address, U256) {
        (
            self.royalty_receiver.get(),
            price * self.royalty_bps.get() / U256::from(10_000),
        )
    }

    fn set_royalty(&mut self, receiver: Address, bps: U256) {
        self.royalty_receiver.set(receiver);
        self.royalty_bps.set(bps);
    }

    fn set_reject(&mut self, v: bool) {
        self.reject.set(v);
    }
}

/// Minimal ERC-20 with knobs: fee on transfer, blocked recipients, `false`
/// returns.
#[storage]
pub struct MockErc20 {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    fee_bps: StorageU256,
    blocked: StorageMap<Address, StorageBool>,
    return_false: StorageBool,
}

unsafe impl TopLevelStorage for MockErc20 {}

impl MockErc20 {
    fn move_tokens(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        if self.blocked.get(to) {
            return Err(b"blocked".to_vec());
        }
        if self.return_false.get() {
            return Ok(false);
        }
        let b = self.balances.get(from);
        if b < amount {
            return Err(b"balance".to_vec());
        }
        self.balances.setter(from).set(b - amount);
        let fee = amount * self.fee_bps.get() / U256::from(10_000);
        let t = self.balances.get(to);
        self.balances.setter(to).set(t + amount - fee);
        Ok(true)
    }
}

#[public]
impl MockErc20 {
    fn mint(&mut self, to: Address, amount: U256) {
        let b = self.balances.get(to);
        self.balances.setter(to).set(b + amount);
    }

    fn approve(&mut self, spender: Address, amount: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(amount);
        true
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, amount)
    }

    fn transfer_from(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        let spender = self.vm().msg_sender();
        let a = self.allowances.getter(from).getter(spender).get();
        if a < amount {
            return Err(b"allowance".to_vec());
        }
        self.allowances.setter(from).setter(spender).set(a - amount);
        self.move_tokens(from, to, amount)
    }

    fn set_fee_bps(&mut self, bps: U256) {
        self.fee_bps.set(bps);
    }

    fn set_blocked(&mut self, account: Address, v: bool) {
        self.blocked.setter(account).set(v);
    }

    fn set_return_false(&mut self, v: bool) {
        self.return_false.set(v);
    }
}

/// A contract wallet that accepts ETH (buyers that get refunds).
#[storage]
pub struct Wallet {
    received: StorageU256,
}

unsafe impl TopLevelStorage for Wallet {}

#[public]
impl Wallet {
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        let r = self.received.get() + self.vm().msg_value();
        self.received.set(r);
        Ok(())
    }
}

/// Payee / royalty receiver that can reject ETH or re-enter the market.
#[storage]
pub struct Payee {
    reject: StorageBool,
    mode: StorageU8,
    market: StorageAddress,
    offer: StorageU256,
    value: StorageU256,
    tried: StorageBool,
    reentry_ok: StorageBool,
    last_error: StorageBytes,
}

unsafe impl TopLevelStorage for Payee {}

/// Payee re-entry mode: call `withdraw(ETH)` from `receive`.
const REENTER_WITHDRAW: u8 = 1;
/// Payee re-entry mode: call `buyLease(offer, DAY, max)` from `receive`.
const REENTER_BUY: u8 = 2;

#[public]
impl Payee {
    fn set_reject(&mut self, v: bool) {
        self.reject.set(v);
    }

    /// Arms one re-entry into `market` (sending `value` with a buy).
    fn set_reenter(&mut self, market: Address, mode: u8, offer: U256, value: U256) {
        self.market.set(market);
        self.mode.set(U8::from(mode));
        self.offer.set(offer);
        self.value.set(value);
    }

    /// `(re-entry attempted, re-entry succeeded)`.
    fn reentry(&self) -> (bool, bool) {
        (self.tried.get(), self.reentry_ok.get())
    }

    /// Revert data of the failed re-entry.
    fn last_error(&self) -> Vec<u8> {
        self.last_error.get_bytes()
    }

    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        if self.reject.get() {
            return Err(b"payee rejects".to_vec());
        }
        let mode: u8 = self.mode.get().to();
        if mode != 0 {
            self.mode.set(U8::ZERO); // one attempt only
            self.tried.set(true);
            let market = IMarket::new(self.market.get());
            let res = if mode == REENTER_WITHDRAW {
                market.withdraw(Call::new_in(self), ETH)
            } else {
                let (offer, value) = (self.offer.get(), self.value.get());
                market
                    .buy_lease(Call::new_in(self).value(value), offer, DAY, U256::MAX, 1)
                    .map(|_| ())
            };
            self.reentry_ok.set(res.is_ok());
            if let Err(e) = res {
                self.last_error.set_bytes(Vec::<u8>::from(e));
            }
        }
        Ok(())
    }
}

// -------------------------------------------------------------- helpers ---

/// An offer as stored: `(lessor, collection, tokenId, amount,
/// pricePerSecond, paymentToken, minDuration, maxDuration, endTime,
/// maxLicensees, payee, termsHash, flags, status)` (the contract exposes
/// offers through events; tests read storage directly).
#[allow(clippy::type_complexity)]
fn stored_offer(
    market: &Contract<LicenseMarket>,
    id: U256,
) -> (
    Address,
    Address,
    U256,
    u64,
    U256,
    Address,
    u64,
    u64,
    u64,
    u32,
    Address,
    B256,
    u8,
    u8,
) {
    let m = market.sender(Address::ZERO);
    let o = m.offers.getter(id);
    let p = logic::OfferParams::unpack(o.params.get());
    let meta = logic::OfferMeta::unpack(o.meta.get().as_limbs()[0]);
    (
        o.lessor.get(),
        o.collection.get(),
        o.token_id.get(),
        p.amount,
        o.price_per_second.get(),
        o.payment_token.get(),
        p.min_duration,
        p.max_duration,
        p.end_time,
        meta.max_licensees,
        o.payee.get(),
        // The current version's terms.
        o.terms_hash.getter(U256::from(o.version.get())).get(),
        meta.flags,
        meta.status,
    )
}

/// The `OfferTermsSet` event for `t` at `version`.
fn terms_event(id: U256, t: OfferTerms, version: u32) -> OfferTermsSet {
    OfferTermsSet {
        offerId: id,
        pricePerSecond: t.pricePerSecond,
        paymentToken: t.paymentToken,
        minDuration: t.minDuration,
        maxDuration: t.maxDuration,
        endTime: t.endTime,
        maxLicensees: t.maxLicensees,
        payee: t.payee,
        termsHash: t.termsHash,
        flags: t.flags,
        maxRoyaltyBps: t.maxRoyaltyBps,
        version,
        termsUri: t.termsUri,
    }
}

/// Offer terms, in `OfferTerms` field order.
fn terms(
    price_per_second: U256,
    payment_token: Address,
    min_duration: u64,
    max_duration: u64,
    end_time: u64,
    max_licensees: u32,
    payee: Address,
    terms_hash: B256,
    terms_uri: String,
    flags: u8,
) -> OfferTerms {
    OfferTerms {
        pricePerSecond: price_per_second,
        paymentToken: payment_token,
        minDuration: min_duration,
        maxDuration: max_duration,
        endTime: end_time,
        maxLicensees: max_licensees,
        payee,
        termsHash: terms_hash,
        termsUri: terms_uri,
        flags,
        // Any royalty: the royalty-cap tests set their own.
        maxRoyaltyBps: 10_000,
    }
}

/// Lists `nft` token 1 of `lessor` at `RATE`/s, 1..=30 days, no end,
/// royalty 10 % to `royalty`, proceeds to `payee`.
fn list_nft(
    market: &Contract<LicenseMarket>,
    nft: &Contract<MockCollection>,
    lessor: Address,
    payee: Address,
    royalty: Address,
) -> U256 {
    nft.sender(lessor).mint(lessor, u(1));
    nft.sender(lessor)
        .set_lease_operator(market.address(), true);
    nft.sender(lessor).set_royalty(royalty, u(1_000));
    market
        .sender(lessor)
        .create_offer(
            nft.address(),
            u(1),
            0,
            terms(
                u(RATE),
                ETH,
                1,
                30 * DAY,
                0,
                1,
                payee,
                TERMS,
                String::from("ipfs://terms"),
                FLAG_COMMERCIAL_USE | FLAG_ATTRIBUTION,
            ),
        )
        .motsu_unwrap()
}

/// Lists 2 units of `editions` id 7 per licence (lessor holds 10), up to
/// `max` licensees, royalty 5 % to `royalty`.
fn list_units(
    market: &Contract<LicenseMarket>,
    editions: &Contract<MockEditions>,
    lessor: Address,
    payee: Address,
    royalty: Address,
    max: u32,
) -> U256 {
    editions.sender(lessor).mint(lessor, u(7), u(10));
    editions
        .sender(lessor)
        .set_lease_operator(market.address(), true);
    editions.sender(lessor).set_royalty(royalty, u(500));
    market
        .sender(lessor)
        .create_offer(
            editions.address(),
            u(7),
            2,
            terms(
                u(RATE),
                ETH,
                DAY,
                10 * DAY,
                0,
                max,
                payee,
                TERMS,
                String::from("ipfs://pack-terms"),
                FLAG_DERIVATIVES,
            ),
        )
        .motsu_unwrap()
}

/// Buys `duration` of `offer` for `buyer`, sending `value`.
fn buy(
    market: &Contract<LicenseMarket>,
    buyer: Address,
    offer: U256,
    duration: u64,
    value: u64,
) -> Result<u64, Error> {
    buyer.fund(u(value));
    let version = version_of(market, offer);
    market
        .sender_and_value(buyer, u(value))
        .buy_lease(offer, duration, U256::MAX, version)
}

/// The offer's current version, as `quote` reports it to a buyer.
fn version_of(market: &Contract<LicenseMarket>, offer: U256) -> u32 {
    market
        .sender(Address::ZERO)
        .offers
        .getter(offer)
        .version
        .get()
        .to()
}

// ---------------------------------------------------------------- offers ---

#[motsu::test]
fn create_offer_stores_fields_and_emits(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    lessor: Address,
) {
    assert_eq!(market.sender(lessor).offer_count(), U256::ZERO);
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    assert_eq!(id, u(1));
    assert_eq!(market.sender(lessor).offer_count(), u(1));
    let o = stored_offer(&market, id);
    assert_eq!(
        (o.0, o.1, o.2, o.3, o.4, o.5, o.6),
        (lessor, nft.address(), u(1), 0, u(RATE), ETH, 1)
    );
    assert_eq!(
        (o.7, o.8, o.9, o.10, o.11, o.12, o.13),
        (
            30 * DAY,
            0,
            1,
            payee.address(),
            TERMS,
            FLAG_COMMERCIAL_USE | FLAG_ATTRIBUTION,
            1
        )
    );
    market.assert_emitted(&terms_event(
        id,
        terms(
            u(RATE),
            ETH,
            1,
            30 * DAY,
            0,
            1,
            payee.address(),
            TERMS,
            String::from("ipfs://terms"),
            FLAG_COMMERCIAL_USE | FLAG_ATTRIBUTION,
        ),
        1,
    ));
    market.assert_emitted(&OfferCreated {
        offerId: id,
        lessor,
        collection: nft.address(),
        tokenId: u(1),
        amount: 0,
    });
    // Unknown offers read as empty.
    assert_eq!(stored_offer(&market, u(9)).13, 0);
}

#[motsu::test]
fn create_offer_for_units_by_holder(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    lessor: Address,
) {
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        3,
    );
    let o = stored_offer(&market, id);
    assert_eq!((o.1, o.2, o.3, o.9), (editions.address(), u(7), 2, 3));
}

#[motsu::test]
fn create_offer_rejects_non_holders_and_missing_operator(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    lessor: Address,
    mallory: Address,
) {
    nft.sender(lessor).mint(lessor, u(1));
    editions.sender(lessor).mint(lessor, u(7), u(1));
    let p = payee.address();
    let create = |who: Address, c: Address, id: u64, amount: u64, max: u32| {
        market.sender(who).create_offer(
            c,
            u(id),
            amount,
            terms(u(RATE), ETH, 1, DAY, 0, max, p, TERMS, String::new(), 0),
        )
    };
    let not_owner = |c: Address, id: u64, who: Address| {
        Error::LessorNotOwner(LicenseMarketLessorNotOwner {
            collection: c,
            tokenId: u(id),
            lessor: who,
        })
    };
    // Not the owner / nonexistent token / not enough units / not an asset.
    expect_err!(
        create(mallory, nft.address(), 1, 0, 1),
        not_owner(nft.address(), 1, mallory)
    );
    expect_err!(
        create(lessor, nft.address(), 2, 0, 1),
        not_owner(nft.address(), 2, lessor)
    );
    expect_err!(
        create(lessor, editions.address(), 7, 2, 1),
        not_owner(editions.address(), 7, lessor)
    );
    expect_err!(
        create(lessor, editions.address(), 7, 0, 1),
        not_owner(editions.address(), 7, lessor)
    );
    // Owner, but the market is not its lease operator.
    expect_err!(
        create(lessor, nft.address(), 1, 0, 1),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: nft.address(),
            lessor
        })
    );
    expect_err!(
        create(lessor, editions.address(), 7, 1, 1),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: editions.address(),
            lessor
        })
    );
    assert_eq!(market.sender(lessor).offer_count(), U256::ZERO);
}

#[motsu::test]
fn create_offer_validates_terms(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    lessor: Address,
) {
    nft.sender(lessor).mint(lessor, u(1));
    nft.sender(lessor)
        .set_lease_operator(market.address(), true);
    let c = nft.address();
    let p = payee.address();
    let create = |rate: U256,
                  payee: Address,
                  min: u64,
                  max: u64,
                  end: u64,
                  lic: u32,
                  amount: u64,
                  flags: u8| {
        market.sender(lessor).create_offer(
            c,
            u(1),
            amount,
            terms(
                rate,
                ETH,
                min,
                max,
                end,
                lic,
                payee,
                TERMS,
                String::new(),
                flags,
            ),
        )
    };
    let r = u(RATE);
    expect_err!(
        create(r, Address::ZERO, 1, 2, 0, 1, 0, 0),
        Error::InvalidPayee(LicenseMarketInvalidPayee {
            payee: Address::ZERO
        })
    );
    expect_err!(
        create(r, market.address(), 1, 2, 0, 1, 0, 0),
        Error::InvalidPayee(LicenseMarketInvalidPayee {
            payee: market.address()
        })
    );
    expect_err!(
        create(r, p, 0, 2, 0, 1, 0, 0),
        Error::InvalidDurationBounds(LicenseMarketInvalidDurationBounds {
            minDuration: 0,
            maxDuration: 2
        })
    );
    expect_err!(
        create(r, p, 3, 2, 0, 1, 0, 0),
        Error::InvalidDurationBounds(LicenseMarketInvalidDurationBounds {
            minDuration: 3,
            maxDuration: 2
        })
    );
    expect_err!(
        create(r, p, 1, 2, now() - 1, 1, 0, 0),
        Error::InvalidEndTime(LicenseMarketInvalidEndTime { endTime: now() - 1 })
    );
    expect_err!(
        create(r, p, 1, 2, 0, 2, 0, 0),
        Error::InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees { maxLicensees: 2 })
    );
    expect_err!(
        create(r, p, 1, 2, 0, 0, 3, 0),
        Error::InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees { maxLicensees: 0 })
    );
    expect_err!(
        create(r, p, 1, 2, 0, logic::MAX_UNIT_LICENSEES + 1, 3, 0),
        Error::InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees { maxLicensees: 17 })
    );
    expect_err!(
        create(r, p, 1, 2, 0, 1, 0, 8),
        Error::InvalidFlags(LicenseMarketInvalidFlags { flags: 8 })
    );
    expect_err!(
        create(U256::MAX, p, 1, 2, 0, 1, 0, 0),
        Error::ArithmeticOverflow(LicenseMarketArithmeticOverflow {})
    );
    assert_eq!(market.sender(lessor).offer_count(), U256::ZERO);
    // End time exactly now is still accepted.
    create(r, p, 1, 2, now(), 1, 0, FLAGS_ALL).motsu_unwrap();
}

#[motsu::test]
fn update_offer_changes_terms_but_not_active_leases(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    let expires = buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    market
        .sender(lessor)
        .update_offer(
            id,
            terms(
                u(5),
                ETH,
                2,
                3 * DAY,
                now() + DAY,
                1,
                royalty.address(),
                TERMS2,
                String::from("ipfs://v2"),
                0,
            ),
        )
        .motsu_unwrap();
    market.assert_emitted(&terms_event(
        id,
        terms(
            u(5),
            ETH,
            2,
            3 * DAY,
            now() + DAY,
            1,
            royalty.address(),
            TERMS2,
            String::from("ipfs://v2"),
            0,
        ),
        2,
    ));
    let o = stored_offer(&market, id);
    assert_eq!(
        (o.0, o.4, o.6, o.7, o.8, o.10, o.11, o.12, o.13),
        (
            lessor,
            u(5),
            2,
            3 * DAY,
            now() + DAY,
            royalty.address(),
            TERMS2,
            0,
            1
        )
    );
    // The active lease keeps its terms and expiry.
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS)
    );
    assert_eq!(
        market.sender(lessor).lease_of(id, buyer.address()),
        (expires, TERMS, U256::ZERO)
    );
}

/// A lease names the offer version whose terms it runs under: a renewal
/// moves it to the current version, and later updates leave it there.
#[motsu::test]
fn lease_terms_follow_the_version_bought_or_renewed_under(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    let update = |hash: B256| {
        market
            .sender(lessor)
            .update_offer(
                id,
                terms(
                    u(RATE),
                    ETH,
                    1,
                    30 * DAY,
                    0,
                    1,
                    payee.address(),
                    hash,
                    String::new(),
                    0,
                ),
            )
            .motsu_unwrap();
    };
    let terms3 = B256::repeat_byte(0x33);
    update(TERMS2);
    assert_eq!(market.sender(lessor).lease_of(id, buyer.address()).1, TERMS);
    buyer.fund(u(DAY * RATE));
    let expires = market
        .sender_and_value(buyer.address(), u(DAY * RATE))
        .renew_lease(id, DAY, U256::MAX, 2)
        .motsu_unwrap();
    assert_eq!(
        market.sender(lessor).lease_of(id, buyer.address()),
        (expires, TERMS2, U256::ZERO)
    );
    update(terms3);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS2)
    );
    assert_eq!(stored_offer(&market, id).11, terms3);
    // No lease: no terms.
    assert_eq!(
        market.sender(lessor).lease_of(id, lessor),
        (0, B256::ZERO, U256::ZERO)
    );
}

#[motsu::test]
fn update_offer_errors(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    lessor: Address,
    mallory: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    let p = payee.address();
    let update = |who: Address, id: U256, payee: Address, min: u64| {
        market.sender(who).update_offer(
            id,
            terms(u(1), ETH, min, DAY, 0, 1, payee, TERMS2, String::new(), 0),
        )
    };
    expect_err!(
        update(lessor, u(2), p, 1),
        Error::UnknownOffer(LicenseMarketUnknownOffer { offerId: u(2) })
    );
    expect_err!(
        update(mallory, id, p, 1),
        Error::UnauthorizedLessor(LicenseMarketUnauthorizedLessor {
            offerId: id,
            account: mallory
        })
    );
    expect_err!(
        update(lessor, id, Address::ZERO, 1),
        Error::InvalidPayee(LicenseMarketInvalidPayee {
            payee: Address::ZERO
        })
    );
    expect_err!(
        update(lessor, id, p, 0),
        Error::InvalidDurationBounds(LicenseMarketInvalidDurationBounds {
            minDuration: 0,
            maxDuration: DAY
        })
    );
    // Unchanged.
    assert_eq!(stored_offer(&market, id).11, TERMS);
    market.sender(lessor).cancel_offer(id).motsu_unwrap();
    expect_err!(
        update(lessor, id, p, 1),
        Error::OfferCancelled(LicenseMarketOfferCancelled { offerId: id })
    );
}

#[motsu::test]
fn cancel_offer_stops_sales_not_leases(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    other: Contract<Wallet>,
    lessor: Address,
    mallory: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    let expires = buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    expect_err!(
        market.sender(mallory).cancel_offer(id),
        Error::UnauthorizedLessor(LicenseMarketUnauthorizedLessor {
            offerId: id,
            account: mallory
        })
    );
    expect_err!(
        market.sender(lessor).cancel_offer(u(5)),
        Error::UnknownOffer(LicenseMarketUnknownOffer { offerId: u(5) })
    );
    market.sender(lessor).cancel_offer(id).motsu_unwrap();
    market.assert_emitted(&OfferCancelled { offerId: id });
    assert_eq!(stored_offer(&market, id).13, 2);
    let cancelled = || Error::OfferCancelled(LicenseMarketOfferCancelled { offerId: id });
    expect_err!(market.sender(lessor).cancel_offer(id), cancelled());
    expect_err!(
        buy(&market, other.address(), id, DAY, DAY * RATE),
        cancelled()
    );
    expect_err!(market.sender(lessor).quote(id, DAY), cancelled());
    buyer.fund(u(DAY * RATE));
    expect_err!(
        market
            .sender_and_value(buyer.address(), u(DAY * RATE))
            .renew_lease(id, DAY, U256::MAX, 1),
        cancelled()
    );
    // The running lease is untouched.
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS)
    );
}

// ------------------------------------------------------------ buy (721) ---

#[motsu::test]
fn buy_lease_sets_locked_user_and_splits_payment(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    let price = 2 * DAY * RATE;
    assert_eq!(
        price_royalty(market.sender(lessor).quote(id, 2 * DAY).motsu_unwrap()),
        (u(price), royalty.address(), u(price / 10))
    );
    // Overpay by 777 wei: refunded.
    buyer.fund(u(price + 777));
    let expires = market
        .sender_and_value(buyer.address(), u(price + 777))
        .buy_lease(id, 2 * DAY, u(price), 1)
        .motsu_unwrap();
    assert_eq!(expires, now() + 2 * DAY);
    assert_eq!(royalty.balance(), u(price / 10));
    assert_eq!(payee.balance(), u(price - price / 10));
    assert_eq!(buyer.balance(), u(777));
    assert_eq!(market.balance(), U256::ZERO);
    market.assert_emitted(&LeasePurchased {
        offerId: id,
        licensee: buyer.address(),
        expires,
        price: u(price),
        royaltyPaid: u(price / 10),
    });
    // The asset holds a locked lease for the buyer.
    assert_eq!(nft.sender(lessor).user_of(u(1)), buyer.address());
    assert_eq!(nft.sender(lessor).user_expires(u(1)), u(expires));
    assert!(nft.sender(lessor).lease_locked(u(1)));
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS)
    );
    assert_eq!(
        market.sender(lessor).lease_of(id, buyer.address()),
        (expires, TERMS, U256::ZERO)
    );
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), ETH),
        U256::ZERO
    );
}

#[motsu::test]
fn buy_lease_input_errors_change_nothing(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    let b = buyer.address();
    expect_err!(
        buy(&market, b, u(2), DAY, 0),
        Error::UnknownOffer(LicenseMarketUnknownOffer { offerId: u(2) })
    );
    expect_err!(
        buy(&market, b, U256::ZERO, DAY, 0),
        Error::UnknownOffer(LicenseMarketUnknownOffer {
            offerId: U256::ZERO
        })
    );
    expect_err!(
        buy(&market, b, id, 0, 0),
        Error::DurationOutOfBounds(LicenseMarketDurationOutOfBounds {
            duration: 0,
            minDuration: 1,
            maxDuration: 30 * DAY
        })
    );
    expect_err!(
        buy(&market, b, id, 30 * DAY + 1, 0),
        Error::DurationOutOfBounds(LicenseMarketDurationOutOfBounds {
            duration: 30 * DAY + 1,
            minDuration: 1,
            maxDuration: 30 * DAY
        })
    );
    // Slippage guard.
    buyer.fund(u(DAY * RATE));
    expect_err!(
        market
            .sender_and_value(b, u(DAY * RATE))
            .buy_lease(id, DAY, u(DAY * RATE - 1), 1),
        Error::PriceAboveMax(LicenseMarketPriceAboveMax {
            price: u(DAY * RATE),
            maxPrice: u(DAY * RATE - 1)
        })
    );
    // Underpayment.
    expect_err!(
        buy(&market, b, id, DAY, DAY * RATE - 1),
        Error::InsufficientPayment(LicenseMarketInsufficientPayment {
            price: u(DAY * RATE),
            paid: u(DAY * RATE - 1)
        })
    );
    // Nothing changed: no lease, no money moved (the funded wei stayed with the buyer).
    assert_eq!(market.balance(), U256::ZERO);
    assert_eq!(payee.balance(), U256::ZERO);
    assert_eq!(nft.sender(lessor).user_of(u(1)), Address::ZERO);
    assert_eq!(
        market.sender(lessor).lease_of(id, b),
        (0, B256::ZERO, U256::ZERO)
    );
    assert_eq!(
        market.sender(lessor).is_licensed(nft.address(), u(1), b),
        (false, 0, B256::ZERO)
    );
    assert_eq!(
        market.all_events().len(),
        2,
        "only OfferCreated + OfferTerms"
    );
}

#[motsu::test]
fn buy_lease_after_offer_end_fails(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    let end = now() + 100;
    market
        .sender(lessor)
        .update_offer(
            id,
            terms(
                u(RATE),
                ETH,
                1,
                DAY,
                end,
                1,
                payee.address(),
                TERMS,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    clock::advance(100); // exactly at the end time: still sells
    assert_eq!(
        market.sender(lessor).quote(id, 10).motsu_unwrap().price,
        u(10 * RATE)
    );
    clock::advance(1);
    let ended = Error::OfferEnded(LicenseMarketOfferEnded {
        offerId: id,
        endTime: end,
    });
    expect_err!(buy(&market, buyer.address(), id, 10, 10 * RATE), ended);
    expect_err!(
        market.sender(lessor).quote(id, 10),
        Error::OfferEnded(LicenseMarketOfferEnded {
            offerId: id,
            endTime: end
        })
    );
}

#[motsu::test]
fn buy_lease_asset_state_errors(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    rival: Contract<Wallet>,
    lessor: Address,
    newowner: Address,
) {
    asset_state_errors(
        &market, &nft, &payee, &buyer, &rival, lessor, newowner, false,
    );
}

/// The same errors from an ERC-721 without `leaseTo` (the market asks the
/// separate views, then calls `setUser`).
#[motsu::test]
fn buy_lease_asset_state_errors_without_lease_to(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    rival: Contract<Wallet>,
    lessor: Address,
    newowner: Address,
) {
    nft.sender(lessor).set_no_context(true);
    asset_state_errors(
        &market, &nft, &payee, &buyer, &rival, lessor, newowner, true,
    );
}

/// Every asset-state error of an ERC-721 purchase, in the order the market
/// checks them; `no_context`: the asset lacks `leaseTo`.
fn asset_state_errors(
    market: &Contract<LicenseMarket>,
    nft: &Contract<MockCollection>,
    payee: &Contract<Payee>,
    buyer: &Contract<Wallet>,
    rival: &Contract<Wallet>,
    lessor: Address,
    newowner: Address,
    no_context: bool,
) {
    let id = list_nft(market, nft, lessor, payee.address(), payee.address());
    let c = nft.address();
    nft.sender(lessor).set_no_context(no_context);
    // A nonexistent token: the operator check first, then the holder's.
    nft.sender(lessor).transfer(Address::ZERO, u(1));
    nft.sender(lessor)
        .set_lease_operator(market.address(), false);
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: c,
            lessor
        })
    );
    nft.sender(lessor)
        .set_lease_operator(market.address(), true);
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::LessorNotOwner(LicenseMarketLessorNotOwner {
            collection: c,
            tokenId: u(1),
            lessor
        })
    );
    nft.sender(lessor).transfer(lessor, u(1));
    // Sold: the operator check still comes first.
    nft.sender(lessor).transfer(newowner, u(1));
    nft.sender(lessor)
        .set_lease_operator(market.address(), false);
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: c,
            lessor
        })
    );
    nft.sender(lessor)
        .set_lease_operator(market.address(), true);
    nft.sender(newowner).transfer(lessor, u(1));
    // Operator revoked.
    nft.sender(lessor)
        .set_lease_operator(market.address(), false);
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: c,
            lessor
        })
    );
    nft.sender(lessor)
        .set_lease_operator(market.address(), true);
    // The asset refuses the lease.
    nft.sender(lessor).set_reject_leases(true);
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::LeaseRejected(LicenseMarketLeaseRejected {
            collection: c,
            tokenId: u(1)
        })
    );
    assert_eq!(
        market.sender(lessor).lease_of(id, buyer.address()).0,
        0,
        "effects rolled back"
    );
    nft.sender(lessor).set_reject_leases(false);
    // Lessor sold the token.
    nft.sender(lessor).transfer(newowner, u(1));
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::LessorNotOwner(LicenseMarketLessorNotOwner {
            collection: c,
            tokenId: u(1),
            lessor
        })
    );
    nft.sender(newowner).transfer(lessor, u(1));
    // Bought once: the token is under a locked lease for everyone else, and
    // the licensee itself must renew instead.
    let expires = buy(market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    expect_err!(
        buy(market, rival.address(), id, DAY, DAY * RATE),
        Error::TokenLeased(LicenseMarketTokenLeased {
            collection: c,
            tokenId: u(1),
            expires: u(expires)
        })
    );
    expect_err!(
        buy(market, buyer.address(), id, DAY, DAY * RATE),
        Error::AlreadyLicensed(LicenseMarketAlreadyLicensed {
            offerId: id,
            licensee: buyer.address(),
            expires
        })
    );
    // A second offer on the same token is blocked by the lock too.
    let id2 = market
        .sender(lessor)
        .create_offer(
            c,
            u(1),
            0,
            terms(
                u(1),
                ETH,
                1,
                DAY,
                0,
                1,
                payee.address(),
                TERMS2,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    expect_err!(
        buy(market, rival.address(), id2, DAY, DAY),
        Error::TokenLeased(LicenseMarketTokenLeased {
            collection: c,
            tokenId: u(1),
            expires: u(expires)
        })
    );
    // Only the successful sale was paid.
    assert_eq!(payee.balance(), u(DAY * RATE));
}

#[motsu::test]
fn unlocked_owner_user_does_not_block(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
    friend: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    nft.sender(lessor)
        .force_user(u(1), friend, now() + 10 * DAY, false);
    let expires = buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    assert_eq!(nft.sender(lessor).user_of(u(1)), buyer.address());
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS)
    );
    assert!(
        !market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), friend)
            .0
    );
}

#[motsu::test]
fn lease_lapses_at_expiry_and_token_can_be_leased_again(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    rival: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    let expires = buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    clock::advance(DAY); // now == expires: still licensed, still locked
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS)
    );
    expect_err!(
        buy(&market, rival.address(), id, DAY, DAY * RATE),
        Error::TokenLeased(LicenseMarketTokenLeased {
            collection: nft.address(),
            tokenId: u(1),
            expires: u(expires)
        })
    );
    clock::advance(1);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (false, expires, TERMS)
    );
    // Expired: renewal is no longer possible, a new purchase is.
    buyer.fund(u(DAY * RATE));
    expect_err!(
        market
            .sender_and_value(buyer.address(), u(DAY * RATE))
            .renew_lease(id, DAY, U256::MAX, 1),
        Error::NotLicensee(LicenseMarketNotLicensee {
            offerId: id,
            account: buyer.address()
        })
    );
    let e2 = buy(&market, rival.address(), id, DAY, DAY * RATE).motsu_unwrap();
    assert_eq!(e2, now() + DAY);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), rival.address()),
        (true, e2, TERMS)
    );
    // The former licensee may buy again later too.
    clock::advance(DAY + 1);
    buy(&market, buyer.address(), id, 5, 5 * RATE).motsu_unwrap();
}

/// The perpetual lock: a free offer with a huge maximum duration (or
/// renewals stacked on a long lease) locked the asset for ever. Offers are
/// bounded by `MAX_LEASE_DURATION` and no licence reaches further than the
/// offer's `maxDuration` past now.
#[motsu::test]
fn perpetual_lock_offer_and_renewals_are_bounded(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    rival: Contract<Wallet>,
    lessor: Address,
) {
    use crate::logic::MAX_LEASE_DURATION as MAX;
    nft.sender(lessor).mint(lessor, u(1));
    nft.sender(lessor)
        .set_lease_operator(market.address(), true);
    let free = |max| {
        terms(
            U256::ZERO,
            ETH,
            1,
            max,
            0,
            1,
            payee.address(),
            TERMS,
            String::new(),
            0,
        )
    };
    for max in [u64::MAX, MAX + 1] {
        expect_err!(
            market
                .sender(lessor)
                .create_offer(nft.address(), u(1), 0, free(max)),
            Error::InvalidDurationBounds(LicenseMarketInvalidDurationBounds {
                minDuration: 1,
                maxDuration: max
            })
        );
    }
    let id = market
        .sender(lessor)
        .create_offer(nft.address(), u(1), 0, free(MAX))
        .motsu_unwrap();
    expect_err!(
        market.sender(lessor).update_offer(id, free(MAX + 1)),
        Error::InvalidDurationBounds(LicenseMarketInvalidDurationBounds {
            minDuration: 1,
            maxDuration: MAX + 1
        })
    );
    // Free licences work (zero price, nothing to pay); the longest one ends
    // MAX_LEASE_DURATION from now.
    let e = buy(&market, buyer.address(), id, MAX, 0).motsu_unwrap();
    assert_eq!(e, now() + MAX);
    market.assert_emitted(&LeasePurchased {
        offerId: id,
        licensee: buyer.address(),
        expires: e,
        price: U256::ZERO,
        royaltyPaid: U256::ZERO,
    });
    // Renewing on top of it would reach past now + maxDuration.
    expect_err!(
        market
            .sender(buyer.address())
            .renew_lease(id, 1, U256::ZERO, 1),
        Error::LeaseTooLong(LicenseMarketLeaseTooLong {
            expires: e + 1,
            latest: now() + MAX
        })
    );
    clock::advance(DAY);
    expect_err!(
        market
            .sender(buyer.address())
            .renew_lease(id, DAY + 1, U256::ZERO, 1),
        Error::LeaseTooLong(LicenseMarketLeaseTooLong {
            expires: e + DAY + 1,
            latest: now() + MAX
        })
    );
    let e2 = market
        .sender(buyer.address())
        .renew_lease(id, DAY, U256::ZERO, 1)
        .motsu_unwrap();
    assert_eq!(e2, now() + MAX);
    // Once it lapses, the token is leasable again.
    expect_err!(
        buy(&market, rival.address(), id, 1, 0),
        Error::TokenLeased(LicenseMarketTokenLeased {
            collection: nft.address(),
            tokenId: u(1),
            expires: u(e2)
        })
    );
    clock::advance(MAX + 1);
    let e3 = buy(&market, rival.address(), id, DAY, 0).motsu_unwrap();
    assert_eq!(nft.sender(lessor).user_of(u(1)), rival.address());
    assert_eq!(e3, now() + DAY);
}

/// An ERC-721 with `leaseTo`: purchase and renewal pay, lock and log, each
/// in one call into the asset.
#[motsu::test]
fn purchase_and_renewal_through_lease_to(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    purchase_and_renewal(&market, &nft, &payee, &royalty, &buyer, lessor, false);
}

/// An ERC-721 without `leaseTo`: purchase and renewal pay, lock and log
/// exactly as with it (separate views, then `setUser`).
#[motsu::test]
fn purchase_and_renewal_without_lease_to(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    purchase_and_renewal(&market, &nft, &payee, &royalty, &buyer, lessor, true);
}

/// An ERC-721 purchase and its renewal; `no_lease_to`: the asset lacks
/// `leaseTo`.
fn purchase_and_renewal(
    market: &Contract<LicenseMarket>,
    nft: &Contract<MockCollection>,
    payee: &Contract<Payee>,
    royalty: &Contract<Payee>,
    buyer: &Contract<Wallet>,
    lessor: Address,
    no_lease_to: bool,
) {
    let id = list_nft(market, nft, lessor, payee.address(), royalty.address());
    nft.sender(lessor).set_no_context(no_lease_to);
    let e1 = buy(market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    market.assert_emitted(&LeasePurchased {
        offerId: id,
        licensee: buyer.address(),
        expires: e1,
        price: u(DAY * RATE),
        royaltyPaid: u(DAY * RATE / 10),
    });
    assert!(nft.sender(lessor).lease_locked(u(1)));
    let price = DAY * RATE;
    buyer.fund(u(price));
    let e2 = market
        .sender_and_value(buyer.address(), u(price))
        .renew_lease(id, DAY, u(price), 1)
        .motsu_unwrap();
    assert_eq!(e2, e1 + DAY);
    market.assert_emitted(&LeaseRenewed {
        offerId: id,
        licensee: buyer.address(),
        expires: e2,
        price: u(price),
        royaltyPaid: u(price / 10),
    });
    assert_eq!(nft.sender(lessor).user_expires(u(1)), u(e2));
    assert_eq!(royalty.balance(), u(2 * price / 10));
    assert_eq!(payee.balance(), u(2 * (price - price / 10)));
    // One call into the asset per sale with `leaseTo` (no `setUser`), a
    // `setUser` per sale without it.
    let set_user_calls = if no_lease_to { 2 } else { 0 };
    assert_eq!(nft.sender(lessor).set_user_calls(), set_user_calls);
    assert_eq!(nft.sender(lessor).user_of(u(1)), buyer.address());
}

#[motsu::test]
fn renew_lease_extends_from_current_expiry(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    rival: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    let e1 = buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    clock::advance(DAY / 2);
    // Terms changed since: the renewal adopts the offer's current terms and price.
    market
        .sender(lessor)
        .update_offer(
            id,
            terms(
                u(2 * RATE),
                ETH,
                1,
                30 * DAY,
                0,
                1,
                payee.address(),
                TERMS2,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    let price = 2 * DAY * 2 * RATE;
    buyer.fund(u(price + 5));
    expect_err!(
        market
            .sender_and_value(buyer.address(), u(price))
            .renew_lease(id, 2 * DAY, u(price - 1), 2),
        Error::PriceAboveMax(LicenseMarketPriceAboveMax {
            price: u(price),
            maxPrice: u(price - 1)
        })
    );
    let e2 = market
        .sender_and_value(buyer.address(), u(price + 5))
        .renew_lease(id, 2 * DAY, u(price), 2)
        .motsu_unwrap();
    assert_eq!(e2, e1 + 2 * DAY);
    market.assert_emitted(&LeaseRenewed {
        offerId: id,
        licensee: buyer.address(),
        expires: e2,
        price: u(price),
        royaltyPaid: u(price / 10),
    });
    assert_eq!(nft.sender(lessor).user_expires(u(1)), u(e2));
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, e2, TERMS2)
    );
    assert_eq!(buyer.balance(), u(5));
    assert_eq!(royalty.balance(), u(DAY * RATE / 10 + price / 10));
    // Someone without a lease cannot renew.
    rival.fund(u(DAY * 2 * RATE));
    expect_err!(
        market
            .sender_and_value(rival.address(), u(DAY * 2 * RATE))
            .renew_lease(id, DAY, U256::MAX, 2),
        Error::NotLicensee(LicenseMarketNotLicensee {
            offerId: id,
            account: rival.address()
        })
    );
    // Renewal checks still apply: bounds, ownership, operator.
    buyer.fund(u(100 * DAY * RATE));
    expect_err!(
        market
            .sender_and_value(buyer.address(), u(DAY * 2 * RATE))
            .renew_lease(id, 31 * DAY, U256::MAX, 2),
        Error::DurationOutOfBounds(LicenseMarketDurationOutOfBounds {
            duration: 31 * DAY,
            minDuration: 1,
            maxDuration: 30 * DAY
        })
    );
    nft.sender(lessor)
        .set_lease_operator(market.address(), false);
    expect_err!(
        market
            .sender_and_value(buyer.address(), u(DAY * 2 * RATE))
            .renew_lease(id, DAY, U256::MAX, 2),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: nft.address(),
            lessor
        })
    );
}

// ---------------------------------------------------------- royalties ---

/// M-1: the lessor switches the offer's token and flags between the buyer's
/// quote and purchase (the buyer holds an unlimited approval in the new
/// token). The purchase names the version it was quoted and is refused;
/// nothing moves. A fresh quote shows the new token and version.
#[motsu::test]
fn m1_offer_update_between_quote_and_purchase_is_refused(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    token: Contract<MockErc20>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Address,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    let q = market.sender(buyer).quote(id, DAY).motsu_unwrap();
    assert_eq!(
        (q.price, q.paymentToken, q.version),
        (u(DAY * RATE), ETH, 1)
    );
    token.sender(buyer).mint(buyer, u(1_000 * DAY * RATE));
    token.sender(buyer).approve(market.address(), U256::MAX);
    let switched = terms(
        u(RATE / 10),
        token.address(),
        1,
        30 * DAY,
        0,
        1,
        payee.address(),
        TERMS2,
        String::new(),
        0,
    );
    market
        .sender(lessor)
        .update_offer(id, switched)
        .motsu_unwrap();
    expect_err!(
        market.sender(buyer).buy_lease(id, DAY, q.price, q.version),
        Error::OfferVersionMismatch(LicenseMarketOfferVersionMismatch {
            offerId: id,
            quoted: 1,
            current: 2
        })
    );
    expect_err!(
        market
            .sender(buyer)
            .renew_lease(id, DAY, q.price, q.version),
        Error::OfferVersionMismatch(LicenseMarketOfferVersionMismatch {
            offerId: id,
            quoted: 1,
            current: 2
        })
    );
    assert_eq!(token.sender(buyer).balance_of(buyer), u(1_000 * DAY * RATE));
    assert_eq!(market.sender(buyer).lease_of(id, buyer).0, 0);
    let q2 = market.sender(buyer).quote(id, DAY).motsu_unwrap();
    assert_eq!(
        (q2.price, q2.paymentToken, q2.version),
        (u(DAY * RATE / 10), token.address(), 2)
    );
    market
        .sender(buyer)
        .buy_lease(id, DAY, q2.price, q2.version)
        .motsu_unwrap();
    assert_eq!(
        token.sender(buyer).balance_of(buyer),
        u(1_000 * DAY * RATE - DAY * RATE / 10)
    );
    // The view reports the stored terms and version.
    let o = market.sender(buyer).offer(id).motsu_unwrap();
    assert_eq!(
        (o.paymentToken, o.termsHash, o.flags, o.version, o.status),
        (token.address(), TERMS2, 0, 2, 1)
    );
    expect_err!(
        market.sender(buyer).offer(u(9)),
        Error::UnknownOffer(LicenseMarketUnknownOffer { offerId: u(9) })
    );
}

/// M-3: the asset owner raises the royalty to 100 % under an offer capped
/// at 10 %; quote and sale are refused with nothing moved. At the cap the
/// lessor gets `price × 90 %`. Caps above 100 % are invalid.
#[motsu::test]
fn m3_royalty_above_the_offers_cap_is_refused(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    let mut capped = terms(
        u(RATE),
        ETH,
        1,
        30 * DAY,
        0,
        1,
        payee.address(),
        TERMS,
        String::new(),
        0,
    );
    capped.maxRoyaltyBps = 10_001;
    expect_err!(
        market.sender(lessor).update_offer(id, capped.clone()),
        Error::InvalidRoyaltyCap(LicenseMarketInvalidRoyaltyCap {
            maxRoyaltyBps: 10_001
        })
    );
    capped.maxRoyaltyBps = 1_000;
    market
        .sender(lessor)
        .update_offer(id, capped)
        .motsu_unwrap();
    let price = DAY * RATE;
    nft.sender(lessor).set_royalty(royalty.address(), u(10_000));
    let above = || {
        Error::RoyaltyAboveCap(LicenseMarketRoyaltyAboveCap {
            offerId: id,
            royalty: u(price),
            maxRoyalty: u(price / 10),
        })
    };
    expect_err!(market.sender(lessor).quote(id, DAY), above());
    expect_err!(buy(&market, buyer.address(), id, DAY, price), above());
    // One basis point over the cap is refused too.
    nft.sender(lessor).set_royalty(royalty.address(), u(1_001));
    expect_err!(
        buy(&market, buyer.address(), id, DAY, price),
        Error::RoyaltyAboveCap(LicenseMarketRoyaltyAboveCap {
            offerId: id,
            royalty: u(price * 1_001 / 10_000),
            maxRoyalty: u(price / 10),
        })
    );
    assert_eq!(payee.balance(), U256::ZERO);
    // `leaseTo` had set the user before the cap refused: the sale's revert
    // undid it.
    assert_eq!(nft.sender(lessor).user_of(u(1)), Address::ZERO);
    nft.sender(lessor).set_royalty(royalty.address(), u(1_000));
    buy(&market, buyer.address(), id, DAY, price).motsu_unwrap();
    assert_eq!(payee.balance(), u(price - price / 10));
    assert_eq!(royalty.balance(), u(price / 10));
}

#[motsu::test]
fn royalty_is_capped_at_price(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    nft.sender(lessor).set_royalty(royalty.address(), u(25_000)); // 250 %: broken asset
    assert_eq!(
        price_royalty(market.sender(lessor).quote(id, 10).motsu_unwrap()),
        (u(10 * RATE), royalty.address(), u(10 * RATE))
    );
    buy(&market, buyer.address(), id, 10, 10 * RATE).motsu_unwrap();
    assert_eq!(royalty.balance(), u(10 * RATE));
    assert_eq!(payee.balance(), U256::ZERO);
    assert_eq!(market.balance(), U256::ZERO);
}

#[motsu::test]
fn no_royalty_when_asset_has_none(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    // Reverting royaltyInfo: everything to the payee.
    nft.sender(lessor).set_royalty_reverts(true);
    assert_eq!(
        price_royalty(market.sender(lessor).quote(id, 10).motsu_unwrap()),
        (u(10 * RATE), Address::ZERO, U256::ZERO)
    );
    buy(&market, buyer.address(), id, 10, 10 * RATE).motsu_unwrap();
    assert_eq!(payee.balance(), u(10 * RATE));
    // The market as receiver (it could never withdraw): no royalty.
    nft.sender(lessor).set_royalty(market.address(), u(1_000));
    assert_eq!(
        price_royalty(market.sender(lessor).quote(id, 10).motsu_unwrap()),
        (u(10 * RATE), Address::ZERO, U256::ZERO)
    );
    // Zero receiver: everything to the payee.
    nft.sender(lessor).set_royalty_reverts(false);
    nft.sender(lessor).set_royalty(Address::ZERO, u(1_000));
    buyer.fund(u(10 * RATE));
    market
        .sender_and_value(buyer.address(), u(10 * RATE))
        .renew_lease(id, 10, U256::MAX, 1)
        .motsu_unwrap();
    assert_eq!(payee.balance(), u(20 * RATE));
    assert_eq!(royalty.balance(), U256::ZERO);
}

// ------------------------------------------------- failing recipients ---

#[motsu::test]
fn reverting_recipients_are_credited_and_withdraw(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Payee>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    payee.sender(lessor).set_reject(true);
    royalty.sender(lessor).set_reject(true);
    buyer.sender(lessor).set_reject(true);
    let price = DAY * RATE;
    let expires = buy(&market, buyer.address(), id, DAY, price + 9).motsu_unwrap();
    // The sale went through; every push failed and was credited.
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), buyer.address()),
        (true, expires, TERMS)
    );
    assert_eq!(market.balance(), u(price + 9));
    assert_eq!(
        market.sender(lessor).credit_of(royalty.address(), ETH),
        u(price / 10)
    );
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), ETH),
        u(price - price / 10)
    );
    assert_eq!(market.sender(lessor).credit_of(buyer.address(), ETH), u(9));
    market.assert_emitted(&PaymentCredited {
        account: payee.address(),
        token: ETH,
        amount: u(price - price / 10),
    });
    market.assert_emitted(&PaymentCredited {
        account: royalty.address(),
        token: ETH,
        amount: u(price / 10),
    });
    market.assert_emitted(&PaymentCredited {
        account: buyer.address(),
        token: ETH,
        amount: u(9),
    });
    // Still rejecting: withdraw fails, the credit stays.
    expect_err!(
        market.sender(payee.address()).withdraw(ETH),
        Error::TransferFailed(LicenseMarketTransferFailed {
            token: ETH,
            to: payee.address(),
            amount: u(price - price / 10)
        })
    );
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), ETH),
        u(price - price / 10)
    );
    // Accepting again: the credit is paid out once.
    payee.sender(lessor).set_reject(false);
    market.sender(payee.address()).withdraw(ETH).motsu_unwrap();
    market.assert_emitted(&Withdrawal {
        account: payee.address(),
        token: ETH,
        amount: u(price - price / 10),
    });
    assert_eq!(payee.balance(), u(price - price / 10));
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), ETH),
        U256::ZERO
    );
    expect_err!(
        market.sender(payee.address()).withdraw(ETH),
        Error::NothingToWithdraw(LicenseMarketNothingToWithdraw { token: ETH })
    );
    royalty.sender(lessor).set_reject(false);
    buyer.sender(lessor).set_reject(false);
    market
        .sender(royalty.address())
        .withdraw(ETH)
        .motsu_unwrap();
    market.sender(buyer.address()).withdraw(ETH).motsu_unwrap();
    assert_eq!(market.balance(), U256::ZERO);
    assert_eq!(
        royalty.balance() + payee.balance() + buyer.balance(),
        u(price + 9)
    );
}

/// L-2: a contract credited by a failed push that cannot call `withdraw`
/// itself is paid by anyone's `withdrawTo`, and only it is paid.
#[motsu::test]
fn l2_withdraw_to_pays_the_credited_account_only(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    outsider: Address,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    royalty.sender(lessor).set_reject(true);
    let price = DAY * RATE;
    buy(&market, buyer.address(), id, DAY, price).motsu_unwrap();
    assert_eq!(
        market.sender(lessor).credit_of(royalty.address(), ETH),
        u(price / 10)
    );
    // Still refusing: the credit stays.
    expect_err!(
        market.sender(outsider).withdraw_to(royalty.address(), ETH),
        Error::TransferFailed(LicenseMarketTransferFailed {
            token: ETH,
            to: royalty.address(),
            amount: u(price / 10)
        })
    );
    royalty.sender(lessor).set_reject(false);
    market
        .sender(outsider)
        .withdraw_to(royalty.address(), ETH)
        .motsu_unwrap();
    assert_eq!(royalty.balance(), u(price / 10));
    assert_eq!(outsider.balance(), U256::ZERO);
    assert_eq!(market.balance(), U256::ZERO);
    assert_eq!(
        market.sender(lessor).credit_of(royalty.address(), ETH),
        U256::ZERO
    );
    market.assert_emitted(&Withdrawal {
        account: royalty.address(),
        token: ETH,
        amount: u(price / 10),
    });
    expect_err!(
        market.sender(outsider).withdraw_to(royalty.address(), ETH),
        Error::NothingToWithdraw(LicenseMarketNothingToWithdraw { token: ETH })
    );
}

#[motsu::test]
fn reentrant_withdraw_pays_once(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), royalty.address());
    payee.sender(lessor).set_reject(true);
    royalty.sender(lessor).set_reject(true);
    let price = DAY * RATE;
    buy(&market, buyer.address(), id, DAY, price).motsu_unwrap();
    // The market now holds both credits: a drain would take the royalty's.
    assert_eq!(market.balance(), u(price));
    payee.sender(lessor).set_reject(false);
    payee
        .sender(lessor)
        .set_reenter(market.address(), REENTER_WITHDRAW, U256::ZERO, U256::ZERO);
    market.sender(payee.address()).withdraw(ETH).motsu_unwrap();
    assert_eq!(
        payee.sender(lessor).reentry(),
        (true, false),
        "re-entrant withdraw must fail"
    );
    assert_eq!(
        payee.sender(lessor).last_error(),
        Vec::<u8>::from(Error::NothingToWithdraw(LicenseMarketNothingToWithdraw {
            token: ETH
        }))
    );
    assert_eq!(payee.balance(), u(price - price / 10));
    assert_eq!(market.balance(), u(price / 10));
    assert_eq!(
        market.sender(lessor).credit_of(royalty.address(), ETH),
        u(price / 10)
    );
}

#[motsu::test]
fn reentrant_buy_from_payee_cannot_double_lease(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    buyer: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    // The payee re-enters with enough ETH to pay for its own lease.
    payee.fund(u(DAY * RATE));
    payee
        .sender(lessor)
        .set_reenter(market.address(), REENTER_BUY, id, u(DAY * RATE));
    let expires = buy(&market, buyer.address(), id, DAY, DAY * RATE).motsu_unwrap();
    // The nested buyLease saw the buyer's lease already recorded and failed.
    assert_eq!(payee.sender(lessor).reentry(), (true, false));
    assert_eq!(
        payee.sender(lessor).last_error(),
        Vec::<u8>::from(Error::TokenLeased(LicenseMarketTokenLeased {
            collection: nft.address(),
            tokenId: u(1),
            expires: u(expires)
        }))
    );
    assert_eq!(nft.sender(lessor).user_of(u(1)), buyer.address());
    assert_eq!(market.sender(lessor).lease_of(id, payee.address()).0, 0);
    assert_eq!(
        market.sender(lessor).lease_of(id, buyer.address()).0,
        expires
    );
    // The payee got its share once and kept its own ETH; the market holds nothing.
    assert_eq!(payee.balance(), u(2 * DAY * RATE));
    assert_eq!(market.balance(), U256::ZERO);
}

// --------------------------------------------------------------- ERC-20 ---

/// Lists the NFT priced in `token`.
fn list_nft_erc20(
    market: &Contract<LicenseMarket>,
    nft: &Contract<MockCollection>,
    token: Address,
    lessor: Address,
    payee: Address,
    royalty: Address,
) -> U256 {
    let id = list_nft(market, nft, lessor, payee, royalty);
    market
        .sender(lessor)
        .update_offer(
            id,
            terms(
                u(RATE),
                token,
                1,
                30 * DAY,
                0,
                1,
                payee,
                TERMS,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    id
}

#[motsu::test]
fn erc20_offer_pulls_price_and_splits(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    token: Contract<MockErc20>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Address,
    lessor: Address,
) {
    let id = list_nft_erc20(
        &market,
        &nft,
        token.address(),
        lessor,
        payee.address(),
        royalty.address(),
    );
    let price = DAY * RATE;
    token.sender(buyer).mint(buyer, u(price + 1));
    // No allowance yet.
    expect_err!(
        market.sender(buyer).buy_lease(id, DAY, U256::MAX, 2),
        Error::SafeErc20FailedOperation(SafeErc20FailedOperation {
            token: token.address()
        })
    );
    token.sender(buyer).approve(market.address(), u(price));
    // ETH sent to an ERC-20 offer.
    buyer.fund(u(1));
    expect_err!(
        market
            .sender_and_value(buyer, u(1))
            .buy_lease(id, DAY, U256::MAX, 2),
        Error::UnexpectedValue(LicenseMarketUnexpectedValue { value: u(1) })
    );
    let expires = market
        .sender(buyer)
        .buy_lease(id, DAY, u(price), 2)
        .motsu_unwrap();
    assert_eq!(token.sender(buyer).balance_of(buyer), u(1));
    assert_eq!(
        token.sender(buyer).balance_of(royalty.address()),
        u(price / 10)
    );
    assert_eq!(
        token.sender(buyer).balance_of(payee.address()),
        u(price - price / 10)
    );
    assert_eq!(token.sender(buyer).balance_of(market.address()), U256::ZERO);
    market.assert_emitted(&LeasePurchased {
        offerId: id,
        licensee: buyer,
        expires,
        price: u(price),
        royaltyPaid: u(price / 10),
    });
    assert_eq!(buyer.balance(), u(1), "ETH untouched");
}

#[motsu::test]
fn erc20_failing_pushes_are_credited(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    token: Contract<MockErc20>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    buyer: Address,
    lessor: Address,
) {
    let t = token.address();
    let id = list_nft_erc20(&market, &nft, t, lessor, payee.address(), royalty.address());
    let price = DAY * RATE;
    token.sender(buyer).mint(buyer, u(2 * price));
    token.sender(buyer).approve(market.address(), u(2 * price));
    token.sender(lessor).set_blocked(payee.address(), true);
    market
        .sender(buyer)
        .buy_lease(id, DAY, U256::MAX, 2)
        .motsu_unwrap();
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), t),
        u(price - price / 10)
    );
    assert_eq!(
        token.sender(buyer).balance_of(royalty.address()),
        u(price / 10)
    );
    assert_eq!(
        token.sender(buyer).balance_of(market.address()),
        u(price - price / 10)
    );
    market.assert_emitted(&PaymentCredited {
        account: payee.address(),
        token: t,
        amount: u(price - price / 10),
    });
    // Withdraw fails while blocked (credit kept), works once unblocked.
    expect_err!(
        market.sender(payee.address()).withdraw(t),
        Error::TransferFailed(LicenseMarketTransferFailed {
            token: t,
            to: payee.address(),
            amount: u(price - price / 10)
        })
    );
    token.sender(lessor).set_blocked(payee.address(), false);
    market.sender(payee.address()).withdraw(t).motsu_unwrap();
    assert_eq!(
        token.sender(buyer).balance_of(payee.address()),
        u(price - price / 10)
    );
    assert_eq!(token.sender(buyer).balance_of(market.address()), U256::ZERO);
    market.assert_emitted(&Withdrawal {
        account: payee.address(),
        token: t,
        amount: u(price - price / 10),
    });
    // No ETH credit was created.
    expect_err!(
        market.sender(payee.address()).withdraw(ETH),
        Error::NothingToWithdraw(LicenseMarketNothingToWithdraw { token: ETH })
    );
}

#[motsu::test]
fn erc20_bad_tokens_are_rejected(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    token: Contract<MockErc20>,
    payee: Contract<Payee>,
    buyer: Address,
    lessor: Address,
    not_a_token: Address,
) {
    let t = token.address();
    let id = list_nft_erc20(&market, &nft, t, lessor, payee.address(), payee.address());
    token.sender(buyer).mint(buyer, u(10 * DAY * RATE));
    token.sender(buyer).approve(market.address(), U256::MAX);
    let failed = |token| Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token });
    // Fee on transfer: the market would receive less than the price.
    token.sender(lessor).set_fee_bps(u(100));
    expect_err!(
        market.sender(buyer).buy_lease(id, DAY, U256::MAX, 2),
        failed(t)
    );
    token.sender(lessor).set_fee_bps(U256::ZERO);
    // transferFrom returning false.
    token.sender(lessor).set_return_false(true);
    expect_err!(
        market.sender(buyer).buy_lease(id, DAY, U256::MAX, 2),
        failed(t)
    );
    token.sender(lessor).set_return_false(false);
    // A "token" without code never yields a free lease.
    market
        .sender(lessor)
        .update_offer(
            id,
            terms(
                u(RATE),
                not_a_token,
                1,
                30 * DAY,
                0,
                1,
                payee.address(),
                TERMS,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    expect_err!(
        market.sender(buyer).buy_lease(id, DAY, U256::MAX, 3),
        failed(not_a_token)
    );
    assert_eq!(market.sender(lessor).lease_of(id, buyer).0, 0);
    assert_eq!(nft.sender(lessor).user_of(u(1)), Address::ZERO);
    assert_eq!(token.sender(buyer).balance_of(buyer), u(10 * DAY * RATE));
}

#[motsu::test]
fn erc20_push_returning_false_is_credited(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    token: Contract<MockErc20>,
    payee: Contract<Payee>,
    buyer: Address,
    lessor: Address,
) {
    let t = token.address();
    let id = list_nft_erc20(&market, &nft, t, lessor, payee.address(), payee.address());
    token.sender(buyer).mint(buyer, u(DAY * RATE));
    token.sender(buyer).approve(market.address(), U256::MAX);
    // Make only the payee's push fail: block it so `transfer` reverts.
    token.sender(lessor).set_blocked(payee.address(), true);
    market
        .sender(buyer)
        .buy_lease(id, DAY, U256::MAX, 2)
        .motsu_unwrap();
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), t),
        u(DAY * RATE)
    );
    // And a token answering `false` on withdraw keeps the credit.
    token.sender(lessor).set_blocked(payee.address(), false);
    token.sender(lessor).set_return_false(true);
    expect_err!(
        market.sender(payee.address()).withdraw(t),
        Error::TransferFailed(LicenseMarketTransferFailed {
            token: t,
            to: payee.address(),
            amount: u(DAY * RATE)
        })
    );
    assert_eq!(
        market.sender(lessor).credit_of(payee.address(), t),
        u(DAY * RATE)
    );
}

// ------------------------------------------------------------- ERC-1155 ---

#[motsu::test]
fn units_lease_creates_records_up_to_the_cap(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    royalty: Contract<Payee>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    c: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        royalty.address(),
        2,
    );
    let price = DAY * RATE;
    let ea = buy(&market, a.address(), id, DAY, price).motsu_unwrap();
    assert_eq!(royalty.balance(), u(price / 20));
    assert_eq!(payee.balance(), u(price - price / 20));
    assert_eq!(
        editions.sender(lessor).frozen_balance_of(lessor, u(7)),
        u(2)
    );
    assert_eq!(
        editions.sender(lessor).usable_balance_of(a.address(), u(7)),
        u(2)
    );
    assert_eq!(
        market.sender(lessor).lease_of(id, a.address()),
        (ea, TERMS, u(1))
    );
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address()),
        (true, ea, TERMS)
    );
    expect_err!(
        buy(&market, a.address(), id, DAY, price),
        Error::AlreadyLicensed(LicenseMarketAlreadyLicensed {
            offerId: id,
            licensee: a.address(),
            expires: ea
        })
    );
    let eb = buy(&market, b.address(), id, 2 * DAY, 2 * price).motsu_unwrap();
    expect_err!(
        buy(&market, c.address(), id, DAY, price),
        Error::SoldOut(LicenseMarketSoldOut {
            offerId: id,
            maxLicensees: 2
        })
    );
    // A's slot frees at its expiry (+1 s); C takes it.
    clock::advance(DAY + 1);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address()),
        (false, ea, TERMS)
    );
    let ec = buy(&market, c.address(), id, DAY, price).motsu_unwrap();
    assert_eq!(
        market.sender(lessor).lease_of(id, c.address()),
        (ec, TERMS, u(3))
    );
    assert_eq!(
        editions.sender(lessor).frozen_balance_of(lessor, u(7)),
        u(4)
    );
    assert!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), b.address())
            .0
    );
    assert!(ec < eb + DAY);
    // Raising the cap lets A back in.
    market
        .sender(lessor)
        .update_offer(
            id,
            terms(
                u(RATE),
                ETH,
                DAY,
                10 * DAY,
                0,
                3,
                payee.address(),
                TERMS,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    buy(&market, a.address(), id, DAY, price).motsu_unwrap();
    assert_eq!(
        editions.sender(lessor).frozen_balance_of(lessor, u(7)),
        u(6)
    );
}

#[motsu::test]
fn units_lease_needs_free_units(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        10,
    );
    let price = DAY * RATE;
    // Lessor freezes 7 of its 10 units elsewhere (its own records).
    editions
        .sender(lessor)
        .create_user_record(lessor, lessor, u(7), 7, now() + 5 * DAY)
        .motsu_unwrap();
    let ea = buy(&market, a.address(), id, DAY, price).motsu_unwrap();
    expect_err!(
        buy(&market, b.address(), id, DAY, price),
        Error::NoFreeUnits(LicenseMarketNoFreeUnits {
            offerId: id,
            free: u(1),
            needed: 2
        })
    );
    // A renewal extends a's record: it needs no free units.
    a.fund(u(price));
    let renewed = market
        .sender_and_value(a.address(), u(price))
        .renew_lease(id, DAY, U256::MAX, 1)
        .motsu_unwrap();
    assert_eq!(renewed, ea + DAY);
    assert_eq!(
        editions.sender(lessor).frozen_balance_of(lessor, u(7)),
        u(9)
    );
    // Units burnt away below the amount: same error, never a panic.
    editions.sender(lessor).burn(lessor, u(7), u(10));
    expect_err!(
        buy(&market, b.address(), id, DAY, price),
        Error::NoFreeUnits(LicenseMarketNoFreeUnits {
            offerId: id,
            free: U256::ZERO,
            needed: 2
        })
    );
    assert_eq!(market.sender(lessor).lease_of(id, a.address()).0, renewed);
    assert_eq!(market.sender(lessor).lease_of(id, b.address()).0, 0);
}

#[motsu::test]
fn units_lease_renewal_extends_the_record(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    a: Contract<Wallet>,
    lessor: Address,
) {
    // 5 licences of 2 units: the lessor's 10 units are all leased out.
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        5,
    );
    let price = DAY * RATE;
    let e1 = buy(&market, a.address(), id, DAY, price).motsu_unwrap();
    for i in 0..4u8 {
        let other = Address::repeat_byte(0xb0 + i);
        buy(&market, other, id, 3 * DAY, 3 * price).motsu_unwrap();
    }
    assert_eq!(
        editions.sender(lessor).frozen_balance_of(lessor, u(7)),
        u(10)
    );
    // Renewing with no free unit works: the record is extended in place.
    a.fund(u(2 * price));
    let e2 = market
        .sender_and_value(a.address(), u(2 * price))
        .renew_lease(id, 2 * DAY, U256::MAX, 1)
        .motsu_unwrap();
    assert_eq!(e2, e1 + 2 * DAY);
    market.assert_emitted(&LeaseRenewed {
        offerId: id,
        licensee: a.address(),
        expires: e2,
        price: u(2 * price),
        royaltyPaid: u(2 * price / 20),
    });
    assert_eq!(editions.sender(lessor).extension_count(), u(1));
    assert_eq!(
        market.sender(lessor).lease_of(id, a.address()),
        (e2, TERMS, u(1)),
        "same record"
    );
    assert_eq!(
        editions.sender(lessor).user_record_of(u(1)).motsu_unwrap(),
        (u(7), lessor, 2, a.address(), e2)
    );
    assert_eq!(
        editions.sender(lessor).frozen_balance_of(lessor, u(7)),
        u(10),
        "frozen once"
    );
    // Past the first expiry a's licence runs on, and its slot stays taken.
    clock::advance(DAY + 1);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address()),
        (true, e2, TERMS)
    );
    assert_eq!(
        editions.sender(lessor).usable_balance_of(a.address(), u(7)),
        u(2)
    );
    expect_err!(
        buy(&market, Address::repeat_byte(0xc0), id, DAY, price),
        Error::NoFreeUnits(LicenseMarketNoFreeUnits {
            offerId: id,
            free: U256::ZERO,
            needed: 2
        })
    );
    // Renew again, and again: still one record.
    for n in 1..=2u64 {
        a.fund(u(price));
        let e = market
            .sender_and_value(a.address(), u(price))
            .renew_lease(id, DAY, U256::MAX, 1)
            .motsu_unwrap();
        assert_eq!(e, e2 + n * DAY);
        assert_eq!(market.sender(lessor).lease_of(id, a.address()).2, u(1));
    }
    assert_eq!(editions.sender(lessor).extension_count(), u(3));
    assert_eq!(
        editions
            .sender(lessor)
            .user_record_of(u(1))
            .motsu_unwrap()
            .4,
        e2 + 2 * DAY
    );
}

#[motsu::test]
fn units_lease_renewal_refused_by_the_asset_changes_nothing(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    a: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        1,
    );
    let price = DAY * RATE;
    let e1 = buy(&market, a.address(), id, DAY, price).motsu_unwrap();
    let c = editions.address();
    let rejected = || {
        Error::LeaseRejected(LicenseMarketLeaseRejected {
            collection: c,
            tokenId: u(7),
        })
    };
    // The asset refuses the extension (paused, say).
    editions.sender(lessor).set_reject(true);
    a.fund(u(price));
    expect_err!(
        market
            .sender_and_value(a.address(), u(price))
            .renew_lease(id, DAY, U256::MAX, 1),
        rejected()
    );
    editions.sender(lessor).set_reject(false);
    // The licensee renounced its record on the asset: nothing to extend.
    editions.sender(a.address()).renounce(u(1));
    expect_err!(
        market
            .sender_and_value(a.address(), u(price))
            .renew_lease(id, DAY, U256::MAX, 1),
        rejected()
    );
    assert_eq!(
        market.sender(lessor).lease_of(id, a.address()),
        (e1, TERMS, u(1))
    );
    assert_eq!(editions.sender(lessor).extension_count(), U256::ZERO);
    assert_eq!(payee.balance(), u(price));
    assert_eq!(
        market.sender(lessor).credit_of(a.address(), ETH),
        U256::ZERO
    );
}

#[motsu::test]
fn unit_offers_advertise_at_most_the_assets_record_budget(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    lessor: Address,
) {
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        logic::MAX_UNIT_LICENSEES,
    );
    assert_eq!(logic::MAX_UNIT_LICENSEES, 16);
    let with_cap = |max: u32| {
        terms(
            u(RATE),
            ETH,
            DAY,
            10 * DAY,
            0,
            max,
            payee.address(),
            TERMS,
            String::new(),
            0,
        )
    };
    let invalid = |max: u32| {
        Error::InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees { maxLicensees: max })
    };
    for max in [17, 64, u32::MAX] {
        expect_err!(
            market
                .sender(lessor)
                .create_offer(editions.address(), u(7), 1, with_cap(max)),
            invalid(max)
        );
        expect_err!(
            market.sender(lessor).update_offer(id, with_cap(max)),
            invalid(max)
        );
    }
    assert_eq!(market.sender(lessor).offer_count(), u(1));
    market
        .sender(lessor)
        .update_offer(id, with_cap(16))
        .motsu_unwrap();
}

#[motsu::test]
fn units_asset_state_errors(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    a: Contract<Wallet>,
    lessor: Address,
) {
    let id = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        2,
    );
    let c = editions.address();
    editions
        .sender(lessor)
        .set_lease_operator(market.address(), false);
    expect_err!(
        buy(&market, a.address(), id, DAY, DAY * RATE),
        Error::OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: c,
            lessor
        })
    );
    editions
        .sender(lessor)
        .set_lease_operator(market.address(), true);
    editions.sender(lessor).set_reject(true);
    expect_err!(
        buy(&market, a.address(), id, DAY, DAY * RATE),
        Error::LeaseRejected(LicenseMarketLeaseRejected {
            collection: c,
            tokenId: u(7)
        })
    );
    assert_eq!(market.sender(lessor).lease_of(id, a.address()).0, 0);
    assert_eq!(
        market.sender(lessor).is_licensed(c, u(7), a.address()),
        (false, 0, B256::ZERO)
    );
}

#[motsu::test]
fn is_licensed_cross_checks_the_asset(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    a: Contract<Wallet>,
    lessor: Address,
    other: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    let e = buy(&market, a.address(), id, DAY, DAY * RATE).motsu_unwrap();
    // The asset no longer agrees (e.g. a buggy or hostile collection).
    nft.sender(lessor).force_user(u(1), other, e, true);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(1), a.address()),
        (false, e, TERMS)
    );
    // Unrelated account / token / collection.
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(nft.address(), u(2), a.address()),
        (false, 0, B256::ZERO)
    );
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(1), a.address()),
        (false, 0, B256::ZERO)
    );
    // ERC-1155: record rewritten to someone else.
    let uid = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        2,
    );
    let eu = buy(&market, a.address(), uid, DAY, DAY * RATE).motsu_unwrap();
    assert!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address())
            .0
    );
    editions.sender(lessor).force_record_user(u(1), other);
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address()),
        (false, eu, TERMS)
    );
}

#[motsu::test]
fn is_licensed_reports_the_longest_licence(
    market: Contract<LicenseMarket>,
    editions: Contract<MockEditions>,
    payee: Contract<Payee>,
    a: Contract<Wallet>,
    lessor: Address,
) {
    let long = list_units(
        &market,
        &editions,
        lessor,
        payee.address(),
        payee.address(),
        2,
    );
    let short = market
        .sender(lessor)
        .create_offer(
            editions.address(),
            u(7),
            1,
            terms(
                u(1),
                ETH,
                1,
                DAY,
                0,
                2,
                payee.address(),
                TERMS2,
                String::new(),
                0,
            ),
        )
        .motsu_unwrap();
    let e_long = buy(&market, a.address(), long, 5 * DAY, 5 * DAY * RATE).motsu_unwrap();
    let e_short = buy(&market, a.address(), short, DAY, DAY).motsu_unwrap();
    assert!(e_short < e_long);
    // Buying the shorter licence later does not hide the longer one.
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address()),
        (true, e_long, TERMS)
    );
    // Once the long one has lapsed, a new purchase takes over.
    clock::advance(5 * DAY + 1);
    let e3 = buy(&market, a.address(), short, 10, 10).motsu_unwrap();
    assert_eq!(
        market
            .sender(lessor)
            .is_licensed(editions.address(), u(7), a.address()),
        (true, e3, TERMS2)
    );
}

#[motsu::test]
fn quote_errors(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    lessor: Address,
) {
    let id = list_nft(&market, &nft, lessor, payee.address(), payee.address());
    expect_err!(
        market.sender(lessor).quote(u(3), DAY),
        Error::UnknownOffer(LicenseMarketUnknownOffer { offerId: u(3) })
    );
    expect_err!(
        market.sender(lessor).quote(id, 0),
        Error::DurationOutOfBounds(LicenseMarketDurationOutOfBounds {
            duration: 0,
            minDuration: 1,
            maxDuration: 30 * DAY
        })
    );
    assert_eq!(
        price_royalty(market.sender(lessor).quote(id, 1).motsu_unwrap()),
        (u(RATE), payee.address(), u(RATE / 10))
    );
}

#[test]
fn erc20_success_accepts_empty_or_true_only() {
    assert!(erc20_success(&[]));
    let mut word = [0u8; 32];
    assert!(!erc20_success(&word));
    word[31] = 1;
    assert!(erc20_success(&word));
    word[0] = 1;
    assert!(!erc20_success(&word));
    assert!(!erc20_success(&[1]));
}

#[test]
fn compact_error_encoding_matches_alloy() {
    use alloy_sol_types::SolError;
    let (a, b, n) = (
        Address::repeat_byte(0xa1),
        Address::repeat_byte(0xb2),
        U256::from(0xdead_beef_u64) << 200,
    );
    macro_rules! check {
        ($($variant:ident($value:expr)),* $(,)?) => {{
            let mut count = 0;
            $(
                let value = $value;
                assert_eq!(Vec::<u8>::from(Error::$variant(value.clone())), value.abi_encode(), stringify!($variant));
                count += 1;
            )*
            count
        }};
    }
    let checked = check!(
        UnknownOffer(LicenseMarketUnknownOffer { offerId: n }),
        OfferCancelled(LicenseMarketOfferCancelled { offerId: n }),
        OfferEnded(LicenseMarketOfferEnded {
            offerId: n,
            endTime: u64::MAX
        }),
        DurationOutOfBounds(LicenseMarketDurationOutOfBounds {
            duration: 1,
            minDuration: 2,
            maxDuration: 3
        }),
        PriceAboveMax(LicenseMarketPriceAboveMax {
            price: n,
            maxPrice: U256::MAX
        }),
        InsufficientPayment(LicenseMarketInsufficientPayment {
            price: n,
            paid: u(7)
        }),
        UnexpectedValue(LicenseMarketUnexpectedValue { value: n }),
        LessorNotOwner(LicenseMarketLessorNotOwner {
            collection: a,
            tokenId: n,
            lessor: b
        }),
        OperatorNotApproved(LicenseMarketOperatorNotApproved {
            collection: a,
            lessor: b
        }),
        TokenLeased(LicenseMarketTokenLeased {
            collection: a,
            tokenId: n,
            expires: u(9)
        }),
        NoFreeUnits(LicenseMarketNoFreeUnits {
            offerId: n,
            free: u(1),
            needed: 2
        }),
        SoldOut(LicenseMarketSoldOut {
            offerId: n,
            maxLicensees: u32::MAX
        }),
        AlreadyLicensed(LicenseMarketAlreadyLicensed {
            offerId: n,
            licensee: a,
            expires: 5
        }),
        NotLicensee(LicenseMarketNotLicensee {
            offerId: n,
            account: a
        }),
        UnauthorizedLessor(LicenseMarketUnauthorizedLessor {
            offerId: n,
            account: b
        }),
        InvalidPayee(LicenseMarketInvalidPayee { payee: a }),
        InvalidDurationBounds(LicenseMarketInvalidDurationBounds {
            minDuration: 4,
            maxDuration: 3
        }),
        InvalidEndTime(LicenseMarketInvalidEndTime { endTime: 77 }),
        InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees { maxLicensees: 65 }),
        InvalidFlags(LicenseMarketInvalidFlags { flags: u8::MAX }),
        LeaseRejected(LicenseMarketLeaseRejected {
            collection: a,
            tokenId: n
        }),
        ArithmeticOverflow(LicenseMarketArithmeticOverflow {}),
        NothingToWithdraw(LicenseMarketNothingToWithdraw { token: b }),
        TransferFailed(LicenseMarketTransferFailed {
            token: a,
            to: b,
            amount: n
        }),
        SafeErc20FailedOperation(SafeErc20FailedOperation { token: a }),
    );
    assert_eq!(checked, 25, "every Error variant is checked");
}

#[test]
fn compact_event_encoding_matches_alloy() {
    use alloy_sol_types::SolEvent;
    for uri in [
        "",
        "x",
        "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd",
        &"u".repeat(32),
        &"v".repeat(64),
    ] {
        let t = terms(
            U256::MAX,
            Address::repeat_byte(9),
            1,
            2,
            3,
            u32::MAX,
            Address::repeat_byte(8),
            TERMS,
            String::from(uri),
            7,
        );
        let expected = terms_event(u(3), t.clone(), u32::MAX).encode_log_data();
        let data = abi::log_data(
            &[
                abi::Word::word(t.pricePerSecond),
                abi::Word::word(t.paymentToken),
                abi::Word::word(t.minDuration),
                abi::Word::word(t.maxDuration),
                abi::Word::word(t.endTime),
                abi::Word::word(t.maxLicensees),
                abi::Word::word(t.payee),
                abi::Word::word(t.termsHash),
                abi::Word::word(t.flags),
                abi::Word::word(t.maxRoyaltyBps),
                abi::Word::word(u32::MAX),
            ],
            Some(uri),
        );
        assert_eq!(data.as_slice(), expected.data.as_ref(), "uri {uri:?}");
    }
    let ev = LeasePurchased {
        offerId: u(1),
        licensee: Address::repeat_byte(7),
        expires: 9,
        price: u(10),
        royaltyPaid: u(1),
    };
    let data = abi::log_data(
        &[
            abi::Word::word(9u64),
            abi::Word::word(u(10)),
            abi::Word::word(u(1)),
        ],
        None,
    );
    assert_eq!(data.as_slice(), ev.encode_log_data().data.as_ref());
}

// ------------------------------------------------- ABI through the router ---

/// The market's interface as a Solidity client sees it (struct name aside,
/// selectors and encodings come from the canonical types).
mod client {
    alloy_sol_types::sol! {
        struct ClientTerms {
            uint256 pricePerSecond;
            address paymentToken;
            uint64 minDuration;
            uint64 maxDuration;
            uint64 endTime;
            uint32 maxLicensees;
            address payee;
            bytes32 termsHash;
            string termsUri;
            uint8 flags;
            uint16 maxRoyaltyBps;
        }
        struct ClientQuote {
            uint256 price;
            address paymentToken;
            address royaltyReceiver;
            uint256 royalty;
            uint32 version;
        }
        struct ClientOfferView {
            address lessor;
            address collection;
            uint256 tokenId;
            uint64 amount;
            uint256 pricePerSecond;
            address paymentToken;
            uint64 minDuration;
            uint64 maxDuration;
            uint64 endTime;
            uint32 maxLicensees;
            address payee;
            bytes32 termsHash;
            uint8 flags;
            uint16 maxRoyaltyBps;
            uint32 version;
            uint8 status;
        }
        function offer(uint256 offerId) external view returns (ClientOfferView);
        function withdrawTo(address account, address token) external;
        function createOffer(address collection, uint256 tokenId, uint64 amount, ClientTerms terms) external returns (uint256);
        function updateOffer(uint256 offerId, ClientTerms terms) external;
        function quote(uint256 offerId, uint64 duration) external view returns (ClientQuote);
        function isLicensed(address collection, uint256 tokenId, address account) external view returns (bool, uint64, bytes32);
        function buyLease(uint256 offerId, uint64 duration, uint256 maxPrice, uint32 version) external payable returns (uint64);
        function leaseOf(uint256 offerId, address licensee) external view returns (uint64, bytes32, uint256);
    }
}

/// A contract account that forwards raw calldata (and value), so calls go
/// through the market's real selector router and ABI decoder.
#[storage]
pub struct Caller {
    calls: StorageU256,
}

unsafe impl TopLevelStorage for Caller {}

#[public]
impl Caller {
    #[payable]
    fn forward(
        &mut self,
        target: Address,
        data: stylus_sdk::abi::Bytes,
    ) -> Result<stylus_sdk::abi::Bytes, Vec<u8>> {
        self.calls.set(self.calls.get() + U256::from(1));
        let value = self.vm().msg_value();
        // SAFETY: test mock; no storage is read after the call.
        unsafe { stylus_sdk::call::RawCall::new_with_value(value).call(target, &data) }
            .map(Into::into)
    }

    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }
}

#[test]
fn struct_argument_selectors_hash_the_canonical_tuple() {
    use alloy_sol_types::SolCall;
    let create = stylus_sdk::function_selector!("createOffer", Address, U256, u64, OfferTerms);
    assert_eq!(create, client::createOfferCall::SELECTOR);
    let update = stylus_sdk::function_selector!("updateOffer", U256, OfferTerms);
    assert_eq!(update, client::updateOfferCall::SELECTOR);
}

#[motsu::test]
fn solidity_clients_reach_every_entry_point_through_the_router(
    market: Contract<LicenseMarket>,
    nft: Contract<MockCollection>,
    payee: Contract<Payee>,
    lessor: Contract<Caller>,
    buyer: Contract<Caller>,
) {
    use alloy_sol_types::SolCall;
    let l = lessor.address();
    nft.sender(l).mint(l, u(1));
    nft.sender(l).set_lease_operator(market.address(), true);
    let t = client::ClientTerms {
        pricePerSecond: u(RATE),
        paymentToken: ETH,
        minDuration: 1,
        maxDuration: DAY,
        endTime: 0,
        maxLicensees: 1,
        payee: payee.address(),
        termsHash: TERMS,
        termsUri: String::from("ipfs://terms"),
        flags: FLAG_DERIVATIVES,
        maxRoyaltyBps: 500,
    };
    let call = |c: &Contract<Caller>, data: Vec<u8>, value: u64| {
        c.fund(u(value));
        c.sender_and_value(c.address(), u(value))
            .forward(market.address(), data.into())
    };
    let data = client::createOfferCall {
        collection: nft.address(),
        tokenId: u(1),
        amount: 0,
        terms: t.clone(),
    };
    let ret = call(&lessor, data.abi_encode(), 0).motsu_unwrap();
    let id = client::createOfferCall::abi_decode_returns(&ret, true)
        .unwrap()
        ._0;
    assert_eq!(id, u(1));
    assert_eq!(stored_offer(&market, id).0, l);
    market.assert_emitted(&OfferTermsSet {
        offerId: id,
        pricePerSecond: u(RATE),
        paymentToken: ETH,
        minDuration: 1,
        maxDuration: DAY,
        endTime: 0,
        maxLicensees: 1,
        payee: payee.address(),
        termsHash: TERMS,
        flags: FLAG_DERIVATIVES,
        maxRoyaltyBps: 500,
        version: 1,
        termsUri: String::from("ipfs://terms"),
    });

    let update = client::updateOfferCall {
        offerId: id,
        terms: client::ClientTerms {
            pricePerSecond: u(2 * RATE),
            ..t
        },
    };
    call(&lessor, update.abi_encode(), 0).motsu_unwrap();
    assert_eq!(stored_offer(&market, id).4, u(2 * RATE));

    let q = call(
        &buyer,
        client::quoteCall {
            offerId: id,
            duration: 10,
        }
        .abi_encode(),
        0,
    )
    .motsu_unwrap();
    let q = client::quoteCall::abi_decode_returns(&q, true).unwrap()._0;
    assert_eq!(
        (
            q.price,
            q.paymentToken,
            q.royaltyReceiver,
            q.royalty,
            q.version
        ),
        (u(20 * RATE), ETH, Address::ZERO, U256::ZERO, 2)
    );
    let o = call(&buyer, client::offerCall { offerId: id }.abi_encode(), 0).motsu_unwrap();
    let o = client::offerCall::abi_decode_returns(&o, true).unwrap()._0;
    assert_eq!(
        (
            o.lessor,
            o.collection,
            o.tokenId,
            o.amount,
            o.pricePerSecond,
            o.paymentToken
        ),
        (l, nft.address(), u(1), 0, u(2 * RATE), ETH)
    );
    assert_eq!(
        (
            o.minDuration,
            o.maxDuration,
            o.endTime,
            o.maxLicensees,
            o.payee,
            o.termsHash
        ),
        (1, DAY, 0, 1, payee.address(), TERMS)
    );
    assert_eq!(
        (o.flags, o.maxRoyaltyBps, o.version, o.status),
        (FLAG_DERIVATIVES, 500, 2, 1)
    );

    let ret = call(
        &buyer,
        client::buyLeaseCall {
            offerId: id,
            duration: 10,
            maxPrice: U256::MAX,
            version: 2,
        }
        .abi_encode(),
        25 * RATE,
    )
    .motsu_unwrap();
    let expires = client::buyLeaseCall::abi_decode_returns(&ret, true)
        .unwrap()
        ._0;
    assert_eq!(expires, now() + 10);
    assert_eq!(
        buyer.balance(),
        u(5 * RATE),
        "refund reached the calling contract"
    );

    let lic = client::isLicensedCall {
        collection: nft.address(),
        tokenId: u(1),
        account: buyer.address(),
    };
    let r = call(&buyer, lic.abi_encode(), 0).motsu_unwrap();
    let r = client::isLicensedCall::abi_decode_returns(&r, true).unwrap();
    assert_eq!((r._0, r._1, r._2), (true, expires, TERMS));
    let r = call(
        &buyer,
        client::leaseOfCall {
            offerId: id,
            licensee: buyer.address(),
        }
        .abi_encode(),
        0,
    )
    .motsu_unwrap();
    let r = client::leaseOfCall::abi_decode_returns(&r, true).unwrap();
    assert_eq!((r._0, r._1, r._2), (expires, TERMS, U256::ZERO));

    // A typed error surfaces as the exact revert data.
    let err = call(
        &buyer,
        client::quoteCall {
            offerId: u(9),
            duration: 10,
        }
        .abi_encode(),
        0,
    )
    .motsu_unwrap_err();
    assert_eq!(
        err,
        Vec::<u8>::from(Error::UnknownOffer(LicenseMarketUnknownOffer {
            offerId: u(9)
        }))
    );
}

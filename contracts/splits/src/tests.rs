//! motsu tests of the split implementation (called directly, as the clone's
//! proxy would delegate to it). Recipients are small receiver contracts
//! (motsu can only send ETH to contracts), tokens are mock ERC-20s.
#![allow(deprecated)] // sol_interface! in test helpers uses the 0.9 global call API

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use stylus_sdk::{
    call::Call as GlobalCall,
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256, StorageU8},
};

use super::*;
use stylus_ip_common::test_mocks::assert_encodes_like_alloy;

// ------------------------------------------------------------------ helpers

sol_interface! {
    interface ISplitWithdraw {
        function withdraw(address recipient, address[] tokens) external returns (uint256[]);
    }
}

/// A recipient contract: accepts ETH (mode 0), reverts on receipt
/// (mode 1), or tries to withdraw again while receiving (mode 2).
#[storage]
pub struct Receiver {
    mode: StorageU8,
    split: StorageAddress,
    /// 0: no re-entry tried, 1: re-entry paid something, 2: re-entry failed.
    reentry: StorageU8,
}

unsafe impl TopLevelStorage for Receiver {}

#[public]
impl Receiver {
    fn configure(&mut self, mode: u8, split: Address) {
        self.mode.set(alloy_primitives::aliases::U8::from(mode));
        self.split.set(split);
    }

    fn reentry(&self) -> u8 {
        self.reentry.get().to::<u8>()
    }

    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        match self.mode.get().to::<u8>() {
            1 => Err(b"receiver refuses".to_vec()),
            2 => {
                let me = self.vm().contract_address();
                let split = ISplitWithdraw::new(self.split.get());
                let outcome = split.withdraw(GlobalCall::new(), me, vec![Address::ZERO]);
                self.reentry
                    .set(alloy_primitives::aliases::U8::from(if outcome.is_ok() {
                        1
                    } else {
                        2
                    }));
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Minimal ERC-20 whose `transfer` returns `true` (mode 0), `false`
/// without moving anything (mode 1) or reverts (mode 2).
#[storage]
pub struct MockToken {
    balances: StorageMap<Address, StorageU256>,
    mode: StorageU8,
}

unsafe impl TopLevelStorage for MockToken {}

#[public]
impl MockToken {
    fn mint(&mut self, to: Address, amount: U256) {
        let b = self.balances.get(to);
        self.balances.insert(to, b + amount);
    }

    fn set_mode(&mut self, mode: u8) {
        self.mode.set(alloy_primitives::aliases::U8::from(mode));
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        match self.mode.get().to::<u8>() {
            1 => return Ok(false),
            2 => return Err(b"token paused".to_vec()),
            _ => {}
        }
        let from = self.vm().msg_sender();
        let b = self.balances.get(from);
        if b < amount {
            return Err(b"insufficient".to_vec());
        }
        self.balances.insert(from, b - amount);
        let t = self.balances.get(to);
        self.balances.insert(to, t + amount);
        Ok(true)
    }
}

/// USDT-style ERC-20: `transfer` returns nothing.
#[storage]
pub struct NoReturnToken {
    balances: StorageMap<Address, StorageU256>,
}

unsafe impl TopLevelStorage for NoReturnToken {}

#[public]
impl NoReturnToken {
    fn mint(&mut self, to: Address, amount: U256) {
        let b = self.balances.get(to);
        self.balances.insert(to, b + amount);
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    fn transfer(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        let from = self.vm().msg_sender();
        let b = self.balances.get(from);
        if b < amount {
            return Err(b"insufficient".to_vec());
        }
        self.balances.insert(from, b - amount);
        let t = self.balances.get(to);
        self.balances.insert(to, t + amount);
        Ok(())
    }
}

/// A contract with no `balanceOf`.
#[storage]
pub struct NotAToken {
    x: StorageU8,
}

unsafe impl TopLevelStorage for NotAToken {}

#[public]
impl NotAToken {
    fn nothing(&self) -> u8 {
        self.x.get().to::<u8>()
    }
}

const ETH: Address = Address::ZERO;

fn wei(v: u64) -> U256 {
    U256::from(v)
}

/// Asserts `claimable(recipient, token)` (asked by `caller`) for each
/// `(recipient, wei)` pair.
fn assert_claimable(
    split: &Contract<Split>,
    caller: Address,
    token: Address,
    expected: &[(Address, u64)],
) {
    for &(recipient, amount) in expected {
        assert_eq!(
            split
                .sender(caller)
                .claimable(recipient, token)
                .motsu_unwrap(),
            wei(amount),
            "{recipient}"
        );
    }
}

fn sorted(mut v: Vec<Address>) -> Vec<Address> {
    v.sort();
    v
}

/// Initializes `split` with the given receivers (sorted) and allocations;
/// the dust goes to the first recipient.
fn init(split: &Contract<Split>, controller: Address, recipients: &[Address], allocations: &[u32]) {
    split
        .sender(controller)
        .initialize(
            recipients.to_vec(),
            allocations.to_vec(),
            controller,
            recipients[0],
        )
        .motsu_unwrap();
}

// ------------------------------------------------------------------ initialize

#[motsu::test]
fn initialize_stores_split_and_emits(
    split: Contract<Split>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    r3: Contract<Receiver>,
    ctl: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address(), r3.address()]);
    assert!(!split.sender(ctl).is_initialized());
    split
        .sender(ctl)
        .initialize(rs.clone(), vec![500_000, 300_000, 200_000], ctl, rs[1])
        .motsu_unwrap();
    assert!(split.sender(ctl).is_initialized());
    assert_eq!(split.sender(ctl).controller(), ctl);
    assert_eq!(split.sender(ctl).epoch(), 0);
    assert_eq!(
        parts(split.sender(ctl).get_split()),
        (rs.clone(), vec![500_000, 300_000, 200_000], rs[1])
    );
    assert_eq!(
        parts(split.sender(ctl).get_split_at(0)),
        parts(split.sender(ctl).get_split())
    );
    assert_eq!(
        parts(split.sender(ctl).get_split_at(7)),
        (vec![], vec![], Address::ZERO)
    );
    assert_eq!(split.sender(ctl).allocation_of(rs[2]), 200_000);
    assert_eq!(split.sender(ctl).allocation_of(ctl), 0);
    split.assert_emitted(&SplitUpdated {
        epoch: 0,
        recipients: rs.clone(),
        allocations: vec![500_000, 300_000, 200_000],
        dustRecipient: rs[1],
    });
    split.assert_emitted(&ControlTransferred {
        previousController: Address::ZERO,
        newController: ctl,
    });
}

#[motsu::test]
fn initialize_runs_once(split: Contract<Split>, r1: Contract<Receiver>, alice: Address) {
    init(&split, alice, &[r1.address()], &[1_000_000]);
    let err = split
        .sender(alice)
        .initialize(
            vec![r1.address()],
            vec![1_000_000],
            Address::ZERO,
            r1.address(),
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialized(_)));
    assert_eq!(split.sender(alice).controller(), alice);
}

#[motsu::test]
fn initialize_rejects_bad_parameters(split: Contract<Split>, alice: Address) {
    let a = Address::repeat_byte(0x11);
    let b = Address::repeat_byte(0x22);
    let c = Address::repeat_byte(0x33);
    let cases: Vec<(Vec<Address>, Vec<u32>, Address)> = vec![
        (vec![a, b], vec![1_000_000], a),
        (vec![], vec![], a),
        (vec![Address::ZERO, a], vec![1, 999_999], a),
        (vec![b, a], vec![1, 999_999], a),
        (vec![a, a], vec![1, 999_999], a),
        (vec![a, b], vec![0, 1_000_000], a),
        (vec![a, b], vec![500_000, 500_001], a),
        (vec![a, b], vec![500_000, 500_000], c),
    ];
    let mut errors = Vec::new();
    for (r, al, d) in cases {
        errors.push(
            split
                .sender(alice)
                .initialize(r, al, alice, d)
                .motsu_unwrap_err(),
        );
    }
    assert!(
        matches!(&errors[0], Error::LengthMismatch(e) if e.recipients == wei(2) && e.allocations == wei(1))
    );
    assert!(
        matches!(&errors[1], Error::InvalidRecipientCount(e) if e.count.is_zero() && e.max == wei(500))
    );
    assert!(matches!(&errors[2], Error::ZeroAddressRecipient(_)));
    assert!(matches!(&errors[3], Error::RecipientsNotSorted(e) if e.index == wei(1)));
    assert!(matches!(&errors[4], Error::RecipientsNotSorted(e) if e.index == wei(1)));
    assert!(matches!(&errors[5], Error::ZeroAllocation(e) if e.index.is_zero()));
    assert!(matches!(&errors[6], Error::InvalidAllocationSum(e) if e.sum == wei(1_000_001)));
    assert!(matches!(&errors[7], Error::InvalidDustRecipient(e) if e.dustRecipient == c));
    // 501 recipients
    let many: Vec<Address> = (1..=501u64)
        .map(|i| Address::left_padding_from(&i.to_be_bytes()))
        .collect();
    let err = split
        .sender(alice)
        .initialize(many.clone(), vec![1; 501], alice, many[0])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRecipientCount(e) if e.count == wei(501)));
    // nothing changed
    assert!(!split.sender(alice).is_initialized());
    assert_eq!(split.sender(alice).controller(), Address::ZERO);
}

#[motsu::test]
fn everything_requires_initialization(split: Contract<Split>, alice: Address) {
    let s = || split.sender(alice);
    assert!(matches!(
        s().withdraw(alice, vec![ETH]).motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    assert!(matches!(
        s().update_split(vec![alice], vec![1_000_000], alice, vec![])
            .motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    assert!(matches!(
        s().settle(ETH).motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    assert!(matches!(
        s().transfer_control(alice).motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    assert!(matches!(
        s().cancel_control_transfer().motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    assert!(matches!(
        s().accept_control().motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    assert!(matches!(
        s().make_immutable().motsu_unwrap_err(),
        Error::NotInitialized(_)
    ));
    // An uninitialized split refuses plain ETH sent to it directly.
    alice.fund(wei(5));
    let err = split
        .sender_and_value(alice, wei(5))
        .receive()
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Vec::<u8>::from(Error::NotInitialized(SplitNotInitialized {}))
    );
    assert_eq!(split.balance(), U256::ZERO);
}

#[motsu::test]
fn initialize_with_500_recipients(split: Contract<Split>, alice: Address) {
    let many: Vec<Address> = (1..=500u64)
        .map(|i| Address::left_padding_from(&(i << 20).to_be_bytes()))
        .collect();
    split
        .sender(alice)
        .initialize(many.clone(), vec![2_000; 500], Address::ZERO, many[499])
        .motsu_unwrap();
    let (r, a, d) = parts(split.sender(alice).get_split());
    assert_eq!(r, many);
    assert_eq!(a, vec![2_000; 500]);
    assert_eq!(d, many[499]);
    // 1,000,000 + 499 wei: each gets 1 wei + floor(499*2000/1e6)=0; dust 499.
    split.address().fund(wei(1_000_499));
    assert_claimable(&split, alice, ETH, &[(many[17], 2_000)]);
    assert_eq!(split.sender(alice).dust(ETH).motsu_unwrap(), wei(499));
}

// ------------------------------------------------------------------ ETH

#[motsu::test]
fn eth_is_claimable_and_withdrawn_by_anyone(
    split: Contract<Split>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    alice: Address,
    bob: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address()]);
    init(&split, alice, &rs, &[700_000, 300_000]);
    // ETH arrives through the payable receive (sender_and_value) and as a
    // plain balance increase (what the proxy's STOP path does).
    bob.fund(wei(600));
    split
        .sender_and_value(bob, wei(600))
        .receive()
        .motsu_unwrap();
    split.address().fund(wei(400));
    assert_eq!(split.balance(), wei(1_000));
    assert_eq!(bob.balance(), U256::ZERO);
    assert_eq!(
        split.sender(bob).total_received(ETH).motsu_unwrap(),
        wei(1_000)
    );
    assert_claimable(&split, bob, ETH, &[(rs[0], 700), (rs[1], 300)]);

    // bob (not a recipient) triggers rs[0]'s withdrawal: funds go to rs[0].
    split.sender(bob).withdraw(rs[0], vec![ETH]).motsu_unwrap();
    assert_eq!(rs[0].balance(), wei(700));
    assert_eq!(bob.balance(), U256::ZERO);
    assert_eq!(split.balance(), wei(300));
    split.assert_emitted(&Withdrawal {
        recipient: rs[0],
        token: ETH,
        amount: wei(700),
    });
    assert_eq!(
        split.sender(bob).claimable(rs[0], ETH).motsu_unwrap(),
        U256::ZERO
    );
    assert_eq!(split.sender(bob).total_withdrawn(ETH), wei(700));
    assert_eq!(
        split.sender(bob).total_received(ETH).motsu_unwrap(),
        wei(1_000)
    );

    // More revenue: claims grow from the cumulative total.
    split.address().fund(wei(100));
    assert_claimable(&split, bob, ETH, &[(rs[0], 70), (rs[1], 330)]);
    split
        .sender(rs[1])
        .withdraw(rs[1], vec![ETH])
        .motsu_unwrap();
    split
        .sender(alice)
        .withdraw(rs[0], vec![ETH])
        .motsu_unwrap();
    assert_eq!(rs[0].balance(), wei(770));
    assert_eq!(rs[1].balance(), wei(330));
    assert_eq!(split.balance(), U256::ZERO);
}

#[motsu::test]
fn paid_total_is_capped_at_2_pow_224(
    split: Contract<Split>,
    other: Contract<Split>,
    r1: Contract<Receiver>,
    alice: Address,
) {
    let cap = U256::from(1) << 224;
    // Over the cap: typed error, nothing changed.
    init(&split, alice, &[r1.address()], &[1_000_000]);
    split.address().fund(cap);
    let err = split
        .sender(alice)
        .withdraw(r1.address(), vec![ETH])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ArithmeticOverflow(_)));
    assert_eq!(split.balance(), cap);
    assert_eq!(split.sender(alice).total_withdrawn(ETH), U256::ZERO);
    // Up to the cap: fine, and the packed slot reads back exactly.
    init(&other, alice, &[r1.address()], &[1_000_000]);
    other.address().fund(cap - U256::from(1));
    other
        .sender(alice)
        .withdraw(r1.address(), vec![ETH])
        .motsu_unwrap();
    assert_eq!(
        other.sender(alice).total_withdrawn(ETH),
        cap - U256::from(1)
    );
    assert_eq!(other.sender(alice).token_epoch(ETH), 0);
    assert_eq!(r1.balance(), cap - U256::from(1));
}

#[motsu::test]
fn withdraw_with_nothing_due_fails(
    split: Contract<Split>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    alice: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address()]);
    init(&split, alice, &rs, &[500_000, 500_000]);
    let err = split
        .sender(alice)
        .withdraw(rs[0], vec![ETH])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(e) if e.recipient == rs[0]));
    // a non-recipient never has anything
    split.address().fund(wei(10));
    let err = split
        .sender(alice)
        .withdraw(alice, vec![ETH])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(e) if e.recipient == alice));
    // empty token list
    let err = split
        .sender(alice)
        .withdraw(rs[0], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)));
    // duplicate tokens: paid once
    split
        .sender(alice)
        .withdraw(rs[0], vec![ETH, ETH])
        .motsu_unwrap();
    assert_eq!(rs[0].balance(), wei(5));
    assert_eq!(split.sender(alice).total_withdrawn(ETH), wei(5));
    let err = split
        .sender(alice)
        .withdraw(rs[0], vec![ETH])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)));
}

#[motsu::test]
fn reverting_recipient_only_blocks_itself(
    split: Contract<Split>,
    good: Contract<Receiver>,
    bad: Contract<Receiver>,
    alice: Address,
) {
    bad.sender(alice).configure(1, split.address());
    let rs = sorted(vec![good.address(), bad.address()]);
    init(&split, alice, &rs, &[500_000, 500_000]);
    split.address().fund(wei(1_000));
    let err = split
        .sender(alice)
        .withdraw(bad.address(), vec![ETH])
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::EthTransferFailed(e) if e.recipient == bad.address() && e.amount == wei(500))
    );
    // nothing changed for the failing recipient
    assert_eq!(
        split
            .sender(alice)
            .claimable(bad.address(), ETH)
            .motsu_unwrap(),
        wei(500)
    );
    assert_eq!(split.sender(alice).total_withdrawn(ETH), U256::ZERO);
    assert_eq!(split.balance(), wei(1_000));
    // the other recipient is unaffected
    split
        .sender(alice)
        .withdraw(good.address(), vec![ETH])
        .motsu_unwrap();
    assert_eq!(good.balance(), wei(500));
    // once it accepts ETH again, it gets its due
    bad.sender(alice).configure(0, split.address());
    split
        .sender(alice)
        .withdraw(bad.address(), vec![ETH])
        .motsu_unwrap();
    assert_eq!(bad.balance(), wei(500));
    assert_eq!(split.balance(), U256::ZERO);
}

#[motsu::test]
fn reentrant_withdrawal_cannot_double_pay(
    split: Contract<Split>,
    evil: Contract<Receiver>,
    other: Contract<Receiver>,
    alice: Address,
) {
    evil.sender(alice).configure(2, split.address());
    let rs = sorted(vec![evil.address(), other.address()]);
    init(&split, alice, &rs, &[500_000, 500_000]);
    split.address().fund(wei(1_000));
    split
        .sender(alice)
        .withdraw(evil.address(), vec![ETH])
        .motsu_unwrap();
    // the re-entrant withdrawal was attempted and found nothing more
    assert_eq!(evil.sender(alice).reentry(), 2);
    assert_eq!(evil.balance(), wei(500));
    assert_eq!(split.balance(), wei(500));
    assert_eq!(
        split
            .sender(alice)
            .claimable(other.address(), ETH)
            .motsu_unwrap(),
        wei(500)
    );
    split
        .sender(alice)
        .withdraw(other.address(), vec![ETH])
        .motsu_unwrap();
    assert_eq!(other.balance(), wei(500));
}

// ------------------------------------------------------------------ ERC-20

#[motsu::test]
fn erc20_withdrawals(
    split: Contract<Split>,
    token: Contract<MockToken>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    alice: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address()]);
    init(&split, alice, &rs, &[250_000, 750_000]);
    let t = token.address();
    token.sender(alice).mint(split.address(), wei(4_000));
    split.address().fund(wei(8));
    assert_claimable(&split, alice, t, &[(rs[1], 3_000)]);
    split
        .sender(alice)
        .withdraw(rs[1], vec![t, ETH])
        .motsu_unwrap();
    split.assert_emitted(&Withdrawal {
        recipient: rs[1],
        token: ETH,
        amount: wei(6),
    });
    assert_eq!(token.sender(alice).balance_of(rs[1]), wei(3_000));
    assert_eq!(rs[1].balance(), wei(6));
    assert_eq!(token.sender(alice).balance_of(split.address()), wei(1_000));
    split.assert_emitted(&Withdrawal {
        recipient: rs[1],
        token: t,
        amount: wei(3_000),
    });
    assert_eq!(split.sender(alice).total_withdrawn(t), wei(3_000));
    assert_eq!(
        split.sender(alice).total_received(t).motsu_unwrap(),
        wei(4_000)
    );
    assert_eq!(split.sender(alice).token_epoch(t), 0);
}

#[motsu::test]
fn erc20_failures_are_typed_and_change_nothing(
    split: Contract<Split>,
    token: Contract<MockToken>,
    not_token: Contract<NotAToken>,
    r1: Contract<Receiver>,
    alice: Address,
) {
    init(&split, alice, &[r1.address()], &[1_000_000]);
    let t = token.address();
    token.sender(alice).mint(split.address(), wei(50));
    token.sender(alice).set_mode(1); // returns false
    let err = split
        .sender(alice)
        .withdraw(r1.address(), vec![t])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TokenTransferFailed(e) if e.token == t && e.amount == wei(50)));
    token.sender(alice).set_mode(2); // reverts
    let err = split
        .sender(alice)
        .withdraw(r1.address(), vec![t])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TokenTransferFailed(_)));
    assert_eq!(split.sender(alice).total_withdrawn(t), U256::ZERO);
    assert_eq!(
        split
            .sender(alice)
            .claimable(r1.address(), t)
            .motsu_unwrap(),
        wei(50)
    );
    token.sender(alice).set_mode(0);
    split
        .sender(alice)
        .withdraw(r1.address(), vec![t])
        .motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(r1.address()), wei(50));
    // a "token" without balanceOf
    let err = split
        .sender(alice)
        .claimable(r1.address(), not_token.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::BalanceQueryFailed(e) if e.token == not_token.address()));
    let err = split
        .sender(alice)
        .withdraw(r1.address(), vec![not_token.address()])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::BalanceQueryFailed(_)));
}

#[motsu::test]
fn erc20_without_return_value_is_supported(
    split: Contract<Split>,
    token: Contract<NoReturnToken>,
    r1: Contract<Receiver>,
    alice: Address,
) {
    init(&split, alice, &[r1.address()], &[1_000_000]);
    token.sender(alice).mint(split.address(), wei(77));
    split
        .sender(alice)
        .withdraw(r1.address(), vec![token.address()])
        .motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(r1.address()), wei(77));
}

// ------------------------------------------------------------------ updates

#[motsu::test]
fn update_settles_listed_tokens_and_sends_dust(
    split: Contract<Split>,
    token: Contract<MockToken>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    r3: Contract<Receiver>,
    ctl: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address(), r3.address()]);
    // dust recipient of epoch 0: rs[2]
    split
        .sender(ctl)
        .initialize(rs.clone(), vec![333_333, 333_333, 333_334], ctl, rs[2])
        .motsu_unwrap();
    split.address().fund(wei(10));
    assert_eq!(split.sender(ctl).dust(ETH).motsu_unwrap(), wei(1));
    split.sender(ctl).withdraw(rs[0], vec![ETH]).motsu_unwrap(); // 3 wei
    let t = token.address();
    token.sender(ctl).mint(split.address(), wei(1_000));

    // New set: only rs[0] and rs[1], 50/50; settle ETH only.
    split
        .sender(ctl)
        .update_split(vec![rs[0], rs[1]], vec![500_000, 500_000], rs[0], vec![ETH])
        .motsu_unwrap();
    assert_eq!(split.sender(ctl).epoch(), 1);
    split.assert_emitted(&TokenSettled {
        token: ETH,
        fromEpoch: 0,
        toEpoch: 1,
        revenue: wei(10),
        dust: wei(1),
    });
    split.assert_emitted(&SplitUpdated {
        epoch: 1,
        recipients: vec![rs[0], rs[1]],
        allocations: vec![500_000, 500_000],
        dustRecipient: rs[0],
    });
    // Old ETH entitlements preserved, dust to rs[2]; nothing new yet.
    assert_eq!(
        split.sender(ctl).claimable(rs[0], ETH).motsu_unwrap(),
        U256::ZERO
    );
    assert_claimable(&split, ctl, ETH, &[(rs[1], 3), (rs[2], 4)]);
    assert_eq!(split.sender(ctl).dust(ETH).motsu_unwrap(), U256::ZERO);
    assert_eq!(split.sender(ctl).allocation_of(rs[2]), 0);
    // New ETH follows the new set.
    split.address().fund(wei(100));
    assert_claimable(&split, ctl, ETH, &[(rs[0], 50), (rs[1], 53), (rs[2], 4)]);
    for r in &rs {
        split.sender(ctl).withdraw(*r, vec![ETH]).motsu_unwrap();
    }
    assert_eq!(rs[0].balance(), wei(53));
    assert_eq!(rs[1].balance(), wei(53));
    assert_eq!(rs[2].balance(), wei(4));
    assert_eq!(split.balance(), U256::ZERO);

    // L-3: the token was never touched and not listed: the update did not
    // hand its revenue to the new set; it still follows the initial set, so
    // rs[2] keeps its third until someone settles it.
    assert_eq!(split.sender(ctl).token_epoch(t), 0);
    assert_claimable(&split, ctl, t, &[(rs[2], 333), (rs[0], 333)]);
    split.sender(ctl).settle(t).motsu_unwrap();
    assert_eq!(split.sender(ctl).token_epoch(t), 1);
    split.assert_emitted(&TokenSettled {
        token: t,
        fromEpoch: 0,
        toEpoch: 1,
        revenue: wei(1_000),
        dust: wei(1),
    });
    assert_claimable(&split, ctl, t, &[(rs[2], 334)]);
    token.sender(ctl).mint(split.address(), wei(100));
    assert_claimable(&split, ctl, t, &[(rs[0], 383), (rs[2], 334)]);
}

/// L-3: an update without any token listed still settles ETH, and leaves
/// un-withdrawn ERC-20 revenue with the old recipients.
#[motsu::test]
fn l3_update_never_lowers_an_old_recipients_claim(
    split: Contract<Split>,
    t6: Contract<MockToken>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    r3: Contract<Receiver>,
    ctl: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address(), r3.address()]);
    init(&split, ctl, &rs[..2], &[600_000, 400_000]);
    split.address().fund(wei(1_000));
    t6.sender(ctl).mint(split.address(), wei(5_000_000));
    let t = t6.address();
    let before: Vec<(U256, U256)> = rs[..2]
        .iter()
        .map(|r| {
            (
                split.sender(ctl).claimable(*r, ETH).motsu_unwrap(),
                split.sender(ctl).claimable(*r, t).motsu_unwrap(),
            )
        })
        .collect();
    assert_eq!(
        before,
        vec![(wei(600), wei(3_000_000)), (wei(400), wei(2_000_000))]
    );
    split
        .sender(ctl)
        .update_split(vec![rs[2]], vec![1_000_000], rs[2], vec![])
        .motsu_unwrap();
    for (r, b) in rs[..2].iter().zip(&before) {
        assert_eq!(split.sender(ctl).claimable(*r, ETH).motsu_unwrap(), b.0);
        assert_eq!(split.sender(ctl).claimable(*r, t).motsu_unwrap(), b.1);
    }
    assert_eq!(split.sender(ctl).token_epoch(ETH), 1);
    assert_eq!(
        split.sender(ctl).claimable(rs[2], ETH).motsu_unwrap(),
        U256::ZERO
    );
    assert_eq!(
        split.sender(ctl).claimable(rs[2], t).motsu_unwrap(),
        U256::ZERO
    );
    for r in &rs[..2] {
        split.sender(ctl).withdraw(*r, vec![ETH, t]).motsu_unwrap();
    }
    assert_eq!(t6.sender(ctl).balance_of(rs[0]), wei(3_000_000));
    assert_eq!(split.balance(), U256::ZERO);
}

#[motsu::test]
fn unlisted_token_in_use_keeps_its_set_until_settled(
    split: Contract<Split>,
    token: Contract<MockToken>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    ctl: Address,
    anyone: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address()]);
    init(&split, ctl, &rs, &[500_000, 500_000]);
    let t = token.address();
    token.sender(ctl).mint(split.address(), wei(100));
    split.sender(ctl).withdraw(rs[0], vec![t]).motsu_unwrap(); // t now in use in epoch 0
    split
        .sender(ctl)
        .update_split(vec![rs[1]], vec![1_000_000], rs[1], vec![])
        .motsu_unwrap();
    // t still follows epoch 0: rs[0] keeps earning its half of new t revenue.
    assert_eq!(split.sender(ctl).token_epoch(t), 0);
    token.sender(ctl).mint(split.address(), wei(100));
    assert_claimable(&split, ctl, t, &[(rs[0], 50), (rs[1], 100)]);
    // Anyone can settle it into the current set; entitlements are kept.
    split.sender(anyone).settle(t).motsu_unwrap();
    split.sender(anyone).settle(t).motsu_unwrap();
    split.sender(anyone).settle(ETH).motsu_unwrap();
    assert_eq!(split.sender(ctl).token_epoch(t), 1);
    assert_eq!(split.sender(ctl).token_epoch(ETH), 1); // settled from the initial set
    split.assert_emitted(&TokenSettled {
        token: t,
        fromEpoch: 0,
        toEpoch: 1,
        revenue: wei(200),
        dust: U256::ZERO,
    });
    token.sender(ctl).mint(split.address(), wei(100));
    assert_claimable(&split, ctl, t, &[(rs[0], 50), (rs[1], 200)]);
    split.sender(anyone).withdraw(rs[0], vec![t]).motsu_unwrap();
    split.sender(anyone).withdraw(rs[1], vec![t]).motsu_unwrap();
    assert_eq!(token.sender(ctl).balance_of(rs[0]), wei(100));
    assert_eq!(token.sender(ctl).balance_of(rs[1]), wei(200));
    assert_eq!(token.sender(ctl).balance_of(split.address()), U256::ZERO);
    // settling a current token again is a no-op
    split.sender(anyone).settle(t).motsu_unwrap();
    assert_eq!(split.sender(ctl).token_epoch(t), 1);
}

#[motsu::test]
fn update_rejects_unauthorized_immutable_and_bad_input(
    split: Contract<Split>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    ctl: Address,
    mallory: Address,
) {
    let rs = sorted(vec![r1.address(), r2.address()]);
    init(&split, ctl, &rs, &[500_000, 500_000]);
    let err = split
        .sender(mallory)
        .update_split(vec![mallory], vec![1_000_000], mallory, vec![ETH])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::Unauthorized(e) if e.caller == mallory));
    let err = split
        .sender(ctl)
        .update_split(vec![rs[1], rs[0]], vec![500_000, 500_000], rs[0], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::RecipientsNotSorted(_)));
    assert_eq!(split.sender(ctl).epoch(), 0);
    assert_eq!(
        parts(split.sender(ctl).get_split()),
        (rs.clone(), vec![500_000, 500_000], rs[0])
    );

    split.sender(ctl).make_immutable().motsu_unwrap();
    split.assert_emitted(&ControlTransferred {
        previousController: ctl,
        newController: Address::ZERO,
    });
    assert_eq!(split.sender(ctl).controller(), Address::ZERO);
    let err = split
        .sender(ctl)
        .update_split(vec![rs[0]], vec![1_000_000], rs[0], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::Immutable(_)));
    assert!(matches!(
        split.sender(ctl).make_immutable().motsu_unwrap_err(),
        Error::Immutable(_)
    ));
    assert!(matches!(
        split
            .sender(ctl)
            .transfer_control(mallory)
            .motsu_unwrap_err(),
        Error::Immutable(_)
    ));
    assert!(matches!(
        split
            .sender(ctl)
            .cancel_control_transfer()
            .motsu_unwrap_err(),
        Error::Immutable(_)
    ));
}

#[motsu::test]
fn immutable_from_the_start(split: Contract<Split>, r1: Contract<Receiver>, alice: Address) {
    split
        .sender(alice)
        .initialize(
            vec![r1.address()],
            vec![1_000_000],
            Address::ZERO,
            r1.address(),
        )
        .motsu_unwrap();
    assert!(!split.emitted(&ControlTransferred {
        previousController: Address::ZERO,
        newController: Address::ZERO
    }));
    let err = split
        .sender(alice)
        .update_split(vec![r1.address()], vec![1_000_000], r1.address(), vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::Immutable(_)));
}

#[motsu::test]
fn update_with_500_recipients_settles_all(split: Contract<Split>, ctl: Address) {
    let many: Vec<Address> = (1..=500u64)
        .map(|i| Address::left_padding_from(&(i << 20).to_be_bytes()))
        .collect();
    split
        .sender(ctl)
        .initialize(many.clone(), vec![2_000; 500], ctl, many[0])
        .motsu_unwrap();
    split.address().fund(wei(1_000_777));
    let newer: Vec<Address> = many[..2].to_vec();
    split
        .sender(ctl)
        .update_split(newer.clone(), vec![999_999, 1], newer[1], vec![ETH])
        .motsu_unwrap();
    // each old recipient: floor(1_000_777 * 2000 / 1e6) = 2001; dust = 1_000_777 - 500*2001 = 277
    assert_claimable(&split, ctl, ETH, &[(many[499], 2_001)]);
    assert_eq!(
        split.sender(ctl).claimable(many[0], ETH).motsu_unwrap(),
        wei(2_001 + 277)
    );
    split.assert_emitted(&TokenSettled {
        token: ETH,
        fromEpoch: 0,
        toEpoch: 1,
        revenue: wei(1_000_777),
        dust: wei(277),
    });
}

// ------------------------------------------------------------------ control

#[motsu::test]
fn two_step_control_transfer(
    split: Contract<Split>,
    r1: Contract<Receiver>,
    ctl: Address,
    next: Address,
    mallory: Address,
) {
    init(&split, ctl, &[r1.address()], &[1_000_000]);
    assert!(matches!(
        split
            .sender(mallory)
            .transfer_control(mallory)
            .motsu_unwrap_err(),
        Error::Unauthorized(_)
    ));
    assert!(matches!(
        split
            .sender(ctl)
            .transfer_control(Address::ZERO)
            .motsu_unwrap_err(),
        Error::InvalidController(_)
    ));
    // nobody pending: accept fails
    assert!(matches!(
        split.sender(next).accept_control().motsu_unwrap_err(),
        Error::Unauthorized(_)
    ));
    split.sender(ctl).transfer_control(next).motsu_unwrap();
    split.assert_emitted(&ControlTransferStarted {
        controller: ctl,
        newController: next,
    });
    assert_eq!(split.sender(ctl).pending_controller(), next);
    assert_eq!(split.sender(ctl).controller(), ctl);
    let err = split.sender(mallory).accept_control().motsu_unwrap_err();
    assert!(matches!(err, Error::Unauthorized(e) if e.caller == mallory));
    assert!(matches!(
        split
            .sender(mallory)
            .cancel_control_transfer()
            .motsu_unwrap_err(),
        Error::Unauthorized(_)
    ));
    // cancel, then re-propose and accept
    split.sender(ctl).cancel_control_transfer().motsu_unwrap();
    split.assert_emitted(&ControlTransferCancelled {
        controller: ctl,
        pendingController: next,
    });
    assert_eq!(split.sender(ctl).pending_controller(), Address::ZERO);
    assert!(matches!(
        split.sender(next).accept_control().motsu_unwrap_err(),
        Error::Unauthorized(_)
    ));
    split.sender(ctl).transfer_control(next).motsu_unwrap();
    split.sender(next).accept_control().motsu_unwrap();
    split.assert_emitted(&ControlTransferred {
        previousController: ctl,
        newController: next,
    });
    assert_eq!(split.sender(ctl).controller(), next);
    assert_eq!(split.sender(ctl).pending_controller(), Address::ZERO);
    // the old controller lost its powers; the new one has them
    assert!(matches!(
        split.sender(ctl).make_immutable().motsu_unwrap_err(),
        Error::Unauthorized(_)
    ));
    split
        .sender(next)
        .update_split(vec![r1.address()], vec![1_000_000], r1.address(), vec![])
        .motsu_unwrap();
    assert_eq!(split.sender(next).epoch(), 1);
    // make_immutable also clears a pending proposal
    split.sender(next).transfer_control(ctl).motsu_unwrap();
    split.sender(next).make_immutable().motsu_unwrap();
    assert_eq!(split.sender(next).pending_controller(), Address::ZERO);
    assert!(matches!(
        split.sender(ctl).accept_control().motsu_unwrap_err(),
        Error::Unauthorized(_)
    ));
}

#[test]
fn hand_encoded_errors_match_alloy() {
    let (x, y, z) = (
        Address::repeat_byte(1),
        Address::repeat_byte(2),
        Address::repeat_byte(3),
    );
    let n = U256::from(0x1234_5678u64);
    let m = U256::MAX - U256::from(9);
    assert_encodes_like_alloy(Error::AlreadyInitialized, InvalidInitialization {});
    assert_encodes_like_alloy(Error::NotInitialized, SplitNotInitialized {});
    logic::assert_validation_errors_encode_like_alloy!(n, m, x);
    assert_encodes_like_alloy(Error::Unauthorized, SplitUnauthorized { caller: y });
    assert_encodes_like_alloy(Error::Immutable, SplitImmutable {});
    assert_encodes_like_alloy(
        Error::InvalidController,
        SplitInvalidController { controller: z },
    );
    assert_encodes_like_alloy(
        Error::NothingToWithdraw,
        SplitNothingToWithdraw { recipient: x },
    );
    assert_encodes_like_alloy(
        Error::EthTransferFailed,
        SplitEthTransferFailed {
            recipient: y,
            amount: m,
        },
    );
    assert_encodes_like_alloy(
        Error::TokenTransferFailed,
        SplitTokenTransferFailed {
            token: x,
            recipient: z,
            amount: n,
        },
    );
    assert_encodes_like_alloy(
        Error::BalanceQueryFailed,
        SplitBalanceQueryFailed { token: z },
    );
    assert_encodes_like_alloy(Error::ArithmeticOverflow, SplitArithmeticOverflow {});
}

#[motsu::test]
fn hand_encoded_events_match_alloy(
    split: Contract<Split>,
    r1: Contract<Receiver>,
    r2: Contract<Receiver>,
    ctl: Address,
) {
    // assert_emitted compares the raw log (topics + data) with alloy's
    // encoding of the typed event: every event kind is covered here or in
    // the tests above (SplitUpdated with arrays, TokenSettled, Withdrawal,
    // the three control events).
    let rs = sorted(vec![r1.address(), r2.address()]);
    split
        .sender(ctl)
        .initialize(rs.clone(), vec![1, 999_999], ctl, rs[1])
        .motsu_unwrap();
    split.assert_emitted(&SplitUpdated {
        epoch: 0,
        recipients: rs.clone(),
        allocations: vec![1, 999_999],
        dustRecipient: rs[1],
    });
    split.address().fund(wei(3_000_001));
    split
        .sender(ctl)
        .update_split(vec![rs[0]], vec![1_000_000], rs[0], vec![ETH])
        .motsu_unwrap();
    split.assert_emitted(&TokenSettled {
        token: ETH,
        fromEpoch: 0,
        toEpoch: 1,
        revenue: wei(3_000_001),
        dust: wei(1),
    });
    split.assert_emitted(&SplitUpdated {
        epoch: 1,
        recipients: vec![rs[0]],
        allocations: vec![1_000_000],
        dustRecipient: rs[0],
    });
    assert_eq!(split.all_events().len(), 4);
}

#[test]
fn error_selectors_are_solidity_errors() {
    use alloy_sol_types::SolError;
    // The ABI-visible names are what clients decode.
    assert_eq!(
        SplitNothingToWithdraw::SIGNATURE,
        "SplitNothingToWithdraw(address)"
    );
    assert_eq!(
        SplitTokenTransferFailed::SIGNATURE,
        "SplitTokenTransferFailed(address,address,uint256)"
    );
    let encoded: Vec<u8> = Error::Immutable(SplitImmutable {}).into();
    assert_eq!(encoded, SplitImmutable::SELECTOR.to_vec());
    // the overflow mapping from the pure module
    assert!(matches!(
        Error::from(logic::SplitError::Overflow),
        Error::ArithmeticOverflow(_)
    ));
}

/// A returned allocation set as a tuple, for comparisons.
fn parts(v: SplitView) -> (Vec<Address>, Vec<u32>, Address) {
    (v.recipients, v.allocations, v.dustRecipient)
}

//! Pure split maths and validation: no storage, no host, no VM.
//!
//! The split never loops over recipients to distribute. For each token it
//! keeps three numbers (see the crate docs):
//!
//! * `paid`: everything ever withdrawn from the wallet,
//! * `base`: the total received when the token last changed epoch
//!   (allocation set), and
//! * one signed `offset` per (token, recipient): what the recipient took
//!   (withdrawals, positive) minus what it was credited when the token was
//!   settled out of an earlier allocation set (negative).
//!
//! With `received = balance + paid` (monotone for ordinary tokens):
//!
//! ```text
//! share(r)     = floor((received - base) * allocation(r) / 1e6)
//! claimable(r) = share(r) - offset(r)
//! ```
//!
//! A withdrawal adds the amount to `offset` and `paid` (so `received` is
//! unchanged) — O(1). Settling a token out of an allocation set subtracts each
//! recipient's `share` from its `offset` (the recipient keeps exactly what it
//! could claim), credits the rounding dust to the designated dust recipient
//! the same way, and moves `base` to `received` — O(recipients), done only on
//! an update.
//!
//! This file is also compiled into the split factory (via `#[path]`) so that
//! both contracts validate parameters identically; it must only use `core`,
//! `alloc`, `alloy_primitives` and `stylus_ip_common::abi` (ABI words).

use alloy_primitives::{Address, B256, I256, U256};
use stylus_ip_common::abi::Word;

/// Allocations are parts per million: they must sum to exactly this.
pub const PERCENTAGE_SCALE: u32 = 1_000_000;

/// Maximum number of recipients of one split (see the 0xSplits audit M-01:
/// unbounded lists lock funds; here only updates iterate, and creation at
/// this size stays far below the block gas limit).
pub const MAX_RECIPIENTS: usize = 500;

/// Why a set of split parameters, or a computation, was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// No recipients, or more than [`MAX_RECIPIENTS`].
    RecipientCount {
        /// Number of recipients given.
        count: usize,
    },
    /// `recipients` and `allocations` have different lengths.
    LengthMismatch {
        /// Number of recipients.
        recipients: usize,
        /// Number of allocations.
        allocations: usize,
    },
    /// The zero address is listed (it can only be first, since the list is
    /// strictly increasing).
    ZeroRecipient,
    /// `recipients[index]` is not strictly greater than `recipients[index-1]`
    /// (unsorted or duplicate).
    NotSorted {
        /// Index of the offending recipient.
        index: usize,
    },
    /// `allocations[index]` is zero.
    ZeroAllocation {
        /// Index of the offending allocation.
        index: usize,
    },
    /// Allocations do not sum to [`PERCENTAGE_SCALE`].
    AllocationSum {
        /// The sum found (saturated at `u64::MAX`, which cannot happen for
        /// at most 500 `u32`s).
        sum: u64,
    },
    /// The dust recipient is not one of the recipients.
    DustRecipient {
        /// The address given.
        dust_recipient: Address,
    },
    /// An amount does not fit the accounting range (amounts must stay below
    /// 2^255, far above any real token supply).
    Overflow,
}

/// Checks split parameters: 1..=500 recipients, strictly increasing (hence
/// unique) non-zero addresses, non-zero allocations summing to exactly 1e6,
/// and a dust recipient that is one of the recipients. O(n).
///
/// # Errors
/// The first violated rule, in the order above (lengths are checked first).
pub fn validate_split(
    recipients: &[Address],
    allocations: &[u32],
    dust_recipient: Address,
) -> Result<(), SplitError> {
    if recipients.len() != allocations.len() {
        return Err(SplitError::LengthMismatch {
            recipients: recipients.len(),
            allocations: allocations.len(),
        });
    }
    if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
        return Err(SplitError::RecipientCount {
            count: recipients.len(),
        });
    }
    let mut sum: u64 = 0;
    let mut dust_found = false;
    for (index, (&recipient, &allocation)) in recipients.iter().zip(allocations).enumerate() {
        if recipient.is_zero() {
            return Err(SplitError::ZeroRecipient);
        }
        if index > 0 && recipient <= recipients[index - 1] {
            return Err(SplitError::NotSorted { index });
        }
        if allocation == 0 {
            return Err(SplitError::ZeroAllocation { index });
        }
        sum = sum.saturating_add(u64::from(allocation));
        dust_found |= recipient == dust_recipient;
    }
    if sum != u64::from(PERCENTAGE_SCALE) {
        return Err(SplitError::AllocationSum { sum });
    }
    if !dust_found {
        return Err(SplitError::DustRecipient { dust_recipient });
    }
    Ok(())
}

/// `floor(amount * allocation / 1e6)`, exact and overflow-free for every
/// `amount` (computed as `q*a + (r*a)/1e6` with `amount = q*1e6 + r`, the
/// division done limb by limb: no 256-bit division code in the WASM). For
/// `allocation <= 1e6` the result is at most `amount`.
#[must_use]
pub fn share(amount: U256, allocation: u32) -> U256 {
    let (q, r) = div_rem_scale(amount);
    // For a <= 1e6: q*a <= amount and r*a < 1e12. An allocation > 1e6 is
    // never stored; saturate rather than wrap anyway.
    let a = u64::from(allocation);
    mul_small(q, allocation).saturating_add(U256::from(r * a / u64::from(PERCENTAGE_SCALE)))
}

/// `x * m`, saturating at `U256::MAX`, by schoolbook multiplication over
/// 32-bit digits (small code: no generic 256-bit multiply).
#[must_use]
pub fn mul_small(x: U256, m: u32) -> U256 {
    let m = u64::from(m);
    let limbs = x.as_limbs();
    let mut out = [0u64; 4];
    let mut carry: u64 = 0;
    for i in 0..4 {
        let lo = (limbs[i] & 0xffff_ffff) * m + carry;
        let hi = (limbs[i] >> 32) * m + (lo >> 32);
        out[i] = (hi << 32) | (lo & 0xffff_ffff);
        carry = hi >> 32;
    }
    if carry != 0 {
        return U256::MAX;
    }
    U256::from_limbs(out)
}

/// `(x / 1e6, x % 1e6)` by schoolbook division over 32-bit digits (every
/// intermediate fits a `u64`).
#[must_use]
pub fn div_rem_scale(x: U256) -> (U256, u64) {
    let d = u64::from(PERCENTAGE_SCALE);
    let limbs = x.as_limbs(); // little-endian u64s
    let mut q = [0u64; 4];
    let mut r: u64 = 0;
    for i in (0..4).rev() {
        let hi = (r << 32) | (limbs[i] >> 32);
        let q_hi = hi / d;
        r = hi % d;
        let lo = (r << 32) | (limbs[i] & 0xffff_ffff);
        let q_lo = lo / d;
        r = lo % d;
        q[i] = (q_hi << 32) | q_lo;
    }
    (U256::from_limbs(q), r)
}

/// Total received of a token: current balance plus everything withdrawn.
///
/// # Errors
/// [`SplitError::Overflow`] if the sum exceeds `U256::MAX`.
pub fn total_received(balance: U256, paid: U256) -> Result<U256, SplitError> {
    balance.checked_add(paid).ok_or(SplitError::Overflow)
}

/// Revenue of the current allocation set: `received - base`, saturating at
/// zero (only a negative rebase or a forced balance removal, both
/// unsupported, can make `received < base`).
#[must_use]
pub fn epoch_revenue(received: U256, base: U256) -> U256 {
    received.saturating_sub(base)
}

fn to_signed(v: U256) -> Result<I256, SplitError> {
    I256::try_from(v).map_err(|_| SplitError::Overflow)
}

/// What a recipient can withdraw now: `share - offset`, floored at zero
/// (never negative while the invariants hold; flooring only protects
/// against unsupported tokens).
///
/// # Errors
/// [`SplitError::Overflow`] if `share >= 2^255` or the difference overflows.
pub fn claimable(share: U256, offset: I256) -> Result<U256, SplitError> {
    let c = to_signed(share)?
        .checked_sub(offset)
        .ok_or(SplitError::Overflow)?;
    if c.is_negative() {
        Ok(U256::ZERO)
    } else {
        Ok(c.into_raw())
    }
}

/// Offset after withdrawing `amount`: `offset + amount`.
///
/// # Errors
/// [`SplitError::Overflow`] on overflow.
pub fn offset_after_withdrawal(offset: I256, amount: U256) -> Result<I256, SplitError> {
    offset
        .checked_add(to_signed(amount)?)
        .ok_or(SplitError::Overflow)
}

/// Offset after settling a token out of the allocation set in which the
/// recipient earned `credit` (its share, or the dust): `offset - credit`, so
/// that its claimable amount is unchanged once `base` moves to `received`.
///
/// # Errors
/// [`SplitError::Overflow`] on overflow.
pub fn offset_after_credit(offset: I256, credit: U256) -> Result<I256, SplitError> {
    offset
        .checked_sub(to_signed(credit)?)
        .ok_or(SplitError::Overflow)
}

/// Rounding dust of an allocation set: `revenue - Σ shares`. Always less
/// than the number of recipients when the allocations sum to 1e6.
///
/// # Errors
/// [`SplitError::Overflow`] if the shares exceed the revenue (impossible for
/// validated allocations).
pub fn dust(revenue: U256, sum_of_shares: U256) -> Result<U256, SplitError> {
    revenue
        .checked_sub(sum_of_shares)
        .ok_or(SplitError::Overflow)
}

/// The allocation set a token follows, from its stored `epoch_plus_one`:
/// the set it was last moved into, or the initial set (0) for a token the
/// split has never touched. Never "the current set": the split cannot see
/// ERC-20 transfers, so an untouched token may hold revenue earned under
/// any earlier set, and following the current set would hand that revenue
/// to recipients added by an update. With this rule a token's set changes
/// only when the token is settled, which credits the old recipients first.
#[must_use]
pub const fn followed_epoch(epoch_plus_one: u32) -> u32 {
    epoch_plus_one.saturating_sub(1)
}

/// What settling a token out of an allocation set credits: each
/// recipient's share of `revenue` (in the order of the allocations), the
/// rounding dust included in the dust recipient's credit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// Credit of each recipient (share, plus the dust for the dust
    /// recipient).
    pub credits: alloc::vec::Vec<U256>,
    /// The rounding dust: `revenue - Σ shares`.
    pub dust: U256,
}

/// Distributes `revenue` over `allocations` (parts per million summing to
/// 1e6): `floor(revenue * a / 1e6)` each, and the rounding dust to the
/// recipient at `dust_index`. The credits sum to exactly `revenue`.
///
/// # Errors
/// [`SplitError::Overflow`] if the shares exceed `revenue` (allocations
/// summing to more than 1e6, never stored).
pub fn settlement(
    revenue: U256,
    allocations: &[u32],
    dust_index: usize,
) -> Result<Settlement, SplitError> {
    let mut credits: alloc::vec::Vec<U256> =
        allocations.iter().map(|&a| share(revenue, a)).collect();
    let sum = credits
        .iter()
        .try_fold(U256::ZERO, |acc, c| acc.checked_add(*c))
        .ok_or(SplitError::Overflow)?;
    let dust = dust(revenue, sum)?;
    if let Some(c) = credits.get_mut(dust_index) {
        *c = c.checked_add(dust).ok_or(SplitError::Overflow)?;
    }
    Ok(Settlement { credits, dust })
}

/// Salt actually used for CREATE2 by the split factory: it commits to every
/// split parameter, so a predicted address can only ever hold *that* split:
/// `keccak256(abi.encode(recipients, allocations, controller, dustRecipient, salt))`.
#[must_use]
pub fn split_salt(
    recipients: &[Address],
    allocations: &[u32],
    controller: Address,
    dust_recipient: Address,
    salt: [u8; 32],
) -> [u8; 32] {
    alloy_primitives::keccak256(encode_split_params(
        recipients,
        allocations,
        controller,
        dust_recipient,
        salt,
    ))
    .0
}

/// `abi.encode(address[] recipients, uint32[] allocations, address controller,
/// address dustRecipient, bytes32 salt)`, hand-rolled (no ABI encoder linked
/// into the WASM).
#[must_use]
pub fn encode_split_params(
    recipients: &[Address],
    allocations: &[u32],
    controller: Address,
    dust_recipient: Address,
    salt: [u8; 32],
) -> alloc::vec::Vec<u8> {
    encode_with_arrays(
        recipients,
        allocations,
        &[controller.word(), dust_recipient.word(), B256::from(salt)],
    )
}

/// ABI encoding of `(address[] a, uint32[] b, <static words...>)`: the two
/// dynamic arrays first, then the given static 32-byte words (the layout
/// of `initialize`'s arguments, the factory salt preimage and the
/// `SplitUpdated` event data).
#[must_use]
pub fn encode_with_arrays(
    recipients: &[Address],
    allocations: &[u32],
    statics: &[B256],
) -> alloc::vec::Vec<u8> {
    let head = 32 * (2 + statics.len());
    let first = 32 * (1 + recipients.len());
    let mut out = alloc::vec::Vec::with_capacity(head + first + 32 * (1 + allocations.len()));
    out.extend_from_slice(head.word().as_slice());
    out.extend_from_slice((head + first).word().as_slice());
    for w in statics {
        out.extend_from_slice(w.as_slice());
    }
    out.extend_from_slice(recipients.len().word().as_slice());
    for r in recipients {
        out.extend_from_slice(r.word().as_slice());
    }
    out.extend_from_slice(allocations.len().word().as_slice());
    for a in allocations {
        out.extend_from_slice(a.word().as_slice());
    }
    out
}

/// Test-only: checks the `Split*` errors of parameter validation, which the
/// split and the factory both raise, against alloy's encoding. Expanded in
/// each crate's tests, with that crate's `Error` and error types in scope
/// (this file names none); `$n`/`$m` are two `U256`s, `$dust` an address.
#[cfg(test)]
macro_rules! assert_validation_errors_encode_like_alloy {
    ($n:expr, $m:expr, $dust:expr) => {{
        let (n, m): (U256, U256) = ($n, $m);
        assert_encodes_like_alloy(
            Error::InvalidRecipientCount,
            SplitInvalidRecipientCount { count: n, max: m },
        );
        assert_encodes_like_alloy(
            Error::LengthMismatch,
            SplitLengthMismatch {
                recipients: m,
                allocations: n,
            },
        );
        assert_encodes_like_alloy(Error::ZeroAddressRecipient, SplitZeroAddressRecipient {});
        assert_encodes_like_alloy(
            Error::RecipientsNotSorted,
            SplitRecipientsNotSorted { index: n },
        );
        assert_encodes_like_alloy(Error::ZeroAllocation, SplitZeroAllocation { index: m });
        assert_encodes_like_alloy(
            Error::InvalidAllocationSum,
            SplitInvalidAllocationSum { sum: n },
        );
        assert_encodes_like_alloy(
            Error::InvalidDustRecipient,
            SplitInvalidDustRecipient {
                dustRecipient: $dust,
            },
        );
    }};
}
#[cfg(test)]
pub(crate) use assert_validation_errors_encode_like_alloy;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{vec, vec::Vec};
    use alloy_primitives::address;
    use alloy_sol_types::SolValue;
    use proptest::prelude::*;

    fn addr(n: u64) -> Address {
        let mut a = [0u8; 20];
        a[12..].copy_from_slice(&n.to_be_bytes());
        Address::from(a)
    }

    // ---------------------------------------------------------- validation

    #[test]
    fn validate_accepts_a_good_split() {
        let r = [addr(1), addr(2), addr(3)];
        assert_eq!(
            validate_split(&r, &[500_000, 300_000, 200_000], addr(2)),
            Ok(())
        );
        assert_eq!(validate_split(&[addr(9)], &[1_000_000], addr(9)), Ok(()));
    }

    #[test]
    fn validate_rejects_each_rule() {
        let r = [addr(1), addr(2)];
        assert_eq!(
            validate_split(&r, &[1_000_000], addr(1)),
            Err(SplitError::LengthMismatch {
                recipients: 2,
                allocations: 1
            })
        );
        assert_eq!(
            validate_split(&[], &[], addr(1)),
            Err(SplitError::RecipientCount { count: 0 })
        );
        let many: Vec<Address> = (1..=501).map(addr).collect();
        let allocs = vec![1u32; 501];
        assert_eq!(
            validate_split(&many, &allocs, addr(1)),
            Err(SplitError::RecipientCount { count: 501 })
        );
        assert_eq!(
            validate_split(&[Address::ZERO, addr(1)], &[1, 999_999], addr(1)),
            Err(SplitError::ZeroRecipient)
        );
        assert_eq!(
            validate_split(&[addr(2), addr(1)], &[1, 999_999], addr(1)),
            Err(SplitError::NotSorted { index: 1 })
        );
        assert_eq!(
            validate_split(&[addr(1), addr(1)], &[1, 999_999], addr(1)),
            Err(SplitError::NotSorted { index: 1 })
        );
        assert_eq!(
            validate_split(&r, &[0, 1_000_000], addr(1)),
            Err(SplitError::ZeroAllocation { index: 0 })
        );
        assert_eq!(
            validate_split(&r, &[1, 1_000_000], addr(1)),
            Err(SplitError::AllocationSum { sum: 1_000_001 })
        );
        assert_eq!(
            validate_split(&r, &[u32::MAX, u32::MAX], addr(1)),
            Err(SplitError::AllocationSum {
                sum: 2 * u64::from(u32::MAX)
            })
        );
        assert_eq!(
            validate_split(&r, &[500_000, 500_000], addr(3)),
            Err(SplitError::DustRecipient {
                dust_recipient: addr(3)
            })
        );
    }

    #[test]
    fn validate_accepts_exactly_500() {
        let many: Vec<Address> = (1..=500).map(addr).collect();
        let allocs = vec![2_000u32; 500];
        assert_eq!(validate_split(&many, &allocs, addr(500)), Ok(()));
    }

    // ---------------------------------------------------------- arithmetic

    #[test]
    fn share_is_exact_floor_even_near_u256_max() {
        assert_eq!(share(U256::from(999_999u64), 1), U256::ZERO);
        assert_eq!(share(U256::from(1_000_000u64), 1), U256::from(1));
        assert_eq!(share(U256::from(10u64), 333_333), U256::from(3));
        assert_eq!(share(U256::MAX, PERCENTAGE_SCALE), U256::MAX);
        // floor(MAX * 1/2) computed without a 512-bit intermediate
        assert_eq!(share(U256::MAX, 500_000), U256::MAX / U256::from(2));
        assert_eq!(share(U256::MAX, 0), U256::ZERO);
    }

    #[test]
    fn claimable_and_offsets() {
        let ten = U256::from(10);
        assert_eq!(claimable(ten, I256::ZERO), Ok(ten));
        assert_eq!(
            claimable(ten, I256::try_from(4).unwrap()),
            Ok(U256::from(6))
        );
        assert_eq!(
            claimable(ten, I256::try_from(-5).unwrap()),
            Ok(U256::from(15))
        );
        assert_eq!(
            claimable(U256::ZERO, I256::try_from(3).unwrap()),
            Ok(U256::ZERO)
        );
        assert_eq!(claimable(U256::MAX, I256::ZERO), Err(SplitError::Overflow));
        assert_eq!(claimable(U256::ZERO, I256::MIN), Err(SplitError::Overflow));
        assert_eq!(
            offset_after_withdrawal(I256::try_from(-5).unwrap(), ten),
            Ok(I256::try_from(5).unwrap())
        );
        assert_eq!(
            offset_after_withdrawal(I256::MAX, U256::from(1)),
            Err(SplitError::Overflow)
        );
        assert_eq!(
            offset_after_withdrawal(I256::ZERO, U256::MAX),
            Err(SplitError::Overflow)
        );
        assert_eq!(
            offset_after_credit(I256::try_from(4).unwrap(), ten),
            Ok(I256::try_from(-6).unwrap())
        );
        assert_eq!(
            offset_after_credit(I256::MIN, U256::from(1)),
            Err(SplitError::Overflow)
        );
        assert_eq!(
            total_received(U256::MAX, U256::from(1)),
            Err(SplitError::Overflow)
        );
        assert_eq!(total_received(ten, ten), Ok(U256::from(20)));
        assert_eq!(epoch_revenue(ten, U256::from(11)), U256::ZERO);
        assert_eq!(epoch_revenue(ten, U256::from(4)), U256::from(6));
        assert_eq!(dust(ten, U256::from(9)), Ok(U256::from(1)));
        assert_eq!(dust(ten, U256::from(11)), Err(SplitError::Overflow));
    }

    // ---------------------------------------------------------- salt / ABI

    #[test]
    fn encode_matches_solidity_abi_encode() {
        let recipients = vec![
            addr(1),
            address!("00000000000000000000000000000000000000ff"),
        ];
        let allocations = vec![400_000u32, 600_000];
        let controller = addr(77);
        let dust_recipient = addr(1);
        let salt = [0xabu8; 32];
        let expected = (
            recipients.clone(),
            allocations.clone(),
            controller,
            dust_recipient,
            alloy_primitives::B256::from(salt),
        )
            .abi_encode_params();
        assert_eq!(
            encode_split_params(&recipients, &allocations, controller, dust_recipient, salt),
            expected
        );
        assert_eq!(
            split_salt(&recipients, &allocations, controller, dust_recipient, salt),
            alloy_primitives::keccak256(&expected).0
        );
        // Every parameter changes the salt.
        let base = split_salt(&recipients, &allocations, controller, dust_recipient, salt);
        assert_ne!(
            base,
            split_salt(
                &recipients,
                &[600_000, 400_000],
                controller,
                dust_recipient,
                salt
            )
        );
        assert_ne!(
            base,
            split_salt(&recipients, &allocations, addr(78), dust_recipient, salt)
        );
        assert_ne!(
            base,
            split_salt(&recipients, &allocations, controller, addr(0xff), salt)
        );
        assert_ne!(
            base,
            split_salt(
                &recipients,
                &allocations,
                controller,
                dust_recipient,
                [0; 32]
            )
        );
        assert_ne!(
            base,
            split_salt(
                &recipients[..1],
                &allocations[..1],
                controller,
                dust_recipient,
                salt
            )
        );
    }

    // ---------------------------------------------------------- model

    /// A plain-Rust model of one token in one split wallet, driven only
    /// through the pure functions above (exactly what the contract does).
    #[derive(Clone, Debug)]
    struct Wallet {
        balance: U256,
        paid: U256,
        base: U256,
        /// (allocation, dust flag) per recipient index, current set.
        allocations: Vec<u32>,
        dust_index: usize,
        /// offset per recipient index (recipients are 0..n_max).
        offsets: Vec<I256>,
        /// what each recipient actually got.
        received_by: Vec<U256>,
        deposited: U256,
    }

    impl Wallet {
        fn new(allocations: Vec<u32>, n_max: usize) -> Self {
            Self {
                balance: U256::ZERO,
                paid: U256::ZERO,
                base: U256::ZERO,
                dust_index: 0,
                allocations,
                offsets: vec![I256::ZERO; n_max],
                received_by: vec![U256::ZERO; n_max],
                deposited: U256::ZERO,
            }
        }
        fn alloc_of(&self, i: usize) -> u32 {
            self.allocations.get(i).copied().unwrap_or(0)
        }
        fn deposit(&mut self, amount: U256) {
            self.balance += amount;
            self.deposited += amount;
        }
        fn claimable(&self, i: usize) -> U256 {
            let received = total_received(self.balance, self.paid).unwrap();
            let s = share(epoch_revenue(received, self.base), self.alloc_of(i));
            claimable(s, self.offsets[i]).unwrap()
        }
        fn withdraw(&mut self, i: usize) -> U256 {
            let c = self.claimable(i);
            assert!(
                c <= self.balance,
                "insolvent: claim {c} > balance {}",
                self.balance
            );
            self.offsets[i] = offset_after_withdrawal(self.offsets[i], c).unwrap();
            self.paid += c;
            self.balance -= c;
            self.received_by[i] += c;
            c
        }
        fn current_dust(&self) -> U256 {
            let received = total_received(self.balance, self.paid).unwrap();
            let revenue = epoch_revenue(received, self.base);
            let sum = (0..self.allocations.len())
                .map(|i| share(revenue, self.alloc_of(i)))
                .fold(U256::ZERO, |a, b| a + b);
            dust(revenue, sum).unwrap()
        }
        /// Settle into a new allocation set (what `updateSplit` does).
        fn update(&mut self, allocations: Vec<u32>, dust_index: usize) {
            let received = total_received(self.balance, self.paid).unwrap();
            let revenue = epoch_revenue(received, self.base);
            let mut sum = U256::ZERO;
            for i in 0..self.allocations.len() {
                let s = share(revenue, self.alloc_of(i));
                sum += s;
                self.offsets[i] = offset_after_credit(self.offsets[i], s).unwrap();
            }
            let d = dust(revenue, sum).unwrap();
            let di = self.dust_index;
            self.offsets[di] = offset_after_credit(self.offsets[di], d).unwrap();
            self.base = received;
            self.allocations = allocations;
            self.dust_index = dust_index;
        }
        fn total_claimable(&self) -> U256 {
            (0..self.offsets.len())
                .map(|i| self.claimable(i))
                .fold(U256::ZERO, |a, b| a + b)
        }
    }

    /// Random allocation vector of `n` non-zero parts summing to 1e6.
    fn allocations(max_n: usize) -> impl Strategy<Value = Vec<u32>> {
        prop::collection::vec(1u32..1_000, 1..=max_n).prop_map(|weights| {
            let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
            let mut out: Vec<u32> = weights
                .iter()
                .map(|&w| (u64::from(w) * 1_000_000 / total).max(1) as u32)
                .collect();
            let sum: i64 = out.iter().map(|&a| i64::from(a)).sum();
            let fix = 1_000_000 - sum;
            // put the correction on the largest part (stays >= 1)
            let (imax, _) = out.iter().enumerate().max_by_key(|(_, a)| **a).unwrap();
            out[imax] = (i64::from(out[imax]) + fix) as u32;
            assert!(out.iter().all(|&a| a > 0));
            assert_eq!(out.iter().map(|&a| u64::from(a)).sum::<u64>(), 1_000_000);
            out
        })
    }

    #[derive(Clone, Debug)]
    enum Op {
        Deposit(u128),
        Withdraw(usize),
    }

    fn ops(n: usize) -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(
            prop_oneof![
                (0u128..1_000_000_000_000).prop_map(Op::Deposit),
                (0u128..10_000).prop_map(Op::Deposit),
                (0..n).prop_map(Op::Withdraw),
            ],
            0..60,
        )
    }

    fn run(w: &mut Wallet, ops: &[Op]) {
        for op in ops {
            match op {
                Op::Deposit(a) => w.deposit(U256::from(*a)),
                Op::Withdraw(i) => {
                    w.withdraw(*i);
                }
            }
            // Solvency after every step: everything claimable is in the wallet.
            assert!(w.total_claimable() <= w.balance);
        }
    }

    fn withdraw_all(w: &mut Wallet) {
        for i in 0..w.offsets.len() {
            w.withdraw(i);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn mul_small_matches_ruint(x in any::<[u64; 4]>(), m in any::<u32>()) {
            let v = U256::from_limbs(x);
            prop_assert_eq!(mul_small(v, m), v.saturating_mul(U256::from(m)));
        }

        #[test]
        fn div_rem_scale_matches_ruint(x in any::<[u64; 4]>()) {
            let v = U256::from_limbs(x);
            let (q, r) = div_rem_scale(v);
            prop_assert_eq!(q, v / U256::from(PERCENTAGE_SCALE));
            prop_assert_eq!(U256::from(r), v % U256::from(PERCENTAGE_SCALE));
        }

        #[test]
        fn share_matches_wide_floor_u256(x in any::<[u64; 4]>(), allocation in 0u32..=1_000_000) {
            let v = U256::from_limbs(x);
            // floor(v*a/1e6) via 512-bit intermediate
            let wide = alloy_primitives::U512::from(v) * alloy_primitives::U512::from(allocation)
                / alloy_primitives::U512::from(PERCENTAGE_SCALE);
            prop_assert_eq!(alloy_primitives::U512::from(share(v, allocation)), wide);
        }

        #[test]
        fn share_matches_wide_floor(amount in any::<u128>(), allocation in 0u32..=1_000_000) {
            let expected = U256::from(amount) * U256::from(allocation) / U256::from(PERCENTAGE_SCALE);
            prop_assert_eq!(share(U256::from(amount), allocation), expected);
        }

        #[test]
        fn paid_never_exceeds_received_and_shortfall_below_n(
            allocs in allocations(40), ops_ in ops(40)
        ) {
            let n = allocs.len();
            let ops_: Vec<Op> = ops_.into_iter().map(|op| match op {
                Op::Withdraw(i) => Op::Withdraw(i % n),
                d => d,
            }).collect();
            let mut w = Wallet::new(allocs.clone(), n);
            run(&mut w, &ops_);
            withdraw_all(&mut w);
            let paid: U256 = w.received_by.iter().fold(U256::ZERO, |a, b| a + *b);
            prop_assert!(paid <= w.deposited);
            let shortfall = w.deposited - paid;
            prop_assert!(shortfall < U256::from(n), "shortfall {} with {} recipients", shortfall, n);
            prop_assert_eq!(shortfall, w.current_dust());
            prop_assert_eq!(w.balance, shortfall);
            // each recipient got exactly its floor share of everything
            for (i, a) in allocs.iter().enumerate() {
                prop_assert_eq!(w.received_by[i], share(w.deposited, *a));
            }
        }

        #[test]
        fn order_of_deposits_and_withdrawals_does_not_change_outcome(
            allocs in allocations(20), ops_ in ops(20), seed in any::<u64>()
        ) {
            let n = allocs.len();
            let ops_: Vec<Op> = ops_.into_iter().map(|op| match op {
                Op::Withdraw(i) => Op::Withdraw(i % n),
                d => d,
            }).collect();
            // A deterministic shuffle of the same operations.
            let mut shuffled = ops_.clone();
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let mut a = Wallet::new(allocs.clone(), n);
            let mut b = Wallet::new(allocs, n);
            run(&mut a, &ops_);
            run(&mut b, &shuffled);
            withdraw_all(&mut a);
            withdraw_all(&mut b);
            prop_assert_eq!(a.received_by, b.received_by);
            prop_assert_eq!(a.balance, b.balance);
        }

        #[test]
        fn updates_never_lose_or_double_pay(
            sets in prop::collection::vec((allocations(12), any::<prop::sample::Index>()), 1..5),
            phases in prop::collection::vec(ops(12), 1..5),
        ) {
            // Recipients are indices 0..12; each allocation set covers a prefix.
            let n_max = 12;
            let (first, first_dust) = &sets[0];
            let mut w = Wallet::new(first.clone(), n_max);
            w.dust_index = first_dust.index(first.len());
            // expected entitlement per recipient, computed independently:
            // per epoch, floor share of that epoch's revenue, dust to the
            // designated recipient.
            let mut expected = vec![U256::ZERO; n_max];
            let mut epoch_revenue_acc = U256::ZERO;
            let mut cur = first.clone();
            let mut cur_dust = w.dust_index;
            for (k, phase) in phases.iter().enumerate() {
                let phase: Vec<Op> = phase.iter().cloned().map(|op| match op {
                    Op::Withdraw(i) => Op::Withdraw(i % n_max),
                    d => d,
                }).collect();
                let before = w.deposited;
                run(&mut w, &phase);
                epoch_revenue_acc += w.deposited - before;
                if let Some((next, next_dust)) = sets.get(k + 1) {
                    let mut sum = U256::ZERO;
                    for (i, a) in cur.iter().enumerate() {
                        let s = share(epoch_revenue_acc, *a);
                        expected[i] += s;
                        sum += s;
                    }
                    expected[cur_dust] += epoch_revenue_acc - sum;
                    epoch_revenue_acc = U256::ZERO;
                    let d = next_dust.index(next.len());
                    w.update(next.clone(), d);
                    cur = next.clone();
                    cur_dust = d;
                    prop_assert!(w.total_claimable() <= w.balance);
                }
            }
            for (i, a) in cur.iter().enumerate() {
                expected[i] += share(epoch_revenue_acc, *a);
            }
            withdraw_all(&mut w);
            prop_assert_eq!(&w.received_by, &expected);
            let paid: U256 = w.received_by.iter().fold(U256::ZERO, |a, b| a + *b);
            prop_assert!(paid <= w.deposited);
            prop_assert!(w.deposited - paid < U256::from(cur.len()));
            // nothing can be claimed twice
            for i in 0..n_max {
                prop_assert_eq!(w.claimable(i), U256::ZERO);
            }
        }
    }

    #[test]
    fn three_way_ten_wei_example() {
        // 10 wei among 1/3 each: 3+3+3 paid, 1 wei dust, then dust goes to
        // the designated recipient on update.
        let third = 333_333u32;
        let mut w = Wallet::new(vec![third, third, 333_334], 3);
        w.dust_index = 2;
        w.deposit(U256::from(10));
        assert_eq!(w.claimable(0), U256::from(3));
        assert_eq!(w.claimable(2), U256::from(3));
        assert_eq!(w.current_dust(), U256::from(1));
        w.update(vec![1_000_000], 0);
        assert_eq!(w.claimable(2), U256::from(4));
        assert_eq!(w.claimable(0), U256::from(3));
        assert_eq!(w.current_dust(), U256::ZERO);
        withdraw_all(&mut w);
        assert_eq!(w.balance, U256::ZERO);
    }

    #[test]
    fn untouched_tokens_follow_the_initial_set() {
        assert_eq!(followed_epoch(0), 0);
        assert_eq!(followed_epoch(1), 0);
        assert_eq!(followed_epoch(8), 7);
        assert_eq!(followed_epoch(u32::MAX), u32::MAX - 1);
    }

    #[test]
    fn settlement_examples() {
        let s = settlement(U256::from(100), &[333_333, 333_333, 333_334], 1).unwrap();
        assert_eq!(
            s.credits,
            vec![U256::from(33), U256::from(34), U256::from(33)]
        );
        assert_eq!(s.dust, U256::from(1));
        let s = settlement(U256::ZERO, &[1_000_000], 0).unwrap();
        assert_eq!(s.credits, vec![U256::ZERO]);
        assert_eq!(
            settlement(U256::from(1_000_000), &[1_000_000, 1], 0),
            Err(SplitError::Overflow)
        );
    }

    /// One token of a split, as the contract keeps it, driven only by this
    /// module's functions: the model of the L-3 property below.
    #[derive(Clone, Debug)]
    struct TokenModel {
        /// Allocation sets: per recipient (0..4), parts per million, and
        /// the dust recipient.
        sets: Vec<([u32; 4], usize)>,
        received: U256,
        base: U256,
        epoch_plus_one: u32,
        offsets: [I256; 4],
    }

    impl TokenModel {
        fn followed(&self) -> usize {
            followed_epoch(self.epoch_plus_one) as usize
        }

        fn claimable(&self, r: usize) -> U256 {
            let (alloc, _) = self.sets[self.followed()];
            let revenue = epoch_revenue(self.received, self.base);
            claimable(share(revenue, alloc[r]), self.offsets[r]).unwrap()
        }

        fn withdraw(&mut self, r: usize) {
            let amount = self.claimable(r);
            if amount.is_zero() {
                return;
            }
            self.offsets[r] = offset_after_withdrawal(self.offsets[r], amount).unwrap();
            self.epoch_plus_one = self.followed() as u32 + 1;
            // `received` is unchanged: the balance drops by what `paid` gains.
        }

        fn settle_to(&mut self, to: usize) {
            let from = self.followed();
            if from == to {
                return;
            }
            let revenue = epoch_revenue(self.received, self.base);
            if !revenue.is_zero() {
                let (alloc, dust_index) = self.sets[from];
                let s = settlement(revenue, &alloc, dust_index).unwrap();
                let total = s.credits.iter().fold(U256::ZERO, |a, c| a + *c);
                assert_eq!(total, revenue, "credits sum to the revenue");
                for (r, c) in s.credits.into_iter().enumerate() {
                    self.offsets[r] = offset_after_credit(self.offsets[r], c).unwrap();
                }
                self.base = self.received;
            }
            self.epoch_plus_one = to as u32 + 1;
        }
    }

    fn any_set() -> impl Strategy<Value = ([u32; 4], usize)> {
        (prop::array::uniform4(1u32..1_000), 0usize..4).prop_map(|(w, dust)| {
            let total: u32 = w.iter().sum();
            let mut alloc = w.map(|x| x * PERCENTAGE_SCALE / total);
            let sum: u32 = alloc.iter().sum();
            alloc[dust] += PERCENTAGE_SCALE - sum;
            (alloc, dust)
        })
    }

    /// Split operations on one token: a deposit, a withdrawal, a
    /// permissionless settle, or an update (settling the token or not).
    #[derive(Clone, Debug)]
    enum TokenOp {
        Deposit(u64),
        Withdraw(usize),
        Settle,
        Update(([u32; 4], usize), bool),
    }

    fn any_token_op() -> impl Strategy<Value = TokenOp> {
        prop_oneof![
            (1u64..1_000_000_000_000).prop_map(TokenOp::Deposit),
            (0usize..4).prop_map(TokenOp::Withdraw),
            Just(TokenOp::Settle),
            (any_set(), any::<bool>()).prop_map(|(s, settle)| TokenOp::Update(s, settle)),
        ]
    }

    /// No claimable amount went down, and together they rose by less than
    /// the number of recipients (the rounding dust a settlement hands to the
    /// dust recipient).
    fn never_lower(before: &[U256], after: &[U256]) -> Result<(), TestCaseError> {
        let mut gained = U256::ZERO;
        for (b, a) in before.iter().zip(after) {
            prop_assert!(
                a >= b,
                "a claimable amount went down: {:?} -> {:?}",
                before,
                after
            );
            gained += *a - *b;
        }
        prop_assert!(
            gained < U256::from(before.len()),
            "more than the dust appeared"
        );
        Ok(())
    }

    proptest! {
        /// L-3: whether an update settles the token (ETH, a listed token)
        /// or not (an unlisted token, touched or never touched), it never
        /// lowers any recipient's claimable amount; and claims always stay
        /// covered by the balance.
        #[test]
        fn an_update_never_lowers_a_claimable_amount(
            first in any_set(), ops in prop::collection::vec(any_token_op(), 1..40)
        ) {
            let mut m = TokenModel {
                sets: vec![first],
                received: U256::ZERO,
                base: U256::ZERO,
                epoch_plus_one: 0,
                offsets: [I256::ZERO; 4],
            };
            let mut paid = U256::ZERO;
            for op in ops {
                match op {
                    TokenOp::Deposit(x) => m.received += U256::from(x),
                    TokenOp::Withdraw(r) => {
                        paid += m.claimable(r);
                        m.withdraw(r);
                    }
                    TokenOp::Settle => {
                        let current = m.sets.len() - 1;
                        let before: Vec<U256> = (0..4).map(|r| m.claimable(r)).collect();
                        m.settle_to(current);
                        let after: Vec<U256> = (0..4).map(|r| m.claimable(r)).collect();
                        never_lower(&before, &after)?;
                    }
                    TokenOp::Update(set, settle) => {
                        let before: Vec<U256> = (0..4).map(|r| m.claimable(r)).collect();
                        m.sets.push(set);
                        if settle {
                            m.settle_to(m.sets.len() - 1);
                        }
                        let after: Vec<U256> = (0..4).map(|r| m.claimable(r)).collect();
                        never_lower(&before, &after)?;
                    }
                }
                let owed = (0..4).fold(U256::ZERO, |a, r| a + m.claimable(r));
                prop_assert!(owed + paid <= m.received, "claims exceed the balance");
            }
        }

        /// The credits of a settlement sum to the revenue exactly, each
        /// recipient gets at least its floored share, and only the dust
        /// recipient gets more (by less than the number of recipients).
        #[test]
        fn settlement_distributes_exactly(
            revenue in any::<[u64; 3]>(), set in any_set()
        ) {
            let revenue = U256::from_limbs([revenue[0], revenue[1], revenue[2], 0]);
            let (alloc, dust_index) = set;
            let s = settlement(revenue, &alloc, dust_index).unwrap();
            let total = s.credits.iter().fold(U256::ZERO, |a, c| a + *c);
            prop_assert_eq!(total, revenue);
            prop_assert!(s.dust < U256::from(alloc.len()));
            for (i, c) in s.credits.iter().enumerate() {
                let floor = share(revenue, alloc[i]);
                let extra = if i == dust_index { s.dust } else { U256::ZERO };
                prop_assert_eq!(*c, floor + extra);
            }
        }
    }
}

//! Pure maths of the contract, free of storage and host calls.
//!
//! Everything that depends on time takes an explicit `now` (a Unix timestamp
//! in seconds), so it can be unit- and property-tested without a VM.
//!
//! # Frozen balances (ERC-5006)
//!
//! A user record freezes `amount` units of its owner's balance of one token
//! id until `expiry`. A record is *active* while `now <= expiry` (the
//! ERC-4907 convention, so a record is still active in the block whose
//! timestamp equals its expiry). Records are tracked per `(owner, id)` and
//! per `(user, id)` in lists of [`Entry`]s:
//!
//! * `frozen(owner, id, now)` = sum of the owner list's active entries;
//! * `usable(user, id, now)` = sum of the user list's active entries;
//! * the owner may move (transfer or burn) at most
//!   `available = balance - frozen` units.
//!
//! The owner list bounds the gas of every transfer and burn check, which
//! reads it whole: it holds at most [`MAX_ACTIVE_RECORDS`] active entries,
//! and only the owner side (the owner and those it approved) can fill it.
//! The user list has **no cap**: anyone holding units can create records
//! *for* any user, so a cap there would let a stranger fill a victim's slots
//! and block the victim's purchases. No transaction reads the user list
//! whole: a record remembers its entry's position ([`RecordData::user_index`]),
//! so creating, extending and deleting touch O(1) words of it; only the
//! `usableBalanceOf` view sums it. Appending reuses up to two expired slots
//! at its end ([`append_index`]), so a user leasing again and again keeps a
//! short list.
//!
//! Expired entries simply stop counting: no transaction is needed for frozen
//! units to become movable again. They are pruned from an owner list
//! whenever the list is written anyway (a new record or a deletion).
//!
//! Invariant kept by the contract: `frozen <= balance` at every `now`,
//! because a record is only created for at most `available` units, a debit
//! is only allowed for at most `available` units, and `frozen` can only
//! decrease as time passes.
//!
//! Extending a record ([`extend`]) keeps the invariant: only an *active*
//! record may be extended, so its units are already counted in `frozen` and
//! stay counted longer; at any later time the active entries are still a
//! subset of those active now, so `frozen` still cannot grow.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// Maximum number of *active* records in one `(owner, id)` list. Bounds the
/// gas of every transfer/burn check (one storage slot per entry). Expired
/// entries are pruned before the cap is checked. (User lists have no cap:
/// see the module docs.)
pub const MAX_ACTIVE_RECORDS: usize = 16;

/// Longest a locked record (a lease operator's paid lease) may reach past
/// the time it is created or extended: 5 × 365 days, the bound the licence
/// market puts on its offers.
pub const MAX_LOCK_DURATION: u64 = 5 * 365 * 86_400;

/// The latest expiry a lock created or extended at `now` may have
/// (saturating at `u64::MAX`).
#[must_use]
pub const fn max_lock_expiry(now: u64) -> u64 {
    now.saturating_add(MAX_LOCK_DURATION)
}

/// Where a new entry goes in a user list of `len` entries whose last ones
/// are `tail` (at most two, in list order): over the expired entries at the
/// very end (at most two of them), else at `len`. The entries written over
/// are dropped from the list; their records find their entry gone when they
/// are deleted (see [`RecordData::user_index`]).
#[must_use]
pub fn append_index(len: usize, tail: &[Entry], now: u64) -> usize {
    let expired_at_end = tail.iter().rev().take_while(|e| !e.is_active(now)).count();
    len.saturating_sub(expired_at_end.min(2).min(len))
}

/// Basis-point denominator of every royalty (10,000 = 100 %).
pub const FEE_DENOMINATOR: u64 = 10_000;

/// One active record as kept in an owner's or user's list (packed into a
/// single storage word, see [`Entry::pack`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The record id.
    pub record_id: u64,
    /// Units frozen (owner list) or usable (user list).
    pub amount: u64,
    /// Last timestamp at which the record is active.
    pub expiry: u64,
}

impl Entry {
    /// Whether the record still counts at `now` (`now <= expiry`).
    #[must_use]
    pub const fn is_active(&self, now: u64) -> bool {
        now <= self.expiry
    }

    /// Packs the entry into one word: bits 0–63 record id, 64–127 amount,
    /// 128–191 expiry.
    #[must_use]
    pub fn pack(&self) -> U256 {
        U256::from_limbs([self.record_id, self.amount, self.expiry, 0])
    }

    /// Inverse of [`Entry::pack`] (bits 192–255 are ignored).
    #[must_use]
    pub const fn unpack(word: U256) -> Self {
        let limbs = word.as_limbs();
        Self {
            record_id: limbs[0],
            amount: limbs[1],
            expiry: limbs[2],
        }
    }
}

/// A user record as stored: three words
/// (`tokenId`; `owner | amount`; `user | locked | expiry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RecordData {
    /// The token id.
    pub token_id: U256,
    /// The owner whose units are frozen (zero = no record).
    pub owner: Address,
    /// Units lent.
    pub amount: u64,
    /// The user.
    pub user: Address,
    /// Last timestamp at which the record is active.
    pub expiry: u64,
    /// Created by a lease operator: the owner side cannot delete it early.
    pub locked: bool,
    /// Position of the record's entry in its user's list. The entry may
    /// have left the list since (an expired entry written over by
    /// [`append_index`]): it is the record's only if the entry at this
    /// position carries the record's id.
    pub user_index: u32,
}

impl RecordData {
    /// The three storage words: bytes 0–19 hold the address, byte 20 the
    /// `locked` flag (third word), bytes 20–23 the user index (second
    /// word), bytes 24–31 the `u64`.
    #[must_use]
    pub fn to_words(&self) -> [B256; 3] {
        let pack = |a: Address, flag: bool, x: u64| {
            let mut w = [0u8; 32];
            w[..20].copy_from_slice(a.as_slice());
            w[20] = u8::from(flag);
            w[24..].copy_from_slice(&x.to_be_bytes());
            B256::from(w)
        };
        [
            B256::from(self.token_id),
            with_user_index(pack(self.owner, false, self.amount), self.user_index),
            pack(self.user, self.locked, self.expiry),
        ]
    }

    /// Inverse of [`RecordData::to_words`].
    #[must_use]
    pub fn from_words(words: [B256; 3]) -> Self {
        let addr = |w: &B256| Address::from_slice(&w[..20]);
        let low = |w: &B256| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&w[24..]);
            u64::from_be_bytes(x)
        };
        Self {
            token_id: U256::from_be_bytes(words[0].0),
            owner: addr(&words[1]),
            amount: low(&words[1]),
            user: addr(&words[2]),
            expiry: low(&words[2]),
            locked: words[2][20] != 0,
            user_index: u32::from_be_bytes([
                words[1][20],
                words[1][21],
                words[1][22],
                words[1][23],
            ]),
        }
    }
}

/// The record's second word `w1` with its user index set to `index`.
#[must_use]
pub fn with_user_index(w1: B256, index: u32) -> B256 {
    let mut w = w1;
    w[20..24].copy_from_slice(&index.to_be_bytes());
    w
}

/// Sum of the amounts of the entries active at `now`.
///
/// Cannot overflow in practice (at most [`MAX_ACTIVE_RECORDS`] `u64`s); the
/// sum saturates rather than wraps if it ever could.
#[must_use]
pub fn active_amount(entries: &[Entry], now: u64) -> U256 {
    entries
        .iter()
        .filter(|e| e.is_active(now))
        .fold(U256::ZERO, |acc, e| {
            acc.saturating_add(U256::from(e.amount))
        })
}

/// Drops the entries that are no longer active at `now`. Returns whether
/// anything was removed.
pub fn prune(entries: &mut Vec<Entry>, now: u64) -> bool {
    let before = entries.len();
    entries.retain(|e| e.is_active(now));
    entries.len() != before
}

/// Removes the entry of `record_id`, if present. Returns whether it was.
pub fn remove(entries: &mut Vec<Entry>, record_id: u64) -> bool {
    match entries.iter().position(|e| e.record_id == record_id) {
        Some(i) => {
            entries.swap_remove(i);
            true
        }
        None => false,
    }
}

/// Sets the expiry of `record_id`'s entry to `expiry` (the caller checked
/// that the record is active and that `expiry` is later). Returns whether
/// the entry was present.
pub fn extend(entries: &mut [Entry], record_id: u64, expiry: u64) -> bool {
    match entries.iter_mut().find(|e| e.record_id == record_id) {
        Some(e) => {
            e.expiry = expiry;
            true
        }
        None => false,
    }
}

/// A list already holds [`MAX_ACTIVE_RECORDS`] active entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListFull;

/// Prunes expired entries, then appends `entry` if the list has room.
///
/// # Errors
/// [`ListFull`] (nothing appended) when [`MAX_ACTIVE_RECORDS`] entries are
/// still active at `now`. Pruning may still have happened.
pub fn insert(entries: &mut Vec<Entry>, entry: Entry, now: u64) -> Result<(), ListFull> {
    prune(entries, now);
    if entries.len() >= MAX_ACTIVE_RECORDS {
        return Err(ListFull);
    }
    entries.push(entry);
    Ok(())
}

/// Units the owner may move: `balance - frozen` (zero if the invariant
/// `frozen <= balance` were ever broken, never a wrap).
#[must_use]
pub fn available(balance: U256, frozen: U256) -> U256 {
    balance.saturating_sub(frozen)
}

/// Sums `values` per distinct id (first-appearance order), so that a batch
/// listing one id several times is checked against its whole debit.
///
/// # Errors
/// `Err(id)` if the sum for `id` overflows `U256` (such a debit can never be
/// covered by a balance). The caller checks array lengths beforehand; extra
/// elements of the longer slice are ignored.
pub fn aggregate(ids: &[U256], values: &[U256]) -> Result<Vec<(U256, U256)>, U256> {
    let mut totals: Vec<(U256, U256)> = Vec::new();
    for (&id, &value) in ids.iter().zip(values) {
        match totals.iter_mut().find(|(i, _)| *i == id) {
            Some((_, total)) => *total = total.checked_add(value).ok_or(id)?,
            None => totals.push((id, value)),
        }
    }
    Ok(totals)
}

/// EIP-2981's `floor(sale_price * bps / FEE_DENOMINATOR)`, with `bps`
/// clamped to `FEE_DENOMINATOR` (so the result is `<= sale_price`); the
/// maths is the suite's one home of it, `stylus_ip_common::math`.
#[must_use]
pub fn royalty_amount(sale_price: U256, bps: u64) -> U256 {
    // bps ≤ 10,000 after the clamp: the amount never exceeds the price, so
    // the shared function never reports an overflow.
    stylus_ip_common::math::royalty_amount(sale_price, bps.min(FEE_DENOMINATOR) as u32)
        .unwrap_or(sale_price)
}

/// How the caller of `createUserRecord` relates to the record's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallerRights {
    /// The caller is the owner.
    pub is_owner: bool,
    /// The caller is an ERC-1155 operator (approved for all) of the owner.
    pub is_approved: bool,
    /// The caller is a lease operator approved by the owner.
    pub is_lease_operator: bool,
}

/// Who may create a record, and whether it is *locked* (created by a lease
/// operator: a paid lease that the owner side cannot cancel before expiry).
///
/// Returns `Some(locked)` when allowed, `None` otherwise. The owner creates
/// unlocked records; a lease operator (that is not the owner) creates locked
/// ones; an approved-for-all operator creates unlocked ones.
#[must_use]
pub const fn create_permission(rights: CallerRights) -> Option<bool> {
    if rights.is_owner {
        Some(false)
    } else if rights.is_lease_operator {
        Some(true)
    } else if rights.is_approved {
        Some(false)
    } else {
        None
    }
}

/// Why a record deletion is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteDenied {
    /// The caller has no rights over the record.
    Unauthorized,
    /// The record is locked and still active; only its user may end it.
    Locked,
}

/// Who may delete a record at `now`.
///
/// * An expired record may be deleted by anyone (pure clean-up).
/// * The record's user may always end it early (renounce).
/// * Otherwise the owner, an approved-for-all operator or a lease operator
///   of the owner may delete it, unless it is locked.
///
/// # Errors
/// [`DeleteDenied`] when the caller may not delete the record.
pub fn delete_permission(
    caller: Address,
    user: Address,
    rights: CallerRights,
    locked: bool,
    expiry: u64,
    now: u64,
) -> Result<(), DeleteDenied> {
    if now > expiry || caller == user {
        return Ok(());
    }
    if !(rights.is_owner || rights.is_approved || rights.is_lease_operator) {
        return Err(DeleteDenied::Unauthorized);
    }
    if locked {
        return Err(DeleteDenied::Locked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::{vec, vec::Vec};

    use alloy_primitives::{Address, U256, U512};
    use proptest::prelude::*;

    use super::*;

    fn e(record_id: u64, amount: u64, expiry: u64) -> Entry {
        Entry {
            record_id,
            amount,
            expiry,
        }
    }

    #[test]
    fn pack_round_trips_and_ignores_high_bits() {
        let x = e(u64::MAX, 7, u64::MAX - 1);
        assert_eq!(Entry::unpack(x.pack()), x);
        let dirty = x.pack() | (U256::from(0xdead_u64) << 200);
        assert_eq!(Entry::unpack(dirty), x);
        assert_eq!(
            e(1, 2, 3).pack(),
            U256::from(1) | (U256::from(2) << 64) | (U256::from(3) << 128)
        );
    }

    #[test]
    fn active_until_and_including_expiry() {
        let x = e(1, 5, 100);
        assert!(x.is_active(99));
        assert!(x.is_active(100));
        assert!(!x.is_active(101));
        assert_eq!(active_amount(&[x, e(2, 3, 200)], 100), U256::from(8));
        assert_eq!(active_amount(&[x, e(2, 3, 200)], 101), U256::from(3));
        assert_eq!(active_amount(&[x, e(2, 3, 200)], 201), U256::ZERO);
    }

    #[test]
    fn active_amount_saturates_instead_of_wrapping() {
        let max = vec![e(1, u64::MAX, 10); 4];
        assert_eq!(active_amount(&max, 0), U256::from(u64::MAX) * U256::from(4));
    }

    #[test]
    fn prune_and_remove() {
        let mut l = vec![e(1, 1, 10), e(2, 1, 20), e(3, 1, 30)];
        assert!(!prune(&mut l, 10));
        assert!(prune(&mut l, 21));
        assert_eq!(l, vec![e(3, 1, 30)]);
        assert!(remove(&mut l, 3));
        assert!(!remove(&mut l, 3));
        assert!(l.is_empty());
    }

    #[test]
    fn extend_sets_the_expiry_of_one_entry() {
        let mut l = vec![e(1, 2, 10), e(2, 3, 20)];
        assert!(extend(&mut l, 2, 50));
        assert_eq!(l, vec![e(1, 2, 10), e(2, 3, 50)]);
        assert!(!extend(&mut l, 3, 60));
        assert_eq!(active_amount(&l, 21), U256::from(3));
        assert_eq!(active_amount(&l, 51), U256::ZERO);
    }

    #[test]
    fn insert_respects_cap_after_pruning() {
        let mut l: Vec<Entry> = (0..MAX_ACTIVE_RECORDS as u64)
            .map(|i| e(i, 1, 100 + i))
            .collect();
        assert_eq!(insert(&mut l, e(99, 1, 500), 50), Err(ListFull));
        assert_eq!(l.len(), MAX_ACTIVE_RECORDS);
        // At 100 the first entry (expiry 100) is still active; at 101 it is not.
        assert_eq!(insert(&mut l, e(99, 1, 500), 100), Err(ListFull));
        assert_eq!(insert(&mut l, e(99, 1, 500), 101), Ok(()));
        assert_eq!(l.len(), MAX_ACTIVE_RECORDS);
        assert_eq!(l.last(), Some(&e(99, 1, 500)));
    }

    #[test]
    fn available_never_wraps() {
        assert_eq!(available(U256::from(10), U256::from(3)), U256::from(7));
        assert_eq!(available(U256::from(3), U256::from(10)), U256::ZERO);
    }

    #[test]
    fn aggregate_merges_duplicate_ids() {
        let ids = [U256::from(1), U256::from(2), U256::from(1)];
        let values = [U256::from(5), U256::from(1), U256::from(6)];
        assert_eq!(
            aggregate(&ids, &values),
            Ok(vec![
                (U256::from(1), U256::from(11)),
                (U256::from(2), U256::from(1))
            ])
        );
        assert_eq!(
            aggregate(&[U256::from(4); 2], &[U256::MAX, U256::from(1)]),
            Err(U256::from(4))
        );
        assert_eq!(aggregate(&[], &[]), Ok(vec![]));
    }

    #[test]
    fn royalty_examples() {
        assert_eq!(royalty_amount(U256::from(10_000), 250), U256::from(250));
        assert_eq!(royalty_amount(U256::from(9_999), 1), U256::ZERO);
        assert_eq!(royalty_amount(U256::MAX, 10_000), U256::MAX);
        assert_eq!(royalty_amount(U256::MAX, 0), U256::ZERO);
        // bps above the denominator are clamped (the contract rejects them earlier).
        assert_eq!(royalty_amount(U256::from(7), 20_000), U256::from(7));
    }

    #[test]
    fn create_permission_table() {
        let r = |is_owner, is_approved, is_lease_operator| CallerRights {
            is_owner,
            is_approved,
            is_lease_operator,
        };
        assert_eq!(create_permission(r(true, false, false)), Some(false));
        assert_eq!(create_permission(r(true, true, true)), Some(false));
        assert_eq!(create_permission(r(false, true, false)), Some(false));
        assert_eq!(create_permission(r(false, false, true)), Some(true));
        assert_eq!(create_permission(r(false, true, true)), Some(true));
        assert_eq!(create_permission(r(false, false, false)), None);
    }

    #[test]
    fn delete_permission_table() {
        let (caller, user) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let none = CallerRights {
            is_owner: false,
            is_approved: false,
            is_lease_operator: false,
        };
        let owner = CallerRights {
            is_owner: true,
            ..none
        };
        let op = CallerRights {
            is_lease_operator: true,
            ..none
        };
        // Expired: anyone.
        assert_eq!(delete_permission(caller, user, none, true, 10, 11), Ok(()));
        // Active: user always, even locked.
        assert_eq!(delete_permission(user, user, none, true, 10, 10), Ok(()));
        // Active, unlocked: owner side.
        assert_eq!(
            delete_permission(caller, user, owner, false, 10, 10),
            Ok(())
        );
        assert_eq!(delete_permission(caller, user, op, false, 10, 5), Ok(()));
        // Active, locked: owner side refused until expiry has passed.
        assert_eq!(
            delete_permission(caller, user, owner, true, 10, 10),
            Err(DeleteDenied::Locked)
        );
        assert_eq!(
            delete_permission(caller, user, op, true, 10, 10),
            Err(DeleteDenied::Locked)
        );
        // Strangers.
        assert_eq!(
            delete_permission(caller, user, none, false, 10, 10),
            Err(DeleteDenied::Unauthorized)
        );
    }

    #[test]
    fn append_reuses_at_most_two_expired_slots_at_the_end() {
        let (on, off) = (e(1, 1, 100), e(2, 1, 5));
        assert_eq!(append_index(0, &[], 10), 0);
        assert_eq!(append_index(5, &[on, on], 10), 5);
        assert_eq!(append_index(5, &[on, off], 10), 4);
        assert_eq!(append_index(5, &[off, off], 10), 3);
        assert_eq!(append_index(5, &[off, on], 10), 5);
        assert_eq!(append_index(1, &[off], 10), 0);
        // Active until and including its expiry.
        assert_eq!(append_index(1, &[off], 5), 1);
    }

    #[test]
    fn lock_horizon_is_five_years() {
        assert_eq!(MAX_LOCK_DURATION, 157_680_000);
        assert_eq!(max_lock_expiry(10), 10 + 157_680_000);
        assert_eq!(max_lock_expiry(u64::MAX - 3), u64::MAX);
    }

    /// One step of the random model.
    #[derive(Clone, Debug)]
    enum Op {
        /// Create a record of `amount` for `user` lasting `duration` seconds.
        Create {
            user: u8,
            amount: u64,
            duration: u64,
        },
        /// Debit (transfer out / burn) `value` units from the owner.
        Debit { value: u64 },
        /// Credit (receive / mint) `value` units to the owner.
        Credit { value: u64 },
        /// Delete the `index`-th known record (if any).
        Delete { index: usize },
        /// Extend the `index`-th known record (if live and active) by `secs`.
        Extend { index: usize, secs: u64 },
        /// Let `secs` seconds pass.
        Wait { secs: u64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..3, 1u64..50, 1u64..100).prop_map(|(user, amount, duration)| Op::Create {
                user,
                amount,
                duration
            }),
            (0u64..80).prop_map(|value| Op::Debit { value }),
            (0u64..40).prop_map(|value| Op::Credit { value }),
            (0usize..8).prop_map(|index| Op::Delete { index }),
            (0usize..8, 1u64..100).prop_map(|(index, secs)| Op::Extend { index, secs }),
            (0u64..60).prop_map(|secs| Op::Wait { secs }),
        ]
    }

    proptest! {
        /// Random records, transfers and times against the owner's and
        /// users' lists, exactly as the contract uses them.
        #[test]
        fn frozen_balance_model(initial in 0u64..200, ops in proptest::collection::vec(op(), 1..60)) {
            let mut now = 1_000u64;
            let mut balance = U256::from(initial);
            let mut owner_list: Vec<Entry> = Vec::new();
            let mut user_lists: Vec<Vec<Entry>> = vec![Vec::new(); 3];
            // Every record ever created: (id, user, amount, expiry, deleted,
            // position in the user list).
            let mut all: Vec<(u64, usize, u64, u64, bool, usize)> = Vec::new();
            let mut next_id = 1u64;
            for op in ops {
                match op {
                    Op::Create { user, amount, duration } => {
                        let frozen = active_amount(&owner_list, now);
                        let free = available(balance, frozen);
                        let entry = Entry { record_id: next_id, amount, expiry: now + duration };
                        let mut o = owner_list.clone();
                        let ok = U256::from(amount) <= free && insert(&mut o, entry, now).is_ok();
                        if ok {
                            owner_list = o;
                            // The user side, as `append_usable` does it: never refused.
                            let u = &mut user_lists[user as usize];
                            let len = u.len();
                            let at = append_index(len, &u[len.saturating_sub(2)..], now);
                            for dropped in &u[at..] {
                                prop_assert!(!dropped.is_active(now), "an active entry was dropped");
                            }
                            u.truncate(at);
                            u.push(entry);
                            all.push((next_id, user as usize, amount, now + duration, false, at));
                            next_id += 1;
                        }
                    }
                    Op::Debit { value } => {
                        let frozen = active_amount(&owner_list, now);
                        let value = U256::from(value);
                        if value <= available(balance, frozen) {
                            balance -= value;
                        } else {
                            // A refused debit never touches frozen units.
                            prop_assert!(value > balance - frozen);
                        }
                    }
                    Op::Credit { value } => balance += U256::from(value),
                    Op::Delete { index } => {
                        if index < all.len() && !all[index].4 {
                            all[index].4 = true;
                            let (id, user, at) = (all[index].0, all[index].1, all[index].5);
                            remove(&mut owner_list, id);
                            // As `edit_entries`: at the record's own position, if
                            // its entry is still there; the last entry moves in.
                            let u = &mut user_lists[user];
                            if at < u.len() && u[at].record_id == id {
                                let moved = u.pop().expect("non-empty");
                                if at < u.len() {
                                    u[at] = moved;
                                    let r = all.iter_mut().find(|r| r.0 == moved.record_id).expect("known");
                                    r.5 = at;
                                }
                            }
                        }
                    }
                    Op::Extend { index, secs } => {
                        if let Some(rec) = all.get_mut(index) {
                            if !rec.4 && now <= rec.3 {
                                let frozen = active_amount(&owner_list, now);
                                rec.3 += secs;
                                prop_assert!(extend(&mut owner_list, rec.0, rec.3));
                                // An active record's entry is where it says.
                                let u = &mut user_lists[rec.1];
                                prop_assert_eq!(u[rec.5].record_id, rec.0);
                                u[rec.5].expiry = rec.3;
                                // Nothing more frozen now: the units already were.
                                prop_assert_eq!(active_amount(&owner_list, now), frozen);
                            }
                        }
                    }
                    Op::Wait { secs } => now += secs,
                }
                let frozen = active_amount(&owner_list, now);
                // usable + frozen = balance for the owner, frozen never exceeds it.
                prop_assert!(frozen <= balance);
                prop_assert_eq!(available(balance, frozen) + frozen, balance);
                prop_assert!(owner_list.len() <= MAX_ACTIVE_RECORDS);
                // Frozen = sum of live, unexpired records; usable per user likewise.
                let live = |u: Option<usize>| all.iter()
                    .filter(|r| !r.4 && now <= r.3 && u.is_none_or(|u| r.1 == u))
                    .fold(U256::ZERO, |a, r| a + U256::from(r.2));
                prop_assert_eq!(frozen, live(None));
                for (u, list) in user_lists.iter().enumerate() {
                    prop_assert_eq!(active_amount(list, now), live(Some(u)));
                }
            }
            // Nothing frozen or usable once every record has expired, with no
            // transaction in between.
            let end = all.iter().map(|r| r.3).max().unwrap_or(now).max(now) + 1;
            prop_assert_eq!(active_amount(&owner_list, end), U256::ZERO);
            for list in &user_lists {
                prop_assert_eq!(active_amount(list, end), U256::ZERO);
            }
            prop_assert_eq!(available(balance, active_amount(&owner_list, end)), balance);
        }

        #[test]
        fn record_words_round_trip(id: [u64; 4], owner: [u8; 20], amount: u64, user: [u8; 20], expiry: u64, locked: bool, user_index: u32, other: u32) {
            let r = RecordData {
                token_id: U256::from_limbs(id), owner: Address::from(owner), amount,
                user: Address::from(user), expiry, locked, user_index,
            };
            let words = r.to_words();
            prop_assert_eq!(RecordData::from_words(words), r);
            // Moving the entry changes only the index.
            let moved = [words[0], with_user_index(words[1], other), words[2]];
            prop_assert_eq!(RecordData::from_words(moved), RecordData { user_index: other, ..r });
        }

        #[test]
        fn pack_round_trip(id: u64, amount: u64, expiry: u64) {
            let x = Entry { record_id: id, amount, expiry };
            prop_assert_eq!(Entry::unpack(x.pack()), x);
        }

        #[test]
        fn royalty_matches_wide_maths(price: [u64; 4], bps in 0u64..=10_000) {
            let price = U256::from_limbs(price);
            let wide = U512::from(price) * U512::from(bps) / U512::from(FEE_DENOMINATOR);
            prop_assert_eq!(U512::from(royalty_amount(price, bps)), wide);
            prop_assert!(royalty_amount(price, bps) <= price);
        }

        #[test]
        fn aggregate_preserves_totals(pairs in proptest::collection::vec((0u8..4, 0u64..1_000), 0..12)) {
            let ids: Vec<U256> = pairs.iter().map(|p| U256::from(p.0)).collect();
            let values: Vec<U256> = pairs.iter().map(|p| U256::from(p.1)).collect();
            let totals = aggregate(&ids, &values).unwrap();
            for (id, total) in &totals {
                let expected = pairs.iter().filter(|p| U256::from(p.0) == *id).fold(U256::ZERO, |a, p| a + U256::from(p.1));
                prop_assert_eq!(*total, expected);
            }
            let distinct = {
                let mut d: Vec<u8> = pairs.iter().map(|p| p.0).collect();
                d.sort_unstable();
                d.dedup();
                d.len()
            };
            prop_assert_eq!(totals.len(), distinct);
        }
    }
}

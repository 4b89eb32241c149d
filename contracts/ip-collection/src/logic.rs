//! Pure logic of the collection, free of storage and host calls so it can be
//! unit- and property-tested without a VM: the packed storage words (token,
//! account, collection, royalty), ERC-721's authorisation and transfer
//! checks, the ERC-4907 lease state machine (with explicit `now`), the
//! royalty maths, token-id formatting and the `ipfs://` URI of a metadata
//! digest ([`ipfs_uri`]).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// Denominator of every royalty fraction: royalties are in basis points.
pub const FEE_DENOMINATOR: u64 = 10_000;

/// Longest a locked lease may reach past the time it is set or renewed:
/// 5 × 365 days, the bound the licence market puts on its offers. A lock
/// binds the token's next owners, so it must end within a known horizon.
pub const MAX_LOCK_DURATION: u64 = 5 * 365 * 86_400;

/// The latest expiry a lock set at `now` may have (saturating at
/// `u64::MAX`).
#[must_use]
pub const fn max_lock_expiry(now: u64) -> u64 {
    now.saturating_add(MAX_LOCK_DURATION)
}

/// A token's ERC-4907 user record: `expires` and `locked` are stored in its
/// [`Token`] word, `user` in a word of its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lease {
    /// The user (zero: none).
    pub user: Address,
    /// Last second (inclusive) at which `user` holds the rights.
    pub expires: u64,
    /// Set by a lease operator (a paid lease): it binds the token's owners
    /// until it expires.
    pub locked: bool,
}

impl Lease {
    /// The user at time `now`: zero once `expires < now`, so a lease lapses
    /// with no transaction (ERC-4907).
    #[must_use]
    pub fn user_at(&self, now: u64) -> Address {
        if self.expires >= now {
            self.user
        } else {
            Address::ZERO
        }
    }

    /// Whether the record is a locked lease still in force at `now`.
    #[must_use]
    pub fn locked_at(&self, now: u64) -> bool {
        self.locked && !self.user_at(now).is_zero()
    }
}

/// Reads the big-endian `u64` at bytes `at..at + 8` of a word.
fn get_u64(w: &B256, at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&w[at..at + 8]);
    u64::from_be_bytes(b)
}

/// Flag bit of [`Token::locked`] in byte 3 of a token word (bit 224).
const TOKEN_LOCKED: u8 = 1;
/// Flag bit of [`Token::has_user`] in byte 3 (bit 225).
const TOKEN_HAS_USER: u8 = 2;
/// Flag bit of [`Token::has_approval`] in byte 3 (bit 226).
const TOKEN_HAS_APPROVAL: u8 = 4;
/// Flag bit of [`Token::has_digest`] in byte 3 (bit 227).
const TOKEN_HAS_DIGEST: u8 = 8;

/// A token's word (`tokens[id]`): its owner and everything a transfer must
/// know about it, so that a transfer of a token without approval or user
/// touches no other per-token slot.
///
/// | bits | bytes (big endian) | field |
/// |---|---|---|
/// | 0..160 | 12..32 | `owner` (zero: the token does not exist) |
/// | 160..224 | 4..12 | `expires` of the ERC-4907 user (0 if none) |
/// | 224 | 3, `0x01` | `locked`: the user was set by a lease operator |
/// | 225 | 3, `0x02` | `has_user`: `users[id]` holds a non-zero user |
/// | 226 | 3, `0x04` | `has_approval`: `approvals[id]` holds a non-zero address |
/// | 227 | 3, `0x08` | `has_digest`: `digests[id]` holds the metadata's sha-256 (the URI is [`ipfs_uri`] of it) |
/// | 228..256 | 0..3 and the rest of 3 | zero |
///
/// The user's address lives in `users[id]`, the approved address in
/// `approvals[id]` and the metadata digest in `digests[id]`, each read only
/// when its flag says it is there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Token {
    /// The owner (zero: nonexistent).
    pub owner: Address,
    /// The ERC-4907 record's `expires` (0 when there is no user).
    pub expires: u64,
    /// The ERC-4907 record is a locked lease.
    pub locked: bool,
    /// `users[id]` is non-zero.
    pub has_user: bool,
    /// `approvals[id]` is non-zero.
    pub has_approval: bool,
    /// `digests[id]` holds the sha-256 of the token's metadata, which gives
    /// its URI (set by a batch mint, cleared by a string URI).
    pub has_digest: bool,
}

impl Token {
    /// The storage word (see the table above).
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[3] = with_flag(0, TOKEN_LOCKED, self.locked)
            | with_flag(0, TOKEN_HAS_USER, self.has_user)
            | with_flag(0, TOKEN_HAS_APPROVAL, self.has_approval)
            | with_flag(0, TOKEN_HAS_DIGEST, self.has_digest);
        w[4..12].copy_from_slice(&self.expires.to_be_bytes());
        w[12..].copy_from_slice(self.owner.as_slice());
        w
    }

    /// Inverse of [`Token::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            owner: Address::from_slice(&w[12..]),
            expires: get_u64(&w, 4),
            locked: w[3] & TOKEN_LOCKED != 0,
            has_user: w[3] & TOKEN_HAS_USER != 0,
            has_approval: w[3] & TOKEN_HAS_APPROVAL != 0,
            has_digest: w[3] & TOKEN_HAS_DIGEST != 0,
        }
    }

    /// The ERC-4907 record, given `user`, the content of `users[id]` (read
    /// only if [`Token::has_user`]; pass zero otherwise).
    #[must_use]
    pub fn lease(&self, user: Address) -> Lease {
        Lease {
            user,
            expires: self.expires,
            locked: self.locked,
        }
    }

    /// The word holding `lease` instead of the current record.
    #[must_use]
    pub fn with_lease(self, lease: Lease) -> Self {
        Self {
            expires: lease.expires,
            locked: lease.locked,
            has_user: !lease.user.is_zero(),
            ..self
        }
    }

    /// [`Lease::locked_at`] without the user's address: a locked record
    /// with a user whose `expires` is not past.
    #[must_use]
    pub fn lock_in_force(&self, now: u64) -> bool {
        self.locked && self.has_user && self.expires >= now
    }

    /// Whether the user's address is needed to judge the record at `now`:
    /// only while a user may still hold rights ([`Lease::user_at`] is zero
    /// once `expires < now`).
    #[must_use]
    pub fn user_in_force(&self, now: u64) -> bool {
        self.has_user && self.expires >= now
    }

    /// [`clears_on_transfer`] from the word alone.
    #[must_use]
    pub fn clears_on_transfer(&self, from: Address, to: Address, now: u64) -> bool {
        from != to && self.has_user && !self.lock_in_force(now)
    }
}

/// Role bit of minters in an account word.
pub const MINTER: u8 = 1;
/// Role bit of metadata updaters in an account word.
pub const METADATA_UPDATER: u8 = 2;

/// An account's word (`accounts[account]`): its ERC-721 balance and its
/// roles, so a minter's role check and its own balance share a slot.
///
/// | bits | bytes (big endian) | field |
/// |---|---|---|
/// | 0..64 | 24..32 | `balance` (tokens are at most `u64::MAX`, so it never overflows) |
/// | 64..72 | 23 | `roles`: [`MINTER`] `0x01`, [`METADATA_UPDATER`] `0x02` |
/// | 72..256 | 0..23 | zero |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Tokens held.
    pub balance: u64,
    /// Role bits.
    pub roles: u8,
}

impl Account {
    /// The storage word (see the table above).
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[23] = self.roles;
        w[24..].copy_from_slice(&self.balance.to_be_bytes());
        w
    }

    /// Inverse of [`Account::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            balance: get_u64(&w, 24),
            roles: w[23],
        }
    }
}

/// Flag bit of the collection word's `paused` in byte 3 (bit 224).
const COLLECTION_PAUSED: u8 = 1;
/// Flag bit of `initialized` in byte 3 (bit 225).
const COLLECTION_INITIALIZED: u8 = 2;

/// The collection word (slot 0): what a mint or a transfer checks, in one
/// slot.
///
/// | bits | bytes (big endian) | field |
/// |---|---|---|
/// | 0..160 | 12..32 | `owner` |
/// | 160..224 | 4..12 | `minted`: tokens minted, also the last id |
/// | 224 | 3, `0x01` | `paused` |
/// | 225 | 3, `0x02` | `initialized` |
/// | 226..256 | 0..3 and the rest of 3 | zero |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Collection {
    /// The collection's owner.
    pub owner: Address,
    /// Tokens minted (ids run from 1 to this).
    pub minted: u64,
    /// Mints and transfers are paused.
    pub paused: bool,
    /// `initialize` or the constructor ran.
    pub initialized: bool,
}

impl Collection {
    /// The storage word (see the table above).
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[3] = with_flag(0, COLLECTION_PAUSED, self.paused)
            | with_flag(0, COLLECTION_INITIALIZED, self.initialized);
        w[4..12].copy_from_slice(&self.minted.to_be_bytes());
        w[12..].copy_from_slice(self.owner.as_slice());
        w
    }

    /// Inverse of [`Collection::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            owner: Address::from_slice(&w[12..]),
            minted: get_u64(&w, 4),
            paused: w[3] & COLLECTION_PAUSED != 0,
            initialized: w[3] & COLLECTION_INITIALIZED != 0,
        }
    }
}

/// Bit of an `operators[owner][operator]` byte: ERC-721 operator of all
/// the owner's tokens (`setApprovalForAll`).
pub const APPROVED_FOR_ALL: u8 = 1;
/// Bit of an `operators[owner][operator]` byte: lease operator.
pub const LEASE_OPERATOR: u8 = 2;

/// `bits` with `flag` set or cleared.
#[must_use]
pub const fn with_flag(bits: u8, flag: u8, on: bool) -> u8 {
    if on {
        bits | flag
    } else {
        bits & !flag
    }
}

/// ERC-721's authorisation (OZ `_isAuthorized`): a non-zero `spender` that
/// is the owner, one of its operators or the token's approved account.
/// `operator` and `approved` read storage, so each is only asked for when
/// everything before it failed (an owner's own transfer reads neither).
#[must_use]
pub fn is_authorized(
    owner: Address,
    spender: Address,
    operator: impl FnOnce() -> bool,
    approved: impl FnOnce() -> Address,
) -> bool {
    !spender.is_zero() && (owner == spender || operator() || approved() == spender)
}

/// Why ERC-721 refuses a `transferFrom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferError {
    /// `to` is zero.
    InvalidReceiver,
    /// The token does not exist.
    Nonexistent,
    /// The caller is not authorised.
    InsufficientApproval,
    /// `from` is not the owner.
    IncorrectOwner,
}

/// ERC-721's checks of `transferFrom(from, to)` on a token owned by `owner`
/// (zero: nonexistent) by a caller who is `authorised` (see
/// [`is_authorized`]), in OpenZeppelin's order: receiver, existence,
/// authorisation, then the owner.
///
/// # Errors
/// The first check that fails.
pub fn check_transfer(
    from: Address,
    to: Address,
    owner: Address,
    authorised: bool,
) -> Result<(), TransferError> {
    if to.is_zero() {
        Err(TransferError::InvalidReceiver)
    } else if owner.is_zero() {
        Err(TransferError::Nonexistent)
    } else if !authorised {
        Err(TransferError::InsufficientApproval)
    } else if owner != from {
        Err(TransferError::IncorrectOwner)
    } else {
        Ok(())
    }
}

/// A royalty: `bps` basis points to `receiver`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Royalty {
    /// Who receives it (zero: no royalty set).
    pub receiver: Address,
    /// Basis points (at most 10,000 when written by the contract).
    pub bps: u16,
}

impl Royalty {
    /// One storage word: `bps` (bytes 10..12, big endian), `receiver`
    /// (bytes 12..32).
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[10..12].copy_from_slice(&self.bps.to_be_bytes());
        w[12..].copy_from_slice(self.receiver.as_slice());
        w
    }

    /// Inverse of [`Royalty::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            receiver: Address::from_slice(&w[12..]),
            bps: u16::from_be_bytes([w[10], w[11]]),
        }
    }
}

/// Who is asking to set a token's user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setter {
    /// The token's owner or an ERC-721-approved account: sets unlocked users.
    Holder,
    /// A lease operator of the owner: sets locked (paid) leases.
    LeaseOperator,
}

/// How `caller` may set the user of a token owned by `owner`, given whether
/// it is a lease operator of `owner` and whether it is ERC-721-authorised
/// (owner, approved or operator). The owner itself always sets unlocked
/// users, even if it approved itself as lease operator: a lock it could set
/// on its own token would survive its sale and bind the buyer (ip-editions
/// likewise makes an owner's records unlocked). `None`: no right at all.
#[must_use]
pub fn setter_of(
    caller: Address,
    owner: Address,
    lease_operator: bool,
    authorised: bool,
) -> Option<Setter> {
    if lease_operator && caller != owner {
        Some(Setter::LeaseOperator)
    } else if authorised || caller == owner {
        Some(Setter::Holder)
    } else {
        None
    }
}

/// Why a `setUser` is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseError {
    /// A non-zero user with `expires < now`.
    ExpiryInPast,
    /// A locked lease is in force and the request is not a renewal of it.
    Locked,
    /// A lock's `expires` is later than [`max_lock_expiry`]`(now)`.
    TooFar,
}

/// The record after `setUser(user, expires)` by `setter` at `now`.
///
/// * A zero `user` clears the record (to [`Lease::default`]).
/// * While a locked lease is in force, the only accepted request is its
///   renewal by a lease operator: same user, `expires` not earlier than the
///   current one. A locked lease is never replaced, cleared or shortened.
/// * Otherwise a non-zero user needs `expires >= now`; the new record is
///   locked iff a lease operator set it, and a lock (new or renewed) ends
///   by [`max_lock_expiry`]`(now)`.
///
/// # Errors
///
/// [`LeaseError::Locked`], [`LeaseError::ExpiryInPast`] or
/// [`LeaseError::TooFar`], as above.
pub fn set_user(
    current: Lease,
    setter: Setter,
    user: Address,
    expires: u64,
    now: u64,
) -> Result<Lease, LeaseError> {
    let operator = setter == Setter::LeaseOperator;
    if current.locked_at(now) && !(operator && user == current.user && expires >= current.expires) {
        return Err(LeaseError::Locked);
    }
    if user.is_zero() {
        return Ok(Lease::default());
    }
    if expires < now {
        return Err(LeaseError::ExpiryInPast);
    }
    if operator && expires > max_lock_expiry(now) {
        return Err(LeaseError::TooFar);
    }
    Ok(Lease {
        user,
        expires,
        locked: operator,
    })
}

/// Whether a transfer `from` → `to` at `now` clears the record: it does when
/// the token changes hands and holds a user that is not a locked lease in
/// force (as in the ERC-4907 reference, which clears on every transfer).
#[must_use]
pub fn clears_on_transfer(current: Lease, from: Address, to: Address, now: u64) -> bool {
    from != to && !current.user.is_zero() && !current.locked_at(now)
}

/// Royalty owed on `sale_price` at `bps` basis points, rounded down:
/// `floor(sale_price * bps / 10_000)`, exact for every `sale_price`
/// (`stylus_ip_common::math`, the suite's one home of the maths).
///
/// Returns `None` if `bps > 10_000` (never stored by the contract).
#[must_use]
pub fn royalty_amount(sale_price: U256, bps: u64) -> Option<U256> {
    if bps > FEE_DENOMINATOR {
        return None;
    }
    // bps ≤ 10,000: the amount never exceeds the price.
    stylus_ip_common::math::royalty_amount(sale_price, bps as u32).ok()
}

/// Verdict on a receiver's reply to `onERC721Received` (`Ok` return data or
/// `Err` revert data), as OZ Solidity's `ERC721Utils` decides it:
///
/// * `Ok(())`: it returned the selector `0x150b7a02` as a clean `bytes4`;
/// * `Err(Some(data))`: it reverted with `data`, to be re-thrown verbatim;
/// * `Err(None)`: anything else (revert without data, another value, or a
///   reply too short or not a clean `bytes4`): an invalid receiver.
///
/// # Errors
/// As above.
pub fn receiver_verdict(reply: Result<Vec<u8>, Vec<u8>>) -> Result<(), Option<Vec<u8>>> {
    match reply {
        Ok(ret)
            if ret.len() >= 32
                && ret[..4] == [0x15, 0x0b, 0x7a, 0x02]
                && ret[4..32].iter().all(|b| *b == 0) =>
        {
            Ok(())
        }
        Err(data) if !data.is_empty() => Err(Some(data)),
        _ => Err(None),
    }
}

/// Decimal ASCII digits of `value` (no leading zeros; `"0"` for zero).
#[must_use]
pub fn decimal(mut value: u64) -> Vec<u8> {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (value % 10) as u8);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    digits.reverse();
    digits
}

/// Static argument `index` of ABI-encoded `args` (calldata after the
/// selector) if present and its top `zero` bytes are zero (12 for an
/// `address`, 20 for a `uint96`): `None` for a short or dirty word, which
/// the contract refuses as stylus-sdk's router does (empty revert data).
#[must_use]
pub fn static_arg(args: &[u8], index: usize, zero: usize) -> Option<B256> {
    let at = index.checked_mul(32)?;
    let word = B256::from_slice(args.get(at..at.checked_add(32)?)?);
    word[..zero].iter().all(|b| *b == 0).then_some(word)
}

/// The content of dynamic argument `index` of `args`: the `count × unit`
/// bytes after the length word its offset points to (`unit` 1 for `bytes`
/// and `string`, 32 for `bytes32[]`). `None` if the offset or length does
/// not fit `usize` or the bytes run past the calldata.
#[must_use]
pub fn dynamic_arg(args: &[u8], index: usize, unit: usize) -> Option<&[u8]> {
    let small = |w: B256| -> Option<usize> { usize::try_from(U256::from_be_bytes(w.0)).ok() };
    let at = small(static_arg(args, index, 0)?)?;
    let count = small(B256::from_slice(args.get(at..at.checked_add(32)?)?))?;
    let start = at.checked_add(32)?;
    args.get(start..start.checked_add(count.checked_mul(unit)?)?)
}

/// The ABI encoding of one `string` (or `bytes`) return value: offset 32,
/// length, the bytes zero-padded to a multiple of 32.
#[must_use]
pub fn encode_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + bytes.len() + 31);
    out.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(bytes.len()).to_be_bytes::<32>());
    out.extend_from_slice(bytes);
    out.resize(out.len() + (32 - bytes.len() % 32) % 32, 0);
    out
}

/// The lower-case RFC 4648 base32 alphabet (multibase prefix `b`).
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// `ipfs://` and the CIDv1 of a file whose sha-256 is `digest`: the bytes
/// `0x01` (CIDv1) `0x55` (raw codec) `0x12 0x20` (sha2-256 multihash, 32
/// bytes) ‖ `digest`, in multibase base32 lower case without padding
/// (prefix `b`): `ipfs://bafkrei…`, 66 ASCII bytes. What
/// `ipfs add --cid-version 1 --raw-leaves` prints for a file of one block.
#[must_use]
pub fn ipfs_uri(digest: &B256) -> Vec<u8> {
    let mut out = Vec::with_capacity(66);
    out.extend_from_slice(b"ipfs://b");
    // Bits not yet written, the last `pending` of `acc` (at most 12).
    let mut acc: u32 = 0;
    let mut pending = 0;
    for byte in [0x01, 0x55, 0x12, 0x20].iter().chain(digest.iter()) {
        acc = (acc << 8 | u32::from(*byte)) & 0xfff;
        pending += 8;
        while pending >= 5 {
            pending -= 5;
            out.push(BASE32[(acc >> pending) as usize & 31]);
        }
    }
    // 36 bytes are 288 bits: 57 symbols and 3 bits, padded with zeros.
    if pending > 0 {
        out.push(BASE32[(acc << (5 - pending)) as usize & 31]);
    }
    out
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use alloy_primitives::U512;
    use proptest::prelude::*;

    use super::*;

    fn addr(b: u8) -> Address {
        Address::repeat_byte(b)
    }

    fn any_lease() -> impl Strategy<Value = Lease> {
        (0u8..3, any::<u64>(), any::<bool>()).prop_map(|(u, expires, locked)| Lease {
            user: if u == 0 { Address::ZERO } else { addr(u) },
            expires,
            locked,
        })
    }

    fn any_u256() -> impl Strategy<Value = U256> {
        any::<[u64; 4]>().prop_map(U256::from_limbs)
    }

    fn any_setter() -> impl Strategy<Value = Setter> {
        prop_oneof![Just(Setter::Holder), Just(Setter::LeaseOperator)]
    }

    #[test]
    fn user_lapses_strictly_after_expires() {
        let l = Lease {
            user: addr(1),
            expires: 100,
            locked: false,
        };
        assert_eq!(l.user_at(99), addr(1));
        assert_eq!(l.user_at(100), addr(1));
        assert_eq!(l.user_at(101), Address::ZERO);
        assert!(!l.locked_at(100));
        let locked = Lease { locked: true, ..l };
        assert!(locked.locked_at(100));
        assert!(!locked.locked_at(101));
    }

    #[test]
    fn holder_sets_unlocked_operator_sets_locked() {
        let l = set_user(Lease::default(), Setter::Holder, addr(1), 10, 5).unwrap();
        assert_eq!(
            l,
            Lease {
                user: addr(1),
                expires: 10,
                locked: false
            }
        );
        let l = set_user(l, Setter::LeaseOperator, addr(2), 20, 5).unwrap();
        assert_eq!(
            l,
            Lease {
                user: addr(2),
                expires: 20,
                locked: true
            }
        );
    }

    #[test]
    fn expiry_exactly_now_is_accepted_and_earlier_refused() {
        assert!(set_user(Lease::default(), Setter::Holder, addr(1), 5, 5).is_ok());
        assert_eq!(
            set_user(Lease::default(), Setter::Holder, addr(1), 4, 5),
            Err(LeaseError::ExpiryInPast)
        );
        // Clearing ignores `expires`.
        assert_eq!(
            set_user(Lease::default(), Setter::Holder, Address::ZERO, 0, 5),
            Ok(Lease::default())
        );
    }

    #[test]
    fn locked_lease_refuses_holder_and_shortening() {
        let l = Lease {
            user: addr(1),
            expires: 10,
            locked: true,
        };
        for (setter, user, exp) in [
            (Setter::Holder, addr(1), 20),
            (Setter::Holder, Address::ZERO, 0),
            (Setter::LeaseOperator, addr(2), 20),
            (Setter::LeaseOperator, addr(1), 9),
            (Setter::LeaseOperator, Address::ZERO, 0),
        ] {
            assert_eq!(set_user(l, setter, user, exp, 10), Err(LeaseError::Locked));
        }
        assert_eq!(
            set_user(l, Setter::LeaseOperator, addr(1), 30, 10),
            Ok(Lease {
                user: addr(1),
                expires: 30,
                locked: true
            })
        );
        // Expired: anyone authorised may replace it.
        assert_eq!(
            set_user(l, Setter::Holder, addr(2), 30, 11),
            Ok(Lease {
                user: addr(2),
                expires: 30,
                locked: false
            })
        );
    }

    #[test]
    fn l1_owner_never_sets_a_lock_on_its_own_token() {
        let (owner, op, other) = (addr(0xa), addr(0xc), addr(0xd));
        // The owner approved itself as lease operator: still a holder.
        assert_eq!(setter_of(owner, owner, true, true), Some(Setter::Holder));
        assert_eq!(setter_of(owner, owner, false, true), Some(Setter::Holder));
        assert_eq!(
            setter_of(op, owner, true, false),
            Some(Setter::LeaseOperator)
        );
        assert_eq!(
            setter_of(op, owner, true, true),
            Some(Setter::LeaseOperator)
        );
        assert_eq!(setter_of(other, owner, false, true), Some(Setter::Holder));
        assert_eq!(setter_of(other, owner, false, false), None);
        // Its "forever" user is unlocked, so the sale clears it.
        let l = set_user(Lease::default(), Setter::Holder, addr(1), u64::MAX, 5).unwrap();
        assert!(!l.locked);
        assert!(clears_on_transfer(l, owner, other, 6));
    }

    #[test]
    fn l1_locks_end_within_five_years() {
        assert_eq!(MAX_LOCK_DURATION, 157_680_000);
        let now = 1_000;
        let max = max_lock_expiry(now);
        assert_eq!(max, now + 157_680_000);
        let op = Setter::LeaseOperator;
        assert!(set_user(Lease::default(), op, addr(1), max, now).is_ok());
        assert_eq!(
            set_user(Lease::default(), op, addr(1), max + 1, now),
            Err(LeaseError::TooFar)
        );
        assert_eq!(
            set_user(Lease::default(), op, addr(1), u64::MAX, now),
            Err(LeaseError::TooFar)
        );
        // A renewal is bounded from the time it is made.
        let l = set_user(Lease::default(), op, addr(1), max, now).unwrap();
        assert_eq!(
            set_user(l, op, addr(1), max + 1, now),
            Err(LeaseError::TooFar)
        );
        assert!(set_user(l, op, addr(1), max + 1, now + 1).is_ok());
        // Unlocked users are not bounded (a sale clears them).
        assert!(set_user(Lease::default(), Setter::Holder, addr(1), u64::MAX, now).is_ok());
        assert_eq!(max_lock_expiry(u64::MAX - 1), u64::MAX);
    }

    #[test]
    fn transfer_clearing() {
        let (a, b) = (addr(0xa), addr(0xb));
        let unlocked = Lease {
            user: addr(1),
            expires: 10,
            locked: false,
        };
        let locked = Lease {
            locked: true,
            ..unlocked
        };
        assert!(clears_on_transfer(unlocked, a, b, 5));
        assert!(!clears_on_transfer(unlocked, a, a, 5));
        assert!(!clears_on_transfer(locked, a, b, 10));
        assert!(clears_on_transfer(locked, a, b, 11));
        assert!(!clears_on_transfer(Lease::default(), a, b, 5));
    }

    #[test]
    fn royalty_examples() {
        let r = |p: u64, bps: u64| royalty_amount(U256::from(p), bps);
        assert_eq!(r(1_000, 500), Some(U256::from(50)));
        assert_eq!(r(9_999, 1), Some(U256::ZERO));
        assert_eq!(r(10_000, 10_000), Some(U256::from(10_000)));
        assert_eq!(royalty_amount(U256::MAX, 10_000), Some(U256::MAX));
        assert_eq!(royalty_amount(U256::MAX, 0), Some(U256::ZERO));
        assert_eq!(royalty_amount(U256::from(1), 10_001), None);
    }

    #[test]
    fn receiver_verdicts() {
        let mut word = vec![0u8; 32];
        word[..4].copy_from_slice(&[0x15, 0x0b, 0x7a, 0x02]);
        assert_eq!(receiver_verdict(Ok(word.clone())), Ok(()));
        // Longer return data is fine, as in Solidity's decoder.
        let mut longer = word.clone();
        longer.extend_from_slice(&[0u8; 32]);
        assert_eq!(receiver_verdict(Ok(longer)), Ok(()));
        // Another selector, dirty low bytes, short or empty returns.
        let mut other = word.clone();
        other[0] = 0;
        assert_eq!(receiver_verdict(Ok(other)), Err(None));
        let mut dirty = word.clone();
        dirty[31] = 1;
        assert_eq!(receiver_verdict(Ok(dirty)), Err(None));
        assert_eq!(receiver_verdict(Ok(word[..4].to_vec())), Err(None));
        assert_eq!(receiver_verdict(Ok(Vec::new())), Err(None));
        // Reverts: without data it is an invalid receiver, with data it bubbles.
        assert_eq!(receiver_verdict(Err(Vec::new())), Err(None));
        assert_eq!(
            receiver_verdict(Err(vec![1, 2, 3])),
            Err(Some(vec![1, 2, 3]))
        );
    }

    #[test]
    fn decimal_examples() {
        assert_eq!(decimal(0), b"0");
        assert_eq!(decimal(1), b"1");
        assert_eq!(decimal(10_000_000_000), b"10000000000");
        assert_eq!(decimal(u64::MAX), u64::MAX.to_string().as_bytes());
    }

    /// `ipfs_uri` of the sha-256 `hex`, as a string.
    fn uri_of(hex: &str) -> alloc::string::String {
        let digest: B256 = hex.parse().expect("a 32-byte hex digest");
        alloc::string::String::from_utf8(ipfs_uri(&digest)).expect("ASCII")
    }

    #[test]
    fn ipfs_uris_are_the_cids_ipfs_prints() {
        // `sha256sum` of the files of examples/studio, and their CIDs in its
        // README (computed there by the deploy library, as `ipfs add
        // --cid-version 1 --raw-leaves` prints them).
        let cases = [
            (
                "2547a087ce026bcf43a0a7646395f75c52068aff8ee0d90e940b21b75fa627ef",
                "bafkreibfi6qiptqcnphuhifhmrrzl524kidiv74o4dmq5faleg3v7jrh54",
            ),
            (
                "d7901f6ee3b2d127fcb069f0e065bb5050451be4bff1b7717f4d953cce9aeb1d",
                "bafkreigxsapw5y5s2et7zmdj6dqglo2qkbcrxzf76g3xc72nsu6m5gxldu",
            ),
            (
                "387aeee56a4fed01147304e7aa7f04ef60d0a6da9baae3669dc22c30c60a940b",
                "bafkreibyplxok2sp5uari4ye46vh6bhpmdiknwu3vlrwnhocfqymmcuubm",
            ),
            // The empty file.
            (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            ),
        ];
        for (sha256, cid) in cases {
            assert_eq!(uri_of(sha256), alloc::format!("ipfs://{cid}"));
        }
    }

    #[test]
    fn words_have_the_documented_layout() {
        let owner = Address::repeat_byte(0xab);
        let t = Token {
            owner,
            expires: 0x0102_0304_0506_0708,
            locked: true,
            has_user: true,
            has_approval: true,
            has_digest: true,
        };
        let mut w = [0u8; 32];
        w[3] = 0x0f;
        w[4..12].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        w[12..].copy_from_slice(owner.as_slice());
        assert_eq!(t.pack(), B256::from(w));
        // A fresh mint's word is the owner alone (as OZ's `_owners` slot).
        assert_eq!(
            Token {
                owner,
                ..Token::default()
            }
            .pack(),
            owner.into_word()
        );
        let a = Account {
            balance: 0x0a0b,
            roles: MINTER | METADATA_UPDATER,
        };
        assert_eq!(
            U256::from_be_bytes(a.pack().0),
            U256::from(0x03_0000_0000_0000_0a0bu128)
        );
        let c = Collection {
            owner,
            minted: 5,
            paused: true,
            initialized: true,
        };
        let mut w = [0u8; 32];
        w[3] = 0x03;
        w[11] = 5;
        w[12..].copy_from_slice(owner.as_slice());
        assert_eq!(c.pack(), B256::from(w));
    }

    #[test]
    fn transfer_checks_in_openzeppelins_order() {
        let (a, b, z) = (addr(1), addr(2), Address::ZERO);
        // Receiver first, even for a nonexistent token and no rights.
        assert_eq!(
            check_transfer(a, z, z, false),
            Err(TransferError::InvalidReceiver)
        );
        assert_eq!(
            check_transfer(a, b, z, false),
            Err(TransferError::Nonexistent)
        );
        assert_eq!(
            check_transfer(b, b, a, false),
            Err(TransferError::InsufficientApproval)
        );
        assert_eq!(
            check_transfer(b, b, a, true),
            Err(TransferError::IncorrectOwner)
        );
        assert_eq!(check_transfer(a, b, a, true), Ok(()));
        assert_eq!(check_transfer(a, a, a, true), Ok(()));
    }

    #[test]
    fn authorisation_reads_storage_only_when_needed() {
        let (owner, op, other) = (addr(1), addr(2), addr(3));
        let never = || -> Address { panic!("approval read needlessly") };
        let no_operator = || -> bool { panic!("operator read needlessly") };
        assert!(is_authorized(owner, owner, no_operator, never));
        assert!(is_authorized(owner, op, || true, never));
        assert!(!is_authorized(owner, Address::ZERO, no_operator, never));
        assert!(is_authorized(owner, other, || false, || other));
        assert!(!is_authorized(owner, other, || false, || op));
        // The zero address is never authorised, even where it "matches".
        let zero = Address::ZERO;
        assert!(!is_authorized(zero, zero, no_operator, || zero));
    }

    proptest! {
        #[test]
        fn token_words_round_trip_and_agree_with_lease_rules(
            owner in any::<[u8; 20]>(), l in any_lease(), has_approval in any::<bool>(),
            has_digest in any::<bool>(), from in 1u8..3, to in 1u8..3, now in any::<u64>(),
        ) {
            let t = Token { owner: Address::from(owner), ..Token::default() }.with_lease(l);
            let t = Token { has_approval, has_digest, ..t };
            prop_assert_eq!(Token::unpack(t.pack()), t);
            prop_assert_eq!(t.has_user, !l.user.is_zero());
            // The record as stored: a zero user always comes with the
            // default record (`set_user` returns it), so the word's flags
            // say all the rules need.
            let stored = if l.user.is_zero() { Lease::default() } else { l };
            let t = t.with_lease(stored);
            prop_assert_eq!(t.lease(stored.user), stored);
            prop_assert_eq!(t.lock_in_force(now), stored.locked_at(now));
            prop_assert_eq!(t.user_in_force(now), !stored.user_at(now).is_zero());
            let (from, to) = (addr(from), addr(to));
            prop_assert_eq!(
                t.clears_on_transfer(from, to, now),
                clears_on_transfer(stored, from, to, now)
            );
        }

        #[test]
        fn account_and_collection_words_round_trip(
            balance in any::<u64>(), roles in any::<u8>(), owner in any::<[u8; 20]>(),
            minted in any::<u64>(), paused in any::<bool>(), initialized in any::<bool>(),
        ) {
            let a = Account { balance, roles };
            prop_assert_eq!(Account::unpack(a.pack()), a);
            let c = Collection { owner: Address::from(owner), minted, paused, initialized };
            prop_assert_eq!(Collection::unpack(c.pack()), c);
        }

        #[test]
        fn flags_set_and_clear_one_bit(bits in any::<u8>(), flag in 0u32..8, on in any::<bool>()) {
            let flag = 1u8 << flag;
            let out = with_flag(bits, flag, on);
            prop_assert_eq!(out & flag != 0, on);
            prop_assert_eq!(out & !flag, bits & !flag);
        }
    }

    proptest! {
        #[test]
        fn user_at_matches_definition(l in any_lease(), now in any::<u64>()) {
            let expected = if l.expires >= now { l.user } else { Address::ZERO };
            prop_assert_eq!(l.user_at(now), expected);
            prop_assert_eq!(l.locked_at(now), l.locked && !expected.is_zero());
        }

        #[test]
        fn locked_lease_in_force_is_never_replaced_or_shortened(
            l in any_lease(), s in any_setter(), user in 0u8..3, exp in any::<u64>(), now in any::<u64>()
        ) {
            let user = if user == 0 { Address::ZERO } else { addr(user) };
            if l.locked_at(now) {
                match set_user(l, s, user, exp, now) {
                    Ok(n) => {
                        prop_assert_eq!(s, Setter::LeaseOperator);
                        prop_assert_eq!(n.user, l.user);
                        prop_assert!(n.expires >= l.expires);
                        prop_assert!(n.locked);
                    }
                    Err(LeaseError::TooFar) => {
                        prop_assert_eq!(s, Setter::LeaseOperator);
                        prop_assert!(exp > max_lock_expiry(now));
                    }
                    Err(e) => prop_assert_eq!(e, LeaseError::Locked),
                }
            }
        }

        #[test]
        fn set_user_result_is_consistent(
            l in any_lease(), s in any_setter(), user in 0u8..3, exp in any::<u64>(), now in any::<u64>()
        ) {
            let user = if user == 0 { Address::ZERO } else { addr(user) };
            match set_user(l, s, user, exp, now) {
                Ok(n) if user.is_zero() => prop_assert_eq!(n, Lease::default()),
                Ok(n) => {
                    prop_assert_eq!(n, Lease { user, expires: exp, locked: s == Setter::LeaseOperator });
                    prop_assert_eq!(n.user_at(now), user);
                }
                Err(LeaseError::ExpiryInPast) => {
                    prop_assert!(!user.is_zero() && exp < now && !l.locked_at(now));
                }
                Err(LeaseError::Locked) => prop_assert!(l.locked_at(now)),
                Err(LeaseError::TooFar) => {
                    prop_assert!(s == Setter::LeaseOperator && exp > max_lock_expiry(now));
                }
            }
            // Not locked in force: the only refusals are a past expiry and
            // a lock past the horizon.
            let too_far = s == Setter::LeaseOperator && exp > max_lock_expiry(now);
            if !l.locked_at(now) && (user.is_zero() || (exp >= now && !too_far)) {
                prop_assert!(set_user(l, s, user, exp, now).is_ok());
            }
        }

        /// L-1, owner self-lock: whatever the owner sets on its own token
        /// (even approved as its own lease operator) is cleared by a sale,
        /// and every lock that survives one ends within the horizon.
        #[test]
        fn after_a_sale_the_buyer_holds_full_use_rights_except_bounded_locks(
            l in any_lease(), caller in 1u8..4, self_approved in any::<bool>(),
            authorised in any::<bool>(), user in 1u8..3, exp in any::<u64>(), now in any::<u64>(),
        ) {
            let (owner, buyer) = (addr(0xa), addr(0xb));
            let caller = if caller == 3 { owner } else { addr(caller) };
            let Some(setter) = setter_of(caller, owner, self_approved, authorised) else {
                prop_assert!(caller != owner && !self_approved && !authorised);
                return Ok(());
            };
            if caller == owner {
                prop_assert_eq!(setter, Setter::Holder);
            }
            if let Ok(n) = set_user(l, setter, addr(user), exp, now) {
                if n.locked {
                    prop_assert_eq!(setter, Setter::LeaseOperator);
                    prop_assert!(caller != owner);
                    prop_assert!(n.expires <= max_lock_expiry(now));
                }
                let survives = !clears_on_transfer(n, owner, buyer, now) && !n.user.is_zero();
                if survives {
                    prop_assert!(n.locked_at(now));
                    prop_assert!(n.expires <= max_lock_expiry(now));
                }
            }
        }

        #[test]
        fn transfer_keeps_exactly_locked_leases_in_force(
            l in any_lease(), from in 1u8..3, to in 1u8..3, now in any::<u64>()
        ) {
            let (from, to) = (addr(from), addr(to));
            let clears = clears_on_transfer(l, from, to, now);
            if l.locked_at(now) || from == to || l.user.is_zero() {
                prop_assert!(!clears);
            } else {
                prop_assert!(clears);
            }
        }

        #[test]
        fn ipfs_uri_is_the_bitwise_base32_of_the_cid(digest in any::<[u8; 32]>()) {
            // Reference: the CID's 288 bits, most significant first, cut
            // into 5-bit symbols (the last one zero-padded).
            let mut cid = vec![0x01, 0x55, 0x12, 0x20];
            cid.extend_from_slice(&digest);
            let bits: Vec<u8> = cid
                .iter()
                .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
                .collect();
            let mut expected = b"ipfs://b".to_vec();
            for chunk in bits.chunks(5) {
                let v = chunk
                    .iter()
                    .chain(core::iter::repeat(&0))
                    .take(5)
                    .fold(0usize, |v, bit| v << 1 | usize::from(*bit));
                expected.push(b"abcdefghijklmnopqrstuvwxyz234567"[v]);
            }
            let uri = ipfs_uri(&B256::from(digest));
            prop_assert_eq!(uri.len(), 66);
            prop_assert_eq!(uri, expected);
        }

        #[test]
        fn hand_abi_coding_agrees_with_alloy(
            text in proptest::collection::vec(any::<u8>(), 0..100),
            words in proptest::collection::vec(any::<[u8; 32]>(), 0..5),
            owner in any::<[u8; 20]>(),
        ) {
            use alloy_sol_types::SolValue;
            let text = alloy_primitives::Bytes::from(text);
            prop_assert_eq!(encode_string(&text), (text.clone(),).abi_encode_params());
            let words: Vec<B256> = words.into_iter().map(B256::from).collect();
            let owner = Address::from(owner);
            let args = (owner, text.clone(), words.clone()).abi_encode_params();
            prop_assert_eq!(static_arg(&args, 0, 12), Some(owner.into_word()));
            prop_assert_eq!(dynamic_arg(&args, 1, 1), Some(&text[..]));
            let flat: Vec<u8> = words.iter().flat_map(|w| w.0).collect();
            prop_assert_eq!(dynamic_arg(&args, 2, 32), Some(&flat[..]));
            // Past the last argument, or a word too dirty for its type.
            prop_assert_eq!(static_arg(&args[..96], 3, 0), None);
            let word1 = static_arg(&args, 1, 0).map(|w| U256::from_be_bytes(w.0));
            prop_assert_eq!(word1, Some(U256::from(96)));
            prop_assert_eq!(static_arg(&args, 1, 32).is_some(), false);
        }

        #[test]
        fn royalty_packing_round_trips(user in any::<[u8; 20]>(), bps in any::<u16>()) {
            let r = Royalty { receiver: Address::from(user), bps };
            prop_assert_eq!(Royalty::unpack(r.pack()), r);
            prop_assert_eq!(Royalty::unpack(B256::ZERO), Royalty::default());
        }

        #[test]
        fn royalty_matches_wide_maths(price in any_u256(), bps in 0u64..=FEE_DENOMINATOR) {
            let wide = U512::from(price) * U512::from(bps) / U512::from(FEE_DENOMINATOR);
            let got = royalty_amount(price, bps);
            prop_assert_eq!(got.map(U512::from), Some(wide));
            prop_assert!(got.unwrap() <= price);
        }

        #[test]
        fn decimal_matches_to_string(v in any::<u64>()) {
            prop_assert_eq!(decimal(v), v.to_string().into_bytes());
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/ip-editions: OpenZeppelin ERC1155 + Supply +
// ERC2981 + Ownable + Pausable, editions with max supply, and a twin of
// ip-editions' ERC-5006 record path.
//
// Twinned from contracts/ip-editions (src/lib.rs, src/logic.rs, src/store.rs),
// same storage layout and algorithm, checks in the same order, same events
// and custom errors:
// * a record is three words at `records[recordId]`: the token id; owner
//   (bits 96-255) | user index (bits 64-95) | amount (bits 0-63); user
//   (bits 96-255) | locked flag (bits 88-95) | expiry (bits 0-63)
//   (`RecordData::to_words`); ids come from a `uint64` counter in its own
//   slot (`last_record_id`), the first id is 1;
// * per-(side, account), per-id lists of packed entries (record id bits
//   0-63, amount 64-127, expiry 128-191; `Entry::pack`) in
//   `lists[side byte | account][id]`, a Solidity dynamic array as
//   ip-editions' `Words`: the owner's FROZEN list (at most 16 active entries,
//   read whole, expired entries pruned in order and the list rewritten as a
//   diff against what was read: `logic::insert`, `read_list`/`write_list`)
//   and the user's USABLE list (no cap, O(1) append over up to two expired
//   entries at its end, `append_usable`; the record keeps its entry's
//   position), so `usableBalanceOf` answers ERC-5006 for the user;
// * a record is active while `now <= expiry`; `createUserRecord` checks the
//   pause, the caller's rights (owner, approved for all or lease operator,
//   all three read as ip-editions' `rights` does; a lease operator's record
//   is locked), user, amount, expiry, the lock bound (now + 5 x 365 days),
//   the unfrozen balance, the record counter and the owner list's cap;
//   `deleteUserRecord` and `extendUserRecord` edit both lists
//   (`edit_entries`, the user list by swap-remove at the record's position);
// * transfers and mints are stopped by the pause, and a debit (repeated ids
//   summed) cannot touch frozen units (`check_debit`: the FROZEN list read,
//   the balance only when something is frozen).
//
// One layout difference: the pause flag is OpenZeppelin Pausable's, packed
// by Solidity into Ownable's owner slot (ip-editions keeps it beside the
// pending owner), so the owner-only mint reads it warm; the record path and
// transfers read it cold, as ip-editions does.
//
// Not ported: ip-editions' roles (minting here is the owner's), two-step
// ownership, initializer/clone path, URIs and ERC-4906/7572 metadata, burns,
// and its hand-written ERC-1155 core (OpenZeppelin's is used, so its
// approval and receiver checks run before the pause and frozen checks and
// ERC1155Supply keeps an all-ids total).

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

contract BaselineIp1155 is ERC1155Supply, ERC2981, Ownable, Pausable {
    /// ERC-5006's record, as `userRecordOf` returns it.
    struct UserRecord {
        uint256 tokenId;
        address owner;
        uint64 amount;
        address user;
        uint64 expiry;
    }

    /// A stored record: the three words of ip-editions' `RecordData`.
    struct Record {
        uint256 w0;
        uint256 w1;
        uint256 w2;
    }

    /// A record unpacked (ip-editions' `RecordData`).
    struct RecordData {
        uint256 tokenId;
        address owner;
        uint64 amount;
        address user;
        uint64 expiry;
        bool locked;
        uint32 userIndex;
    }

    event CreateUserRecord(uint256 recordId, uint256 tokenId, uint64 amount, address owner, address user, uint64 expiry);
    event DeleteUserRecord(uint256 recordId);
    event UserRecordExtended(uint256 indexed recordId, uint64 expiry);
    event LeaseOperatorSet(address indexed owner, address indexed operator, bool approved);

    error MaxSupplyExceeded(uint256 id);
    error EditionsInvalidRecordUser(address user);
    error EditionsInvalidRecordAmount();
    error EditionsInvalidRecordExpiry(uint64 expiry, uint64 timestamp);
    error EditionsNonexistentRecord(uint256 recordId);
    error EditionsTooManyRecords(address account, uint256 tokenId);
    error EditionsInsufficientUnfrozenBalance(address owner, uint256 tokenId, uint256 available, uint256 needed);
    error EditionsLockedRecord(uint256 recordId, uint64 expiry);
    error EditionsExpiredRecord(uint256 recordId, uint64 expiry);
    error EditionsNotLeaseOperator(address operator, address owner);
    error EditionsInvalidRecordExtension(uint256 recordId, uint64 expiry, uint64 newExpiry);
    error EditionsLockExpiryTooFar(uint64 expiry, uint64 maxExpiry);

    /// Maximum active entries of an owner's list (`logic::MAX_ACTIVE_RECORDS`).
    uint256 public constant MAX_ACTIVE_RECORDS = 16;
    /// Longest a locked record may reach past now (`logic::MAX_LOCK_DURATION`).
    uint64 public constant MAX_LOCK_DURATION = 5 * 365 * 86_400;
    uint8 private constant FROZEN = 1;
    uint8 private constant USABLE = 2;

    uint256 private _nextId = 1;
    mapping(uint256 => uint256) public maxSupply;
    mapping(uint256 => Record) private _records;
    uint64 private _lastRecordId;
    /// `side byte | account => id => packed entries`.
    mapping(bytes32 => mapping(uint256 => uint256[])) private _lists;
    mapping(address => mapping(address => bool)) private _leaseOperators;

    constructor(address owner_, address receiver, uint96 bps) ERC1155("ipfs://{id}") Ownable(owner_) {
        _setDefaultRoyalty(receiver, bps);
    }

    function createId(uint256 max, address receiver, uint96 bps) external onlyOwner returns (uint256 id) {
        id = _nextId++;
        maxSupply[id] = max;
        if (receiver != address(0)) _setTokenRoyalty(id, receiver, bps);
    }

    function mint(address to, uint256 id, uint256 amount, bytes calldata data) external onlyOwner {
        uint256 max = maxSupply[id];
        if (max != 0 && totalSupply(id) + amount > max) revert MaxSupplyExceeded(id);
        _mint(to, id, amount, data);
    }

    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    function setLeaseOperator(address operator, bool approved) external {
        if (operator == address(0)) revert ERC1155InvalidOperator(operator);
        _leaseOperators[msg.sender][operator] = approved;
        emit LeaseOperatorSet(msg.sender, operator, approved);
    }

    function isLeaseOperator(address owner, address operator) public view returns (bool) {
        return _leaseOperators[owner][operator];
    }

    function createUserRecord(address owner, address user, uint256 tokenId, uint64 amount, uint64 expiry)
        external
        whenNotPaused
        returns (uint256)
    {
        bool locked = _createPermission(owner);
        if (user == address(0)) revert EditionsInvalidRecordUser(user);
        if (amount == 0) revert EditionsInvalidRecordAmount();
        uint64 now_ = uint64(block.timestamp);
        if (expiry <= now_) revert EditionsInvalidRecordExpiry(expiry, now_);
        if (locked) _checkLockExpiry(expiry, now_);
        uint64 recordId = _freeze(owner, tokenId, amount, expiry, now_);
        uint32 userIndex = _appendUsable(user, tokenId, _pack(recordId, amount, expiry), now_);
        _lastRecordId = recordId;
        Record storage r = _records[recordId];
        r.w0 = tokenId;
        r.w1 = _word(owner, false, amount, userIndex);
        r.w2 = _word(user, locked, expiry, 0);
        emit CreateUserRecord(recordId, tokenId, amount, owner, user, expiry);
        return recordId;
    }

    function deleteUserRecord(uint256 recordId) external {
        RecordData memory r = _record(recordId);
        address caller = msg.sender;
        uint64 now_ = uint64(block.timestamp);
        (bool isOwner, bool isApproved, bool isLease) = _rights(caller, r.owner);
        if (!(now_ > r.expiry || caller == r.user)) {
            if (!(isOwner || isApproved || isLease)) revert ERC1155MissingApprovalForAll(caller, r.owner);
            if (r.locked) revert EditionsLockedRecord(recordId, r.expiry);
        }
        _editEntries(uint64(recordId), r, now_, false, 0);
        delete _records[recordId];
        emit DeleteUserRecord(recordId);
    }

    function extendUserRecord(uint256 recordId, uint64 expiry) external whenNotPaused {
        RecordData memory r = _record(recordId);
        address caller = msg.sender;
        if (!isLeaseOperator(r.owner, caller)) revert EditionsNotLeaseOperator(caller, r.owner);
        uint64 now_ = uint64(block.timestamp);
        if (now_ > r.expiry) revert EditionsExpiredRecord(recordId, r.expiry);
        if (expiry <= r.expiry) revert EditionsInvalidRecordExtension(recordId, r.expiry, expiry);
        _checkLockExpiry(expiry, now_);
        _editEntries(uint64(recordId), r, now_, true, expiry);
        _records[recordId].w2 = _word(r.user, r.locked, expiry, 0);
        emit UserRecordExtended(recordId, expiry);
    }

    function usableBalanceOf(address account, uint256 tokenId) external view returns (uint256) {
        return _activeAmount(_list(USABLE, account, tokenId), block.timestamp);
    }

    function frozenBalanceOf(address account, uint256 tokenId) external view returns (uint256) {
        return _activeAmount(_list(FROZEN, account, tokenId), block.timestamp);
    }

    function userRecordOf(uint256 recordId) external view returns (UserRecord memory) {
        RecordData memory r = _record(recordId);
        return UserRecord(r.tokenId, r.owner, r.amount, r.user, r.expiry);
    }

    function isRecordLocked(uint256 recordId) external view returns (bool) {
        RecordData memory r = _unpack(_records[recordId]);
        return r.owner != address(0) && r.locked;
    }

    function supportsInterface(bytes4 id) public view override(ERC1155, ERC2981) returns (bool) {
        return id == 0xc26d96cc || super.supportsInterface(id);
    }

    /// Pause, then (debits only) ip-editions' `check_debit` frozen check.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values)
        internal
        override
        whenNotPaused
    {
        if (from != address(0)) _checkUnfrozen(from, ids, values);
        super._update(from, to, ids, values);
    }

    /// Per distinct id (first-appearance order, repeated ids summed): the
    /// debit must leave the frozen units; the balance is read only when
    /// something is frozen (OpenZeppelin checks the balance itself).
    function _checkUnfrozen(address from, uint256[] memory ids, uint256[] memory values) private view {
        uint256 n = ids.length;
        uint256 now_ = block.timestamp;
        for (uint256 i; i < n; ++i) {
            uint256 id = ids[i];
            bool seen;
            for (uint256 j; j < i; ++j) {
                if (ids[j] == id) {
                    seen = true;
                    break;
                }
            }
            if (seen) continue;
            uint256 total = values[i];
            for (uint256 j = i + 1; j < n; ++j) {
                if (ids[j] == id) {
                    if (values[j] > type(uint256).max - total) {
                        revert ERC1155InsufficientBalance(from, balanceOf(from, id), type(uint256).max, id);
                    }
                    total += values[j];
                }
            }
            uint256 frozen = _activeAmount(_list(FROZEN, from, id), now_);
            if (frozen == 0) continue;
            uint256 available = _available(balanceOf(from, id), frozen);
            if (total > available) revert EditionsInsufficientUnfrozenBalance(from, id, available, total);
        }
    }

    /// ip-editions' `logic::create_permission`: whether the caller's record
    /// is locked (a lease operator's that is not the owner); reverts if the
    /// caller has no rights.
    function _createPermission(address owner) private view returns (bool locked) {
        (bool isOwner, bool isApproved, bool isLease) = _rights(msg.sender, owner);
        if (!isOwner && !isLease && !isApproved) revert ERC1155MissingApprovalForAll(msg.sender, owner);
        locked = !isOwner && isLease;
    }

    /// The owner side of `createUserRecord`: reads the owner's FROZEN list,
    /// checks the unfrozen balance, takes the next record id and inserts
    /// the entry (pruned, capped), writing the list as a diff. Returns the
    /// record id (the counter is written by the caller, after the user list).
    function _freeze(address owner, uint256 tokenId, uint64 amount, uint64 expiry, uint64 now_)
        private
        returns (uint64 recordId)
    {
        uint256[] storage ownerList = _list(FROZEN, owner, tokenId);
        uint256[] memory old = ownerList;
        uint256 available = _available(balanceOf(owner, tokenId), _activeAmount(old, now_));
        if (amount > available) revert EditionsInsufficientUnfrozenBalance(owner, tokenId, available, amount);
        uint64 last = _lastRecordId;
        // 2^64 records cannot be reached; refuse rather than wrap.
        if (last == type(uint64).max) revert EditionsTooManyRecords(owner, tokenId);
        recordId = last + 1;
        (uint256[] memory next, bool full) = _insert(old, _pack(recordId, amount, expiry), now_);
        if (full) revert EditionsTooManyRecords(owner, tokenId);
        _writeList(ownerList, old, next);
    }

    /// ip-editions' `rights`: all three relations are read.
    function _rights(address caller, address owner)
        private
        view
        returns (bool isOwner, bool isApproved, bool isLease)
    {
        isOwner = caller == owner;
        isApproved = isApprovedForAll(owner, caller);
        isLease = isLeaseOperator(owner, caller);
    }

    function _checkLockExpiry(uint64 expiry, uint64 now_) private pure {
        uint64 max = now_ > type(uint64).max - MAX_LOCK_DURATION ? type(uint64).max : now_ + MAX_LOCK_DURATION;
        if (expiry > max) revert EditionsLockExpiryTooFar(expiry, max);
    }

    function _record(uint256 recordId) private view returns (RecordData memory r) {
        r = _unpack(_records[recordId]);
        if (r.owner == address(0)) revert EditionsNonexistentRecord(recordId);
    }

    /// Rewrites record `id`'s entries (ip-editions' `edit_entries`): the
    /// owner list whole (extended or removed, then pruned), the user list at
    /// the record's position only (swap-remove on deletion).
    function _editEntries(uint64 id, RecordData memory r, uint64 now_, bool extend, uint64 expiry) private {
        uint256[] storage ownerList = _list(FROZEN, r.owner, r.tokenId);
        uint256[] memory old = ownerList;
        uint256[] memory next = new uint256[](old.length);
        uint256 n = old.length;
        for (uint256 i; i < n; ++i) next[i] = old[i];
        for (uint256 i; i < n; ++i) {
            if (uint64(next[i]) == id) {
                if (extend) {
                    next[i] = _pack(id, uint64(next[i] >> 64), expiry);
                } else {
                    next[i] = next[n - 1];
                    --n;
                }
                break;
            }
        }
        uint256 kept;
        for (uint256 i; i < n; ++i) {
            if (_isActive(next[i], now_)) next[kept++] = next[i];
        }
        assembly ("memory-safe") {
            mstore(next, kept)
        }
        _writeList(ownerList, old, next);

        uint256[] storage userList = _list(USABLE, r.user, r.tokenId);
        uint256 len = userList.length;
        uint256 pos = r.userIndex;
        // The entry may have been written over since (see `_appendUsable`).
        if (pos >= len || uint64(userList[pos]) != id) return;
        uint256 word;
        if (extend) {
            word = _pack(id, r.amount, expiry);
        } else {
            uint256 last = len - 1;
            uint256 moved = userList[last];
            _setWord(userList, last, 0);
            _setLength(userList, last);
            if (pos == last) return;
            Record storage m = _records[uint64(moved)];
            m.w1 = (m.w1 & ~(uint256(type(uint32).max) << 64)) | (pos << 64);
            word = moved;
        }
        _setWord(userList, pos, word);
    }

    /// ip-editions' `append_usable`: over the expired entries among the
    /// last two (read both), else at the end; returns the position.
    function _appendUsable(address user, uint256 tokenId, uint256 entry, uint64 now_) private returns (uint32) {
        uint256[] storage list = _list(USABLE, user, tokenId);
        uint256 len = list.length;
        uint256 start = len < 2 ? 0 : len - 2;
        uint256[] memory tail = new uint256[](len - start);
        for (uint256 i = start; i < len; ++i) tail[i - start] = list[i];
        uint256 expiredAtEnd;
        for (uint256 k = tail.length; k > 0; --k) {
            if (_isActive(tail[k - 1], now_)) break;
            ++expiredAtEnd;
        }
        uint256 pos = len - expiredAtEnd;
        _setWord(list, pos, entry);
        for (uint256 i = pos + 1; i < len; ++i) _setWord(list, i, 0);
        if (pos + 1 != len) _setLength(list, pos + 1);
        return pos > type(uint32).max ? type(uint32).max : uint32(pos);
    }

    /// ip-editions' `logic::insert`: prunes expired entries (order kept),
    /// then appends `entry` unless 16 are still active (`full`).
    function _insert(uint256[] memory entries, uint256 entry, uint64 now_)
        private
        pure
        returns (uint256[] memory out, bool full)
    {
        out = new uint256[](entries.length + 1);
        uint256 n;
        for (uint256 i; i < entries.length; ++i) {
            if (_isActive(entries[i], now_)) out[n++] = entries[i];
        }
        if (n >= MAX_ACTIVE_RECORDS) return (out, true);
        out[n++] = entry;
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    /// ip-editions' `Words::write`: only changed words are written, freed
    /// ones zeroed, the length only if it changed.
    function _writeList(uint256[] storage list, uint256[] memory old, uint256[] memory next) private {
        for (uint256 i; i < next.length; ++i) {
            if (i >= old.length || old[i] != next[i]) _setWord(list, i, next[i]);
        }
        for (uint256 i = next.length; i < old.length; ++i) _setWord(list, i, 0);
        if (old.length != next.length) _setLength(list, next.length);
    }

    function _list(uint8 side, address account, uint256 tokenId) private view returns (uint256[] storage) {
        return _lists[bytes32(uint256(uint160(account)) | (uint256(side) << 248))][tokenId];
    }

    /// Word `i` of a list, written without a length check (`Words::set`).
    function _setWord(uint256[] storage list, uint256 i, uint256 word) private {
        assembly ("memory-safe") {
            mstore(0, list.slot)
            sstore(add(keccak256(0, 0x20), i), word)
        }
    }

    function _setLength(uint256[] storage list, uint256 len) private {
        assembly ("memory-safe") {
            sstore(list.slot, len)
        }
    }

    function _activeAmount(uint256[] memory entries, uint256 now_) private pure returns (uint256 sum) {
        for (uint256 i; i < entries.length; ++i) {
            if (_isActive(entries[i], now_)) sum += uint64(entries[i] >> 64);
        }
    }

    function _available(uint256 balance, uint256 frozen) private pure returns (uint256) {
        return balance > frozen ? balance - frozen : 0;
    }

    function _isActive(uint256 entry, uint256 now_) private pure returns (bool) {
        return now_ <= uint64(entry >> 128);
    }

    function _pack(uint64 recordId, uint64 amount, uint64 expiry) private pure returns (uint256) {
        return uint256(recordId) | (uint256(amount) << 64) | (uint256(expiry) << 128);
    }

    /// Address in bits 96-255, flag in bits 88-95, index in bits 64-95 (the
    /// flag and the index never share a word), `u64` in bits 0-63.
    function _word(address a, bool flag, uint64 x, uint32 index) private pure returns (uint256) {
        return (uint256(uint160(a)) << 96) | (flag ? uint256(1) << 88 : 0) | (uint256(index) << 64) | x;
    }

    function _unpack(Record storage s) private view returns (RecordData memory r) {
        uint256 w1 = s.w1;
        uint256 w2 = s.w2;
        r.tokenId = s.w0;
        r.owner = address(uint160(w1 >> 96));
        r.amount = uint64(w1);
        r.userIndex = uint32(w1 >> 64);
        r.user = address(uint160(w2 >> 96));
        r.expiry = uint64(w2);
        r.locked = uint8(w2 >> 88) != 0;
    }
}

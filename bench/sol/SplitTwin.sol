// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity twin of contracts/splits and contracts/split-factory, written
// for this bench: the same storage words, checks (in the same order),
// arithmetic and events on the paths the gas rows measure, so the splits
// rows compare the two languages rather than two designs. Deployed as the
// suite deploys split wallets: a CREATE2 clone of the suite's receiving
// minimal proxy (ReceivingProxy.sol), initialised by the factory in the
// same transaction; plain ETH sent to a split costs the proxy's 15 gas on
// both sides and every other call pays the same delegation. The external
// signatures of the functions ported are those of abi/Split.json and
// abi/SplitFactory.json.
//
// Ported from splits (lib.rs, logic.rs) and split-factory (lib.rs):
// * the storage layout, slot for slot: slot 0 packs the controller, the
//   current epoch (uint32) and the initialised flag; slot 1 the pending
//   controller; `epochs[epoch]` the allocation set's head and count (one
//   word); `entries[epoch][recipient]` the next recipient, the allocation
//   and the dust flag (one word: a sorted linked list); `tokens[token]`
//   `epochPlusOne` packed with the 224-bit total paid, then `base`;
//   `offsets[token][recipient]` the signed offset (int256);
// * `initialize`: the once-only check, `validate_split` (lengths, count
//   1..=500, zero recipient, ascending order, zero allocation, sum of 1e6,
//   dust recipient among the recipients, each with its error), the epoch-0
//   write, the controller and flag word, ControlTransferred (non-zero
//   controller) and SplitUpdated;
// * `withdraw(recipient, tokens)` for ETH: the initialised check, the
//   position (followed epoch, allocation, received = balance + paid, base,
//   share = floor((received − base) · allocation / 1e6) computed as
//   q·a + r·a / 1e6, offset, claimable floored at zero), the offset and
//   token words written before the transfer, the transfer of all the gas,
//   Withdrawal, SplitNothingToWithdraw when no token paid anything;
//   `claimable`, `totalReceived`, `totalWithdrawn`, `getSplit`;
// * the factory: the implementation in storage, the same validation before
//   anything else, the salt committing to every parameter
//   (keccak256(abi.encode(recipients, allocations, controller,
//   dustRecipient, salt))), the predicted address computed before the
//   CREATE2, the initialize call with its failure mapped to
//   SplitFactoryInitializationFailed, SplitCreated; `predictAddress`.
//
// Not ported (no measured row touches them): `updateSplit` and new epochs,
// `settle` / settle_token, the control transfer calls, `dust`, and ERC-20
// tokens (balanceOf / transfer): `withdraw`, `claimable` and
// `totalReceived` revert with SplitTwinTokenNotPorted for a non-zero token.
// A token's followed epoch is still read from `epochPlusOne` as the splits
// contract does. Solidity's checked arithmetic reverts with a panic where
// the split returns SplitArithmeticOverflow on an unreachable u224 / int256
// bound; the explicit int256 bounds are kept.

import {ReceivingProxy} from "./ReceivingProxy.sol";

uint32 constant PERCENTAGE_SCALE = 1_000_000;
uint256 constant MAX_RECIPIENTS = 500;

error InvalidInitialization();
error SplitNotInitialized();
error SplitInvalidRecipientCount(uint256 count, uint256 max);
error SplitLengthMismatch(uint256 recipients, uint256 allocations);
error SplitZeroAddressRecipient();
error SplitRecipientsNotSorted(uint256 index);
error SplitZeroAllocation(uint256 index);
error SplitInvalidAllocationSum(uint256 sum);
error SplitInvalidDustRecipient(address dustRecipient);
error SplitNothingToWithdraw(address recipient);
error SplitEthTransferFailed(address recipient, uint256 amount);
error SplitArithmeticOverflow();
/// The twin has no ERC-20 path (see the header).
error SplitTwinTokenNotPorted(address token);

/// splits' `logic::validate_split`, same checks in the same order.
function validateSplit(address[] calldata recipients, uint32[] calldata allocations, address dustRecipient)
    pure
{
    if (recipients.length != allocations.length) {
        revert SplitLengthMismatch(recipients.length, allocations.length);
    }
    if (recipients.length == 0 || recipients.length > MAX_RECIPIENTS) {
        revert SplitInvalidRecipientCount(recipients.length, MAX_RECIPIENTS);
    }
    uint256 sum;
    bool dustFound;
    for (uint256 i; i < recipients.length; ++i) {
        address r = recipients[i];
        if (r == address(0)) revert SplitZeroAddressRecipient();
        if (i > 0 && r <= recipients[i - 1]) revert SplitRecipientsNotSorted(i);
        uint32 a = allocations[i];
        if (a == 0) revert SplitZeroAllocation(i);
        sum += a;
        if (r == dustRecipient) dustFound = true;
    }
    if (sum != PERCENTAGE_SCALE) revert SplitInvalidAllocationSum(sum);
    if (!dustFound) revert SplitInvalidDustRecipient(dustRecipient);
}

contract SplitTwin {
    struct SplitView {
        address[] recipients;
        uint32[] allocations;
        address dustRecipient;
    }

    struct Entry {
        address next;
        uint32 allocation;
        bool dust;
    }

    struct EpochInfo {
        address head;
        uint16 count;
    }

    struct TokenState {
        uint32 epochPlusOne;
        uint224 paid;
        uint256 base;
    }

    event SplitUpdated(uint32 indexed epoch, address[] recipients, uint32[] allocations, address dustRecipient);
    event Withdrawal(address indexed recipient, address indexed token, uint256 amount);
    event ControlTransferred(address indexed previousController, address indexed newController);

    // Slot 0 (packed), as in the splits contract.
    address internal controller;
    uint32 internal epoch;
    bool internal initialized;
    // Slot 1.
    address internal pendingController;
    // Slots 2-5.
    mapping(uint32 => EpochInfo) internal epochs;
    mapping(uint32 => mapping(address => Entry)) internal entries;
    mapping(address => TokenState) internal tokens;
    mapping(address => mapping(address => int256)) internal offsets;

    function initialize(
        address[] calldata recipients,
        uint32[] calldata allocations,
        address controller_,
        address dustRecipient
    ) external {
        if (initialized) revert InvalidInitialization();
        validateSplit(recipients, allocations, dustRecipient);
        writeEpoch(0, recipients, allocations, dustRecipient);
        controller = controller_;
        initialized = true;
        if (controller_ != address(0)) emit ControlTransferred(address(0), controller_);
        emit SplitUpdated(0, recipients, allocations, dustRecipient);
    }

    /// Writes allocation set `e` (already validated): one word per
    /// recipient, then the head word.
    function writeEpoch(uint32 e, address[] calldata recipients, uint32[] calldata allocations, address dustRecipient)
        internal
    {
        mapping(address => Entry) storage set = entries[e];
        uint256 n = recipients.length;
        for (uint256 i; i < n; ++i) {
            address r = recipients[i];
            address next = i + 1 < n ? recipients[i + 1] : address(0);
            set[r] = Entry({next: next, allocation: allocations[i], dust: r == dustRecipient});
        }
        // At most MAX_RECIPIENTS: fits in uint16.
        epochs[e] = EpochInfo({head: recipients[0], count: uint16(n)});
    }

    receive() external payable {}

    function requireInitialized() internal view {
        if (!initialized) revert SplitNotInitialized();
    }

    /// logic::followed_epoch.
    function tokenEpochOf(address token) internal view returns (uint32) {
        uint32 p = tokens[token].epochPlusOne;
        return p == 0 ? 0 : p - 1;
    }

    function received(address token) internal view returns (uint256) {
        if (token != address(0)) revert SplitTwinTokenNotPorted(token);
        return address(this).balance + tokens[token].paid;
    }

    /// logic::share: floor(amount * allocation / 1e6) without overflow.
    function share(uint256 amount, uint32 allocation) internal pure returns (uint256) {
        uint256 q = amount / PERCENTAGE_SCALE;
        uint256 r = amount % PERCENTAGE_SCALE;
        return q * allocation + r * allocation / PERCENTAGE_SCALE;
    }

    function toSigned(uint256 v) internal pure returns (int256) {
        if (v > uint256(type(int256).max)) revert SplitArithmeticOverflow();
        return int256(v);
    }

    /// (offset, claimable) of `recipient` in `token` now.
    function position(address recipient, address token) internal view returns (int256 offset, uint256 amount) {
        uint32 e = tokenEpochOf(token);
        uint32 allocation = entries[e][recipient].allocation;
        uint256 rec = received(token);
        uint256 base = tokens[token].base;
        uint256 s = share(rec > base ? rec - base : 0, allocation);
        offset = offsets[token][recipient];
        int256 c = toSigned(s) - offset;
        amount = c < 0 ? 0 : uint256(c);
    }

    function withdraw(address recipient, address[] calldata tokenList) external {
        requireInitialized();
        bool any;
        for (uint256 i; i < tokenList.length; ++i) {
            address token = tokenList[i];
            (int256 offset, uint256 amount) = position(recipient, token);
            if (amount == 0) continue;
            any = true;
            // Effects.
            uint32 epochPlusOne = tokenEpochOf(token) + 1;
            int256 newOffset = offset + toSigned(amount);
            uint256 paid = uint256(tokens[token].paid) + amount;
            if (paid > type(uint224).max) revert SplitArithmeticOverflow();
            offsets[token][recipient] = newOffset;
            TokenState storage state = tokens[token];
            state.paid = uint224(paid);
            state.epochPlusOne = epochPlusOne;
            // Interaction (ETH only: `position` reverted for any token).
            (bool ok,) = recipient.call{value: amount}("");
            if (!ok) revert SplitEthTransferFailed(recipient, amount);
            emit Withdrawal(recipient, token, amount);
        }
        if (!any) revert SplitNothingToWithdraw(recipient);
    }

    function claimable(address recipient, address token) external view returns (uint256 amount) {
        (, amount) = position(recipient, token);
    }

    function totalReceived(address token) external view returns (uint256) {
        return received(token);
    }

    function totalWithdrawn(address token) external view returns (uint256) {
        return tokens[token].paid;
    }

    function getSplit() external view returns (SplitView memory view_) {
        uint32 e = epoch;
        uint16 n = epochs[e].count;
        view_.recipients = new address[](n);
        view_.allocations = new uint32[](n);
        address cur = epochs[e].head;
        for (uint256 i; cur != address(0); ++i) {
            Entry storage entry = entries[e][cur];
            view_.recipients[i] = cur;
            view_.allocations[i] = entry.allocation;
            if (entry.dust) view_.dustRecipient = cur;
            cur = entry.next;
        }
    }
}

contract SplitFactoryTwin {
    error SplitFactoryInvalidImplementation(address implementation);
    error SplitFactoryDeployFailed(address predicted);
    error SplitFactoryInitializationFailed(address split);

    event SplitCreated(address indexed split, address indexed creator, address indexed controller, bytes32 salt);

    address internal implementationAddress;

    constructor(address implementation_) {
        if (implementation_ == address(0)) revert SplitFactoryInvalidImplementation(implementation_);
        implementationAddress = implementation_;
    }

    function saltAndAddress(
        address[] calldata recipients,
        uint32[] calldata allocations,
        address controller_,
        address dustRecipient,
        bytes32 salt
    ) internal view returns (bytes32 full, address predicted) {
        full = keccak256(abi.encode(recipients, allocations, controller_, dustRecipient, salt));
        predicted = ReceivingProxy.predict(address(this), implementationAddress, full);
    }

    function createSplit(
        address[] calldata recipients,
        uint32[] calldata allocations,
        address controller_,
        address dustRecipient,
        bytes32 salt
    ) external returns (address split) {
        address impl = implementationAddress;
        if (impl == address(0)) revert SplitFactoryInvalidImplementation(impl);
        validateSplit(recipients, allocations, dustRecipient);
        (bytes32 full, address predicted) = saltAndAddress(recipients, allocations, controller_, dustRecipient, salt);
        bytes memory code = ReceivingProxy.initCode(impl);
        assembly ("memory-safe") {
            split := create2(0, add(code, 32), mload(code), full)
        }
        if (split == address(0)) revert SplitFactoryDeployFailed(predicted);
        (bool ok,) =
            split.call(abi.encodeCall(SplitTwin.initialize, (recipients, allocations, controller_, dustRecipient)));
        if (!ok) revert SplitFactoryInitializationFailed(split);
        emit SplitCreated(split, msg.sender, controller_, salt);
    }

    function predictAddress(
        address[] calldata recipients,
        uint32[] calldata allocations,
        address controller_,
        address dustRecipient,
        bytes32 salt
    ) external view returns (address predicted) {
        (, predicted) = saltAndAddress(recipients, allocations, controller_, dustRecipient, salt);
    }

    function implementation() external view returns (address) {
        return implementationAddress;
    }
}

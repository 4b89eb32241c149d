// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity twin of contracts/share-offering's sale path, for ETH payments:
// one singleton for every vault; a seller escrows an offering's shares at
// creation (pulled with transferFrom, checked by the balance difference),
// buyers pay a fixed price per whole share (cost rounded up) and receive
// the shares in the same transaction, with an optional per-buyer cap, a
// deadline and a minimum raise; payments stay escrowed for the payee (or
// for refunds of a failed raise). Same checks, events and storage layout as
// the Stylus contract (vault|deadline, seller, payment token, payee, price,
// cap, shares|minRaise, sold|raised, paidOut|refundedAmount,
// refundedShares|sharesWithdrawn; a buyer's shares|paid and refunded flag),
// with a transient re-entrancy guard where the Stylus SDK has its own.
// Only the measured path is ported: createOffering (ETH) and buy; refunds,
// withdrawals and ERC-20 payments are not.

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

contract OfferingBaseline is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint64 public constant REFUND_WINDOW = 30 days;
    uint64 public constant MAX_OFFERING_DURATION = 365 days;

    struct Offering {
        address vault;
        uint64 deadline;
        address seller;
        address paymentToken;
        address payee;
        uint256 price;
        uint256 perBuyerCap;
        uint128 shares;
        uint128 minRaise;
        uint128 sold;
        uint128 raised;
        uint128 paidOut;
        uint128 refundedAmount;
        uint128 refundedShares;
        uint128 sharesWithdrawn;
    }

    struct Purchase {
        uint128 shares;
        uint128 paid;
        bool refunded;
    }

    error OfferingUnknown(uint256 id);
    error OfferingZeroShares();
    error OfferingZeroPrice();
    error OfferingTooLarge(uint256 shares, uint256 price);
    error OfferingInvalidDeadline(uint64 deadline, uint64 now, uint64 latest);
    error OfferingTokenNotAllowed(address vault, address token);
    error OfferingMinRaiseAboveCost(uint256 minRaise, uint256 cost);
    error OfferingInvalidPayee(address payee);
    error OfferingNotOpen(uint256 id, uint8 state);
    error OfferingInsufficientShares(uint256 id, uint256 available, uint256 requested);
    error OfferingCapExceeded(uint256 id, uint256 cap, uint256 total);
    error OfferingWrongValue(uint256 expected, uint256 value);
    error OfferingTransferAmountMismatch(address token, uint256 expected, uint256 received);

    event OfferingCreated(
        uint256 indexed id,
        address indexed vault,
        address indexed seller,
        uint256 shares,
        uint256 price,
        address paymentToken,
        uint256 perBuyerCap,
        uint64 deadline,
        uint256 minRaise,
        address payee
    );
    event SharesPurchased(uint256 indexed id, address indexed buyer, uint256 shares, uint256 cost);

    uint256 public offeringCount;
    mapping(uint256 => Offering) private _offerings;
    mapping(uint256 => mapping(address => Purchase)) private _purchases;

    function createOffering(
        address vault,
        uint256 shares,
        uint256 price,
        address paymentToken,
        uint256 perBuyerCap,
        uint64 deadline,
        uint256 minRaise,
        address payee
    ) external nonReentrant returns (uint256 id) {
        if (shares == 0) revert OfferingZeroShares();
        if (price == 0) revert OfferingZeroPrice();
        {
            uint256 cost = Math.mulDiv(shares, price, 1e18, Math.Rounding.Ceil);
            if (cost + shares > type(uint128).max) revert OfferingTooLarge(shares, price);
            uint64 latest = uint64(block.timestamp) + MAX_OFFERING_DURATION;
            if (deadline <= block.timestamp || deadline > latest) {
                revert OfferingInvalidDeadline(deadline, uint64(block.timestamp), latest);
            }
            if (paymentToken != address(0)) revert OfferingTokenNotAllowed(vault, paymentToken);
            if (minRaise > cost) revert OfferingMinRaiseAboveCost(minRaise, cost);
            if (payee == address(0)) revert OfferingInvalidPayee(payee);
        }
        id = ++offeringCount;
        Offering storage o = _offerings[id];
        o.vault = vault;
        o.deadline = deadline;
        o.seller = msg.sender;
        o.payee = payee;
        o.price = price;
        o.perBuyerCap = perBuyerCap;
        o.shares = uint128(shares);
        o.minRaise = uint128(minRaise);
        emit OfferingCreated(id, vault, msg.sender, shares, price, paymentToken, perBuyerCap, deadline, minRaise, payee);
        _pull(vault, shares);
    }

    /// Pulls exactly `shares` of `vault` from the caller.
    function _pull(address vault, uint256 shares) private {
        uint256 before = IERC20(vault).balanceOf(address(this));
        IERC20(vault).safeTransferFrom(msg.sender, address(this), shares);
        uint256 received = IERC20(vault).balanceOf(address(this)) - before;
        if (received != shares) revert OfferingTransferAmountMismatch(vault, shares, received);
    }

    /// Buys `shares` of offering `id` for exactly their cost in ETH.
    function buy(uint256 id, uint256 shares) external payable nonReentrant returns (uint256 cost) {
        Offering storage o = _offerings[id];
        address vault = o.vault;
        if (vault == address(0)) revert OfferingUnknown(id);
        uint256 total = o.shares;
        uint256 sold = o.sold;
        if (block.timestamp > o.deadline || sold >= total) revert OfferingNotOpen(id, _closedPhase(o));
        if (shares == 0) revert OfferingZeroShares();
        if (shares > total - sold) revert OfferingInsufficientShares(id, total - sold, shares);
        Purchase storage p = _purchases[id][msg.sender];
        uint256 bought = p.shares;
        uint256 cap = o.perBuyerCap;
        if (cap != 0 && bought + shares > cap) revert OfferingCapExceeded(id, cap, bought + shares);
        cost = Math.mulDiv(shares, o.price, 1e18, Math.Rounding.Ceil);
        uint256 expected = o.paymentToken == address(0) ? cost : 0;
        if (msg.value != expected) revert OfferingWrongValue(expected, msg.value);
        o.sold = (sold + shares).toUint128();
        o.raised = (o.raised + cost).toUint128();
        p.shares = (bought + shares).toUint128();
        p.paid = (p.paid + cost).toUint128();
        emit SharesPurchased(id, msg.sender, shares, cost);
        IERC20(vault).safeTransfer(msg.sender, shares);
    }

    /// The phase of a closed offering: 2 succeeded, 3 refunding, 4 failed.
    function _closedPhase(Offering storage o) private view returns (uint8) {
        if (o.raised >= o.minRaise) return 2;
        return block.timestamp <= o.deadline + REFUND_WINDOW ? 3 : 4;
    }
}

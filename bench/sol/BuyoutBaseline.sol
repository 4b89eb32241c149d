// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity twin of contracts/share-buyout (Tessera-style optimistic buyout,
// one singleton for every vault whose `buyout()` it is): a proposer deposits
// shares into the pool and ETH for the others, which fixes the price
// (value / (supply - deposited), a rational: payouts round down, charges
// up); holders sell into the pool for 2 days and buy from it for 4; from
// then anyone ends it: success iff the pool holds more than half of the
// supply (pool * 1000 >= 501 * supply), then the vault releases the asset
// to the proposer and the ETH held becomes the cash-out reserve of the
// shares outside the pool; on failure the pool goes back to the proposer and
// the ETH is credited to it. Same checks, events and record as the Stylus
// contract (four words per vault: proposer|start|state|released,
// price num|den, held|outstanding, cash num|den; credits per account), with
// a transient re-entrancy guard where the Stylus SDK has its own. Not
// ported: claimAsset (a release retried later) and the buyoutOf view.

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

interface IBuyoutVault {
    function buyout() external view returns (address);
    function status() external view returns (uint8);
    function releaseAsset(address to) external;
}

contract BuyoutBaseline is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint64 public constant PROPOSAL_PERIOD = 2 days;
    uint64 public constant REJECTION_PERIOD = 4 days;
    uint8 private constant ACTIVE = 1;
    uint8 private constant SUCCEEDED = 2;
    uint8 private constant FAILED = 3;
    uint8 private constant VAULT_ACTIVE = 2;
    uint256 private constant MAX_SUPPLY = 1 << 96;

    struct Buyout {
        address proposer;
        uint64 start;
        uint8 state;
        bool released;
        uint128 priceNum;
        uint128 priceDen;
        uint128 held;
        uint128 outstanding;
        uint128 cashNum;
        uint128 cashDen;
    }

    error BuyoutUnsupportedVault(address vault, address buyout);
    error BuyoutVaultNotActive(address vault, uint8 status);
    error BuyoutAlreadyActive(address vault, uint64 rejectionEnd);
    error BuyoutAlreadySucceeded(address vault);
    error BuyoutNotActive(address vault, uint8 state);
    error BuyoutNotSucceeded(address vault, uint8 state);
    error BuyoutProposalPeriodOver(uint64 time, uint64 proposalEnd);
    error BuyoutRejectionPeriodOver(uint64 time, uint64 rejectionEnd);
    error BuyoutRejectionPeriodOpen(uint64 time, uint64 rejectionEnd);
    error BuyoutInvalidShares(uint256 shares, uint256 totalSupply);
    error BuyoutInvalidValue(uint256 value);
    error BuyoutZeroAmount();
    error BuyoutWrongValue(uint256 value, uint256 expected);
    error BuyoutSharesNotReceived(address vault, uint256 expected, uint256 received);
    error BuyoutCashExceedsOutstanding(uint256 amount, uint256 outstanding);
    error BuyoutEthTransferFailed(address to, uint256 amount);
    error BuyoutNothingToWithdraw(address account);
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);

    event BuyoutStarted(
        address indexed vault,
        address indexed proposer,
        uint256 shares,
        uint256 priceNumerator,
        uint256 priceDenominator,
        uint64 proposalEnd,
        uint64 rejectionEnd
    );
    event SharesSold(address indexed vault, address indexed seller, uint256 amount, uint256 value);
    event SharesBought(address indexed vault, address indexed buyer, uint256 amount, uint256 value);
    event BuyoutEnded(
        address indexed vault,
        address indexed proposer,
        bool success,
        uint256 poolShares,
        uint256 totalSupply,
        uint256 eth,
        bool assetReleased
    );
    event Cashed(address indexed vault, address indexed holder, uint256 amount, uint256 value);
    event Credited(address indexed account, address indexed vault, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    mapping(address => Buyout) private _buyouts;
    mapping(address => uint256) public credit;

    function propose(address vault, uint256 shares) external payable nonReentrant {
        address module = IBuyoutVault(vault).buyout();
        if (module != address(this)) revert BuyoutUnsupportedVault(vault, module);
        uint8 status = IBuyoutVault(vault).status();
        if (status != VAULT_ACTIVE) revert BuyoutVaultNotActive(vault, status);
        Buyout storage b = _buyouts[vault];
        uint8 state = b.state;
        if (state == ACTIVE) revert BuyoutAlreadyActive(vault, b.start + REJECTION_PERIOD);
        if (state == SUCCEEDED) revert BuyoutAlreadySucceeded(vault);
        uint256 supply = IERC20(vault).totalSupply();
        if (shares >= supply || supply > MAX_SUPPLY) revert BuyoutInvalidShares(shares, supply);
        if (msg.value == 0 || msg.value > type(uint128).max) revert BuyoutInvalidValue(msg.value);
        uint256 den = supply - shares;
        uint64 start = uint64(block.timestamp);
        b.proposer = msg.sender;
        b.start = start;
        b.state = ACTIVE;
        b.released = false;
        b.priceNum = uint128(msg.value);
        b.priceDen = uint128(den);
        b.held = uint128(msg.value);
        b.outstanding = 0;
        emit BuyoutStarted(vault, msg.sender, shares, msg.value, den, start + PROPOSAL_PERIOD, start + REJECTION_PERIOD);
        if (shares != 0) {
            uint256 before = IERC20(vault).balanceOf(address(this));
            IERC20(vault).safeTransferFrom(msg.sender, address(this), shares);
            uint256 afterwards = IERC20(vault).balanceOf(address(this));
            uint256 received = afterwards > before ? afterwards - before : 0;
            if (received != shares) revert BuyoutSharesNotReceived(vault, shares, received);
        }
    }

    function sellShares(address vault, uint256 amount) external nonReentrant {
        Buyout storage b = _active(vault);
        uint64 proposalEnd = b.start + PROPOSAL_PERIOD;
        if (block.timestamp >= proposalEnd) revert BuyoutProposalPeriodOver(uint64(block.timestamp), proposalEnd);
        if (amount == 0) revert BuyoutZeroAmount();
        uint256 value = Math.mulDiv(amount, b.priceNum, b.priceDen);
        b.held = uint128(b.held - value);
        emit SharesSold(vault, msg.sender, amount, value);
        IERC20(vault).safeTransferFrom(msg.sender, address(this), amount);
        _pay(msg.sender, value);
    }

    function buyShares(address vault, uint256 amount) external payable nonReentrant {
        Buyout storage b = _active(vault);
        uint64 rejectionEnd = b.start + REJECTION_PERIOD;
        if (block.timestamp >= rejectionEnd) revert BuyoutRejectionPeriodOver(uint64(block.timestamp), rejectionEnd);
        if (amount == 0) revert BuyoutZeroAmount();
        uint256 value = Math.mulDiv(amount, b.priceNum, b.priceDen, Math.Rounding.Ceil);
        if (msg.value != value) revert BuyoutWrongValue(msg.value, value);
        uint256 pool = IERC20(vault).balanceOf(address(this));
        if (amount > pool) revert ERC20InsufficientBalance(address(this), pool, amount);
        b.held = uint128(b.held + value);
        emit SharesBought(vault, msg.sender, amount, value);
        IERC20(vault).safeTransfer(msg.sender, amount);
    }

    function end(address vault) external nonReentrant {
        Buyout storage b = _active(vault);
        uint64 rejectionEnd = b.start + REJECTION_PERIOD;
        if (block.timestamp < rejectionEnd) revert BuyoutRejectionPeriodOpen(uint64(block.timestamp), rejectionEnd);
        uint256 pool = IERC20(vault).balanceOf(address(this));
        uint256 supply = IERC20(vault).totalSupply();
        address proposer = b.proposer;
        uint256 held = b.held;
        bool success = supply != 0 && pool * 1000 >= supply * 501;
        uint256 credited;
        if (success) {
            uint256 outside = supply - pool;
            b.cashNum = uint128(held);
            b.cashDen = uint128(outside);
            if (outside == 0) {
                credited = held;
                b.held = 0;
            }
            b.outstanding = uint128(outside);
            b.state = SUCCEEDED;
        } else {
            credited = held;
            b.held = 0;
            b.outstanding = 0;
            b.state = FAILED;
        }
        _credit(proposer, vault, credited);
        bool released;
        if (success) {
            try IBuyoutVault(vault).releaseAsset(proposer) {
                released = true;
                b.released = true;
            } catch {}
        }
        emit BuyoutEnded(vault, proposer, success, pool, supply, success ? held : credited, released);
        if (!success && pool != 0) IERC20(vault).safeTransfer(proposer, pool);
    }

    function cash(address vault, uint256 amount) external nonReentrant {
        Buyout storage b = _buyouts[vault];
        uint8 state = b.state;
        if (state != SUCCEEDED) revert BuyoutNotSucceeded(vault, state);
        if (amount == 0) revert BuyoutZeroAmount();
        uint256 outstanding = b.outstanding;
        if (amount > outstanding) revert BuyoutCashExceedsOutstanding(amount, outstanding);
        outstanding -= amount;
        uint256 value = Math.mulDiv(amount, b.cashNum, b.cashDen);
        uint256 held = b.held - value;
        uint256 dust;
        if (outstanding == 0) {
            dust = held;
            held = 0;
        }
        b.held = uint128(held);
        b.outstanding = uint128(outstanding);
        _credit(b.proposer, vault, dust);
        emit Cashed(vault, msg.sender, amount, value);
        IERC20(vault).safeTransferFrom(msg.sender, address(this), amount);
        _pay(msg.sender, value);
    }

    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        if (amount == 0) revert BuyoutNothingToWithdraw(msg.sender);
        credit[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        _pay(msg.sender, amount);
    }

    function _active(address vault) private view returns (Buyout storage b) {
        b = _buyouts[vault];
        if (b.state != ACTIVE) revert BuyoutNotActive(vault, b.state);
    }

    function _credit(address account, address vault, uint256 amount) private {
        if (amount == 0) return;
        credit[account] += amount;
        emit Credited(account, vault, amount);
    }

    function _pay(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert BuyoutEthTransferFailed(to, amount);
    }
}

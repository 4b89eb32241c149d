// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/share-vault: ERC-20 shares of a vaulted
// ERC-721 with a per-share ETH revenue accumulator (1e27 scale) and per-holder
// corrections updated on every transfer, so deposits, transfers and claims
// are O(1) in the number of holders. ETH that arrives passively is picked up
// lazily from the balance.
//
// Like the share vault it has EIP-2612 permit (OpenZeppelin's ERC20Permit:
// domain name = the share name, version "1") and non-accruing accounts:
// Uniswap V2 pairs of the shares that the configured factory created
// (registered by anyone, `registerPool`), the buyout module and the share
// offering (from construction). They hold and move shares but accrue no
// revenue, which is shared over the accruing supply (the total supply minus
// their balances); what a pair had accrued when it is registered becomes
// revenue again. The non-accruing flag is the top bit of the account's debt
// word, which every transfer reads anyway, and the non-accruing total shares
// a slot with the accounted total, which every accrual reads anyway (the
// share vault packs them into the balance and supply words; OpenZeppelin's
// are private). The buyout module may
// release the asset (`releaseAsset`); revenue arriving while no share
// accrues goes to whoever the asset went to (redeemer or buyer).

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

interface IPairTokens {
    function token0() external view returns (address);
    function token1() external view returns (address);
}

interface IPairFactory {
    function getPair(address tokenA, address tokenB) external view returns (address);
}

contract AccumulatorVault is ERC20Permit, IERC721Receiver {
    uint256 private constant SCALE = 1e27;
    /// Top bit of a debt word: the account accrues no revenue.
    uint256 private constant NON_ACCRUING = 1 << 255;
    uint8 private constant ACTIVE = 2;
    uint8 private constant REDEEMED = 3;
    uint8 private constant BOUGHT_OUT = 4;

    error NothingToClaim(address holder);
    error NotWholeSupply(uint256 held, uint256 supply);
    error TransferFailed();
    error InvalidPool(address pair);
    error NotBuyout(address account);
    error VaultNotActive();

    event PoolRegistered(address indexed pair);
    event AssetReleased(address indexed to);

    IERC721 public immutable asset;
    uint256 public immutable tokenId;
    /// Uniswap V2 factory whose pairs may be registered (zero: pools off).
    address public immutable ammFactory;
    /// The buyout module (zero: none).
    address public immutable buyout;
    uint256 public accPerShare;
    /// Wei accrued to holders and not yet paid out (ETH's supply fits 128 bits).
    uint128 public accounted;
    /// Σ balances of the non-accruing accounts (packed with `accounted`).
    uint128 public nonAccruingSupply;
    /// Who took the asset (redeemer or buyer), packed with the status.
    address private _assetTaker;
    uint8 private _status;
    mapping(address => uint256) private _debt;
    mapping(address => uint256) private _owed;

    constructor(
        IERC721 asset_,
        uint256 tokenId_,
        address holder,
        uint256 supply,
        address ammFactory_,
        address buyout_,
        address offering
    ) ERC20("Shares", "SHR") ERC20Permit("Shares") {
        asset = asset_;
        tokenId = tokenId_;
        ammFactory = ammFactory_;
        buyout = buyout_;
        _status = ACTIVE;
        if (buyout_ != address(0)) _debt[buyout_] = NON_ACCRUING;
        if (offering != address(0)) _debt[offering] = NON_ACCRUING;
        _mint(holder, supply);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    receive() external payable {}

    /// 2 while the vault holds its asset, 3 redeemed, 4 bought out.
    function status() external view returns (uint8) {
        return _status;
    }

    function accrues(address account) external view returns (bool) {
        return _debt[account] & NON_ACCRUING == 0;
    }

    function accruingSupply() public view returns (uint256) {
        return totalSupply() - nonAccruingSupply;
    }

    function _sync() private {
        uint256 bal = address(this).balance;
        if (bal > accounted) {
            uint256 accruing = totalSupply() - nonAccruingSupply;
            if (accruing != 0) {
                accPerShare += (bal - accounted) * SCALE / accruing;
            } else if (_assetTaker != address(0)) {
                _owed[_assetTaker] += bal - accounted;
            } else {
                return; // waits for an accruing share
            }
            accounted = uint128(bal);
        }
    }

    function claimable(address holder) public view returns (uint256) {
        uint256 debt = _debt[holder];
        if (debt & NON_ACCRUING != 0) return _owed[holder];
        uint256 acc = accPerShare;
        uint256 bal = address(this).balance;
        uint256 accruing = accruingSupply();
        if (bal > accounted && accruing != 0) acc += (bal - accounted) * SCALE / accruing;
        return _owed[holder] + balanceOf(holder) * acc / SCALE - debt;
    }

    /// Moves `who`'s accrued revenue into its owed balance; false (nothing
    /// done) for the zero address and non-accruing accounts.
    function _settle(address who) private returns (bool) {
        if (who == address(0)) return false;
        uint256 debt = _debt[who];
        if (debt & NON_ACCRUING != 0) return false;
        _owed[who] += balanceOf(who) * accPerShare / SCALE - debt;
        return true;
    }

    function _update(address from, address to, uint256 value) internal override {
        _sync();
        bool fromAccrues = _settle(from);
        bool toAccrues = _settle(to);
        super._update(from, to, value);
        if (fromAccrues) _debt[from] = balanceOf(from) * accPerShare / SCALE;
        if (toAccrues) _debt[to] = balanceOf(to) * accPerShare / SCALE;
        // shares leaving or reaching a non-accruing account change the accruing supply
        if (from != address(0) && !fromAccrues) nonAccruingSupply -= uint128(value);
        if (to != address(0) && !toAccrues) nonAccruingSupply += uint128(value);
    }

    function claim() external {
        _sync();
        if (_settle(msg.sender)) _debt[msg.sender] = balanceOf(msg.sender) * accPerShare / SCALE;
        uint256 due = _owed[msg.sender];
        if (due == 0) revert NothingToClaim(msg.sender);
        _owed[msg.sender] = 0;
        accounted -= uint128(due);
        (bool ok,) = msg.sender.call{value: due}("");
        if (!ok) revert TransferFailed();
    }

    /// Registers a Uniswap V2 pair of the shares created by `ammFactory` as
    /// a non-accruing pool; what it had accrued becomes revenue again.
    function registerPool(address pair) external {
        uint256 debt = _debt[pair];
        if (ammFactory == address(0) || debt & NON_ACCRUING != 0 || !_isPair(pair)) revert InvalidPool(pair);
        _sync();
        uint256 held = balanceOf(pair);
        accounted -= uint128(_owed[pair] + held * accPerShare / SCALE - debt);
        _owed[pair] = 0;
        _debt[pair] = NON_ACCRUING;
        nonAccruingSupply += uint128(held);
        emit PoolRegistered(pair);
    }

    function _isPair(address pair) private view returns (bool) {
        if (pair.code.length == 0) return false;
        address t0 = IPairTokens(pair).token0();
        address t1 = IPairTokens(pair).token1();
        return (t0 == address(this) || t1 == address(this)) && IPairFactory(ammFactory).getPair(t0, t1) == pair;
    }

    function redeem() external {
        if (_status != ACTIVE) revert VaultNotActive();
        uint256 held = balanceOf(msg.sender);
        if (held != totalSupply()) revert NotWholeSupply(held, totalSupply());
        _burn(msg.sender, held);
        _status = REDEEMED;
        _assetTaker = msg.sender;
        asset.safeTransferFrom(address(this), msg.sender, tokenId);
    }

    /// Buyout module only, while the vault holds its asset: sends it to `to`.
    function releaseAsset(address to) external {
        if (buyout == address(0) || msg.sender != buyout) revert NotBuyout(msg.sender);
        if (_status != ACTIVE) revert VaultNotActive();
        _status = BOUGHT_OUT;
        _assetTaker = to;
        emit AssetReleased(to);
        asset.safeTransferFrom(address(this), to, tokenId);
    }
}

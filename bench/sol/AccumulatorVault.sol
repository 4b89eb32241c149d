// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/share-vault: ERC-20 shares of a vaulted
// ERC-721 with a per-share ETH revenue accumulator (1e27 scale) and per-holder
// corrections updated on every transfer, so deposits, transfers and claims
// are O(1) in the number of holders. ETH that arrives passively is picked up
// lazily from the balance.

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

contract AccumulatorVault is ERC20, IERC721Receiver {
    uint256 private constant SCALE = 1e27;

    error NothingToClaim(address holder);
    error NotWholeSupply(uint256 held, uint256 supply);
    error TransferFailed();

    IERC721 public immutable asset;
    uint256 public immutable tokenId;
    uint256 public accPerShare;
    uint256 public accounted;
    mapping(address => uint256) private _debt;
    mapping(address => uint256) private _owed;

    constructor(IERC721 asset_, uint256 tokenId_, address holder, uint256 supply) ERC20("Shares", "SHR") {
        asset = asset_;
        tokenId = tokenId_;
        _mint(holder, supply);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    receive() external payable {}

    function _sync() private {
        uint256 bal = address(this).balance;
        if (bal > accounted) {
            accPerShare += (bal - accounted) * SCALE / totalSupply();
            accounted = bal;
        }
    }

    function claimable(address holder) public view returns (uint256) {
        uint256 acc = accPerShare;
        uint256 bal = address(this).balance;
        if (bal > accounted) acc += (bal - accounted) * SCALE / totalSupply();
        return _owed[holder] + balanceOf(holder) * acc / SCALE - _debt[holder];
    }

    function _settle(address who) private {
        if (who == address(0)) return;
        _owed[who] += balanceOf(who) * accPerShare / SCALE - _debt[who];
    }

    function _update(address from, address to, uint256 value) internal override {
        _sync();
        _settle(from);
        _settle(to);
        super._update(from, to, value);
        if (from != address(0)) _debt[from] = balanceOf(from) * accPerShare / SCALE;
        if (to != address(0)) _debt[to] = balanceOf(to) * accPerShare / SCALE;
    }

    function claim() external {
        _sync();
        _settle(msg.sender);
        _debt[msg.sender] = balanceOf(msg.sender) * accPerShare / SCALE;
        uint256 due = _owed[msg.sender];
        if (due == 0) revert NothingToClaim(msg.sender);
        _owed[msg.sender] = 0;
        accounted -= due;
        (bool ok,) = msg.sender.call{value: due}("");
        if (!ok) revert TransferFailed();
    }

    function redeem() external {
        uint256 held = balanceOf(msg.sender);
        if (held != totalSupply()) revert NotWholeSupply(held, totalSupply());
        _burn(msg.sender, held);
        asset.safeTransferFrom(address(this), msg.sender, tokenId);
    }
}

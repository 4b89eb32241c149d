// SPDX-License-Identifier: MIT
pragma solidity ^0.8.23;

import "./TestToken.sol";

/// A 6-decimal `TestToken` with a blocklist, like the stablecoins that
/// freeze accounts: `setBlocked` is open to anyone (test money). A transfer
/// to or from a blocked account reverts; otherwise it behaves as `TestToken`.
contract BlocklistToken is TestToken {
    mapping(address => bool) public blocked;

    constructor() TestToken("Blocklist", "BLK", 6) {}

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _move(address from, address to, uint256 value) internal override {
        require(!blocked[from] && !blocked[to], "blocked");
        super._move(from, to, value);
    }
}

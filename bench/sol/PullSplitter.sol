// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/splits: a pull-based split wallet with the
// same accounting (received = balance + withdrawn; claimable = received *
// allocation / 1e6 - withdrawn by the recipient), deployed as the suite
// deploys split wallets: a CREATE2 clone behind the suite's receiving
// minimal proxy (ReceivingProxy.sol), so plain ETH sent to a split costs
// the same 15 gas of proxy code on both sides and every other call pays the
// same delegation.

import {ReceivingProxy} from "./ReceivingProxy.sol";

contract PullSplitter {
    uint256 public constant TOTAL = 1_000_000;

    error AlreadyInitialized();
    error BadRecipients();
    error NothingDue(address recipient);
    error TransferFailed(address recipient);

    event Withdrawn(address indexed recipient, uint256 amount);

    bool private _initialized;
    uint256 public totalWithdrawn;
    mapping(address => uint32) public allocation;
    mapping(address => uint256) public withdrawn;

    function initialize(address[] calldata recipients, uint32[] calldata allocations) external {
        if (_initialized) revert AlreadyInitialized();
        _initialized = true;
        if (recipients.length != allocations.length || recipients.length == 0 || recipients.length > 500) {
            revert BadRecipients();
        }
        uint256 sum;
        address prev;
        for (uint256 i; i < recipients.length; ++i) {
            if (recipients[i] <= prev) revert BadRecipients();
            prev = recipients[i];
            allocation[recipients[i]] = allocations[i];
            sum += allocations[i];
        }
        if (sum != TOTAL) revert BadRecipients();
    }

    receive() external payable {}

    function claimable(address recipient) public view returns (uint256) {
        uint256 received = address(this).balance + totalWithdrawn;
        return received * allocation[recipient] / TOTAL - withdrawn[recipient];
    }

    function withdraw(address recipient) external {
        uint256 due = claimable(recipient);
        if (due == 0) revert NothingDue(recipient);
        withdrawn[recipient] += due;
        totalWithdrawn += due;
        (bool ok,) = recipient.call{value: due}("");
        if (!ok) revert TransferFailed(recipient);
        emit Withdrawn(recipient, due);
    }
}

contract PullSplitterFactory {
    address public immutable implementation = address(new PullSplitter());

    event SplitCreated(address split);

    function createSplit(address[] calldata recipients, uint32[] calldata allocations, bytes32 salt)
        external
        returns (address split)
    {
        split = ReceivingProxy.deploy(implementation, keccak256(abi.encode(recipients, allocations, salt)));
        PullSplitter(payable(split)).initialize(recipients, allocations);
        emit SplitCreated(split);
    }
}

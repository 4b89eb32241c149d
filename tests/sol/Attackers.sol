// SPDX-License-Identifier: MIT OR Apache-2.0
// Hostile counterparties for the end-to-end attacker scenarios
// (tests/tests/attackers.rs). Compiled at test time with solc-js
// (tests/js/compile.js); never deployed anywhere but the test devnode.
pragma solidity ^0.8.24;

/// A contract account that acts on the suite (as `msg.sender`, through
/// `exec`) and misbehaves whenever it is paid ETH or handed an ERC-721 /
/// ERC-1155 token: it accepts, reverts, burns all the gas it was given, or
/// re-enters `target` with `payload` (once per configuration), recording
/// whether the re-entrant call succeeded and what it returned.
contract Attacker {
    /// What to do when paid or handed a token.
    enum Mode {
        Accept,
        Revert,
        BurnGas,
        Reenter
    }

    Mode public mode;
    address public target;
    bytes public payload;
    /// Re-entrant calls made / that succeeded since the last `configure`.
    uint256 public attempts;
    uint256 public successes;
    /// Return (or revert) data of the last re-entrant call.
    bytes public lastReturn;
    /// Wei received through `receive`.
    uint256 public received;

    function configure(Mode m, address t, bytes calldata p) external {
        mode = m;
        target = t;
        payload = p;
        attempts = 0;
        successes = 0;
        delete lastReturn;
    }

    /// Calls `to` as this contract; bubbles a revert verbatim.
    function exec(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        received += msg.value;
        misbehave();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        misbehave();
        return this.onERC721Received.selector;
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        misbehave();
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        returns (bytes4)
    {
        misbehave();
        return this.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x150b7a02 || id == 0x4e2312e0;
    }

    function misbehave() internal {
        if (mode == Mode.Revert) {
            revert("Attacker: refused");
        }
        if (mode == Mode.BurnGas) {
            // Consume every unit of gas given, as a spinning loop would
            // (INVALID burns it all at once, sparing the test's time).
            assembly {
                invalid()
            }
        }
        if (mode == Mode.Reenter && attempts == 0) {
            attempts = 1;
            (bool ok, bytes memory ret) = target.call(payload);
            if (ok) {
                successes += 1;
            }
            lastReturn = ret;
        }
    }
}

/// A look-alike asset contract that answers the suite's ERC-721 /
/// ERC-1155 / ERC-4907 / EIP-2981 queries with whatever it is told: any
/// owner, any royalty (or garbage, or a revert), a `setUser` that does
/// nothing, reverts or re-enters, and a `safeTransferFrom` that moves
/// nothing and may or may not call the receiver hook.
contract FakeCollection {
    /// `royaltyInfo` behaviours.
    enum Royalty {
        Quote, // (royaltyReceiver, price * royaltyTimes)
        Short, // 1 byte of return data
        DirtyAddress, // an address word with high bits set
        Reverts
    }

    address public owner; // what ownerOf / balanceOf report
    bool public dirtyOwner; // ownerOf returns a word with high bits set
    Royalty public royaltyMode;
    address public royaltyReceiver;
    uint256 public royaltyTimes;
    bool public setUserReverts;
    address public reenterTarget; // setUser / safeTransferFrom re-enter it
    bytes public reenterPayload;
    bool public reentered; // the re-entrant call succeeded
    bytes public reenterReturn;
    bool public callHook; // safeTransferFrom calls onERC721Received on `to`
    address public hookTarget; // ... or on this address instead
    uint256 public setUserCalls;

    function setOwner(address o, bool dirty) external {
        owner = o;
        dirtyOwner = dirty;
    }

    function setRoyalty(Royalty m, address receiver, uint256 times) external {
        royaltyMode = m;
        royaltyReceiver = receiver;
        royaltyTimes = times;
    }

    function setSetUserReverts(bool r) external {
        setUserReverts = r;
    }

    function setReenter(address t, bytes calldata p) external {
        reenterTarget = t;
        reenterPayload = p;
    }

    function setHook(bool call, address target) external {
        callHook = call;
        hookTarget = target;
    }

    // ERC-721 / ERC-4907 side.
    function ownerOf(uint256) external view returns (address) {
        if (dirtyOwner) {
            uint256 w = uint256(uint160(owner)) | (1 << 200);
            assembly {
                mstore(0, w)
                return(0, 32)
            }
        }
        return owner;
    }

    function isLeaseOperator(address, address) external pure returns (bool) {
        return true;
    }

    function isMinter(address) external pure returns (bool) {
        return true;
    }

    function setUser(uint256, address, uint64) external {
        if (setUserReverts) {
            revert("FakeCollection: no");
        }
        setUserCalls += 1;
        reenter();
    }

    function userOf(uint256) external pure returns (address) {
        return address(0);
    }

    function userExpires(uint256) external pure returns (uint256) {
        return 0;
    }

    function leaseLocked(uint256) external pure returns (bool) {
        return false;
    }

    function royaltyInfo(uint256, uint256 price) external view returns (address, uint256) {
        if (royaltyMode == Royalty.Short) {
            assembly {
                mstore(0, 0)
                return(0, 1)
            }
        }
        if (royaltyMode == Royalty.DirtyAddress) {
            uint256 w = uint256(uint160(royaltyReceiver)) | (1 << 200);
            uint256 amount = price;
            assembly {
                mstore(0, w)
                mstore(32, amount)
                return(0, 64)
            }
        }
        if (royaltyMode == Royalty.Reverts) {
            revert("FakeCollection: royalty");
        }
        unchecked {
            return (royaltyReceiver, price * royaltyTimes);
        }
    }

    function safeTransferFrom(address from, address to, uint256 id) external {
        reenter();
        if (callHook) {
            address hook = hookTarget == address(0) ? to : hookTarget;
            bytes4 magic = Receiver(hook).onERC721Received(msg.sender, from, id, "");
            require(magic == Receiver.onERC721Received.selector, "FakeCollection: hook");
        }
    }

    // ERC-1155 / ERC-5006 side (`owner` holds 1,000 units of every id).
    function balanceOf(address account, uint256) external view returns (uint256) {
        return account == owner ? 1000 : 0;
    }

    function frozenBalanceOf(address, uint256) external pure returns (uint256) {
        return 0;
    }

    function reenter() internal {
        if (reenterTarget != address(0)) {
            (bool ok, bytes memory ret) = reenterTarget.call(reenterPayload);
            reentered = ok;
            reenterReturn = ret;
        }
    }
}

interface Receiver {
    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4);
}

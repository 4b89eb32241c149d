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

/// The parts of `ShareBuyout` a flash-swap attacker calls.
interface IFlashShareBuyout {
    function sellShares(address vault, uint256 amount) external;
    function buyShares(address vault, uint256 amount) external payable;
    function withdraw() external;
}

/// The parts of a Uniswap V2 pair a flash-swap attacker calls.
interface IFlashPair {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

/// The parts of WETH9 a flash-swap attacker calls.
interface IFlashWETH {
    function deposit() external payable;
    function withdraw(uint256 wad) external;
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

/// The parts of an ERC-20 (the share vault) a flash-swap attacker calls.
interface IFlashERC20 {
    function approve(address spender, uint256 value) external returns (bool);
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

/// Trades with a Tessera-style buyout using capital flash-borrowed from the
/// share/WETH Uniswap V2 pair, repaid within the same transaction in the
/// pair's other token:
///
/// - `attackSell(shares, pullEth)`: borrows `shares` share tokens, sells them
///   to the buyout (`sellShares`, ETH at the buyout's fixed price; with
///   `pullEth` it then calls the buyout's `withdraw()` for ETH credited
///   rather than sent), wraps its ETH and repays the pair in WETH.
/// - `attackBuy(wethOut, shares)`: borrows `wethOut` WETH, unwraps it, buys
///   `shares` shares from the buyout (`buyShares` with all of it as value)
///   and repays the pair in shares.
///
/// The repayment is the least input the pair's constant-product check
/// accepts for the amount borrowed ([`owedFor`], Uniswap's `getAmountIn`),
/// minus `shortfall` (zero unless a test wants the pair to refuse). Whatever
/// the repayment token the contract holds beforehand (pre-funding) or gains
/// pays too; what is left stays here and is recorded, as is everything the
/// buyout paid or took.
contract FlashBuyoutAttacker {
    enum Mode {
        Sell,
        Buy
    }

    IFlashShareBuyout public immutable buyout;
    /// The share token (the vault).
    IFlashERC20 public immutable vault;
    IFlashPair public immutable pair;
    IFlashWETH public immutable weth;

    /// Subtracted from every repayment (to watch the pair refuse a short one).
    uint256 public shortfall;

    /// Of the last attack: amount flash-borrowed (shares or WETH).
    uint256 public borrowed;
    /// Repaid to the pair (WETH in Sell mode, shares in Buy mode).
    uint256 public repaid;
    /// ETH the buyout paid for the shares sold (Sell mode).
    uint256 public ethReceived;
    /// ETH the buyout kept for the shares bought, net of any refund (Buy mode).
    uint256 public ethSpent;
    /// Shares the buyout delivered (Buy mode).
    uint256 public sharesReceived;
    /// Balance of the repayment token left here after repaying.
    uint256 public leftover;

    constructor(address buyout_, address vault_, address pair_, address weth_) {
        buyout = IFlashShareBuyout(buyout_);
        vault = IFlashERC20(vault_);
        pair = IFlashPair(pair_);
        weth = IFlashWETH(weth_);
    }

    /// Plain ETH (the buyout's payments, WETH's unwrapping with its 2,300-gas
    /// stipend) is accepted without any work.
    receive() external payable {}

    function setShortfall(uint256 s) external {
        shortfall = s;
    }

    /// The least input a pair with reserves `reserveIn` / `reserveOut`
    /// accepts for `amountOut` of the other token (Uniswap's `getAmountIn`:
    /// the 0.3 % fee is charged on the input).
    function owedFor(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        require(amountOut < reserveOut, "FlashBuyoutAttacker: pair too shallow");
        return (reserveIn * amountOut * 1000) / ((reserveOut - amountOut) * 997) + 1;
    }

    /// Flash-borrows `shares` shares, sells them to the buyout, repays in WETH.
    function attackSell(uint256 shares, bool pullEth) external {
        _reset();
        bool sharesAre0 = pair.token0() == address(vault);
        pair.swap(sharesAre0 ? shares : 0, sharesAre0 ? 0 : shares, address(this), abi.encode(Mode.Sell, uint256(0), pullEth));
    }

    /// Flash-borrows `wethOut` WETH, buys `shares` shares from the buyout
    /// with it, repays in shares.
    function attackBuy(uint256 wethOut, uint256 shares) external {
        _reset();
        bool sharesAre0 = pair.token0() == address(vault);
        pair.swap(sharesAre0 ? 0 : wethOut, sharesAre0 ? wethOut : 0, address(this), abi.encode(Mode.Buy, shares, false));
    }

    function uniswapV2Call(address sender, uint256 amount0, uint256 amount1, bytes calldata data) external {
        require(msg.sender == address(pair) && sender == address(this), "FlashBuyoutAttacker: not my flash swap");
        (Mode mode, uint256 shares, bool pullEth) = abi.decode(data, (Mode, uint256, bool));
        // The pair updates its reserves after this call: these are the pre-swap ones.
        (uint112 r0, uint112 r1, ) = pair.getReserves();
        bool sharesAre0 = pair.token0() == address(vault);
        (uint256 shareReserve, uint256 wethReserve) = sharesAre0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        borrowed = amount0 + amount1;
        if (mode == Mode.Sell) {
            uint256 ethBefore = address(this).balance;
            vault.approve(address(buyout), borrowed);
            buyout.sellShares(address(vault), borrowed);
            if (pullEth) buyout.withdraw();
            ethReceived = address(this).balance - ethBefore;
            weth.deposit{value: address(this).balance}();
            repaid = owedFor(borrowed, wethReserve, shareReserve) - shortfall;
            require(weth.transfer(address(pair), repaid), "FlashBuyoutAttacker: WETH repayment failed");
            leftover = weth.balanceOf(address(this));
        } else {
            weth.withdraw(borrowed);
            uint256 ethBefore = address(this).balance;
            uint256 sharesBefore = vault.balanceOf(address(this));
            buyout.buyShares{value: borrowed}(address(vault), shares);
            ethSpent = ethBefore - address(this).balance;
            sharesReceived = vault.balanceOf(address(this)) - sharesBefore;
            repaid = owedFor(borrowed, shareReserve, wethReserve) - shortfall;
            require(vault.transfer(address(pair), repaid), "FlashBuyoutAttacker: share repayment failed");
            leftover = vault.balanceOf(address(this));
        }
    }

    function _reset() internal {
        borrowed = 0;
        repaid = 0;
        ethReceived = 0;
        ethSpent = 0;
        sharesReceived = 0;
        leftover = 0;
    }
}

/// A stand-in for `ShareBuyout` with the same `sellShares` / `buyShares` /
/// `withdraw` interface and a fixed price of `price` wei per 10^18 shares,
/// so that the flash-swap attacker's plumbing and repayment maths can be
/// checked before (and independently of) the real buyout. It pays sellers
/// immediately, or credits them for `withdraw()` when `credit` is set, and
/// sells shares from its own balance for exactly their price.
contract FixedPriceBuyoutStub {
    uint256 public immutable price;
    bool public immutable credit;
    mapping(address => uint256) public credited;

    constructor(uint256 price_, bool credit_) payable {
        price = price_;
        credit = credit_;
    }

    function cost(uint256 amount) public view returns (uint256) {
        return (amount * price) / 1e18;
    }

    function sellShares(address vault, uint256 amount) external {
        require(IFlashERC20Pull(vault).transferFrom(msg.sender, address(this), amount), "stub: pull failed");
        if (credit) {
            credited[msg.sender] += cost(amount);
        } else {
            (bool ok, ) = msg.sender.call{value: cost(amount)}("");
            require(ok, "stub: payment failed");
        }
    }

    function buyShares(address vault, uint256 amount) external payable {
        require(msg.value == cost(amount), "stub: wrong value");
        require(IFlashERC20(vault).transfer(msg.sender, amount), "stub: delivery failed");
    }

    function withdraw() external {
        uint256 owed = credited[msg.sender];
        credited[msg.sender] = 0;
        (bool ok, ) = msg.sender.call{value: owed}("");
        require(ok, "stub: withdrawal failed");
    }
}

/// `transferFrom` of an ERC-20, for the buyout stub's pull.
interface IFlashERC20Pull {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity twin of contracts/share-vault, written for this bench: the same
// algorithm, storage words and events, so the gas rows compare the two
// languages rather than two designs. Deployed like the share vault: as the
// suite's receiving minimal proxy (ReceivingProxy.sol) of one
// implementation, initialised and given its ERC-721 token by
// ShareVaultTwinFactory (the twin of contracts/vault-factory's
// `fractionalize`, below).
//
// Ported from share-vault (lib.rs, logic.rs):
// * the account word (balances slot): bits 0-127 the share balance, 128-191
//   the EIP-2612 nonce, bit 255 the non-accruing flag; the supply word: bits
//   0-127 the total supply, 128-255 the non-accruing supply. A transfer
//   reads and writes the two account words and touches the supply word only
//   when shares cross between an accruing and a non-accruing account;
// * the revenue accumulator per token (zero address: ETH) at scale 2^128
//   with one signed correction per holder and token: a transfer first
//   accounts fresh revenue (balance − accounted, shared over the accruing
//   supply), then moves the two holders' corrections only for tokens whose
//   accumulator is not zero (before any revenue a transfer touches no
//   per-holder accounting); `claim(tokens)`, `claimable`;
// * the checks and their order, ERC-6093 errors, the accrual bounds
//   (accruing supply ≤ 2^96, amount < 2^128, acc · supply ≤ int256 max: the
//   revenue then stays unaccounted);
// * non-accruing accounts (the buyout module, the offering and the AMM
//   router flagged at initialisation; Uniswap V2 pairs of the vault's AMM
//   factory by `registerPool`, their unclaimed revenue re-credited), the
//   redeemer/buyer credit while nothing accrues, `redeem`, `releaseAsset`;
// * permit: the domain computed on every call from the stored name (three
//   words, `[length][bytes]`), the nonce in the account word, low-s only,
//   the `ecrecover` precompile;
// * the initialisation: status, asset, id, units, curator with the maximum
//   lease duration, market, name and symbol words, revenue tokens, the
//   non-accruing flags, the mints, VaultInitialized; the asset accepted once
//   by `onERC721Received` while awaiting it.
//
// Not ported: ERC-1155 assets (the bench vaults ERC-721 tokens), the
// curator's powers (transferCurator, setMarketApproval, the offer calls),
// ERC-5267's eip712Domain and supportsInterface. Solidity's checked
// arithmetic reverts with a panic where the share vault returns
// MathOverflow (unreachable in both while the invariants hold).

import {ReceivingProxy} from "./ReceivingProxy.sol";

interface IERC721Like {
    function safeTransferFrom(address from, address to, uint256 tokenId) external;
}

interface IPairLike {
    function token0() external view returns (address);
    function token1() external view returns (address);
}

interface IPairFactoryLike {
    function getPair(address tokenA, address tokenB) external view returns (address);
}

contract ShareVaultTwin {
    /// Accumulator scale: 2^128.
    uint256 private constant SCALE_BITS = 128;
    uint256 private constant MAX_SUPPLY = 1 << 96;
    uint256 private constant LOW_128 = type(uint128).max;
    uint256 private constant NON_ACCRUING = 1 << 255;
    uint256 private constant NONCE_ONE = 1 << 128;
    uint256 private constant MAX_LEASE_DURATION = 5 * 365 days;
    uint256 private constant MAX_REVENUE_TOKENS = 8;
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    uint8 private constant UNINITIALIZED = 0;
    uint8 private constant AWAITING_ASSET = 1;
    uint8 private constant ACTIVE = 2;
    uint8 private constant REDEEMED = 3;
    uint8 private constant BOUGHT_OUT = 4;

    /// One end of a share move.
    enum End {
        Zero,
        Accruing,
        NonAccruing
    }

    /// What `initialize` receives (share-vault's packed `Config`, ABI-encoded).
    struct Config {
        address asset;
        uint256 id;
        address curator;
        address market;
        uint64 maxLeaseDuration;
        address buyout;
        address offering;
        address ammRouter;
        address ammFactory;
        address[] revenueTokens;
        string name;
        string symbol;
        address[] holders;
        uint256[] amounts;
    }

    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InvalidSender(address sender);
    error ERC20InvalidReceiver(address receiver);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidSpender(address spender);
    error SafeErc20FailedOperation(address token);
    error AlreadyInitialized();
    error InvalidAsset(address asset);
    error InvalidConfig();
    error InvalidMaxLeaseDuration(uint256 maxLeaseDuration);
    error InvalidSupply(uint256 supply);
    error InvalidMetadata(uint256 nameLength, uint256 symbolLength);
    error TooManyRevenueTokens(uint256 count);
    error InvalidRevenueToken(address token);
    error TokenNotAllowed(address token);
    error NothingToClaim(address holder);
    error EthTransferFailed(address to, uint256 amount);
    error NotFullOwner(address account, uint256 balance, uint256 supply);
    error VaultNotActive();
    error UnexpectedAsset(address asset, uint256 id);
    error ERC2612ExpiredSignature(uint256 deadline);
    error ERC2612InvalidSigner(address signer, address owner);
    error InvalidPool(address pair);
    error NotBuyout(address account);

    event VaultInitialized(address indexed asset, uint256 indexed id, uint256 units, uint256 supply, address curator);
    event RevenueAccrued(address indexed token, uint256 amount);
    event RevenueClaimed(address indexed holder, address indexed token, uint256 amount);
    event Redeemed(address indexed holder, address indexed asset, uint256 id, uint256 units);
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event PoolRegistered(address indexed pair);
    event AssetReleased(address indexed to);

    // Storage, in share-vault's order and packing.
    mapping(address => uint256) private _accounts;
    mapping(address => mapping(address => uint256)) private _allowances;
    uint256 private _supply;
    bytes32 private _name0;
    bytes32 private _name1;
    bytes32 private _name2;
    bytes32 private _symbol;
    address private _asset;
    uint8 private _status;
    uint256 private _assetId;
    uint256 private _assetUnits;
    address private _curator;
    uint64 private _maxLease;
    address private _market;
    address private _redeemer;
    address[] private _tokens;
    mapping(address => uint256) private _acc;
    mapping(address => uint256) private _accounted;
    mapping(address => mapping(address => int256)) private _corr;
    address private _buyout;
    address private _ammFactory;

    // ------------------------------------------------------------------
    // Initialisation
    // ------------------------------------------------------------------

    function initialize(Config calldata c) external {
        if (_status != UNINITIALIZED) revert AlreadyInitialized();
        if (c.market == address(0) || c.holders.length != c.amounts.length) revert InvalidConfig();
        if (c.maxLeaseDuration > MAX_LEASE_DURATION) revert InvalidMaxLeaseDuration(c.maxLeaseDuration);
        if (c.asset == address(0)) revert InvalidAsset(c.asset);
        uint256 supply;
        for (uint256 i; i < c.amounts.length; ++i) {
            supply += c.amounts[i];
        }
        if (supply == 0 || supply > MAX_SUPPLY) revert InvalidSupply(supply);
        bytes memory name = bytes(c.name);
        bytes memory symbol = bytes(c.symbol);
        if (name.length >= 96 || symbol.length >= 32) revert InvalidMetadata(name.length, symbol.length);
        if (c.revenueTokens.length > MAX_REVENUE_TOKENS) revert TooManyRevenueTokens(c.revenueTokens.length);
        for (uint256 i; i < c.revenueTokens.length; ++i) {
            address t = c.revenueTokens[i];
            bool dup;
            for (uint256 j; j < i; ++j) {
                if (c.revenueTokens[j] == t) dup = true;
            }
            if (t == address(0) || t == address(this) || t == c.asset || dup) revert InvalidRevenueToken(t);
        }

        _status = AWAITING_ASSET;
        _asset = c.asset;
        _assetId = c.id;
        _assetUnits = 0;
        _curator = c.curator;
        _market = c.market;
        _maxLease = c.maxLeaseDuration;
        bytes memory packed = abi.encodePacked(uint8(name.length), name, new bytes(95 - name.length));
        bytes32 n0;
        bytes32 n1;
        bytes32 n2;
        assembly ("memory-safe") {
            n0 := mload(add(packed, 32))
            n1 := mload(add(packed, 64))
            n2 := mload(add(packed, 96))
        }
        _name0 = n0;
        _name1 = n1;
        _name2 = n2;
        _symbol = bytes32(abi.encodePacked(uint8(symbol.length), symbol, new bytes(31 - symbol.length)));
        for (uint256 i; i < c.revenueTokens.length; ++i) {
            _tokens.push(c.revenueTokens[i]);
        }
        if (c.ammFactory != address(0)) _ammFactory = c.ammFactory;
        if (c.buyout != address(0)) {
            _buyout = c.buyout;
            _accounts[c.buyout] = NON_ACCRUING;
        }
        if (c.offering != address(0)) _accounts[c.offering] = NON_ACCRUING;
        if (c.ammRouter != address(0)) _accounts[c.ammRouter] = NON_ACCRUING;
        for (uint256 i; i < c.holders.length; ++i) {
            address h = c.holders[i];
            if (h == address(0) || h == address(this)) revert ERC20InvalidReceiver(h);
            _update(address(0), h, c.amounts[i], false);
        }
        emit VaultInitialized(c.asset, c.id, 0, supply, c.curator);
    }

    /// Accepts the vault's own token, once, while awaiting it.
    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external returns (bytes4) {
        if (_status != AWAITING_ASSET || msg.sender != _asset || tokenId != _assetId || _assetUnits != 0) {
            revert UnexpectedAsset(msg.sender, tokenId);
        }
        _status = ACTIVE;
        return this.onERC721Received.selector;
    }

    // ------------------------------------------------------------------
    // ERC-20 shares
    // ------------------------------------------------------------------

    function name() external view returns (string memory) {
        return string(_unpack(abi.encodePacked(_name0, _name1, _name2)));
    }

    function symbol() external view returns (string memory) {
        return string(_unpack(abi.encodePacked(_symbol)));
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function totalSupply() external view returns (uint256) {
        return _supply & LOW_128;
    }

    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account] & LOW_128;
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    function approve(address spender, uint256 value) external returns (bool) {
        _setAllowance(msg.sender, spender, value);
        return true;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transferShares(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert ERC20InsufficientAllowance(msg.sender, allowed, value);
            _allowances[from][msg.sender] = allowed - value;
        }
        _transferShares(from, to, value);
        return true;
    }

    // ------------------------------------------------------------------
    // Revenue
    // ------------------------------------------------------------------

    function revenueTokens() external view returns (address[] memory) {
        return _tokens;
    }

    function claim(address[] calldata tokens) external {
        address holder = msg.sender;
        bool paid;
        for (uint256 i; i < tokens.length; ++i) {
            address token = tokens[i];
            _requireRevenueToken(token);
            uint256 acc = _sync(token);
            int256 corr = _corr[holder][token];
            uint256 amount = _claimable(acc, _accruingBalance(_accounts[holder]), corr);
            if (amount == 0) continue;
            paid = true;
            _corr[holder][token] = corr - _int(amount * (1 << SCALE_BITS));
            _accounted[token] -= amount;
            emit RevenueClaimed(holder, token, amount);
            _pay(token, holder, amount);
        }
        if (!paid) revert NothingToClaim(holder);
    }

    function claimable(address holder, address token) external view returns (uint256) {
        _requireRevenueToken(token);
        uint256 acc = _acc[token];
        int256 corr = _corr[holder][token];
        (bool some,,, uint256 nextAcc, address credited, int256 credit) = _pending(token);
        if (some) {
            acc = nextAcc;
            if (credited == holder) corr = credit;
        }
        return _claimable(acc, _accruingBalance(_accounts[holder]), corr);
    }

    // ------------------------------------------------------------------
    // Asset, redemption
    // ------------------------------------------------------------------

    function asset() public view returns (address, uint256, uint256) {
        return (_asset, _assetId, _assetUnits);
    }

    function status() public view returns (uint8) {
        return _status;
    }

    function market() external view returns (address) {
        return _market;
    }

    function curator() external view returns (address) {
        return _curator;
    }

    function redeem() external {
        _requireActive();
        address holder = msg.sender;
        uint256 supply = _supply & LOW_128;
        uint256 held = _accounts[holder] & LOW_128;
        if (held != supply) revert NotFullOwner(holder, held, supply);
        _update(holder, address(0), held, true);
        _status = REDEEMED;
        _redeemer = holder;
        (address a, uint256 id, uint256 units) = asset();
        emit Redeemed(holder, a, id, units);
        IERC721Like(a).safeTransferFrom(address(this), holder, id);
    }

    // ------------------------------------------------------------------
    // EIP-2612
    // ------------------------------------------------------------------

    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        uint256 word = _accounts[owner];
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, uint64(word >> 128), deadline));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        address signer;
        if (uint256(s) <= HALF_ORDER) signer = ecrecover(digest, v, r, s);
        if (signer == address(0) || signer != owner) revert ERC2612InvalidSigner(signer, owner);
        _accounts[owner] = word + NONCE_ONE;
        _setAllowance(owner, spender, value);
    }

    function nonces(address owner) external view returns (uint256) {
        return uint64(_accounts[owner] >> 128);
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        bytes memory n = _unpack(abi.encodePacked(_name0, _name1, _name2));
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256(n), VERSION_HASH, block.chainid, address(this)));
    }

    // ------------------------------------------------------------------
    // Non-accruing accounts
    // ------------------------------------------------------------------

    function ammFactory() external view returns (address) {
        return _ammFactory;
    }

    function buyout() external view returns (address) {
        return _buyout;
    }

    function accrues(address account) external view returns (bool) {
        return _accounts[account] & NON_ACCRUING == 0;
    }

    function accruingSupply() external view returns (uint256) {
        return _accruing(_supply);
    }

    function registerPool(address pair) external {
        address factory = _ammFactory;
        uint256 word = _accounts[pair];
        if (factory == address(0) || word & NON_ACCRUING != 0 || !_isPair(factory, pair)) revert InvalidPool(pair);
        uint256 balance = word & LOW_128;
        uint256 n = _tokens.length;
        for (uint256 i; i <= n; ++i) {
            address token = i == 0 ? address(0) : _tokens[i - 1];
            uint256 acc = _sync(token);
            int256 corr = _corr[pair][token];
            _accounted[token] -= _claimable(acc, balance, corr);
            _corr[pair][token] = 0;
        }
        _accounts[pair] = word | NON_ACCRUING;
        _supply = _supplyAfter(_supply, balance, End.Accruing, End.NonAccruing);
        emit PoolRegistered(pair);
    }

    function releaseAsset(address to) external {
        address module = _buyout;
        if (module == address(0) || msg.sender != module) revert NotBuyout(msg.sender);
        _requireActive();
        _status = BOUGHT_OUT;
        _redeemer = to;
        emit AssetReleased(to);
        (address a, uint256 id,) = asset();
        IERC721Like(a).safeTransferFrom(address(this), to, id);
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    function _transferShares(address from, address to, uint256 value) private {
        if (from == address(0)) revert ERC20InvalidSender(from);
        if (to == address(0) || to == address(this)) revert ERC20InvalidReceiver(to);
        _update(from, to, value, true);
    }

    /// share-vault's `update`: each account word read once and written once;
    /// the supply word written only when the move changes it.
    function _update(address from, address to, uint256 value, bool settle) private {
        uint256 fromWord;
        uint256 toWord;
        End fromEnd = End.Zero;
        End toEnd = End.Zero;
        if (from != address(0)) {
            fromWord = _accounts[from];
            uint256 balance = fromWord & LOW_128;
            if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
            fromEnd = _end(fromWord);
        }
        if (to != address(0)) {
            toWord = _accounts[to];
            toEnd = _end(toWord);
        }
        if (settle) _settle(from, fromEnd, to, toEnd, value);
        if (from != address(0)) {
            fromWord -= value; // the balance field: checked above
            _accounts[from] = fromWord;
            if (to == from) toWord = fromWord;
        }
        if (to != address(0)) {
            if ((toWord & LOW_128) + value > LOW_128) revert InvalidSupply(value);
            _accounts[to] = toWord + value;
        }
        if (fromEnd != toEnd) _supply = _supplyAfter(_supply, value, fromEnd, toEnd);
        emit Transfer(from, to, value);
    }

    /// share-vault's `settle`: accounts every revenue token, then moves the
    /// accruing ends' corrections for tokens that have earned revenue.
    function _settle(address from, End fromEnd, address to, End toEnd, uint256 shares) private {
        bool fromAccrues = fromEnd == End.Accruing;
        bool toAccrues = toEnd == End.Accruing;
        if (shares == 0 || from == to || !(fromAccrues || toAccrues)) return;
        uint256 n = _tokens.length;
        for (uint256 i; i <= n; ++i) {
            address token = i == 0 ? address(0) : _tokens[i - 1];
            uint256 acc = _sync(token);
            if (acc == 0) continue;
            int256 delta = _int(acc * shares);
            if (fromAccrues) _corr[from][token] += delta;
            if (toAccrues) _corr[to][token] -= delta;
        }
    }

    /// The unaccounted revenue of `token` and what accounting it would do
    /// (share-vault's `pending`): `some` false when there is none or it
    /// cannot be accounted now.
    function _pending(address token)
        private
        view
        returns (bool some, uint256 balance, uint256 fresh, uint256 acc, address credited, int256 credit)
    {
        bool ok;
        (ok, balance) = _tokenBalance(token);
        if (!ok) return (false, 0, 0, 0, address(0), 0);
        uint256 accounted = _accounted[token];
        fresh = balance > accounted ? balance - accounted : 0;
        if (fresh == 0) return (false, 0, 0, 0, address(0), 0);
        uint256 supply = _supply;
        acc = _acc[token];
        uint256 accruing = _accruing(supply);
        if (accruing == 0) {
            credited = _redeemer;
            if (credited == address(0)) return (false, 0, 0, 0, address(0), 0);
            credit = _corr[credited][token] + _int(fresh * (1 << SCALE_BITS));
            return (true, balance, fresh, acc, credited, credit);
        }
        if (accruing > MAX_SUPPLY || fresh >> SCALE_BITS != 0) return (false, 0, 0, 0, address(0), 0);
        uint256 next = acc + (fresh << SCALE_BITS) / accruing;
        if (next < acc) return (false, 0, 0, 0, address(0), 0);
        uint256 total = supply & LOW_128;
        if (total != 0 && next > uint256(type(int256).max) / total) return (false, 0, 0, 0, address(0), 0);
        return (true, balance, fresh, next, address(0), 0);
    }

    /// Accounts `token`'s fresh revenue and returns the accumulator.
    function _sync(address token) private returns (uint256) {
        (bool some, uint256 balance, uint256 fresh, uint256 acc, address credited, int256 credit) = _pending(token);
        if (!some) return _acc[token];
        if (credited != address(0)) _corr[credited][token] = credit;
        else _acc[token] = acc;
        _accounted[token] = balance;
        emit RevenueAccrued(token, fresh);
        return acc;
    }

    function _tokenBalance(address token) private view returns (bool, uint256) {
        if (token == address(0)) return (true, address(this).balance);
        (bool ok, bytes memory out) = token.staticcall(abi.encodeWithSelector(0x70a08231, address(this)));
        if (!ok || out.length != 32) return (false, 0);
        return (true, abi.decode(out, (uint256)));
    }

    function _claimable(uint256 acc, uint256 balance, int256 corr) private pure returns (uint256) {
        int256 x = _int(acc * balance) + corr;
        if (x < 0) revert InvalidSupply(0);
        return uint256(x) >> SCALE_BITS;
    }

    /// `x` as a signed magnified amount (share-vault's `magnified`).
    function _int(uint256 x) private pure returns (int256) {
        if (x > uint256(type(int256).max)) revert InvalidSupply(x);
        return int256(x);
    }

    function _accruingBalance(uint256 word) private pure returns (uint256) {
        return word & NON_ACCRUING == 0 ? word & LOW_128 : 0;
    }

    function _accruing(uint256 supply) private pure returns (uint256) {
        uint256 total = supply & LOW_128;
        uint256 parked = supply >> 128;
        return total > parked ? total - parked : 0;
    }

    function _end(uint256 word) private pure returns (End) {
        return word & NON_ACCRUING == 0 ? End.Accruing : End.NonAccruing;
    }

    function _supplyAfter(uint256 word, uint256 value, End from, End to) private pure returns (uint256) {
        uint256 total = word & LOW_128;
        uint256 parked = word >> 128;
        if (from == End.Zero) total += value;
        else if (from == End.NonAccruing) parked -= value;
        if (to == End.Zero) total -= value;
        else if (to == End.NonAccruing) parked += value;
        if (parked > total || total > LOW_128) revert InvalidSupply(total);
        return total | parked << 128;
    }

    function _setAllowance(address owner, address spender, uint256 value) private {
        if (spender == address(0)) revert ERC20InvalidSpender(spender);
        _allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function _isPair(address factory, address pair) private view returns (bool) {
        if (pair.code.length == 0) return false;
        address t0 = IPairLike(pair).token0();
        address t1 = IPairLike(pair).token1();
        return (t0 == address(this) || t1 == address(this)) && IPairFactoryLike(factory).getPair(t0, t1) == pair;
    }

    function _requireActive() private view {
        if (_status != ACTIVE) revert VaultNotActive();
    }

    function _requireRevenueToken(address token) private view {
        if (token == address(0)) return;
        uint256 n = _tokens.length;
        for (uint256 i; i < n; ++i) {
            if (_tokens[i] == token) return;
        }
        revert TokenNotAllowed(token);
    }

    function _pay(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EthTransferFailed(to, amount);
            return;
        }
        (bool success, bytes memory ret) = token.call(abi.encodeWithSelector(0xa9059cbb, to, amount));
        if (!success || (ret.length != 0 && !(ret.length == 32 && abi.decode(ret, (bool))))) {
            revert SafeErc20FailedOperation(token);
        }
    }

    /// `[length][bytes]` words back to the bytes.
    function _unpack(bytes memory words) private pure returns (bytes memory out) {
        uint256 len = uint8(words[0]);
        out = new bytes(len);
        for (uint256 i; i < len; ++i) {
            out[i] = words[i + 1];
        }
    }
}

/// Twin of contracts/vault-factory's `fractionalize` for ERC-721 tokens:
/// the same signature and checks (ownership, no ERC-4907 user), the vault
/// as a CREATE2 receiving proxy of the twin at the creator-salted address,
/// the registry of vaults, `initialize`, the token pulled in (after the
/// creator's approval), the status check and VaultCreated.
contract ShareVaultTwinFactory {
    error InvalidImplementation(address implementation);
    error InvalidHolders(uint256 holders, uint256 amounts);
    error TooManyRevenueTokens(uint256 count);
    error UnsupportedUnits(uint256 units);
    error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner);
    error AssetHasUser(address asset, uint256 id, address user);
    error ERC20InvalidReceiver(address receiver);
    error VaultExists(address vault);
    error AssetNotReceived(address vault);

    event VaultCreated(
        address indexed vault, address indexed creator, address indexed asset, uint256 id, uint256 units, bytes32 salt
    );

    address private _implementation;
    address private _market;
    address private _buyout;
    address private _offering;
    address private _ammRouter;
    address private _ammFactory;
    mapping(address => bool) public isVault;

    constructor(
        address implementation,
        address market_,
        address buyout_,
        address offering_,
        address ammRouter_,
        address ammFactory_
    ) {
        _implementation = implementation;
        _market = market_;
        _buyout = buyout_;
        _offering = offering_;
        _ammRouter = ammRouter_;
        _ammFactory = ammFactory_;
    }

    /// `fractionalize`'s arguments, in VaultFactory's order (one struct:
    /// eleven arguments, five of them dynamic, are too many for the legacy
    /// code generator's stack; the calldata is one offset word longer).
    struct Request {
        address asset;
        uint256 id;
        uint256 units;
        string name;
        string symbol;
        address[] holders;
        uint256[] amounts;
        address curator;
        address[] revenueTokens;
        uint64 maxLeaseDuration;
        bytes32 salt;
    }

    function fractionalize(Request calldata r) external returns (address vault) {
        address creator = msg.sender;
        address implementation = _implementation;
        if (implementation == address(0)) revert InvalidImplementation(implementation);
        if (r.holders.length == 0 || r.holders.length != r.amounts.length) {
            revert InvalidHolders(r.holders.length, r.amounts.length);
        }
        if (r.revenueTokens.length > 255) revert TooManyRevenueTokens(r.revenueTokens.length);
        if (r.units != 0) revert UnsupportedUnits(r.units);
        ShareVaultTwin.Config memory config = ShareVaultTwin.Config({
            asset: r.asset,
            id: r.id,
            curator: r.curator,
            market: _market,
            maxLeaseDuration: r.maxLeaseDuration,
            buyout: _buyout,
            offering: _offering,
            ammRouter: _ammRouter,
            ammFactory: _ammFactory,
            revenueTokens: r.revenueTokens,
            name: r.name,
            symbol: r.symbol,
            holders: r.holders,
            amounts: r.amounts
        });

        address owner = IOwnerOf(r.asset).ownerOf(r.id);
        if (owner != creator) revert ERC721IncorrectOwner(creator, r.id, owner);
        try IOwnerOf(r.asset).userOf(r.id) returns (address user) {
            if (user != address(0)) revert AssetHasUser(r.asset, r.id, user);
        } catch {}

        bytes32 vaultSalt = keccak256(abi.encode(creator, r.salt));
        vault = ReceivingProxy.predict(address(this), implementation, vaultSalt);
        for (uint256 i; i < r.holders.length; ++i) {
            if (r.holders[i] == vault) revert ERC20InvalidReceiver(vault);
        }
        if (isVault[vault]) revert VaultExists(vault);
        ReceivingProxy.deploy(implementation, vaultSalt);
        isVault[vault] = true;

        ShareVaultTwin(vault).initialize(config);
        IERC721Like(r.asset).safeTransferFrom(creator, vault, r.id);
        if (ShareVaultTwin(vault).status() != 2) revert AssetNotReceived(vault);
        emit VaultCreated(vault, creator, r.asset, r.id, r.units, r.salt);
    }
}

interface IOwnerOf {
    function ownerOf(uint256 id) external view returns (address);
    function userOf(uint256 id) external view returns (address);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/ip-collection: OpenZeppelin ERC721 +
// URIStorage + ERC2981 + Ownable, plus ERC-4907 timed users with the suite's
// lease-operator semantics (an operator-set user is a locked lease: it cannot
// be replaced or shortened by the owner before expiry and survives transfers;
// an owner-set user is cleared on transfer, as in the ERC-4907 reference).
// As ip-collection: the owner itself only ever sets unlocked users (even as
// its own lease operator), a lock ends within 5 x 365 days, a zero user
// clears the record, `leaseContext` answers a licence market's checks
// (owner, the lessor's lease-operator flag, lock, user expiry, royalty) in
// one call, and `leaseTo` answers the same for its caller and, when the
// market's rules pass (caller approved by the lessor, lessor owns, for a
// purchase no locked lease in force), sets the user as `setUser` by the
// caller does, in the same call: ip-collection's functions of the same
// names (a licence market's sale is one call into the asset).

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract BaselineIp721 is ERC721URIStorage, ERC2981, Ownable {
    struct UserInfo {
        address user;
        uint64 expires;
        bool locked;
    }

    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);

    uint64 private constant MAX_LOCK_DURATION = 5 * 365 days;

    error ExpiresInPast(uint64 expires);
    error LockExpiryTooFar(uint64 expires, uint64 maxExpires);
    error LeaseLocked(uint256 tokenId, uint64 expires);
    error Unauthorized(address caller);

    uint256 private _nextId = 1;
    mapping(uint256 => UserInfo) private _users;
    mapping(address => mapping(address => bool)) private _leaseOperators;
    mapping(address => bool) public isMinter;

    constructor(address owner_, address royaltyReceiver, uint96 bps) ERC721("IP", "IP") Ownable(owner_) {
        _setDefaultRoyalty(royaltyReceiver, bps);
        isMinter[owner_] = true;
    }

    function mint(address to, string calldata uri, address royaltyReceiver, uint96 bps) external returns (uint256 id) {
        if (!isMinter[msg.sender]) revert Unauthorized(msg.sender);
        id = _nextId++;
        _mint(to, id);
        _setTokenURI(id, uri);
        if (royaltyReceiver != address(0)) _setTokenRoyalty(id, royaltyReceiver, bps);
    }

    function setLeaseOperator(address operator, bool approved) external {
        _leaseOperators[msg.sender][operator] = approved;
    }

    function setUser(uint256 tokenId, address user, uint64 expires) external {
        address owner = _requireOwned(tokenId);
        bool operator = msg.sender != owner && _leaseOperators[owner][msg.sender];
        if (!operator && !_isAuthorized(owner, msg.sender, tokenId)) revert Unauthorized(msg.sender);
        _setUser(tokenId, operator, user, expires);
    }

    /// `setUser`'s record update by an authorised caller (`operator`: a
    /// lease operator other than the owner, whose user is a locked lease).
    function _setUser(uint256 tokenId, bool operator, address user, uint64 expires) private {
        UserInfo storage info = _users[tokenId];
        if (info.locked && info.expires >= block.timestamp) {
            // only a lease operator may extend a live locked lease, never shorten it
            if (!operator || user != info.user || expires < info.expires) revert LeaseLocked(tokenId, info.expires);
        }
        if (user == address(0)) {
            delete _users[tokenId];
            emit UpdateUser(tokenId, address(0), 0);
            return;
        }
        if (expires < block.timestamp) revert ExpiresInPast(expires);
        uint64 latest = uint64(block.timestamp) + MAX_LOCK_DURATION;
        if (operator && expires > latest) revert LockExpiryTooFar(expires, latest);
        info.user = user;
        info.expires = expires;
        info.locked = operator;
        emit UpdateUser(tokenId, user, expires);
    }

    function isLeaseOperator(address owner, address operator) public view returns (bool) {
        return _leaseOperators[owner][operator];
    }

    function leaseLocked(uint256 tokenId) public view returns (bool) {
        _requireOwned(tokenId);
        UserInfo storage info = _users[tokenId];
        return info.locked && info.expires >= block.timestamp;
    }

    /// ip-collection's `leaseContext`: `(ownerOf, isLeaseOperator(lessor,
    /// operator), leaseLocked, userExpires, royaltyInfo(tokenId, price))`.
    function leaseContext(uint256 tokenId, address lessor, address operator, uint256 salePrice)
        public
        view
        returns (address owner, bool approved, bool locked, uint64 userExpires, address receiver, uint256 amount)
    {
        owner = _requireOwned(tokenId);
        approved = _leaseOperators[lessor][operator];
        UserInfo storage info = _users[tokenId];
        userExpires = info.expires;
        locked = info.locked && userExpires >= block.timestamp;
        (receiver, amount) = royaltyInfo(tokenId, salePrice);
    }

    /// ip-collection's `leaseTo`: `leaseContext(tokenId, lessor,
    /// msg.sender, salePrice)`, and when license-market's rules pass on it
    /// (the caller approved by the lessor, the lessor owns the token, for a
    /// purchase no locked lease in force) `setUser(tokenId, user, expires)`
    /// by the caller; a refusal changes nothing and answers the facts.
    function leaseTo(uint256 tokenId, address lessor, address user, uint64 expires, bool renew, uint256 salePrice)
        external
        returns (address owner, bool approved, bool locked, uint64 userExpires, address receiver, uint256 amount)
    {
        (owner, approved, locked, userExpires, receiver, amount) =
            leaseContext(tokenId, lessor, msg.sender, salePrice);
        // The caller is a lease operator of the owner, hence authorised
        // (the owner itself sets an unlocked user).
        if (approved && owner == lessor && (renew || !locked)) {
            _setUser(tokenId, msg.sender != owner, user, expires);
        }
    }

    function userOf(uint256 tokenId) external view returns (address) {
        UserInfo storage info = _users[tokenId];
        return info.expires >= block.timestamp ? info.user : address(0);
    }

    function userExpires(uint256 tokenId) external view returns (uint256) {
        return _users[tokenId].expires;
    }

    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        UserInfo storage info = _users[tokenId];
        if (from != to && info.user != address(0) && !(info.locked && info.expires >= block.timestamp)) {
            delete _users[tokenId];
            emit UpdateUser(tokenId, address(0), 0);
        }
    }

    function supportsInterface(bytes4 id) public view override(ERC721URIStorage, ERC2981) returns (bool) {
        return id == 0xad092b5c || super.supportsInterface(id);
    }
}
